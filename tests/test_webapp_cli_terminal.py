"""What the CLI prints, from hand-made result values."""

from __future__ import annotations

from corpus.ingestion import IngestReport
from corpus.model import Span
from corpus.readers import ReadFailure
from indexer.build import IndexStatus
from indexer.search.engine import Snippet
from webapp.cli.terminal import (
    SHOWN_FAILURES,
    count,
    index_change,
    marked,
    printable,
    report_lines,
)

SNIPPET = Snippet("a zone of peace\nin the east", (Span(2, 6), Span(10, 15)), start=40)


def test_matches_are_bracketed_off_a_terminal_and_bold_on_one() -> None:
    assert marked(SNIPPET, is_tty=False) == "...a [zone] of [peace] in the east"
    assert (
        marked(SNIPPET, is_tty=True) == "...a \x1b[1mzone\x1b[0m of \x1b[1mpeace\x1b[0m in the east"
    )


def test_a_snippet_from_the_start_of_the_text_has_no_ellipsis() -> None:
    assert marked(Snippet("Peace.", (Span(0, 5),), start=0), is_tty=False) == "[Peace]."


def test_a_long_failure_list_is_cut_with_a_pointer_to_json() -> None:
    failures = tuple(ReadFailure(f"big.jsonl:{n}", "bad JSON") for n in range(1, 61))
    lines = report_lines(IngestReport(added=("a",), failed=failures, files=1))
    assert (
        lines[0]
        == "Ingested: 1 added, 0 updated, 0 unchanged, 60 failed (1 files read, 0 skipped)."
    )
    assert lines[1] == "Failed (nothing stored for these):"
    assert lines[2] == "  big.jsonl:1: bad JSON"
    assert lines[1 + SHOWN_FAILURES] == "  big.jsonl:50: bad JSON"
    assert lines[2 + SHOWN_FAILURES :] == ["  ... and 10 more (--json lists all)"]


def test_counts_are_singular_for_one() -> None:
    assert [count(0, "hit"), count(1, "hit"), count(2, "hit")] == ["0 hits", "1 hit", "2 hits"]


def _status(generation: str, *, is_current: bool = True) -> IndexStatus:
    return IndexStatus("index", True, generation, 5, 5, 5, 5, True, is_current)


def test_an_index_rebuilt_while_current_is_said_to_be_rebuilt() -> None:
    # Setup rebuilds a current index when an upgrade re-analysed most documents.
    assert index_change(_status("gen-a"), _status("gen-b")) == (
        "rebuilt as a new generation (generation gen-b, 5 documents)."
    )
    assert index_change(_status("gen-a"), _status("gen-a")) == (
        "already up to date (generation gen-a, 5 documents)."
    )


def test_terminal_control_sequences_are_stripped_from_what_is_printed() -> None:
    hostile = (
        "Evil\x1b]0;owned\x07 \x1b[2J\x1b[31mName\x9b1;31m\x9d8;;http://x\x9c\r\x08\x00 "
        "\x1bP1$q\x1b\\end\x1bc\x7f"
    )
    assert printable(hostile) == "Evil Name end"
    assert printable("tab\tand\nnewline stay; Ünïcödé too") == "tab\tand\nnewline stay; Ünïcödé too"
    snippet = Snippet("a \x1b[2Jzone\x9b2J of peace", (Span(6, 10),), start=0)
    assert marked(snippet, is_tty=True) == "a \x1b[1mzone\x1b[0m of peace"
