"""The head of an Alembic history, read from its revision files without Alembic or SQLAlchemy.

Opening a store at head (``corpus/database.py``) and the quick SQLite reader
(``corpus/reading.py``) both ask which revision is the newest; neither should pay for importing
Alembic (or, for the reader, SQLAlchemy) to learn it.
"""

from __future__ import annotations

import re
from pathlib import Path

_REVISION = re.compile(r"^revision(?:: str)? = [\"'](?P<id>[^\"']+)[\"']", re.M)
_DOWN_REVISION = re.compile(
    r"^down_revision(?:: [^=]+)? = (?:[\"'](?P<id>[^\"']+)[\"']|None)", re.M
)


def head_of(folder: Path) -> str:
    """The newest revision in ``folder``/versions (its ``revision`` and ``down_revision``
    lines); raises ``RuntimeError`` unless the history has exactly one head."""
    revisions: dict[str, str | None] = {}
    for path in (folder / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        found = _REVISION.search(source)
        if found:
            below = _DOWN_REVISION.search(source)
            revisions[found["id"]] = below["id"] if below and below["id"] else None
    heads = set(revisions) - set(revisions.values())
    if len(heads) != 1:
        raise RuntimeError(f"expected one head revision in {folder}, found {heads}")
    return heads.pop()
