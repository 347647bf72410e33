"""Build, rebuild and catch up the index from the store; ``record()`` is the one index record.

- A build writes a fresh generation with both cores (``procs=2``: Whoosh's multi-process writer,
  one segment per process, no final merge) and swaps ``CURRENT`` (``indexer/generations.py``).
- An update replaces the records of documents written since the ``seq`` in ``state.json``. It
  commits without merging segments, because a merge deletes segment files that searchers opened
  earlier read lazily (``compound=False`` segments); when updates have left more than
  ``MAX_SEGMENTS`` segments, their small segments are merged in a clone of the generation (hard
  links to its files) that then goes live, so re-indexing a few documents after each correction
  never costs a rebuild.
- ``state.json`` is written after each Whoosh commit. A crash in between only makes the next
  update index the same documents again (``update_document`` replaces by ``id``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from whoosh.index import create_in, open_dir

from corpus.entities.model import Mention, Turn
from corpus.model import Document
from indexer.entities.refs import entity_fields
from indexer.errors import IndexBusy, IndexerError
from indexer.generations import (
    IndexState,
    compact,
    current_generation,
    discard,
    leftovers,
    new_generation,
    publish,
    read_state,
    remove_leftovers,
    segment_count,
    utc_now,
    write_state,
)
from indexer.live import live_generation
from indexer.progress import Progress, TextShare
from indexer.schema import SCHEMA_VERSION, WORD_RE, build_schema, date_desc_key
from indexer.turns.fields import said_fields

if TYPE_CHECKING:
    from corpus.store import Store

log = logging.getLogger(__name__)

WRITING = "writing the index files"
"""The note of the last progress call, when the writers turn their postings into index files:
minutes at 60k documents with nothing to count, so a user sees why."""
MERGING = "merging the index's small segments"  # after updates left too many: seconds
REBUILDING = "rebuilding the index (its segments could not be merged)"  # minutes at 60k
OnWait = Callable[[str], object]
"""Called once, with a sentence naming the holder, when the index lock is busy and the caller
starts waiting for it."""

# Posting buffer per writer process (~330 MB resident at 256). Past it Whoosh spills sorted runs
# and merges them in Python: kremlin (18.5 MB of text) took 46 s of CPU at 128, 29 s at 256.
LIMIT_MB = 256
MAX_SEGMENTS = 8  # more after an update: merge the small ones in a new generation
MIN_PARALLEL_DOCS = 200  # fewer: Whoosh hands out batches of 100, so one process would do it all
PROGRESS_EVERY = 100
RECORD_BATCH = 500  # documents whose stored mentions are read in one query


@dataclass(frozen=True)
class IndexStatus:
    """How the index compares with the store; ``is_current`` means safe to serve as is."""

    index_dir: str
    exists: bool
    generation: str | None
    indexed_seq: int
    store_seq: int
    doc_count: int
    store_count: int
    schema_version_ok: bool
    is_current: bool


def record(
    document: Document,
    mentions: Iterable[Mention] = (),
    names: Mapping[str, str] | None = None,
    *,
    turns: Sequence[Turn] = (),
    known_words: set[str] | None = None,
) -> dict[str, Any]:
    """The index record of one document version (fields in ``indexer/schema.py``): its own
    fields, the entity fields of its stored ``mentions``, with the canonical ``names`` of the
    registry entities they link to (entity id -> name), and the fields of its speaker ``turns``.

    ``known_words``: the words one writer has already put in the ``words`` vocabulary; this
    record adds only the others (and records them there)."""
    words = _surface_words(f"{document.title}\n{document.text}")
    if known_words is not None:
        words = {w: None for w in words if w not in known_words}
        known_words.update(words)
    fields: dict[str, Any] = {
        "id": document.id,
        "version": document.version,
        "seq": document.seq,
        "kind": document.kind,
        "text": document.text,
    }
    if words:
        fields["words"] = " ".join(words)
    if document.title and not document.is_title_derived:
        fields["title"] = document.title
    if document.date is not None:
        day = document.date.value
        fields["date"] = dt.datetime(day.year, day.month, day.day)
        fields["date_desc"] = date_desc_key(day)
        fields["year"] = f"{day.year:04d}"
    for name in ("speaker", "source"):
        value = getattr(document, name).strip()
        if value:
            fields[name] = value
            fields[f"{name}_text"] = value
    if document.language:
        fields["language"] = document.language
    tags = ",".join(tag.replace(",", " ").strip() for tag in document.tags if tag.strip())
    if tags:
        fields["tags"] = tags
    fields.update(entity_fields(mentions, names or {}))
    fields.update(said_fields(document.text, turns, names or {}))
    return fields


def _surface_words(text: str) -> dict[str, None]:
    """The distinct words of ``text`` lowercased, in order. An ASCII text is lowercased once
    (the same words: ASCII lowercasing changes no word boundary), not word by word."""
    if text.isascii():
        return dict.fromkeys(WORD_RE.findall(text.lower()))
    return dict.fromkeys(w.lower() for w in WORD_RE.findall(text))


def index_status(store: Store, index_dir: Path | str) -> IndexStatus:
    """Compare the live generation's ``state.json`` with the store (no Whoosh files opened)."""
    index_dir = Path(index_dir)
    generation = current_generation(index_dir)
    state = read_state(index_dir, generation) if generation else None
    store_seq, store_count = store.max_seq(), store.count()
    schema_ok = state is not None and state.schema_version == SCHEMA_VERSION
    indexed_seq = state.seq if state else 0
    doc_count = state.doc_count if state else 0
    return IndexStatus(
        index_dir=str(index_dir),
        exists=state is not None,
        generation=generation if state else None,
        indexed_seq=indexed_seq,
        store_seq=store_seq,
        doc_count=doc_count,
        store_count=store_count,
        schema_version_ok=schema_ok,
        is_current=schema_ok and indexed_seq == store_seq and doc_count == store_count,
    )


