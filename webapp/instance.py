"""The instance folder: opening its store, and the first-run step that makes it ready to serve.

``prepare_instance`` is what ``dossier setup`` (and so ``make run``) does: NLTK resources, the
store at its newest schema, the demo collection when the store is empty, the entity model
(trained from ``NER_TRAIN_CORPUS`` when there is none), the entities of documents not analysed
yet, and an index that is neither missing nor behind the store. Each step is an explicit call;
nothing here prints.
"""

from __future__ import annotations

import functools
import itertools
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpus.demo import demo_drafts
from corpus.entities.store import EntityStore
from corpus.errors import StoreUnavailable
from corpus.store import PutOutcome, Store
from indexer.analyse import (
    DEMO_RESOURCES,
    RESOURCES,
    download_resources,
    missing_resources,
    resource_dir,
)
from indexer.build import (
    MIN_PARALLEL_DOCS,
    IndexStatus,
    OnWait,
    build_index,
    index_status,
    tidy,
    update_index,
    update_records,
)
from indexer.entities.extraction import analyse_documents, load_recogniser, model_path
from indexer.entities.recogniser import Recogniser, train
from indexer.errors import ModelInvalid, NltkResourceMissing
from webapp.config import ConfigError

Progress = Callable[[str, int, int], object]
"""Called as ``progress(step, done, total)`` in the long steps: ``"demo"`` (documents stored,
total 0: unknown), ``"train"`` (training passes done of ``total``), ``"analyse"`` (documents
analysed for entities of ``total``) and ``"index"`` (documents indexed of ``total``)."""

DEMO_BATCH = 250  # demo documents per store transaction
TRAINING_PASSES = 5  # passes when setup trains the entity model (~2 minutes on the GMB corpus)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PreparedInstance:
    """What ``prepare_instance`` found and did, for ``dossier setup`` to report."""

    home: str
    database: str  # the store's URL, password hidden
    downloaded: tuple[str, ...]  # NLTK packages fetched by this run
    is_demo_wanted: bool
    demo_added: int  # documents the demo collection added (0 when the store was not empty)
    documents: int  # documents in the store afterwards
    index_before: IndexStatus
    index: IndexStatus
    model: str | None = None  # the entity model in use; None: registry and rules only
    is_model_trained: bool = False  # trained by this run, from ``training_corpus``
    training_corpus: str | None = None  # NER_TRAIN_CORPUS
    analysed: int = 0  # documents whose entities this run analysed
    is_index_rebuilt: bool = False  # rebuilt because a new model re-analysed every document


def open_store(config: Mapping[str, Any], *, create: bool = False) -> Store:
    """The instance's store. Unless ``create``, a SQLite file that does not exist is an error
    rather than a new empty database (a mistyped DOSSIER_HOME should not look like no hits).

    Raises ``StoreUnavailable`` naming the instance and the command that creates it.
    """
    url = config["DATABASE_URL"]
    path = sqlite_path(url)
    if path is not None and not path.exists():
        if not create:
            raise StoreUnavailable(
                f"No Dossier instance at {config['HOME']}: the database {path} does not exist. "
                'Run "dossier setup" to create it, or set DOSSIER_HOME to an existing instance.'
            )
        path.parent.mkdir(parents=True, exist_ok=True)
    return Store.open(url)


def sqlite_path(url: str) -> Path | None:
    """The database file of a ``sqlite:///`` URL; None for other databases and in-memory ones."""
    scheme, _, rest = url.partition(":///")
    if scheme.split("+")[0] != "sqlite":
        return None
    path = rest.split("?")[0]
    return Path(path) if path and path != ":memory:" else None


def prepare_instance(
    config: Mapping[str, Any], *, download: bool = False, progress: Progress | None = None
) -> PreparedInstance:
    """Make the instance ready to serve, doing only what is not done yet.

    With ``download``, missing NLTK resources are fetched with NLTK's own downloader (the only
    place Dossier downloads anything). Raises ``NltkResourceMissing`` when some are still
    missing, ``StoreUnavailable`` or ``IndexerError`` when the store or index cannot be prepared.
    """
    is_demo_wanted = bool(config["DEMO_CORPUS"])
    resources = RESOURCES + (DEMO_RESOURCES if is_demo_wanted else ())
    downloaded = tuple(download_resources(resources)) if download else ()
    _require_resources(resources, is_demo_wanted)

    recogniser, is_trained = entity_model(config, progress)
    with open_store(config, create=True) as store:
        index_dir = Path(config["INDEX_DIR"])
        demo_added = load_demo(store, progress) if is_demo_wanted and store.count() == 0 else 0
        # A model trained just now re-analyses every document (some may have been analysed
        # with the rules only), and then the whole index is stale; else what is new, and what an
        # older version of the analysis did (its index records are replaced).
        analysis = analyse_documents(
            store,
            EntityStore(store),
            store.ids() if is_trained else None,
            recogniser=recogniser,
            progress=_step(progress, "analyse"),
        )
        index_before = index_status(store, index_dir)
        is_rebuilt = is_trained and index_before.exists
        if is_rebuilt:
            build_index(store, index_dir, progress=_step(progress, "index"))
        else:
            catch_up_index(
                store,
                index_dir,
                analysed=analysis.document_ids,
                progress=_step(progress, "index"),
            )
        return PreparedInstance(
            home=config["HOME"],
            database=store.url,
            downloaded=downloaded,
            is_demo_wanted=is_demo_wanted,
            demo_added=demo_added,
            documents=store.count(),
            index_before=index_before,
            index=index_status(store, index_dir),
            model=str(model_path(config["MODELS_DIR"])) if recogniser else None,
            is_model_trained=is_trained,
            training_corpus=config["NER_TRAIN_CORPUS"] or None,
            analysed=analysis.documents,
            is_index_rebuilt=is_rebuilt,
        )


