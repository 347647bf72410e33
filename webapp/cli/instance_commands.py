"""``dossier setup``, ``serve``, ``ingest`` and ``index``: the commands that run the pipeline
(``webapp/pipeline.py``) on the instance, with their progress on stderr (``webapp/cli/progress.py``:
bars on a terminal, a line per step elsewhere).

Loaded only when one of them runs (``webapp/cli/commands.py``), like every command module.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from corpus import CorpusError, IngestReport
from indexer import IndexBusy, index_status
from webapp import create_app, pipeline
from webapp.cli.entity_terminal import model_status
from webapp.cli.progress import StepProgress
from webapp.cli.steps import follow_up_lines, ingest_json, run_lines, unstarted_ingest_json
from webapp.cli.terminal import housekeeping_lines, index_line, printable, say, status_lines
from webapp.config import ConfigError, load_config
from webapp.instance import open_store


@click.command()
@click.option("--no-demo", is_flag=True, help="Skip the demo collection (as DEMO_CORPUS=false).")
@click.option(
    "--download/--no-download",
    default=True,
    show_default=True,
    help="Fetch missing NLTK resources with NLTK's downloader (needs internet).",
)
def setup(no_demo: bool, download: bool) -> None:
    """Prepare the instance: NLTK data, database, demo collection, entity model, index.

    Safe to run again: it only does what is not done yet. "make run" runs it before serving.
    """
    config = _config({"DEMO_CORPUS": False} if no_demo else None)
    with StepProgress() as shown:
        done = pipeline.prepare_instance(
            config, download=download, progress=shown, on_wait=_say, on_step=shown.finished
        )
    say(f"Instance: {done.home}")
    where = ", ".join(done.nltk_data) or "NLTK's default locations"
    if done.downloaded:
        say(f"NLTK data: downloaded {', '.join(done.downloaded)} ({where}).")
    else:
        say(f"NLTK data: everything needed is installed ({where}).")
    say(f"Database: {done.database}, schema up to date, {done.documents} documents.")
    if not done.is_demo_wanted:
        say("Demo collection: not loaded (--no-demo or DEMO_CORPUS=false).")
    elif done.demo_added:
        say(f"Demo collection: loaded {done.demo_added} documents.")
    else:
        say("Demo collection: not loaded, the database already holds documents.")
    say(f"Entities: {model_status(done)}")
    rebuilt = done.is_model_trained and done.index.before.exists
    say(index_line(done.index, rebuilt=rebuilt))
    for line in follow_up_lines(done.steps):
        say(line)
    say(f'Ready: run "dossier serve" and open {_url(config["HOST"], config["PORT"])}')
    if hint := _path_hint():
        say(hint)


@click.command()
@click.option("--host", help="Address to listen on.  [default: HOST, 127.0.0.1]")
@click.option("--port", type=click.IntRange(0, 65535), help="Port.  [default: PORT, 5000]")
@click.option("--debug", is_flag=True, help="Reload on code changes and show tracebacks.")
def serve(host: str | None, port: int | None, debug: bool) -> None:
    """Serve the web app on this machine.

    First brings the index up to date (as "dossier index" does) and re-anchors the annotations
    of re-published documents, then runs Flask's threaded server, for one user. For a team,
    run it under gunicorn: see the README.
    """
    overrides = {k: v for k, v in (("HOST", host), ("PORT", port)) if v is not None}
    config = _config(overrides)
    with open_store(config) as store:
        count = store.count()
    try:
        with StepProgress() as shown:
            step = pipeline.update_index(
                config, progress=shown, on_wait=_say, on_step=shown.finished
            )
        say(index_line(step.detail))
    except IndexBusy as exc:  # another process is updating it: serve what is there
        say(f"Index: {exc}", err=True)
    caught_up = [pipeline.reanchor_changed(config), pipeline.verify_briefs_changed(config)]
    for line in follow_up_lines(caught_up):
        say(line)
    app = create_app(overrides)
    say(f"Serving {count} documents from {config['HOME']}")
    say(f"Open {_url(config['HOST'], config['PORT'])}  (Ctrl+C to stop)")
    if config["HOST"] not in ("127.0.0.1", "localhost", "::1"):
        say("Note: this server is for one user; for a team use gunicorn.", err=True)
    if config["HOST"] in ("", "0.0.0.0", "::") and config["ALLOWED_HOSTS"] is None:
        say(
            "Note: it answers to localhost names only; set ALLOWED_HOSTS to the names others "
            "use to reach it.",
            err=True,
        )
    app.run(config["HOST"], config["PORT"], debug=debug, threaded=True)


@click.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--index/--no-index",
    default=True,
    show_default=True,
    help="Bring the index up to date afterwards.",
)
@click.option(
    "--analyse/--no-analyse",
    "entities",
    default=True,
    show_default=True,
    help="Find the entities of new and changed documents before indexing.",
)
@click.option(
    "--replace",
    is_flag=True,
    help="Store a changed document as the next version of the one its id names, even when it "
    "comes from another file or url.",
)
@click.option("--strict", is_flag=True, help="Exit with status 1 if any source failed.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def ingest_command(
    paths: tuple[Path, ...],
    index: bool,
    entities: bool,
    replace: bool,
    strict: bool,
    as_json: bool,
) -> None:
    """Add documents from files and folders.

    Reads .txt and .md (optional front matter), .html and .htm, and .jsonl (one document a
    line), each also gzipped (.gz); folders recursively. A bad source is named with the reason
    and skipped; the rest goes in. A changed document from another file or url than its
    stored version is refused unless its id was given or --replace says it is the same.
    Exit status 1 when sources failed and no document was stored
    (with --strict: when any source failed). Three steps: store the documents, find the entities
    of the new and changed ones (--no-analyse: later, with "dossier analyse"), then bring the
    index up to date (--no-index: later, with "dossier index").
    """
    try:
        with StepProgress() as shown:
            run = pipeline.ingest_sources(
                _config(),
                paths,
                analyse=entities,
                index=index,
                replace=replace,
                progress=shown,
                on_wait=_say,
                on_step=shown.finished,
            )
    except (CorpusError, ConfigError) as exc:  # nothing was done; the group says why on stderr
        if as_json:
            click.echo(json.dumps(unstarted_ingest_json(printable(str(exc))), indent=2))
        raise
    stored = run.report("store")
    report: IngestReport = stored.detail if stored else IngestReport()
    if as_json:
        click.echo(json.dumps(ingest_json(run), indent=2))
    else:
        say("\n".join(run_lines(run)))
    if run.error:
        raise click.ClickException(printable(run.error) + _how_to_finish(run))
    if report.failed and not (report.added or report.updated or report.unchanged):
        raise click.ClickException(f"Nothing was stored: all {len(report.failed)} sources failed.")
    if report.failed and strict:
        raise click.ClickException(f"{len(report.failed)} sources failed (--strict).")


@click.command("index")
@click.option("--rebuild", is_flag=True, help="Rebuild the whole index from the database.")
@click.option("--status", "show_status", is_flag=True, help="Only show how the index compares.")
def index_command(rebuild: bool, show_status: bool) -> None:
    """Build, update or check the search index.

    With no option, brings the index up to date with the database: it is built when missing and
    caught up when behind. The index is derived from the database and can always be rebuilt.
    """
    config = _config()
    index_dir = Path(config["INDEX_DIR"])
    if show_status:  # only reads: never migrates
        with open_store(config, migrate=False) as store:
            status = index_status(store, index_dir)
        say("\n".join(status_lines(status)))
        say("\n".join(housekeeping_lines(index_dir)))
        return
    with StepProgress() as shown:
        step = pipeline.update_index(
            config, rebuild=rebuild, progress=shown, on_wait=_say, on_step=shown.finished
        )
    say(index_line(step.detail, rebuilt=rebuild))


def _config(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The instance configuration for a command (no secret key is created: nothing is served)."""
    return load_config(overrides, generate_secret=False)


