"""The ``dossier`` command: one click group, each command a thin wrapper over library calls.

Every command works on the instance that ``DOSSIER_HOME`` names (default ``./instance``).
Package errors become one-line messages with exit status 1 (``_Group.invoke``). Progress bars
go to stderr and only when it is a terminal, so stdout stays clean for ``--json``.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click
from tqdm import tqdm
from werkzeug.datastructures import MultiDict

from corpus.errors import CorpusError
from corpus.ingest import IngestProgress, IngestReport, ingest
from indexer.build import IndexStatus, build_index, index_status
from indexer.errors import IndexerError
from indexer.search import SearchIndex, SearchResult, Snippet
from webapp.config import ConfigError, ingest_limits, load_config
from webapp.errors import InvalidParameter
from webapp.instance import catch_up_index, open_store, prepare_instance
from webapp.logs import configure_logging
from webapp.params import MAX_PAGE, MAX_PER_PAGE, SORTS, search_request

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
SHOWN_FAILURES = 50  # failures listed in the human summary; --json lists them all


class _Group(click.Group):
    """Turns the packages' errors into ``click.ClickException``: exit status 1, one message."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Commands in the order a new user meets them, not alphabetically."""
        return list(self.commands)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (CorpusError, IndexerError, ConfigError) as exc:
            raise click.ClickException(str(exc)) from exc


@click.group("dossier", cls=_Group, invoke_without_command=True, context_settings=CONTEXT_SETTINGS)
@click.version_option(package_name="dossier", prog_name="dossier")
@click.option("-v", "--verbose", is_flag=True, help="Log what the library does (INFO level).")
@click.pass_context
def cli(ctx: click.Context, verbose: bool) -> None:
    """Dossier: a searchable corpus of speeches, forum remarks and news.

    Every command works on the instance folder named by DOSSIER_HOME (default ./instance).
    With no command, runs "dossier serve".
    """
    configure_logging("INFO" if verbose else "WARNING")
    if ctx.invoked_subcommand is None:
        ctx.invoke(serve)


def main() -> None:
    """Entry point of the ``dossier`` console script and of ``python -m webapp``."""
    cli(prog_name="dossier")


@cli.command()
@click.option("--no-demo", is_flag=True, help="Skip the demo collection (as DEMO_CORPUS=false).")
@click.option(
    "--download/--no-download",
    default=True,
    show_default=True,
    help="Fetch missing NLTK resources with NLTK's downloader (needs internet).",
)
def setup(no_demo: bool, download: bool) -> None:
    """Prepare the instance: NLTK data, database, demo collection, index.

    Safe to run again: it only does what is not done yet. "make run" runs it before serving.
    """
    config = _config({"DEMO_CORPUS": False} if no_demo else None)
    with _StepBars() as bars:
        done = prepare_instance(config, download=download, progress=bars.update)
    click.echo(f"Instance: {done.home}")
    if done.downloaded:
        click.echo(f"NLTK data: downloaded {', '.join(done.downloaded)}.")
    else:
        where = os.environ.get("NLTK_DATA") or "NLTK's default locations"
        click.echo(f"NLTK data: everything needed is installed ({where}).")
    click.echo(f"Database: {done.database}, schema up to date, {done.documents} documents.")
    if not done.is_demo_wanted:
        click.echo("Demo collection: not loaded (--no-demo or DEMO_CORPUS=false).")
    elif done.demo_added:
        click.echo(f"Demo collection: loaded {done.demo_added} documents.")
    else:
        click.echo("Demo collection: not loaded, the database already holds documents.")
    click.echo(f"Index: {_index_change(done.index_before, done.index)}")
    click.echo(f'Ready: run "dossier serve" and open {_url(config["HOST"], config["PORT"])}')


