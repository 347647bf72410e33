"""The entity analysis step: find the mentions of stored document versions and store them.

Entity extraction is the slowest stage of ingest by an order of magnitude (PERF-NOTES), so it
runs once per document version, right after the store and before the index, in a pool of
worker processes, and its output is stored (``corpus/entity_mentions.py``); the index and the
pages read the stored mentions. It is an explicit step: storing a document never triggers it.

- The parent reads documents and their corrections in batches and writes each batch's mentions
  in one transaction (``replace_many``); workers only compute, so no worker touches the database.
- Each worker gets the recogniser and the registry's alias matcher once, when it starts (the
  pool initializer). With the ``fork`` start method (Linux) that copies nothing; elsewhere they
  are sent to each worker once.
- Without a trained model (``recogniser=None``) the registry and the DATE/MONEY/PERCENT rules
  still find mentions.
- A document whose analysis fails (an error in NLTK or in our code on some text) is named with
  the error in the report and left unanalysed, so a later run tries it again; the rest of the
  batch is stored. Its text is still indexed, without entities.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from corpus.entities.analyses import MentionSet, replace_many, unanalysed
from corpus.entities.layers import layers_many
from corpus.entities.model import EntityCorrections
from corpus.entities.store import EntityStore
from corpus.model import Document
from indexer.build import catch_up_index
from indexer.entities.alias_matcher import AliasMatcher
from indexer.entities.analysis import ANALYSIS_VERSION, analyse_document
from indexer.entities.layers import TextLayer, decode, encode, layer_key
from indexer.errors import ModelMissing, describe
from indexer.lifetime import die_with_parent
from indexer.progress import Progress, TextShare

if TYPE_CHECKING:
    from corpus.store import Store
    from indexer.entities.recogniser import Recogniser

log = logging.getLogger(__name__)

MODEL_FILE = "entities.json.gz"  # the trained recogniser, in the instance's models folder
BATCH = 16  # documents per task sent to a worker
WRITE_EVERY = 256  # documents per transaction that stores mentions
MIN_PARALLEL_DOCS = 32  # fewer: analyse in this process (starting workers costs more)
MAX_BATCH_CHARS = 400_000  # also end a task once its texts hold this many characters

# ``progress(done, total, share=...)`` (indexer.progress) is called after each analysed batch
# (``BATCH`` documents) and each stored one: documents analysed (or failed) of ``total``.


@dataclass(frozen=True)
class AnalysisReport:
    """What an analysis run did: the documents analysed, the mentions stored, how it ran."""

    document_ids: tuple[str, ...]
    mentions: int
    linked: int  # mentions linked to a registry entity
    orphaned_tags: int  # analysts' tags whose quote is no longer in the text
    has_model: bool  # False: registry and rules only
    procs: int
    seconds: float
    failed: tuple[tuple[str, str], ...] = ()  # (document id, error): left unanalysed

    @property
    def documents(self) -> int:
        """How many document versions were analysed."""
        return len(self.document_ids)


def model_path(models_dir: str | Path) -> Path:
    """Where the instance's trained recogniser lives."""
    return Path(models_dir) / MODEL_FILE


def load_recogniser(models_dir: str | Path) -> Recogniser | None:
    """The instance's trained recogniser, or None when none has been trained.

    Raises ``ModelInvalid`` for a file that is there but unreadable (delete it and retrain).
    """
    from indexer.entities.recogniser import Recogniser

    try:
        return Recogniser.load(model_path(models_dir))
    except ModelMissing:
        return None


