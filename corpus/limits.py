"""How many bytes a source may cost, and reading source bytes without ever exceeding that.

A folder handed to ``dossier ingest`` may hold anything: a 3 GB log renamed ``.txt``, a 40 KB
gzip file that inflates to 40 GB. Every byte a reader sees comes through ``read_document_bytes``
or ``iter_lines``, which stop at the configured limits and raise ``UnreadableSource`` saying which
limit was hit and how to raise it (the reader adds the file name).
"""

from __future__ import annotations

import gzip
import io
import re
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from corpus.errors import UnreadableSource

MB = 1024 * 1024
_CHUNK = 64 * 1024
_SCAN = _CHUNK  # bytes read at a time when scanning for lines
_NOT_SPACE = re.compile(rb"\S")


@dataclass(frozen=True)
class IngestLimits:
    """Byte limits for one ingest run (all sizes in bytes).

    ``max_document_bytes`` bounds one document's source: a whole .txt/.md/.html file, or one JSONL
    line, after decompression. JSONL files are streamed, so their total size is not limited
    unless they are compressed: then ``max_decompressed_file_bytes`` bounds one file and
    ``max_decompressed_total_bytes`` all compressed files of the run (gzip bombs).
    """

    max_document_bytes: int = 50 * MB
    max_decompressed_file_bytes: int = 1024 * MB
    max_decompressed_total_bytes: int = 2048 * MB


class DecompressionBudget:
    """Decompressed bytes left for one ingest run; shared by every compressed file it reads."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0

    def spend(self, count: int) -> None:
        """Count ``count`` more bytes; raise ``UnreadableSource`` past the run's limit."""
        self.used += count
        if self.used > self.limit:
            raise UnreadableSource(
                f"stopped after {_mb(self.limit)} of decompressed data in this ingest "
                "(max_decompressed_total_bytes). Ingest compressed files in smaller runs or raise "
                "the limit."
            )


def is_compressed(path: Path) -> bool:
    """True for gzip files (``.gz``), which are decompressed on the fly within the limits."""
    return path.name.lower().endswith(".gz")


def read_document_bytes(path: Path, limits: IngestLimits, budget: DecompressionBudget) -> bytes:
    """The whole (decompressed) content of a one-document file, at most ``max_document_bytes``."""
    if not is_compressed(path):
        size = path.stat().st_size
        if size > limits.max_document_bytes:
            raise UnreadableSource(_too_big(size, limits))
    with _open(path, limits, budget) as stream:
        data = stream.read(limits.max_document_bytes + 1)
    if len(data) > limits.max_document_bytes:
        raise UnreadableSource(_too_big(None, limits))
    return data


def iter_lines(
    path: Path, limits: IngestLimits, budget: DecompressionBudget
) -> Iterator[tuple[int, bytes | None]]:
    """``(line number, bytes)`` for each line of a (possibly compressed) file that is not blank.

    Blank lines are counted but never yielded: the file is scanned a chunk at a time for the
    next non-white-space byte, so a million empty lines cost a scan, not a million steps, and
    the byte limits stop a file of nothing but newlines as soon as it passes them. A line longer
    than ``max_document_bytes`` comes back as ``(number, None)`` and is skipped without being
    held in memory. Limits on the whole file raise ``UnreadableSource``.
    """
    with _open(path, limits, budget) as stream:
        yield from scan_lines(stream, limits.max_document_bytes)


def scan_lines(
    stream: BinaryIO, max_line: int, *, chunk: int = _SCAN
) -> Iterator[tuple[int, bytes | None]]:
    """The non-blank lines of ``stream`` as ``iter_lines`` gives them, read ``chunk`` bytes at
    a time; a line of more than ``max_line`` bytes (newline not counted) comes as None."""
    return _LineScanner(max_line, chunk).scan(stream)


