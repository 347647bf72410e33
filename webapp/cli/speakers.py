"""``dossier entities speaker`` and ``speakers``: who speaks in a transcript, and corrections.

A speaker correction is one label of one document ("Question", "Kirill Kleimenov"): whose turns
it marks, or that it marks none. Like every correction it is logged with ``--who`` and queues
the document for re-analysis, which the command then runs.
"""

from __future__ import annotations

import click

from corpus.entities import (
    correct_speaker,
    participants,
    speaker_corrections,
    turns,
    undo_speaker,
)
from webapp.cli.analysis import session
from webapp.cli.reanalysis import drain_now, report_lines
from webapp.cli.terminal import say
from webapp.corrections import entity_ref


@click.command("speaker")
@click.argument("document")
@click.argument("label")
@click.option("--entity", help="The registry entity whose turns LABEL marks (an id or a name).")
@click.option("--name", help="A name not in the registry: whose turns LABEL marks.")
@click.option("--anonymous", is_flag=True, help="LABEL marks turns of someone unnamed.")
@click.option("--not-a-turn", "not_a_turn", is_flag=True, help="LABEL marks no one's turn.")
@click.option("--undo", is_flag=True, help="Drop the correction of LABEL.")
@click.pass_obj
def speaker_command(
    obj: dict[str, str],
    document: str,
    label: str,
    entity: str | None,
    name: str | None,
    anonymous: bool,
    not_a_turn: bool,
    undo: bool,
) -> None:
    """Say whose turns LABEL (the words before the colon) marks in DOCUMENT."""
    chosen = [bool(entity), name is not None, anonymous, not_a_turn, undo]
    if sum(chosen) != 1:
        raise click.UsageError(
            "Give exactly one of --entity, --name, --anonymous, --not-a-turn or --undo."
        )
    who = obj["who"]
    with session() as (store, entity_store):
        if undo:
            result = undo_speaker(entity_store, document, label, who=who)
            said = f"Dropped the speaker correction of {label!r} in {document}."
        else:
            entity_id = entity_ref(entity_store, entity, "PERSON") if entity else None
            result = correct_speaker(
                entity_store,
                document,
                label,
                entity_id=entity_id,
                speaker=name or "",
                is_turn=not not_a_turn,
                who=who,
            )
            detail = result.correction.detail
            whose = f"turns of {detail['speaker']}" if detail["speaker"] else "unnamed turns"
            said = f"{label!r} in {document} marks {whose if not not_a_turn else 'no turns'}."
        say(said)
        say("\n".join(report_lines(drain_now(store, entity_store))))


@click.command("speakers")
@click.argument("document")
def speakers_command(document: str) -> None:
    """List who speaks in DOCUMENT (turns, share of the words) and its speaker corrections."""
    with session() as (store, entity_store):
        text = store.get(document).text
        found = turns(entity_store, document)
        fixes = speaker_corrections(entity_store, document)
    if not found:
        say(f"No speaker turns in {document} (or it is not analysed yet).")
    for p in participants(text, found):
        who = p.speaker or "unnamed speakers (questions, remarks)"
        linked = f" ({p.entity_id})" if p.entity_id else ""
        say(f"{who}{linked}: {p.turns} turn{'s' * (p.turns != 1)}, {p.share:.0%} of the words")
    for fix in fixes:
        whose = fix.speaker or ("no one" if not fix.is_turn else "someone unnamed")
        say(f"Corrected: {fix.label!r} -> {whose} ({fix.who})")
