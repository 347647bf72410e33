"""``dossier annotations list|export|import|reanchor``: thin wrappers over ``annotations``.

They act as the one local user (``webapp.users.current_user``), like the web app.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import click

from annotations import (
    FORMATS,
    REANCHOR,
    Annotation,
    AnnotationFilter,
    AnnotationStore,
    ImportReport,
    all_annotations,
    export_csv,
    export_w3c,
    import_items,
    list_annotations,
    parse_row,
    read_csv,
    read_w3c,
    stamp,
)
from annotations.w3c import Urls
from corpus.jobs import queue_status
from webapp import pipeline
from webapp.cli.analysis import config
from webapp.cli.steps import follow_up_lines
from webapp.instance import open_store
from webapp.users import current_user


@contextlib.contextmanager
def _annotation_store(*, read_only: bool = False) -> Iterator[AnnotationStore]:
    """``read_only``: never migrate (``analysis.session``)."""
    with open_store(config(), migrate=not read_only) as store:
        yield AnnotationStore(store, migrate=not read_only)


@click.group("annotations")
def annotations_group() -> None:
    """List, export, import and re-anchor analysts' annotations."""


@annotations_group.command("list")
@click.option("--document", multiple=True, help="Only this document's annotations.")
@click.option("--tag", multiple=True, help="Only annotations with this tag (all of them).")
@click.option("--author", multiple=True, help="Only this author's annotations.")
@click.option("--status", multiple=True, help="exact, moved, fuzzy or orphaned.")
@click.option("--q", "words", default="", help="Words in the note or the quote.")
@click.option("--limit", default=50, type=click.IntRange(1, 200), help="How many to show.")
@click.option("--json", "as_json", is_flag=True, help="Print them as JSON.")
def list_command(
    document: tuple[str, ...], tag: tuple[str, ...], author: tuple[str, ...],
    status: tuple[str, ...], words: str, limit: int, as_json: bool,
) -> None:  # fmt: skip
    """List annotations, newest first (fuzzy and orphaned ones are marked for review)."""
    query = AnnotationFilter(
        viewer=current_user(), document_ids=document, tags=tag, authors=author,
        statuses=status, text=words, per_page=limit,
    )  # fmt: skip
    with _annotation_store(read_only=True) as astore:
        page = list_annotations(astore, query)
    if as_json:
        click.echo(json.dumps([_json(a) for a in page.annotations], indent=2, ensure_ascii=False))
        return
    for annotation in page.annotations:
        click.echo(_line(annotation))
    click.echo(f"{len(page.annotations)} of {page.total} annotations.")


@annotations_group.command("export")
@click.argument("target", type=click.Path(dir_okay=False, writable=True, allow_dash=True))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="w3c (JSON-LD) or csv; default: from the file name.",
)
@click.option("--base-url", help="Base of the IRIs in a W3C export.  [default: http://HOST:PORT]")
def export_command(target: str, fmt: str | None, base_url: str | None) -> None:
    """Write every annotation and reply to TARGET ("-": standard output)."""
    settings = config()
    fmt = fmt or ("csv" if target.endswith(".csv") else "w3c")
    urls = Urls((base_url or f"http://{settings['HOST']}:{settings['PORT']}").rstrip("/"))
    with _annotation_store(read_only=True) as astore:
        found = list(all_annotations(astore, viewer=current_user()))
    if fmt == "csv":
        text = export_csv(found)
    else:
        exported = export_w3c(found, urls, label=f"Dossier annotations, {stamp()}")
        text = json.dumps(exported, indent=1, ensure_ascii=False) + "\n"
    if target == "-":
        sys.stdout.write(text)
        return
    Path(target).write_text(text, encoding="utf-8")
    click.echo(f"Exported {len(found)} annotations to {target} ({fmt}).")


@annotations_group.command("import")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(FORMATS), help="w3c or csv; default: from the file name."
)
def import_command(source: Path, fmt: str | None) -> None:
    """Import annotations from a W3C JSON-LD or CSV export; bad items are listed, the rest
    stored. Exit status 1 when items failed and nothing was stored."""
    data = source.read_bytes()
    fmt = fmt or ("csv" if source.suffix.lower() == ".csv" else "w3c")
    with _annotation_store() as astore:
        if fmt == "csv":
            report = import_items(astore, read_csv(data), parse=parse_row)
        else:
            report = import_items(astore, read_w3c(data))
    click.echo("\n".join(_report_lines(report)))
    if report.failed and not report.annotations:
        raise click.ClickException(f"Nothing was imported from {source}: every item failed.")


@annotations_group.command("reanchor")
@click.option("--status", "show_status", is_flag=True, help="Only show what waits.")
def reanchor_command(show_status: bool) -> None:
    """Re-anchor the annotations of documents that got a new version.

    The web app's worker does this by itself; run it after an ingest while no server runs.
    """
    if not show_status:
        done = follow_up_lines([pipeline.reanchor_changed(config())])
        click.echo("\n".join(done or ["Re-anchor: nothing to do."]))
    with _annotation_store() as astore:
        found = queue_status(astore.store, REANCHOR)
    click.echo(f"Waiting: {found.pending} documents; failed: {found.failed}.")


def _line(annotation: Annotation) -> str:
    quote = " ".join(annotation.anchor.quote.split())
    quote = quote if len(quote) <= 60 else quote[:59] + "…"
    flag = " (review)" if annotation.status in ("fuzzy", "orphaned") else ""
    tags = f" [{', '.join(annotation.tags)}]" if annotation.tags else ""
    note = annotation.note.strip().splitlines()[0][:60] if annotation.note.strip() else ""
    return (
        f"{annotation.id}  {annotation.status}{flag}  {annotation.document_id}  “{quote}”{tags}"
        + (f"  {note}" if note else "")
    )


def _json(annotation: Annotation) -> dict[str, object]:
    located = annotation.located
    return {
        "id": annotation.id, "document_id": annotation.document_id,
        "version": annotation.anchor.version, "quote": annotation.anchor.quote,
        "status": annotation.status, "score": annotation.score,
        "located": [located.version, located.span.start, located.span.end] if located else None,
        "note": annotation.note, "tags": list(annotation.tags), "colour": annotation.colour,
        "visibility": annotation.visibility, "author": annotation.author,
        "created": annotation.created.isoformat(), "modified": annotation.modified.isoformat(),
        "revision": annotation.revision, "replies": len(annotation.replies),
    }  # fmt: skip


def _report_lines(report: ImportReport) -> list[str]:
    lines = [
        f"Imported {report.annotations} annotations and {report.replies} replies; "
        f"{report.present} were already here; {len(report.failed)} items failed."
    ]
    lines += [f"  {notice}" for notice in report.notices]
    lines += [f"  {where}: {reason}" for where, reason in report.failed]
    return lines
