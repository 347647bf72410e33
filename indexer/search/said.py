"""``said:`` — the words of a query inside one speaker's turns (docs/decisions/011, 016).

``said:putin "Far East"`` names a speaker and scopes the query's other words to their turns:
the words are searched in ``text`` and kept where they stand inside the ranges of token
positions each speaker the value names speaks in (``said_match.py``), so phrases stay inside
one part of one turn. A value
names a speaker when it is the speaker's ref (a registry id, or ``~person:…`` from a facet),
the name or an alias of a registry entity, or words of the speaker's name in order
(``putin``, ``"Vladimir Putin"``). Several ``said:`` filters are OR-ed: any of them said it.
``said:`` alone finds the documents where someone takes a turn. ``said:`` inside OR or NOT with
words is refused: it scopes every word of the query.

``SpeakerTable`` holds, per searcher, every document's speakers, turn counts and ranges (the
``said_names`` column): it resolves names to refs, counts the "Speakers" facet in turns and
gathers the ranges of the speakers a query names. A speaker the index knows whose turns hold
only stage directions is named in a notice: ``said:`` finds nothing of theirs.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from corpus.entities.directions import spoken, stage_directions
from corpus.entities.model import Turn, speaker_ref
from corpus.errors import EntityNotFound
from corpus.model import Span
from indexer.errors import QueryError
from indexer.schema import NAME_ANALYZER
from indexer.search.query import And, Filter, Node, Not, Or, ParsedQuery, leaves
from indexer.search.said_match import SpokenRanges
from indexer.turns.fields import read_ranges, read_said_names

SAID = "said"
NOBODY = "\x00"  # the ref of a speaker no one is: a said: value that names no one matches none
FACET_LIMIT = 20


@dataclass(frozen=True)
class SaidScope:
    """The speakers a query's words are scoped to (refs; empty: not scoped), the query with
    its ``said:`` values made refs, and what to tell the user."""

    refs: tuple[str, ...]
    parsed: ParsedQuery | None
    filters: tuple[Node, ...] = ()
    notices: tuple[str, ...] = ()


class SpeakerTable:
    """Every document's speakers, by document number, for one searcher; read on first use, so
    a search with neither ``said:`` nor facets (``dossier search``) never reads them."""

    def __init__(self, searcher: Any) -> None:
        self._reader = searcher.reader()

    def load(self) -> None:
        """Read the speakers now rather than on the first search that needs them."""
        _ = self._coded

    @property
    def by_doc(self) -> dict[int, list[tuple[str, int]]]:
        """Each document's speakers' refs with their turn counts."""
        return self._read[0]

    @property
    def names(self) -> dict[str, str]:
        """Each speaker ref's name."""
        return self._read[1]

    @property
    def spans(self) -> dict[str, dict[int, str]]:
        """Each speaker ref's documents with the ranges of their turns, not yet decoded."""
        return self._read[2]

    @functools.cached_property
    def _read(
        self,
    ) -> tuple[dict[int, list[tuple[str, int]]], dict[str, str], dict[str, dict[int, str]]]:
        by_doc: dict[int, list[tuple[str, int]]] = {}
        names: dict[str, str] = {}
        spans: dict[str, dict[int, str]] = {}  # ref -> document -> its ranges, unread
        for sub, offset in self._reader.leaf_readers():
            if not sub.has_column("said_names"):
                continue
            for i, raw in enumerate(sub.column_reader("said_names", translate=False)):
                found = read_said_names(raw)
                if found:
                    by_doc[offset + i] = [(line.ref, line.turns) for line in found]
                    for line in found:
                        names.setdefault(line.ref, line.name)
                        if line.ranges:
                            spans.setdefault(line.ref, {})[offset + i] = line.ranges
        return by_doc, names, spans

    @functools.lru_cache(maxsize=256)  # noqa: B019 (one table per searcher, dropped with it)
    def refs(self, value: str) -> tuple[str, ...]:
        """The refs of the speakers whose ref is ``value`` or whose name holds its words."""
        return tuple(ref for ref, name in self.names.items() if speaker_matches(value, ref, name))

    def silent(self, ref: str) -> bool:
        """True for a speaker the index knows whose turns hold no words of theirs (only
        stage directions)."""
        return ref in self.names and ref not in self.spans

    @functools.lru_cache(maxsize=16)  # noqa: B019 (one table per searcher, dropped with it)
    def ranges(self, refs: tuple[str, ...]) -> SpokenRanges:
        """Where the speakers ``refs`` speak, in every document (``said_match.py``)."""
        by_doc: dict[int, list[tuple[int, int]]] = {}
        for ref in refs:
            for n, ranges in self.spans.get(ref, {}).items():
                by_doc.setdefault(n, []).extend(read_ranges(ranges))
        if len(refs) > 1:
            for found in by_doc.values():
                found.sort()
        return SpokenRanges(refs, by_doc)

    def facet(self, docs: Iterable[int], limit: int = FACET_LIMIT) -> tuple[tuple[str, int], ...]:
        """The speakers with the most turns in ``docs``, ties by ref (those with no words of
        their own left out)."""
        refs, starts, codes, turns = self._coded
        wanted = np.fromiter(docs, dtype=np.int64)
        if not refs or not len(wanted):
            return ()
        # Every speaker line of every wanted document, CSR style (as filters._Coded.top).
        first, lengths = starts[wanted], starts[wanted + 1] - starts[wanted]
        ends = np.cumsum(lengths)
        where = np.repeat(first - ends + lengths, lengths) + np.arange(int(ends[-1]))
        counts = np.bincount(codes[where], weights=turns[where], minlength=len(refs))
        present = np.flatnonzero(counts > 0)  # no words of their own: left out
        ranked = present[np.argsort(-counts[present], kind="stable")][:limit]  # ties by ref
        return tuple((refs[i], int(counts[i])) for i in ranked)

    @functools.cached_property
    def _coded(self) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
        """The refs (sorted), and per document number its speakers' codes and turn counts:
        ``codes[starts[n]:starts[n + 1]]``. Counting the facet over 16,000 matching documents
        in a Python loop took 7 ms."""
        refs = sorted(self.names)
        code = {ref: i for i, ref in enumerate(refs)}
        size = self._reader.doc_count_all()
        lengths = np.zeros(size, dtype=np.int64)
        for n, found in self.by_doc.items():
            lengths[n] = len(found)
        starts = np.zeros(size + 1, dtype=np.int64)
        np.cumsum(lengths, out=starts[1:])
        lines = [line for n in sorted(self.by_doc) for line in self.by_doc[n]]
        codes = np.fromiter((code[ref] for ref, _ in lines), dtype=np.int64, count=len(lines))
        turns = np.fromiter((t for _, t in lines), dtype=np.float64, count=len(lines))
        return refs, starts, codes, turns


