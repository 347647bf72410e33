"""The ingest step on a real SQLite store: counts, idempotence, versions and bad input."""

from __future__ import annotations

import gzip
import io
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from tqdm import tqdm  # type: ignore[import-untyped]  # no stubs installed (types-tqdm)

from corpus.identity import folder_file_id
from corpus.ingestion import IngestProgress, IngestReport, ingest, ingest_drafts
from corpus.limits import IngestLimits
from corpus.model import DocumentDraft
from corpus.readers import ReadFailure

BAD_DIR = Path(__file__).parent / "data-bad"
CORPUS_FILES = ("analyst-notes.txt", "speeches.jsonl", "tass-report.html", "valdai-remarks.md")
CORPUS_IDS = (
    "analyst-notes",
    "fixture-eastern-forum-2019",
    "fixture-un-statement-2017",
    "fixture-news-pipeline-2018",
    "fixture-no-date",
    "tass-report",
    "fixture-valdai-2017",
)


@pytest.fixture
def corpus_copy(corpus_dir: Path, tmp_path: Path) -> Path:
    """A writable copy of the four source files of the test corpus (7 documents)."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in CORPUS_FILES:
        shutil.copy(corpus_dir / name, folder / name)
    return folder


def test_the_test_corpus_goes_in_whole_in_sorted_file_order(
    empty_store: Any, corpus_copy: Path
) -> None:
    report = ingest([corpus_copy], empty_store)
    assert report == IngestReport(added=CORPUS_IDS, files=4)
    assert empty_store.count() == 7
    assert report.summary() == "7 added, 0 updated, 0 unchanged, 0 failed (4 files read, 0 skipped)"
    notes = empty_store.get("analyst-notes")
    assert (notes.version, notes.title) == (1, "Working notes on the Russia–DPRK railway project.")


def test_re_ingesting_unchanged_sources_changes_nothing(
    empty_store: Any, corpus_copy: Path
) -> None:
    ingest([corpus_copy], empty_store)
    seq = empty_store.max_seq()
    again = ingest([corpus_copy], empty_store)
    assert again == IngestReport(unchanged=CORPUS_IDS, files=4)
    assert empty_store.max_seq() == seq


def test_a_changed_file_becomes_a_new_version(empty_store: Any, corpus_copy: Path) -> None:
    folder = corpus_copy
    ingest([folder], empty_store)
    notes = folder / "analyst-notes.txt"
    notes.write_text(notes.read_text(encoding="utf-8") + "\nTraffic resumed in 2019.\n", "utf-8")
    report = ingest([folder], empty_store)
    assert report.updated == ("analyst-notes",)
    assert len(report.unchanged) == 6
    versions = empty_store.versions("analyst-notes")
    assert [v.version for v in versions] == [1, 2]
    assert versions[1].text.endswith("Freight volumes stayed small.\n\nTraffic resumed in 2019.")
    assert empty_store.get("analyst-notes").version == 2


def test_bad_input_is_named_skipped_and_the_rest_goes_in(empty_store: Any) -> None:
    report = ingest([BAD_DIR], empty_store)
    mixed = BAD_DIR / "mixed.jsonl"
    assert [f.origin for f in report.failed] == [
        str(BAD_DIR / "bad-front-matter.md"),
        str(BAD_DIR / "binary.txt"),
        str(BAD_DIR / "empty.md"),
        str(BAD_DIR / "impossible-date.md"),
        f"{mixed}:2",
        f"{mixed}:3",
        f"{mixed}:5",
        f"{mixed}:6",
        f"{mixed}:9",
        f"{mixed}:10",
        str(BAD_DIR / "windows-1252.txt"),
    ]
    assert report.failed[1].reason == "looks binary (NUL byte at offset 5); Dossier reads text"
    assert report.added == (
        "broken",
        "bad-fixture-good-1",
        "doc-27cecb1e4cbde9af",
        "bad-fixture-interview",
    )
    assert report.skipped == (
        ReadFailure(str(BAD_DIR / ".DS_Store"), "hidden (the name starts with a dot)"),
        ReadFailure(str(BAD_DIR / "scan.pdf"), "a file type Dossier does not read (.pdf)"),
    )
    assert report.files == 7
    assert empty_store.count() == 4


def test_two_sources_with_one_id_do_not_overwrite_each_other(
    empty_store: Any, tmp_path: Path
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "report.txt").write_text("The first report.", "utf-8")
    (tmp_path / "b" / "report.txt").write_text("A different report.", "utf-8")
    (tmp_path / "c.jsonl").write_text('{"id": "report", "text": "A third."}\n', "utf-8")
    report = ingest([tmp_path], empty_store)
    reason = (
        f'id "report" is already used by {tmp_path / "a" / "report.txt"} in this ingest; give '
        'one of them another id (front matter "id:" or the JSONL "id" field)'
    )
    other = folder_file_id(tmp_path / "b" / "report.txt")  # a file's id: its folder decides
    assert report.added == ("report", other)
    assert report.failed == (ReadFailure(f"{tmp_path / 'c.jsonl'}:1", reason),)
    assert empty_store.get("report").text == "The first report."
    assert empty_store.get(other).text == "A different report."


def test_missing_paths_are_failures_and_a_file_named_twice_is_read_once(
    empty_store: Any, corpus_dir: Path
) -> None:
    notes = corpus_dir / "analyst-notes.txt"
    report = ingest([notes, corpus_dir / "nothing-here.md", notes], empty_store)
    assert report.added == ("analyst-notes",)
    assert report.files == 1
    assert report.failed == (
        ReadFailure(str(corpus_dir / "nothing-here.md"), "no such file or folder; check the path"),
    )


def test_an_explicitly_named_unsupported_file_is_a_failure(empty_store: Any) -> None:
    report = ingest([BAD_DIR / "scan.pdf"], empty_store)
    assert [f.origin for f in report.failed] == [str(BAD_DIR / "scan.pdf")]
    assert report.skipped == ()


def test_limits_apply_to_every_file_of_the_run(empty_store: Any, tmp_path: Path) -> None:
    for name in ("a", "b"):
        lines = (f'{{"text": "{name} {n} {"zero " * 2000}"}}\n' for n in range(20))
        (tmp_path / f"{name}.jsonl.gz").write_bytes(gzip.compress("".join(lines).encode()))
    limits = IngestLimits(max_decompressed_total_bytes=300_000)  # each file inflates to 200 KB
    report = ingest([tmp_path], empty_store, limits=limits)
    from_b = len(report.added) - 20
    assert 0 < from_b < 20
    assert report.failed == (
        ReadFailure(
            str(tmp_path / "b.jsonl.gz"),
            "stopped after 300,000 bytes of decompressed data in this ingest "
            "(max_decompressed_total_bytes). Ingest compressed files in smaller runs or raise "
            f"the limit. (stopped after line {from_b})",
        ),
    )


def test_an_oversized_file_is_refused_and_the_others_go_in(
    empty_store: Any, corpus_copy: Path
) -> None:
    report = ingest([corpus_copy], empty_store, limits=IngestLimits(max_document_bytes=700))
    assert [f.origin for f in report.failed] == [
        str(corpus_copy / "speeches.jsonl") + ":1",
        str(corpus_copy / "tass-report.html"),
    ]
    assert len(report.added) == 5


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read a file without read permission")
def test_an_unreadable_file_is_named(empty_store: Any, tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("Classified.", "utf-8")
    path.chmod(0)
    report = ingest([tmp_path], empty_store)
    assert report.failed == (ReadFailure(str(path), "cannot read the file: Permission denied"),)


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="needs Linux /proc")
def test_a_file_that_fails_while_reading_is_named(empty_store: Any, tmp_path: Path) -> None:
    # Reading /proc/self/mem at offset 0 fails with EIO, even for root: a stand-in for a bad disk.
    (tmp_path / "disk-error.txt").symlink_to("/proc/self/mem")
    (tmp_path / "fine.txt").write_text("Readable notes.", "utf-8")
    report = ingest([tmp_path], empty_store)
    assert report.failed == (
        ReadFailure(str(tmp_path / "disk-error.txt"), "cannot read the file: Input/output error"),
    )
    assert report.added == ("fine",)


def test_progress_goes_to_a_callback_after_each_batch_and_file(
    empty_store: Any, corpus_copy: Path
) -> None:
    events: list[IngestProgress] = []
    ingest([corpus_copy], empty_store, progress=events.append, batch_size=3)
    assert [(e.files_done, e.documents) for e in events] == [
        (1, 0),  # analyst-notes.txt read; its batch is not full yet
        (1, 3),  # a batch of 3 stored while reading speeches.jsonl
        (2, 3),
        (2, 6),
        (3, 6),
        (4, 6),
        (4, 7),  # the last batch
    ]
    assert events[-1] == IngestProgress(4, 4, 7, 0, str(corpus_copy / "valdai-remarks.md"))


def test_progress_drives_a_tqdm_bar(empty_store: Any, corpus_copy: Path) -> None:
    with tqdm(file=io.StringIO(), unit="documents") as bar:
        ingest([corpus_copy], empty_store, progress=bar, batch_size=2)
        assert bar.n == 7


def test_the_demo_collection_ingests_cleanly_and_again_as_unchanged(
    empty_store: Any, shared_data_dir: Path
) -> None:
    demo = shared_data_dir / "demo" / "demo.jsonl"
    first = ingest([demo], empty_store)
    assert (len(first.added), first.failed) == (362, ())
    again = ingest([demo], empty_store)
    assert (len(again.unchanged), len(again.added), len(again.updated), again.failed) == (
        362,
        0,
        0,
        (),
    )
    assert empty_store.count() == 362


def test_drafts_from_elsewhere_are_stored_and_reported_like_files(empty_store: Any) -> None:
    items: list[DocumentDraft | ReadFailure] = [
        DocumentDraft(text="Made by a script.", id="scripted-1", origin="script:1"),
        ReadFailure("script:2", "the generator could not build this one"),
        DocumentDraft(text="Another one.", id="scripted-1", origin="script:3"),
    ]
    report = ingest_drafts(items, empty_store)
    assert report == IngestReport(
        added=("scripted-1",),
        failed=(
            ReadFailure("script:2", "the generator could not build this one"),
            ReadFailure(
                "script:3",
                'id "scripted-1" is already used by script:1 in this ingest; give one of them '
                'another id (front matter "id:" or the JSONL "id" field)',
            ),
        ),
    )


def test_a_folder_walk_lists_broken_links_and_pipes_it_did_not_read(
    empty_store: Any, corpus_copy: Path
) -> None:
    (corpus_copy / "gone.md").symlink_to(corpus_copy / "deleted.md")
    os.mkfifo(corpus_copy / "queue.jsonl")
    report = ingest([corpus_copy], empty_store)
    assert [(s.origin, s.reason) for s in report.skipped] == [
        (
            str(corpus_copy / "gone.md"),
            f"a broken symbolic link: {corpus_copy / 'deleted.md'} does not exist",
        ),
        (str(corpus_copy / "queue.jsonl"), "a named pipe (FIFO), not a regular file"),
    ]
    assert len(report.added) == 7
