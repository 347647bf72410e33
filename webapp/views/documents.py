"""The document view: metadata, versions, and the full text with the query's hits highlighted."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request, url_for

from indexer.errors import QueryError
from indexer.search import hit_spans
from webapp.highlight import Mark, render_layers
from webapp.params import version_number
from webapp.resources import get_store

bp = Blueprint("documents", __name__, url_prefix="/documents")

# Search parameters a document link carries, so "Back to results" returns to the same page.
SEARCH_PARAMS: tuple[str, ...] = (
    "q", "kind", "speaker", "source", "tag", "from", "to", "sort", "page", "per_page",
)  # fmt: skip


@bp.get("/<id>")
def show(id: str) -> str:
    """One version of a document (``?version=N``, default current), hits of ``?q=`` marked.

    An unknown id or version is a 404 (``DocumentNotFound``).
    """
    version = version_number(request.args)
    store = get_store()
    document = store.get(id, version)
    versions = store.versions(id)
    query = request.args.get("q", "").strip()
    spans, notice = [], ""
    if query:
        try:
            spans = hit_spans(document.text, query)
        except QueryError as exc:
            notice = f"The search could not be highlighted here. {exc}"
    marks = [Mark(span, "hit", element_id=f"hit-{n}") for n, span in enumerate(spans, 1)]
    search_args: dict[str, Any] = {
        k: request.args.getlist(k) for k in SEARCH_PARAMS if request.args.get(k)
    }
    return render_template(
        "documents/show.html",
        document=document,
        versions=versions,
        body=render_layers(document.text, marks, paragraphs=True),
        hit_count=len(marks),
        query=query,
        notice=notice,
        back_url=url_for("search.index", **search_args) if search_args else "",
        version_args={k: v for k, v in search_args.items() if k == "q"},
        header_query=query,
    )
