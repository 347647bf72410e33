"""The pipeline, store -> analyse -> index (-> what other packages add), in one place.

Every entry point runs it through here, so each stage has one definition and the index one
catch-up rule (``indexer.build.catch_up_index``):

- ``ingest_sources``: ``dossier ingest`` (store the sources, analyse, index, follow-ups);
- ``prepare_instance``: ``dossier setup`` (NLTK data and the entity model from
  ``webapp/instance.py``, then the demo collection, analyse, index, follow-ups);
- ``analyse_stored``: ``dossier analyse`` (analyse, index);
- ``update_index``: ``dossier index`` and ``dossier serve`` (index: ``create_app`` never builds
  it, it only says when it is stale);
- ``reanalyse_queued``: what corrections queued (jobs of kind "reanalyse"), drained by the web
  worker, by a request in ``inline`` mode, by ``dossier entities reanalyse`` and by corrections
  on the command line; the drain re-analyses and catches up the index by the same rule.

Each step is a callable with a ``name`` that takes the ``Run`` (the store, the configuration,
and what earlier steps changed) and returns a ``StepReport``: counts and elapsed seconds, so a
command prints one line per step, plus the library's own report in ``detail``.

Extension point: ``FOLLOW_UPS`` are steps run at the end of every run that stores documents
(ingest and setup). A follow-up reads ``run.changes`` (documents added, and documents that got
a new version) and usually queues jobs for a worker (``corpus.jobs.enqueue``) rather than doing
slow work inline. ``Reanchor`` (annotations) queues "re-anchor" jobs by its own catch-up rule
(the store ``seq`` it reached) and works through them, which is quick; a web worker drains the
same kind with the handler ``webapp/reanchoring.py`` registers. ``VerifyBriefs`` does the same
for briefs citing a changed document ("verify-briefs", ``webapp/brief_verification.py``).
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Protocol

from annotations import (
    AnnotationStore,
    BriefStore,
    queue_changed,
    queue_cited_changed,
    reanchor_queued,
    verify_queued,
)
from corpus import CorpusError, IngestProgress, Store, ingest
from corpus.entities import EntityStore
from corpus.jobs import QueuePolicy
from indexer import (
    IndexerError,
    IndexStatus,
    IndexUpdate,
    ModelInvalid,
    NltkResourceMissing,
    OnWait,
    catch_up_index,
    index_status,
)
from indexer.entities import (
    AnalysisReport,
    DrainReport,
    Recogniser,
    analyse_documents,
    drain,
    load_recogniser,
    model_path,
)
from indexer.progress import Progress as StepCounter  # what a library step calls
from webapp.config import ingest_limits
from webapp.instance import (
    Progress,
    entity_model,
    load_demo,
    open_store,
    remember_resources,
    require_resources,
)
from webapp.jobs import job_settings, worker_name

log = logging.getLogger(__name__)


OnStep = Callable[["StepReport"], object]
"""Called with each step's report when the step ends (a command prints a line per step)."""

_UNLOADED: Any = object()


@dataclass(frozen=True)
class StepReport:
    """What one step did: its name, elapsed seconds, counts, and the library's own report."""

    step: str
    seconds: float
    counts: Mapping[str, int]
    detail: Any = None


@dataclass(frozen=True)
class Changes:
    """What the store steps of a run changed: documents added, and those given a new version."""

    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()


