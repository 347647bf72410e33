"""The entity layer of highlights: stored mentions as ``Mark``s, with what the legend and the
"entities in this document" panel show.

Every mention becomes one ``<mark class="entity" data-type="PERSON">``; a linked one also
carries its entity's id and page (``data-entity``, ``data-href``) and says its canonical name in
``title``. Each mention's first element has the id ``m-<start offset>``, so a passage on an
entity page can link straight to it. Colours and underline styles per type live in
``static/dossier.css``, clicks and layer toggles in ``static/dossier.js``.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote_plus

from flask import url_for

from corpus import Span
from corpus.entities import (
    ENTITY_TYPES,
    Entity,
    EntityStore,
    Mention,
    MentionCount,
    mentions,
    mentions_starting_in,
)
from indexer.search import Hit, Snippet
from webapp.highlight import Mark
from webapp.layers import Placed, window

# type -> (singular, plural), as the pages name them.
TYPE_LABELS: Mapping[str, tuple[str, str]] = {
    "PERSON": ("Person", "People"),
    "ORGANIZATION": ("Organisation", "Organisations"),
    "LOCATION": ("Place", "Places"),
    "NORP": ("Nationality or group", "Nationalities and groups"),
    "DATE": ("Date", "Dates"),
    "MONEY": ("Money", "Money"),
    "PERCENT": ("Percentage", "Percentages"),
}
SOURCE_LABELS: Mapping[str, str] = {
    "analyst": "tagged by an analyst",
    "label": "speaker label",
    "registry": "registry name",
    "rule": "date/number rule",
    "model": "statistical model",
}
# Types that name something an analyst would put in the registry (dates and sums are not).
NAMED_TYPES: tuple[str, ...] = ("PERSON", "ORGANIZATION", "LOCATION", "NORP")
PANEL_LIMIT = 8  # entities per type in the "in this document" panel


@dataclass(frozen=True)
class Named:
    """An entity (or an unlinked name) and how often the document mentions it."""

    name: str
    type: str
    count: int
    entity_id: str | None = None


@dataclass(frozen=True)
class EntityLayer:
    """A document version's mentions as marks, counted per type and per entity."""

    marks: tuple[Mark, ...]
    type_counts: Mapping[str, int]
    linked: Mapping[str, tuple[Named, ...]]  # type -> entities, most mentioned first
    unlinked: tuple[Named, ...]  # names of NAMED_TYPES not in the registry, most frequent first
    marks_total: int = 0  # mentions in the part shown; ``marks`` holds at most a limit of them

    def linked_ids(self) -> list[str]:
        """Ids of the entities the document mentions, by type then frequency."""
        return [n.entity_id for group in self.linked.values() for n in group if n.entity_id]

    def mention_at(self, offset: int) -> str | None:
        """The element id of the first mention that ends after ``offset``, if any."""
        marks = self.marks
        i = bisect.bisect_right([m.span.end for m in marks], offset)
        return marks[i].element_id if i < len(marks) else None


def type_label(type: str, plural: bool = False) -> str:
    """``Person``/``People`` for ``PERSON``; unknown types as they are."""
    labels = TYPE_LABELS.get(type)
    return labels[plural] if labels else type


# What ``url_for`` leaves unescaped in a query string (Werkzeug's ``_urlencode``).
_QUERY_SAFE = "!$'()*,/:;?@"


@dataclass
class EntityLinks:
    """The entity pages a page of marks links to, each built once: ``url_for`` costs about
    30 µs, and a long transcript has thousands of mentions (docs/PERFORMANCE.md)."""

    pages: dict[str, str] = field(default_factory=dict)
    names: dict[tuple[str, str], str] = field(default_factory=dict)
    name_base: str = ""

    def entity(self, id: str) -> str:
        """The page of a registry entity (``entities.show``)."""
        if id not in self.pages:
            self.pages[id] = url_for("entities.show", id=id)
        return self.pages[id]

    def name(self, type: str, text: str) -> str:
        """The page of a name not in the registry (``entities.name``), as ``url_for`` writes
        it: the base once, then the query string."""
        url = self.names.get((type, text))
        if url is None:
            if not self.name_base:
                self.name_base = url_for("entities.name")
            name = quote_plus(" ".join(text.split()), _QUERY_SAFE)
            url = f"{self.name_base}?type={quote_plus(type, _QUERY_SAFE)}&name={name}"
            self.names[(type, text)] = url
        return url