def _how_to_finish(run: pipeline.Run) -> str:
    """After a step failed: that the documents are in, and the command that finishes the job."""
    stored = run.report("store")
    count = stored.counts["added"] + stored.counts["updated"] if stored else 0
    if not count:
        return ""
    what = "The document is" if count == 1 else f"The {count:,} documents are"
    them = "it" if count == 1 else "them"
    if run.report("analyse") is None and run.report("index") is None:
        return f' {what} stored: run "dossier analyse" to find the entities and index {them}.'
    return f' {what} stored: run "dossier index" to make {them} searchable.'


def _path_hint() -> str:
    """How to put ``dossier`` on PATH in a new shell, when it runs from a virtual environment
    that is not active (as after "make run")."""
    bin_dir = Path(sys.prefix) / ("Scripts" if os.name == "nt" else "bin")
    if sys.prefix == sys.base_prefix or shutil.which("dossier") is not None:
        return ""
    try:
        shown = bin_dir.relative_to(Path.cwd())
    except ValueError:
        shown = bin_dir
    return (
        f'In a new shell, run "source {shown}/activate" first (or call {shown}/dossier), '
        'so that "dossier" is on PATH.'
    )


def _say(message: str) -> None:
    """A note for the person at the terminal, on stderr (stdout may be JSON)."""
    say(message, err=True)


def _url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("", "0.0.0.0") else f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"
