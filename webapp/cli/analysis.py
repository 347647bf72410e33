"""The entity model and the analysis step on the command line: ``dossier entities train``,
``dossier entities eval`` and ``dossier analyse`` (``webapp.pipeline.analyse_stored``).

The model lives in the instance's models folder (``indexer.entities.extraction.model_path``); every
command that analyses loads it once, or says that only the registry and the rules are used.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from corpus import Store
from corpus.entities import EntityStore
from indexer.entities import Recogniser, evaluate, model_path, parse_type_map, train
from webapp.cli.entity_terminal import analysis_line, scores_json, scores_lines
from webapp.cli.progress import StepProgress
from webapp.cli.terminal import index_line, say
from webapp.config import load_config
from webapp.instance import open_store, training_progress
from webapp.pipeline import analyse_stored

_CORPUS = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.command("train")
@click.option("--corpus", required=True, type=_CORPUS, help="IOB2 file: token<TAB>tag lines.")
@click.option(
    "--passes", type=click.IntRange(1, 50), default=5, show_default=True, help="Training passes."
)
@click.option("--map", "spec", metavar="SPEC", help="Type renames: PER=PERSON,GEO=LOCATION,...")
def train_command(corpus: Path, passes: int, spec: str | None) -> None:
    """Train the entity recogniser on an IOB2 corpus; it becomes the instance's model.

    The corpus has one token<TAB>tag line per token (tags O, B-X, I-X) and a blank line between
    sentences. Without --map its types are read as GMB's: PER, ORG, GEO (places) and GPE
    (nationalities). Documents analysed before keep their mentions until "dossier analyse --all".
    """
    models_dir = config()["MODELS_DIR"]
    options: dict[str, Any] = {"type_map": type_map(spec)} if spec else {}
    started = time.perf_counter()
    with StepProgress() as shown:
        model = train(corpus, passes=passes, **training_progress(shown, passes), **options)
    path = model.save(model_path(models_dir))
    info = model.header["corpus"]
    say(
        f"Trained on {info['sentences']:,} sentences ({info['tokens']:,} tokens) of "
        f"{corpus.name}, {passes} passes, in {time.perf_counter() - started:.0f} s."
    )
    say(f"Types: {', '.join(model.types)}. Saved to {path}.")
    say('Run "dossier analyse --all" to re-analyse the documents already stored.')


@click.command("eval")
@click.option("--corpus", required=True, type=_CORPUS, help="IOB2 file the model never saw.")
@click.option("--map", "spec", metavar="SPEC", help="Type renames: GEO=LOCATION,PER=PERSON,...")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
def eval_command(corpus: Path, spec: str | None, as_json: bool) -> None:
    """Score the instance's model on an IOB2 file: precision, recall and F1 per type.

    Entities count as found only with exactly the gold tokens and type. The model tags the
    file's own tokens. Without --map, types are renamed as when the model was trained.
    """
    given = type_map(spec) if spec else None
    model = Recogniser.load(model_path(config()["MODELS_DIR"]))
    mapping = given if given is not None else dict(model.header.get("type_map") or {})
    scores = evaluate(model, corpus, mapping or None)
    if as_json:
        click.echo(json.dumps(scores_json(scores, corpus, mapping), indent=2))
    else:
        say("\n".join(scores_lines(scores, corpus, mapping)))


@click.command("analyse")
@click.option("--all", "everything", is_flag=True, help="Re-analyse every document.")
def analyse_command(everything: bool) -> None:
    """Find the entities in documents not analysed yet (--all: in every document).

    Uses the trained model when there is one, the registry and analysts' corrections, stores
    the mentions, then brings the index up to date with them (--all: rebuilds it); an instance
    with no index yet keeps none.
    """
    with StepProgress() as shown:
        run = analyse_stored(
            config(), everything=everything, progress=shown, on_step=shown.finished
        )
    analysed, index = run.report("analyse"), run.report("index")
    assert analysed is not None and index is not None
    say(analysis_line(analysed.detail))
    if index.counts["records"] or index.counts["caught_up"] or index.counts["rebuilt"]:
        say(index_line(index.detail, rebuilt=everything))


def config() -> dict[str, Any]:
    """The instance configuration (no secret key is created: nothing is served)."""
    return load_config(generate_secret=False)


@contextlib.contextmanager
def session(*, read_only: bool = False) -> Iterator[tuple[Store, EntityStore]]:
    """The instance's store and its entity registry, closed afterwards. ``read_only``: for a
    command that only reads, which never migrates the database (it is refused, naming the
    command that upgrades it, when not at this Dossier's schema)."""
    with open_store(config(), migrate=not read_only) as store:
        yield store, EntityStore(store)


def type_map(spec: str) -> dict[str, str]:
    """A ``--map`` value as a dict; a bad one is a usage error naming the option."""
    try:
        mapping = parse_type_map(spec)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--map") from exc
    if not mapping:
        raise click.BadParameter(f"no CORPUS_TYPE=OUR_TYPE pair in {spec!r}", param_hint="--map")
    return mapping
