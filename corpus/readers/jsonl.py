"""JSON Lines sources (.jsonl, .ndjson, also gzip-compressed): one document per line.

A bad line never stops the file: each line's outcome is yielded with its origin
(``path:line``), so the caller can list what was skipped and why. A file whose first
20 lines are all bad is not JSONL at all, and reading stops there.

A line without an ``id`` takes its id from its url, unless other lines of the file without an
id give the same url: such a url names a collection (a dataset's DOI, a site's front page), not
a document, so those lines take ids from their texts. Finding them costs a second read of the
file, done only when the first line without an id but with a url comes.
"""

from __future__ import annotations

import json
from collections.abc import Container, Iterator
from pathlib import Path

from corpus.drafts import build_draft, clean_line, normalise_text
from corpus.errors import CorpusError, InvalidDocument, UnreadableSource
from corpus.limits import DecompressionBudget, IngestLimits, iter_lines, too_long_line
from corpus.model import DocumentDraft

__all__ = ["read_jsonl"]

_GIVE_UP_AFTER = 20  # bad lines before the first good one: the file is not JSONL at all


def read_jsonl(
    path: Path, limits: IngestLimits, budget: DecompressionBudget
) -> Iterator[tuple[str, DocumentDraft | CorpusError]]:
    """Each line's origin with its draft, or with the error that skipped it (or the file)."""
    good = bad = number = 0
    shared = _SharedUrls(path, limits)
    try:
        for number, line in iter_lines(path, limits, budget):
            if line is not None and b"\x00" in line:
                yield str(path), UnreadableSource(f"looks binary (NUL byte on line {number})")
                return
            if line is not None and not line.strip():
                continue
            origin = f"{path}:{number}"
            try:
                if line is None:
                    raise UnreadableSource(too_long_line(limits))
                yield origin, _draft_from_line(line, origin, shared)
                good += 1
            except CorpusError as exc:
                bad += 1
                yield origin, exc
                if bad >= _GIVE_UP_AFTER and not good:
                    reason = f"gave up: the first {bad} lines are not JSONL"
                    yield str(path), UnreadableSource(reason)
                    return
    except CorpusError as exc:
        yield str(path), UnreadableSource(f"{exc} (stopped after line {number})")
        return
    if not good and not bad:
        yield str(path), UnreadableSource("the file is empty")


class _SharedUrls:
    """The urls that several lines without an id give in one file, found on first use."""

    def __init__(self, path: Path, limits: IngestLimits) -> None:
        self._path, self._limits = path, limits
        self._urls: set[str] | None = None

    def __contains__(self, url: object) -> bool:
        if self._urls is None:
            self._urls = _shared_urls(self._path, self._limits)
        return url in self._urls


def _shared_urls(path: Path, limits: IngestLimits) -> set[str]:
    """A second read of the file (its own decompression budget: the run's is spent once)."""
    seen: set[str] = set()
    shared: set[str] = set()
    budget = DecompressionBudget(limits.max_decompressed_file_bytes)
    try:
        for _, line in iter_lines(path, limits, budget):
            try:
                obj = json.loads(line or b"null")
            except (ValueError, RecursionError):
                continue
            if isinstance(obj, dict) and not obj.get("id") and isinstance(obj.get("url"), str):
                url = clean_line(obj["url"])
                (shared if url in seen else seen).add(url)
    except CorpusError:
        pass  # the first read reports what stops the file
    return shared


def _draft_from_line(line: bytes, origin: str, shared_urls: Container[str]) -> DocumentDraft:
    try:
        obj = json.loads(line.decode("utf-8").removeprefix("\ufeff"))
    except UnicodeDecodeError as exc:
        raise UnreadableSource(f"not UTF-8 (byte 0x{line[exc.start]:02x})") from exc
    except json.JSONDecodeError as exc:
        raise UnreadableSource(f"not valid JSON ({exc.msg}, column {exc.colno})") from exc
    except (ValueError, RecursionError) as exc:
        raise UnreadableSource(f"not usable JSON: {exc}") from exc
    if not isinstance(obj, dict):
        raise UnreadableSource(f"expected a JSON object, got {type(obj).__name__}")
    text = obj.get("text")
    if not isinstance(text, str):
        raise InvalidDocument('no "text" field' if text is None else '"text" must be a string')
    body = normalise_text(text)
    if not body:
        raise InvalidDocument('"text" is empty')
    return build_draft(obj, body, origin, shared_urls=shared_urls)
