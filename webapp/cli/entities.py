"""``dossier entities ...`` and ``dossier analyse``: the entity model, the registry, analysis.

Every correction is a thin wrapper: it calls the correction in ``corpus/``, which queues the
documents it affects for re-analysis, then drains the queue through the pipeline
(``webapp.pipeline.reanalyse_queued``) and prints what changed. Corrections are logged with
``--who`` (default "local").
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from corpus import EntityNotFound, InvalidEntity, Span, Store
from corpus import entities as registry
from corpus.entities import (
    ENTITY_TYPES,
    FORMATS,
    LOCAL,
    CorrectionResult,
    EntityStore,
    entity_mention_counts,
    export_registry,
    import_file,
)
from webapp.cli.analysis import eval_command, session, train_command
from webapp.cli.entity_terminal import entities_json, entity_lines, history_json, history_lines
from webapp.cli.reanalysis import (
    confirm_size,
    drain_now,
    reanalyse_command,
    report_lines,
    yes_option,
)
from webapp.cli.speakers import speaker_command, speakers_command
from webapp.cli.terminal import say

TYPE_CHOICE = click.Choice(ENTITY_TYPES, case_sensitive=False)


@click.group("entities")
@click.option("--who", default=LOCAL, show_default=True, help="Name logged with corrections.")
@click.pass_context
def entities(ctx: click.Context, who: str) -> None:
    """Train and score the entity model; list and correct the entity registry.

    A correction re-analyses and re-indexes only the documents it affects (it queues them, then
    drains the queue: see "dossier entities reanalyse"). One that would re-analyse more than
    CONFIRM_DOCUMENTS (300) documents says how many and asks first; --yes does not ask.
    """
    ctx.obj = {"who": who}


entities.add_command(train_command)
entities.add_command(eval_command)
entities.add_command(reanalyse_command)
entities.add_command(speaker_command)
entities.add_command(speakers_command)


@entities.command("list")
@click.option("--type", "type_", type=TYPE_CHOICE, help="Only entities of this type.")
@click.option("--json", "as_json", is_flag=True, help="Print the entities as JSON.")
def list_command(type_: str | None, as_json: bool) -> None:
    """List the registry: id, type, name, aliases and mentions in current documents."""
    with session(read_only=True) as (_, entity_store):
        found = entity_store.entities(type_.upper() if type_ else None)
        counts = entity_mention_counts(entity_store)
    if as_json:
        click.echo(json.dumps(entities_json(found, counts), indent=2, ensure_ascii=False))
    else:
        say("\n".join(entity_lines(found, counts)))


@entities.command("add")
@click.argument("name")
@click.option("--type", "type_", type=TYPE_CHOICE, required=True, help="The entity's type.")
@click.option("--alias", "aliases", multiple=True, help="Another name for it (repeatable).")
@click.option("--description", default="", help="A short description.")
@click.option("--external-id", default="", help="A Wikidata id such as Q7747.")
@click.option("--id", "entity_id", help="Its id (default: made from the name and type).")
@yes_option
@click.pass_obj
def add_command(obj: dict[str, Any], name: str, type_: str, **fields: Any) -> None:
    """Add an entity to the registry; its names are then found in every document."""

    def correct(entity_store: EntityStore) -> CorrectionResult:
        return registry.add_entity(
            entity_store,
            name,
            type_.upper(),
            aliases=fields["aliases"],
            description=fields["description"],
            external_id=fields["external_id"],
            id=fields["entity_id"],
            who=obj["who"],
        )

    _apply(obj, correct, lambda result: f"Added {_entity(result)}.")


@entities.command("alias")
@click.argument("entity")
@click.argument("alias")
@click.option("--remove", is_flag=True, help="Remove the alias instead of adding it.")
@yes_option
@click.pass_obj
def alias_command(obj: dict[str, Any], entity: str, alias: str, remove: bool) -> None:
    """Add an alias to ENTITY (an id or a name), or remove one with --remove."""
    change = registry.remove_alias if remove else registry.add_alias
    verb = "Removed the alias" if remove else "Added the alias"
    _apply(
        obj,
        lambda es: change(es, _entity_id(es, entity), alias, who=obj["who"]),
        lambda result: f"{verb} {alias!r}: {_entity(result)}.",
    )


@entities.command("merge")
@click.argument("entity")
@click.argument("into")
@yes_option
@click.pass_obj
def merge_command(obj: dict[str, Any], entity: str, into: str) -> None:
    """Merge ENTITY into INTO: its names and mentions move, its id redirects to INTO."""
    old: list[str] = []

    def correct(es: EntityStore) -> CorrectionResult:
        old[:] = [_entity_id(es, entity)]
        return registry.merge(es, old[0], _entity_id(es, into), obj["who"])

    _apply(obj, correct, lambda result: f"Merged {old[0]} into {_entity(result)}.")


@entities.command("rename")
@click.argument("entity")
@click.argument("name")
@yes_option
@click.pass_obj
def rename_command(obj: dict[str, Any], entity: str, name: str) -> None:
    """Give ENTITY a new canonical name; the old one stays as an alias."""
    _apply(
        obj,
        lambda es: registry.rename(es, _entity_id(es, entity), name, obj["who"]),
        lambda result: f"Renamed: {_entity(result)}.",
    )


@entities.command("retype")
@click.argument("entity")
@click.argument("type_", metavar="TYPE", type=TYPE_CHOICE)
@yes_option
@click.pass_obj
def retype_command(obj: dict[str, Any], entity: str, type_: str) -> None:
    """Change ENTITY's type; its mentions change type with it."""
    _apply(
        obj,
        lambda es: registry.retype(es, _entity_id(es, entity), type_.upper(), obj["who"]),
        lambda result: f"Retyped: {_entity(result)}.",
    )


