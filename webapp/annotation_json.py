"""Annotations, replies and passage links as the JSON the API answers with (docs/API.md).

One presenter per shape, so the list, the single annotation, the 412 body and the exports
from the web app all say the same thing. Notes and replies come with their Markdown rendered
and sanitized (``note_html``, ``body_html``) by the one renderer.
"""

from __future__ import annotations

from typing import Any

from flask import url_for

from annotations import Annotation, Passage, Reply, citation_line, cite, render_markdown
from corpus.anchors import Anchor
from corpus.model import Document


def annotation_json(annotation: Annotation, *, viewer: str) -> dict[str, Any]:
    """One annotation, its anchor, where it is in the version looked at, and its replies."""
    located = annotation.located
    return {
        "id": annotation.id,
        "document_id": annotation.document_id,
        "version": annotation.anchor.version,
        "anchor": anchor_json(annotation.anchor),
        "located": {
            "version": located.version,
            "start": located.span.start,
            "end": located.span.end,
        }
        if located
        else None,
        "checked_version": annotation.checked_version,
        "status": annotation.status,
        "score": annotation.score,
        "note": annotation.note,
        "note_html": render_markdown(annotation.note),
        "tags": list(annotation.tags),
        "colour": annotation.colour,
        "visibility": annotation.visibility,
        "author": annotation.author,
        "editable": annotation.author == viewer,
        "created": annotation.created.isoformat(),
        "modified": annotation.modified.isoformat(),
        "revision": annotation.revision,
        "client_key": annotation.client_key or None,
        "replies": [reply_json(reply, viewer=viewer) for reply in annotation.replies],
        "url": url_for("annotations.annotation", id=annotation.id, _external=True),
        "document_url": document_url(annotation.document_id, f"annotation-{annotation.id}"),
    }


def reply_json(reply: Reply, *, viewer: str) -> dict[str, Any]:
    """One reply of a thread."""
    return {
        "id": reply.id,
        "annotation_id": reply.annotation_id,
        "author": reply.author,
        "editable": reply.author == viewer,
        "visibility": reply.visibility,
        "body": reply.body,
        "body_html": render_markdown(reply.body),
        "created": reply.created.isoformat(),
        "modified": reply.modified.isoformat(),
        "revision": reply.revision,
    }


def anchor_json(anchor: Anchor) -> dict[str, Any]:
    """An anchor: the quote, its context and its offsets in the version it was made on."""
    return {
        "quote": anchor.quote,
        "prefix": anchor.prefix,
        "suffix": anchor.suffix,
        "start": anchor.start,
        "end": anchor.end,
    }


def passage_json(passage: Passage, document: Document, *, said_by: str = "") -> dict[str, Any]:
    """A passage link, with its citation line (from the current version's metadata, and the
    speaker ``said_by`` when the passage is inside one speaker's turn)."""
    url = url_for("annotations.passage_page", id=passage.id, _external=True)
    quote = passage.anchor.quote
    return {
        "id": passage.id,
        "url": url,
        "citation": citation_line(cite(document, link=url, quote=quote, said_by=said_by)),
        "document_id": passage.document_id,
        "version": passage.anchor.version,
        "anchor": anchor_json(passage.anchor),
        "visibility": passage.visibility,
        "owner": passage.owner,
        "created": passage.created.isoformat(),
    }


def document_url(document_id: str, fragment: str | None = None) -> str:
    """The document's page in the web app (the current version), at ``#fragment``."""
    return url_for("documents.show", id=document_id, _anchor=fragment, _external=True)
