"""The document store on SQLite and on a real PostgreSQL server (the ``store_url`` fixture)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus import migrations
from corpus.entities import tables as entity_tables  # noqa: F401  (its tables join the metadata the migrations must build)
from corpus.errors import DocumentNotFound, InvalidDocument, StoreUnavailable
from corpus.migrations import VERSION_TABLE, head_revision
from corpus.model import Document, DocumentDraft, PartialDate
from corpus.store import PutOutcome, Store
from corpus.tables import metadata

REPO_DIR = Path(__file__).parent.parent


@pytest.fixture
def db(store_url: str) -> Iterator[Store]:
    with Store.open(store_url) as store:
        yield store


def draft(id: str = "doc-1", text: str = "The zone of peace.", **fields: Any) -> DocumentDraft:
    return DocumentDraft(text=text, id=id, **fields)


def demo_drafts(path: Path) -> list[DocumentDraft]:
    """Drafts straight from the demo JSONL (the ingest module does this for real)."""
    drafts: list[DocumentDraft] = []
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            date = None
            if row.get("date"):
                parts = [int(p) for p in row["date"].split("-")] + [1, 1]
                date = PartialDate(dt.date(*parts[:3]), row["date_precision"])
            drafts.append(
                DocumentDraft(
                    text=row["text"],
                    id=row["id"],
                    kind=row["kind"],
                    title=row.get("title") or "",
                    date=date,
                    speaker=row.get("speaker_or_author") or "",
                    source=row.get("source") or "",
                    url=row.get("url") or "",
                    language=row.get("language") or "en",
                    tags=tuple(row.get("tags") or ()),
                    licence=row.get("licence") or "",
                    origin=f"{path}:{len(drafts) + 1}",
                )
            )
    return drafts


def test_a_new_document_is_added_as_version_1_with_seq_1(db: Store) -> None:
    outcome = db.put(draft(kind="speech", title="Peace", origin="speeches.jsonl:3"))

    assert outcome.status == "added"
    doc = db.get("doc-1")
    assert (doc.id, doc.version, doc.seq, doc.is_current) == ("doc-1", 1, 1, True)
    assert (doc.kind, doc.title, doc.text) == ("speech", "Peace", "The zone of peace.")
    assert doc.content_hash == draft(kind="speech", title="Peace").content_hash()
    assert doc.extra == {"origin": "speeches.jsonl:3"}
    assert doc == outcome.document
    assert (db.count(), db.max_seq(), db.ids()) == (1, 1, ["doc-1"])


def test_putting_the_same_draft_again_changes_nothing(db: Store) -> None:
    first = db.put(draft())
    again = db.put(draft(origin="elsewhere.txt"))

    assert again == PutOutcome("unchanged", first.document)
    assert again.document.extra == {}  # the stored version's origin, not the new draft's
    assert db.max_seq() == 1
    assert [d.version for d in db.versions("doc-1")] == [1]


def test_a_changed_text_becomes_version_2_and_version_1_is_kept(db: Store) -> None:
    db.put(draft(text="First wording."))
    outcome = db.put(draft(text="Second wording."))

    assert outcome.status == "updated"
    assert (outcome.document.version, outcome.document.seq) == (2, 2)
    assert db.get("doc-1").text == "Second wording."
    old = db.get("doc-1", version=1)
    assert (old.text, old.version, old.seq, old.is_current) == ("First wording.", 1, 1, False)
    versions = db.versions("doc-1")
    assert [(d.version, d.text, d.is_current) for d in versions] == [
        (1, "First wording.", False),
        (2, "Second wording.", True),
    ]
    assert db.count() == 1


def test_a_metadata_change_alone_makes_a_new_version(db: Store) -> None:
    db.put(draft(title="Old title"))
    outcome = db.put(draft(title="New title"))

    assert outcome.status == "updated"
    assert db.get("doc-1").title == "New title"
    assert db.get("doc-1", 1).title == "Old title"


def test_seq_grows_by_one_per_written_document_and_never_for_unchanged(db: Store) -> None:
    outcomes = db.put_many([draft("a"), draft("b"), draft("c")])
    assert [o.document.seq for o in outcomes if isinstance(o, PutOutcome)] == [1, 2, 3]

    outcomes = db.put_many([draft("a"), draft("b", text="Changed."), draft("d")])

    assert [(o.status, o.document.seq) for o in outcomes if isinstance(o, PutOutcome)] == [
        ("unchanged", 1),
        ("updated", 4),
        ("added", 5),
    ]
    assert db.max_seq() == 5
    assert [(d.id, d.seq) for d in db.iter_documents()] == [("a", 1), ("c", 3), ("b", 4), ("d", 5)]


def test_repeated_ids_in_one_batch_are_applied_in_order(db: Store) -> None:
    outcomes = db.put_many([draft(text="One."), draft(text="Two."), draft(text="Two.")])

    assert [o.status for o in outcomes if isinstance(o, PutOutcome)] == [
        "added",
        "updated",
        "unchanged",
    ]
    assert [d.text for d in db.versions("doc-1")] == ["One.", "Two."]
    assert db.max_seq() == 2


def test_get_many_returns_current_versions_in_the_order_asked(db: Store) -> None:
    db.put_many([draft("a", "A1"), draft("b", "B1"), draft("c", "C1")])
    db.put(draft("b", "B2"))

    found = db.get_many(["c", "missing", "b", "a", "c"])

    assert [(d.id, d.text) for d in found.values()] == [("c", "C1"), ("b", "B2"), ("a", "A1")]
    assert list(found) == ["c", "b", "a"]
    assert db.get_many([]) == {}


def test_get_versions_returns_the_versions_asked_in_the_order_asked(db: Store) -> None:
    db.put_many([draft("a", "A one."), draft("b", "B one."), draft("a", "A two.")])

    found = db.get_versions([("a", 1), ("b", 1), ("a", 2), ("a", 3), ("c", 1), ("a", 1)])

    assert list(found) == [("a", 1), ("b", 1), ("a", 2)]
    assert [(d.text, d.is_current) for d in found.values()] == [
        ("A one.", False),
        ("B one.", True),
        ("A two.", True),
    ]
    many = [draft(f"doc-{n}", f"Text {n}.") for n in range(600)]  # more than one chunk
    db.put_many(many)
    assert len(db.get_versions((d.id or "", 1) for d in many)) == 600
    assert db.get_versions([]) == {}


def test_batches_larger_than_one_id_chunk_are_stored_and_read_back(db: Store) -> None:
    drafts = [draft(f"doc-{n:04d}", f"Text number {n}.") for n in range(1203)]

    outcomes = db.put_many(drafts)

    assert {o.status for o in outcomes if isinstance(o, PutOutcome)} == {"added"}
    assert db.count() == 1203
    found = db.get_many(d.id for d in drafts if d.id)
    assert [d.text for d in found.values()] == [d.text for d in drafts]
    assert {o.status for o in db.put_many(drafts) if isinstance(o, PutOutcome)} == {"unchanged"}
    assert [d.seq for d in db.iter_documents(since_seq=1200, batch=2)] == [1201, 1202, 1203]


def test_iter_documents_pages_through_writes_after_since_seq_in_seq_order(db: Store) -> None:
    db.put_many([draft(f"d{n}", f"Text {n}.") for n in range(1, 8)])  # seq 1..7
    db.put(draft("d2", "Text 2, revised."))  # seq 8

    everything = list(db.iter_documents(batch=3))
    later = list(db.iter_documents(since_seq=5, batch=2))

    assert [(d.id, d.seq) for d in everything] == [
        ("d1", 1), ("d3", 3), ("d4", 4), ("d5", 5), ("d6", 6), ("d7", 7), ("d2", 8),
    ]  # fmt: skip
    assert [(d.id, d.version) for d in later] == [("d6", 1), ("d7", 1), ("d2", 2)]
    assert list(db.iter_documents(since_seq=8)) == []


INVALID = [
    (draft(text=""), "has no text"),
    (draft(text=" \n\t "), "has no text"),
    (draft(kind="blog"), "unknown kind 'blog'"),
    (DocumentDraft(text="No id."), "has no id"),
    (draft(id="has space"), "unusable document id 'has space'"),
    (draft(id="a/b"), "unusable document id 'a/b'"),
    (draft(id="-leading"), "unusable document id '-leading'"),
    (draft(id="x" * 201), "unusable document id"),
    (draft(text="Nul \x00 here."), "text contains a NUL character at offset 4"),
    (draft(title="Broken \ud800 title"), "title has an unpaired surrogate at offset 7"),
    (draft(tags=("ok", "bad\x00tag")), "tags contains a NUL character"),
]


@pytest.mark.parametrize(("bad", "message"), INVALID)
def test_an_invalid_draft_is_reported_and_the_rest_of_the_batch_is_stored(
    db: Store, bad: DocumentDraft, message: str
) -> None:
    bad = dataclasses.replace(bad, origin="batch.jsonl:2")

    outcomes = db.put_many([draft("before"), bad, draft("after")])

    assert isinstance(outcomes[1], InvalidDocument)
    assert message in str(outcomes[1])
    assert str(outcomes[1]).startswith("batch.jsonl:2: ")
    assert [o.status for o in (outcomes[0], outcomes[2]) if isinstance(o, PutOutcome)] == [
        "added",
        "added",
    ]
    assert db.ids() == ["after", "before"]
    with pytest.raises(InvalidDocument, match="batch.jsonl:2"):
        db.put(bad)


def test_a_batch_of_only_invalid_drafts_writes_nothing(db: Store) -> None:
    outcomes = db.put_many([draft(text=""), draft(kind="memo")])

    assert [type(o) for o in outcomes] == [InvalidDocument, InvalidDocument]
    assert (db.count(), db.max_seq()) == (0, 0)


def test_unknown_ids_and_versions_raise_document_not_found(db: Store) -> None:
    db.put_many([draft(text="One."), draft(text="Two.")])

    with pytest.raises(DocumentNotFound, match="No document with id 'nope'"):
        db.get("nope")
    with pytest.raises(DocumentNotFound, match="'doc-1' has no version 3: its versions are 1 to 2"):
        db.get("doc-1", version=3)
    with pytest.raises(DocumentNotFound, match="'nope'"):
        db.versions("nope")


AWKWARD_TEXT = (
    "\ufeffBOM first.\r\nWindows line.\rOld Mac line.\nUnix line.\u2028Line separator.\n"
    "Astral: \U0001f600\U0001d11e\U00020000 and e\u0301 (combining) vs \u00e9.\t Tabs \x0b\x0c "
    "zero\u200bwidth, right-to-left \u05e9\u05dc\u05d5\u05dd.  \n\n  "
)


def test_text_round_trips_exactly_so_offsets_hold(store_url: str) -> None:
    with Store.open(store_url) as store:
        store.put(draft(text=AWKWARD_TEXT))
    with Store.open(store_url) as store:
        doc = store.get("doc-1")

    assert doc.text == AWKWARD_TEXT
    assert len(doc.text) == len(AWKWARD_TEXT)
    start = AWKWARD_TEXT.index("\U0001f600")
    assert doc.text[start : start + 3] == "\U0001f600\U0001d11e\U00020000"
    assert doc.text[start + 3 :] == AWKWARD_TEXT[start + 3 :]


def test_newlines_are_not_normalised_so_crlf_and_lf_are_different_versions(db: Store) -> None:
    db.put(draft(text="Line one.\r\nLine two."))
    outcome = db.put(draft(text="Line one.\nLine two."))

    assert outcome.status == "updated"
    assert [d.text for d in db.versions("doc-1")] == [
        "Line one.\r\nLine two.",
        "Line one.\nLine two.",
    ]


STORABLE = st.characters(codec="utf-8", exclude_characters="\x00")  # all but NUL, surrogates


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],  # one store, fresh id per example
)
@given(
    text=st.text(STORABLE, min_size=1).filter(str.strip),
    title=st.text(STORABLE),
)
def test_any_valid_unicode_round_trips_exactly(db: Store, text: str, title: str) -> None:
    id = f"doc-{db.max_seq() + 1}"
    db.put(draft(id, text, title=title, tags=(title,)))

    doc = db.get(id)

    assert (doc.text, len(doc.text), doc.title, doc.tags) == (text, len(text), title, (title,))


@pytest.mark.parametrize(
    "date",
    [
        None,
        PartialDate(dt.date(1985, 1, 1), "year"),
        PartialDate(dt.date(2013, 6, 1), "month"),
        PartialDate(dt.date(2013, 6, 17), "day"),
    ],
)
def test_partial_dates_round_trip_with_their_precision(db: Store, date: PartialDate | None) -> None:
    db.put(draft(date=date))

    assert db.get("doc-1").date == date


def test_all_metadata_round_trips(db: Store) -> None:
    original = draft(
        kind="news",
        title="Заявление МИД — «мир»",
        date=PartialDate(dt.date(2017, 4, 1), "month"),
        speaker="Сергей Лавров",
        source="mid.ru",
        url="https://example.org/a?b=c&d=é",
        language="ru",
        tags=("countries:Россия", "keywords:peace", "keywords:peace"),
        licence="CC BY 4.0",
    )
    db.put(original)

    doc = db.get("doc-1")

    fields = ("kind", "title", "date", "speaker", "source", "url", "language", "tags", "licence")
    assert {f: getattr(doc, f) for f in fields} == {f: getattr(original, f) for f in fields}
    assert doc.ingested_at is not None and doc.ingested_at.utcoffset() == dt.timedelta(0)


def test_a_derived_title_is_stored_as_derived(db: Store) -> None:
    db.put(draft("given", title="Remarks on the zone"))
    db.put(draft("derived", title="The zone of peace.", is_title_derived=True))
    assert not db.get("given").is_title_derived
    assert db.get("derived").is_title_derived
    assert db.get_many(["derived"])["derived"].is_title_derived


def test_upgrading_a_database_marks_titles_equal_to_the_first_line_as_derived(
    store_url: str,
) -> None:
    with Store.open(store_url) as db:
        text = "The zone of peace.\n\nMore text."
        db.put(draft("first-line", text=text, title="The zone of peace."))
        db.put(draft("given", text=text, title="Remarks"))
        db.put(draft("untitled", text=text, title=""))
        with db.engine.begin() as conn:  # back to the schema before migration 0006
            command.downgrade(migrations.MIGRATIONS.config(conn), "0005")
    with Store.open(store_url) as db:  # opening migrates to head again
        derived = {id: db.get(id).is_title_derived for id in ("first-line", "given", "untitled")}
    assert derived == {"first-line": True, "given": False, "untitled": False}


def test_migration_builds_the_schema_the_tables_describe(store_url: str) -> None:
    with Store.open(store_url) as store, store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
        assert compare_metadata(context, metadata) == []
        assert context.get_current_revision() == head_revision()


def test_reopening_keeps_the_data_and_does_not_migrate_twice(store_url: str) -> None:
    with Store.open(store_url) as store:
        store.put(draft())
    with Store.open(store_url) as store, store.engine.connect() as conn:
        revisions = conn.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")).all()
        counters = conn.execute(sa.text("SELECT name, value FROM store_state")).all()
        assert [tuple(r) for r in revisions] == [(head_revision(),)]
        assert {name: value for name, value in counters}["seq"] == 1
        assert store.get("doc-1").text == "The zone of peace."


def test_a_database_from_a_newer_dossier_is_refused_with_advice(store_url: str) -> None:
    with Store.open(store_url) as store, store.engine.begin() as conn:
        conn.execute(sa.text(f"UPDATE {VERSION_TABLE} SET version_num = '9999'"))

    with pytest.raises(StoreUnavailable, match="upgrade Dossier"):
        Store.open(store_url)


def test_two_stores_writing_at_once_lose_and_duplicate_nothing(store_url: str) -> None:
    ids = [f"doc-{n}" for n in range(40)]
    errors: list[BaseException] = []
    outcomes: list[Any] = []

    def write(writer: str) -> None:
        try:
            with Store.open(store_url) as store:
                for round in range(5):
                    batch = [draft(i, f"{i} by {writer}, round {round}.") for i in ids]
                    outcomes.extend(store.put_many(batch[round:] + batch[:round]))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(name,)) for name in ("alice", "bob")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    written = [o.document for o in outcomes if o.status != "unchanged"]
    assert len(written) == 2 * 5 * len(ids)  # every write changes the text
    with Store.open(store_url) as store:
        assert store.max_seq() == len(written)
        assert sorted(d.seq for d in written) == list(range(1, len(written) + 1))
        stored: list[Document] = []
        for i in ids:
            versions = store.versions(i)
            assert [d.version for d in versions] == list(range(1, 11))
            stored.extend(versions)
        assert sorted((d.id, d.version, d.text) for d in stored) == sorted(
            (d.id, d.version, d.text) for d in written
        )
        assert [d.seq for d in store.iter_documents()] == sorted(
            max(d.seq for d in written if d.id == i) for i in ids
        )


WRITER_SCRIPT = """
import sys
from corpus.model import DocumentDraft
from corpus.store import Store

