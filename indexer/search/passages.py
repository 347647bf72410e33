"""``in:annotations`` — a document search limited to annotated passages (docs/decisions/014).

``in:annotations sanctions`` finds the documents where *sanctions* occurs inside a passage
of an annotation the viewer can see (their own, and the team's; never another analyst's
private ones), where that annotation is anchored now: an orphaned one marks no words. Like
``said:`` it scopes every word of the query, so it combines by AND only. Alone it finds the
documents with an anchored annotation the viewer can see.

Annotations are not in the index (they change with every save), and the viewer's annotated
documents are few, so the engine narrows the matching documents to those the resolver says
are annotated (``indexer/search/external.py``), asks it where their annotated passages are in
the indexed version, and keeps a document only when one of the query's matches lies inside a
passage. Counts, facets and pages are then of the documents kept; snippets are cut from the
passages, and the document view keeps only the hits inside them (``webapp/hit_scope.py``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

from corpus.model import Span
from indexer.errors import QueryError
from indexer.search.matching import Pattern, match_spans
from indexer.search.query import And, Filter, Node, Not, ParsedQuery, leaves
from indexer.search.said import within

IN = "in"
CONTEXT = 40  # characters read on either side of a passage, to see whole words at its edges


def in_annotations(parsed: ParsedQuery | None) -> bool:
    """True when the query holds ``in:annotations`` (joined by AND).

    Raises ``QueryError`` when it stands under OR or NOT: it scopes every word.
    """
    root = parsed.root if parsed is not None else None
    if root is None:
        return False
    children = root.children if isinstance(root, And) else (root,)
    found = False
    for child in children:
        if _is_in(child):
            found = True
        elif any(isinstance(leaf, Filter) and leaf.field == IN for leaf in leaves(child)):
            raise QueryError(
                "in:annotations limits every word of the query to annotated passages, so it "
                "combines by AND only, as in in:annotations sanctions; it cannot stand inside "
                "OR or NOT."
            )
    return found


def without_in(parsed: ParsedQuery) -> ParsedQuery:
    """The query with its ``in:annotations`` taken out (what is left to match)."""
    if parsed.root is None:
        return parsed
    root = parsed.root
    children = root.children if isinstance(root, And) else (root,)
    rest = [c for c in children if not _is_in(c)]
    left: Node | None = None if not rest else rest[0] if len(rest) == 1 else And(tuple(rest))
    return dataclasses.replace(parsed, root=left)


def merge_passages(spans: Iterable[Span]) -> list[Span]:
    """Sorted spans with overlapping or touching ones joined: a hit across two overlapping
    annotations is inside annotated text all along."""
    out: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        if span.end <= span.start:
            continue
        if out and span.start <= out[-1].end:
            out[-1] = Span(out[-1].start, max(out[-1].end, span.end))
        else:
            out.append(span)
    return out


def overlap(first: Sequence[Span], second: Sequence[Span]) -> list[Span]:
    """The parts two sorted, disjoint span lists share (``said:`` turns and passages)."""
    out, i, j = [], 0, 0
    while i < len(first) and j < len(second):
        start = max(first[i].start, second[j].start)
        end = min(first[i].end, second[j].end)
        if start < end:
            out.append(Span(start, end))
        if first[i].end <= second[j].end:
            i += 1
        else:
            j += 1
    return out


def hits_inside(text: str, pattern: Pattern, passages: Sequence[Span]) -> list[Span]:
    """The matches of ``pattern`` inside ``passages`` of ``text``: only the passages (and a
    little context, so a word cut by a passage's edge is read whole) are scanned, not the
    whole text."""
    found: list[Span] = []
    for passage in passages:
        start = max(0, passage.start - CONTEXT)
        end = min(len(text), passage.end + CONTEXT)
        spans = match_spans(text[start:end], pattern)
        found += within([Span(s.start + start, s.end + start) for s in spans], [passage])
    return found


def has_hits(text: str, pattern: Pattern, passages: Sequence[Span]) -> bool:
    """True when a match of ``pattern`` (or, for a query of filters only, any passage) is
    inside ``passages``."""
    if not passages:
        return False
    return pattern.is_empty() or bool(hits_inside(text, pattern, passages))


def _is_in(node: Node) -> bool:
    return isinstance(node, Filter) and node.field == IN and not isinstance(node, Not)
