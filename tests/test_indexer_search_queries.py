"""From query text to hits on real indexes: random queries over a tiny vocabulary checked
against a brute-force evaluation of the texts, and the expansion limits reached on a crowded
vocabulary.

Each index is built as Dossier builds one: documents stored (SQLite), ``build_index``, then
``update_index`` for later batches and new versions (so earlier segments hold deleted records),
searched through ``SearchIndex.search``: the parser, the planner and the engine together.
"""

from __future__ import annotations

import contextlib
import itertools
import math
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from query_trees import corpora_of, deletions, texts_of

from corpus.model import DocumentDraft
from corpus.store import Store
from indexer.build import build_index, update_index
from indexer.errors import QueryTooComplex
from indexer.live import open_index
from indexer.schema import SURFACE_ANALYZER, text_terms
from indexer.search.engine import SearchIndex, SearchRequest
from indexer.search.plan import LONG_QUERY_WORDS, PARTIAL_BELOW, Plan, plan_query
from indexer.search.query import MAX_DEPTH
from indexer.search.stopwords import STOP_WORDS
from indexer.search.syntax import parse_query
from indexer.search.vocabulary import MAX_EXPANSIONS, MAX_FUZZY_WORDS

# Inflections share a stem (talk, talks, talked); "of" and "the" are stop words: in the
# index, but left out of bare words (indexer/search/stopwords.py).
WORDS = ["talk", "talks", "talked", "zone", "zones", "peace", "of", "the", "korea", "north"]
PREFIXES = ["ta", "tal", "talke", "zo", "pe", "ko", "no", "th", "of"]


@pytest.fixture(scope="module")
def empty_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, empty SQLite store to copy: migrating one per example would be slow."""
    path = tmp_path_factory.mktemp("template") / "dossier.db"
    Store.open(f"sqlite:///{path}").close()
    return path


@dataclass(frozen=True)
class Searchable:
    """A store, its index folder and a kept searcher on it."""

    store: Store
    index_dir: Path
    index: SearchIndex

    def found(self, query: str) -> tuple[int, list[str]]:
        """How many documents ``query`` finds, and their ids (sorted)."""
        request = SearchRequest(query, per_page=100, facets=False)
        result = self.index.search(request, self.store)
        return result.total, sorted(hit.id for hit in result.hits)

    def plan(self, query: str) -> Plan:
        """The plan of ``query``, with no limit on its estimated cost."""
        whoosh_index, _ = open_index(self.index_dir)
        with whoosh_index.reader() as reader:
            return plan_query(parse_query(query), reader, max_cost_us=math.inf)


@contextlib.contextmanager
def searchable(
    template: Path, batches: Sequence[Sequence[tuple[str, str]]], rewrites: dict[int, str]
) -> Iterator[Searchable]:
    """A store and an index of ``batches`` of (title, text) documents ``d0, d1, ...``: the
    first batch built, each later one and the ``rewrites`` (new texts) added by updates."""
    with tempfile.TemporaryDirectory(prefix="dossier-queries-") as tmp:
        shutil.copy(template, Path(tmp) / "dossier.db")
        store = Store.open(f"sqlite:///{Path(tmp) / 'dossier.db'}")
        index_dir = Path(tmp) / "index"
        number = itertools.count()
        for n, batch in enumerate(batches):
            store.put_many([_draft(f"d{next(number)}", t, x) for t, x in batch])
            if n == 0:
                build_index(store, index_dir, procs=1)
            else:
                update_index(store, index_dir, procs=1)
        titles = {f"d{n}": title for n, (title, _) in enumerate(itertools.chain(*batches))}
        new = [_draft(i, titles[i], text) for i, text in _ids(rewrites).items() if i in titles]
        if new:
            store.put_many(new)
            update_index(store, index_dir, procs=1)
        index = SearchIndex.open(index_dir, refresh_seconds=0)
        try:
            yield Searchable(store, index_dir, index)
        finally:
            index.close()
            store.close()


def _draft(doc_id: str, title: str, text: str) -> DocumentDraft:
    return DocumentDraft(text, doc_id, title=title, id_from="given")


def _ids(rewrites: dict[int, str]) -> dict[str, str]:
    return {f"d{n}": text for n, text in rewrites.items()}


# A query as a tree: ("word", w), ("phrase", words), ("prefix", p), ("not", child, dash),
# ("and", children, explicit_and), ("or", children), ("group", child) for redundant parentheses.
Tree = tuple[Any, ...]


def some(inner: st.SearchStrategy[Tree]) -> st.SearchStrategy[list[Tree]]:
    return st.lists(inner, min_size=2, max_size=3)


leaves = st.one_of(
    st.builds(lambda w: ("word", w), st.sampled_from(WORDS)),
    st.builds(lambda ws: ("phrase", tuple(ws)), st.lists(st.sampled_from(WORDS), max_size=3)),
    st.builds(lambda p: ("prefix", p), st.sampled_from(PREFIXES)),
).filter(lambda leaf: leaf[1] != ())
trees = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.builds(lambda child, dash: ("not", child, dash), inner, st.booleans()),
        st.builds(lambda cs, ex: ("and", tuple(cs), ex), some(inner), st.booleans()),
        st.builds(lambda cs: ("or", tuple(cs)), some(inner)),
        st.builds(lambda child: ("group", child), inner),
    ),
    max_leaves=6,
)  # fmt: skip


def render(tree: Tree, where: str = "top") -> str:
    """The query text of a tree, with only the parentheses precedence needs (OR binds tighter
    than the implicit AND; NOT takes one operand) plus the tree's own redundant ones."""
    kind = tree[0]
    if kind == "word":
        return str(tree[1])
    if kind == "phrase":
        return '"' + " ".join(tree[1]) + '"'
    if kind == "prefix":
        return f"{tree[1]}*"
    if kind == "group":
        return f"({render(tree[1])})"
    if kind == "not":
        return ("-" if tree[2] else "NOT ") + render(tree[1], "not")
    if kind == "or":
        text = " OR ".join(render(child, "or") for child in tree[1])
        return text if where in ("top", "and") else f"({text})"
    text = (" AND " if tree[2] else " ").join(render(child, "and") for child in tree[1])
    return text if where == "top" else f"({text})"


