"""The document view: metadata, versions, and the text a part at a time with highlight
layers: the query's hits, the entity mentions stored for the version shown, its speaker
turns (``webapp/turn_layer.py``), the viewer's annotations placed in it, the passages briefs
the viewer may see cite (``webapp/brief_layer.py``), and the passage a passage link opened."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from annotations import (
    COLOURS,
    Passage,
    Placement,
    annotation_backlinks,
    as_seen_in,
    cited_passages,
    document_annotations,
    get_passage,
    locate_passage,
)
from corpus import Document, Span
from corpus.entities import (
    ENTITY_TYPES,
    Turn,
    mentions_starting_in,
    turns,
)
from corpus.entities import speaker_ref as turn_ref
from indexer import QueryError
from webapp.annotation_layer import AnnotationLayer, annotation_layer, passage_mark
from webapp.brief_layer import cited_layer, element_id
from webapp.entity_cache import part_layer
from webapp.entity_layer import (
    NAMED_TYPES,
    EntityLayer,
    document_layer,
    entity_choices,
    legend,
)
from webapp.highlight import Mark, render_layers
from webapp.hit_scope import hit_scope, in_passages
from webapp.params import part_number, text_offset, version_number
from webapp.parts import (
    MAX_HITS,
    MAX_MARKS,
    Found,
    Parts,
    hits_in,
    next_hit,
    previous_hit,
    split_parts,
)
from webapp.resources import (
    entity_names,
    get_annotation_store,
    get_brief_store,
    get_entity_store,
    get_store,
)
from webapp.turn_layer import TurnLayer, turn_layer
from webapp.users import current_user

bp = Blueprint("documents", __name__, url_prefix="/documents")

# Search parameters a document link carries, so "Back to results" returns to the same page.
SEARCH_PARAMS: tuple[str, ...] = (
    "q", "kind", "speaker", "source", "tag", "entity", "said", "in", "from", "to", "sort",
    "page", "per_page",
)  # fmt: skip


@bp.get("/<id>")
def show(id: str) -> ResponseReturnValue:
    """One version of a document (``?version=N``, default current), a part at a time
    (``?part=N``, ``webapp/parts.py``), with the hits of ``?q=``, the stored entity mentions
    and the speaker turns marked; ``?turns=REF`` shows one speaker's turns only (and opens on
    the part of their first turn).

    ``?at=OFFSET`` (from a snippet, an entity's passage, or "next hit" at the end of a part)
    redirects to the part and hit that come first after that offset, or without hits to the
    part and the first mention there; ``?before=OFFSET`` ("previous hit") to the last hit
    before it. So the links work without JavaScript. ``?passage=ID`` (where a passage link
    redirects) shows the part holding that passage with its words marked, or says they are
    gone from this version. An unknown id, version or passage is a 404.
    """
    version = version_number(request.args)
    store = get_store()
    document = store.get(id, version)
    parts = split_parts(document.text, current_app.config["DOCUMENT_PART_CHARS"])
    query = request.args.get("q", "").strip()
    search_args: dict[str, Any] = {
        k: request.args.getlist(k) for k in SEARCH_PARAMS if request.args.get(k)
    }
    at, before = text_offset(request.args, "at"), text_offset(request.args, "before")
    if at is not None or before is not None:
        if version is not None:
            search_args["version"] = version
        return _jump(document, parts, query, at, before, search_args)
    passage, placement = _passage(document)
    spoken = turns(get_entity_store(), id, document.version)
    chosen = request.args.get("turns", "").strip()
    number = _part(parts, spoken, chosen)
    if placement and placement.located and not request.args.get("part"):
        number = parts.number_at(placement.located.span.start)
    span = parts.span(number)
    names = entity_names()
    layer = part_layer(document, span, names)
    speakers = turn_layer(document.text, spoken, names, chosen, span)
    notes = _annotation_layer(document)
    hits, notice = _hits(document, span, query, spoken, notes)
    hit_marks = [Mark(h, "hit", element_id=f"hit-{n}") for n, h in enumerate(hits[:MAX_HITS], 1)]
    cited = cited_layer(cited_passages(get_brief_store(), document, viewer=current_user()))
    marks = [
        m
        for m in (*notes.marks, *cited.marks)
        if m.span.start < span.end and span.start < m.span.end
    ]
    marks += filter(None, [passage_mark(placement)] if placement else [])
    part_args = {**search_args, **({"version": version} if version is not None else {})}
    return render_template(
        "documents/show.html",
        document=document,
        versions=store.versions(id),
        body=render_layers(
            document.text[span.start : span.end],
            [*speakers.marks, *marks, *layer.marks, *hit_marks],
            paragraphs=True,
            start=span.start,
        ),
        part=_part_links(id, number, parts, part_args),
        hit_total=len(hits),
        in_passages=in_passages(query),
        hit_count=len(hit_marks),
        hit_links=_hit_links(id, span, parts, part_args) if query else {},
        layer=layer,
        annotation_layer=notes,
        annotation_links=_annotation_links(id, notes, span, parts, part_args),
        annotation_cited=annotation_backlinks(get_brief_store(), id, viewer=current_user()),
        cited_layer=cited,
        cited_links=[
            _link(id, p.span.start, element_id(p.span), span, parts, part_args)
            for p in cited.placed
            if p.span
        ],
        annotation_colours=COLOURS,
        viewer=current_user(),
        passage=passage,
        passage_found=placement,
        speakers=speakers,
        turn_links=_turn_links(id, parts, speakers, {**part_args, "turns": chosen}),
        turn_args={k: v for k, v in request.args.lists() if k not in ("turns", "part")},
        legend=legend(layer, len(hits) if query else None),
        max_marks=MAX_MARKS,
        entity_types=ENTITY_TYPES,
        named_types=NAMED_TYPES,
        choices=entity_choices(names, layer.linked_ids()),
        query=query,
        notice=notice,
        back_url=url_for("search.index", **search_args) if search_args else "",
        version_args={k: v for k, v in search_args.items() if k == "q"},
        header_query=query,
    )


def _entity_layer(document: Document, span: Span) -> EntityLayer:
    """The marks of the mentions in a part, without names or counts: where ``?at=`` finds
    the first mention after an offset (the page itself uses ``entity_cache.part_layer``)."""
    shown = mentions_starting_in(
        get_entity_store(), {document.id: [span]}, {document.id: document.version}
    )
    return document_layer(shown[document.id], {}, counts=[], limit=MAX_MARKS)


def _annotation_layer(document: Document) -> AnnotationLayer:
    """The viewer's annotations of the document, placed in the version shown."""
    found = document_annotations(get_annotation_store(), document.id, viewer=current_user())
    return annotation_layer(as_seen_in(found, document))


def _annotation_links(
    id: str, notes: AnnotationLayer, span: Span, parts: Parts, args: dict[str, Any]
) -> dict[str, str]:
    """Where the side panel links each placed annotation: its highlight on this page, or the
    part of a long document that holds it."""
    links = {}
    for a in notes.placed:
        start = a.located.span.start if a.located else span.start
        links[a.id] = _link(id, start, f"annotation-{a.id}", span, parts, args)
    return links


def _link(id: str, start: int, anchor: str, span: Span, parts: Parts, args: dict[str, Any]) -> str:
    """A link to the element ``anchor`` of a mark starting at ``start``: on this page when
    the part shown (``span``) holds it, else on the part of a long document that does."""
    if span.start <= start < span.end:
        return f"#{anchor}"
    part = parts.number_at(start)
    return url_for("documents.show", id=id, part=part, _anchor=anchor, **args)


def _passage(document: Document) -> tuple[Passage | None, Placement | None]:
    """The passage link ``?passage=`` names and where it is in the version shown."""
    passage_id = request.args.get("passage", "").strip()
    if not passage_id:
        return None, None
    passage = get_passage(get_annotation_store(), passage_id, viewer=current_user())
    return passage, locate_passage(passage, document)


def _hits(
    document: Document, span: Span, query: str, spoken: list[Turn], notes: AnnotationLayer
) -> tuple[list[Span], str]:
    """The hits of ``query`` in the part shown, or none and why; with ``said:`` in it or
    ``?said=`` (the "Speakers" facet), only those inside the named speakers' turns, and with
    ``in:annotations`` or ``?in=annotations`` only those inside annotated passages."""
    if not query:
        return [], ""
    try:
        scope = hit_scope(document, query, spoken=spoken, annotations=notes.placed)
        return hits_in(document.text, span, query, scope), ""
    except QueryError as exc:
        return [], f"The search could not be highlighted here. {exc}"


def _part(parts: Parts, spoken: list[Turn], chosen: str) -> int:
    """The part to show: ``?part=``, else the part of the chosen speaker's first turn."""
    if chosen and not request.args.get("part"):
        first = next((t for t in spoken if turn_ref(t) == chosen), None)
        if first is not None:
            return parts.number_at(first.span.start)
    return part_number(request.args, parts.count)


def _turn_links(id: str, parts: Parts, layer: TurnLayer, args: dict[str, Any]) -> dict[str, str]:
    """Links to the chosen speaker's turns in the parts before and after the one shown."""
    if layer.chosen is None or parts.count == 1:
        return {}
    out = {}
    for name, start in (("previous", layer.before), ("next", layer.after)):
        if start is not None:
            number = parts.number_at(start)
            out[name] = url_for(
                "documents.show", id=id, part=number, _anchor=f"turn-{start}", **args
            )
    return out


def _jump(
    document: Document,
    parts: Parts,
    query: str,
    at: int | None,
    before: int | None,
    args: dict[str, Any],
) -> ResponseReturnValue:
    """Redirect to the part and mark ``?at=`` or ``?before=`` asks for: a hit when there is a
    query with hits, else the first mention after the offset."""
    found = _find_hit(document, parts, query, at, before)
    anchor: str | None = None
    if found is not None and (found.hit or not found.is_everywhere):
        number = found.part  # without a hit: no hit in the parts looked through, go on from there
        anchor = f"hit-{found.hit}" if 0 < found.hit <= MAX_HITS else None
    else:
        offset = at if at is not None else max((before or 0) - 1, 0)
        number = parts.number_at(offset)
        anchor = _entity_layer(document, parts.span(number)).mention_at(offset)
    if parts.count > 1:
        args["part"] = number
    return redirect(url_for("documents.show", id=document.id, _anchor=anchor, **args))


def _find_hit(
    document: Document, parts: Parts, query: str, at: int | None, before: int | None
) -> Found | None:
    """The next (or previous) hit the search counts: inside its ``said:`` turns and
    annotated passages, when it has them."""
    if not query:
        return None
    try:
        scope = hit_scope(document, query)
        if before is not None:
            return previous_hit(document.text, parts, query, before, scope)
        return next_hit(document.text, parts, query, at or 0, scope)
    except QueryError:
        return None


def _part_links(id: str, number: int, parts: Parts, args: dict[str, Any]) -> dict[str, Any]:
    """Where the page is in the document, and links to the parts around it."""

    def link(n: int) -> str:
        return url_for("documents.show", id=id, part=n, **args)

    span = parts.span(number)
    return {
        "number": number,
        "count": parts.count,
        "start": span.start,
        "end": span.end,
        "first": link(1) if number > 1 else "",
        "previous": link(number - 1) if number > 1 else "",
        "next": link(number + 1) if number < parts.count else "",
        "last": link(parts.count) if number < parts.count else "",
    }


def _hit_links(id: str, span: Span, parts: Parts, args: dict[str, Any]) -> dict[str, str]:
    """Links to the hits before and after the part shown, when there are other parts."""
    if parts.count == 1:
        return {}
    return {
        "previous": url_for("documents.show", id=id, before=span.start, **args),
        "next": url_for("documents.show", id=id, at=span.end, **args),
    }
