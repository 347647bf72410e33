"""A parsed query becomes a search plan: one scoring Whoosh query plus filter trees.

The top level of a query is a conjunction. Children made only of filters (``kind:``,
``speaker:``, ``date:`` ..., also OR-ed or negated) become document sets (``indexer/filters.py``);
the rest becomes the Whoosh query that finds and scores documents. Words search ``text`` and
``title``; prefixes and fuzzy words are expanded first (``indexer/vocabulary.py``), within one
budget per query.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from whoosh import query as wq

from indexer.errors import QueryError, QueryTooComplex
from indexer.schema import text_terms
from indexer.search.matching import Pattern, pattern_of
from indexer.search.phrases import ExactPhrase
from indexer.search.query import (
    And,
    DateFilter,
    Filter,
    Fuzzy,
    Node,
    Not,
    Or,
    ParsedQuery,
    Phrase,
    Prefix,
    Word,
    empty_query,
)
from indexer.search.vocabulary import Budget, expand_fuzzy, expand_prefix, surface

BODY_FIELDS = ("text", "title")
# A rough cost model of Whoosh in pure Python, fitted on the 18k-document bench index on an idle
# machine (a busy one takes about twice as long): a query whose estimate passes MAX_COST_US is
# refused before it runs. Exact phrases (``indexer/phrases.py``) read their words' postings in
# bulk and compare positions with numpy: "of the" (0.3 s) runs, a long quote made only of the
# commonest words is refused. Phrases with slop walk documents one at a time, as Whoosh does.
US_PER_TERM = 3_000.0  # open a term's postings
US_PER_POSTING = 3.5  # read and score one posting of a term
US_PER_PHRASE_POSTING = 1.5  # read one posting of an exact phrase's word (bulk)
US_PER_PHRASE_CANDIDATE = 1.0  # gather one word's positions in a document holding all words
US_PER_PHRASE_POSITION = 0.06  # compare one position of an exact phrase's word (numpy)
US_PER_CANDIDATE = 19.0  # match a phrase with slop in one document holding all its words
US_PER_POSITION = 1.1  # decode one position of a phrase-with-slop word
MAX_COST_US = 1_000_000


@dataclass(frozen=True)
class Plan:
    """What to run: ``scoring`` is None when the query holds only filters."""

    scoring: wq.Query | None
    filters: tuple[Node, ...]
    pattern: Pattern
    notices: tuple[str, ...]


def plan_query(parsed: ParsedQuery, reader: Any, *, max_cost_us: float = MAX_COST_US) -> Plan:
    """Build the plan; raises ``EmptyQuery`` when no word is left, ``QueryTooComplex`` when the
    estimated work exceeds ``max_cost_us``, ``QueryError`` for a filter OR-ed with words."""
    root = parsed.root
    children = root.children if isinstance(root, And) else (root,) if root is not None else ()
    filters = tuple(child for child in children if _is_filter(child))
    budget = Budget()
    compiler = _Compiler(reader, budget, parsed.source, max_cost_us)
    positive: list[wq.Query] = []
    negative: list[wq.Query] = []
    for child in children:
        if _is_filter(child):
            continue
        target, node = (negative, child.child) if isinstance(child, Not) else (positive, child)
        query = compiler.compile(node)
        if query is not None:
            target.append(query)
    if not positive and not negative:
        if not filters:
            raise empty_query(parsed.source)
        scoring = None
    else:
        base = _join(wq.And, positive) if positive else wq.Every()
        scoring = wq.AndNot(base, _join(wq.Or, negative)) if negative else base
    notices = tuple(parsed.notices) + tuple(budget.notices)
    return Plan(scoring, filters, pattern_of(parsed), notices)


def _is_filter(node: Node) -> bool:
    if isinstance(node, Filter | DateFilter):
        return True
    if isinstance(node, Not):
        return _is_filter(node.child)
    if isinstance(node, And | Or):
        return all(_is_filter(child) for child in node.children)
    return False


def _join(cls: type[wq.And] | type[wq.Or], parts: list[wq.Query]) -> wq.Query:
    return parts[0] if len(parts) == 1 else cls(parts)


class _Compiler:
    def __init__(self, reader: Any, budget: Budget, source: str, max_cost_us: float) -> None:
        self.reader = reader
        self.budget = budget
        self.source = source
        self.max_cost_us = max_cost_us
        self.cost = 0.0
        self.costliest = ("", 0.0)

    def compile(self, node: Node) -> wq.Query | None:
        """A Whoosh query for a tree of words; None when nothing searchable is in it."""
        if isinstance(node, And | Or):
            parts = [q for q in (self.compile(c) for c in node.children) if q is not None]
            if not parts:
                return None
            return _join(wq.And if isinstance(node, And) else wq.Or, parts)
        if isinstance(node, Not):
            inner = self.compile(node.child)
            return wq.Not(inner) if inner is not None else None
        if isinstance(node, Filter | DateFilter):
            raise QueryError(
                f'In "{self.source}", a filter is joined to words by OR or inside NOT '
                "with them. Filters (kind:, speaker:, source:, tag:, date:) combine with words "
                "by AND only: put the filter outside the parentheses."
            )
        return self._leaf(node)

    def _leaf(self, node: Word | Phrase | Prefix | Fuzzy) -> wq.Query | None:
        fields = (node.field,) if node.field else BODY_FIELDS
        if isinstance(node, Word | Phrase):
            terms = text_terms(node.text)
            slop = node.slop if isinstance(node, Phrase) else 0
            if not terms:
                return None
            if len(terms) == 1:
                self._charge(node, sum(self._postings(f, terms[0]) for f in fields))
                return _join(wq.Or, [wq.Term(f, terms[0]) for f in fields])
            self._charge(node, sum(self._phrase_cost(f, terms, slop) for f in fields))
            return _join(wq.Or, [ExactPhrase(f, list(terms), slop=slop + 1) for f in fields])
        if not surface(node.text):
            return None
        if isinstance(node, Prefix):
            stems = expand_prefix(self.reader, node, self.budget)
        else:
            stems = expand_fuzzy(self.reader, node, self.budget)
        if not stems:
            return wq.NullQuery
        pairs = [(f, stem) for f in fields for stem in stems]
        # A union of many terms costs more per posting: Whoosh merges them pairwise.
        depth = 1 + math.log2(len(pairs)) / 4
        self._charge(node, sum(self._postings(f, stem, depth) for f, stem in pairs))
        return _join(wq.Or, [wq.Term(f, stem) for f, stem in pairs])

    def _postings(self, field: str, term: str, depth: float = 1.0) -> float:
        """Estimated microseconds to read and score a term's postings."""
        return US_PER_TERM + US_PER_POSTING * depth * self.reader.doc_frequency(field, term)

    def _phrase_cost(self, field: str, terms: tuple[str, ...], slop: int) -> float:
        """Estimated microseconds for a phrase: its rarest word bounds the candidate documents,
        and at each candidate every word's positions are read (once per place in the phrase).
        """
        freqs = [
            (self.reader.doc_frequency(field, t), self.reader.frequency(field, t)) for t in terms
        ]
        candidates = min(df for df, _ in freqs)
        positions = sum(total / df * candidates for df, total in freqs if df)
        if slop == 0:
            read = sum(
                US_PER_TERM + US_PER_PHRASE_POSTING * df
                for df, _ in dict(zip(terms, freqs, strict=True)).values()
            )
            return read + (
                US_PER_PHRASE_CANDIDATE * candidates * len(terms)
                + US_PER_PHRASE_POSITION * positions
            )
        return sum(US_PER_TERM + US_PER_POSTING * df for df, _ in freqs) + (
            US_PER_CANDIDATE * candidates + US_PER_POSITION * positions
        )

    def _charge(self, node: Word | Phrase | Prefix | Fuzzy, cost: float) -> None:
        self.cost += cost
        if cost > self.costliest[1]:
            self.costliest = (_label(node), cost)
        if self.cost > self.max_cost_us:
            raise QueryTooComplex(
                f'"{_short(self.source)}" would read too much of the index to answer quickly '
                f"(the most costly part is {self.costliest[0]}). Use fewer very common words, "
                "or a phrase with at least one less common word."
            )


def _label(node: Word | Phrase | Prefix | Fuzzy) -> str:
    field = f"{node.field}:" if node.field else ""
    if isinstance(node, Phrase):
        return f'the phrase {field}"{node.text}"'
    if isinstance(node, Prefix):
        return f'the prefix "{field}{node.text}*"'
    if isinstance(node, Fuzzy):
        return f'the fuzzy word "{field}{node.text}~{node.distance}"'
    return f'the word "{field}{node.text}"'


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"