def analyse_documents(
    store: Store,
    entity_store: EntityStore,
    doc_ids: Iterable[str] | None = None,
    *,
    recogniser: Recogniser | None,
    procs: int = 2,
    progress: Progress | None = None,
) -> AnalysisReport:
    """Analyse and store the mentions of the current versions of ``doc_ids``, or, when None,
    of every current version not analysed yet (new and changed documents) or analysed by an
    older version of the analysis (``ANALYSIS_VERSION``).

    Uses the registry and the corrections as they are now. Raises ``StoreUnavailable`` when the
    database fails; mentions stored by earlier batches stay stored.
    """
    started = time.perf_counter()
    if doc_ids is None:
        ids = [doc_id for doc_id, _ in unanalysed(entity_store, analysis_version=ANALYSIS_VERSION)]
    else:
        ids = list(dict.fromkeys(doc_ids))
    registry = entity_store.registry()
    matcher = AliasMatcher(registry.entities, registry.revision)
    workers = procs if procs > 1 and len(ids) >= MIN_PARALLEL_DOCS else 1
    run = _Run(entity_store, store.text_sizes(ids), progress)
    batches = _batches(store, entity_store, ids, layer_key(recogniser, ANALYSIS_VERSION))
    if workers == 1:  # in this process (and thread): no worker state involved
        for batch in batches:
            run.collect(_analyse_batch(batch, recogniser, matcher))
    else:
        with _pool(workers, recogniser, matcher) as pool:
            for found in _ordered(pool, batches, window=4 * workers):
                run.collect(found)
    run.flush()
    return AnalysisReport(
        tuple(run.done),
        run.mentions,
        run.linked,
        run.orphaned,
        recogniser is not None,
        workers,
        round(time.perf_counter() - started, 3),
        tuple(run.failed),
    )


@dataclass(frozen=True)
class ReindexReport:
    """What ``reindex_documents`` did: the analysis, and the index records it replaced
    (``is_rebuilt``: it built a whole new index; ``has_index``: False when there was none)."""

    analysis: AnalysisReport
    indexed: int
    is_rebuilt: bool = False
    has_index: bool = True


def reindex_documents(
    store: Store,
    entity_store: EntityStore,
    index_dir: str | Path,
    doc_ids: Iterable[str] | None,
    recogniser: Recogniser | None,
    *,
    procs: int = 2,
    progress: Progress | None = None,
) -> ReindexReport:
    """Re-analyse these documents (after a correction), store their mentions and bring the
    index up to date (``catch_up_index``: their records replaced, and whatever else the index
    is behind); ``doc_ids=None`` (a correction that affects everything) re-analyses every
    document and rebuilds the index. Without an index, only the mentions are stored.

    Raises ``IndexBusy`` when another process holds the index.
    """
    ids = store.ids() if doc_ids is None else sorted(set(doc_ids))
    analysis = analyse_documents(
        store, entity_store, ids, recogniser=recogniser, procs=procs, progress=progress
    )
    update = catch_up_index(
        store,
        index_dir,
        analysed=analysis.document_ids,
        rebuild=doc_ids is None,
        build_missing=False,
        procs=procs,
    )
    if not update.after.exists:
        return ReindexReport(analysis, 0, has_index=False)
    if update.is_rebuilt:
        return ReindexReport(analysis, update.after.doc_count, is_rebuilt=True)
    return ReindexReport(analysis, update.records + update.caught_up)


_Batch = list[tuple[Document, EntityCorrections, bytes | None]]
_Failed = tuple[str, str]  # (document id, error)
_Analysed = tuple[list[MentionSet], list[_Failed]]


class _Run:
    """Stores finished analyses every ``WRITE_EVERY`` documents and counts what it stored."""

    def __init__(
        self, entity_store: EntityStore, sizes: Mapping[str, int], progress: Progress | None
    ) -> None:
        self.entity_store = entity_store
        self.total = len(sizes)
        self.sizes = sizes
        self.text = TextShare(sum(sizes.values()))
        self.progress = progress
        self.pending: list[MentionSet] = []
        self.done: list[str] = []
        self.failed: list[_Failed] = []
        self.mentions = self.linked = self.orphaned = 0

    def collect(self, analysed: _Analysed) -> None:
        found, failed = analysed
        self.failed.extend(failed)
        self.pending.extend(found)
        ids = [item.document_id for item in found] + [doc_id for doc_id, _ in failed]
        self.text.add(sum(self.sizes.get(doc_id, 0) for doc_id in ids))
        if len(self.pending) >= WRITE_EVERY:
            self.flush()
        elif self.progress is not None:  # analysed, not stored yet: a batch takes seconds
            tried = len(self.done) + len(self.pending) + len(self.failed)
            self.progress(tried, self.total, share=self.text.share)

    def flush(self) -> None:
        if self.pending:
            replace_many(self.entity_store, self.pending)
            for item in self.pending:
                self.done.append(item.document_id)
                self.mentions += len(item.mentions)
                self.linked += sum(1 for m in item.mentions if m.entity_id)
                self.orphaned += sum(1 for span in item.tag_locations.values() if span is None)
            self.pending = []
        if self.progress is not None:
            self.progress(len(self.done) + len(self.failed), self.total, share=self.text.share)


