"""``dossier entities reanalyse``, and the re-analysis that corrections on the command line run.

A correction queues the documents it affects (jobs of kind ``"reanalyse"``); on the command
line it then drains the queue at once, in this process, as "dossier entities reanalyse" does.
A web server's background worker may take some of the same jobs: claims keep the two from
re-analysing a document twice. A correction that would re-analyse more than
``CONFIRM_DOCUMENTS`` documents asks first (``confirm_size``).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

import click

from corpus import Store
from corpus.entities import REANALYSE, EntityStore, preview
from corpus.jobs import QueueStatus, queue_status, retry_failed
from indexer.entities import DrainReport, Failure, load_recogniser
from webapp.cli.analysis import config, session
from webapp.cli.progress import StepProgress
from webapp.cli.terminal import say
from webapp.jobs import BATCH, job_settings, worker_name
from webapp.pipeline import StepReport, reanalyse_queued
from webapp.reanalysis import status_json

STEP = "reanalyse"  # the step's name for StepProgress ("Re-analysing")


@click.command("reanalyse")
@click.option("--status", "show_status", is_flag=True, help="Only show what the queue holds.")
@click.option("--retry-failed", "retry", is_flag=True, help="Queue failed documents again first.")
@click.option("--json", "as_json", is_flag=True, help="Print the report and status as JSON.")
def reanalyse_command(show_status: bool, retry: bool, as_json: bool) -> None:
    """Re-analyse and re-index the documents that corrections queued.

    The web app's background worker does this by itself; run it when REANALYSIS is "queue", or
    after a server stopped with work left. --status shows what waits and what failed. Exit
    status 1 when a document failed in this run.
    """
    report = DrainReport()
    with session() as (store, entity_store):
        requeued = retry_failed(entity_store, REANALYSE) if retry else None
        if not show_status:
            report = drain_now(store, entity_store)
        found = queue_status(entity_store, REANALYSE)
    if as_json:
        data: dict[str, Any] = {"status": status_json(found)}
        if requeued is not None:
            data["requeued"] = requeued
        if not show_status:
            data["report"] = report_json(report)
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        if requeued is not None:
            say(f"Queued {_count(requeued, 'failed document')} again.")
        if not show_status:
            say("\n".join(report_lines(report)))
        say("\n".join(status_lines(found)))
    if report.failures:
        raise click.ClickException(f"{_count(len(report.failures), 'document')} failed.")


def drain_now(store: Store, entity_store: EntityStore) -> DrainReport:
    """Drain the queue in this process, showing how far it is on stderr (``StepProgress``: a
    bar on a terminal, a line every few seconds and one at the end in a log)."""
    settings = config()
    total = queue_status(entity_store, REANALYSE, failures=0).pending
    started = time.perf_counter()
    with StepProgress() as shown:
        shown(STEP, 0, total)
        report = reanalyse_queued(
            store,
            entity_store,
            settings,
            load_recogniser(settings["MODELS_DIR"]),
            worker=worker_name(),
            policy=job_settings(settings).policy,
            batch=BATCH * 4,
            procs=2,
            progress=lambda so_far: shown(STEP, _tried(so_far), max(total, _tried(so_far))),
        )
        seconds = round(time.perf_counter() - started, 3)
        counts = {"documents": len(report.documents), "failed": len(report.failures)}
        shown.finished(StepReport(STEP, seconds, counts | {"indexed": report.indexed}))
    return report


def _tried(report: DrainReport) -> int:
    return len(report.documents) + len(report.failures) + report.working


def confirm_size(correct: Callable[[], object], *, yes: bool) -> None:
    """Before a correction: when it would re-analyse more than ``CONFIRM_DOCUMENTS``
    documents, say how many and ask (``--yes``: do not ask). Without a terminal to ask on, it
    refuses, naming ``--yes``. ``correct`` runs the correction; here it is rolled back."""
    limit = config()["CONFIRM_DOCUMENTS"]
    found = preview(correct)
    if found.documents <= limit or yes:
        return
    what = f"This correction re-analyses {_count(found.documents, 'document')}"
    what += " (every document)" if found.is_everything else ""
    if not sys.stdin.isatty():
        raise click.ClickException(
            f"{what}, more than {limit:,} (CONFIRM_DOCUMENTS). Nothing was changed: run the "
            "command again with --yes to apply it."
        )
    say(f"{what}, more than {limit:,}.", err=True)
    if not click.confirm("Apply it?", default=False, err=True):
        raise click.ClickException("Nothing was changed.")


def yes_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--yes``: apply a correction without asking, however many documents it affects (it is
    kept in the context's ``obj`` as ``"yes"``)."""

    def remember(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
        ctx.ensure_object(dict)["yes"] = value

    return click.option(
        "--yes",
        "-y",
        is_flag=True,
        expose_value=False,
        callback=remember,
        help="Apply it without asking, however many documents it re-analyses.",
    )(command)


def report_lines(report: DrainReport) -> list[str]:
    """What a drain did, then one line per failure."""
    if not report.documents and not report.failures:
        return ["Nothing to re-analyse."]
    found = _count(report.mentions, "mention")
    line = f"Re-analysed {_count(len(report.documents), 'document')} ({found})"
    if not report.has_index:
        line += '; no index yet (run "dossier index")'
    else:
        line += f"; re-indexed {_count(report.indexed, 'document')}"
    line += "; registry and rules only (no trained model)." if not report.has_model else "."
    return [line, *failure_lines(report.failures)]


def failure_lines(failures: Sequence[Failure]) -> list[str]:
    """One line per failed attempt: the document, whether it will be tried again, the error."""
    return [
        f"Failed: {f.document_id} (attempt {f.attempts}, "
        f"{'left as failed' if f.is_final else 'tried again later'}): {f.error}"
        for f in failures
    ]


def status_lines(found: QueueStatus) -> list[str]:
    """The queue in a few lines."""
    if not found.pending and not found.failed:
        return ["Queue: empty."]
    line = f"Queue: {_count(found.pending, 'document')} to re-analyse"
    if found.in_progress:
        line += f" ({found.in_progress:,} in progress)"
    if found.oldest:
        line += f", the oldest queued {found.oldest:%Y-%m-%d %H:%M} UTC"
    lines = [f"{line}; {found.failed:,} failed."]
    for f in found.failures:
        when = "left as failed" if f.is_failed else f"retry after {f.retry_at:%H:%M:%S} UTC"
        lines.append(f"  {f.document_id}: {f.attempts} attempts, {when}: {f.error}")
    if found.failed:
        lines.append('Run "dossier entities reanalyse --retry-failed" to try them again.')
    return lines


def report_json(report: DrainReport) -> dict[str, Any]:
    """A drain report for ``--json``."""
    return {
        "documents": list(report.documents),
        "mentions": report.mentions,
        "indexed": report.indexed,
        "has_index": report.has_index,
        "has_model": report.has_model,
        "failures": [
            {
                "document_id": f.document_id,
                "attempts": f.attempts,
                "error": f.error,
                "is_final": f.is_final,
            }
            for f in report.failures
        ],
    }


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"