@dataclass
class Run:
    """One pipeline run: where it works, what its steps changed, and their reports in order."""

    store: Store
    config: Mapping[str, Any]
    progress: Progress | None = None
    on_wait: OnWait | None = None  # told when the index is busy and the run waits for it
    recogniser: Recogniser | None = _UNLOADED  # the instance's model, loaded on first need
    changes: Changes = Changes()
    analysed: tuple[str, ...] = ()  # documents whose mentions were stored in this run
    index: IndexStatus | None = None  # the index as last seen (before a failed index step)
    reports: list[StepReport] = field(default_factory=list)
    error: str = ""  # why the run stopped early (``ingest_sources`` only)
    on_step: OnStep | None = None

    def do(self, step: Step) -> StepReport:
        """Run one step, time it, keep its report, log it and tell ``on_step``."""
        started = time.perf_counter()
        if self.progress is not None:
            self.progress(step.name, 0, 0, "")
        report = dataclasses.replace(step(self), seconds=round(time.perf_counter() - started, 3))
        self.reports.append(report)
        counts = ", ".join(f"{k} {v}" for k, v in report.counts.items())
        log.info("%s: %s in %.1f s", report.step, counts, report.seconds)
        if self.on_step is not None:
            self.on_step(report)
        return report

    def report(self, step: str) -> StepReport | None:
        """The report of the step named ``step``, if it ran."""
        return next((r for r in self.reports if r.step == step), None)

    def model(self) -> Recogniser | None:
        """The entity model analysis uses; raises ``ModelInvalid`` for an unreadable file."""
        if self.recogniser is _UNLOADED:
            self.recogniser = load_recogniser(self.config["MODELS_DIR"])
        return self.recogniser

    def step_progress(self, step: str) -> StepCounter | None:
        """``progress`` for one step, in the ``(done, total)`` form the libraries call."""
        progress = self.progress
        if progress is None:
            return None

        def report(done: int, total: int, note: str = "", /, *, share: float | None = None) -> None:
            progress(step, done, total, note, share=share)

        return report


class Step(Protocol):
    """One stage of the pipeline."""

    name: ClassVar[str]

    def __call__(self, run: Run) -> StepReport: ...


@dataclass(frozen=True)
class StoreSources:
    """Read files and folders into the store (``corpus.ingestion.ingest``); ``replace``: take a
    changed document from another file or url as the next version of the one its id names."""

    paths: Sequence[str | Path]
    replace: bool = False
    name: ClassVar[str] = "store"

    def __call__(self, run: Run) -> StepReport:
        found = ingest(
            self.paths,
            run.store,
            limits=ingest_limits(run.config),
            progress=_ingest_progress(run),
            replace=self.replace,
        )
        run.changes = _merge(run.changes, found.added, found.updated)
        counts = {"added": len(found.added), "updated": len(found.updated)}
        counts |= {"unchanged": len(found.unchanged), "failed": len(found.failed)}
        return StepReport(self.name, 0, counts | {"files": found.files}, found)


@dataclass(frozen=True)
class LoadDemo:
    """Put the demo collection into an empty store (``webapp.instance.load_demo``)."""

    name: ClassVar[str] = "demo"

    def __call__(self, run: Run) -> StepReport:
        added = load_demo(run.store, run.progress)
        run.changes = _merge(run.changes, added, ())
        return StepReport(self.name, 0, {"added": len(added)}, added)


@dataclass(frozen=True)
class Analyse:
    """Find and store the entities of the documents not analysed yet (or analysed by an older
    version of the analysis); ``everything``: of every document."""

    everything: bool = False
    name: ClassVar[str] = "analyse"

    def __call__(self, run: Run) -> StepReport:
        doc_ids = run.store.ids() if self.everything else None
        found: AnalysisReport = analyse_documents(
            run.store,
            EntityStore(run.store),
            doc_ids,
            recogniser=run.model(),
            progress=run.step_progress(self.name),
        )
        run.analysed = tuple(dict.fromkeys(run.analysed + found.document_ids))
        counts = {"documents": found.documents, "mentions": found.mentions}
        counts |= {"linked": found.linked, "failed": len(found.failed)}
        return StepReport(self.name, 0, counts, found)


