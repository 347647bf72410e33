"""Building, rebuilding and catching up the index from a real store, in generations."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import multiprocessing
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.query import Every, Term

from corpus.ingestion import ingest
from corpus.model import DocumentDraft, PartialDate
from indexer import build
from indexer.build import (
    build_index,
    catch_up_index,
    index_status,
    record,
    update_index,
)
from indexer.errors import IndexBusy, IndexMissing
from indexer.generations import (
    current_generation,
    leftovers,
    new_generation,
    read_state,
    write_state,
)
from indexer.live import open_index
from indexer.lock import index_lock
from indexer.schema import SCHEMA_VERSION, WORD_RE, text_terms

# The written test corpus, file by file, so that fixtures added later leave these counts alone.
FILES = ("speeches.jsonl", "valdai-remarks.md", "tass-report.html", "analyst-notes.txt")
FORUM = "fixture-eastern-forum-2019"


@pytest.fixture
def corpus_store(empty_store: Any, corpus_dir: Path) -> Any:
    report = ingest([corpus_dir / name for name in FILES], empty_store)
    assert not report.failed, report.failed
    return empty_store


@pytest.fixture
def index_path(tmp_path: Path) -> Path:
    return tmp_path / "index"


def _draft(id: str, text: str, **fields: Any) -> DocumentDraft:
    """A draft whose id is given: it may be the next version of a test corpus document."""
    return DocumentDraft(
        id=id, text=text, kind="news", source="Fixture Desk", id_from="given", **fields
    )


def _ids(searcher: Any, query: Any, **kwargs: Any) -> list[str]:
    return [hit["id"] for hit in searcher.search(query, limit=None, **kwargs)]


def _generations(index_path: Path) -> list[str]:
    return sorted(p.name for p in index_path.glob("gen-*"))


def test_record_holds_the_fields_of_a_dated_document(corpus_store: Any) -> None:
    doc = corpus_store.get(FORUM)
    fields = record(doc)
    assert fields.pop("text") == doc.text
    words = fields.pop("words").split(" ")
    assert words[:6] == ["plenary", "session", "of", "the", "eastern", "economic"]
    assert len(words) == len(set(words))
    assert fields == {
        "id": FORUM,
        "version": 1,
        "seq": doc.seq,
        "kind": "forum",
        "title": "Plenary session of the Eastern Economic Forum",
        "date": dt.datetime(2019, 9, 5),
        "date_desc": build.date_desc_key(dt.date(2019, 9, 5)),
        "year": "2019",
        "speaker": "Vladimir Putin",
        "speaker_text": "Vladimir Putin",
        "source": "Fixture Forum Transcripts",
        "source_text": "Fixture Forum Transcripts",
        "language": "en",
        "tags": "countries:Russia,countries:North Korea,keywords:energy",
    }


def test_record_leaves_out_an_unknown_date_and_empty_fields(corpus_store: Any) -> None:
    fields = record(corpus_store.get("fixture-no-date"))
    assert sorted(fields) == [
        "id",
        "kind",
        "language",
        "seq",
        "source",
        "source_text",
        "text",
        "title",
        "version",
        "words",
    ]


def test_record_leaves_out_a_title_made_from_the_first_line(corpus_store: Any) -> None:
    doc = corpus_store.get("analyst-notes")  # a plain-text file: its title is its first line
    assert doc.is_title_derived and doc.title
    assert "title" not in record(doc)


def test_build_makes_a_generation_live_with_its_state(corpus_store: Any, index_path: Path) -> None:
    status = build_index(corpus_store, index_path, procs=1)
    (generation,) = _generations(index_path)
    assert (index_path / "CURRENT").read_text() == generation + "\n"
    assert status == build.IndexStatus(
        index_dir=str(index_path),
        exists=True,
        generation=generation,
        indexed_seq=7,
        store_seq=7,
        doc_count=7,
        store_count=7,
        schema_version_ok=True,
        is_current=True,
    )
    state = json.loads((index_path / generation / "state.json").read_text())
    assert (state["seq"], state["doc_count"], state["schema_version"]) == (7, 7, SCHEMA_VERSION)
    ix, live = open_index(index_path)
    assert live == generation
    with ix.searcher() as searcher:
        assert len(_ids(searcher, Every())) == 7
    files = os.listdir(index_path / generation)
    assert [name for name in files if name.endswith(".seg")] == []  # compound=False
    assert len([name for name in files if name.endswith(".trm")]) == 1


def test_build_of_an_empty_store_is_current(empty_store: Any, index_path: Path) -> None:
    status = build_index(empty_store, index_path)
    assert (status.is_current, status.doc_count, status.indexed_seq) == (True, 0, 0)


def test_rebuild_swaps_generations_while_an_open_searcher_keeps_answering(
    corpus_store: Any, index_path: Path
) -> None:
    build_index(corpus_store, index_path, procs=1)
    old_ix, old_generation = open_index(index_path)
    with old_ix.searcher() as old:
        corpus_store.put(_draft("fixture-new", "A railway link to Rajin.", date=None))
        new_generation = build_index(corpus_store, index_path, procs=1).generation or ""
        assert current_generation(index_path) == new_generation != old_generation
        assert _generations(index_path) == sorted([old_generation, new_generation])
        # The old searcher still reads postings, stored fields and (lazily opened) sort columns.
        assert _ids(old, Term("text", "rajin"), sortedby="date_desc") == [
            "fixture-news-pipeline-2018",
            "analyst-notes",
        ]
        assert len(_ids(old, Every(), sortedby="date")) == 7
    new_ix, _ = open_index(index_path)
    with new_ix.searcher() as new:
        assert sorted(_ids(new, Term("text", "rajin"))) == [
            "analyst-notes",
            "fixture-new",
            "fixture-news-pipeline-2018",
        ]


def test_third_build_deletes_the_oldest_generation_and_keeps_the_previous(
    corpus_store: Any, index_path: Path
) -> None:
    built = []
    for _ in range(3):
        build_index(corpus_store, index_path, procs=1)
        built.append(current_generation(index_path))
    assert _generations(index_path) == built[1:]


def test_update_replaces_a_changed_document_and_adds_a_new_one(
    corpus_store: Any, index_path: Path
) -> None:
    build_index(corpus_store, index_path, procs=1)
    generation = current_generation(index_path)
    forum = corpus_store.get(FORUM)
    corpus_store.put(
        dataclasses.replace(
            _draft(FORUM, "Putin spoke about tunnels.", speaker="Vladimir Putin"),
            kind="forum",
            title=forum.title,
        )
    )
    corpus_store.put(_draft("fixture-new", "A second zone of peace.", date=None))
    behind = index_status(corpus_store, index_path)
    assert (behind.indexed_seq, behind.store_seq, behind.is_current) == (7, 9, False)

    assert update_index(corpus_store, index_path) == 2

    assert current_generation(index_path) == generation
    status = index_status(corpus_store, index_path)
    assert (status.indexed_seq, status.doc_count, status.is_current) == (9, 8, True)
    ix, _ = open_index(index_path)
    with ix.searcher() as searcher:
        assert _ids(searcher, Term("id", FORUM)) == [FORUM]
        assert searcher.document(id=FORUM)["version"] == 2
        assert _ids(searcher, Term("text", "tunnel")) == [FORUM]
        assert _ids(searcher, Term("text", "vladivostok")) == []
        assert _ids(searcher, Term("words", "zone")) == ["fixture-new"]
        assert len(_ids(searcher, Every())) == 8


def test_update_with_nothing_new_changes_nothing(corpus_store: Any, index_path: Path) -> None:
    build_index(corpus_store, index_path, procs=1)
    state = read_state(index_path, current_generation(index_path) or "")
    assert update_index(corpus_store, index_path) == 0
    assert read_state(index_path, current_generation(index_path) or "") == state


def test_searcher_opened_before_an_update_keeps_answering(
    corpus_store: Any, index_path: Path
) -> None:
    build_index(corpus_store, index_path, procs=1)
    ix, _ = open_index(index_path)
    old = ix.searcher()
    # Five updates: with Whoosh's default merge policy the fifth merges away the first segment,
    # whose stored fields and columns the old searcher opens lazily.
    for n in range(5):
        corpus_store.put(_draft(f"fixture-extra-{n}", f"Extra note {n} on Rajin."))
        update_index(corpus_store, index_path)
    assert _ids(old, Term("text", "rajin"), sortedby="date") == [
        "fixture-news-pipeline-2018",
        "analyst-notes",
    ]
    assert not old.up_to_date()
    fresh = old.refresh()  # reuses the unchanged segments' readers, closes the old searcher
    assert len(_ids(fresh, Term("text", "rajin"), sortedby="date")) == 7
    fresh.close()


def test_updates_past_max_segments_merge_the_small_ones_in_a_new_generation(
    corpus_store: Any, index_path: Path
) -> None:
    build_index(corpus_store, index_path, procs=1)
    first = current_generation(index_path)
    for n in range(build.MAX_SEGMENTS - 1):
        corpus_store.put(_draft(f"fixture-extra-{n}", f"Extra note {n}."))
        update_index(corpus_store, index_path)
    assert current_generation(index_path) == first
    corpus_store.put(_draft("fixture-last", "The last extra note."))
    notes: list[str] = []

    def progress(done: int, total: int, note: str = "", *, share: float | None = None) -> None:
        notes.append(note)

    update_index(corpus_store, index_path, progress=progress)
    assert notes[-2:] == [build.WRITING, build.MERGING]  # the merge says it is under way
    assert current_generation(index_path) != first
    ix, _ = open_index(index_path)
    with ix.reader() as reader:
        # the build's segment (7 documents) stays, the updates' are merged into one
        assert [r.doc_count() for r, _ in reader.leaf_readers()] == [7, build.MAX_SEGMENTS]
        assert reader.doc_count() == 7 + build.MAX_SEGMENTS
    assert index_status(corpus_store, index_path).is_current


def test_documents_written_during_a_build_are_left_to_the_next_update(
    empty_store: Any, index_path: Path
) -> None:
    empty_store.put_many([_draft(f"doc-{n:03d}", f"Note number {n}.") for n in range(150)])

    def write_meanwhile(
        done: int, total: int, note: str = "", *, share: float | None = None
    ) -> None:
        if done == build.PROGRESS_EVERY:
            empty_store.put(_draft("doc-000", "Rewritten during the build."))
            empty_store.put(_draft("doc-new", "Added during the build."))

    status = build_index(empty_store, index_path, procs=1, progress=write_meanwhile)
    assert (status.indexed_seq, status.store_seq, status.doc_count) == (150, 152, 150)
    assert not status.is_current
    assert update_index(empty_store, index_path) == 2
    ix, _ = open_index(index_path)
    with ix.searcher() as searcher:
        assert _ids(searcher, Term("id", "doc-000")) == ["doc-000"]
        assert _ids(searcher, Term("text", "rewritten")) == ["doc-000"]
        assert searcher.doc_count() == 151
    assert index_status(empty_store, index_path).is_current


@pytest.mark.parametrize("procs", [1, 2])
def test_a_build_says_when_it_writes_its_files_after_the_last_count(
    empty_store: Any, index_path: Path, procs: int
) -> None:
    # After the last document the writers sort and write every posting: minutes at 60k
    # documents, with nothing to count, so the build says what it is doing.
    count = build.MIN_PARALLEL_DOCS + 50
    empty_store.put_many([_draft(f"doc-{n:04d}", f"Note {n}.") for n in range(count)])
    told: list[tuple[int, int, str]] = []

    def progress(done: int, total: int, note: str = "", *, share: float | None = None) -> None:
        told.append((done, total, note))

    build_index(empty_store, index_path, procs=procs, progress=progress)
    assert told[-2:] == [(count, count, ""), (count, count, build.WRITING)]
    assert all(note == "" for _, _, note in told[:-1])


def test_a_build_weighs_its_progress_by_the_share_of_the_text_done(
    empty_store: Any, index_path: Path
) -> None:
    # Documents come in no order of size. Here the short ones come first: by their count the
    # build would be half done when a hundredth of its text is.
    short = [_draft(f"doc-{n:03d}", f"Note {n}.") for n in range(build.PROGRESS_EVERY)]
    report = "Words of the long report. " * 200
    long = [_draft(f"doc-{n:03d}", f"Report {n}. {report}") for n in range(100, 200)]
    empty_store.put_many(short)
    empty_store.put_many(long)
    sizes = [len(draft.text) for draft in short + long]
    told: list[tuple[int, float | None]] = []

    def progress(done: int, total: int, note: str = "", *, share: float | None = None) -> None:
        told.append((done, share))

    build_index(empty_store, index_path, procs=1, progress=progress)
    assert told[0] == (100, pytest.approx(sum(sizes[:100]) / sum(sizes)))
    assert told[0][1] is not None and told[0][1] < 0.01
    assert told[-2:] == [(200, 1.0), (200, 1.0)]  # the last count, then writing the files


def test_failed_build_leaves_the_live_generation_untouched(
    corpus_store: Any, index_path: Path
) -> None:
    build_index(corpus_store, index_path, procs=1)
    live = current_generation(index_path)

    def interrupt(done: int, total: int, note: str = "", *, share: float | None = None) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build_index(corpus_store, index_path, procs=1, progress=interrupt)
    assert _generations(index_path) == [live]
    assert index_status(corpus_store, index_path).is_current


def test_failed_parallel_build_stops_its_writer_processes(
    empty_store: Any, index_path: Path
) -> None:
    empty_store.put_many(
        [_draft(f"doc-{n:05d}", f"Note {n}.") for n in range(build.MIN_PARALLEL_DOCS + 500)]
    )

    def interrupt(done: int, total: int, note: str = "", *, share: float | None = None) -> None:
        if done == 3 * build.PROGRESS_EVERY:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build_index(empty_store, index_path, procs=2, progress=interrupt)
    assert multiprocessing.active_children() == []
    assert _generations(index_path) == []
    assert index_status(empty_store, index_path).exists is False


def test_parallel_build_indexes_every_document_once(empty_store: Any, index_path: Path) -> None:
    count = build.MIN_PARALLEL_DOCS + 200
    words = ("peace", "pipeline", "sanctions", "railway", "summit")
    empty_store.put_many(
        [_draft(f"doc-{n:05d}", f"Note {n} on the {words[n % 5]} talks.") for n in range(count)]
    )
    status = build_index(empty_store, index_path, procs=2)
    assert (status.doc_count, status.is_current) == (count, True)
    ix, _ = open_index(index_path)
    with ix.searcher() as searcher:
        assert len(searcher.reader().leaf_readers()) >= 2  # one segment per writer process
        assert len(set(_ids(searcher, Every()))) == count
        (term,) = text_terms("sanctions")
        assert len(_ids(searcher, Term("text", term))) == count // 5


def test_status_of_a_missing_index(corpus_store: Any, index_path: Path) -> None:
    status = index_status(corpus_store, index_path)
    assert (status.exists, status.generation, status.indexed_seq, status.store_seq) == (
        False,
        None,
        0,
        7,
    )
    assert (status.schema_version_ok, status.is_current) == (False, False)


def test_open_index_without_an_index_says_how_to_build_one(index_path: Path) -> None:
    with pytest.raises(IndexMissing) as caught:
        open_index(index_path)
    assert str(caught.value) == (
        f'No index found at {index_path}. Run "dossier index --rebuild" to build it.'
    )


def _age_schema(index_path: Path) -> None:
    generation = current_generation(index_path) or ""
    state = read_state(index_path, generation)
    assert state is not None
    write_state(index_path, generation, dataclasses.replace(state, schema_version=0))


def test_an_index_of_another_schema_version_is_reported_and_not_opened(
    corpus_store: Any, index_path: Path
) -> None:
    build_index(corpus_store, index_path, procs=1)
    _age_schema(index_path)
    status = index_status(corpus_store, index_path)
    assert (status.exists, status.schema_version_ok, status.is_current) == (True, False, False)
    with pytest.raises(IndexMissing, match="schema version 0"):
        open_index(index_path)
    with pytest.raises(IndexMissing, match="dossier index --rebuild"):
        update_index(corpus_store, index_path)


def test_catching_up_builds_a_missing_index(corpus_store: Any, index_path: Path) -> None:
    update = catch_up_index(corpus_store, index_path, procs=1)
    assert update.after.is_current and update.is_rebuilt and not update.before.exists
    assert len(_generations(index_path)) == 1


def test_catching_up_leaves_a_missing_index_alone_when_asked(
    corpus_store: Any, index_path: Path
) -> None:
    update = catch_up_index(corpus_store, index_path, analysed=[FORUM], build_missing=False)
    assert (update.after.exists, update.records, update.is_rebuilt) == (False, 0, False)
    assert _generations(index_path) == []


def test_catching_up_indexes_new_writes_in_the_same_generation(
    corpus_store: Any, index_path: Path
) -> None:
    build_index(corpus_store, index_path, procs=1)
    generation = current_generation(index_path)
    corpus_store.put(_draft("fixture-new", "Fresh news."))
    update = catch_up_index(corpus_store, index_path, procs=1)
    status = update.after
    assert (status.is_current, status.generation, status.doc_count) == (True, generation, 8)
    assert (update.caught_up, update.records, update.is_rebuilt) == (1, 0, False)


def test_catching_up_replaces_the_records_of_analysed_documents_once(
    corpus_store: Any, index_path: Path
) -> None:
    build_index(corpus_store, index_path, procs=1)
    generation = current_generation(index_path)
    corpus_store.put(_draft("fixture-new", "Fresh news."))
    update = catch_up_index(corpus_store, index_path, analysed=[FORUM, "fixture-new"], procs=1)
    assert (update.records, update.caught_up) == (1, 1)  # the new one is indexed by the catch-up
    assert update.after.is_current and update.after.generation == generation


def test_catching_up_rebuilds_when_most_of_the_index_was_analysed_again(
    corpus_store: Any, index_path: Path
) -> None:
    build_index(corpus_store, index_path, procs=1)
    old = current_generation(index_path)
    many = [f"many-{n}" for n in range(build.MIN_PARALLEL_DOCS)]
    corpus_store.put_many([_draft(id, "Talks went on.") for id in many])
    catch_up_index(corpus_store, index_path, procs=1)
    update = catch_up_index(corpus_store, index_path, analysed=many, procs=1)
    assert update.is_rebuilt and update.after.generation != old and update.after.is_current


def test_catching_up_rebuilds_an_index_of_another_schema_version(
    corpus_store: Any, index_path: Path
) -> None:
    build_index(corpus_store, index_path, procs=1)
    old = current_generation(index_path)
    _age_schema(index_path)
    update = catch_up_index(corpus_store, index_path, procs=1)
    assert update.after.is_current and update.after.generation != old


def test_catching_up_rebuilds_an_index_of_another_store(
    corpus_store: Any, empty_store: Any, index_path: Path, tmp_path: Path
) -> None:
    from corpus.store import Store

    other = Store.open(f"sqlite:///{tmp_path / 'other.db'}")
    other.put_many([_draft(f"other-{n}", "Another collection.") for n in range(9)])
    build_index(other, index_path, procs=1)
    other.close()
    old = current_generation(index_path)
    status = catch_up_index(corpus_store, index_path, procs=1).after
    assert status.is_current and status.generation != old and status.doc_count == 7


def test_catching_up_leaves_a_current_index_alone_unless_asked_to_rebuild(
    corpus_store: Any, index_path: Path
) -> None:
    build_index(corpus_store, index_path, procs=1)
    generation = current_generation(index_path)
    state = read_state(index_path, generation or "")
    update = catch_up_index(corpus_store, index_path)
    assert update.after.generation == generation and not update.is_rebuilt
    assert read_state(index_path, generation or "") == state
    rebuilt = catch_up_index(corpus_store, index_path, rebuild=True, procs=1)
    assert rebuilt.is_rebuilt and rebuilt.after.generation != generation


def test_a_second_build_or_update_while_one_runs_raises_index_busy(
    corpus_store: Any, index_path: Path
) -> None:
    build_index(corpus_store, index_path, procs=1)
    with index_lock(index_path):
        with pytest.raises(IndexBusy, match=f"another process \\(pid {os.getpid()} since "):
            build_index(corpus_store, index_path, procs=1)
        with pytest.raises(IndexBusy, match="Wait for it to finish, then try again."):
            update_index(corpus_store, index_path)
    corpus_store.put(_draft("fixture-new", "Fresh news."))
    assert update_index(corpus_store, index_path) == 1


def test_what_an_interrupted_build_left_is_removed_by_the_next_update(
    corpus_store: Any, index_path: Path
) -> None:
    build_index(corpus_store, index_path, procs=1)
    previous = current_generation(index_path)
    build_index(corpus_store, index_path, procs=1)
    live = current_generation(index_path)
    abandoned = new_generation(index_path)  # as a build killed half-way leaves it
    (index_path / abandoned / "MAIN_x.seg").write_bytes(b"x" * 1000)
    (index_path / ".CURRENT.0badf00d.tmp").write_text("gen-")
    found = leftovers(index_path)
    assert [(f.name, f.size) for f in found] == [(abandoned, 1000), (".CURRENT.0badf00d.tmp", 4)]
    corpus_store.put(_draft("fixture-new", "Fresh news."))
    assert update_index(corpus_store, index_path) == 1
    assert leftovers(index_path) == []
    assert _generations(index_path) == sorted([previous or "", live or ""])


def test_record_uses_the_first_day_of_a_partial_date() -> None:
    from corpus.model import Document

    doc = Document(
        id="d", version=3, text="Talks.", date=PartialDate(dt.date(2013, 6, 1), "month"), seq=9
    )
    fields = record(doc)
    assert (fields["date"], fields["year"], fields["version"], fields["seq"]) == (
        dt.datetime(2013, 6, 1),
        "2013",
        3,
        9,
    )


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aBc ZÉé'’.İßΣς1_-\n")), max_size=60))
def test_surface_words_are_the_lowercased_distinct_words_in_order(text: str) -> None:
    expected = dict.fromkeys(w.lower() for w in WORD_RE.findall(text))
    assert list(build._surface_words(text)) == list(expected)
    ascii_only = text.encode("ascii", "ignore").decode()
    expected = dict.fromkeys(w.lower() for w in WORD_RE.findall(ascii_only))
    assert list(build._surface_words(ascii_only)) == list(expected)
