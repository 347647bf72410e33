"""Pages about annotations: the list of them all, with filters, and the editor's note preview.

The JSON API (``webapp/views/annotations.py``) does the writing; these only read. The list
takes the same filters as ``GET /api/annotations`` (one parser, ``filter_of``), so a page URL and
an API URL with the same query string select the same annotations.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Response, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import MultiDict

from annotations import (
    STATUSES,
    Annotation,
    AnnotationFilter,
    Changes,
    InvalidAnnotation,
    Urls,
    export_csv,
    export_w3c,
    list_annotations,
    render_markdown,
    stamp,
    tag_suggestions,
)
from corpus import KINDS
from webapp.annotation_params import MAX_PER_PAGE, filter_of
from webapp.errors import InvalidParameter
from webapp.params import shorten
from webapp.resources import get_annotation_store, get_store
from webapp.users import current_user

bp = Blueprint("annotation_pages", __name__)

# The list's filters, as the form names them (the API's parameter names).
FILTER_PARAMS: tuple[str, ...] = ("q", "tag", "author", "kind", "status", "from", "to", "document")
REVIEW_STATUSES: tuple[str, ...] = ("fuzzy", "orphaned")
PER_PAGE = 50
# format -> (media type, file name extension) of the page's downloads
EXPORTS: dict[str, tuple[str, str]] = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "w3c": ("application/ld+json; charset=utf-8", "jsonld"),
}


@bp.get("/annotations")
def index() -> ResponseReturnValue:
    """Every annotation the viewer may see, newest first, narrowed by the filters; a bad filter
    value is a 400 page that keeps the form (the message names the parameter)."""
    args = MultiDict(request.args)
    if not args.get("per_page"):
        args["per_page"] = str(PER_PAGE)
    viewer = current_user()
    astore = get_annotation_store()
    context: dict[str, Any] = {
        "args": request.args,
        "kinds": KINDS,
        "statuses": STATUSES,
        "review_url": url_for("annotation_pages.index", status=list(REVIEW_STATUSES)),
        "tags": tag_suggestions(astore, "", viewer=viewer, limit=100),
    }
    try:
        query = filter_of(args, viewer=viewer)
    except (InvalidAnnotation, InvalidParameter) as exc:
        return render_template("annotations/index.html", error=str(exc), **context), 400
    page = list_annotations(astore, query)
    ids = {a.document_id for a in page.annotations}
    last = max(1, math.ceil(page.total / page.per_page))
    return render_template(
        "annotations/index.html",
        page=page,
        documents=get_store().get_many(ids),
        viewer=viewer,
        filtered=any(request.args.get(p) for p in FILTER_PARAMS),
        export_urls={fmt: _export_url(fmt) for fmt in EXPORTS},
        previous_url=_page_url(page.page - 1) if page.page > 1 else "",
        next_url=_page_url(page.page + 1) if page.page < last else "",
        last_page=last,
        **context,
    )


@bp.get("/annotations/export")
def export() -> ResponseReturnValue:
    """Every annotation the page's filters select (all pages, oldest first, with replies) as a
    file to download: CSV for a spreadsheet (formula-safe), or a W3C AnnotationCollection.
    Analysts take their notes into briefs; the CLI's export takes everything, this the
    selection. A bad filter or format is a plain 400 that names it."""
    fmt = request.args.get("format", "csv")
    if fmt not in EXPORTS:
        return _plain(f'Unknown format "{shorten(fmt)}": use format=csv or format=w3c.', 400)
    args = MultiDict(request.args)
    for name in ("format", "page", "per_page", "sort"):
        args.pop(name, None)
    try:
        query = filter_of(args, viewer=current_user())
    except (InvalidAnnotation, InvalidParameter) as exc:
        return _plain(str(exc), 400)
    found = list(_every(query))
    if fmt == "csv":
        body = export_csv(found)
    else:
        urls = Urls(request.host_url.rstrip("/"))
        label = f"Dossier annotations, {stamp()}"
        body = json.dumps(export_w3c(found, urls, label=label), indent=1, ensure_ascii=False)
    media, extension = EXPORTS[fmt]
    name = f"dossier-annotations-{dt.datetime.now(dt.UTC):%Y%m%d-%H%M}.{extension}"
    response = Response(body, content_type=media)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _every(query: AnnotationFilter) -> Iterator[Annotation]:
    """Each annotation the filter selects, oldest first, a page of the largest size at a time."""
    query = dataclasses.replace(query, sort="oldest", per_page=MAX_PER_PAGE, page=1)
    while True:
        page = list_annotations(get_annotation_store(), query)
        yield from page.annotations
        if query.page * page.per_page >= page.total:
            return
        query = dataclasses.replace(query, page=query.page + 1)


@bp.post("/annotations/preview")
def preview() -> ResponseReturnValue:
    """A note as the page will show it: the one renderer's sanitized HTML, for the editor's
    live preview (the page never turns a note into HTML itself). Body: ``{"note": "..."}``."""
    body = request.get_json(silent=True)
    note = body.get("note") if isinstance(body, dict) else None
    if not isinstance(note, str):
        return _plain('Send a JSON object {"note": "..."} to preview a note.', 400)
    try:
        Changes(note=note)  # checks the note as a save would
    except InvalidAnnotation as exc:
        return _plain(str(exc), 400)
    return Response(render_markdown(note), mimetype="text/html")


def _plain(message: str, status: int) -> Response:
    return Response(message, status=status, mimetype="text/plain")


def _export_url(fmt: str) -> str:
    values: dict[str, Any] = {
        k: request.args.getlist(k) for k in request.args if k not in ("page", "per_page", "sort")
    }
    return url_for("annotation_pages.export", format=fmt, **values)


def _page_url(page: int) -> str:
    values: dict[str, Any] = {k: request.args.getlist(k) for k in request.args if k != "page"}
    return url_for("annotation_pages.index", page=page, **values)
