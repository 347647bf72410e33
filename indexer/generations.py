"""Index generations on disk: the ``CURRENT`` pointer, ``gen-*`` folders, ``state.json``, the lock.

Layout of an index folder::

    CURRENT                       name of the live generation, replaced atomically (os.replace)
    LOCK                          held (flock) by whoever builds or updates; holds its pid
    gen-<UTC timestamp>-<rand>/   one Whoosh index, plus state.json (store seq reached, ...)

A rebuild writes a new generation and then swaps ``CURRENT``; so does a compaction, which merges
the small segments of a clone of the live generation (``compact``). The previous generation is
kept, so a searcher opened on it keeps answering until it refreshes; older ones are deleted at
the next swap. A generation is never changed in a way that deletes files an open searcher may
still read (see ``indexer/build.py``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import logging
import os
import secrets
import shutil
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from whoosh.index import Index, open_dir
from whoosh.reading import SegmentReader

from indexer.errors import IndexBusy

log = logging.getLogger(__name__)

CURRENT = "CURRENT"
LOCK = "LOCK"
STATE = "state.json"
PREFIX = "gen-"
SMALL_SHARE = 10  # compaction merges segments holding under 1/10 of the documents each


@dataclass(frozen=True)
class IndexState:
    """What a generation holds: written to its ``state.json`` after every commit."""

    seq: int
    doc_count: int
    schema_version: int
    built_at: str
    updated_at: str


def utc_now() -> str:
    """The current UTC time as ISO 8601 with seconds, e.g. ``2024-05-01T12:00:00+00:00``."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def current_generation(index_dir: Path) -> str | None:
    """The live generation's name, or None when ``CURRENT`` is missing or names no folder."""
    try:
        name = (index_dir / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    if not name.startswith(PREFIX) or not (index_dir / name).is_dir():
        return None
    return name


def read_state(index_dir: Path, generation: str) -> IndexState | None:
    """The generation's ``state.json``, or None when it is missing or unreadable."""
    try:
        data = json.loads((index_dir / generation / STATE).read_text(encoding="utf-8"))
        return IndexState(**data)
    except (OSError, ValueError, TypeError) as exc:
        log.warning("index generation %s has no readable %s: %s", generation, STATE, exc)
        return None


def write_state(index_dir: Path, generation: str, state: IndexState) -> None:
    """Replace the generation's ``state.json`` atomically."""
    _write_atomic(index_dir / generation / STATE, json.dumps(asdict(state), indent=2) + "\n")


def new_generation(index_dir: Path) -> str:
    """Create an empty generation folder and return its name (sorts by creation time)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
    name = f"{PREFIX}{stamp}-{secrets.token_hex(4)}"
    (index_dir / name).mkdir()
    return name


def compact(index_dir: Path, generation: str, *, limitmb: int, max_segments: int) -> bool:
    """Merge the small segments that updates leave (``_merge_small``) in a clone of
    ``generation`` and make the clone live; False (nothing changed) when that would still leave
    more than ``max_segments``. Seconds, where a rebuild from the store takes minutes.

    The clone holds hard links to the generation's files (copies where links are unsupported):
    Whoosh never changes a file once written, so the clone's merge deletes only its own links
    while searchers of ``generation`` keep reading theirs.
    """
    state = read_state(index_dir, generation)
    clone = new_generation(index_dir)
    try:
        for path in (index_dir / generation).iterdir():
            if path.is_file() and path.name != STATE:
                try:
                    os.link(path, index_dir / clone / path.name)
                except OSError:
                    shutil.copy2(path, index_dir / clone / path.name)
        ix = open_dir(str(index_dir / clone))
        ix.writer(limitmb=limitmb, compound=False).commit(mergetype=_merge_small)
        segments = segment_count(ix)
    except BaseException:
        discard(index_dir, clone)
        raise
    if state is None or segments > max_segments:
        discard(index_dir, clone)
        return False
    write_state(index_dir, clone, replace(state, updated_at=utc_now()))
    publish(index_dir, clone)
    log.info("compacted index generation %s into %s (%d segments)", generation, clone, segments)
    return True


def segment_count(ix: Index) -> int:
    """How many segments a Whoosh index has."""
    with ix.reader() as reader:
        return len(reader.leaf_readers())


def _merge_small(writer: Any, segments: list[Any]) -> list[Any]:
    """Whoosh merge policy: merge the segments holding under ``1/SMALL_SHARE`` of the documents
    each (what updates leave); keep the large ones (what builds write) as they are."""
    total = sum(s.doc_count_all() for s in segments)
    small = [s for s in segments if s.doc_count_all() * SMALL_SHARE < total]
    for segment in small:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return [s for s in segments if s not in small]


def publish(index_dir: Path, generation: str) -> None:
    """Make ``generation`` live; keep the one it replaces and delete every older one."""
    previous = current_generation(index_dir)
    _write_atomic(index_dir / CURRENT, generation + "\n")
    log.info("index generation %s is live (previous: %s)", generation, previous)
    keep = {generation, previous}
    for path in index_dir.glob(PREFIX + "*"):
        if path.name not in keep and path.is_dir():
            discard(index_dir, path.name)


def discard(index_dir: Path, generation: str) -> None:
    """Delete a generation folder (an unfinished build, or one two swaps old)."""
    shutil.rmtree(index_dir / generation, ignore_errors=True)
    log.info("deleted index generation %s", generation)


@contextlib.contextmanager
def index_lock(index_dir: Path, *, wait: float = 0.0) -> Iterator[None]:
    """Hold the index folder's exclusive lock, waiting up to ``wait`` seconds for it.

    Raises ``IndexBusy`` when another process keeps it longer. The lock is an ``flock``, so it
    dies with its process: a crashed build never leaves the index locked.
    """
    index_dir.mkdir(parents=True, exist_ok=True)
    path = index_dir / LOCK
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IndexBusy(_busy_message(index_dir, path)) from None
                time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} since {utc_now()}\n".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _busy_message(index_dir: Path, lock_path: Path) -> str:
    try:
        holder = lock_path.read_text(encoding="utf-8").strip()
    except OSError:
        holder = ""
    who = f"another process ({holder})" if holder else "another process"
    return (
        f"The index at {index_dir} is being built or updated by {who}. "
        "Wait for it to finish, then try again."
    )


def _write_atomic(path: Path, content: str) -> None:
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