@dataclass(frozen=True)
class Index:
    """Bring the index up to date by ``catch_up_index``, replacing the records of what this
    run analysed. ``update=False``: only report how it compares (``--no-index``)."""

    update: bool = True
    rebuild: bool = False
    build_missing: bool = True
    name: ClassVar[str] = "index"

    def __call__(self, run: Run) -> StepReport:
        index_dir = Path(run.config["INDEX_DIR"])
        run.index = status = index_status(run.store, index_dir)
        if not self.update:
            return StepReport(self.name, 0, {"skipped": 1}, IndexUpdate(status, status))
        found = catch_up_index(
            run.store,
            index_dir,
            analysed=run.analysed,
            rebuild=self.rebuild,
            build_missing=self.build_missing,
            progress=run.step_progress(self.name),
            wait=run.config["INDEX_WAIT_SECONDS"],
            on_wait=run.on_wait,
        )
        run.index = found.after
        counts = {"records": found.records, "caught_up": found.caught_up}
        counts |= {"rebuilt": int(found.is_rebuilt), "documents": found.after.doc_count}
        return StepReport(self.name, 0, counts, found)


@dataclass(frozen=True)
class Reanchor:
    """Place the annotations of documents that got a new version in it: queue them by the
    catch-up rule (``annotations.reanchor.queue_changed``: everything written since the last
    catch-up, whoever wrote it), then work through the "re-anchor" jobs here (fast: about a
    thousand annotations a second), so the command can say what moved, changed or was lost.
    A web worker may take some of the same jobs: claims keep them apart."""

    name: ClassVar[str] = "re-anchor"

    def __call__(self, run: Run) -> StepReport:
        astore = AnnotationStore(run.store)
        queued = queue_changed(astore)
        policy = job_settings(run.config).policy
        found = reanchor_queued(astore, worker=worker_name(), policy=policy)
        counts = {"queued": queued, "documents": len(found.documents), **found.statuses}
        if found.failures:
            counts["failed"] = len(found.failures)
        return StepReport(self.name, 0, counts, found)


@dataclass(frozen=True)
class VerifyBriefs:
    """Mark the briefs citing documents that got a new version as needing verification:
    queue "verify-briefs" jobs by the catch-up rule (``annotations.queue_cited_changed``),
    then work through them here (each citation of a changed document is checked in its new
    version). A web worker may take some of the same jobs: claims keep them apart."""

    name: ClassVar[str] = "verify-briefs"

    def __call__(self, run: Run) -> StepReport:
        bstore = BriefStore(AnnotationStore(run.store))
        queued = queue_cited_changed(bstore)
        policy = job_settings(run.config).policy
        found = verify_queued(bstore, worker=worker_name(), policy=policy)
        counts = {"queued": queued, "documents": len(found.documents), "briefs": found.briefs}
        counts |= found.statuses
        if found.failures:
            counts["failed"] = len(found.failures)
        return StepReport(self.name, 0, counts, found)


FOLLOW_UPS: tuple[Step, ...] = (Reanchor(), VerifyBriefs())
"""Steps run at the end of every run that stores documents (see the module docstring)."""


def ingest_sources(
    config: Mapping[str, Any],
    paths: Iterable[str | Path],
    *,
    analyse: bool = True,
    index: bool = True,
    replace: bool = False,
    progress: Progress | None = None,
    on_wait: OnWait | None = None,
    on_step: OnStep | None = None,
) -> Run:
    """``dossier ingest``: store the sources (``replace``: see ``StoreSources``), analyse what
    is new or changed, bring the index up to date (``index=False``: only report how it
    compares), then the follow-ups.

    What the later steps need (NLTK's data, a readable entity model) is checked before
    anything is stored: raises ``NltkResourceMissing`` or ``ModelInvalid`` saying nothing was
    stored. A step that fails with a package error later ends the run without raising:
    ``run.error`` says why, and the reports of the steps done stay, so the command can say
    what was stored. Raises ``StoreUnavailable`` when the store cannot be opened at all.
    """
    recogniser = _ready_to_analyse(config) if analyse else _UNLOADED
    with open_store(config, create=True) as store:
        run = Run(store, config, progress, on_wait, recogniser=recogniser, on_step=on_step)
        try:
            run.do(StoreSources(list(paths), replace))
            if analyse:
                run.do(Analyse())
            run.do(Index(update=index))
            follow_up(run)
        except (CorpusError, IndexerError) as exc:  # the command reports what was done
            run.error = str(exc)
    return run