@entities.command("split")
@click.argument("entity")
@click.option("--alias", "aliases", multiple=True, required=True, help="An alias to move.")
@click.option("--name", required=True, help="The new entity's name.")
@click.option("--type", "type_", type=TYPE_CHOICE, help="Its type (default: ENTITY's).")
@click.option("--id", "entity_id", help="Its id (default: made from the name and type).")
@yes_option
@click.pass_obj
def split_command(obj: dict[str, Any], entity: str, aliases: tuple[str, ...], **new: Any) -> None:
    """Move some aliases of ENTITY to a new entity called --name."""

    def correct(entity_store: EntityStore) -> CorrectionResult:
        return registry.split(
            entity_store,
            _entity_id(entity_store, entity),
            aliases,
            new["name"],
            type=new["type_"].upper() if new["type_"] else None,
            id=new["entity_id"],
            who=obj["who"],
        )

    _apply(obj, correct, lambda result: f"Split off {_entity(result)}.")


@entities.command("suppress")
@click.argument("surface")
@click.option("--type", "type_", type=TYPE_CHOICE, help="Only as this type (default: any).")
@click.option("--undo", is_flag=True, help="Lift the suppression instead.")
@yes_option
@click.pass_obj
def suppress_command(obj: dict[str, Any], surface: str, type_: str | None, undo: bool) -> None:
    """Mark SURFACE as "not an entity" in every document (analysts' tags still win)."""
    change = registry.unsuppress if undo else registry.suppress
    what = f"{surface!r}{f' as {type_.upper()}' if type_ else ''}"
    _apply(
        obj,
        lambda es: change(es, surface, (type_ or "").upper(), obj["who"]),
        lambda _: f"{'Lifted' if undo else 'Suppressed'} {what}.",
    )


@entities.command("suppressions")
def suppressions_command() -> None:
    """List the suppressed forms, newest first."""
    with session(read_only=True) as (_, entity_store):
        found = entity_store.suppressions()
    for s in found:
        when = s.at.strftime("%Y-%m-%d %H:%M") if s.at else ""
        say(f"{s.surface!r} {s.type or 'any type'}  ({s.who}, {when})")
    if not found:
        say("Nothing is suppressed.")


@entities.command("tag")
@click.argument("document")
@click.argument("start", type=click.IntRange(0))
@click.argument("end", type=click.IntRange(1))
@click.option("--type", "type_", type=TYPE_CHOICE, help="The mention's type.")
@click.option("--entity", help="The entity it names (an id or a name).")
@click.option("--version", type=click.IntRange(1), help="Document version (default: current).")
@click.pass_obj
def tag_command(obj: dict[str, str], document: str, start: int, end: int, **tag: Any) -> None:
    """Tag characters START to END of DOCUMENT as a mention the model missed."""
    with session() as (store, entity_store):
        entity_id = _entity_id(entity_store, tag["entity"]) if tag["entity"] else None
        result = registry.tag(
            entity_store,
            document,
            Span(start, end),
            type=tag["type_"].upper() if tag["type_"] else None,
            entity_id=entity_id,
            version=tag["version"],
            who=obj["who"],
        )
        detail = result.correction.detail
        _done(store, entity_store, result, f"Tagged {detail['quote']!r} as {detail['type']}.")


@entities.command("tags")
@click.argument("document", required=False)
def tags_command(document: str | None) -> None:
    """List analysts' tags (of DOCUMENT, or all), with where each was last found."""
    with session(read_only=True) as (_, entity_store):
        found = entity_store.tags(document)
    for t in found:
        where = "orphaned" if t.is_orphaned else f"[{t.anchor.start}, {t.anchor.end})"
        target = t.entity_id or t.type
        say(f"#{t.id} {t.document_id} v{t.anchor.version} {where} {t.anchor.quote!r} -> {target}")
    if not found:
        say("No tags.")


