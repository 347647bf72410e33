"""What the entity pages show, gathered from the registry and the stored mentions.

``entity_page`` assembles one entity's page (what it said: its turns in transcripts, over
time, apart from the passages where others mention it; documents over time as bar geometry
for a small server-rendered SVG chart, passages in keyword-in-context form, co-occurring
entities, the correction log); ``name_page`` the same for a name the model or the rules
found that the registry does not know (unreviewed: no log); ``registry_page`` one page of the
registry list. All read only current versions, through ``corpus/entities/queries.py``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from corpus.entities import (
    ENTITY_TYPES,
    Cooccurrence,
    Correction,
    Entity,
    EntityDocument,
    EntityStore,
    Passage,
    Statement,
    UnlinkedName,
    cooccurring,
    documents_for_entity,
    entity_mention_counts,
    history,
    list_statements,
    passages,
    statement_counts,
    statement_timeline,
    subject_ref,
    timeline,
)
from webapp.entity_layer import NAMED_TYPES

PASSAGES_PER_PAGE = 25
STATEMENTS_PER_PAGE = 10
COOCCURRING = 15
HISTORY = 20
DOCUMENTS_SHOWN = 50
REGISTRY_PER_PAGE = 100
# The chart's drawing box, in SVG user units (the page scales it to its column).
CHART_WIDTH = 560
CHART_HEIGHT = 120
CHART_TOP = 14  # room above the tallest bar for its count
CHART_GAP = 0.2  # of each bar's slot
CHART_BAR_MAX = 36  # widest bar, so that a few periods do not make slabs


@dataclass(frozen=True)
class Bar:
    """One period of the documents-over-time chart, placed in the chart's box."""

    label: str
    count: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Chart:
    """Bars of documents per period, with the axis labels worth printing."""

    bars: tuple[Bar, ...]
    width: int
    height: int
    peak: int
    ticks: tuple[Bar, ...]  # bars whose label is printed under the axis


@dataclass(frozen=True)
class EntityPage:
    """Everything the page of one entity (or of a name not in the registry) shows."""

    entity: Entity | None  # None: a name not in the registry
    mention_count: int
    documents: tuple[EntityDocument, ...]
    chart: Chart | None
    undated: int
    passages: tuple[Passage, ...]
    passage_page: int
    passage_offset: int  # how many passages come before this page's first
    has_more_passages: bool
    cooccurring: tuple[Cooccurrence, ...]
    history: tuple[Correction, ...]
    said: Said | None = None  # None when the subject takes no turn in any transcript


@dataclass(frozen=True)
class Said:
    """What the subject said: its turns in transcripts, a page of them, and turns over time.
    ``ref`` is the speaker as the document view's ``?turns=`` names it."""

    ref: str
    turns: int
    documents: int
    chart: Chart | None
    statements: tuple[Statement, ...]
    page: int
    offset: int
    has_more: bool


@dataclass(frozen=True)
class RegistryPage:
    """One page of the registry list, with the counts that drive its type filter."""

    rows: tuple[tuple[Entity, int], ...]  # entity, mentions in current versions
    total: int
    type_counts: Mapping[str, int]
    page: int
    last_page: int


def entity_page(
    store: EntityStore, entity: Entity, *, passage_page: int = 1, said_page: int = 1
) -> EntityPage:
    """The page of ``entity`` (an entity as ``EntityStore.get`` returned it: merges followed);
    ``passage_page`` and ``said_page`` are the pages of its passages and of its turns."""
    page = _page(store, entity.id, passage_page, said_page)
    history_ = tuple(history(store, entity.id, limit=HISTORY))
    return dataclasses.replace(page, entity=entity, history=history_)


def name_page(
    store: EntityStore, name: UnlinkedName, *, passage_page: int = 1, said_page: int = 1
) -> EntityPage:
    """The page of a name not in the registry: its turns, mentions, timeline and
    co-occurrences, as an entity's, so that every name on a page leads somewhere before anyone
    reviews it."""
    return _page(store, name, passage_page, said_page)