def entity_model(
    config: Mapping[str, Any], progress: Progress | None = None
) -> tuple[Recogniser | None, bool]:
    """The instance's entity model, trained from ``NER_TRAIN_CORPUS`` first when there is no
    usable one; and whether it was trained now. None when there is neither model nor corpus.

    Raises ``ConfigError`` when ``NER_TRAIN_CORPUS`` names no file, ``ModelInvalid`` for an
    unreadable model with no corpus to retrain it from.
    """
    corpus = config["NER_TRAIN_CORPUS"]
    try:
        recogniser = load_recogniser(config["MODELS_DIR"])
    except ModelInvalid as exc:
        if not corpus:
            raise
        log.warning("%s Retraining it from %s.", exc, corpus)
        recogniser = None
    if recogniser is not None or not corpus:
        return recogniser, False
    if not Path(corpus).is_file():
        raise ConfigError(
            f"NER_TRAIN_CORPUS names {corpus}, which is not a file. Fix the path, or unset it "
            "(entities then come from the registry and the rules only)."
        )
    report = _step(progress, "train")
    passes = TRAINING_PASSES
    model = train(
        corpus, passes=passes, progress=(lambda n, *_: report(n, passes)) if report else None
    )
    model.save(model_path(config["MODELS_DIR"]))
    log.info("trained the entity model on %s", corpus)
    return model, True


def catch_up_index(
    store: Store,
    index_dir: Path,
    *,
    analysed: Sequence[str] = (),
    progress: Callable[[int, int], None] | None = None,
    wait: float = 0.0,
    on_wait: OnWait | None = None,
) -> IndexStatus:
    """Make the index current, as ``ensure_index`` decides, but with ``progress``: update it
    when a little behind, else build a new generation. ``analysed``: documents whose mentions
    were just stored; those the index already holds get their records replaced (documents
    ingested with --no-analyse, or analysed again by a newer version of the analysis).

    Each step re-reads the index's state under the lock, so waiting for another process's
    update (up to ``wait`` seconds, telling ``on_wait``) never indexes a document twice.
    Raises ``IndexBusy`` when another process holds the index longer.
    """
    tidy(index_dir)
    status = index_status(store, index_dir)
    limit = _update_limit(status)
    behind = status.store_seq - status.indexed_seq
    updatable = status.exists and status.schema_version_ok and behind <= limit
    build = functools.partial(
        build_index, store, index_dir, progress=progress, wait=wait, on_wait=on_wait
    )
    if analysed and updatable:
        if 2 * len(analysed) > limit:  # most of the index: two processes build it faster
            return build()
        update_records(
            store,
            index_dir,
            analysed,
            indexed_only=True,
            progress=progress,
            wait=wait,
            on_wait=on_wait,
        )
        status = index_status(store, index_dir)
    if status.is_current:
        return status
    if updatable and 0 < behind:
        update_index(store, index_dir, progress=progress, wait=wait, on_wait=on_wait)
        return index_status(store, index_dir)
    return build()


def _update_limit(status: IndexStatus) -> int:
    """Writes behind beyond which a two-process rebuild beats a one-process update."""
    return max(MIN_PARALLEL_DOCS, status.doc_count)


def load_demo(store: Store, progress: Progress | None = None) -> int:
    """Put the demo collection (NLTK's speeches, chat and news) into ``store``; documents added."""
    roots = {package: resource_dir(path) for package, path in DEMO_RESOURCES}
    drafts = demo_drafts(roots)
    added = 0
    while batch := list(itertools.islice(drafts, DEMO_BATCH)):
        outcomes = store.put_many(batch)
        added += sum(1 for o in outcomes if isinstance(o, PutOutcome) and o.status == "added")
        if progress is not None:
            progress("demo", added, 0)
    return added


def _step(progress: Progress | None, step: str) -> Callable[[int, int], None] | None:
    """``progress`` for one step, in the ``(done, total)`` form ``build_index`` calls."""
    if progress is None:
        return None
    report_step = progress

    def report(done: int, total: int) -> None:
        report_step(step, done, total)

    return report


def _require_resources(resources: tuple[tuple[str, str], ...], is_demo_wanted: bool) -> None:
    missing = missing_resources(resources)
    if not missing:
        return
    where = os.environ.get("NLTK_DATA") or "NLTK's default locations"
    demo_hint = (
        ', or skip the demo collection with "dossier setup --no-demo"'
        if is_demo_wanted and set(missing) <= {p for p, _ in DEMO_RESOURCES}
        else ""
    )
    raise NltkResourceMissing(
        f"NLTK resources not installed (looked in {where}): {', '.join(missing)}. Run "
        f'"dossier setup" with internet access, or set NLTK_DATA to a folder that '
        f"holds them{demo_hint}."
    )
