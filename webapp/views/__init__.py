"""One blueprint per area, each defined as ``bp`` at the top of its own module.

``search`` serves ``/``, ``documents`` serves ``/documents/<id>``, ``entities`` serves
``/entities...``, ``api`` serves ``/api/search`` and ``/api/documents/<id>``, ``reanalysis``
serves ``/api/reanalysis``, ``annotations`` the annotations API and passage links,
``annotation_pages`` the Annotations page and the note preview, ``briefs`` the briefs API,
``brief_pages`` the Briefs list and a brief's page with its editor, ``backlinks`` the passages
of a document that briefs cite (``/api/documents/<id>/cited``). The blueprints are imported by
module; nothing else is public.
"""

from __future__ import annotations

__all__: list[str] = []
