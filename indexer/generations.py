"""Index generations on disk: the ``CURRENT`` pointer, ``gen-*`` folders, ``state.json``.

Layout of an index folder::

    CURRENT                       name of the live generation, replaced atomically (os.replace)
    PREVIOUS                      name of the generation it replaced, kept for open searchers
    LOCK, HOLDER                  the lock of whoever builds or updates (``indexer/lock.py``)
    gen-<UTC timestamp>-<rand>/   one Whoosh index, plus state.json (store seq reached, ...)

A rebuild writes a new generation and then swaps ``CURRENT``; so does a compaction, which merges
the small segments of a clone of the live generation (``compact``). The previous generation is
kept, so a searcher opened on it keeps answering until it refreshes; older ones are deleted at
the next swap. A generation is never changed in a way that deletes files an open searcher may
still read (see ``indexer/build.py``). A build killed half-way leaves its folder behind: every
folder that is neither live nor previous is a ``leftover``, removed by the next process that
takes the lock (``remove_leftovers``).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from whoosh.index import Index, open_dir
from whoosh.reading import SegmentReader

log = logging.getLogger(__name__)

CURRENT = "CURRENT"
PREVIOUS = "PREVIOUS"
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


@dataclass(frozen=True)
class Leftover:
    """A generation folder or temporary file that no finished build or swap kept."""

    name: str
    size: int  # bytes


def leftovers(index_dir: Path) -> list[Leftover]:
    """Generation folders neither live nor previous, and temporary files of an interrupted
    write: abandoned by a crash, unless a build holds the lock right now."""
    if not index_dir.is_dir():
        return []
    keep = {current_generation(index_dir), _previous(index_dir)}
    found = [
        Leftover(path.name, _size(path))
        for path in sorted(index_dir.glob(PREFIX + "*"))
        if path.is_dir() and path.name not in keep
    ]
    found += [Leftover(p.name, _size(p)) for p in sorted(index_dir.glob(".*.tmp")) if p.is_file()]
    return found


def remove_leftovers(index_dir: Path) -> list[Leftover]:
    """Delete what ``leftovers`` lists; only while holding the index lock (then nothing is
    being built). Returns what was deleted."""
    found = leftovers(index_dir)
    for leftover in found:
        path = index_dir / leftover.name
        if path.is_dir():
            discard(index_dir, leftover.name)
        else:
            path.unlink(missing_ok=True)
    if found:
        log.warning(
            "removed %d leftovers of interrupted index builds from %s: %s",
            len(found),
            index_dir,
            ", ".join(leftover.name for leftover in found),
        )
    return found


def _previous(index_dir: Path) -> str | None:
    """The generation ``CURRENT`` replaced; for an index written before ``PREVIOUS`` existed,
    the newest other finished generation."""
    try:
        name = (index_dir / PREVIOUS).read_text(encoding="utf-8").strip()
        return name if name.startswith(PREFIX) else None
    except FileNotFoundError:
        current = current_generation(index_dir)
        finished = [p.parent.name for p in index_dir.glob(f"{PREFIX}*/{STATE}")]
        return max((name for name in finished if name != current), default=None)


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


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
    name = f"{PREFIX}{stamp}-{os.urandom(4).hex()}"
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
    if previous is not None:
        _write_atomic(index_dir / PREVIOUS, previous + "\n")
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


def _write_atomic(path: Path, content: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.urandom(4).hex()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
