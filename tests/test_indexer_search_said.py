"""``said:`` — words inside a speaker's turns (stage directions left out): on the invented
transcripts, and against a brute-force reading of 250 real Kremlin documents (../shared/data)."""

from __future__ import annotations

import gzip
import random
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from corpus import ingest
from corpus.entities import corrections
from corpus.entities.dialogue import speaker_ref, turns
from corpus.entities.directions import spoken, stage_directions
from corpus.entities.store import EntityStore
from corpus.store import Store
from indexer.build import build_index
from indexer.entities.extraction import analyse_documents
from indexer.errors import QueryError
from indexer.schema import text_terms
from indexer.search.engine import SearchIndex, SearchRequest
from indexer.search.matching import analyse_text
from indexer.search.said import speaker_matches

TRANSCRIPTS = Path(__file__).parent / "data-transcripts"
PRESS = "fixture-press-conference"
WHITE_HOUSE = "fixture-white-house"


def _indexed(store: Store, paths: list[Path], index_dir: Path) -> tuple[SearchIndex, str]:
    assert not ingest(paths, store).failed
    es = EntityStore(store)
    putin = corrections.add_entity(es, "Vladimir Putin", "PERSON", aliases=["President Putin"])
    analyse_documents(store, es, recogniser=None, procs=1)
    build_index(store, index_dir, procs=1)
    assert putin.entity is not None
    return SearchIndex.open(index_dir, refresh_seconds=0), putin.entity.id


@pytest.fixture
def small(empty_store: Store, tmp_path: Path) -> Iterator[tuple[SearchIndex, Store, str]]:
    index, putin = _indexed(empty_store, [TRANSCRIPTS], tmp_path / "index")
    yield index, empty_store, putin
    index.close()


def _ids(index: SearchIndex, store: Store, query: str, **request: Any) -> list[str]:
    found: list[str] = []
    page = 1
    while True:
        result = index.search(SearchRequest(query, page=page, per_page=100, **request), store)
        found.extend(h.id for h in result.hits)
        if len(found) >= result.total:
            return sorted(found)
        page += 1


def test_said_finds_words_only_in_that_speakers_turns(small: Any) -> None:
    index, store, putin = small
    assert _ids(index, store, '"Far East"') == [PRESS]
    assert _ids(index, store, 'said:putin "Far East"') == [PRESS]
    assert _ids(index, store, 'said:"Vladimir Putin" roads') == [PRESS]
    assert _ids(index, store, f"said:{putin} pipeline") == []  # the question's word, not his
    assert _ids(index, store, 'said:peskov "Far East"') == []
    assert _ids(index, store, "said:~person:dmitry_peskov question") == [PRESS]
    assert _ids(index, store, "said:lavrov patience") == ["fixture-qa-interview"]  # "A:"
    assert _ids(index, store, '"President Putin"') == []
    assert _ids(index, store, 'said:"President Putin" bridge') == []  # an alias names him
    assert _ids(index, store, 'said:"President Putin" roads') == [PRESS]


def test_said_alone_finds_where_a_speaker_speaks_and_phrases_stay_in_one_turn(
    small: Any,
) -> None:
    index, store, _ = small
    assert _ids(index, store, "said:putin") == [PRESS]
    assert _ids(index, store, "said:bush") == ["fixture-white-house"]
    assert _ids(index, store, 'said:putin "speeches we are"') == []  # across two turns
    assert _ids(index, store, "said:putin OR said:peskov") == [PRESS]
    assert _ids(index, store, "", said=("~person:dmitry_peskov",)) == [PRESS]


def test_said_prefixes_fuzzy_words_slop_and_date_order(small: Any) -> None:
    index, store, _ = small
    assert _ids(index, store, "said:putin road*") == [PRESS]
    assert _ids(index, store, "said:putin pipelin*") == []  # the question's word
    assert _ids(index, store, "said:putin raods~1") == [PRESS]
    assert _ids(index, store, 'said:putin "needs speeches"~3') == [PRESS]
    assert _ids(index, store, 'said:putin "roads needs"~3') == []  # not in that order
    for sort in ("date", "-date"):
        assert _ids(index, store, 'said:putin "Far East"', sort=sort) == [PRESS]
        assert _ids(index, store, "said:putin pipeline", sort=sort) == []


def test_snippets_come_from_the_speakers_turns(small: Any) -> None:
    index, store, _ = small
    (hit,) = index.search(SearchRequest("said:peskov question"), store).hits
    assert [s.text[sp.start : sp.end] for s in hit.snippets for sp in s.spans] == ["question"]
    assert "one last question" in hit.snippets[0].text
    (alone,) = index.search(SearchRequest("said:peskov"), store).hits
    assert alone.snippets[0].text.startswith("Colleagues, one last question")


