"""The instance folder: opening its store, its NLTK resources, its entity model and the demo
collection: what ``dossier setup`` (``webapp.pipeline.prepare_instance``) needs before the
pipeline runs. Each step is an explicit call; nothing here prints.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from corpus import QuickStore, StoreUnavailable
from indexer import ModelInvalid, NltkResourceMissing
from webapp.config import ConfigError, record_nltk_data

if TYPE_CHECKING:  # loaded by the steps that use them: opening a store for a search needs none
    from corpus import Store
    from indexer.entities import Recogniser


class Progress(Protocol):
    """Called as ``progress(step, done, total, note)`` while a pipeline step runs (``total`` 0:
    unknown; ``note``: a few words on where it is, or ""), first with ``done`` 0 when the step
    starts; ``share``: the fraction of the step's text done, when it knows
    (``indexer.progress``). Here: ``"demo"`` (documents stored) and ``"model"`` (training:
    sentences done of ``total`` over all passes, the note naming the pass and its accuracy)."""

    def __call__(
        self, step: str, done: int, total: int, note: str = "", /, *, share: float | None = None
    ) -> object: ...


DEMO_BATCH = 250  # demo documents per store transaction
TRAINING_PASSES = 5  # passes when setup trains the entity model (~2 minutes on the GMB corpus)

log = logging.getLogger(__name__)


def open_store(config: Mapping[str, Any], *, create: bool = False, migrate: bool = True) -> Store:
    """The instance's store. Unless ``create``, a SQLite file that does not exist is an error
    rather than a new empty database (a mistyped DOSSIER_HOME should not look like no hits).
    ``migrate=False``: for commands that only read (``Store.open``).

    Raises ``StoreUnavailable`` naming the instance and the command that creates it, or the
    folder that cannot be created.
    """
    from corpus import Store

    url = config["DATABASE_URL"]
    path = sqlite_path(url)
    if path is not None and not path.exists():
        if not create:
            raise _no_instance(config, path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # a file where a folder should be, or no right to create it
            raise StoreUnavailable(
                f"Cannot create the folder {path.parent} for the database: {exc.strerror}. "
                "Set DOSSIER_DATABASE_URL to a file in a folder Dossier can write to."
            ) from exc
    return Store.open(url, migrate=migrate)


def open_for_reading(config: Mapping[str, Any]) -> Store | QuickStore:
    """The instance's store for a command that only reads, at once: a SQLite store opens as a
    ``QuickStore`` (no SQLAlchemy until a query needs more than document versions), another
    database as ``open_store(config, migrate=False)``. Raises ``StoreUnavailable`` as it does."""
    path = sqlite_path(config["DATABASE_URL"])
    if path is None:
        return open_store(config, migrate=False)
    if not path.exists():
        raise _no_instance(config, path)
    return QuickStore(config["DATABASE_URL"], path)


def _no_instance(config: Mapping[str, Any], path: Path) -> StoreUnavailable:
    return StoreUnavailable(
        f"No Dossier instance at {config['HOME']}: the database {path} does not exist. "
        'Run "dossier setup" to create it, or set DOSSIER_HOME to an existing instance.'
    )


def sqlite_path(url: str) -> Path | None:
    """The database file of a ``sqlite:///`` URL; None for other databases and in-memory ones."""
    scheme, _, rest = url.partition(":///")
    if scheme.split("+")[0] != "sqlite":
        return None
    path = rest.split("?")[0]
    return Path(path) if path and path != ":memory:" else None