@contextlib.contextmanager
def locked(index_dir: Path, *, wait: float = 0.0, on_wait: OnWait | None = None) -> Iterator[None]:
    """Hold the index lock (``indexer/lock.py``), first removing what interrupted builds left:
    with the lock held, no other process is building, so every leftover is abandoned."""
    from indexer.lock import index_lock  # filelock: loaded by writers, not by every search

    with index_lock(index_dir, wait=wait, on_wait=on_wait):
        remove_leftovers(index_dir)
        yield


def tidy(index_dir: Path | str) -> list[str]:
    """Remove what interrupted builds left, unless another process holds the index lock (then
    it may be building one of them: the next process to take the lock removes them). Returns
    the names removed."""
    index_dir = Path(index_dir)
    if not leftovers(index_dir):
        return []
    from indexer.lock import index_lock

    try:
        with index_lock(index_dir):
            return [leftover.name for leftover in remove_leftovers(index_dir)]
    except IndexBusy:
        return []


def build_index(
    store: Store,
    index_dir: Path | str,
    *,
    procs: int = 2,
    progress: Progress | None = None,
    wait: float = 0.0,
    on_wait: OnWait | None = None,
) -> IndexStatus:
    """Build a fresh generation from the store and make it live.

    Waits up to ``wait`` seconds for another process's build or update (telling ``on_wait``),
    then raises ``IndexBusy``.
    """
    index_dir = Path(index_dir)
    with locked(index_dir, wait=wait, on_wait=on_wait):
        _build(store, index_dir, procs, progress)
    return index_status(store, index_dir)


def update_index(
    store: Store,
    index_dir: Path | str,
    *,
    procs: int = 2,
    progress: Progress | None = None,
    wait: float = 0.0,
    on_wait: OnWait | None = None,
) -> int:
    """Index the documents written since the last build or update; returns how many.

    Raises ``IndexMissing`` when there is no usable index to update, ``IndexBusy`` when another
    process holds the index for longer than ``wait`` seconds (``on_wait``: as ``build_index``).
    """
    index_dir = Path(index_dir)
    with locked(index_dir, wait=wait, on_wait=on_wait):
        return _update(store, index_dir, procs, progress)


def update_records(
    store: Store,
    index_dir: Path | str,
    doc_ids: Iterable[str],
    *,
    procs: int = 2,
    progress: Progress | None = None,
    indexed_only: bool = False,
    wait: float = 0.0,
    on_wait: OnWait | None = None,
) -> int:
    """Replace the records of these documents (current versions) in the live index, after
    their stored mentions changed; returns how many. The index's ``seq`` stays: documents
    written since are still caught up by ``update_index``. ``indexed_only``: leave out the
    documents written since (the catch-up that follows indexes them once).

    Raises ``IndexMissing`` when there is no usable index, ``IndexBusy`` when another process
    holds it for longer than ``wait`` seconds (``on_wait``: as ``build_index``).
    """
    index_dir = Path(index_dir)
    ids = list(dict.fromkeys(doc_ids))
    with locked(index_dir, wait=wait, on_wait=on_wait):
        generation, state = live_generation(index_dir)
        if not ids:
            return 0
        documents = (
            document
            for start in range(0, len(ids), RECORD_BATCH)
            for document in store.get_many(ids[start : start + RECORD_BATCH]).values()
            if not indexed_only or document.seq <= state.seq
        )
        work = (len(ids), TextShare(sum(store.text_sizes(ids).values())))
        return _replace(store, index_dir, generation, state, documents, work, procs, progress)


