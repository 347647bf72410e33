"""``dossier briefs list|show|verify|export``: thin wrappers over ``annotations``' briefs.

They act as the one local user (``webapp.users.current_user``), like the web app. Note links
point at the web app (``--base-url``, by default http://HOST:PORT).
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import click

from annotations import (
    EXPORT_FORMATS,
    AnnotationStore,
    BriefCitation,
    BriefStore,
    Notes,
    UnverifiedQuotes,
    Urls,
    export_brief,
    note_brief,
    verify_brief,
)
from corpus.entities import EntityStore
from webapp.cli.analysis import config
from webapp.instance import open_store
from webapp.turn_layer import speakers_in
from webapp.users import current_user

BASE_URL_HELP = "Base of the note links.  [default: http://HOST:PORT]"


@contextlib.contextmanager
def _brief_store(*, read_only: bool = False) -> Iterator[BriefStore]:
    """``read_only``: never migrate (``analysis.session``)."""
    with open_store(config(), migrate=not read_only) as store:
        yield BriefStore(AnnotationStore(store, migrate=not read_only))


def _urls(base_url: str | None) -> Urls:
    settings = config()
    return Urls((base_url or f"http://{settings['HOST']}:{settings['PORT']}").rstrip("/"))


def _notes(bstore: BriefStore, id: str, urls: Urls) -> Notes:
    brief = bstore.get(id, viewer=current_user())
    entity_store = EntityStore(bstore.store)
    said_by = speakers_in(entity_store, {e.id: e for e in entity_store.registry().entities})

    def link(citation: BriefCitation) -> str:
        return f"{urls.base}/briefs/{brief.id}/citations/{citation.id}"

    return note_brief(bstore, brief, link, said_by)


@click.group("briefs")
def briefs_group() -> None:
    """List, show, verify and export analysts' briefs."""


@briefs_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print them as JSON.")
def list_command(as_json: bool) -> None:
    """List briefs, those needing verification first (marked "!"), then the newest."""
    with _brief_store(read_only=True) as bstore:
        found = bstore.all(viewer=current_user())
    if as_json:
        rows = [
            {"id": b.id, "title": b.title, "owner": b.owner, "visibility": b.visibility,
             "revision": b.revision, "citations": len(b.citations),
             "needs_verification": b.needs_verification, "modified": b.modified.isoformat()}
            for b in found
        ]  # fmt: skip
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for b in found:
        flag = "!" if b.needs_verification else " "
        click.echo(f"{flag} {b.id}  {b.title}  ({len(b.citations)} citations, {b.visibility})")
    click.echo(f"{len(found)} briefs.")


@briefs_group.command("show")
@click.argument("id")
@click.option("--base-url", help=BASE_URL_HELP)
def show_command(id: str, base_url: str | None) -> None:
    """Print a brief as Markdown with its numbered notes."""
    with _brief_store(read_only=True) as bstore:
        notes = _notes(bstore, id, _urls(base_url))
    click.echo(export_brief(notes, "markdown", _urls(base_url)).data.decode("utf-8"), nl=False)


@briefs_group.command("verify")
@click.argument("id")
def verify_command(id: str) -> None:
    """Check every quote of a brief against the current version of its source. Exit status
    1 when a quote changed or is missing."""
    with _brief_store() as bstore:
        found = verify_brief(bstore, id, viewer=current_user())
    for number, verdict in enumerate(found.verdicts, start=1):
        click.echo(f"{number:>3}. {verdict.status:<8} {verdict.citation.anchor.quote[:70]!r}")
        if verdict.diff:
            shown = " ".join(_change(c.op, c.text) for c in verdict.diff)
            click.echo(f"     now: {shown}")
    counts = ", ".join(f"{n} {status}" for status, n in sorted(found.counts.items()))
    click.echo(f"{len(found.verdicts)} citations: {counts or 'none'}.")
    if found.problems:
        raise click.ClickException(
            f"{len(found.problems)} quotes changed or are missing: fix them before exporting."
        )


def _change(op: str, text: str) -> str:
    return {"delete": f"[-{text}-]", "insert": f"{{+{text}+}}"}.get(op, text)


@briefs_group.command("export")
@click.argument("id")
@click.argument("target", type=click.Path(dir_okay=False, writable=True, allow_dash=True))
@click.option(
    "--format", "fmt", type=click.Choice(list(EXPORT_FORMATS)),
    help="markdown, html, docx or w3c; default: from the file name.",
)  # fmt: skip
@click.option("--force", is_flag=True, help="Export even if quotes changed or are missing.")
@click.option("--base-url", help=BASE_URL_HELP)
def export_command(
    id: str, target: str, fmt: str | None, force: bool, base_url: str | None
) -> None:
    """Write brief ID to TARGET ("-": standard output) as Markdown with footnotes, print
    HTML, DOCX or a W3C Web Annotation bundle of its cited passages."""
    fmt = fmt or _format_of(target)
    urls = _urls(base_url)
    with _brief_store(read_only=True) as bstore:
        notes = _notes(bstore, id, urls)
    try:
        exported = export_brief(notes, fmt, urls, force=force)
    except UnverifiedQuotes as error:
        raise click.ClickException(f"{error} Use --force to export anyway.") from error
    if target == "-":
        sys.stdout.buffer.write(exported.data)
        return
    Path(target).write_bytes(exported.data)
    warned = (
        f" Check notes {', '.join(str(n.number) for n in notes.problems)}."
        if notes.problems
        else ""
    )
    click.echo(
        f"Exported {notes.brief.title!r} to {target} ({fmt}, {len(notes.notes)} notes).{warned}"
    )


def _format_of(target: str) -> str:
    suffix = Path(target).suffix.lower().lstrip(".")
    by_suffix = {"md": "markdown", "html": "html", "htm": "html", "docx": "docx", "jsonld": "w3c"}
    return by_suffix.get(suffix, "markdown")