@dataclass(frozen=True)
class PreparedInstance:
    """What ``prepare_instance`` found and did, for ``dossier setup`` to report."""

    home: str
    database: str  # the store's URL, password hidden
    downloaded: tuple[str, ...]  # NLTK packages fetched by this run
    nltk_data: tuple[str, ...]  # the folders NLTK's data was found in, recorded in HOME
    is_demo_wanted: bool
    demo_added: int  # documents the demo collection added (0 when the store was not empty)
    documents: int  # documents in the store afterwards
    index: IndexUpdate
    model: str | None = None  # the entity model in use; None: registry and rules only
    is_model_trained: bool = False  # trained by this run, from ``training_corpus``
    training_corpus: str | None = None  # NER_TRAIN_CORPUS
    analysed: int = 0  # documents whose entities this run analysed
    steps: tuple[StepReport, ...] = ()


def prepare_instance(
    config: Mapping[str, Any],
    *,
    download: bool = False,
    progress: Progress | None = None,
    on_wait: OnWait | None = None,
    on_step: OnStep | None = None,
) -> PreparedInstance:
    """``dossier setup``: make the instance ready to serve, doing only what is not done yet.

    NLTK resources (``download``: fetched with NLTK's downloader) and the entity model
    (trained from ``NER_TRAIN_CORPUS`` when there is none), then the demo collection into an
    empty store, the analysis of what is not analysed yet (of everything, with a model trained
    now, and then the index is rebuilt), the index, and the follow-ups. Raises
    ``NltkResourceMissing``, ``StoreUnavailable`` or ``IndexerError``.
    """
    downloaded = require_resources(config, download=download)
    nltk_data = remember_resources(config)
    model = _model_step(config, progress)
    if on_step is not None:
        on_step(model)
    recogniser, is_trained = model.detail
    is_demo_wanted = bool(config["DEMO_CORPUS"])
    with open_store(config, create=True) as store:
        run = Run(store, config, progress, on_wait, recogniser=recogniser, on_step=on_step)
        demo = run.do(LoadDemo()) if is_demo_wanted and store.count() == 0 else None
        analysis = run.do(Analyse(everything=is_trained))
        index = run.do(Index(rebuild=is_trained))
        follow_up(run)
        return PreparedInstance(
            home=config["HOME"],
            database=store.url,
            downloaded=downloaded,
            nltk_data=nltk_data,
            is_demo_wanted=is_demo_wanted,
            demo_added=demo.counts["added"] if demo else 0,
            documents=store.count(),
            index=index.detail,
            model=str(model_path(config["MODELS_DIR"])) if recogniser else None,
            is_model_trained=is_trained,
            training_corpus=config["NER_TRAIN_CORPUS"] or None,
            analysed=analysis.counts["documents"],
            steps=(model, *run.reports),
        )


def analyse_stored(
    config: Mapping[str, Any],
    *,
    everything: bool = False,
    progress: Progress | None = None,
    on_wait: OnWait | None = None,
    on_step: OnStep | None = None,
) -> Run:
    """``dossier analyse``: analyse what is not analysed yet (``everything``: all of it, and
    rebuild the index), then bring an existing index up to date (none is built)."""
    with open_store(config) as store:
        run = Run(store, config, progress, on_wait, on_step=on_step)
        run.do(Analyse(everything=everything))
        run.do(Index(rebuild=everything, build_missing=False))
    return run


