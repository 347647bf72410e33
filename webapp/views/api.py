"""The JSON API: ``GET /api/search``, ``GET /api/documents/<id>`` and the OpenAPI description
of every endpoint, ``GET /api/openapi.json`` (see docs/API.md).

Errors are JSON too, always ``{"error": str, "status": int}`` (``webapp/errors.py``).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, jsonify, request, url_for
from flask.typing import ResponseReturnValue

from annotations import Counts, counts
from corpus import Document, PartialDate
from indexer.search import Hit, PartialMatch
from webapp.annotation_search import AnnotationResolver
from webapp.hit_scope import hit_scope
from webapp.params import part_number, search_request, version_number
from webapp.parts import MAX_HITS, hits_in, split_parts
from webapp.resources import get_annotation_store, get_index, get_store, staleness_notice
from webapp.urls import with_query
from webapp.users import current_user

bp = Blueprint("api", __name__, url_prefix="/api")
OPENAPI = Path(__file__).parent.parent / "openapi.json"


@bp.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    """The OpenAPI 3.1 description of the JSON API (a test checks it against the routes)."""
    return jsonify(_openapi())


@functools.cache
def _openapi() -> dict[str, Any]:
    spec: dict[str, Any] = json.loads(OPENAPI.read_text(encoding="utf-8"))
    return spec


@bp.get("/search")
def search() -> ResponseReturnValue:
    """One page of hits with snippets (spans relative to each snippet), facets and suggestion."""
    req = search_request(request.args, per_page=current_app.config["PER_PAGE"])
    astore, viewer = get_annotation_store(), current_user()
    result = get_index().search(req, get_store(), AnnotationResolver(astore, viewer))
    noted = counts(astore, [hit.id for hit in result.hits], viewer=viewer)
    return jsonify(
        {
            "query": req.query,
            "total": result.total,
            "page": req.page,
            "per_page": req.per_page,
            "hits": [
                {
                    **_hit_fields(hit, req.query, in_annotations=req.in_annotations),
                    "annotation_count": _count(noted, hit.id),
                }
                for hit in result.hits
            ],
            "facets": {
                name: [{"value": value, "count": count} for value, count in counts]
                for name, counts in result.facets.items()
            },
            "less_sure": {
                name: [{"value": value, "count": count} for value, count in counts]
                for name, counts in result.less_sure.items()
            },
            "suggestion": result.suggestion or None,
            "notices": [*result.notices, *filter(None, [staleness_notice()])],
            "partial": _partial_fields(result.partial),
        }
    )


@bp.get("/documents/<id>")
def document(id: str) -> ResponseReturnValue:
    """A document version's metadata and one part of its text (``?part=N``; a document up to
    ``DOCUMENT_PART_CHARS`` long is one part); with ``?q=``, also the hit spans in that part,
    the first ``MAX_HITS`` of them. Spans are offsets into the whole text."""
    store = get_store()
    doc = store.get(id, version_number(request.args))
    parts = split_parts(doc.text, current_app.config["DOCUMENT_PART_CHARS"])
    number = part_number(request.args, parts.count)
    span = parts.span(number)
    body = _document_fields(doc)
    body["text"] = doc.text[span.start : span.end]
    body["length"] = len(doc.text)
    body["part"] = {"number": number, "count": parts.count, "start": span.start, "end": span.end}
    body["versions"] = [v.version for v in store.versions(id)]
    noted = counts(get_annotation_store(), [id], viewer=current_user())
    body["annotation_count"] = _count(noted, id)
    query = request.args.get("q", "").strip()
    if query:
        hits = hits_in(doc.text, span, query, hit_scope(doc, query))
        body["hits"] = [[h.start, h.end] for h in hits[:MAX_HITS]]
        body["hit_count"] = len(hits)
    return jsonify(body)


def _count(noted: Mapping[str, Counts], document_id: str) -> int:
    found = noted.get(document_id)
    return found.total if found else 0


def _hit_fields(hit: Hit, query: str, *, in_annotations: bool = False) -> dict[str, Any]:
    return {
        "id": hit.id,
        "version": hit.version,
        "score": hit.score,
        "title": hit.title,
        "kind": hit.kind,
        **_date_fields(hit.date),
        "speaker": hit.speaker or None,
        "source": hit.source,
        "url": with_query(
            url_for("documents.show", id=hit.id, _external=True),
            {"q": query or None, "in": "annotations" if in_annotations else None},
        ),
        "snippets": [
            {"text": s.text, "spans": [[sp.start, sp.end] for sp in s.spans], "start": s.start}
            for s in hit.snippets
        ],
    }


def _document_fields(doc: Document) -> dict[str, Any]:
    return {
        "id": doc.id,
        "version": doc.version,
        "is_current": doc.is_current,
        "title": doc.title,
        "kind": doc.kind,
        **_date_fields(doc.date),
        "speaker": doc.speaker or None,
        "source": doc.source,
        "url": doc.url,
        "language": doc.language,
        "tags": list(doc.tags),
        "licence": doc.licence,
        "content_hash": doc.content_hash,
        "ingested_at": doc.ingested_at.isoformat() if doc.ingested_at else None,
        "view_url": url_for("documents.show", id=doc.id, _external=True),
        "text": doc.text,
    }


def _partial_fields(partial: PartialMatch | None) -> dict[str, Any] | None:
    """How many words the query asked for, how many documents hold them all and which words
    none holds, when hits holding only some of them are shown (else ``null``)."""
    if partial is None:
        return None
    return {
        "words": partial.words,
        "complete": partial.complete,
        "missing": list(partial.missing),
    }


def _date_fields(date: PartialDate | None) -> dict[str, str | None]:
    """``2017-09`` and ``month``: the date only as precise as it is known."""
    return {
        "date": date.iso() if date else None,
        "date_precision": date.precision if date else None,
    }
