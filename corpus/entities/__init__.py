"""The entity registry, analysts' corrections and the mentions stored per document version.

Same database as the documents (docs/decisions/005). ``store`` reads the registry;
``corrections`` and ``tagging`` change it, each change logged with who and when; ``mentions``
holds what analysis found; ``queries`` feeds the entity pages; ``registry_io`` and ``bulk``
exchange the registry as CSV or JSON.
"""

from __future__ import annotations

__all__: list[str] = []