@cli.command()
@click.option("--host", help="Address to listen on.  [default: HOST, 127.0.0.1]")
@click.option("--port", type=click.IntRange(0, 65535), help="Port.  [default: PORT, 5000]")
@click.option("--debug", is_flag=True, help="Reload on code changes and show tracebacks.")
def serve(host: str | None, port: int | None, debug: bool) -> None:
    """Serve the web app on this machine.

    Flask's threaded server, for one user. For a team, run it under gunicorn: see the README.
    """
    from webapp import create_app

    overrides = {k: v for k, v in (("HOST", host), ("PORT", port)) if v is not None}
    config = _config(overrides)
    with open_store(config) as store:
        count = store.count()
    app = create_app(overrides)
    click.echo(f"Serving {count} documents from {config['HOME']}")
    click.echo(f"Open {_url(config['HOST'], config['PORT'])}  (Ctrl+C to stop)")
    if config["HOST"] not in ("127.0.0.1", "localhost", "::1"):
        click.echo("Note: this server is for one user; for a team use gunicorn.", err=True)
    app.run(config["HOST"], config["PORT"], debug=debug, threaded=True)


@cli.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--index/--no-index",
    default=True,
    show_default=True,
    help="Bring the index up to date afterwards.",
)
@click.option("--strict", is_flag=True, help="Exit with status 1 if any source failed.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def ingest_command(paths: tuple[Path, ...], index: bool, strict: bool, as_json: bool) -> None:
    """Add documents from files and folders.

    Reads .txt and .md (optional front matter), .html and .htm, and .jsonl (one document a
    line), each also gzipped (.gz); folders recursively. A bad source is named with the reason
    and skipped; the rest goes in. Exit status 1 when sources failed and no document was stored
    (with --strict: when any source failed). Then brings the index up to date (--no-index: not).
    """
    config = _config()
    index_dir = Path(config["INDEX_DIR"])
    with open_store(config, create=True) as store:
        with tqdm(desc="Ingesting", unit=" documents", disable=None, leave=False) as bar:
            report = ingest(paths, store, limits=ingest_limits(config), progress=_ingest_bar(bar))
        before = index_status(store, index_dir)
        if index:
            with tqdm(desc="Indexing", unit=" documents", disable=None, leave=False) as bar:
                after = catch_up_index(store, index_dir, progress=_index_bar(bar))
        else:
            after = before
    if as_json:
        click.echo(json.dumps(_report_json(report, after), indent=2))
    else:
        _echo_report(report)
        if index:
            click.echo(f"Index: {_index_change(before, after)}")
        elif not after.is_current:
            click.echo('Index: not updated (--no-index); run "dossier index" to catch up.')
    stored = len(report.added) + len(report.updated) + len(report.unchanged)
    if report.failed and not stored:
        raise click.ClickException(f"Nothing was stored: all {len(report.failed)} sources failed.")
    if report.failed and strict:
        raise click.ClickException(f"{len(report.failed)} sources failed (--strict).")


@cli.command("index")
@click.option("--rebuild", is_flag=True, help="Rebuild the whole index from the database.")
@click.option("--status", "show_status", is_flag=True, help="Only show how the index compares.")
def index_command(rebuild: bool, show_status: bool) -> None:
    """Build, update or check the search index.

    With no option, brings the index up to date with the database: it is built when missing and
    caught up when behind. The index is derived from the database and can always be rebuilt.
    """
    config = _config()
    index_dir = Path(config["INDEX_DIR"])
    with open_store(config) as store:
        before = index_status(store, index_dir)
        if show_status:
            _echo_status(before)
            return
        with tqdm(desc="Indexing", unit=" documents", disable=None, leave=False) as bar:
            build = build_index if rebuild else catch_up_index
            after = build(store, index_dir, progress=_index_bar(bar))
    click.echo(f"Index: {_index_change(before, after, rebuilt=rebuild)}")


@cli.command("search")
@click.argument("query", default="")
@click.option("--kind", multiple=True, help="Only this kind: speech, forum, news, other.")
@click.option("--speaker", multiple=True, help="Only this speaker or author, exactly.")
@click.option("--source", multiple=True, help="Only this source, exactly.")
@click.option("--tag", multiple=True, help="Only documents with this tag.")
@click.option(
    "--from", "from_", metavar="DATE", help="Dated on or after: 2013, 2013-06, 2013-06-05."
)
@click.option("--to", metavar="DATE", help="Dated on or before the end of: 2013, 2013-06, ...")
@click.option(
    "--sort",
    type=click.Choice(tuple(SORTS)),
    default="relevance",
    show_default=True,
    help="Order of the hits; undated documents come last.",
)
@click.option(
    "--limit",
    type=click.IntRange(1, MAX_PER_PAGE),
    default=10,
    show_default=True,
    help="Hits per page.",
)
@click.option(
    "--page", type=click.IntRange(1, MAX_PAGE), default=1, show_default=True, help="Page to show."
)
@click.option("--json", "as_json", is_flag=True, help="Print the hits as JSON.")
def search_command(query: str, limit: int, as_json: bool, **options: Any) -> None:
    """Search the documents, as the web app's search box does.

    QUERY uses the same query language (see the README); --kind, --speaker, --source and --tag
    may be repeated (any of the values matches). Examples:

    \b
      dossier search '"zone of peace"'
      dossier search 'sanction* -oil' --kind news --from 2016 --sort newest
    """
    args = MultiDict([("q", query), ("per_page", str(limit))])
    for name, values in options.items():
        for value in values if isinstance(values, tuple) else (values,):
            if value is not None:
                args.add(name.rstrip("_"), str(value))
    try:
        request = search_request(args, per_page=limit)
    except InvalidParameter as exc:
        raise click.ClickException(
            str(exc.description).replace('Parameter "', 'Option "--')
        ) from exc
    config = _config()
    with open_store(config) as store:
        index = SearchIndex.open(Path(config["INDEX_DIR"]))
        try:
            result = index.search(request, store)
        finally:
            index.close()
    if as_json:
        click.echo(json.dumps(_result_json(result), indent=2, ensure_ascii=False))
    else:
        _echo_result(result, is_tty=sys.stdout.isatty())


def _config(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The instance configuration for a command (no secret key is created: nothing is served)."""
    return load_config(overrides, generate_secret=False)


def _url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("", "0.0.0.0") else f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


class _StepBars:
    """One stderr progress bar per long step of ``prepare_instance`` (none when not a TTY)."""

    LABELS = {"demo": "Loading the demo collection", "index": "Building the index"}

    def __init__(self) -> None:
        self.bars: dict[str, tqdm] = {}

    def __enter__(self) -> _StepBars:
        return self

    def __exit__(self, *exc_info: object) -> None:
        for bar in self.bars.values():
            bar.close()

    def update(self, step: str, done: int, total: int) -> None:
        if step not in self.bars:
            for bar in self.bars.values():
                bar.close()
            label = self.LABELS.get(step, step)
            self.bars[step] = tqdm(desc=label, unit=" documents", disable=None, leave=False)
        _advance(self.bars[step], done, total)


def _advance(bar: tqdm, done: int, total: int) -> None:
    """Move ``bar`` to ``done`` of ``total`` (0: unknown), so tqdm's rate stays right."""
    bar.total = total or None
    bar.update(done - bar.n)


def _ingest_bar(bar: tqdm) -> Any:
    def update(progress: IngestProgress) -> None:
        _advance(bar, progress.documents, 0)
        bar.set_postfix_str(
            f"file {progress.files_done}/{progress.files_total}, {progress.failed} failed"
        )

    return update


def _index_bar(bar: tqdm) -> Any:
    def update(done: int, total: int) -> None:
        _advance(bar, done, total)

    return update


def _index_change(before: IndexStatus, after: IndexStatus, *, rebuilt: bool = False) -> str:
    where = f"generation {after.generation}, {after.doc_count} documents"
    if rebuilt:
        return f"rebuilt ({where})."
    if not before.exists:
        return f"built ({where})."
    if before.is_current:
        return f"already up to date ({where})."
    if before.generation != after.generation:
        return f"rebuilt as a new generation ({where})."
    return f"caught up {_count(after.indexed_seq - before.indexed_seq, 'write')} ({where})."


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _echo_status(status: IndexStatus) -> None:
    click.echo(f"Index folder: {status.index_dir}")
    click.echo(f"Generation:   {status.generation or '(none)'}")
    click.echo(f"Documents:    {status.store_count} in the database, {status.doc_count} indexed")
    click.echo(f"Seq:          database {status.store_seq}, index {status.indexed_seq}")
    if status.is_current:
        state = "up to date"
    elif not status.exists:
        state = 'missing: run "dossier index" to build it'
    elif not status.schema_version_ok:
        state = 'built by another version of Dossier: run "dossier index --rebuild"'
    else:
        state = 'behind the database: run "dossier index" to catch up'
    click.echo(f"State:        {state}")


def _echo_report(report: IngestReport) -> None:
    click.echo(f"Ingested: {report.summary()}.")
    if report.failed:
        click.echo("Failed (nothing stored for these):")
        for failure in report.failed[:SHOWN_FAILURES]:
            click.echo(f"  {failure.origin}: {failure.reason}")
        if len(report.failed) > SHOWN_FAILURES:
            click.echo(f"  ... and {len(report.failed) - SHOWN_FAILURES} more (--json lists all)")
    if report.skipped:
        click.echo(
            f"Skipped {_count(len(report.skipped), 'file')} of a type Dossier does not read."
        )


def _report_json(report: IngestReport, status: IndexStatus) -> dict[str, Any]:
    return {
        "added": list(report.added),
        "updated": list(report.updated),
        "unchanged": list(report.unchanged),
        "failed": [{"origin": f.origin, "reason": f.reason} for f in report.failed],
        "skipped": list(report.skipped),
        "files": report.files,
        "index": {
            "is_current": status.is_current,
            "generation": status.generation,
            "documents": status.doc_count,
            "seq": status.indexed_seq,
        },
    }


def _echo_result(result: SearchResult, *, is_tty: bool) -> None:
    request = result.request
    first = (request.page - 1) * request.per_page
    shown = f"{first + 1}-{first + len(result.hits)} of " if result.hits else ""
    click.echo(f"{shown}{_count(result.total, 'hit')} ({result.took_ms:g} ms)")
    for notice in result.notices:
        click.echo(f"Note: {notice}")
    if result.suggestion:
        click.echo(f"Did you mean: {result.suggestion}")
    for rank, hit in enumerate(result.hits, start=first + 1):
        date = hit.date.iso() if hit.date else "undated"
        click.echo(f"{rank:>3}. {hit.score:6.2f}  {hit.id}  {date}  {hit.title}")
        if hit.snippets:
            click.echo(f"     {_marked(hit.snippets[0], is_tty)}")


def _marked(snippet: Snippet, is_tty: bool) -> str:
    """The snippet on one line, matches in bold on a terminal and in [brackets] otherwise."""
    parts, at = [], 0
    for span in snippet.spans:
        match = snippet.text[span.start : span.end]
        parts += [
            snippet.text[at : span.start],
            click.style(match, bold=True) if is_tty else f"[{match}]",
        ]
        at = span.end
    parts.append(snippet.text[at:])
    line = " ".join("".join(parts).split())
    return f"...{line}" if snippet.start > 0 else line


def _result_json(result: SearchResult) -> dict[str, Any]:
    """The shape of GET /api/search, without URLs (see docs/API.md)."""
    return {
        "query": result.request.query,
        "total": result.total,
        "page": result.request.page,
        "per_page": result.request.per_page,
        "hits": [
            {
                "id": hit.id,
                "score": hit.score,
                "title": hit.title,
                "kind": hit.kind,
                "date": hit.date.iso() if hit.date else None,
                "date_precision": hit.date.precision if hit.date else None,
                "speaker": hit.speaker,
                "source": hit.source,
                "snippets": [
                    {"text": s.text, "spans": [[p.start, p.end] for p in s.spans], "start": s.start}
                    for s in hit.snippets
                ],
            }
            for hit in result.hits
        ],
        "facets": {
            name: [{"value": value, "count": count} for value, count in counts]
            for name, counts in result.facets.items()
        },
        "suggestion": result.suggestion or None,
        "notices": list(result.notices),
    }
