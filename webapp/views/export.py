"""Export a search's results as CSV or JSON Lines: analysts build their lists from a search.

``GET /export.csv`` and ``GET /export.jsonl`` take the search page's parameters (query,
filters, entity facets, sort) and write the first ``EXPORT_MAX`` matching documents in the
page's order: id, title, date, kind, speaker, source, the source's URL, the document's page
here, and its snippets with the hits in [brackets]. A CSV cell that a spreadsheet would run as
a formula (documents are untrusted text) starts with an apostrophe.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Response, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import NotFound

from indexer.search import Hit, SearchRequest, Snippet
from webapp.annotation_search import AnnotationResolver
from webapp.params import MAX_PER_PAGE, search_request
from webapp.resources import get_annotation_store, get_index, get_store
from webapp.users import current_user
from webapp.views.search import EXPORT_MAX, with_entities

bp = Blueprint("export", __name__)

FIELDS = ("id", "title", "date", "kind", "speaker", "source", "url", "link", "snippets")
FORMATS = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8"}
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@bp.get("/export.<format>")
def export(format: str) -> ResponseReturnValue:
    """The results of the search in the query string, as a file to download."""
    if format not in FORMATS:
        raise NotFound(f'There is no "{format[:20]}" export: use export.csv or export.jsonl.')
    search = with_entities(search_request(request.args, per_page=MAX_PER_PAGE))
    rows = list(_rows(search))
    body = _csv(rows) if format == "csv" else "".join(json.dumps(r) + "\n" for r in rows)
    disposition = f'attachment; filename="dossier-results.{format}"'
    return Response(body, mimetype=FORMATS[format], headers={"Content-Disposition": disposition})


def _rows(search: SearchRequest) -> Iterator[dict[str, Any]]:
    """One row per matching document, page by page, up to ``EXPORT_MAX``."""
    store, index = get_store(), get_index()
    resolver = AnnotationResolver(get_annotation_store(), current_user())
    for page in range(1, EXPORT_MAX // MAX_PER_PAGE + 1):
        asked = dataclasses.replace(search, page=page, per_page=MAX_PER_PAGE, facets=False)
        hits = index.search(asked, store, resolver).hits
        urls = {d.id: d.url for d in store.get_many(h.id for h in hits).values()}
        yield from (_row(hit, urls.get(hit.id, "")) for hit in hits)
        if len(hits) < MAX_PER_PAGE:
            return


def _row(hit: Hit, url: str) -> dict[str, Any]:
    return {
        "id": hit.id,
        "title": hit.title,
        "date": hit.date.iso() if hit.date else None,
        "kind": hit.kind,
        "speaker": hit.speaker or None,
        "source": hit.source,
        "url": url or None,
        "link": url_for("documents.show", id=hit.id, _external=True),
        "snippets": [_marked(s) for s in hit.snippets],
    }


def _marked(snippet: Snippet) -> str:
    """The snippet's text with each hit in [brackets], white space made single spaces."""
    text, out, at = snippet.text, [], 0
    for span in snippet.spans:
        out += [text[at : span.start], "[", text[span.start : span.end], "]"]
        at = span.end
    return " ".join("".join([*out, text[at:]]).split())


def _csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(FIELDS)
    for row in rows:
        values = {**row, "snippets": " … ".join(row["snippets"])}
        writer.writerow([_cell(values[name]) for name in FIELDS])
    return out.getvalue()


def _cell(value: Any) -> str:
    """A CSV cell: "" for None; text a spreadsheet would run as a formula, made inert."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text
