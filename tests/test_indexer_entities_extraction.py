"""The entity analysis step and re-indexing after corrections, on a real store and index.

Most tests use the registry and the rules only (``recogniser=None``), whose output is exact by
construction; tests of the statistical model use the small model trained during the run.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from corpus.entities import tables as entity_tables
from corpus.entities.analyses import mentions, unanalysed
from corpus.entities.corrections import add_alias, add_entity, merge
from corpus.entities.store import EntityStore
from corpus.entities.tagging import suppress, tag
from corpus.ingestion import ingest
from corpus.model import DocumentDraft, Span
from indexer.build import MAX_SEGMENTS, build_index
from indexer.entities import extraction
from indexer.entities.analysis import ANALYSIS_VERSION
from indexer.entities.extraction import (
    MIN_PARALLEL_DOCS,
    analyse_documents,
    load_recogniser,
    model_path,
    reindex_documents,
)
from indexer.generations import current_generation
from indexer.live import open_index
from indexer.search.engine import SearchIndex, SearchRequest

FORUM = "fixture-eastern-forum-2019"
CORPUS_IDS = [
    "analyst-notes",
    "fixture-eastern-forum-2019",
    "fixture-news-pipeline-2018",
    "fixture-no-date",
    "fixture-un-statement-2017",
    "fixture-valdai-2017",
    "tass-report",
]


@pytest.fixture
def entity_store(store: Any) -> EntityStore:
    return EntityStore(store)


@pytest.fixture
def ids(entity_store: EntityStore) -> dict[str, str]:
    """A small registry; entity ids by name."""
    names = {
        "Vladimir Putin": ("PERSON", ["Putin"]),
        "Pyongyang": ("LOCATION", []),
        "North Korea": ("LOCATION", ["DPRK"]),
        "Democratic People's Republic of Korea": ("LOCATION", []),
        "NATO": ("ORGANIZATION", []),
        "Russia": ("LOCATION", []),
    }
    found = {}
    for name, (type, aliases) in names.items():
        entity = add_entity(entity_store, name, type, aliases=aliases).entity
        assert entity is not None
        found[name] = entity.id
    return found


@pytest.fixture
def search(store: Any, tmp_path: Path) -> Callable[..., list[str]]:
    """Run a query on the current index: the ids of every hit, sorted."""

    def run(query: str = "", **filters: Any) -> list[str]:
        index = SearchIndex.open(tmp_path / "index", refresh_seconds=0)
        try:
            result = index.search(SearchRequest(query, per_page=100, **filters), store)
        finally:
            index.close()
        return sorted(hit.id for hit in result.hits)

    return run


def _facets(store: Any, tmp_path: Path) -> dict[str, tuple[tuple[str, int], ...]]:
    index = SearchIndex.open(tmp_path / "index", refresh_seconds=0)
    try:
        return index.search(
            SearchRequest("", kinds=("speech", "forum", "news", "other")), store
        ).facets
    finally:
        index.close()


def _found(entity_store: EntityStore, document_id: str) -> list[tuple[str, str, str]]:
    return [(m.text, m.type, m.source) for m in mentions(entity_store, document_id)]


def test_analysis_stores_the_mentions_of_every_version_not_analysed_yet(
    store: Any, entity_store: EntityStore, ids: dict[str, str]
) -> None:
    report = analyse_documents(store, entity_store, recogniser=None, procs=1)
    assert sorted(report.document_ids) == CORPUS_IDS
    assert (report.has_model, report.procs) == (False, 1)
    assert unanalysed(entity_store) == []
    assert _found(entity_store, FORUM) == [
        ("Vladimir Putin", "PERSON", "registry"),
        ("Russia", "LOCATION", "registry"),
        ("North Korea", "LOCATION", "registry"),
        ("Putin", "PERSON", "registry"),
        ("Pyongyang", "LOCATION", "registry"),
    ]
    assert _found(entity_store, "fixture-no-date") == [("2009", "DATE", "rule")]
    assert report.mentions == 17
    assert report.linked == 14
    again = analyse_documents(store, entity_store, recogniser=None, procs=1)
    assert again.document_ids == ()


def test_analysis_of_given_documents_redoes_only_those(
    store: Any, entity_store: EntityStore, ids: dict[str, str]
) -> None:
    report = analyse_documents(store, entity_store, [FORUM, "no-such-id"], recogniser=None)
    assert report.document_ids == (FORUM,)
    assert sorted(d for d, _ in unanalysed(entity_store)) == sorted(set(CORPUS_IDS) - {FORUM})


def test_two_worker_processes_store_what_one_process_does(empty_store: Any) -> None:
    entity_store = EntityStore(empty_store)
    add_entity(entity_store, "Pyongyang", "LOCATION")
    lines = [
        f"Delegation {n} flew to Pyongyang on {n % 28 + 1} March 2019 with $1 billion in aid."
        for n in range(MIN_PARALLEL_DOCS + 8)
    ]
    empty_store.put_many([DocumentDraft(text, id=f"doc-{n}") for n, text in enumerate(lines)])
    parallel = analyse_documents(empty_store, entity_store, recogniser=None, procs=2)
    assert parallel.procs == 2
    by_two = {d: _found(entity_store, d) for d in parallel.document_ids}
    serial = analyse_documents(
        empty_store, entity_store, empty_store.ids(), recogniser=None, procs=1
    )
    assert serial.procs == 1
    assert {d: _found(entity_store, d) for d in serial.document_ids} == by_two
    assert by_two["doc-3"] == [
        ("Pyongyang", "LOCATION", "registry"),
        ("4 March 2019", "DATE", "rule"),
        ("$1 billion", "MONEY", "rule"),
    ]


def test_analysis_says_what_share_of_the_text_is_done(empty_store: Any) -> None:
    # Short documents first: by their count the analysis would be two thirds done when a
    # hundredth of its text is.
    report = "A long report from Pyongyang. " * 300
    texts = [f"Note {n}." for n in range(extraction.BATCH)] + [f"{n}. {report}" for n in range(8)]
    empty_store.put_many([DocumentDraft(text, id=f"doc-{n:02d}") for n, text in enumerate(texts)])
    sizes = {f"doc-{n:02d}": len(text) for n, text in enumerate(texts)}
    told: list[tuple[int, int, float | None]] = []

    def progress(done: int, total: int, note: str = "", *, share: float | None = None) -> None:
        told.append((done, total, share))

    found = analyse_documents(
        empty_store, EntityStore(empty_store), recogniser=None, procs=1, progress=progress
    )
    done_first = sum(sizes[d] for d in found.document_ids[: extraction.BATCH])
    assert told[0] == (extraction.BATCH, 24, pytest.approx(done_first / sum(sizes.values())))
    assert told[0][2] is not None and told[0][2] < 0.01
    assert told[-1] == (24, 24, 1.0)


@pytest.mark.parametrize("procs", [1, 2])
def test_a_document_whose_analysis_fails_is_named_and_the_rest_are_stored(
    empty_store: Any, monkeypatch: pytest.MonkeyPatch, procs: int
) -> None:
    entity_store = EntityStore(empty_store)
    add_entity(entity_store, "Pyongyang", "LOCATION")
    texts = [f"Delegation {n} flew to Pyongyang." for n in range(MIN_PARALLEL_DOCS + 8)]
    empty_store.put_many([DocumentDraft(text, id=f"doc-{n}") for n, text in enumerate(texts)])
    real = extraction.analyse_document

    def failing_on_doc_3(document: Any, *args: Any, **kwargs: Any) -> Any:
        if document.id == "doc-3":
            raise RecursionError("maximum recursion depth exceeded")
        return real(document, *args, **kwargs)

    monkeypatch.setattr(extraction, "analyse_document", failing_on_doc_3)  # forked workers too
    report = analyse_documents(empty_store, entity_store, recogniser=None, procs=procs)

    assert report.procs == procs
    assert report.failed == (("doc-3", "RecursionError: maximum recursion depth exceeded"),)
    assert len(report.document_ids) == len(texts) - 1 and "doc-3" not in report.document_ids
    assert _found(entity_store, "doc-4") == [("Pyongyang", "LOCATION", "registry")]
    assert [d for d, _ in unanalysed(entity_store)] == ["doc-3"]  # a later run tries again
    monkeypatch.setattr(extraction, "analyse_document", real)  # the cause is gone
    again = analyse_documents(empty_store, entity_store, recogniser=None, procs=1)
    assert (again.document_ids, again.failed) == (("doc-3",), ())


def test_an_analysis_by_an_older_version_is_done_again(
    store: Any, entity_store: EntityStore, ids: dict[str, str]
) -> None:
    analyse_documents(store, entity_store, recogniser=None, procs=1)
    with entity_store.connect(write=True) as conn:  # as if stored by the version before
        conn.execute(
            entity_tables.entity_analyses.update()
            .where(entity_tables.entity_analyses.c.document_id == FORUM)
            .values(analysis_version=ANALYSIS_VERSION - 1)
        )
    assert unanalysed(entity_store, analysis_version=ANALYSIS_VERSION) == [(FORUM, 1)]
    again = analyse_documents(store, entity_store, recogniser=None, procs=1)
    assert again.document_ids == (FORUM,)
    assert unanalysed(entity_store, analysis_version=ANALYSIS_VERSION) == []


def test_the_trained_model_finds_people_places_and_nationalities(
    store: Any, entity_store: EntityStore, trained_recogniser: Any
) -> None:
    report = analyse_documents(store, entity_store, recogniser=trained_recogniser, procs=1)
    assert report.has_model
    found = set(_found(entity_store, FORUM))
    assert {("Vladimir Putin", "PERSON", "model"), ("Vladivostok", "LOCATION", "model")} <= found
    # "Pyongyang needs security guarantees": a capital standing for its government, which GMB
    # tags either way; the small test model says ORGANIZATION, the full one LOCATION.
    assert {(text, source) for text, _, source in found} >= {("Pyongyang", "model")}


@pytest.mark.parametrize(
    "text",
    [
        "\u2014 \u2026 \u201c \u201d !!! ???",  # nothing to find (the store refuses empty text)
        "putin met kim in pyongyang and they talked about sanctions " * 40,  # no punctuation
        "Владимир Путин встретился с Ким Чен Ыном в Пхеньяне. Переговоры длились три часа.",
        "習近平主席は北京で演説した。" * 200,
    ],
    ids=["no-words", "no-punctuation", "russian", "japanese"],
)
def test_analysis_of_awkward_text_completes_with_valid_spans(
    empty_store: Any, trained_recogniser: Any, text: str
) -> None:
    entity_store = EntityStore(empty_store)
    add_entity(entity_store, "Pyongyang", "LOCATION")
    empty_store.put(DocumentDraft(text, id="awkward"))
    report = analyse_documents(empty_store, entity_store, recogniser=trained_recogniser)
    assert report.document_ids == ("awkward",)
    for m in mentions(entity_store, "awkward"):
        assert text[m.span.start : m.span.end] == m.text and m.text.strip()


def test_a_two_megabyte_line_is_analysed_with_the_registry_and_rules(empty_store: Any) -> None:
    """(The model on such a line: tests/test_indexer_recogniser.py.)"""
    entity_store = EntityStore(empty_store)
    putin = add_entity(entity_store, "Vladimir Putin", "PERSON").entity
    assert putin is not None
    sentence = "Vladimir Putin met officials in Vladivostok and spoke about the railway "
    repeats = 2_000_000 // len(sentence) + 1
    empty_store.put(DocumentDraft(sentence * repeats, id="long-line"))
    analyse_documents(empty_store, entity_store, recogniser=None)
    found = mentions(entity_store, "long-line")
    assert sum(1 for m in found if m.entity_id == putin.id) == repeats
    assert all(m.span.end <= len(sentence) * repeats for m in found)


def test_load_recogniser_is_none_without_a_model(tmp_path: Path, trained_recogniser: Any) -> None:
    assert load_recogniser(tmp_path / "models") is None
    trained_recogniser.save(model_path(tmp_path / "models"))
    loaded = load_recogniser(tmp_path / "models")
    assert loaded is not None and loaded.header == trained_recogniser.header


# -- re-indexing after corrections ----------------------------------------------------------


@pytest.fixture
def indexed(store: Any, entity_store: EntityStore, ids: dict[str, str], tmp_path: Path) -> None:
    """The test corpus analysed with the registry and the rules, then indexed."""
    analyse_documents(store, entity_store, recogniser=None, procs=1)
    build_index(store, tmp_path / "index", procs=1)


def test_facets_count_the_entities_of_the_matching_documents(
    store: Any, ids: dict[str, str], indexed: None, tmp_path: Path
) -> None:
    facets = _facets(store, tmp_path)
    assert facets["place"] == (
        (ids["Russia"], 4),
        (ids["Pyongyang"], 3),
        (ids["North Korea"], 2),
        (ids["Democratic People's Republic of Korea"], 1),
    )
    assert facets["person"] == ((ids["Vladimir Putin"], 1),)
    assert facets["org"] == ((ids["NATO"], 1),)
    assert facets["nationality"] == ()  # present, with no values: the same keys every time


def test_suppressing_a_name_reindexes_exactly_the_documents_that_mention_it(
    store: Any,
    entity_store: EntityStore,
    ids: dict[str, str],
    indexed: None,
    search: Callable[..., list[str]],
    tmp_path: Path,
) -> None:
    russia = ids["Russia"]
    mentioning = ["analyst-notes", FORUM, "fixture-un-statement-2017", "tass-report"]
    assert search(f"entity:{russia}") == mentioning
    result = suppress(entity_store, "Russia", "LOCATION")
    assert sorted(result.affected) == mentioning
    report = reindex_documents(store, entity_store, tmp_path / "index", result.affected, None)
    assert sorted(report.analysis.document_ids) == mentioning
    assert (report.indexed, report.is_rebuilt) == (4, False)
    assert search(f"entity:{russia}") == []
    assert russia not in dict(_facets(store, tmp_path)["place"])
    assert search("org:NATO") == ["fixture-news-pipeline-2018"]


def test_an_added_alias_finds_the_entity_in_the_documents_that_use_it(
    store: Any,
    entity_store: EntityStore,
    ids: dict[str, str],
    indexed: None,
    search: Callable[..., list[str]],
    tmp_path: Path,
) -> None:
    result = add_alias(entity_store, ids["Russia"], "Moscow")
    assert result.affected == {"fixture-no-date"}
    reindex_documents(store, entity_store, tmp_path / "index", result.affected, None)
    assert "fixture-no-date" in search(f"entity:{ids['Russia']}")
    assert dict(_facets(store, tmp_path)["place"])[ids["Russia"]] == 5


def test_a_merge_moves_hits_and_facet_counts_and_the_old_id_still_finds_them(
    store: Any,
    entity_store: EntityStore,
    ids: dict[str, str],
    indexed: None,
    search: Callable[..., list[str]],
    tmp_path: Path,
) -> None:
    old, north = ids["Democratic People's Republic of Korea"], ids["North Korea"]
    result = merge(entity_store, old, north)
    assert result.affected == {"fixture-un-statement-2017"}
    report = reindex_documents(store, entity_store, tmp_path / "index", result.affected, None)
    assert report.indexed == 1
    expected = ["analyst-notes", FORUM, "fixture-un-statement-2017"]
    assert search(f"entity:{north}") == expected
    assert search(f"entity:{old}") == expected
    assert search("", entities=(old,)) == expected
    place = dict(_facets(store, tmp_path)["place"])
    assert (place[north], old in place) == (3, False)


def test_everything_reanalyses_every_document_and_rebuilds_the_index(
    store: Any, entity_store: EntityStore, ids: dict[str, str], indexed: None, tmp_path: Path
) -> None:
    report = reindex_documents(store, entity_store, tmp_path / "index", None, None)
    assert sorted(report.analysis.document_ids) == CORPUS_IDS
    assert (report.is_rebuilt, report.indexed) == (True, 7)


def test_reindexing_without_an_index_only_stores_the_mentions(
    store: Any, entity_store: EntityStore, ids: dict[str, str], tmp_path: Path
) -> None:
    report = reindex_documents(store, entity_store, tmp_path / "none", [FORUM], None)
    assert (report.has_index, report.indexed, report.analysis.document_ids) == (False, 0, (FORUM,))


def test_an_analysts_tag_survives_a_new_version_of_the_document(
    store: Any,
    entity_store: EntityStore,
    ids: dict[str, str],
    indexed: None,
    search: Callable[..., list[str]],
    corpus_dir: Path,
    tmp_path: Path,
) -> None:
    valdai = store.get("fixture-valdai-2017")
    start = valdai.text.index("Asia-Pacific")
    result = tag(entity_store, valdai.id, Span(start, start + len("Asia-Pacific")), type="LOCATION")
    reindex_documents(store, entity_store, tmp_path / "index", result.affected, None)
    assert search('place:"Asia-Pacific"') == [valdai.id]

    source = tmp_path / "valdai-remarks.md"
    text = (corpus_dir / "valdai-remarks.md").read_text(encoding="utf-8")
    head, _, body = text.rpartition("---\n")  # after the front matter
    source.write_text(
        f"{head}---\nA new opening paragraph, added later.\n\n{body}", encoding="utf-8"
    )
    assert ingest([source], store).updated == (valdai.id,)
    report = analyse_documents(store, entity_store, recogniser=None)
    assert report.document_ids == (valdai.id,)
    new = store.get(valdai.id)
    moved = new.text.index("Asia-Pacific")
    assert moved > start
    assert [(m.span, m.type, m.source) for m in mentions(entity_store, valdai.id)] == [
        (Span(moved, moved + len("Asia-Pacific")), "LOCATION", "analyst")
    ]
    (found,) = entity_store.tags(valdai.id)
    assert (found.located, found.located_version, found.is_orphaned) == (
        Span(moved, moved + len("Asia-Pacific")),
        new.version,
        False,
    )
    shutil.rmtree(tmp_path / "index")
    build_index(store, tmp_path / "index", procs=1)
    assert search('place:"Asia-Pacific"') == [valdai.id]


def test_many_corrections_compact_the_index_instead_of_rebuilding_it(
    store: Any,
    entity_store: EntityStore,
    ids: dict[str, str],
    indexed: None,
    search: Callable[..., list[str]],
    tmp_path: Path,
) -> None:
    index_dir = tmp_path / "index"
    old_searcher = SearchIndex.open(index_dir)
    first = current_generation(index_dir)
    for _ in range(MAX_SEGMENTS):  # the last update leaves one segment too many
        reindex_documents(store, entity_store, index_dir, [FORUM], None)
    assert current_generation(index_dir) != first
    ix, _ = open_index(index_dir)
    with ix.reader() as reader:  # the build's segment, and the updates' merged into one
        assert [(r.doc_count(), r.doc_count_all()) for r, _ in reader.leaf_readers()] == [
            (6, 7),
            (1, 1),
        ]
    assert search(f"entity:{ids['Vladimir Putin']}") == [FORUM]
    kept = old_searcher.search(SearchRequest("place:Russia", per_page=10), store)
    assert sorted(hit.id for hit in kept.hits) == [
        "analyst-notes",
        FORUM,
        "fixture-un-statement-2017",
        "tass-report",
    ]
    old_searcher.close()
