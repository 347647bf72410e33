"""Reading any source: one canonical text, and a named failure for a bad file or a limit hit.

Each format has its own file: test_corpus_readers_text.py, _jsonl.py and _html.py.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from source_files import write_source

from corpus.drafts import normalise_text
from corpus.limits import DecompressionBudget, IngestLimits
from corpus.model import DocumentDraft
from corpus.readers import ReadFailure, read_source

BAD_DIR = Path(__file__).parent / "data-bad"


def _read(path: Path, limits: IngestLimits | None = None) -> list[DocumentDraft | ReadFailure]:
    return list(read_source(path, limits))


def test_normalise_text_makes_one_canonical_form() -> None:
    raw = (
        "\ufeff\n\nTitle  \r\nline two\t\rline three\n\n\n\n\nCafe\u0301 \x00\x07bell\u2028next\n\n"
    )
    assert normalise_text(raw) == "Title\nline two\nline three\n\nCafé bell\nnext"


def test_normalise_text_keeps_indentation_and_single_blank_lines() -> None:
    assert normalise_text("  indented\n\n    more\n") == "  indented\n\n    more"


def test_normalise_text_replaces_lone_surrogates() -> None:
    assert normalise_text("a\ud800b") == "a\ufffdb"


def test_normalise_text_is_idempotent() -> None:
    once = normalise_text("A  \r\n\r\n\r\n\r\nB\u00a0 \n")
    assert normalise_text(once) == once == "A\n\nB"


# -- bad files ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("binary.txt", "looks binary (NUL byte at offset 5); Dossier reads text"),
        ("empty.md", "the file is empty"),
        (
            "windows-1252.txt",
            "not UTF-8 text (byte 0x92 at offset 8); convert it, e.g. iconv -f windows-1252 -t "
            "utf-8",
        ),
        (
            "impossible-date.md",
            'Date "2013-02-30" does not exist (day is out of range for month). Correct it or '
            "leave the date empty.",
        ),
        (
            "bad-front-matter.md",
            'front matter line 3 "this line is not a key value pair" is not "key: value"; fix it '
            "or remove the --- lines",
        ),
        (
            "scan.pdf",
            "unsupported file type; Dossier reads .htm, .html, .jsonl, .markdown, .md, .ndjson, "
            ".txt (or .gz)",
        ),
    ],
)
def test_a_bad_file_gives_one_failure_with_its_reason(name: str, reason: str) -> None:
    path = BAD_DIR / name
    assert _read(path) == [ReadFailure(str(path), reason)]


def test_a_file_over_the_document_limit_is_refused_unread(corpus_dir: Path) -> None:
    path = corpus_dir / "analyst-notes.txt"
    assert _read(path, IngestLimits(max_document_bytes=50)) == [
        ReadFailure(
            str(path),
            "one document may be at most 50 bytes (max_document_bytes) and this file is 125 "
            "bytes. Split it or raise the limit.",
        )
    ]


def test_a_jsonl_line_over_the_limit_is_skipped_and_the_next_read(tmp_path: Path) -> None:
    path = write_source(tmp_path, "l.jsonl", '{"text": "' + "x" * 300 + '"}\n{"text": "short"}\n')
    results = _read(path, IngestLimits(max_document_bytes=100))
    assert results[0] == ReadFailure(
        f"{path}:1",
        "line is longer than 100 bytes (max_document_bytes); split the document or raise the limit",
    )
    assert isinstance(results[1], DocumentDraft) and results[1].text == "short"


def test_a_gzip_bomb_stops_at_the_decompressed_file_limit(tmp_path: Path) -> None:
    line = b'{"text": "' + b"a" * 1000 + b'"}\n'
    path = write_source(tmp_path, "bomb.jsonl.gz", gzip.compress(line * 10_000))  # 10 MB -> ~30 KB
    results = _read(path, IngestLimits(max_decompressed_file_bytes=100_000))
    drafts = [r for r in results if isinstance(r, DocumentDraft)]
    assert 0 < len(drafts) < 100_000 // len(line)  # read-ahead may stop a little early
    assert results[-1] == ReadFailure(
        str(path),
        "decompresses to more than 100,000 bytes (max_decompressed_file_bytes); it may be a gzip "
        f"bomb. Check the file or raise the limit. (stopped after line {len(drafts)})",
    )
    assert len(results) == len(drafts) + 1


def test_the_run_budget_bounds_all_compressed_files_together(tmp_path: Path) -> None:
    text = gzip.compress(b"Compressed notes on the port.\n" * 100)  # 3,000 bytes inflated
    budget = DecompressionBudget(5_000)
    first = list(read_source(write_source(tmp_path, "a.txt.gz", text), None, budget))
    second_path = write_source(tmp_path, "b.txt.gz", text)
    second = list(read_source(second_path, None, budget))
    assert isinstance(first[0], DocumentDraft)
    assert second == [
        ReadFailure(
            str(second_path),
            "stopped after 5,000 bytes of decompressed data in this ingest "
            "(max_decompressed_total_bytes). Ingest compressed files in smaller runs or raise "
            "the limit.",
        )
    ]


def test_a_damaged_gzip_file_fails_with_a_reason(tmp_path: Path) -> None:
    path = write_source(tmp_path, "bad.jsonl.gz", b"this is not gzip data")
    (failure,) = _read(path)
    assert isinstance(failure, ReadFailure)
    assert failure.reason.startswith("the gzip data is damaged (Not a gzipped file")