@dataclass(frozen=True)
class IndexUpdate:
    """What ``catch_up_index`` did: the index before and after, and how it got there."""

    before: IndexStatus
    after: IndexStatus
    records: int = 0  # records of analysed documents replaced in place
    caught_up: int = 0  # documents written since the index's seq, indexed in place
    is_rebuilt: bool = False  # a new generation was built (whole index)


def catch_up_index(
    store: Store,
    index_dir: Path | str,
    *,
    analysed: Iterable[str] = (),
    rebuild: bool = False,
    build_missing: bool = True,
    procs: int = 2,
    progress: Progress | None = None,
    wait: float = 0.0,
    on_wait: OnWait | None = None,
) -> IndexUpdate:
    """Make the index current with the store: the one rule every caller uses.

    - No index, or one of another schema version: build one (unless not ``build_missing``:
      then leave it, e.g. re-analysis on an instance never indexed). ``rebuild``: build a new
      generation whatever the state.
    - ``analysed``: documents whose stored mentions just changed; those the index holds get
      their records replaced, or, when they are most of the index, a new generation is built
      (two processes build faster than one updates).
    - Behind the store by at most the documents it holds (or ``MIN_PARALLEL_DOCS``): index the
      documents written since, in place. Further behind, or holding another store's documents:
      build a new generation.

    What interrupted builds left is removed first (``tidy``). Each step re-reads the index's
    state under the lock, so waiting for another process's update (up to ``wait`` seconds,
    telling ``on_wait``) never indexes a document twice. Raises ``IndexBusy`` when another
    process holds the index longer.
    """
    index_dir = Path(index_dir)
    tidy(index_dir)
    before = status = index_status(store, index_dir)
    if not (status.exists and status.schema_version_ok) and not build_missing:
        return IndexUpdate(before, before)
    ids = list(dict.fromkeys(analysed))
    reason = "asked for" if rebuild else _rebuild_reason(status, len(ids))
    options: dict[str, Any] = {"procs": procs, "wait": wait, "on_wait": on_wait}
    records = 0
    if ids and not reason:
        records = update_records(store, index_dir, ids, indexed_only=True, **options)
        status = index_status(store, index_dir)
    if not reason and status.is_current:
        return IndexUpdate(before, status, records=records)
    if not reason and status.store_seq > status.indexed_seq:
        log.info("index %s is behind the store: catching up", index_dir)
        caught_up = update_index(store, index_dir, progress=progress, **options)
        return IndexUpdate(before, index_status(store, index_dir), records, caught_up)
    log.info("building a new generation of index %s: %s", index_dir, reason or _mismatch(status))
    after = build_index(store, index_dir, progress=progress, **options)
    return IndexUpdate(before, after, is_rebuilt=True)


def _rebuild_reason(status: IndexStatus, analysed: int) -> str:
    """Why the index must be built anew rather than updated in place; "" if it need not."""
    limit = max(MIN_PARALLEL_DOCS, status.doc_count)  # beyond: two processes build faster
    if not status.exists:
        return "there is none"
    if not status.schema_version_ok:
        return "it was built with another schema version"
    if status.store_seq - status.indexed_seq > limit:
        return f"it is {status.store_seq - status.indexed_seq} writes behind the store"
    if 2 * analysed > limit:
        return f"{analysed} of its documents were analysed again"
    return ""


def _mismatch(status: IndexStatus) -> str:
    return (
        f"it does not match the store (index seq {status.indexed_seq}, {status.doc_count} "
        f"documents; store seq {status.store_seq}, {status.store_count} documents)"
    )


def _build(store: Store, index_dir: Path, procs: int, progress: Progress | None) -> None:
    # Documents written after this seq are left to the next update: iter_documents() may yield
    # a document rewritten during the build twice, and add_document() cannot replace.
    target, total = store.max_seq(), store.count()
    text = TextShare(sum(store.text_sizes().values()))
    generation = new_generation(index_dir)
    started = utc_now()
    try:
        ix = create_in(str(index_dir / generation), build_schema())
        parallel = procs > 1 and total >= MIN_PARALLEL_DOCS
        options: dict[str, Any] = {"procs": procs, "multisegment": True} if parallel else {}
        writer = ix.writer(limitmb=LIMIT_MB, compound=False, **options)
        try:
            documents = _upto(store.iter_documents(), target)
            records = _records(store, documents)
            added = _feed(writer.add_document, records, total, text, progress)
        except BaseException:
            _cancel(writer)
            raise
        if progress is not None:
            progress(added, total, WRITING, share=text.share)
        writer.commit()
        if ix.doc_count() != added:
            raise IndexerError(
                f"The index build at {index_dir / generation} lost documents: {added} were "
                f'added but {ix.doc_count()} are indexed. Run "dossier index --rebuild" again.'
            )
        write_state(
            index_dir, generation, IndexState(target, added, SCHEMA_VERSION, started, utc_now())
        )
    except BaseException:
        discard(index_dir, generation)
        raise
    publish(index_dir, generation)
    log.info("built index generation %s: %d documents up to seq %d", generation, added, target)


