"""Plain text and Markdown sources: one document per file, optional ``---`` front matter.

Front matter is a small YAML-like block (``key: value`` lines, ``[a, b]`` or ``- item`` lists)
between ``---`` fences at the top; its fields are the same as a JSONL line's. Only UTF-8 (BOM
allowed) and BOM-marked UTF-16 are read: an encoding is refused, never guessed.
"""

from __future__ import annotations

from pathlib import Path

from corpus.drafts import build_draft, normalise_text
from corpus.errors import InvalidDocument, UnreadableSource
from corpus.model import DocumentDraft

__all__ = ["read_text"]


def read_text(raw: bytes, path: Path) -> DocumentDraft:
    """The document in a .txt/.md file's bytes; raises ``CorpusError`` naming what is wrong."""
    text = _decode(raw)
    fields, body = _split_front_matter(text)
    body = normalise_text(body)
    if not body:
        raise UnreadableSource("no text after the front matter" if fields else "no text in it")
    return build_draft(fields, body, str(path), file=path)


def _decode(raw: bytes) -> str:
    """UTF-8 (BOM allowed) or BOM-marked UTF-16; anything else is refused, not guessed."""
    if not raw.strip():
        raise UnreadableSource("the file is empty")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise UnreadableSource(f"damaged UTF-16 text ({exc.reason})") from exc
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise UnreadableSource(f"looks binary (NUL byte at offset {nul}); Dossier reads text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableSource(
            f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); convert it, "
            "e.g. iconv -f windows-1252 -t utf-8"
        ) from exc


def _split_front_matter(text: str) -> tuple[dict[str, object], str]:
    """``key: value`` lines between ``---`` fences at the top; values may be ``[a, b]`` lists."""
    lines = text.removeprefix("\ufeff").splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return {}, text
    end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() in ("---", "...")), None)
    if end is None:
        return {}, text
    fields: dict[str, object] = {}
    list_key = ""
    for number, line in enumerate(lines[1:end], 2):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("- ") and list_key:
            items = fields[list_key] if isinstance(fields[list_key], list) else []
            fields[list_key] = [*items, _unquote(stripped[2:])]  # type: ignore[misc]
            continue
        name, sep, value = stripped.partition(":")
        if not sep or not name.strip() or " " in name.strip():
            raise InvalidDocument(
                f'front matter line {number} "{stripped}" is not "key: value"; fix it or remove '
                "the --- lines"
            )
        key, value = name.strip().lower(), value.strip()
        list_key = "" if value else key
        if value.startswith("[") and value.endswith("]"):
            fields[key] = [_unquote(v) for v in value[1:-1].split(",") if v.strip()]
        else:
            fields[key] = _unquote(value) or None
    return fields, "".join(lines[end + 1 :])


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value
