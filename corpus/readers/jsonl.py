"""JSON Lines sources (.jsonl, .ndjson, also gzip-compressed): one document per line.

A bad line never stops the file: each line's outcome is yielded with its origin
(``path:line``), so the caller can list what was skipped and why. A line that is valid JSON
makes the file JSON Lines, even when its fields are wrong; a line with a bad field, a NUL byte
or bytes that are not UTF-8 fails alone. Only a file that is not JSON Lines at all (none of
its first ``SAMPLE_LINES`` lines is JSON: a binary file, a CSV) is given up, with one failure
that says so; the failures of its lines are then not listed one by one.

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

__all__ = ["SAMPLE_LINES", "read_jsonl"]

SAMPLE_LINES = 20  # lines without one JSON value among them: the file is not JSON Lines


class _NotJson(UnreadableSource):
    """A line that is not JSON at all (as opposed to JSON with a bad field)."""

    def __init__(self, message: str, *, is_binary: bool = False) -> None:
        super().__init__(message)
        self.is_binary = is_binary


def read_jsonl(
    path: Path, limits: IngestLimits, budget: DecompressionBudget
) -> Iterator[tuple[str, DocumentDraft | CorpusError]]:
    """Each line's origin with its draft, or with the error that skipped it (or the file)."""
    held: list[tuple[str, _NotJson]] = []  # failures before the first JSON line
    is_jsonl = False
    number = 0
    shared = _SharedUrls(path, limits)
    try:
        for number, line in iter_lines(path, limits, budget):
            origin = f"{path}:{number}"
            if line is None:  # unread, so it says nothing about the file's format
                yield origin, UnreadableSource(too_long_line(limits))
                continue
            try:
                draft = _draft_from_line(line, origin, shared)
            except _NotJson as exc:
                if is_jsonl:
                    yield origin, exc
                    continue
                held.append((origin, exc))
                if len(held) >= SAMPLE_LINES:
                    yield str(path), UnreadableSource(_not_jsonl(held))
                    return
                continue
            except CorpusError as exc:
                outcome: DocumentDraft | CorpusError = exc  # JSON with a bad field: still JSONL
            else:
                outcome = draft
            if not is_jsonl:
                is_jsonl = True
                yield from held
                held = []
            yield origin, outcome
    except CorpusError as exc:
        yield from held
        yield str(path), UnreadableSource(f"{exc} (stopped after line {number})")
        return
    if held:
        yield str(path), UnreadableSource(_not_jsonl(held))
    elif not is_jsonl:
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


def _not_jsonl(held: list[tuple[str, _NotJson]]) -> str:
    """Why a file is not JSON Lines: how many lines were tried, and what the first one was."""
    first = str(held[0][1])
    what = "looks binary, not JSON Lines" if any(e.is_binary for _, e in held) else "not JSON Lines"
    if len(held) == 1:
        return f"{what}: its only line is not JSON ({first})"
    return f"{what}: none of its first {len(held)} lines is JSON (line 1: {first})"


def _draft_from_line(line: bytes, origin: str, shared_urls: Container[str]) -> DocumentDraft:
    """The draft on one line; raises ``_NotJson`` when the line is not JSON, another
    ``CorpusError`` when it is JSON but not a usable document."""
    nul = line.find(b"\x00")
    if nul >= 0:
        raise _NotJson(
            f"a NUL byte at column {nul + 1}; JSON text cannot hold one (write it as \\u0000)",
            is_binary=True,
        )
    try:
        obj = json.loads(line.rstrip(b"\r\n").decode("utf-8").removeprefix("\ufeff"))
    except UnicodeDecodeError as exc:
        raise _NotJson(
            f"not UTF-8 (byte 0x{line[exc.start]:02x} at column {exc.start + 1})", is_binary=True
        ) from exc
    except json.JSONDecodeError as exc:
        raise _NotJson(f"not valid JSON ({exc.msg}, column {exc.colno})") from exc
    except (ValueError, RecursionError) as exc:
        raise _NotJson(f"not usable JSON: {exc}") from exc
    if not isinstance(obj, dict):
        raise UnreadableSource(f"expected a JSON object, got {type(obj).__name__}")
    text = obj.get("text")
    if not isinstance(text, str):
        raise InvalidDocument('no "text" field' if text is None else '"text" must be a string')
    body = normalise_text(text)
    if not body:
        raise InvalidDocument('"text" is empty')
    return build_draft(obj, body, origin, shared_urls=shared_urls)