def test_the_speakers_facet_counts_turns(small: Any) -> None:
    index, store, putin = small
    result = index.search(SearchRequest("said:putin OR said:peskov"), store)
    assert dict(result.facets["said"]) == {putin: 3, "~person:dmitry_peskov": 2}
    assert result.entity_names[putin] == "Vladimir Putin"
    assert result.entity_names["~person:dmitry_peskov"] == "Dmitry Peskov"


def test_stage_directions_are_not_the_speakers_words(small: Any) -> None:
    index, store, _ = small
    assert _ids(index, store, "applause") == [WHITE_HOUSE]  # still in the text
    assert _ids(index, store, "said:bush applause") == []  # "(Applause.)" is not his
    assert _ids(index, store, "said:bush seated") == [WHITE_HOUSE]
    (hit,) = index.search(SearchRequest("said:bush seated"), store).hits
    assert [s.text[sp.start : sp.end] for s in hit.snippets for sp in s.spans] == ["seated"]


def test_said_that_names_no_one_matches_nothing_and_says_so(small: Any) -> None:
    index, store, _ = small
    result = index.search(SearchRequest("said:nobody roads"), store)
    assert result.total == 0
    assert result.notices[-1].startswith('No speaker in the index is called "nobody".')
    assert "speaker:nobody finds documents by that speaker" in result.notices[-1]
    named = index.search(SearchRequest('said:"Ronald Reagan" roads'), store)
    assert 'speaker:"Ronald Reagan" finds documents' in named.notices[-1]


def test_said_of_a_registry_person_who_takes_no_turn_says_so(small: Any) -> None:
    index, store, _ = small
    corrections.add_entity(EntityStore(store), "Angela Merkel", "PERSON")
    result = index.search(SearchRequest('said:"Angela Merkel" roads'), store)
    assert result.total == 0
    assert result.notices == (
        '"Angela Merkel" names Angela Merkel, who takes no turn in the indexed documents.',
    )


@pytest.mark.parametrize(
    "query", ["said:putin OR roads", "roads -said:putin", "(said:putin roads) OR x"]
)
def test_said_inside_or_or_not_with_words_is_refused(small: Any, query: str) -> None:
    index, store, _ = small
    with pytest.raises(QueryError, match="combines by AND only"):
        index.search(SearchRequest(query), store)


# -- against a brute-force reading of real transcripts -----------------------------------------

# (speaker, words, how): the words as a phrase, each anywhere in the speaker's words ("and"),
# or in order within 3 positions of each other in one part of a turn ("near").
QUERIES = [
    ("putin", ["far", "east"], "phrase"),
    ("putin", ["sanction"], "phrase"),
    ("putin", ["united", "state"], "phrase"),
    ("putin", ["gas"], "phrase"),
    ("peskov", ["question"], "phrase"),
    ("medvedev", ["government"], "phrase"),
    ("putin", ["of", "the", "world"], "phrase"),
    ("putin", [], "phrase"),
    ("putin", ["laughter"], "phrase"),  # in his words, not only in "(Laughter.)" inside his turns
    ("putin", ["economy", "sanctions"], "and"),
    ("putin", ["gas", "price", "europe"], "and"),
    ("medvedev", ["president", "thank"], "and"),
    ("putin", ["russia", "economy"], "near"),
    ("putin", ["thank", "much"], "near"),
]


@pytest.fixture(scope="module")
def kremlin(
    shared_data_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[SearchIndex, Store]]:
    """250 Kremlin documents (200 with turns), analysed with a registry of one and indexed."""
    folder = tmp_path_factory.mktemp("kremlin")
    sample = folder / "sample.jsonl"
    with gzip.open(shared_data_dir / "bench" / "kremlin.jsonl.gz", "rt", encoding="utf-8") as f:
        lines = [line for line in f]
    spoken = [ln for ln in lines if '"Vladimir Putin:' in ln or "\\n\\nVladimir Putin:" in ln][:200]
    others = [ln for ln in lines[:400] if ln not in spoken][:50]
    sample.write_text("".join(spoken + others), encoding="utf-8")
    store = Store.open(f"sqlite:///{folder / 'dossier.db'}")
    index, _ = _indexed(store, [sample], folder / "index")
    yield index, store
    index.close()
    store.close()