def _update(store: Store, index_dir: Path, procs: int, progress: Progress | None) -> int:
    generation, state = live_generation(index_dir)
    target = store.max_seq()
    if target <= state.seq:
        return 0
    docs = _upto(store.iter_documents(since_seq=state.seq), target)
    sizes = store.text_sizes(since_seq=state.seq)
    work = (len(sizes), TextShare(sum(sizes.values())))
    count = _replace(
        store, index_dir, generation, replace(state, seq=target), docs, work, procs, progress
    )
    log.info("updated index generation %s: %d documents up to seq %d", generation, count, target)
    return count


def _replace(
    store: Store,
    index_dir: Path,
    generation: str,
    state: IndexState,
    documents: Iterator[Document],
    work: tuple[int, TextShare],
    procs: int,
    progress: Progress | None,
) -> int:
    """Replace (or add) the records of ``documents`` in ``generation`` (``work``: how many,
    and their text), then save ``state``; rebuilds into a new generation when updates have
    left too many segments."""
    total, text = work
    ix = open_dir(str(index_dir / generation))
    writer = ix.writer(limitmb=LIMIT_MB, compound=False)
    try:
        count = _feed(writer.update_document, _records(store, documents), total, text, progress)
    except BaseException:
        _cancel(writer)
        raise
    if progress is not None:
        progress(count, total, WRITING, share=text.share)
    writer.commit(merge=False)
    write_state(
        index_dir, generation, replace(state, doc_count=ix.doc_count(), updated_at=utc_now())
    )
    if segment_count(ix) > MAX_SEGMENTS:
        if progress is not None:
            progress(count, total, MERGING, share=text.share)
        if not compact(index_dir, generation, limitmb=LIMIT_MB, max_segments=MAX_SEGMENTS):
            log.warning("index generation %s has too many large segments: rebuilding", generation)
            _build(store, index_dir, procs, _noted(progress, REBUILDING))
    return count


def _noted(progress: Progress | None, note: str) -> Progress | None:
    """``progress`` with ``note`` on every call that has none of its own."""
    if progress is None:
        return None
    told = progress

    def report(done: int, total: int, said: str = "", /, *, share: float | None = None) -> None:
        told(done, total, said or note, share=share)

    return report


def _cancel(writer: Any) -> None:
    """Cancel a writer, stopping its worker processes first: Whoosh's multi-process writer only
    flags its own copies of them, so they would wait for work forever."""
    for task in getattr(writer, "tasks", ()):
        task.terminate()
        task.join()
    writer.cancel()


def _upto(documents: Iterator[Document], target: int) -> Iterator[Document]:
    """Documents in ``seq`` order, up to and including ``target``."""
    for document in documents:
        if document.seq > target:
            return
        yield document


def _records(store: Store, documents: Iterator[Document]) -> Iterator[dict[str, Any]]:
    """The records of ``documents``, their stored mentions read ``RECORD_BATCH`` at a time."""
    from corpus.entities.analyses import mentions_many  # SQLAlchemy: not for opening an index
    from corpus.entities.dialogue import turns_many
    from corpus.entities.store import EntityStore

    entity_store = EntityStore(store)
    names = {e.id: e.name for e in entity_store.registry().entities}
    known: set[str] = set()  # one writer: each vocabulary word goes in once
    while batch := list(itertools.islice(documents, RECORD_BATCH)):
        versions = [(d.id, d.version) for d in batch]
        found = mentions_many(entity_store, versions)
        spoken = turns_many(entity_store, versions)
        for document in batch:
            key = (document.id, document.version)
            yield record(document, found[key], names, turns=spoken[key], known_words=known)


def _feed(
    add: Callable[..., None],
    records: Iterator[dict[str, Any]],
    total: int,
    text: TextShare,
    progress: Progress | None,
) -> int:
    done = 0
    for fields in records:
        add(**fields)
        done += 1
        text.add(len(fields["text"]))
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, total, share=text.share)
    if progress is not None:
        progress(done, total, share=text.share)
    return done
