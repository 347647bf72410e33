"""Annotations in the W3C Web Annotation Data Model (JSON-LD), out and back in.

An annotation becomes an ``Annotation`` whose target is the document's Dossier URL plus its
version (``<base>/documents/<id>?version=N``) with a ``TextQuoteSelector`` (the quote and its
context) and a ``TextPositionSelector`` (the offsets); its note is a Markdown ``TextualBody``
(purpose ``commenting``), each tag a ``TextualBody`` with purpose ``tagging``; the colour is the
target's ``styleClass`` (``dossier-yellow``). A reply is an annotation with motivation
``replying`` whose target is the annotation's IRI. What the model has no word for (visibility,
colour, revision, client key, where re-anchoring placed it) is kept under the ``dossier:``
prefix the ``@context`` declares, so an export imported into another Dossier round-trips
every field, and other tools ignore it.

Parsing (``parse_item``) is strict and says what is wrong with each item; it never touches the
store (``annotations/interchange.py`` does).
"""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from annotations.errors import InvalidAnnotation
from annotations.model import COLOURS, ID_PATTERN, Annotation, Reply
from corpus.anchors import Anchor

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
DOSSIER_NS = "urn:x-dossier:terms:"
CONTEXT: list[Any] = [ANNO_CONTEXT, {"dossier": DOSSIER_NS}]
STYLE_PREFIX = "dossier-"
# The highlight colours as CSS, for the stylesheet an export carries with its styleClass.
COLOUR_CSS = {
    "yellow": "#fff3a3", "green": "#c8f0c8", "blue": "#cfe3ff",
    "pink": "#ffd6e7", "purple": "#e6d9ff", "orange": "#ffe0b8",
}  # fmt: skip
_DOCUMENT_PATH = re.compile(r"/documents/([^/?#]+)")
_ANNOTATION_PATH = re.compile(r"/annotations/([a-z0-9][a-z0-9_-]{0,63})$")


@dataclass(frozen=True)
class Urls:
    """How exported IRIs are made: the instance's base URL (no trailing slash)."""

    base: str

    def annotation(self, id: str) -> str:
        """The IRI of an annotation (its API URL)."""
        return f"{self.base}/api/annotations/{id}"

    def reply(self, annotation_id: str, id: str) -> str:
        """The IRI of a reply."""
        return f"{self.base}/api/annotations/{annotation_id}/replies/{id}"

    def document(self, document_id: str, version: int | None) -> str:
        """A document version's page."""
        path = f"{self.base}/documents/{urllib.parse.quote(document_id, safe='')}"
        return path if version is None else f"{path}?version={version}"

    def user(self, owner: str) -> str:
        """An owner's IRI."""
        return f"{self.base}/users/{urllib.parse.quote(owner, safe='')}"


@dataclass(frozen=True)
class ParsedAnnotation:
    """An annotation read from an import: everything needed to store it again."""

    id: str | None
    iri: str
    document_id: str
    version: int | None
    quote: str
    prefix: str
    suffix: str
    start: int | None
    end: int | None
    note: str
    tags: tuple[str, ...]
    colour: str
    visibility: str
    author: str
    created: dt.datetime | None
    modified: dt.datetime | None
    revision: int
    client_key: str


@dataclass(frozen=True)
class ParsedReply:
    """A reply read from an import; ``parent`` is the IRI (or id) of its annotation."""

    id: str | None
    parent: str
    body: str
    visibility: str | None
    author: str
    created: dt.datetime | None
    modified: dt.datetime | None
    revision: int


