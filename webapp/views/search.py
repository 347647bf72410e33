"""The search page: query box, facets, results with highlighted snippets, sort and pagination."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, current_app, g, render_template, request, url_for
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from corpus import KINDS
from corpus.entities import Entity, Mention
from indexer import ENTITY_FIELDS, QueryError
from indexer.entities import is_unlinked
from indexer.search import SearchRequest, SearchResult, Snippet
from webapp.annotation_layer import HitAnnotations, hit_annotations
from webapp.annotation_search import AnnotationResolver
from webapp.entity_layer import snippet_marks, snippet_mentions, type_label
from webapp.entity_pages import Chart, bar_chart
from webapp.highlight import Mark, render_layers
from webapp.layers import Placed, window
from webapp.params import (
    FILTERS,
    IN_PARAM,
    MAX_FILTER_VALUES,
    MAX_PAGE,
    SORTS,
    InvalidParameter,
    search_request,
)
from webapp.resources import (
    entity_names,
    get_annotation_store,
    get_entity_store,
    get_index,
    get_store,
    staleness_notice,
)
from webapp.urls import with_query
from webapp.users import current_user

bp = Blueprint("search", __name__)

# Facet name -> the parameter that filters on it ("year" becomes a from/to pair).
FACET_PARAMS = {"kind": "kind", "source": "source", "speaker": "speaker", "year": "year"}
FACET_TITLES = {"kind": "Kind", "year": "Year", "speaker": "Speaker or author", "source": "Source"}
FACET_ORDER = ("kind", "year", "speaker", "source")
# The speakers of turns (counted in turns, not documents), after "speaker": ``?said=<ref>``.
SAID_PARAM = "said"
SAID_TITLE = "Speakers (turns)"
# Entity facets of a SearchResult (named by field prefix) -> the entity type they count.
ENTITY_FACETS: Mapping[str, str] = {prefix: type for type, prefix in ENTITY_FIELDS.items()}
# The parameter that filters by entity facet values (refs); several combine by OR.
ENTITY_PARAM = "entity"
FACET_SHOWN = 20  # values a facet shows before its "more"
EXPORT_MAX = 1000  # documents an export (webapp/views/export.py) writes: the first ones


@dataclass(frozen=True)
class FacetLink:
    """One facet value as shown: its count, whether it is selected, and the URL that toggles it
    (``ref``: an entity facet's entity ref)."""

    value: str
    count: int
    selected: bool
    url: str
    ref: str = ""

    @property
    def is_unlinked(self) -> bool:
        """True for an entity facet value that no registry entity claims."""
        return is_unlinked(self.ref)


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
    names = entity_names()
    context: dict[str, Any] = {
        "query": query,
        "sorts": SORTS,
        "filters": _active_filters(args, names),
        "facet_shown": FACET_SHOWN,
        "export_max": EXPORT_MAX,
    }
    is_browsing = not query and not any(
        args.get(p) for p in (*FILTERS, ENTITY_PARAM, IN_PARAM, "from", "to")
    )
    try:
        search = (
            SearchRequest(query="", kinds=KINDS, per_page=1)  # every document, for facets
            if is_browsing
            else with_entities(search_request(args, per_page=current_app.config["PER_PAGE"]))
        )
        astore, viewer = get_annotation_store(), current_user()
        result = get_index().search(search, get_store(), AnnotationResolver(astore, viewer))
        context["stale"] = staleness_notice()
    except (QueryError, InvalidParameter) as exc:
        message = str(exc)
        return render_template("search/index.html", error=message, **context), 400
    context["facets"] = _facets(result, args)
    context["timeline"] = _timeline(result, args)
    context["entity_facets"] = _entity_facets(result, args, names)
    if is_browsing:
        return render_template("search/index.html", total=result.total, **context), 200
    # How many annotations each hit has, and the ones its snippets show.
    notes = hit_annotations(astore, (hit.id for hit in result.hits), viewer=viewer)
    document_args = _document_args(args)
    paths = {hit.id: url_for("documents.show", id=hit.id) for hit in result.hits}
    return (
        render_template(
            "search/index.html",
            search=search,
            result=result,
            snippets=_snippets(result, names, notes, paths, document_args),
            hit_urls={id: with_query(path, document_args) for id, path in paths.items()},
            annotation_counts=notes.counts,
            pages=_pages(search, result, args),
            suggestion_url=_with(args, q=result.suggestion) if result.suggestion else "",
            export_args=_export_args(args),
            **context,
        ),
        200,
    )


def _snippets(
    result: SearchResult,
    names: dict[str, Entity],
    notes: HitAnnotations,
    paths: Mapping[str, str],
    document_args: Mapping[str, list[str]],
) -> dict[str, list[tuple[Markup, str]]]:
    """Each hit's snippets: their markup and the link to the document (``paths``: each hit's
    page) at the snippet's first hit, in the version the snippet was cut from."""
    found = snippet_mentions(get_entity_store(), result.hits)
    out = {}
    for hit in result.hits:
        shown = _snippets_html(hit.snippets, found[hit.id], names, notes.placed.get(hit.id, []))
        out[hit.id] = [
            (html, with_query(paths[hit.id], {"version": hit.version, "at": at, **document_args}))
            for html, at in shown
        ]
    return out


def _snippets_html(
    snippets: Iterable[Snippet],
    mentions: list[Mention],
    names: dict[str, Entity],
    annotations: list[Placed],
) -> list[tuple[Markup, int]]:
    """Each snippet's markup (hits, entity mentions and annotations), and the document offset
    its link jumps to (its first hit)."""
    return [
        (
            render_layers(
                s.text,
                [
                    *window(annotations, s.text, s.start),
                    *snippet_marks(s, mentions, names),
                    *(Mark(sp, "hit") for sp in s.spans),
                ],
            ),
            s.start + (s.spans[0].start if s.spans else 0),
        )
        for s in snippets
    ]


def with_entities(search: SearchRequest) -> SearchRequest:
    """The search with the entity facet values chosen (``?entity=``); raises
    ``InvalidParameter`` past ``MAX_FILTER_VALUES`` of them."""
    values = (v.strip() for v in request.args.getlist(ENTITY_PARAM))
    chosen = tuple(dict.fromkeys(v for v in values if v))
    if len(chosen) > MAX_FILTER_VALUES:
        raise InvalidParameter(
            f'Parameter "{ENTITY_PARAM}" is given {len(chosen)} times; the limit is '
            f"{MAX_FILTER_VALUES}."
        )
    return dataclasses.replace(search, entities=chosen) if chosen else search


def _entity_facets(
    result: SearchResult, args: MultiDict[str, str], names: Mapping[str, Entity]
) -> list[tuple[str, str, list[FacetLink], list[FacetLink]]]:
    """(title, entity type, links, less sure links) of each entity facet the result has; a
    link toggles its entity in ``?entity=``. Names not in the registry show as the text that
    was found, after the registry's entities, each with a button that hides it (a
    suppression). Names only the model found, below its facet confidence, are the "less sure"
    links, behind a "more" (``SearchResult.less_sure``)."""
    chosen = args.getlist(ENTITY_PARAM)

    def link(ref: str, count: int) -> FacetLink:
        selected = ref in chosen
        values = [v for v in chosen if v != ref] if selected else [*chosen, ref]
        label = _entity_label(ref, result.entity_names, names)
        return FacetLink(label, count, selected, _with(args, entity=values), ref)

    out = []
    for prefix, type in ENTITY_FACETS.items():
        links = [link(ref, count) for ref, count in result.facets.get(prefix) or ()]
        links.sort(key=lambda found: found.is_unlinked)  # registry entities first
        less = [link(ref, count) for ref, count in result.less_sure.get(prefix) or ()]
        if links or less:
            out.append((type_label(type, plural=True), type, links, less))
    return out


def _entity_label(ref: str, shown: Mapping[str, str], names: Mapping[str, Entity]) -> str:
    """How an entity ref reads: the registry's name, else the name the index shows for it."""
    if ref in names:
        return names[ref].name
    if ref in shown:
        return shown[ref]
    return ref.partition(":")[2].replace("_", " ") if is_unlinked(ref) else ref


def _facets(result: SearchResult, args: MultiDict[str, str]) -> list[tuple[str, list[FacetLink]]]:
    out = []
    for name in FACET_ORDER:
        counts = list(result.facets.get(name) or ())
        if name == "year":
            counts.sort(reverse=True)  # newest first, not most frequent
        links = [_facet_link(name, str(value), count, args) for value, count in counts]
        if links:
            out.append((FACET_TITLES[name], links))
        if name == "speaker":
            said = _said_links(result, args)
            if said:
                out.append((SAID_TITLE, said))
    return out


@dataclass(frozen=True)
class Timeline:
    """The matching documents per year, as a chart whose bars link to that year's filter."""

    chart: Chart
    urls: Mapping[str, str]  # year -> this search narrowed to it
    undated: int  # matching documents without a date


def _timeline(result: SearchResult, args: MultiDict[str, str]) -> Timeline | None:
    """Every year from the first to the last with matching documents (from the year facet,
    which counts them all), for a chart above the hits; None for fewer than two years."""
    counts = {int(v): n for v, n in result.facets.get("year") or () if str(v).isdigit()}
    if len(counts) < 2:
        return None
    years = [str(y) for y in range(min(counts), max(counts) + 1)]
    chart = bar_chart([(y, counts.get(int(y), 0)) for y in years])
    assert chart is not None
    urls = {y: _with(args, **{"from": y, "to": y}) for y in years if counts.get(int(y))}
    return Timeline(chart, urls, max(0, result.total - sum(counts.values())))


def _said_links(result: SearchResult, args: MultiDict[str, str]) -> list[FacetLink]:
    """The "Speakers" facet: who takes the most turns in the matching documents (counted in
    turns); a link scopes the search to their turns (``?said=<ref>``)."""
    chosen = args.getlist(SAID_PARAM)
    links = []
    for ref, count in result.facets.get(SAID_PARAM) or ():
        selected = ref in chosen
        values = [v for v in chosen if v != ref] if selected else [*chosen, ref]
        label = result.entity_names.get(ref) or _entity_label(ref, {}, {})
        links.append(FacetLink(label, count, selected, _with(args, said=values), ref))
    return links


def _facet_link(name: str, value: str, count: int, args: MultiDict[str, str]) -> FacetLink:
    if name == "year":
        selected = args.get("from") == value and args.get("to") == value
        bound = None if selected else value
        return FacetLink(value, count, selected, _with(args, **{"from": bound, "to": bound}))
    chosen = args.getlist(name)
    selected = value in chosen
    values = [v for v in chosen if v != value] if selected else [*chosen, value]
    return FacetLink(value, count, selected, _with(args, **{name: values}))


def _active_filters(args: MultiDict[str, str], names: Mapping[str, Entity]) -> list[Filter]:
    filters = []
    for name in (*FILTERS, ENTITY_PARAM):
        for value in args.getlist(name):
            if value.strip():
                rest = [v for v in args.getlist(name) if v != value]
                shown = name in (ENTITY_PARAM, SAID_PARAM)
                label = _entity_label(value, {}, names) if shown else value
                filters.append(Filter(f"{name}: {label}", _with(args, **{name: rest})))
    if args.get(IN_PARAM, "").strip():
        label = "only in annotated passages"
        filters.append(Filter(label, _with(args, **{IN_PARAM: None})))
    year = args.get("from", "").strip()
    if year and year == args.get("to", "").strip():  # a year chosen from the facet or chart
        return [*filters, Filter(f"year: {year}", _with(args, **{"from": None, "to": None}))]
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
    keep = ("q", *FILTERS, ENTITY_PARAM, IN_PARAM, "from", "to", "sort", "page", "per_page")
    return {k: args.getlist(k) for k in keep if args.get(k)}


def _export_args(args: MultiDict[str, str]) -> dict[str, list[str]]:
    """The parameters an export link carries: the search, not the page."""
    keep = ("q", *FILTERS, ENTITY_PARAM, IN_PARAM, "from", "to", "sort")
    return {k: args.getlist(k) for k in keep if args.get(k)}


def _with(args: MultiDict[str, str], **changes: str | list[str] | None) -> str:
    """This page's URL with some parameters replaced (None or [] removes them, and a changed
    one moves to the end); back to page 1 unless ``page`` is among the changes."""
    values = dict(_arg_lists(args))
    if "page" not in changes:
        values.pop("page", None)
    for name, value in changes.items():
        values.pop(name, None)
        if isinstance(value, list):
            values[name] = value
        elif value is not None:
            values[name] = [value]
    return with_query(_search_path(), values)


def _arg_lists(args: MultiDict[str, str]) -> dict[str, list[str]]:
    """``args`` as lists by name, read once per request: a page makes ~100 links from it."""
    cached: tuple[MultiDict[str, str], dict[str, list[str]]] | None = g.get("search_args")
    if cached is None or cached[0] is not args:
        cached = g.search_args = (args, {k: args.getlist(k) for k in args})
    return cached[1]


def _search_path() -> str:
    """The search page's path, routed once per request (``webapp/urls.py``)."""
    path: str | None = g.get("search_path")
    if path is None:
        path = g.search_path = url_for("search.index")
    return path