@dataclass(frozen=True)
class Texts:
    """What the reference evaluator knows of the documents: each one's terms per field, and
    the collection's surface words (what prefixes expand against)."""

    terms: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]
    vocabulary: frozenset[str]


def texts_of_documents(documents: dict[str, tuple[str, str]]) -> Texts:
    words = {
        t.text for title, text in documents.values() for t in SURFACE_ANALYZER(title + " " + text)
    }
    terms = {i: (text_terms(title), text_terms(text)) for i, (title, text) in documents.items()}
    return Texts(terms, frozenset(words))


def as_searched(tree: Tree) -> Tree | None:
    """The tree as searched: bare stop words left out where they are not negated, unless
    every word outside a NOT is one (then the tree is searched whole); None when nothing is
    left of it."""
    outside = list(_outside_not(tree))
    keeps = all(leaf[0] == "word" and leaf[1] in STOP_WORDS for leaf in outside)
    return tree if keeps else _without_stop_words(tree, negated=False)


def _outside_not(tree: Tree) -> Iterator[Tree]:
    if tree[0] in ("word", "phrase", "prefix"):
        yield tree
    elif tree[0] == "group":
        yield from _outside_not(tree[1])
    elif tree[0] in ("and", "or"):
        for child in tree[1]:
            yield from _outside_not(child)