def require_resources(
    config: Mapping[str, Any], *, download: bool = False, demo: bool | None = None
) -> tuple[str, ...]:
    """Check that the NLTK resources the instance needs are installed (the demo collection's
    too, when wanted: ``demo``, else ``DEMO_CORPUS``); with ``download``, fetch missing ones
    first with NLTK's own downloader (the only place Dossier downloads anything). Returns the
    packages fetched.

    Raises ``NltkResourceMissing`` naming what is still missing and how to get it.
    """
    from indexer import (
        DEMO_RESOURCES,
        RESOURCES,
        download_resources,
        looked_in,
        missing_resources,
    )

    is_demo_wanted = bool(config["DEMO_CORPUS"]) if demo is None else demo
    resources = RESOURCES + (DEMO_RESOURCES if is_demo_wanted else ())
    downloaded = tuple(download_resources(resources)) if download else ()
    missing = missing_resources(resources)
    if not missing:
        return downloaded
    demo_hint = (
        ', or skip the demo collection with "dossier setup --no-demo"'
        if is_demo_wanted and set(missing) <= {p for p, _ in DEMO_RESOURCES}
        else ""
    )
    raise NltkResourceMissing(
        f"NLTK resources not installed (looked in {looked_in()}): {', '.join(missing)}. Run "
        f'"dossier setup" with internet access, or set NLTK_DATA to a folder that '
        f"holds them{demo_hint}."
    )


def remember_resources(config: Mapping[str, Any]) -> tuple[str, ...]:
    """Record in the instance folder where NLTK's data was found, so that every later command
    (and the web app) finds it without ``NLTK_DATA``; returns those folders."""
    from indexer import DEMO_RESOURCES, RESOURCES, data_folders

    folders = data_folders(RESOURCES + DEMO_RESOURCES)
    record_nltk_data(config["HOME"], folders)
    return tuple(folders)


def entity_model(
    config: Mapping[str, Any], progress: Progress | None = None
) -> tuple[Recogniser | None, bool]:
    """The instance's entity model, trained from ``NER_TRAIN_CORPUS`` first when there is no
    usable one; and whether it was trained now. None when there is neither model nor corpus.

    Raises ``ConfigError`` when ``NER_TRAIN_CORPUS`` names no file, ``ModelInvalid`` for an
    unreadable model with no corpus to retrain it from.
    """
    from indexer.entities import load_recogniser, model_path, train

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
    model = train(corpus, passes=TRAINING_PASSES, **training_progress(progress, TRAINING_PASSES))
    model.save(model_path(config["MODELS_DIR"]))
    log.info("trained the entity model on %s", corpus)
    return model, True


def training_progress(progress: Progress | None, passes: int) -> dict[str, Any]:
    """``train``'s callbacks telling ``progress`` (step "model") how far training is: the
    sentences done over all passes, every few thousand (so the time left is known early in
    the first pass), with the pass under way and the accuracy of the last one done."""
    if progress is None:
        return {}
    progress("model", 0, 0, "reading the training corpus")
    accuracy: list[float] = []

    def sentences(done: int, total: int) -> None:
        under_way = min(done * passes // max(total, 1) + 1, passes)
        note = f"pass {under_way} of {passes}"
        if accuracy:
            note += f" (pass {len(accuracy)}: {accuracy[-1]:.1%} of tags right)"
        progress("model", done, total, note)

    def passed(done: int, passes: int, right: float) -> None:
        accuracy.append(right)

    return {"progress": passed, "on_sentences": sentences}


def load_demo(store: Store, progress: Progress | None = None) -> tuple[str, ...]:
    """Put the demo collection (NLTK's speeches, chat and news) into ``store``; the ids of the
    documents it added."""
    from corpus import PutOutcome, demo_drafts
    from indexer import DEMO_RESOURCES, resource_dir

    roots = {package: resource_dir(path) for package, path in DEMO_RESOURCES}
    drafts = demo_drafts(roots)
    added: list[str] = []
    while batch := list(itertools.islice(drafts, DEMO_BATCH)):
        outcomes = store.put_many(batch)
        added += [
            o.document.id for o in outcomes if isinstance(o, PutOutcome) and o.status == "added"
        ]
        if progress is not None:
            progress("demo", len(added), 0, "")
    return tuple(added)