def speaker_matches(value: str, ref: str, name: str) -> bool:
    """True when ``value`` is the ref, or its words stand in order in the name."""
    value = value.strip()
    if value == ref:
        return True
    wanted = [t.text for t in NAME_ANALYZER(value)]
    words = [t.text for t in NAME_ANALYZER(name)]
    if not wanted or len(wanted) > len(words):
        return False
    return any(words[i : i + len(wanted)] == wanted for i in range(len(words) - len(wanted) + 1))


def said_scope(
    parsed: ParsedQuery | None, chosen: Sequence[str], table: SpeakerTable, store: Any
) -> SaidScope:
    """Take the ``said:`` filters out of a query (and the speakers ``chosen`` as facet refs):
    the refs they name, and document filters that keep only where those speakers speak.

    Raises ``QueryError`` for ``said:`` under OR or NOT with other words.
    """
    root = parsed.root if parsed is not None else None
    values = [*_top_values(root), *(c for c in chosen if c.strip())]
    if not values:
        return SaidScope((), parsed)
    refs: dict[str, None] = {}
    notices = []
    for value in values:
        found = _named(value, table, store)
        if not found:
            notices.append(_no_speaker(value))
        elif notice := _said_nothing(value, found, table, store):
            notices.append(notice)
        refs.update(dict.fromkeys(found))
    scoped = tuple(refs) or (NOBODY,)
    keep = Or(tuple(Filter(SAID, ref, exact=True) for ref in scoped))
    rest = _without_said(root)
    if parsed is not None:
        parsed = dataclasses.replace(parsed, root=rest, notices=(*parsed.notices, *notices))
    return SaidScope(scoped, parsed, (keep,), tuple(notices))


def _no_speaker(value: str) -> str:
    """The notice for a ``said:`` value no turn's speaker matches. A speech or article with no
    speaker labels has no turns, so point to ``speaker:``, which matches its speaker."""
    term = f'"{value}"' if any(c.isspace() for c in value) else value
    return (
        f'No speaker in the index is called "{value}". said: looks inside the speaker turns of '
        f"transcripts; speaker:{term} finds documents by that speaker or author."
    )