def _without_stop_words(tree: Tree, *, negated: bool) -> Tree | None:
    kind = tree[0]
    if kind == "word":
        return None if tree[1] in STOP_WORDS and not negated else tree
    if kind in ("phrase", "prefix"):
        return tree
    if kind == "group":
        return _without_stop_words(tree[1], negated=negated)
    if kind == "not":
        child = _without_stop_words(tree[1], negated=not negated)
        return None if child is None else ("not", child, tree[2])
    kept = [c for c in (_without_stop_words(c, negated=negated) for c in tree[1]) if c]
    return None if not kept else (kind, tuple(kept), *tree[2:])


def found_by_engine(tree: Tree, texts: Texts) -> set[str]:
    """What a search finds: the documents the searched tree matches, or, for an AND of two or
    more words (and NOTs) that no document holds together (or fewer than ``PARTIAL_BELOW``,
    for ``LONG_QUERY_WORDS`` or more words), the documents holding any of the words."""
    kept = as_searched(tree)
    assert kept is not None
    strict = expected(kept, texts)
    children = list(_conjuncts(kept))
    words = {text_terms(c[1]) for c in children if c[0] == "word"}
    if len(words) < 2 or not all(c[0] in ("word", "not") for c in children):
        return strict
    if strict and (len(words) < LONG_QUERY_WORDS or len(strict) >= PARTIAL_BELOW):
        return strict
    held = set().union(*(expected(c, texts) for c in children if c[0] == "word"))
    return held.difference(*(expected(c[1], texts) for c in children if c[0] == "not"))


def _conjuncts(tree: Tree) -> Iterator[Tree]:
    """The parts of a top-level AND as the parser flattens it (groups and nested ANDs)."""
    if tree[0] == "group":
        yield from _conjuncts(tree[1])
    elif tree[0] == "and":
        for child in tree[1]:
            yield from _conjuncts(child)
    else:
        yield tree


def expected(tree: Tree, texts: Texts) -> set[str]:
    """The documents the tree matches, worked out on the texts: a word (any inflection) in the
    title or the text, a phrase's words in order in one of them, a prefix's words' stems."""
    kind, every = tree[0], set(texts.terms)
    if kind == "word":
        (term,) = text_terms(tree[1])
        return {i for i, fields in texts.terms.items() if any(term in f for f in fields)}
    if kind == "phrase":
        words = [t for w in tree[1] for t in text_terms(w)]
        return {i for i, fields in texts.terms.items() if any(_has(f, words) for f in fields)}
    if kind == "prefix":
        stems = {t for w in texts.vocabulary if w.startswith(tree[1]) for t in text_terms(w)}
        return {i for i, fields in texts.terms.items() if stems & {*fields[0], *fields[1]}}
    if kind == "group":
        return expected(tree[1], texts)
    if kind == "not":
        return every - expected(tree[1], texts)
    parts = [expected(child, texts) for child in tree[1]]
    return set.union(*parts) if kind == "or" else set.intersection(*parts)


def _has(terms: tuple[str, ...], phrase: list[str]) -> bool:
    return any(list(terms[n : n + len(phrase)]) == phrase for n in range(len(terms)))


def _depth(text: str) -> int:
    depth = deepest = 0
    for ch in text:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        deepest = max(deepest, depth)
    return deepest


queries = st.lists(trees.filter(lambda t: _depth(render(t)) <= MAX_DEPTH), min_size=1, max_size=8)
titles = st.lists(st.sampled_from(WORDS), max_size=3).map(" ".join)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    batches=corpora_of(titles, texts_of(WORDS, min_size=1)),
    rewritten=deletions,
    new_texts=st.lists(texts_of(WORDS, min_size=1), min_size=4, max_size=4),
    asked=queries,
)
def test_query_text_finds_what_a_brute_force_reading_of_the_texts_finds(
    empty_database: Path,
    batches: list[list[tuple[str, str]]],
    rewritten: list[int],
    new_texts: list[str],
    asked: list[Tree],
) -> None:
    rewrites = dict(zip(rewritten, new_texts, strict=False))
    documents = {f"d{n}": pair for n, pair in enumerate(itertools.chain(*batches))}
    for doc_id, text in _ids(rewrites).items():
        if doc_id in documents:
            documents[doc_id] = (documents[doc_id][0], text)
    texts = texts_of_documents(documents)
    with searchable(empty_database, batches, rewrites) as searched:
        for tree in asked:
            want = found_by_engine(tree, texts)
            assert searched.found(render(tree)) == (len(want), sorted(want)), render(tree)


