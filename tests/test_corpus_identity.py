"""Document identity: a new version only ever comes from the same source, on SQLite and
PostgreSQL (the ``store_url`` fixture), through ``ingest`` and through ``Store.put_many``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from corpus.drafts import text_id, url_id
from corpus.errors import IdConflict
from corpus.identity import folder_file_id
from corpus.ingestion import ingest
from corpus.model import DocumentDraft
from corpus.readers import ReadFailure
from corpus.store import PutOutcome, Store

FIX = (
    "If it is the same document, ingest it again with --replace; if not, give it an id of its "
    'own (front matter "id:" or a JSONL "id").'
)


@pytest.fixture
def db(store_url: str) -> Iterator[Store]:
    with Store.open(store_url) as store:
        yield store


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


def jsonl(path: Path, *rows: dict[str, str]) -> Path:
    return write(path, "".join(json.dumps(row) + "\n" for row in rows))


def texts(db: Store, doc_id: str) -> list[str]:
    return [v.text for v in db.versions(doc_id)]


def test_a_file_named_like_another_folders_file_is_never_stored_as_its_new_version(
    db: Store, tmp_path: Path
) -> None:
    arctic = write(tmp_path / "a" / "report.md", "The Arctic shipping report.")
    tariffs = write(tmp_path / "b" / "report.md", "An unrelated report on steel tariffs.")

    first = ingest([arctic], db)
    second = ingest([tariffs], db)

    assert (first.added, second.updated, second.failed) == (("report",), (), ())
    assert second.added == (folder_file_id(tariffs),)
    assert texts(db, "report") == ["The Arctic shipping report."]
    assert texts(db, folder_file_id(tariffs)) == ["An unrelated report on steel tariffs."]


def test_each_of_two_same_named_files_keeps_its_own_id_and_versions(
    db: Store, tmp_path: Path
) -> None:
    arctic = write(tmp_path / "a" / "report.md", "The Arctic shipping report.")
    tariffs = write(tmp_path / "b" / "report.md", "An unrelated report on steel tariffs.")
    other = folder_file_id(tariffs)
    assert ingest([tmp_path], db).added == ("report", other)  # one run: a/ comes first

    write(arctic, "The Arctic shipping report, revised.")
    write(tariffs, "An unrelated report on steel tariffs, revised.")
    assert ingest([tariffs, arctic], db).updated == (other, "report")

    assert texts(db, "report")[-1] == "The Arctic shipping report, revised."
    assert texts(db, other)[-1] == "An unrelated report on steel tariffs, revised."
    assert other.startswith("report-") and len(other) == len("report-") + 6


def test_a_file_is_recognised_from_any_working_folder(
    db: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "a" / "report.md", "The Arctic shipping report.")
    monkeypatch.chdir(tmp_path)
    ingest([Path("a/report.md")], db)
    write(tmp_path / "a" / "report.md", "The Arctic shipping report, revised.")
    monkeypatch.chdir(tmp_path / "a")

    report = ingest([Path("report.md")], db)

    assert (report.updated, report.added) == (("report",), ())
    assert db.get("report").extra == {"origin": str(tmp_path.resolve() / "a" / "report.md")}


def test_replace_takes_another_file_as_the_next_version(db: Store, tmp_path: Path) -> None:
    ingest([write(tmp_path / "a" / "report.md", "The first draft.")], db)
    moved = write(tmp_path / "b" / "report.md", "The first draft, moved and revised.")

    report = ingest([moved], db, replace=True)

    assert report.updated == ("report",)
    assert texts(db, "report") == ["The first draft.", "The first draft, moved and revised."]
    assert db.get("report").extra == {"origin": str(moved)}


def test_a_given_id_continues_its_document_from_any_file(db: Store, tmp_path: Path) -> None:
    ingest([write(tmp_path / "a" / "x.md", "---\nid: arctic-2019\n---\nFirst wording.")], db)
    later = jsonl(tmp_path / "dump.jsonl", {"id": "arctic-2019", "text": "Second wording."})

    assert ingest([later], db).updated == ("arctic-2019",)
    assert texts(db, "arctic-2019") == ["First wording.", "Second wording."]


def test_a_given_id_never_takes_over_an_id_derived_from_another_file(
    db: Store, tmp_path: Path
) -> None:
    ingest([write(tmp_path / "a" / "report.md", "The Arctic shipping report.")], db)
    dump = jsonl(tmp_path / "dump.jsonl", {"id": "report", "text": "Someone else's report."})

    report = ingest([dump], db)

    assert report.failed == (
        ReadFailure(
            f"{dump}:1",
            f'id "report" was derived from {tmp_path / "a" / "report.md"} (version 1), another '
            "source; a given id does not take over such a document, so this was not stored as "
            "its version 2. If it is the same document, ingest it again with --replace; if not, "
            "give it another id.",
        ),
    )
    assert texts(db, "report") == ["The Arctic shipping report."]


def test_put_many_refuses_another_sources_draft_and_stores_the_rest(db: Store) -> None:
    db.put(DocumentDraft("The Arctic shipping report.", "report", origin="/a/report.md"))
    tariffs = DocumentDraft("Steel tariffs.", "report", origin="/b/report.md", id_from="file")

    outcomes = db.put_many([tariffs, DocumentDraft("Another.", "other", origin="/b/other.md")])

    assert isinstance(outcomes[0], IdConflict)
    assert str(outcomes[0]) == (
        '/b/report.md: id "report" belongs to /a/report.md (version 1), another source; this '
        f"was not stored as its version 2. {FIX}"
    )
    assert isinstance(outcomes[1], PutOutcome) and outcomes[1].status == "added"
    assert texts(db, "report") == ["The Arctic shipping report."]
    with pytest.raises(IdConflict):
        db.put(tariffs)
    assert db.put(tariffs, replace=True).document.version == 2


def test_the_same_source_and_unchanged_content_are_never_refused(db: Store) -> None:
    db.put(DocumentDraft("One.", "report", origin="/a/report.md"))
    assert db.put(DocumentDraft("One.", "report", origin="/b/report.md")).status == "unchanged"
    assert db.put(DocumentDraft("Two.", "report", origin="/a/./report.md")).status == "updated"
    assert db.put(DocumentDraft("Three.", "untold")).status == "added"  # no origin twice
    assert db.put(DocumentDraft("Four.", "untold")).status == "updated"


def test_a_jsonl_line_with_a_url_is_known_by_it_on_any_line_of_its_file(
    db: Store, tmp_path: Path
) -> None:
    url = "https://www.example.org/forum/2019?day=2"
    dump = jsonl(tmp_path / "dump.jsonl", {"url": url, "text": "First wording."})
    ingest([dump], db)
    jsonl(dump, {"text": "Unrelated."}, {"url": url, "text": "Second wording."})

    report = ingest([dump], db)

    assert url_id(url).startswith("example-org-forum-2019-")
    assert report.updated == (url_id(url),)
    assert texts(db, url_id(url)) == ["First wording.", "Second wording."]
    assert (report.ids_from_url, report.ids_from_text) == (1, 1)


def test_one_url_in_two_files_is_not_one_source(db: Store, tmp_path: Path) -> None:
    doi = "https://doi.org/10.7910/DVN/0TJX8Y"  # a dataset's url, given for each of its lines
    russia = jsonl(tmp_path / "russia.jsonl", {"url": doi, "text": "Russia's statement."})
    china = jsonl(tmp_path / "china.jsonl", {"url": doi, "text": "China's statement."})
    ingest([russia], db)

    (failure,) = ingest([china], db).failed

    assert failure.origin == f"{china}:1"
    assert failure.reason == (
        f'id "{url_id(doi)}" belongs to {russia}:1 (url {doi}, version 1), another source; '
        f"this was not stored as its version 2. {FIX}"
    )
    assert texts(db, url_id(doi)) == ["Russia's statement."]


def test_lines_that_share_a_url_are_known_by_their_texts(db: Store, tmp_path: Path) -> None:
    doi = "https://doi.org/10.7910/DVN/0TJX8Y"
    rows = [{"url": doi, "text": f"Statement {n}."} for n in range(3)]
    dump = jsonl(tmp_path / "ungdc.jsonl", {"id": "given", "url": doi, "text": "Given."}, *rows)

    report = ingest([dump], db)

    assert report.added == ("given", *(text_id(f"Statement {n}.") for n in range(3)))
    assert (report.ids_from_url, report.ids_from_text, report.failed) == (0, 3, ())


def test_a_jsonl_line_without_id_or_url_is_known_by_its_text_only(
    db: Store, tmp_path: Path
) -> None:
    dump = jsonl(tmp_path / "dump.jsonl", {"title": "Briefing", "text": "First wording."})
    ingest([dump], db)
    jsonl(dump, {"title": "Briefing", "text": "Second wording."})

    report = ingest([dump], db)

    assert report.added == (text_id("Second wording."),)
    assert texts(db, text_id("First wording.")) == ["First wording."]
    assert (report.ids_from_url, report.ids_from_text) == (0, 1)


def test_a_text_id_from_another_file_is_refused(db: Store, tmp_path: Path) -> None:
    ingest([jsonl(tmp_path / "a.jsonl", {"source": "BBC", "text": "Same words."})], db)
    other = jsonl(tmp_path / "b.jsonl", {"source": "CNN", "text": "Same words."})

    (failure,) = ingest([other], db).failed

    assert failure.origin == f"{other}:1"
    assert failure.reason.startswith(f'id "{text_id("Same words.")}" belongs to {tmp_path}/a')


def test_a_line_stored_under_its_text_hash_before_url_ids_keeps_that_id(
    db: Store, tmp_path: Path
) -> None:
    row = {"url": "https://example.org/a", "text": "Old words."}
    dump = jsonl(tmp_path / "dump.jsonl", row)
    old = DocumentDraft(
        "Old words.", text_id("Old words."), title="Old words.", url=row["url"], origin=f"{dump}:1"
    )
    db.put(old)  # as ingest stored it before ids came from urls

    report = ingest([dump], db)

    assert (report.unchanged, report.added) == ((text_id("Old words."),), ())


def test_a_file_stored_with_a_relative_origin_is_recognised_from_that_folder(
    db: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    db.put(DocumentDraft("First.", "report", origin="a/report.md"))  # as ingest stored it before
    edited = write(tmp_path / "a" / "report.md", "Second.")

    assert ingest([edited], db).updated == ("report",)
