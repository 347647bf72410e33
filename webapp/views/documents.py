"""The document view: metadata, versions, and the full text with two highlight layers: the
query's hits and the entity mentions stored for the version shown."""

from __future__ import annotations

import bisect
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from corpus.entities import ENTITY_TYPES, mentions
from indexer import QueryError
from indexer.search import hit_spans
from webapp.entity_layer import NAMED_TYPES, document_layer, entity_choices, legend
from webapp.highlight import Mark, render_layers
from webapp.params import text_offset, version_number
from webapp.resources import entity_names, get_entity_store, get_store

bp = Blueprint("documents", __name__, url_prefix="/documents")

# Search parameters a document link carries, so "Back to results" returns to the same page.
SEARCH_PARAMS: tuple[str, ...] = (
    "q", "kind", "speaker", "source", "tag", "entity", "from", "to", "sort", "page", "per_page",
)  # fmt: skip


@bp.get("/<id>")
def show(id: str) -> ResponseReturnValue:
    """One version of a document (``?version=N``, default current), hits of ``?q=`` and the
    stored entity mentions marked.

    ``?at=OFFSET`` (from a snippet or an entity's passage) redirects to the same page scrolled
    to the first hit that ends after that offset, or without hits to the first mention that
    does, so the link works without JavaScript. An unknown id or version is a 404
    (``DocumentNotFound``).
    """
    version = version_number(request.args)
    store = get_store()
    document = store.get(id, version)
    versions = store.versions(id)
    names = entity_names()
    layer = document_layer(mentions(get_entity_store(), id, document.version), names)
    query = request.args.get("q", "").strip()
    spans, notice = [], ""
    if query:
        try:
            spans = hit_spans(document.text, query)
        except QueryError as exc:
            notice = f"The search could not be highlighted here. {exc}"
    search_args: dict[str, Any] = {
        k: request.args.getlist(k) for k in SEARCH_PARAMS if request.args.get(k)
    }
    at = text_offset(request.args, "at")
    if at is not None:
        n = bisect.bisect_right([span.end for span in spans], at) + 1
        anchor = f"hit-{n}" if n <= len(spans) else None
        if not spans:
            anchor = layer.mention_at(at)
        if version is not None:
            search_args["version"] = version
        return redirect(url_for("documents.show", id=id, _anchor=anchor, **search_args))
    marks = [Mark(span, "hit", element_id=f"hit-{n}") for n, span in enumerate(spans, 1)]
    return render_template(
        "documents/show.html",
        document=document,
        versions=versions,
        body=render_layers(document.text, [*layer.marks, *marks], paragraphs=True),
        hit_count=len(marks),
        layer=layer,
        legend=legend(layer, len(marks) if query else None),
        entity_types=ENTITY_TYPES,
        named_types=NAMED_TYPES,
        choices=entity_choices(names, layer.linked_ids()),
        query=query,
        notice=notice,
        back_url=url_for("search.index", **search_args) if search_args else "",
        version_args={k: v for k, v in search_args.items() if k == "q"},
        header_query=query,
    )