class _LineScanner:
    """Cuts a byte stream into its non-blank lines (see ``iter_lines``)."""

    def __init__(self, max_line: int, chunk: int) -> None:
        self.max_line, self.chunk = max_line, chunk
        self.number = 1  # the number of the line that starts at the current position
        self._reset()

    def _reset(self) -> None:
        self.pending: list[bytes] = []  # the start of an unfinished line
        self.held = 0  # its length (white space over the limit is counted, not kept)
        self.has_text = False  # it has a non-white-space byte
        self.dropping = False  # it has text and is over the limit: reported, being skipped

    def scan(self, stream: BinaryIO) -> Iterator[tuple[int, bytes | None]]:
        while chunk := stream.read(self.chunk):
            yield from self._chunk(chunk)
        if self.held:
            yield from self._finish(b"")

    def _chunk(self, chunk: bytes) -> Iterator[tuple[int, bytes | None]]:
        pos = 0
        if self.held:
            newline = chunk.find(b"\n")
            if newline < 0:
                yield from self._hold(chunk)
                return
            yield from self._finish(chunk[: newline + 1])
            pos = newline + 1
        while found := _NOT_SPACE.search(chunk, pos):
            start = chunk.rfind(b"\n", pos, found.start()) + 1 or pos
            self.number += chunk.count(b"\n", pos, start)
            newline = chunk.find(b"\n", found.start())
            if newline < 0:
                yield from self._hold(chunk[start:])
                return
            yield from self._finish(chunk[start : newline + 1])
            pos = newline + 1
        self.number += chunk.count(b"\n", pos)
        tail = chunk.rfind(b"\n", pos) + 1 or pos
        if tail < len(chunk):
            yield from self._hold(chunk[tail:])

    def _hold(self, part: bytes) -> Iterator[tuple[int, bytes | None]]:
        """Keep the start of an unfinished line; report it once it has text and is too long."""
        if self.dropping:
            return
        self.has_text = self.has_text or _NOT_SPACE.search(part) is not None
        self.held += len(part)
        if self.held <= self.max_line:
            self.pending.append(part)
        elif self.has_text:
            yield self.number, None
            self.pending, self.dropping = [], True
        else:
            self.pending = []

    def _finish(self, end: bytes) -> Iterator[tuple[int, bytes | None]]:
        """The line held so far, completed by ``end`` (up to its newline, or the file's end)."""
        line = b"".join([*self.pending, end])
        length = self.held + len(end.removesuffix(b"\n"))
        if not self.dropping and line.strip():
            yield self.number, None if length > self.max_line else line
        self.number += 1
        self._reset()


def too_long_line(limits: IngestLimits) -> str:
    """The reason given for a JSONL line over the per-document limit."""
    return (
        f"line is longer than {_mb(limits.max_document_bytes)} (max_document_bytes); split the "
        "document or raise the limit"
    )


@contextmanager
def _open(path: Path, limits: IngestLimits, budget: DecompressionBudget) -> Iterator[BinaryIO]:
    """The file's bytes; gzip files are inflated through a counter that enforces the limits."""
    with path.open("rb") as raw:
        if not is_compressed(path):
            yield raw
            return
        counted = _BoundedInflate(gzip.GzipFile(fileobj=raw), path, limits, budget)
        try:
            yield io.BufferedReader(counted, _CHUNK)  # type: ignore[misc]
        except (OSError, EOFError, zlib.error) as exc:
            raise UnreadableSource(
                f"the gzip data is damaged ({exc or type(exc).__name__}); re-create the file"
            ) from exc


class _BoundedInflate(io.RawIOBase):
    """Reads a GzipFile and raises once the file's or the run's decompressed limit is passed."""

    def __init__(
        self, inner: gzip.GzipFile, path: Path, limits: IngestLimits, budget: DecompressionBudget
    ) -> None:
        self._inner, self._path, self._limits, self._budget = inner, path, limits, budget
        self._count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self._inner.read(min(len(buffer), _CHUNK))
        self._count += len(data)
        if self._count > self._limits.max_decompressed_file_bytes:
            raise UnreadableSource(
                "decompresses to more than "
                f"{_mb(self._limits.max_decompressed_file_bytes)} "
                "(max_decompressed_file_bytes); it may be a gzip bomb. Check the file or raise "
                "the limit."
            )
        self._budget.spend(len(data))
        buffer[: len(data)] = data
        return len(data)


def _too_big(size: int | None, limits: IngestLimits) -> str:
    shown = f"is {_mb(size)}" if size is not None else "decompresses to more than that"
    return (
        f"one document may be at most {_mb(limits.max_document_bytes)} (max_document_bytes) "
        f"and this file {shown}. Split it or raise the limit."
    )


def _mb(count: int) -> str:
    return f"{count / MB:,.1f} MB" if count >= MB else f"{count:,} bytes"
