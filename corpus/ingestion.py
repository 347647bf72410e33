"""The ingest step: files and folders -> readers -> ``Store.put_many`` in batches -> a report.

Bad input never stops a run: each unreadable file, bad JSONL line or refused document is named in
``IngestReport.failed`` with its reason, and everything else goes in. Each batch is one store
transaction, so a document is either stored whole or not at all. Ingest only stores: analysis and
indexing are separate, explicit steps.

Files are read by their absolute paths, which become the stored origins, so a document is
recognised whatever folder ingest runs from. Before each batch is stored, ``corpus/identity.py``
chooses each draft's id (a file whose name's id belongs to another folder's file gets the
folder hash), and the store refuses a new version from another source unless ``replace``.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from corpus.identity import choose_id, lookup_ids
from corpus.limits import DecompressionBudget, IngestLimits
from corpus.model import DocumentDraft
from corpus.readers import ReadFailure, read_source
from corpus.sources import collect

log = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 250
_BATCH_CHARS = 32_000_000  # also flush a batch once its texts hold this many characters


class _Bar(Protocol):
    """What ingest needs from a tqdm-like progress bar."""

    def update(self, n: int) -> Any: ...


@dataclass(frozen=True)
class IngestProgress:
    """Where a running ingest is; given to a progress callback after each batch and file."""

    files_done: int
    files_total: int
    documents: int
    failed: int
    current: str


@dataclass(frozen=True)
class IngestReport:
    """What one ingest did: document ids by outcome, failures with reasons, files passed over.

    ``skipped`` lists every path inside the folders that was not read, with the reason (a file
    type Dossier does not read, a hidden file, a broken link, a named pipe: ``corpus.sources``);
    ``files`` counts the files that were read. ``ids_from_url`` and ``ids_from_text`` count the
    JSONL lines without an id whose id came from their url or from their text: an edit to one of
    the latter is stored as a new document, not a version.
    """

    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    failed: tuple[ReadFailure, ...] = ()
    skipped: tuple[ReadFailure, ...] = ()
    files: int = 0
    ids_from_url: int = 0
    ids_from_text: int = 0

    def summary(self) -> str:
        """One line for people: ``3 added, 1 updated, 0 unchanged, 2 failed (...)``."""
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.failed)} failed "
            f"({self.files} files read, {len(self.skipped)} skipped)"
        )


def ingest(
    paths: Iterable[str | os.PathLike[str]],
    store: Any,
    *,
    limits: IngestLimits | None = None,
    progress: Callable[[IngestProgress], object] | _Bar | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    replace: bool = False,
) -> IngestReport:
    """Read every supported file under ``paths`` into ``store`` and report what happened.

    Folders are walked in sorted order; ``progress`` is a callback taking ``IngestProgress`` or a
    tqdm-like object whose ``update(n)`` gets the number of documents done. ``replace`` stores
    a changed document as the next version of the one its id names even when it comes from
    another source (``corpus/identity.py``). Only the store's own errors (e.g.
    ``StoreUnavailable``) are raised.
    """
    limits = limits or IngestLimits()
    run = _Run(store, batch_size, progress, replace)
    sources = collect(paths)
    files, run.skipped, run.failed = sources.files, sources.skipped, sources.failed
    run.files_total = len(files)
    budget = DecompressionBudget(limits.max_decompressed_total_bytes)
    for number, path in enumerate(files):
        run.current = str(path)
        run.consume(read_source(path, limits, budget))
        run.files_done = number + 1
        run.report_progress(0)
    return run.finish(files=len(files))


def ingest_drafts(
    items: Iterable[DocumentDraft | ReadFailure],
    store: Any,
    *,
    progress: Callable[[IngestProgress], object] | _Bar | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    replace: bool = False,
) -> IngestReport:
    """Store drafts that come from elsewhere (e.g. ``demo_drafts``) exactly as ``ingest`` would."""
    run = _Run(store, batch_size, progress, replace)
    run.consume(items)
    return run.finish(files=0)


@dataclass
class _Run:
    """The mutable state of one ingest: the pending batch, ids seen, outcomes so far."""

    store: Any
    batch_size: int
    progress: Callable[[IngestProgress], object] | _Bar | None
    replace: bool = False
    files_total: int = 0
    files_done: int = 0
    current: str = ""
    batch: list[DocumentDraft] = field(default_factory=list)
    batch_chars: int = 0
    seen: dict[str, str] = field(default_factory=dict)
    outcomes: dict[str, list[str]] = field(
        default_factory=lambda: {"added": [], "updated": [], "unchanged": []}
    )
    failed: list[ReadFailure] = field(default_factory=list)
    skipped: list[ReadFailure] = field(default_factory=list)
    ids_from: Counter[str] = field(default_factory=Counter)

    def consume(self, items: Iterable[DocumentDraft | ReadFailure]) -> None:
        for item in items:
            if isinstance(item, ReadFailure):
                self.fail(item.origin, item.reason)
            else:
                self.add(item)

    def finish(self, files: int) -> IngestReport:
        """Store what is pending and freeze the outcome."""
        self.flush()
        return IngestReport(
            added=tuple(self.outcomes["added"]),
            updated=tuple(self.outcomes["updated"]),
            unchanged=tuple(self.outcomes["unchanged"]),
            failed=tuple(self.failed),
            skipped=tuple(self.skipped),
            files=files,
            ids_from_url=self.ids_from["url"],
            ids_from_text=self.ids_from["text"],
        )

    def add(self, draft: DocumentDraft) -> None:
        """Queue a draft; store the batch when it is full."""
        self.ids_from[draft.id_from or ""] += 1
        self.batch.append(draft)
        self.batch_chars += len(draft.text)
        if len(self.batch) >= self.batch_size or self.batch_chars >= _BATCH_CHARS:
            self.flush()

    def fail(self, origin: str, reason: str) -> None:
        log.info("ingest skipped %s: %s", origin, reason)
        self.failed.append(ReadFailure(origin, reason))

    def flush(self) -> None:
        """Choose the pending drafts' ids, then store them in one transaction."""
        if not self.batch:
            return
        batch, self.batch, self.batch_chars = self.batch, [], 0
        stored = self.store.provenance(i for d in batch for i in lookup_ids(d))
        kept = []
        for draft in batch:  # one by one: each claim counts for the drafts after it
            draft = choose_id(draft, stored, self.seen, replace=self.replace)
            if self.claim(draft):
                kept.append(draft)
        for draft, outcome in zip(
            kept, self.store.put_many(kept, replace=self.replace), strict=True
        ):
            if isinstance(outcome, Exception):
                reason = str(outcome).removeprefix(f"{draft.origin}: ")
                self.seen.pop(str(draft.id), None)
                self.fail(draft.origin, reason)
            else:
                self.outcomes[outcome.status].append(outcome.document.id)
        self.report_progress(len(batch))

    def claim(self, draft: DocumentDraft) -> bool:
        """Take the draft's id for this run, unless another source of the run already has it."""
        doc_id = str(draft.id)
        first = self.seen.setdefault(doc_id, draft.origin)
        if first != draft.origin:
            self.fail(
                draft.origin,
                f'id "{doc_id}" is already used by {first} in this ingest; give one of them '
                'another id (front matter "id:" or the JSONL "id" field)',
            )
        return first == draft.origin

    def report_progress(self, stored: int) -> None:
        if self.progress is None:
            return
        if hasattr(self.progress, "update"):
            if stored:
                self.progress.update(stored)
            return
        done = sum(len(ids) for ids in self.outcomes.values())
        self.progress(
            IngestProgress(self.files_done, self.files_total, done, len(self.failed), self.current)
        )