def annotation_to_w3c(annotation: Annotation, urls: Urls) -> dict[str, Any]:
    """One annotation as a W3C Web Annotation (its replies are separate annotations)."""
    anchor = annotation.anchor
    bodies: list[dict[str, Any]] = []
    if annotation.note:
        bodies.append(
            {
                "type": "TextualBody",
                "value": annotation.note,
                "format": "text/markdown",
                "purpose": "commenting",
            }  # fmt: skip
        )
    bodies += [
        {"type": "TextualBody", "value": tag, "purpose": "tagging"} for tag in annotation.tags
    ]
    found: dict[str, Any] = {"status": annotation.status, "score": annotation.score,
                             "version": annotation.checked_version}  # fmt: skip
    if annotation.located is not None:
        found.update(start=annotation.located.span.start, end=annotation.located.span.end)
    item: dict[str, Any] = {
        "@context": CONTEXT,
        "id": urls.annotation(annotation.id),
        "type": "Annotation",
        "motivation": "commenting" if annotation.note else "highlighting",
        "created": _time(annotation.created),
        "modified": _time(annotation.modified),
        "creator": _agent(annotation.author, urls),
        "target": {
            **passage_target(annotation.document_id, anchor, urls),
            "styleClass": STYLE_PREFIX + annotation.colour,
        },
        "stylesheet": {
            "type": "CssStylesheet",
            "value": f".{STYLE_PREFIX}{annotation.colour} {{ background-color: "
            f"{COLOUR_CSS.get(annotation.colour, '#fff3a3')}; }}",
        },
        "dossier:visibility": annotation.visibility,
        "dossier:colour": annotation.colour,
        "dossier:revision": annotation.revision,
        "dossier:anchoring": found,
    }
    if bodies:
        item["body"] = bodies
    if annotation.client_key:
        item["dossier:clientKey"] = annotation.client_key
    return item


def passage_target(document_id: str, anchor: Anchor, urls: Urls) -> dict[str, Any]:
    """A passage as a W3C target: the document version, its quote (with context) and
    offsets (annotations and briefs' citations alike)."""
    return {
        "type": "SpecificResource",
        "source": urls.document(document_id, anchor.version),
        "selector": [
            {
                "type": "TextQuoteSelector",
                "exact": anchor.quote,
                "prefix": anchor.prefix,
                "suffix": anchor.suffix,
            },  # fmt: skip
            {"type": "TextPositionSelector", "start": anchor.start, "end": anchor.end},
        ],
    }


def reply_to_w3c(reply: Reply, urls: Urls) -> dict[str, Any]:
    """A reply as a W3C Web Annotation replying to its annotation."""
    return {
        "@context": CONTEXT,
        "id": urls.reply(reply.annotation_id, reply.id),
        "type": "Annotation",
        "motivation": "replying",
        "created": _time(reply.created),
        "modified": _time(reply.modified),
        "creator": _agent(reply.author, urls),
        "body": {
            "type": "TextualBody",
            "value": reply.body,
            "format": "text/markdown",
            "purpose": "replying",
        },  # fmt: skip
        "target": urls.annotation(reply.annotation_id),
        "dossier:visibility": reply.visibility,
        "dossier:revision": reply.revision,
    }


