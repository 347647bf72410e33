"""A parsed query becomes a search plan: one scoring Whoosh query plus filter trees.

The top level of a query is a conjunction. Children made only of filters (``kind:``,
``speaker:``, ``date:`` ..., also OR-ed or negated) become document sets (``indexer/filters.py``);
the rest becomes the Whoosh query that finds and scores documents. Words search ``text`` and
``title``; prefixes and fuzzy words are expanded first (``indexer/vocabulary.py``), within one
budget per query.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any, TypeGuard

from whoosh import query as wq

from indexer.errors import QueryError, QueryTooComplex
from indexer.schema import text_terms
from indexer.search.matching import Pattern, pattern_of
from indexer.search.phrases import ExactPhrase
from indexer.search.query import (
    MAX_CLAUSES,
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
from indexer.search.said_match import SaidWords, SpokenRanges
from indexer.search.stopwords import is_stop_word, keeps_stop_words
from indexer.search.vocabulary import Budget, expand_fuzzy, expand_prefix, surface
from indexer.search.words import BODY_FIELDS, Term, Words

# A rough cost model of search in pure Python: a query whose estimate passes MAX_COST_US is
# refused before it runs. Prefixes and fuzzy words: about twice what ``bench/bench_costs.py``
# fitted on the 18k-document bench index on a busy machine (125-161 us a term, 0.77-0.94 us a
# posting, docs/PERFORMANCE.md), so a prefix's whole budget of words (MAX_EXPANSIONS) runs: 3 ms
# a term, fitted before postings were read in blocks, refused any prefix of more than about 160
# words. Exact phrases (``indexer/phrases.py``) read their words' postings in bulk and compare
# positions with numpy: "of the" (0.3 s) runs, a long quote made only of the commonest words is
# refused. Phrases with slop walk documents one at a time, as Whoosh does (fitted on the
# 18k-document index on an idle machine).
US_PER_TERM = 250.0  # open a term's postings
US_PER_POSTING = 1.5  # read and score one posting of a term (a block at a time)
US_PER_SLOP_POSTING = 3.5  # read one posting of a phrase-with-slop word (Whoosh's matcher)
US_PER_WORD = 1_000.0  # open a bare word's postings in text and title (indexer/search/words.py)
US_PER_WORD_POSTING = 1.0  # read one posting of a bare word and score it with numpy
US_PER_PHRASE_POSTING = 1.5  # read one posting of an exact phrase's word (bulk)
US_PER_PHRASE_CANDIDATE = 1.0  # gather one word's positions in a document holding all words
US_PER_PHRASE_POSITION = 0.06  # compare one position of an exact phrase's word (numpy)
US_PER_CANDIDATE = 19.0  # match a phrase with slop in one document holding all its words
US_PER_POSITION = 1.1  # decode one position of a phrase-with-slop word
MAX_COST_US = 1_000_000
SAID_FIELD = "text"  # said: matches words in text, inside the speakers' ranges
# An AND of words that no document holds together falls back to the documents holding some of
# them; so does one of LONG_QUERY_WORDS words or more (a question, pasted text) that fewer
# than PARTIAL_BELOW documents hold together.
PARTIAL_BELOW = 10
LONG_QUERY_WORDS = 5
PARTIAL_MIN_MATCH = 1  # words a document must hold when an AND of words falls back
SHOWN_MISSING = 3  # words held by no document that a notice names


@dataclass(frozen=True)
class Plan:
    """What to run: ``scoring`` is None when the query holds only filters."""

    scoring: wq.Query | None
    filters: tuple[Node, ...]
    pattern: Pattern
    notices: tuple[str, ...]


def plan_query(
    parsed: ParsedQuery,
    reader: Any,
    *,
    max_cost_us: float = MAX_COST_US,
    said: SpokenRanges | None = None,
) -> Plan:
    """Build the plan; raises ``EmptyQuery`` when no word is left, ``QueryTooComplex`` when the
    estimated work exceeds ``max_cost_us``, ``QueryError`` for a filter OR-ed with words.

    ``said``: where the speakers whose turns the body words are searched in speak (``said:``,
    ``indexer/search/said.py``): the words are matched in ``text`` inside those ranges only,
    not in ``title``."""
    root = parsed.root
    children = root.children if isinstance(root, And) else (root,) if root is not None else ()
    filters = tuple(child for child in children if _is_filter(child))
    budget = Budget()
    compiler = _Compiler(reader, budget, parsed.source, max_cost_us, said)
    compiler.drops_stop_words = not keeps_stop_words(root)
    rest = [child for child in children if not _is_filter(child)]
    positive = [child for child in rest if not isinstance(child, Not)]
    negative = [child.child for child in rest if isinstance(child, Not)]
    base = compiler.compile(And(tuple(positive))) if positive else None
    excluded = compiler.compile(Or(tuple(negative)), negated=True) if negative else None
    if base is None and excluded is None:
        if not filters:
            raise empty_query(parsed.source)
        scoring = None
    else:
        base = wq.Every() if base is None else base
        scoring = wq.AndNot(base, excluded) if excluded is not None else base
    notices = tuple(parsed.notices) + tuple(budget.notices)
    return Plan(scoring, filters, pattern_of(parsed), notices)


@dataclass(frozen=True)
class PartialMatch:
    """A query whose words were matched partially: ``words`` asked, ``complete`` documents
    holding them all, ``missing`` words (as typed) held by no document."""

    words: int
    complete: int = 0
    missing: tuple[str, ...] = ()

    def notice(self) -> str:
        """What the user is told (naming at most ``SHOWN_MISSING`` missing words)."""
        if self.complete:
            have = "document has" if self.complete == 1 else "documents have"
            text = (
                f"Only {self.complete} {have} all {self.words} words; showing those that have "
                "some of them too, best matches first."
            )
        else:
            text = (
                f"No document has all {self.words} words; showing those that have some of "
                "them, best matches first."
            )
        if not self.missing:
            return text
        named = [f'"{word}"' for word in self.missing[:SHOWN_MISSING]]
        if len(self.missing) > SHOWN_MISSING:
            named.append(f"{len(self.missing) - SHOWN_MISSING} other words")
        listed = named[0] if len(named) == 1 else f"{', '.join(named[:-1])} or {named[-1]}"
        return f"{text} No document has {listed}."


def partial_plan(plan: Plan, searcher: Any, complete: int) -> tuple[Plan, PartialMatch] | None:
    """The plan of an AND of bare words (and NOTs) matched partially, when only ``complete``
    documents hold every word: documents holding any of the words, by BM25 (which ranks those
    with more of the words, and the rarer ones, higher); None for another kind of query."""
    scoring = plan.scoring
    words, excluded = (scoring.a, scoring.b) if isinstance(scoring, wq.AndNot) else (scoring, None)
    if not isinstance(words, Words) or words.is_partial or len(words.words) < 2:
        return None
    if complete and len(words.words) < LONG_QUERY_WORDS:
        return None
    relaxed = words.with_min_match(PARTIAL_MIN_MATCH)
    missing = tuple(t.label for t in words.missing(searcher))
    partial = PartialMatch(len(words.words), complete, missing)
    scoring = relaxed if excluded is None else wq.AndNot(relaxed, excluded)
    notices = (*plan.notices, partial.notice())
    return dataclasses.replace(plan, scoring=scoring, notices=notices), partial


def _is_bare_word(node: Node) -> TypeGuard[Word]:
    """A word with no field that the index holds as one term (not "Jong-un", a phrase)."""
    return isinstance(node, Word) and node.field is None and len(text_terms(node.text)) == 1


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
    def __init__(
        self,
        reader: Any,
        budget: Budget,
        source: str,
        max_cost_us: float,
        said: SpokenRanges | None,
    ) -> None:
        self.drops_stop_words = True
        self.reader = reader
        self.budget = budget
        self.source = source
        self.max_cost_us = max_cost_us
        self.said = said
        self.cost = 0.0
        self.costliest = ("", 0.0)

    def compile(self, node: Node, *, negated: bool = False) -> wq.Query | None:
        """A Whoosh query for a tree of words; None when nothing searchable is in it.

        The bare words among a node's children become one ``Words`` query (all of them for
        AND, any for OR); stop words are left out of it unless ``negated``, or unless
        ``drops_stop_words`` is off (the whole query is stop words)."""
        if isinstance(node, And | Or):
            bare: list[Word] = []
            rest: list[wq.Query | None] = []
            for child in node.children:
                if self._is_bare_word(child):
                    bare.append(child)
                else:
                    rest.append(self.compile(child, negated=negated))
            words = self._words(bare, negated=negated, any=isinstance(node, Or))
            parts = [q for q in (words, *rest) if q is not None]
            if not parts:
                return None
            return _join(wq.And if isinstance(node, And) else wq.Or, parts)
        if isinstance(node, Not):
            inner = self.compile(node.child, negated=not negated)
            return wq.Not(inner) if inner is not None else None
        if isinstance(node, Filter | DateFilter):
            raise QueryError(
                f'In "{self.source}", a filter is joined to words by OR or inside NOT '
                "with them. Filters (kind:, speaker:, source:, tag:, date:) combine with words "
                "by AND only: put the filter outside the parentheses."
            )
        if self._is_bare_word(node):
            return self._words([node], negated=negated, any=False)
        return self._leaf(node)

    def _is_bare_word(self, node: Node) -> TypeGuard[Word]:
        """A word for the ``Words`` query over ``text`` and ``title``; under ``said:`` every
        word is a leaf instead, searched in the speakers' turns."""
        return self.said is None and _is_bare_word(node)

    def _words(self, words: list[Word], *, negated: bool, any: bool) -> Words | None:
        """One ``Words`` query for bare single-term words; repeated words count again."""
        if self.drops_stop_words and not negated:
            words = [word for word in words if not is_stop_word(word)]
        terms: dict[str, Term] = {}
        for word in words:
            (text,) = text_terms(word.text)
            found = terms.get(text)
            terms[text] = (
                Term(text, found.count + 1, found.label) if found else Term(text, 1, word.text)
            )
        if not terms:
            return None
        if len(terms) > MAX_CLAUSES:
            terms = self._most_selective(terms)
        for term in terms.values():
            self._charge(Word(term.label), self._word_cost(term.text))
        return Words(list(terms.values()), min_match=1 if any else None)

    def _word_cost(self, text: str) -> float:
        """Estimated microseconds to read a bare word's postings and score them."""
        postings = sum(self.reader.doc_frequency(f, text) for f in BODY_FIELDS)
        return US_PER_WORD + US_PER_WORD_POSTING * postings

    def _most_selective(self, terms: dict[str, Term]) -> dict[str, Term]:
        """The words held by fewest documents, in the query's order: ``MAX_CLAUSES`` of them,
        or fewer if they would take more than half the query's cost budget (a long plain-words
        query: the parser accepts no other kind past the limit)."""

        def selectivity(text: str) -> tuple[bool, int, str]:
            # Fewest documents first; but a word in none cannot help: last.
            df = sum(self.reader.doc_frequency(f, text) for f in BODY_FIELDS)
            return (df == 0, df, text)

        kept: set[str] = set()
        cost = self.cost
        for text in sorted(terms, key=selectivity)[:MAX_CLAUSES]:
            cost += self._word_cost(text)
            if kept and cost > self.max_cost_us / 2:  # leave room for the rest of the query
                break
            kept.add(text)
        self.budget.notices.append(
            f"The query has {len(terms):,} different words; searched the {len(kept)} most "
            "selective (those in fewest documents)."
        )
        return {text: term for text, term in terms.items() if text in kept}

    def _leaf(self, node: Word | Phrase | Prefix | Fuzzy) -> wq.Query | None:
        fields = (node.field,) if node.field else BODY_FIELDS
        said = self.said if node.field is None else None  # said: only scopes body words
        if isinstance(node, Word | Phrase):
            terms = text_terms(node.text)
            slop = node.slop if isinstance(node, Phrase) else 0
            if not terms:
                return None
            if said is not None:
                cost = self._phrase_cost(SAID_FIELD, terms, slop) if len(terms) > 1 else 0.0
                self._charge(node, cost or self._postings(SAID_FIELD, terms[0]))
                return SaidWords(terms, said, slop=slop + 1)
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
        pairs = [
            (f, stem) for f in ((SAID_FIELD,) if said is not None else fields) for stem in stems
        ]
        # A union of many terms costs more per posting: Whoosh merges them pairwise.
        depth = 1 + math.log2(len(pairs)) / 4
        self._charge(node, sum(self._postings(f, stem, depth) for f, stem in pairs))
        if said is not None:
            return _join(wq.Or, [SaidWords((stem,), said) for stem in stems])
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
        return sum(US_PER_TERM + US_PER_SLOP_POSTING * df for df, _ in freqs) + (
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