def _said_nothing(value: str, found: list[str], table: SpeakerTable, store: Any) -> str:
    """What to tell when no speaker ``value`` names has words of theirs in the index: a
    speaker of stage directions only, or a registry entity who takes no turn; "" otherwise."""
    if any(ref in table.spans for ref in found):
        return ""
    silent = sorted({table.names[ref] for ref in found if ref in table.names})
    if silent:
        return (
            f'"{value}" names {" or ".join(silent)}, whose turns hold only stage directions '
            'such as "(Applause.)": no words of theirs to search.'
        )
    from corpus.entities.store import EntityStore  # SQLAlchemy: only for said: filters

    entities = EntityStore(store)
    names = sorted({entities.get(ref).name for ref in found})
    return f'"{value}" names {" or ".join(names)}, who takes no turn in the indexed documents.'


def said_bodies(text: str, found: Sequence[Turn], refs: Iterable[str]) -> list[Span]:
    """The words said by the speakers ``refs``, in text order: their turns' bodies, cut where
    a stage direction stands ("(Applause.)" is not the speaker's words)."""
    wanted = set(refs)
    theirs = [t for t in found if speaker_ref(t) in wanted]
    directions = stage_directions(text, found) if theirs else []  # learned over every turn
    return [part for t in theirs for part in spoken(t.body, directions)]


def within(spans: Sequence[Span], bodies: Sequence[Span]) -> list[Span]:
    """The spans that lie inside one of ``bodies`` (both in text order)."""
    out, j = [], 0
    for span in spans:
        while j < len(bodies) and bodies[j].end <= span.start:
            j += 1
        if j < len(bodies) and bodies[j].start <= span.start and span.end <= bodies[j].end:
            out.append(span)
    return out


def said_values(parsed: ParsedQuery | None) -> list[str]:
    """The values of a query's ``said:`` filters (raises ``QueryError`` as ``said_scope``)."""
    return _top_values(parsed.root) if parsed is not None else []


def bodies_said_by(
    text: str, found: Sequence[Turn], values: Sequence[str], store: Any
) -> list[Span]:
    """The bodies of a document's turns by the speakers ``values`` name (``said:`` values or
    refs), found among the document's own turns and the registry: no index needed."""
    refs: set[str] = set()
    for value in values:
        refs.update(_registry(value, store))
        refs.update(r for t in found if speaker_matches(value, r := speaker_ref(t), t.speaker))
    return said_bodies(text, found, refs)


def _named(value: str, table: SpeakerTable, store: Any) -> list[str]:
    return list(dict.fromkeys([*_registry(value, store), *table.refs(value)]))


def _registry(value: str, store: Any) -> list[str]:
    """Entity ids a value names in the registry: an id (merges followed) or a name or alias."""
    from corpus.entities.store import EntityStore  # SQLAlchemy: only for said: filters

    entities = EntityStore(store)
    try:
        return [entities.resolve(value.strip())]
    except EntityNotFound:
        return [e.id for e in entities.find(value, "PERSON")]


def _top_values(root: Node | None) -> list[str]:
    """The values of the ``said:`` filters joined to the query by AND (or OR-ed together)."""
    if root is None:
        return []
    children = root.children if isinstance(root, And) else (root,)
    values = []
    for child in children:
        if _is_said(child):
            values.append(child.value)  # type: ignore[union-attr]
        elif isinstance(child, Or) and all(_is_said(c) for c in child.children):
            values.extend(c.value for c in child.children)  # type: ignore[union-attr]
        elif any(_is_said(leaf) for leaf in leaves(child)):
            raise QueryError(
                "said: scopes every word of the query to a speaker's turns, so it combines "
                'by AND only, as in said:putin "Far East"; it cannot stand inside OR or NOT.'
            )
    return values


def _without_said(root: Node | None) -> Node | None:
    if root is None:
        return None
    children = root.children if isinstance(root, And) else (root,)
    rest = [
        c
        for c in children
        if not _is_said(c) and not (isinstance(c, Or) and all(_is_said(x) for x in c.children))
    ]
    if not rest:
        return None
    return rest[0] if len(rest) == 1 else And(tuple(rest))


def _is_said(node: Node) -> bool:
    return isinstance(node, Filter) and node.field == SAID and not isinstance(node, Not)
