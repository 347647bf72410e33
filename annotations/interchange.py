"""Export and import of annotations: W3C Web Annotation JSON-LD (``annotations/w3c.py``) and
CSV (``annotations/tabular.py``).

Import is forgiving per item and strict per field: every item is parsed and checked on its
own, a bad one is reported with where it is and what is wrong, and the good ones are stored.
An annotation is put on the version its target names, checked against that version's text
(the offsets if they still hold the quote, else the quote found by its context); when the
instance does not have that version, on the current version if the quote is there. Items
already present (the same id, or the same author's client key) are left as they are, so
importing a file twice changes nothing. Ids, owners, times and revisions are kept.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from annotations.anchoring import Placement, place
from annotations.errors import InvalidAnnotation, InvalidImport
from annotations.listing import list_annotations
from annotations.model import (
    ID_PATTERN,
    Annotation,
    AnnotationFilter,
    Changes,
    Reply,
    check_body,
    check_client_key,
    check_visibility,
)
from annotations.rows import new_id, now
from annotations.store import AnnotationStore
from annotations.w3c import (
    ParsedAnnotation,
    ParsedReply,
    Urls,
    annotation_to_w3c,
    collection,
    parse_item,
    reply_to_w3c,
)
from corpus.anchors import CONTEXT_CHARS, Anchor, locate
from corpus.errors import DocumentNotFound
from corpus.model import Document

MAX_IMPORT_BYTES = 200 * 1024 * 1024
FORMATS = ("w3c", "csv")


@dataclass(frozen=True)
class ImportReport:
    """What an import did: annotations and replies stored, items already present, and each
    item that failed with where it is and why."""

    annotations: int = 0
    replies: int = 0
    present: int = 0
    failed: tuple[tuple[str, str], ...] = ()
    notices: tuple[str, ...] = field(default=())


def all_annotations(astore: AnnotationStore, *, viewer: str) -> Iterator[Annotation]:
    """Every annotation the viewer may see, oldest first, a page at a time."""
    page = 1
    while True:
        found = list_annotations(
            astore, AnnotationFilter(viewer=viewer, sort="oldest", page=page, per_page=200)
        )
        yield from found.annotations
        if page * found.per_page >= found.total:
            return
        page += 1


def export_w3c(annotations: Iterable[Annotation], urls: Urls, *, label: str) -> dict[str, Any]:
    """An ``AnnotationCollection`` of the annotations and their replies (one embedded page)."""
    items: list[dict[str, Any]] = []
    for annotation in annotations:
        items.append(annotation_to_w3c(annotation, urls))
        items += [reply_to_w3c(reply, urls) for reply in annotation.replies]
    return collection(items, urls, label=label)


def read_w3c(data: bytes) -> list[Any]:
    """The items of a W3C JSON file: one annotation, a collection with embedded pages, a page,
    or a list. Raises ``InvalidImport`` for a file that is none of these."""
    if len(data) > MAX_IMPORT_BYTES:
        raise InvalidImport(
            f"The file is {len(data):,} bytes; the most an import reads is "
            f"{MAX_IMPORT_BYTES:,}. Split it."
        )
    try:
        found = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise InvalidImport(
            f"The file is not JSON ({type(exc).__name__}: {str(exc)[:200]}). Export it again "
            "as W3C JSON-LD."
        ) from None
    if isinstance(found, list):
        return found
    if not isinstance(found, dict):
        raise InvalidImport(
            "The file holds no annotations: expected an Annotation, an AnnotationCollection "
            "or a list of annotations."
        )
    kind = found.get("type")
    if kind == "AnnotationCollection":
        return list(_pages(found.get("first")))
    if kind == "AnnotationPage":
        return list(_pages(found))
    return [found]


def _pages(page: Any) -> Iterator[Any]:
    seen = 0
    while isinstance(page, dict) and seen < 100_000:
        items = page.get("items", [])
        yield from items if isinstance(items, list) else [items]
        page, seen = page.get("next"), seen + 1  # an IRI (not embedded) ends the file's pages


def import_items(
    astore: AnnotationStore, items: Sequence[Any], *, parse: Any = parse_item
) -> ImportReport:
    """Store the valid items (``parse`` turns one into a Parsed value or raises
    ``InvalidAnnotation``); see the module docstring."""
    failed: list[tuple[str, str]] = []
    notices: list[str] = []
    parsed: list[tuple[str, ParsedAnnotation]] = []
    replies: dict[str, list[tuple[str, ParsedReply]]] = {}
    for n, item in enumerate(items, 1):
        where = _where(n, item)
        try:
            found = parse(item)
        except InvalidAnnotation as exc:
            failed.append((where, str(exc)))
            continue
        if isinstance(found, ParsedReply):
            replies.setdefault(found.parent, []).append((where, found))
        else:
            parsed.append((where, found))
    stored = present = reply_count = 0
    claimed: set[str] = set()
    for where, item in parsed:
        mine = replies.pop(item.iri, []) + (replies.pop(item.id, []) if item.id else [])
        try:
            annotation, placement, notice = _annotation(astore, item, mine)
        except (InvalidAnnotation, DocumentNotFound) as exc:
            failed.append((where, str(exc)))
            failed += [(w, "its annotation could not be imported") for w, _ in mine]
            continue
        if notice:
            notices.append(f"{where}: {notice}")
        if annotation.id in claimed or not astore.restore(annotation, placement):
            present += 1
            continue
        claimed.add(annotation.id)
        stored += 1
        reply_count += len(annotation.replies)
    for orphans in replies.values():
        failed += [(w, f"its annotation {r.parent!r} is not in this file") for w, r in orphans]
    return ImportReport(stored, reply_count, present, tuple(failed), tuple(notices))


def _annotation(
    astore: AnnotationStore, item: ParsedAnnotation, replies: list[tuple[str, ParsedReply]]
) -> tuple[Annotation, Placement, str]:
    Changes(note=item.note, tags=item.tags, colour=item.colour)  # checks them
    check_visibility(item.visibility)
    client_key = item.client_key or ("" if item.id else item.iri[:200])
    check_client_key(client_key)
    document, notice = _version(astore, item)
    anchor = _anchor(item, document)
    current = document if document.is_current else astore.store.get(item.document_id)
    created = item.created or now()
    id = item.id or new_id()
    thread = tuple(_reply(r, id, item.visibility) for _, r in replies)
    annotation = Annotation(
        id=id, document_id=item.document_id, anchor=anchor, author=item.author or "local",
        visibility=item.visibility,  # type: ignore[arg-type]
        created=created, modified=item.modified or created, note=item.note,
        tags=Changes(tags=item.tags).tags or (), colour=item.colour, revision=item.revision,
        replies=thread, client_key=client_key,
    )  # fmt: skip
    return annotation, place(anchor, current), notice


def _reply(item: ParsedReply, annotation_id: str, visibility: str) -> Reply:
    check_body(item.body)
    chosen = item.visibility or visibility
    check_visibility(chosen)
    created = item.created or now()
    return Reply(
        id=item.id if item.id and ID_PATTERN.fullmatch(item.id) else new_id(),
        annotation_id=annotation_id, body=item.body, author=item.author or "local",
        visibility=chosen,  # type: ignore[arg-type]
        created=created, modified=item.modified or created, revision=item.revision,
    )  # fmt: skip


def _version(astore: AnnotationStore, item: ParsedAnnotation) -> tuple[Document, str]:
    if item.version is None:
        return astore.store.get(item.document_id), ""
    try:
        return astore.store.get(item.document_id, item.version), ""
    except DocumentNotFound:
        current = astore.store.get(item.document_id)  # raises for an unknown document
        return current, f"version {item.version} is not here: placed on version {current.version}"


def _anchor(item: ParsedAnnotation, document: Document) -> Anchor:
    """The anchor in ``document``: at the item's offsets if they still hold the quote (its
    context kept as exported), else where the quote is found intact by its context."""
    text, quote = document.text, item.quote
    if item.start is not None and item.end is not None and text[item.start : item.end] == quote:
        return Anchor(quote, item.prefix, item.suffix, item.start, item.end, document.version)
    guess = Anchor(quote, item.prefix, item.suffix, item.start or 0, item.end or 0)
    found = locate(guess, text)
    if found is None or found.status == "fuzzy":
        raise InvalidAnnotation(
            f"the quote {quote[:60]!r} is not in version {document.version} of document "
            f"{document.id!r}; ingest the version it was made on, then import again"
        )
    span = found.span
    return dataclasses.replace(
        guess, prefix=text[max(0, span.start - CONTEXT_CHARS) : span.start],
        suffix=text[span.end : span.end + CONTEXT_CHARS], start=span.start, end=span.end,
        version=document.version,
    )  # fmt: skip


def _where(n: int, item: Any) -> str:
    iri = item.get("id") if isinstance(item, dict) else None
    return f"item {n}" + (f" ({str(iri)[:80]})" if isinstance(iri, str) and iri else "")


def stamp() -> str:
    """The time of an export, for its label."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