def collection(
    items: Sequence[Mapping[str, Any]], urls: Urls, *, label: str, page_size: int | None = None,
    collection_id: str = "",
) -> dict[str, Any]:  # fmt: skip
    """An ``AnnotationCollection`` whose ``first`` page is embedded with the items (all of
    them when ``page_size`` is None, as a file export does); its id is the annotations'
    export unless ``collection_id`` names another."""
    size = page_size or max(len(items), 1)
    pages = max(1, -(-len(items) // size))
    collection_id = collection_id or f"{urls.base}/api/annotations/export"
    return {
        "@context": CONTEXT,
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": label,
        "total": len(items),
        "first": page(
            items[:size],
            urls,
            number=0,
            pages=pages,
            size=size,
            total=len(items),
            collection_id=collection_id,
        ),  # fmt: skip
        "last": f"{collection_id}?page={pages - 1}",
    }


def page(
    items: Sequence[Mapping[str, Any]], urls: Urls, *, number: int, pages: int, size: int,
    total: int, collection_id: str = "",
) -> dict[str, Any]:  # fmt: skip
    """One ``AnnotationPage`` of the export collection (``collection_id``: as ``collection``)."""
    collection_id = collection_id or f"{urls.base}/api/annotations/export"
    found: dict[str, Any] = {
        "id": f"{collection_id}?page={number}",
        "type": "AnnotationPage",
        "partOf": {"id": collection_id, "total": total},
        "startIndex": number * size,
        "items": [{k: v for k, v in item.items() if k != "@context"} for item in items],
    }
    if number + 1 < pages:
        found["next"] = f"{collection_id}?page={number + 1}"
    if number > 0:
        found["prev"] = f"{collection_id}?page={number - 1}"
    return found


def parse_item(item: Any) -> ParsedAnnotation | ParsedReply:
    """An imported item, checked; raises ``InvalidAnnotation`` saying what is wrong."""
    if not isinstance(item, dict):
        raise InvalidAnnotation(f"not a JSON object but {type(item).__name__}")
    types = item.get("type")
    if types != "Annotation" and not (isinstance(types, list) and "Annotation" in types):
        raise InvalidAnnotation(f'"type" must be "Annotation", not {_shown(types)}')
    common: dict[str, Any] = {
        "author": _author(item.get("creator")),
        "created": _when(item, "created"),
        "modified": _when(item, "modified"),
        "revision": _whole(item.get("dossier:revision", 1), "dossier:revision", minimum=1),
    }
    if item.get("motivation") == "replying":
        parent = item.get("target")
        if isinstance(parent, dict):
            parent = parent.get("id") or parent.get("source")
        if not isinstance(parent, str) or not parent:
            raise InvalidAnnotation("a reply's \"target\" must be its annotation's IRI")
        body = _bodies(item)
        return ParsedReply(
            id=_local_id(item.get("id")), parent=parent, body=body[0][0] if body else "",
            visibility=_optional_text(item, "dossier:visibility"), **common,
        )  # fmt: skip
    return _parse_annotation(item, common)


def _parse_annotation(item: Mapping[str, Any], common: dict[str, Any]) -> ParsedAnnotation:
    target = item.get("target")
    if isinstance(target, list) and len(target) == 1:
        target = target[0]
    if not isinstance(target, dict):
        raise InvalidAnnotation('"target" must be one object with a source and selectors')
    source = target.get("source")
    if not isinstance(source, str):
        raise InvalidAnnotation('the target has no "source" (the document\'s URL)')
    document_id, version = _document_ref(source)
    quote, prefix, suffix, start, end = _selectors(target.get("selector"))
    notes = [value for value, purpose in _bodies(item) if purpose != "tagging"]
    tags = tuple(value for value, purpose in _bodies(item) if purpose == "tagging")
    style = target.get("styleClass")
    colour = item.get("dossier:colour") or (
        style[len(STYLE_PREFIX) :]
        if isinstance(style, str) and style.startswith(STYLE_PREFIX)
        else "yellow"
    )
    if colour not in COLOURS:
        raise InvalidAnnotation(f"unknown colour {_shown(colour)}: use one of {', '.join(COLOURS)}")
    iri = item.get("id") if isinstance(item.get("id"), str) else ""
    return ParsedAnnotation(
        id=_local_id(iri), iri=str(iri), document_id=document_id, version=version,
        quote=quote, prefix=prefix, suffix=suffix, start=start, end=end,
        note="\n\n".join(notes), tags=tags, colour=str(colour),
        visibility=_optional_text(item, "dossier:visibility") or "private",
        client_key=_optional_text(item, "dossier:clientKey") or "", **common,
    )  # fmt: skip


def _selectors(raw: Any) -> tuple[str, str, str, int | None, int | None]:
    selectors = raw if isinstance(raw, list) else [raw]
    quote = next(
        (s for s in selectors if isinstance(s, dict) and s.get("type") == "TextQuoteSelector"), None
    )
    if quote is None or not isinstance(quote.get("exact"), str) or not quote["exact"].strip():
        raise InvalidAnnotation("the target has no TextQuoteSelector with the exact quote")
    texts = [quote.get(key, "") for key in ("prefix", "suffix")]
    if not all(isinstance(t, str) for t in texts):
        raise InvalidAnnotation("the TextQuoteSelector's prefix and suffix must be text")
    position = next(
        (s for s in selectors if isinstance(s, dict) and s.get("type") == "TextPositionSelector"),
        None,
    )
    start = end = None
    if position is not None:
        start = _whole(position.get("start"), "TextPositionSelector start", minimum=0)
        end = _whole(position.get("end"), "TextPositionSelector end", minimum=start)
    return quote["exact"], texts[0], texts[1], start, end


def _bodies(item: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(value, purpose) of each textual body; ``bodyValue`` is a comment."""
    if isinstance(item.get("bodyValue"), str):
        return [(item["bodyValue"], "commenting")]
    raw = item.get("body", [])
    found = []
    for body in raw if isinstance(raw, list) else [raw]:
        if isinstance(body, str):
            continue  # an external body (an IRI): nothing to keep
        if not isinstance(body, dict) or not isinstance(body.get("value", ""), str):
            raise InvalidAnnotation(
                f"a body must be a TextualBody with a text value, not {_shown(body)}"
            )
        purpose = body.get("purpose", "commenting")
        found.append((body.get("value", ""), purpose if isinstance(purpose, str) else "commenting"))
    return found


def _document_ref(source: str) -> tuple[str, int | None]:
    parsed = urllib.parse.urlsplit(source)
    match = _DOCUMENT_PATH.search(parsed.path)
    if match is None:
        raise InvalidAnnotation(
            f"the target {_shown(source)} is not a Dossier document URL (…/documents/<id>); "
            "ingest the source first and point the annotation at it"
        )
    versions = urllib.parse.parse_qs(parsed.query).get("version", [])
    version = None
    if versions:
        if not versions[0].isdigit() or int(versions[0]) < 1:
            raise InvalidAnnotation(f"the target's version {_shown(versions[0])} is not a number")
        version = int(versions[0])
    return urllib.parse.unquote(match.group(1)), version


def _local_id(iri: Any) -> str | None:
    """The Dossier id in an annotation's or reply's IRI, if it has one."""
    if not isinstance(iri, str):
        return None
    match = _ANNOTATION_PATH.search(urllib.parse.urlsplit(iri).path) or re.search(
        r"/replies/([a-z0-9][a-z0-9_-]{0,63})$", urllib.parse.urlsplit(iri).path
    )
    return match.group(1) if match and ID_PATTERN.fullmatch(match.group(1)) else None


def _author(creator: Any) -> str:
    if creator is None:
        return ""
    if isinstance(creator, list) and creator:
        creator = creator[0]
    if isinstance(creator, dict):
        name = creator.get("nickname") or creator.get("name") or creator.get("id")
    else:
        name = creator
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        raise InvalidAnnotation(f"the creator {_shown(creator)} has no usable name")
    return name.strip()


def _when(item: Mapping[str, Any], key: str) -> dt.datetime | None:
    value = item.get(key)
    if value is None:
        return None
    try:
        when = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise InvalidAnnotation(f'"{key}" is not an ISO 8601 time: {_shown(value)}') from None
    if when.tzinfo is None:
        raise InvalidAnnotation(f'"{key}" has no time zone: {_shown(value)} (add Z for UTC)')
    return when.astimezone(dt.UTC)


def _whole(value: Any, name: str, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value < 2**31:
        raise InvalidAnnotation(
            f'"{name}" must be a whole number of at least {minimum}, not {_shown(value)}'
        )
    return value


def _optional_text(item: Mapping[str, Any], key: str) -> str | None:
    value = item.get(key)
    if value is not None and not isinstance(value, str):
        raise InvalidAnnotation(f'"{key}" must be text, not {_shown(value)}')
    return value


def _agent(owner: str, urls: Urls) -> dict[str, str]:
    return {"id": urls.user(owner), "type": "Person", "nickname": owner}


def _time(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"