@entities.command("untag")
@click.argument("tag_id", type=click.IntRange(1))
@click.pass_obj
def untag_command(obj: dict[str, str], tag_id: int) -> None:
    """Delete an analyst's tag (see "dossier entities tags")."""
    with session() as (store, entity_store):
        result = registry.untag(entity_store, tag_id, obj["who"])
        _done(store, entity_store, result, f"Deleted tag #{tag_id}.")


@entities.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--strict", is_flag=True, help="Import nothing if any row is bad.")
@yes_option
@click.pass_obj
def import_command(obj: dict[str, Any], path: Path, strict: bool) -> None:
    """Merge a registry file (.csv or .json, as "export" writes) into the registry."""
    with session() as (store, entity_store):
        confirm_size(
            lambda: import_file(entity_store, path, who=obj["who"], strict=strict),
            yes=obj.get("yes", False),
        )
        report = import_file(entity_store, path, who=obj["who"], strict=strict)
        say(
            f"Imported {path.name}: {len(report.added)} added, {len(report.updated)} updated, "
            f"{len(report.unchanged)} unchanged, {len(report.skipped)} skipped."
        )
        for row in report.skipped:
            say(f"  {row.where}: {row.reason}")
        _reanalyse(store, entity_store, report.affected, report.is_everything)


@entities.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option(
    "--format", "format_", type=click.Choice(FORMATS), help="Default: from PATH, else csv."
)
def export_command(path: Path | None, format_: str | None) -> None:
    """Write the registry as CSV or JSON to PATH (default: standard output)."""
    format_ = format_ or (path.suffix.lstrip(".").lower() if path else "") or "csv"
    if format_ not in FORMATS:
        raise click.BadParameter(f"use csv or json, not {format_!r}", param_hint="--format")
    with session(read_only=True) as (_, entity_store):
        if path is None:
            export_registry(entity_store, sys.stdout, format_)
            return
        with path.open("w", encoding="utf-8", newline="") as out:
            count = export_registry(entity_store, out, format_)
    say(f"Exported {count} entities to {path}.")


@entities.command("history")
@click.argument("entity", required=False)
@click.option(
    "--limit", type=click.IntRange(1, 10_000), default=50, show_default=True, help="Most."
)
@click.option("--json", "as_json", is_flag=True, help="Print the corrections as JSON.")
def history_command(entity: str | None, limit: int, as_json: bool) -> None:
    """The latest corrections, newest first: what, who, when (of ENTITY, if given)."""
    with session(read_only=True) as (_, entity_store):
        entity_id = _entity_id(entity_store, entity) if entity else None
        found = registry.history(entity_store, entity_id, limit)
    if as_json:
        click.echo(json.dumps(history_json(found), indent=2, ensure_ascii=False))
    else:
        say("\n".join(history_lines(found)))


# -- plumbing --------------------------------------------------------------------------------


def _entity_id(entity_store: EntityStore, text: str) -> str:
    """An entity id from an id (merged ids followed) or a name or alias only one entity has."""
    try:
        return entity_store.resolve(text)
    except EntityNotFound:
        found = entity_store.find(text)
    if len(found) == 1:
        return found[0].id
    if not found:
        raise EntityNotFound(
            f'No entity has the id or name {text!r}. List them with "dossier entities list".'
        )
    ids = ", ".join(f"{e.id} ({e.type})" for e in found[:5])
    raise InvalidEntity(f"{text!r} names {len(found)} entities: {ids}. Give an id.")


def _entity(result: CorrectionResult) -> str:
    e = result.entity
    return f"{e.name} ({e.type}, {e.id})" if e else "the registry"


def _apply(
    obj: dict[str, Any],
    correct: Callable[[EntityStore], CorrectionResult],
    said: Callable[[CorrectionResult], str],
) -> None:
    """Run a correction (asking first when it re-analyses many documents: ``confirm_size``),
    say what it did, then re-analyse and re-index what it queued."""
    with session() as (store, entity_store):
        confirm_size(lambda: correct(entity_store), yes=obj.get("yes", False))
        result = correct(entity_store)
        _done(store, entity_store, result, said(result))


def _done(store: Store, entity_store: EntityStore, result: CorrectionResult, what: str) -> None:
    """Say what the correction did, then re-analyse and re-index what it queued."""
    say(what)
    _reanalyse(store, entity_store, result.affected, result.is_everything)


def _reanalyse(
    store: Store, entity_store: EntityStore, affected: frozenset[str], is_everything: bool
) -> None:
    """Re-analyse and re-index what a correction queued (draining the queue, so work a server
    left is done too); failures stay queued and are shown."""
    if not is_everything and not affected:
        say("No document is affected.")
        return
    report = drain_now(store, entity_store)
    say("\n".join(report_lines(report)))
