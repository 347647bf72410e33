"""JSON Lines: one exact draft per line, and each bad line named by ``path:line``."""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path

from source_files import write_source

from corpus.model import DocumentDraft, PartialDate
from corpus.readers import ReadFailure, read_source

BAD_DIR = Path(__file__).parent / "data-bad"


def _read(path: Path) -> list[DocumentDraft | ReadFailure]:
    return list(read_source(path))


def test_jsonl_lines_give_exact_drafts_named_by_line(corpus_dir: Path) -> None:
    drafts = _read(corpus_dir / "speeches.jsonl")
    assert [d.id for d in drafts if isinstance(d, DocumentDraft)] == [
        "fixture-eastern-forum-2019",
        "fixture-un-statement-2017",
        "fixture-news-pipeline-2018",
        "fixture-no-date",
    ]
    second = drafts[1]
    assert second == DocumentDraft(
        text=(
            "Mr. President, the United Nations must remain the centre of international law.\n\n"
            "Sanctions against the Democratic People's Republic of Korea cannot replace "
            "negotiations. We call on Washington and Pyongyang to restrain themselves.\n\n"
            "Russia supports the initiative of a freeze for freeze proposed together with China."
        ),
        id="fixture-un-statement-2017",
        kind="speech",
        title="Statement in the General Debate",
        date=PartialDate(dt.date(2017, 9, 1), "month"),
        speaker="Sergey Lavrov",
        source="Fixture UN Records",
        url="",
        language="en",
        tags=("country:Russia", "iso3:RUS"),
        licence="CC0-1.0",
        origin=f"{corpus_dir / 'speeches.jsonl'}:2",
        id_from="given",
    )
    last = drafts[3]
    assert isinstance(last, DocumentDraft)
    assert (last.date, last.url, last.speaker) == (None, "", "")


def test_bad_jsonl_lines_are_named_and_the_good_ones_read() -> None:
    path = BAD_DIR / "mixed.jsonl"
    results = _read(path)
    failures = [(r.origin, r.reason) for r in results if isinstance(r, ReadFailure)]
    assert failures == [
        (f"{path}:2", "not valid JSON (Unterminated string starting at, column 38)"),
        (f"{path}:3", "expected a JSON object, got list"),
        (f"{path}:5", 'no "text" field'),
        (
            f"{path}:6",
            'Date "2013-02-30" does not exist (day is out of range for month). Correct it or '
            "leave the date empty.",
        ),
        (
            f"{path}:9",
            'id "bad fixture spaces" must be 1-200 ASCII letters, digits, ".", "_", ":" or "-", '
            "starting with a letter or digit; change it",
        ),
        (
            f"{path}:10",
            'url "javascript:alert(1)" must start with http:// or https://; fix or drop it',
        ),
    ]
    drafts = [r for r in results if isinstance(r, DocumentDraft)]
    assert [(d.id, d.origin) for d in drafts] == [
        ("bad-fixture-good-1", f"{path}:1"),
        ("doc-27cecb1e4cbde9af", f"{path}:4"),
        ("bad-fixture-interview", f"{path}:8"),
    ]
    interview = drafts[2]
    assert interview.text == "Q: Will the railway reopen?\nA: Next year.\n\nThank you."
    assert (interview.kind, interview.speaker) == ("other", "Fixture Host")
    assert interview.tags == ("topic:ports", "genre:interview", "genre:radio")


def test_a_missing_id_is_stable_across_reads() -> None:
    first = [r.id for r in _read(BAD_DIR / "mixed.jsonl") if isinstance(r, DocumentDraft)]
    again = [r.id for r in _read(BAD_DIR / "mixed.jsonl") if isinstance(r, DocumentDraft)]
    assert first == again


def test_gzipped_jsonl_is_read_like_plain_jsonl(tmp_path: Path, corpus_dir: Path) -> None:
    raw = (corpus_dir / "speeches.jsonl").read_bytes()
    path = write_source(tmp_path, "speeches.jsonl.gz", gzip.compress(raw))
    drafts = _read(path)
    plain = _read(corpus_dir / "speeches.jsonl")
    assert [d.text for d in drafts] == [d.text for d in plain]  # type: ignore[union-attr]
    assert drafts[0].origin == f"{path}:1"


