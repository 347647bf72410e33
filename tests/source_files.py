"""Writing source files for the reader tests (shared by tests/test_corpus_readers*.py)."""

from __future__ import annotations

from pathlib import Path


def write_source(folder: Path, name: str, content: str | bytes) -> Path:
    """``folder / name`` holding ``content``: text as UTF-8, bytes as they are."""
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path