def mention_mark(
    mention: Mention,
    entity: Entity | None,
    *,
    element_id: str = "",
    links: EntityLinks | None = None,
) -> Mark:
    """One mention as a mark: type and source always, entity id, page and name when linked;
    an unlinked name's page (``data-name-href``: the mention's card links to it). ``links``:
    the page's links, shared by its marks."""
    links = links or EntityLinks()
    label = type_label(mention.type)
    attrs = {"data-type": mention.type, "data-source": mention.source}
    if entity is not None:
        attrs["title"] = f"{entity.name} · {label}"
        attrs["data-entity"] = entity.id
        attrs["data-name"] = entity.name
        attrs["data-href"] = links.entity(entity.id)
    else:
        attrs["title"] = f"{mention.text} · {label} · not in the registry"
        if mention.type in NAMED_TYPES:  # its page: the name's mentions everywhere
            attrs["data-name-href"] = links.name(mention.type, mention.text)
    return Mark(mention.span, "entity", attrs, element_id)


def document_layer(
    mentions: Sequence[Mention],
    names: Mapping[str, Entity],
    *,
    counts: Iterable[MentionCount] | None = None,
    limit: int | None = None,
) -> EntityLayer:
    """The entity layer of a document from its stored mentions (in text order) and the
    registry's names: marks for the first ``limit`` of ``mentions``; the panel's and legend's
    counts from ``counts`` (``mention_counts``: every mention of the document, when
    ``mentions`` are those of the part shown), else from ``mentions``."""
    links = EntityLinks()
    marks = tuple(
        mention_mark(m, names.get(m.entity_id or ""), element_id=f"m-{m.span.start}", links=links)
        for m in mentions[:limit]
    )
    if counts is None:
        counts = [MentionCount(m.type, m.entity_id, m.text, 1) for m in mentions]
    linked: Counter[str] = Counter()
    unlinked: Counter[tuple[str, str]] = Counter()
    by_type_count: Counter[str] = Counter()
    for c in counts:
        by_type_count[c.type] += c.count
        if c.entity_id and c.entity_id in names:
            linked[c.entity_id] += c.count
        elif c.type in NAMED_TYPES:
            unlinked[(" ".join(c.text.split()), c.type)] += c.count
    by_type: dict[str, list[Named]] = {}
    for entity_id, count in sorted(linked.items(), key=lambda kv: (-kv[1], names[kv[0]].name)):
        entity = names[entity_id]
        by_type.setdefault(entity.type, []).append(
            Named(entity.name, entity.type, count, entity.id)
        )
    ordered = {t: tuple(by_type[t]) for t in ENTITY_TYPES if t in by_type}
    others = tuple(
        Named(text, type, count)
        for (text, type), count in sorted(unlinked.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    return EntityLayer(
        marks,
        {t: by_type_count[t] for t in ENTITY_TYPES if by_type_count[t]},
        ordered,
        others,
        len(mentions),
    )


def snippet_marks(
    snippet: Snippet, mentions: Sequence[Mention], names: Mapping[str, Entity]
) -> list[Mark]:
    """Marks of the mentions that start inside a snippet, relative to its text.

    A mention is kept only if the snippet says exactly what the mention says, so a snippet cut
    from another version of the text can never be coloured at the wrong words.
    """
    first, last = snippet.start, snippet.start + len(snippet.text)
    starts = [m.span.start for m in mentions]
    inside = mentions[bisect.bisect_left(starts, first) : bisect.bisect_left(starts, last)]
    links = EntityLinks()
    placed = [
        Placed(mention_mark(m, names.get(m.entity_id or ""), links=links), m.text) for m in inside
    ]
    return window(placed, snippet.text, snippet.start)


def hit_mentions(store: EntityStore, document_ids: Iterable[str]) -> dict[str, list[Mention]]:
    """Every stored mention of the current version of each document (a page of hits); prefer
    ``snippet_mentions``, which reads only what the snippets show."""
    return {document_id: mentions(store, document_id) for document_id in document_ids}


def snippet_mentions(store: EntityStore, hits: Iterable[Hit]) -> dict[str, list[Mention]]:
    """The stored mentions that start inside the snippets of each hit, in the version the hit
    was found in (its snippets' text): all that ``snippet_marks`` can show, read by offset
    range rather than every mention of a long document."""
    hits = list(hits)
    return mentions_starting_in(
        store,
        {hit.id: [Span(s.start, s.start + len(s.text)) for s in hit.snippets] for hit in hits},
        {hit.id: hit.version for hit in hits},
    )


def legend(layer: EntityLayer, hit_count: int | None) -> list[tuple[str, str, int]]:
    """The legend's rows: (layer key, label, count); hits first when there is a query."""
    rows = [("hit", "Search hits", hit_count)] if hit_count is not None else []
    rows += [(t, type_label(t, plural=True), n) for t, n in layer.type_counts.items()]
    return rows


def entity_choices(names: Mapping[str, Entity], ids: Iterable[str]) -> list[Entity]:
    """Entities to offer in a form's list (those of ``ids`` that exist), by type then name."""
    found = [names[i] for i in dict.fromkeys(ids) if i in names]
    return sorted(found, key=lambda e: (ENTITY_TYPES.index(e.type), e.name.casefold(), e.id))