def _page(
    store: EntityStore, subject: str | UnlinkedName, passage_page: int, said_page: int
) -> EntityPage:
    documents = documents_for_entity(store, subject)
    offset = (passage_page - 1) * PASSAGES_PER_PAGE
    found = passages(store, subject, limit=PASSAGES_PER_PAGE + 1, offset=offset)
    return EntityPage(
        entity=None,
        mention_count=sum(d.mentions for d in documents),
        documents=tuple(documents),
        chart=bar_chart(timeline(store, subject)),
        undated=sum(1 for d in documents if d.date is None),
        passages=tuple(found[:PASSAGES_PER_PAGE]),
        passage_page=passage_page,
        passage_offset=offset,
        has_more_passages=len(found) > PASSAGES_PER_PAGE,
        cooccurring=tuple(
            cooccurring(store, subject, limit=COOCCURRING, unlinked_types=NAMED_TYPES)
        ),
        history=(),
        said=_said(store, subject, said_page),
    )


def _said(store: EntityStore, subject: str | UnlinkedName, page: int) -> Said | None:
    """The subject's turns: counts, one page of them, and a chart of turns per year."""
    turns, documents = statement_counts(store, subject)
    if not turns:
        return None
    offset = (page - 1) * STATEMENTS_PER_PAGE
    found = list_statements(store, subject, limit=STATEMENTS_PER_PAGE + 1, offset=offset)
    chart = bar_chart(statement_timeline(store, subject))
    shown = tuple(found[:STATEMENTS_PER_PAGE])
    more = len(found) > STATEMENTS_PER_PAGE
    return Said(subject_ref(subject), turns, documents, chart, shown, page, offset, more)


def bar_chart(periods: Sequence[tuple[str, int]]) -> Chart | None:
    """Bars for (period, documents) pairs, tallest at the full height; None with no periods.

    Bars with documents are at least 2 units tall so a single document still shows. At most
    about eight period labels are printed, evenly spaced, always the first and the last.
    """
    if not periods:
        return None
    peak = max(count for _, count in periods)
    slot = CHART_WIDTH / len(periods)
    usable = CHART_HEIGHT - CHART_TOP
    bars = []
    width = min(slot * (1 - CHART_GAP), CHART_BAR_MAX)
    for i, (label, count) in enumerate(periods):
        height = 0.0 if not count else max(2.0, usable * count / max(peak, 1))
        bars.append(
            Bar(
                label,
                count,
                x=round(i * slot + (slot - width) / 2, 2),
                y=round(CHART_HEIGHT - height, 2),
                width=round(width, 2),
                height=round(height, 2),
            )
        )
    step = max(1, math.ceil(len(bars) / 8))
    ticks = [b for i, b in enumerate(bars) if i % step == 0]
    if ticks[-1] is not bars[-1]:
        if len(ticks) > 1 and bars.index(ticks[-1]) > len(bars) - 1 - step / 2:
            ticks.pop()  # too close to the last label to print both
        ticks.append(bars[-1])
    return Chart(tuple(bars), CHART_WIDTH, CHART_HEIGHT, peak, tuple(ticks))


def registry_page(
    store: EntityStore,
    names: Mapping[str, Entity],
    *,
    type: str | None = None,
    name: str = "",
    page: int = 1,
) -> RegistryPage:
    """Entities (of one type, whose name or an alias contains ``name``), most mentioned first."""
    counts = entity_mention_counts(store)
    needle = " ".join(name.casefold().split())
    chosen = [
        e
        for e in names.values()
        if (type is None or e.type == type)
        and (not needle or any(needle in form.casefold() for form in e.forms()))
    ]
    chosen.sort(key=lambda e: (-counts.get(e.id, 0), e.name.casefold(), e.id))
    type_counts = {t: 0 for t in ENTITY_TYPES}
    for e in names.values():
        type_counts[e.type] = type_counts.get(e.type, 0) + 1
    last = max(1, math.ceil(len(chosen) / REGISTRY_PER_PAGE))
    start = (min(page, last) - 1) * REGISTRY_PER_PAGE
    rows = tuple((e, counts.get(e.id, 0)) for e in chosen[start : start + REGISTRY_PER_PAGE])
    return RegistryPage(rows, len(chosen), type_counts, min(page, last), last)
