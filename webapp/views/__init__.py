"""One blueprint per area, each defined as ``bp`` at the top of its own module.

``search`` serves ``/``, ``documents`` serves ``/documents/<id>``, ``api`` serves ``/api/...``.
"""
