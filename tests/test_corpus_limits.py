"""Reading lines within the limits: every non-blank line with its number, blank ones skipped."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from source_files import write_source

from corpus.limits import DecompressionBudget, IngestLimits, iter_lines, scan_lines


def _reference(data: bytes, max_line: int) -> list[tuple[int, bytes | None]]:
    """What ``scan_lines`` must give, the slow obvious way."""
    pieces = data.split(b"\n")
    if pieces[-1] == b"":
        pieces.pop()
    return [
        (number, None if len(piece) > max_line else piece)
        for number, piece in enumerate(pieces, 1)
        if piece.strip()
    ]


LINES = st.lists(
    st.sampled_from([b"", b" ", b"\t \r", b"{}", b' {"a": 1} ', b"x" * 7, b" " * 9, b"ab  cd"]),
    max_size=30,
)


@given(LINES, st.integers(1, 12), st.integers(1, 9), st.booleans())
def test_scanning_finds_every_non_blank_line_with_its_number(
    lines: list[bytes], chunk: int, max_line: int, ends_with_newline: bool
) -> None:
    data = b"\n".join(lines) + (b"\n" if ends_with_newline and lines else b"")
    found = [
        (number, line if line is None else line.removesuffix(b"\n"))
        for number, line in scan_lines(io.BytesIO(data), max_line, chunk=chunk)
    ]
    assert found == _reference(data, max_line)


def test_blank_lines_are_counted_not_handed_out_one_by_one(tmp_path: Path) -> None:
    data = b"\n" * 1_000_000 + b'{"text": "after a million blank lines"}\n' + b" \n" * 1000
    path = write_source(tmp_path, "blank.jsonl.gz", gzip.compress(data))
    limits = IngestLimits()
    found = list(iter_lines(path, limits, DecompressionBudget(limits.max_decompressed_total_bytes)))
    assert found == [(1_000_001, b'{"text": "after a million blank lines"}\n')]
