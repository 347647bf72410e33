"""Annotations as CSV: one row per annotation, then one per reply (``kind`` ``reply``, with
``reply_to``), every field in its own column, for spreadsheets and scripts.

Cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return) are written with a leading apostrophe, which import removes again,
so a note can never become a formula in someone's spreadsheet and still round-trips.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Mapping
from typing import Any

from annotations.errors import InvalidAnnotation, InvalidImport
from annotations.model import Annotation, Reply
from annotations.w3c import ParsedAnnotation, ParsedReply

COLUMNS = (
    "kind", "id", "reply_to", "document_id", "version", "start", "end", "quote", "prefix",
    "suffix", "note", "tags", "colour", "visibility", "author", "created", "modified",
    "revision", "client_key",
)  # fmt: skip
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def export_csv(annotations: Iterable[Annotation]) -> str:
    """The CSV text of the annotations and their replies."""
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS, lineterminator="\n")
    writer.writeheader()
    for annotation in annotations:
        writer.writerow(_guarded(_annotation_row(annotation)))
        for reply in annotation.replies:
            writer.writerow(_guarded(_reply_row(reply)))
    return out.getvalue()


def read_csv(data: bytes) -> list[dict[str, str]]:
    """The rows of a CSV export; raises ``InvalidImport`` for a file that is not one."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidImport(
            f"The CSV file is not UTF-8 ({exc.reason} at byte {exc.start})."
        ) from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [
        c for c in ("kind", "id", "document_id", "quote") if c not in (reader.fieldnames or ())
    ]
    if missing:
        raise InvalidImport(
            f"The CSV file has no {', '.join(missing)} column: export it again with "
            '"dossier annotations export --format csv".'
        )
    try:
        return [{k: _unguarded(v or "") for k, v in row.items() if k} for row in reader]
    except csv.Error as exc:
        raise InvalidImport(
            f"The CSV file is malformed at line {reader.line_num}: {exc}."
        ) from None


def parse_row(row: Mapping[str, str]) -> ParsedAnnotation | ParsedReply:
    """A CSV row as an import item; raises ``InvalidAnnotation`` saying what is wrong."""
    common: dict[str, Any] = {
        "author": row.get("author", "").strip(),
        "created": _when(row, "created"),
        "modified": _when(row, "modified"),
        "revision": _number(row, "revision") or 1,
    }
    if row.get("kind") == "reply":
        if not row.get("reply_to"):
            raise InvalidAnnotation("a reply row needs reply_to, its annotation's id")
        return ParsedReply(
            id=row.get("id") or None, parent=row["reply_to"], body=row.get("note", ""),
            visibility=row.get("visibility") or None, **common,
        )  # fmt: skip
    if row.get("kind") not in ("annotation", None, ""):
        raise InvalidAnnotation(f"kind must be annotation or reply, not {row.get('kind')!r}")
    if not row.get("document_id") or not row.get("quote"):
        raise InvalidAnnotation("an annotation row needs document_id and quote")
    tags = tuple(t.strip() for t in row.get("tags", "").split(",") if t.strip())
    return ParsedAnnotation(
        id=row.get("id") or None, iri=row.get("id", ""), document_id=row["document_id"],
        version=_number(row, "version"), quote=row["quote"], prefix=row.get("prefix", ""),
        suffix=row.get("suffix", ""), start=_number(row, "start"), end=_number(row, "end"),
        note=row.get("note", ""), tags=tags, colour=row.get("colour") or "yellow",
        visibility=row.get("visibility") or "private", client_key=row.get("client_key", ""),
        **common,
    )  # fmt: skip


def _annotation_row(a: Annotation) -> dict[str, Any]:
    return {
        "kind": "annotation", "id": a.id, "reply_to": "", "document_id": a.document_id,
        "version": a.anchor.version, "start": a.anchor.start, "end": a.anchor.end,
        "quote": a.anchor.quote, "prefix": a.anchor.prefix, "suffix": a.anchor.suffix,
        "note": a.note, "tags": ", ".join(a.tags), "colour": a.colour,
        "visibility": a.visibility, "author": a.author, "created": a.created.isoformat(),
        "modified": a.modified.isoformat(), "revision": a.revision, "client_key": a.client_key,
    }  # fmt: skip


def _reply_row(r: Reply) -> dict[str, Any]:
    return {
        "kind": "reply", "id": r.id, "reply_to": r.annotation_id, "note": r.body,
        "visibility": r.visibility, "author": r.author, "created": r.created.isoformat(),
        "modified": r.modified.isoformat(), "revision": r.revision,
    }  # fmt: skip


def _needs_guard(value: str) -> bool:
    return value.startswith(_FORMULA) or (value.startswith("'") and _needs_guard(value[1:]))


def _guarded(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: "'" + v if isinstance(v, str) and _needs_guard(v) else v for k, v in row.items()}


def _unguarded(value: str) -> str:
    return value[1:] if value.startswith("'") and _needs_guard(value[1:]) else value


def _number(row: Mapping[str, str], name: str) -> int | None:
    raw = row.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise InvalidAnnotation(f"{name} must be a whole number, not {raw[:40]!r}")
    return int(raw)


def _when(row: Mapping[str, str], name: str) -> dt.datetime | None:
    raw = row.get(name, "").strip()
    if not raw:
        return None
    try:
        when = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidAnnotation(f"{name} is not an ISO 8601 time: {raw[:40]!r}") from None
    return when.replace(tzinfo=when.tzinfo or dt.UTC).astimezone(dt.UTC)