def _batches(
    store: Store, entity_store: EntityStore, ids: Sequence[str], key: str | None
) -> Iterator[_Batch]:
    """Documents with their corrections and their stored text layers made with ``key``,
    ``BATCH`` at a time (fewer when texts are long)."""
    for start in range(0, len(ids), BATCH):
        documents = store.get_many(ids[start : start + BATCH])
        corrections = entity_store.corrections_for_many(documents)
        versions = [(d.id, d.version) for d in documents.values()]
        stored = layers_many(entity_store, versions, key) if key is not None else {}
        batch: _Batch = []
        chars = 0
        for document in documents.values():
            layer = stored.get((document.id, document.version))
            batch.append((document, corrections[document.id], layer))
            chars += len(document.text)
            if chars >= MAX_BATCH_CHARS:
                yield batch
                batch, chars = [], 0
        if batch:
            yield batch


# -- the worker side ----------------------------------------------------------------------------

_recogniser: Recogniser | None = None
_matcher: AliasMatcher | None = None


def _init_worker(recogniser: Recogniser | None, matcher: AliasMatcher | None, parent: int) -> None:
    """Pool initializer: keep this run's recogniser and matcher for every task of the worker,
    and die with ``parent`` (a killed ingest must not leave its workers waiting forever).

    Everything the worker starts with, the model's ~150,000 weight rows included, lives as long
    as the worker: ``gc.freeze`` keeps the collector from walking it again on every full
    collection (analysis ran ~8% faster on a fresh worker).
    """
    global _recogniser, _matcher
    die_with_parent(parent)
    _recogniser, _matcher = recogniser, matcher
    gc.freeze()


def _worker_batch(batch: _Batch) -> _Analysed:
    """A pool task: analyse with the worker's recogniser and matcher."""
    return _analyse_batch(batch, _recogniser, _matcher)


def _analyse_batch(
    batch: _Batch, recogniser: Recogniser | None, matcher: AliasMatcher | None
) -> _Analysed:
    out = []
    failed = []
    key = layer_key(recogniser, ANALYSIS_VERSION)
    for document, corrections, stored in batch:
        try:
            layer = _stored_layer(document, stored)
            found = analyse_document(document, recogniser, matcher, corrections, layer=layer)
        except Exception as exc:  # one document's text must not stop the batch
            error = describe(exc)
            log.warning("entity analysis of %s failed: %s", document.id, error)
            log.debug("entity analysis of %s failed", document.id, exc_info=exc)
            failed.append((document.id, error))
            continue
        made = None if layer is not None or key is None or found.layer is None else found.layer
        out.append(
            MentionSet(
                document.id,
                document.version,
                found.mentions,
                found.sentences,
                found.tag_locations,
                ANALYSIS_VERSION,
                found.turns,
                None if made is None or key is None else (key, encode(made)),
            )
        )
    return out, failed


def _stored_layer(document: Document, stored: bytes | None) -> TextLayer | None:
    """The document's stored text layer, or None (none, or unreadable: analyse anew)."""
    if stored is None:
        return None
    try:
        return decode(stored, document.text)
    except ValueError as exc:
        log.warning("the stored text layer of %s is unreadable: %s", document.id, exc)
        return None


def _pool(
    workers: int, recogniser: Recogniser | None, matcher: AliasMatcher
) -> ProcessPoolExecutor:
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    return ProcessPoolExecutor(
        workers,
        mp_context=context,
        initializer=_init_worker,
        initargs=(recogniser, matcher, os.getpid()),
    )


def _ordered(
    pool: ProcessPoolExecutor, batches: Iterator[_Batch], *, window: int
) -> Iterator[_Analysed]:
    """Results of the batches in order, with at most ``window`` batches in flight (so a large
    corpus is never read into memory at once)."""
    pending: list[Future[_Analysed]] = []
    try:
        for batch in batches:
            pending.append(pool.submit(_worker_batch, batch))
            if len(pending) >= window:
                yield pending.pop(0).result()
        while pending:
            yield pending.pop(0).result()
    finally:
        for future in pending:
            future.cancel()
