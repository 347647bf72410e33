"""The search page: query box, facets, results with highlighted snippets, sort and pagination."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, current_app, render_template, request, url_for
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from corpus.model import KINDS, Entity, Mention
from indexer.errors import QueryError
from indexer.search import SearchRequest, SearchResult, Snippet
from webapp.entity_layer import hit_mentions, snippet_marks
from webapp.errors import InvalidParameter
from webapp.highlight import Mark, render_layers
from webapp.params import FILTERS, MAX_PAGE, SORTS, search_request
from webapp.resources import (
    entity_names,
    get_entity_store,
    get_index,
    get_store,
    staleness_notice,
)

bp = Blueprint("search", __name__)

# Facet name -> the parameter that filters on it ("year" becomes a from/to pair).
FACET_PARAMS = {"kind": "kind", "source": "source", "speaker": "speaker", "year": "year"}
FACET_TITLES = {"kind": "Kind", "year": "Year", "speaker": "Speaker or author", "source": "Source"}
FACET_ORDER = ("kind", "year", "speaker", "source")
# Entity facets of a SearchResult -> (title, the query prefix that filters on one value).
ENTITY_FACETS = {"person": ("People", "person"), "org": ("Organisations", "org"),
                 "place": ("Places", "place")}  # fmt: skip


@dataclass(frozen=True)
class FacetLink:
    """One facet value as shown: its count, whether it is selected, and the URL that toggles it."""

    value: str
    count: int
    selected: bool
    url: str


@dataclass(frozen=True)
class Filter:
    """An active filter, shown as a chip whose link removes it."""

    label: str
    remove_url: str


@bp.get("/")
def index() -> tuple[str, int]:
    """Search when there is a query or a filter; otherwise the whole collection's facets to
    browse, with the query syntax."""
    args = request.args
    query = args.get("q", "").strip()
    context: dict[str, Any] = {"query": query, "sorts": SORTS, "filters": _active_filters(args)}
    is_browsing = not query and not any(args.get(p) for p in (*FILTERS, "from", "to"))
    try:
        search = (
            SearchRequest(query="", kinds=KINDS, per_page=1)  # every document, for facets
            if is_browsing
            else search_request(args, per_page=current_app.config["PER_PAGE"])
        )
        result = get_index().search(search, get_store())
        context["stale"] = staleness_notice()
    except (QueryError, InvalidParameter) as exc:
        message = exc.description if isinstance(exc, InvalidParameter) else str(exc)
        return render_template("search/index.html", error=message, **context), 400
    context["facets"] = _facets(result, args)
    names = entity_names()
    context["entity_facets"] = _entity_facets(result, args, names)
    if is_browsing:
        return render_template("search/index.html", total=result.total, **context), 200
    return (
        render_template(
            "search/index.html",
            search=search,
            result=result,
            snippets=_snippets(result, names),
            pages=_pages(search, result, args),
            suggestion_url=_with(args, q=result.suggestion) if result.suggestion else "",
            document_args=_document_args(args),
            **context,
        ),
        200,
    )


def _snippets(result: SearchResult, names: dict[str, Entity]) -> dict[str, Any]:
    found = hit_mentions(get_entity_store(), [hit.id for hit in result.hits])
    return {hit.id: _snippets_html(hit.snippets, found[hit.id], names) for hit in result.hits}


def _snippets_html(
    snippets: Iterable[Snippet], mentions: list[Mention], names: dict[str, Entity]
) -> list[tuple[Markup, int]]:
    """Each snippet's markup (hits and entity mentions), and the document offset its link
    jumps to (its first hit)."""
    return [
        (
            render_layers(
                s.text, [*snippet_marks(s, mentions, names), *(Mark(sp, "hit") for sp in s.spans)]
            ),
            s.start + (s.spans[0].start if s.spans else 0),
        )
        for s in snippets
    ]


def _entity_facets(
    result: SearchResult, args: MultiDict[str, str], names: dict[str, Entity]
) -> list[tuple[str, str, list[FacetLink]]]:
    """(title, facet key, links) of the entity facets the result has. A value is an entity
    id (shown by its name); a link adds ``entity:<id>`` to the query, or takes it out."""
    query = args.get("q", "").strip()
    out = []
    for key, (title, _prefix) in ENTITY_FACETS.items():
        links = []
        for value, count in result.facets.get(key) or ():
            term, words = f"entity:{value}", query.split()
            selected = term in words
            changed = " ".join(w for w in words if w != term) if selected else f"{query} {term}"
            entity = names.get(str(value))
            label = entity.name if entity else str(value)
            links.append(FacetLink(label, count, selected, _with(args, q=changed.strip())))
        if links:
            out.append((title, key, links))
    return out


def _facets(result: SearchResult, args: MultiDict[str, str]) -> list[tuple[str, list[FacetLink]]]:
    out = []
    for name in FACET_ORDER:
        counts = list(result.facets.get(name) or ())
        if name == "year":
            counts.sort(reverse=True)  # newest first, not most frequent
        links = [_facet_link(name, str(value), count, args) for value, count in counts]
        if links:
            out.append((FACET_TITLES[name], links))
    return out


def _facet_link(name: str, value: str, count: int, args: MultiDict[str, str]) -> FacetLink:
    if name == "year":
        selected = args.get("from") == value and args.get("to") == value
        bound = None if selected else value
        return FacetLink(value, count, selected, _with(args, **{"from": bound, "to": bound}))
    chosen = args.getlist(name)
    selected = value in chosen
    values = [v for v in chosen if v != value] if selected else [*chosen, value]
    return FacetLink(value, count, selected, _with(args, **{name: values}))


def _active_filters(args: MultiDict[str, str]) -> list[Filter]:
    filters = []
    for name in FILTERS:
        for value in args.getlist(name):
            if value.strip():
                rest = [v for v in args.getlist(name) if v != value]
                filters.append(Filter(f"{name}: {value}", _with(args, **{name: rest})))
    for name in ("from", "to"):
        if args.get(name, "").strip():
            filters.append(Filter(f"{name} {args[name]}", _with(args, **{name: None})))
    return filters


def _pages(
    search: SearchRequest, result: SearchResult, args: MultiDict[str, str]
) -> dict[str, object]:
    last = max(1, min(MAX_PAGE, math.ceil(result.total / search.per_page)))
    page = search.page
    return {
        "page": page,
        "last": last,
        "first_hit": (page - 1) * search.per_page + 1,
        "last_hit": min(result.total, page * search.per_page),
        "previous_url": _with(args, page=str(page - 1)) if 1 < page <= last + 1 else "",
        "next_url": _with(args, page=str(page + 1)) if page < last else "",
        "first_url": _with(args, page=None) if page > last else "",
    }


def _document_args(args: MultiDict[str, str]) -> dict[str, list[str]]:
    """The search parameters a result link carries (for highlights and "back to results")."""
    keep = ("q", *FILTERS, "from", "to", "sort", "page", "per_page")
    return {k: args.getlist(k) for k in keep if args.get(k)}


def _with(args: MultiDict[str, str], **changes: str | list[str] | None) -> str:
    """This page's URL with some parameters replaced (None or [] removes them); back to page 1
    unless ``page`` is among the changes."""
    params = MultiDict(args)
    if "page" not in changes:
        params.pop("page", None)
    for name, value in changes.items():
        params.poplist(name)
        if isinstance(value, list):
            params.setlist(name, value)
        elif value is not None:
            params[name] = value
    values: dict[str, Any] = {k: params.getlist(k) for k in params}
    return url_for("search.index", **values)