def test_rendered_queries_keep_the_precedence_of_their_trees() -> None:
    a, b, c = ("word", "talk"), ("word", "zone"), ("word", "peace")
    assert render(("and", (a, ("or", (b, c))), False)) == "talk zone OR peace"
    assert render(("or", (a, ("and", (b, c), True)))) == "talk OR (zone AND peace)"
    assert render(("not", ("or", (a, b)), True)) == "-(talk OR zone)"
    assert render(("not", ("phrase", ("of", "the")), False)) == 'NOT "of the"'


# A crowded vocabulary: MAX_EXPANSIONS + 44 words in "co", each its own stem; the first ones in
# two documents, the last 44 (the least frequent) only in a third.
CO_WORDS = [f"co{a}{b}{c}{d}" for a, b, c, d in itertools.product("bdfgk", "aiou", "lmnrt", "aiu")]
PEACE_LIKE = [f"peac{x}" for x in "abdfghijklmnopqrtuvwxyz"] + [
    f"pea{x}e" for x in "abdfghijklmnopqrtuvwxyz"
]


@pytest.fixture(scope="module")
def crowded(empty_database: Path) -> Iterator[Searchable]:
    frequent, rare = CO_WORDS[:MAX_EXPANSIONS], CO_WORDS[MAX_EXPANSIONS:]
    batch = [
        ("frequent", " ".join(frequent)),
        ("frequent", " ".join(frequent)),
        ("rare", " ".join(rare)),
        ("project", "The project of peace. " + " ".join(PEACE_LIKE)),
    ]
    with searchable(empty_database, [batch], {}) as searched:
        yield searched


def test_a_prefix_of_as_many_words_as_the_budget_allows_is_answered_not_refused(
    crowded: Searchable,
) -> None:
    # The cost model once charged 3 ms a term: a prefix's full budget of words (a term each in
    # text and title) was refused for its estimate, so the budget could never be reached.
    assert len({text_terms(w) for w in CO_WORDS}) == MAX_EXPANSIONS + 44
    assert crowded.found("co*") == (2, ["d0", "d1"])  # the rare words' document is left out


def test_a_prefix_expands_to_at_most_the_budget_of_its_most_frequent_words(
    crowded: Searchable,
) -> None:
    plan = crowded.plan("co*")
    assert plan.notices == (
        f'"co*" matches {MAX_EXPANSIONS + 44} words; searched the {MAX_EXPANSIONS} most '
        "frequent. Type more letters to narrow it.",
    )
    assert plan.scoring is not None
    terms = {text for _, text in plan.scoring.iter_all_terms()}
    assert terms == {t for w in CO_WORDS[:MAX_EXPANSIONS] for t in text_terms(w)}
    # One budget for the whole query: "pr*" takes one word of it, "co*" the rest; the other
    # way round, nothing is left for "pr*".
    assert (
        crowded.plan("pr* OR co*")
        .notices[0]
        .startswith(
            f'"co*" matches {MAX_EXPANSIONS + 44} words; searched the {MAX_EXPANSIONS - 1} most'
        )
    )
    with pytest.raises(QueryTooComplex, match='"pr\\*" does not fit'):
        crowded.plan("co* OR pr*")


def test_a_fuzzy_word_stands_for_at_most_its_closest_words(crowded: Searchable) -> None:
    result = crowded.index.search(SearchRequest("peace~2"), crowded.store)
    assert [hit.id for hit in result.hits] == ["d3"]
    assert result.notices == (
        f'"peace~2" matches {len(PEACE_LIKE) + 1} words; searched the {MAX_FUZZY_WORDS} '
        "closest and most frequent.",
    )