def update_index(
    config: Mapping[str, Any],
    *,
    rebuild: bool = False,
    progress: Progress | None = None,
    on_wait: OnWait | None = None,
    on_step: OnStep | None = None,
) -> StepReport:
    """``dossier index`` and ``dossier serve``: build a missing index, catch up one behind
    the store (``rebuild``: build a new generation). Waits up to ``INDEX_WAIT_SECONDS`` for
    another process's build (telling ``on_wait``), then raises ``IndexBusy``."""
    with open_store(config) as store:
        run = Run(store, config, progress, on_wait, on_step=on_step)
        return run.do(Index(rebuild=rebuild))


def reanchor_changed(config: Mapping[str, Any]) -> StepReport:
    """``dossier serve`` and ``dossier annotations reanchor``: catch up the re-anchoring a
    stopped process left (``Reanchor``)."""
    with open_store(config) as store:
        return Run(store, config).do(Reanchor())


def verify_briefs_changed(config: Mapping[str, Any]) -> StepReport:
    """``dossier serve``: catch up the marking of briefs a stopped process left
    (``VerifyBriefs``)."""
    with open_store(config) as store:
        return Run(store, config).do(VerifyBriefs())


def follow_up(run: Run) -> None:
    """Run ``FOLLOW_UPS`` at the end of a run that stored documents."""
    for step in FOLLOW_UPS:
        run.do(step)


def reanalyse_queued(
    store: Store,
    entity_store: EntityStore,
    config: Mapping[str, Any],
    recogniser: Recogniser | None,
    *,
    worker: str,
    policy: QueuePolicy,
    batch: int,
    procs: int,
    document_ids: Iterable[str] | None = None,
    should_stop: Callable[[], bool] = lambda: False,
    progress: Callable[[DrainReport], None] | None = None,
) -> DrainReport:
    """Re-analyse the documents corrections queued (of ``document_ids`` only, if given) and
    bring the index up to date with their new mentions; failures stay queued and are reported.
    """
    return drain(
        store,
        entity_store,
        Path(config["INDEX_DIR"]),
        recogniser,
        worker=worker,
        policy=policy,
        batch=batch,
        procs=procs,
        document_ids=document_ids,
        should_stop=should_stop,
        progress=progress,
    )


def _ready_to_analyse(config: Mapping[str, Any]) -> Recogniser | None:
    """The entity model, after checking that NLTK's data is installed: what an ingest needs
    after storing, checked before it stores anything. Raises ``NltkResourceMissing`` or
    ``ModelInvalid``, saying that nothing was stored."""
    try:
        require_resources(config, demo=False)
        return load_recogniser(config["MODELS_DIR"])
    except (NltkResourceMissing, ModelInvalid) as exc:
        raise type(exc)(f"Nothing was stored. {exc}") from exc


def _model_step(config: Mapping[str, Any], progress: Progress | None) -> StepReport:
    """The entity model as a step of setup (``webapp.instance.entity_model``): loaded, or
    trained first (minutes, reported as step "train"); ``detail`` is ``(model, is_trained)``."""
    started = time.perf_counter()
    recogniser, is_trained = entity_model(config, progress)
    counts = {"trained": int(is_trained), "loaded": int(recogniser is not None and not is_trained)}
    seconds = round(time.perf_counter() - started, 3)
    return StepReport("model", seconds, counts, (recogniser, is_trained))


def _merge(changes: Changes, added: Iterable[str], updated: Iterable[str]) -> Changes:
    return Changes(
        tuple(dict.fromkeys([*changes.added, *added])),
        tuple(dict.fromkeys([*changes.updated, *updated])),
    )


def _ingest_progress(run: Run) -> Callable[[IngestProgress], None] | None:
    progress = run.progress
    if progress is None:
        return None

    def report(found: IngestProgress) -> None:
        note = f"file {found.files_done}/{found.files_total}, {found.failed} failed"
        progress("store", found.documents, 0, note)

    return report