@pytest.mark.parametrize(("speaker", "words", "how"), QUERIES)
def test_said_finds_exactly_the_documents_a_brute_force_reading_finds(
    kremlin: tuple[SearchIndex, Store], speaker: str, words: list[str], how: str
) -> None:
    index, store = kremlin
    es = EntityStore(store)
    expected = []
    for document in store.iter_documents():
        spoken_turns = turns(es, document.id)
        directions = stage_directions(document.text, spoken_turns)
        said = [
            analyse_text(words_said)
            for t in spoken_turns
            if speaker_matches(speaker, speaker_ref(t), t.speaker)
            for part in spoken(t.body, directions)
            if (words_said := document.text[part.start : part.end].strip())
        ]
        stems = [[token.stem for token in body] for body in said]
        if _said(stems, [text_terms(w)[0] for w in words], how):
            expected.append(document.id)
    found = _ids(index, store, f"said:{speaker} {_query(words, how)}")
    assert found == sorted(expected)
    assert found, "the sample should hold some"


@pytest.mark.parametrize("limit", [3, 20, 1_000])
def test_the_speakers_facet_counts_every_turn_of_the_documents_given(
    kremlin: tuple[SearchIndex, Store], limit: int
) -> None:
    """Counted with numpy over the whole matching set: the same as adding up each document's
    turns one by one, most turns first, ties by ref."""
    index, _ = kremlin
    table = index._speaker_table()
    size = index._searcher.reader().doc_count_all()
    rng = random.Random(limit)
    for docs in ([], list(range(size)), rng.sample(range(size), 40), [n for n in table.by_doc][:3]):
        counts: Counter[str] = Counter()
        for n in docs:
            for ref, turn_count in table.by_doc.get(n, ()):
                counts[ref] += turn_count
        expected = sorted(
            ((r, c) for r, c in counts.items() if c > 0), key=lambda rc: (-rc[1], rc[0])
        )
        assert table.facet(docs, limit) == tuple(expected[:limit])
    assert len(table.facet(range(size), 1_000)) > 20  # enough speakers for ties and the limit


def _query(words: list[str], how: str) -> str:
    if not words or how == "and":
        return " ".join(words)
    return f'"{" ".join(words)}"' + ("~3" if how == "near" else "")


def _said(parts: list[list[str]], wanted: list[str], how: str) -> bool:
    """Whether the speaker's words (the stems of each part of their turns) hold ``wanted``."""
    if not wanted:
        return bool(parts)
    if how == "and":
        return all(any(w in stems for stems in parts) for w in wanted)
    gap = 4 if how == "near" else 1
    return any(_in_order(stems, wanted, gap) for stems in parts)


def _in_order(stems: list[str], wanted: list[str], gap: int) -> bool:
    """Some chain of the words in order, each at most ``gap`` positions after the last."""
    ends = {i for i, s in enumerate(stems) if s == wanted[0]}
    for word in wanted[1:]:
        ends = {i for i, s in enumerate(stems) if s == word and any(0 < i - e <= gap for e in ends)}
    return bool(ends)


# -- a speaker whose turns hold only stage directions --------------------------------------------

AUDIENCE = """---
id: fixture-audience
title: Opening of the ports forum
kind: forum
date: 2021-06-02
source: Fixture Forum Transcripts
---
Anna Ivanova: Good evening, colleagues. We open the forum on ports.

Pavel Orlov: (Applause.)

Anna Ivanova: Thank you. The ports come first, then the railways.

Pavel Orlov: (Laughs.)
"""


@pytest.fixture
def audience(empty_store: Store, tmp_path: Path) -> Iterator[tuple[SearchIndex, Store]]:
    (tmp_path / "forum.md").write_text(AUDIENCE, encoding="utf-8")
    index, _ = _indexed(empty_store, [tmp_path / "forum.md"], tmp_path / "index")
    yield index, empty_store
    index.close()


def test_a_speaker_of_stage_directions_only_is_named_and_said_nothing(audience: Any) -> None:
    index, store = audience
    asked = [
        ("said:orlov", "orlov"),
        ("said:orlov applause", "orlov"),
        ('said:"Pavel Orlov" ports', "Pavel Orlov"),
    ]
    for query, value in asked:
        result = index.search(SearchRequest(query), store)
        assert result.total == 0, query
        assert result.notices == (
            f'"{value}" names Pavel Orlov, whose turns hold only stage directions such as '
            '"(Applause.)": no words of theirs to search.',
        )
    assert _ids(index, store, "said:anna ports") == ["fixture-audience"]
    assert _ids(index, store, "applause") == ["fixture-audience"]  # still in the text


def test_the_speakers_facet_leaves_out_a_speaker_who_said_no_words(audience: Any) -> None:
    index, store = audience
    result = index.search(SearchRequest("ports"), store)
    assert dict(result.facets["said"]) == {"~person:anna_ivanova": 2}
