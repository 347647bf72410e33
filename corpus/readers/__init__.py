"""Reading source files into ``DocumentDraft``s: the one entry point, ``read_source``.

Formats: .txt/.md (optional ``---`` front matter, ``readers_text``), .html/.htm
(``readers_html``, the only module that imports ``bs4``), .jsonl (one document per line,
``readers_jsonl``), each optionally gzip-compressed (``.jsonl.gz``). Text and fields then go
through ``corpus.drafts`` (``normalise_text``, ``build_draft``), so every format gives the same
canonical text, to which every offset anywhere in Dossier refers.

A source that cannot be read yields a ``ReadFailure`` naming it (``path`` or ``path:line``) and
the reason; reading never raises for bad input, so one broken file never stops a batch.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from corpus.errors import CorpusError
from corpus.limits import DecompressionBudget, IngestLimits, read_document_bytes
from corpus.model import DocumentDraft
from corpus.readers.html import read_html
from corpus.readers.jsonl import read_jsonl
from corpus.readers.text import read_text

__all__ = ["FORMATS", "ReadFailure", "read_source", "source_format"]

FORMATS: dict[str, str] = {
    ".txt": "text",
    ".md": "text",
    ".markdown": "text",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}


@dataclass(frozen=True)
class ReadFailure:
    """A source (``path`` or ``path:line``) that was skipped, and why."""

    origin: str
    reason: str


def source_format(path: Path) -> str | None:
    """``text``, ``html`` or ``jsonl`` for a supported file name (``.gz`` allowed), else None."""
    name = path.name.lower().removesuffix(".gz")
    return FORMATS.get(Path(name).suffix)


def read_source(
    path: Path, limits: IngestLimits | None = None, budget: DecompressionBudget | None = None
) -> Iterator[DocumentDraft | ReadFailure]:
    """The documents in one file, or failures naming what was skipped and why."""
    limits = limits or IngestLimits()
    budget = budget or DecompressionBudget(limits.max_decompressed_total_bytes)
    kind = source_format(path)
    if kind is None:
        known = ", ".join(sorted(FORMATS))
        yield ReadFailure(str(path), f"unsupported file type; Dossier reads {known} (or .gz)")
        return
    try:
        if kind == "jsonl":
            for origin, outcome in read_jsonl(path, limits, budget):
                if isinstance(outcome, CorpusError):
                    yield ReadFailure(origin, str(outcome))
                else:
                    yield outcome
        else:
            raw = read_document_bytes(path, limits, budget)
            yield (read_html if kind == "html" else read_text)(raw, path)
    except CorpusError as exc:
        yield ReadFailure(str(path), str(exc))
    except OSError as exc:
        yield ReadFailure(str(path), f"cannot read the file: {exc.strerror or exc}")
