"""JSON Lines sources (.jsonl, .ndjson, also gzip-compressed): one document per line.

A bad line never stops the file: each line's outcome is yielded with its origin
(``path:line``), so the caller can list what was skipped and why. A file whose first
20 lines are all bad is not JSONL at all, and reading stops there.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from corpus.drafts import build_draft, normalise_text, text_id
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
                yield origin, _draft_from_line(line, origin)
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


def _draft_from_line(line: bytes, origin: str) -> DocumentDraft:
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
    return build_draft(obj, body, origin, default_id=text_id(body))