def test_a_file_of_non_json_lines_is_given_up_with_one_failure_that_says_so(
    tmp_path: Path,
) -> None:
    path = write_source(tmp_path, "table.jsonl", "id,text\n" * 50)
    assert _read(path) == [
        ReadFailure(
            str(path),
            "not JSON Lines: none of its first 20 lines is JSON (line 1: not valid JSON "
            "(Expecting value, column 1))",
        )
    ]


def test_a_binary_file_named_jsonl_fails_once(tmp_path: Path) -> None:
    path = write_source(tmp_path, "blob.jsonl", b"\x00\x01\x02\n" * 10)
    assert _read(path) == [
        ReadFailure(
            str(path),
            "looks binary, not JSON Lines: none of its first 10 lines is JSON (line 1: a NUL byte "
            "at column 1; JSON text cannot hold one (write it as \\u0000))",
        )
    ]


def test_json_lines_with_bad_fields_never_stop_the_file(tmp_path: Path) -> None:
    bad = [f'{{"id": "bad-{n}", "text": "x", "date": "2013-02-30"}}' for n in range(1, 26)]
    good = [f'{{"id": "good-{n}", "text": "Good line {n}."}}' for n in range(1, 6)]
    path = write_source(tmp_path, "dates.jsonl", "\n".join(bad + good) + "\n")
    results = _read(path)
    failures = [r for r in results if isinstance(r, ReadFailure)]
    assert [f.origin for f in failures] == [f"{path}:{n}" for n in range(1, 26)]
    assert all(f.reason.startswith('Date "2013-02-30" does not exist') for f in failures)
    drafts = [r for r in results if isinstance(r, DocumentDraft)]
    assert [(d.id, d.origin) for d in drafts] == [
        (f"good-{n}", f"{path}:{25 + n}") for n in range(1, 6)
    ]


def test_a_nul_byte_or_bad_utf8_fails_only_its_line(tmp_path: Path) -> None:
    lines = [
        b'{"id": "one", "text": "First."}',
        b'{"id": "two", "text": "Sec\x00ond."}',
        b'{"id": "three", "text": "Caf\xe9."}',
        b'{"id": "four", "text": "Fourth."}',
    ]
    path = write_source(tmp_path, "nul.jsonl", b"\n".join(lines) + b"\n")
    assert _read(path)[1:3] == [
        ReadFailure(
            f"{path}:2",
            "a NUL byte at column 27; JSON text cannot hold one (write it as \\u0000)",
        ),
        ReadFailure(f"{path}:3", "not UTF-8 (byte 0xe9 at column 29)"),
    ]
    assert [r.id for r in _read(path) if isinstance(r, DocumentDraft)] == ["one", "four"]


def test_lines_that_are_not_json_before_the_first_json_line_are_each_named(
    tmp_path: Path,
) -> None:
    path = write_source(tmp_path, "late.jsonl", 'junk\n\n{"text": "a"\n{"text": "Read."}\n')
    assert _read(path)[:2] == [
        ReadFailure(f"{path}:1", "not valid JSON (Expecting value, column 1)"),
        ReadFailure(f"{path}:3", "not valid JSON (Expecting ',' delimiter, column 13)"),
    ]
    assert isinstance(_read(path)[2], DocumentDraft)


def test_jsonl_field_types_are_checked(tmp_path: Path) -> None:
    path = write_source(
        tmp_path,
        "t.jsonl",
        '{"text": "a", "title": ["x"]}\n{"text": "b", "tags": "a, b,, a", "date": 2019}\n'
        '{"text": "c", "tags": [{"k": 1}]}\n{"text": 5}\n{"text": "   "}\n',
    )
    results = _read(path)
    assert results[0] == ReadFailure(f"{path}:1", 'field "title" must be text, not list')
    assert isinstance(results[1], DocumentDraft)
    assert results[1].tags == ("a", "b")
    assert results[1].date == PartialDate(dt.date(2019, 1, 1), "year")
    assert results[2:] == [
        ReadFailure(f"{path}:3", '"tags" must be a list of strings'),
        ReadFailure(f"{path}:4", '"text" must be a string'),
        ReadFailure(f"{path}:5", '"text" is empty'),
    ]