url, name = sys.argv[1:]
with Store.open(url) as store:
    for round in range(10):
        store.put_many([DocumentDraft(text=f"{n} {name} {round}", id=f"d{n}") for n in range(20)])
"""


def test_two_processes_migrating_and_writing_at_once_lose_nothing(store_url: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO_DIR)}
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER_SCRIPT, store_url, name], env=env)
        for name in ("alice", "bob")
    ]

    assert [w.wait(timeout=120) for w in writers] == [0, 0]
    with Store.open(store_url) as store:
        assert store.ids() == sorted(f"d{n}" for n in range(20))
        versions = [store.versions(i) for i in store.ids()]
        assert {tuple(d.version for d in vs) for vs in versions} == {tuple(range(1, 21))}
        seqs = sorted(d.seq for vs in versions for d in vs)
        assert seqs == list(range(1, 401))
        assert store.max_seq() == 400


def test_the_demo_collection_is_stored_and_read_back_exactly(
    db: Store, shared_data_dir: Path
) -> None:
    drafts = demo_drafts(shared_data_dir / "demo" / "demo.jsonl")

    outcomes = db.put_many(drafts)

    assert [o.status for o in outcomes if isinstance(o, PutOutcome)] == ["added"] * 362
    stored = {d.id: d for d in db.iter_documents(batch=100)}
    assert len(stored) == 362
    assert all(stored[str(d.id)].text == d.text for d in drafts)
    assert all(stored[str(d.id)].date == d.date for d in drafts)
    assert {o.status for o in db.put_many(drafts) if isinstance(o, PutOutcome)} == {"unchanged"}


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    with Store.open(f"sqlite:///{tmp_path / 'd.db'}") as store, store.engine.connect() as conn:
        pragmas = [
            conn.exec_driver_sql(f"PRAGMA {p}").scalar() for p in ("journal_mode", "foreign_keys")
        ]
        assert pragmas == ["wal", 1]


def test_opening_a_new_sqlite_database_waits_for_another_process_creating_it(
    tmp_path: Path,
) -> None:
    """Switching a new file to WAL needs it alone, and SQLite does not wait for that by itself."""
    path = tmp_path / "dossier.db"
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process in its first write, before WAL
    other.execute("CREATE TABLE elsewhere (x)")
    opened: list[Store | BaseException] = []

    def open_store() -> None:
        try:
            opened.append(Store.open(f"sqlite:///{path}"))
        except BaseException as exc:
            opened.append(exc)

    opener = threading.Thread(target=open_store)
    opener.start()
    time.sleep(0.2)  # the opener meets the lock (when slower, it finds the file free)
    other.execute("COMMIT")
    other.close()
    opener.join()

    (store,) = opened
    assert isinstance(store, Store), store
    with store, store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert store.max_seq() == 0


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("sqlite:////nonexistent-folder/sub/dossier.db", "Cannot open the database"),
        ("nosuchdb://somewhere/x", "Cannot use the database URL 'nosuchdb://somewhere/x'"),
        ("postgresql://nobody@127.0.0.1:1/none", "Cannot open the database"),
    ],
)
def test_an_unusable_database_raises_store_unavailable(url: str, message: str) -> None:
    with pytest.raises(StoreUnavailable, match=message):
        Store.open(url)


@pytest.mark.postgres
def test_a_plain_postgresql_url_uses_the_psycopg_driver(postgres_server: Any) -> None:
    url = postgres_server.create_database().replace("postgresql+psycopg://", "postgresql://")

    with Store.open(url) as store:
        assert store.engine.dialect.driver == "psycopg"
        assert store.url == url.replace("postgresql://", "postgresql+psycopg://")
        assert store.put(draft()).status == "added"


@pytest.mark.postgres
def test_a_postgresql_database_that_is_not_utf8_is_refused(postgres_server: Any) -> None:
    url = postgres_server.create_database(encoding="LATIN1")

    with pytest.raises(StoreUnavailable, match="uses the LATIN1 encoding; Dossier needs UTF8"):
        Store.open(url)
