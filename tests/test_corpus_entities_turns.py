"""Stored speaker turns and analysts' speaker corrections, on a real store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from corpus import ingest
from corpus.entities import corrections
from corpus.entities.analyses import MentionSet, replace_many
from corpus.entities.dialogue import speaker_ref, turn_at, turns, turns_many
from corpus.entities.model import Turn
from corpus.entities.speakers import correct_speaker, speaker_corrections, undo_speaker
from corpus.entities.store import EntityStore
from corpus.errors import DocumentNotFound, EntityNotFound, InvalidEntity
from corpus.jobs import pending_documents
from corpus.model import Span
from corpus.tables import jobs

TRANSCRIPTS = Path(__file__).parent / "data-transcripts"
PRESS = "fixture-press-conference"


@pytest.fixture
def es(empty_store: Any) -> EntityStore:
    report = ingest([TRANSCRIPTS], empty_store)
    assert not report.failed, report.failed
    es = EntityStore(empty_store)
    corrections.add_entity(es, "Vladimir Putin", "PERSON", id="putin")
    corrections.add_entity(es, "V. V. Putin", "PERSON", id="vvp")
    return es


def _turn(start: int, end: int, speaker: str, entity: str | None = None) -> Turn:
    return Turn(Span(start, end), Span(start, start + 5), speaker, Span(start, start + 5), entity)


def test_turns_are_stored_with_the_analysis_and_replaced_by_the_next(es: EntityStore) -> None:
    first = [_turn(0, 10, "Vladimir Putin", "putin"), _turn(12, 30, "")]
    replace_many(es, [MentionSet(PRESS, 1, [], [], turns=first)])
    assert turns(es, PRESS) == first
    replace_many(es, [MentionSet(PRESS, 1, [], [], turns=first[:1])])
    assert turns(es, PRESS, 1) == first[:1]
    assert turns_many(es, [(PRESS, 1), ("fixture-white-house", 1)]) == {
        (PRESS, 1): first[:1],
        ("fixture-white-house", 1): [],
    }


def test_a_turn_of_an_unknown_entity_is_kept_without_it(es: EntityStore) -> None:
    replace_many(es, [MentionSet(PRESS, 1, [], [], turns=[_turn(0, 10, "Ghost", "no-such")])])
    assert [(t.speaker, t.entity_id) for t in turns(es, PRESS)] == [("Ghost", None)]


def test_a_merge_moves_the_turns_of_the_merged_entity(es: EntityStore) -> None:
    replace_many(es, [MentionSet(PRESS, 1, [], [], turns=[_turn(0, 10, "V. V. Putin", "vvp")])])
    corrections.merge(es, "vvp", "putin", who="ann")
    assert [t.entity_id for t in turns(es, PRESS)] == ["putin"]


def test_the_turn_at_an_offset_is_the_one_whose_span_holds_it() -> None:
    found = [_turn(0, 10, "A"), _turn(12, 30, "B")]
    assert [getattr(turn_at(found, n), "speaker", None) for n in (0, 9, 10, 11, 12, 29, 30)] == [
        "A",
        "A",
        None,
        None,
        "B",
        "B",
        None,
    ]


def test_a_speaker_is_referred_to_by_entity_id_else_by_an_unlinked_name() -> None:
    assert speaker_ref(_turn(0, 1, "Vladimir Putin", "putin")) == "putin"
    assert speaker_ref(_turn(0, 1, "Sophie Shevardnadze")) == "~person:sophie_shevardnadze"
    assert speaker_ref(_turn(0, 1, "")) == ""


def test_a_speaker_correction_is_logged_queued_and_read_by_analysis(es: EntityStore) -> None:
    result = correct_speaker(es, PRESS, "question", entity_id="vvp", who="ann")
    assert result.affected == {PRESS}
    (fix,) = speaker_corrections(es, PRESS)
    assert (fix.label, fix.speaker, fix.entity_id, fix.is_turn, fix.who) == (
        "Question",
        "V. V. Putin",
        "vvp",
        True,
        "ann",
    )
    assert es.corrections_for(PRESS).speakers == (fix,)
    log = corrections.history(es, "vvp")[0]
    assert (log.kind, log.who, log.detail["label"]) == ("speaker", "ann", "Question")
    with es.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(jobs)) == 1
    assert pending_documents(es.store, "reanalyse", [PRESS]) == {PRESS}


def test_a_label_can_be_said_to_be_anonymous_or_no_speakers_and_undone(es: EntityStore) -> None:
    correct_speaker(es, PRESS, "Remark", speaker="", who="ann")
    correct_speaker(
        es, PRESS, "Presidential Press Secretary Dmitry Peskov", is_turn=False, who="bo"
    )
    assert [(f.label, f.is_turn) for f in speaker_corrections(es, PRESS)] == [
        ("Presidential Press Secretary Dmitry Peskov", False),
        ("Remark", True),
    ]
    undo_speaker(es, PRESS, "remark", who="ann")
    assert [f.label for f in speaker_corrections(es, PRESS)] == [
        "Presidential Press Secretary Dmitry Peskov"
    ]
    assert [c.kind for c in corrections.history(es)][:3] == ["unspeaker", "speaker", "speaker"]


def test_bad_speaker_corrections_say_what_is_wrong(es: EntityStore) -> None:
    with pytest.raises(InvalidEntity, match='"The result" does not start a line before a colon'):
        correct_speaker(es, PRESS, "The result", speaker="X", who="ann")
    with pytest.raises(DocumentNotFound, match="nope"):
        correct_speaker(es, "nope", "Question", speaker="X", who="ann")
    with pytest.raises(EntityNotFound):
        correct_speaker(es, PRESS, "Question", entity_id="no-such", who="ann")
    with pytest.raises(InvalidEntity, match="No speaker correction"):
        undo_speaker(es, PRESS, "Question", who="ann")
    with pytest.raises(InvalidEntity, match="Who made the correction"):
        correct_speaker(es, PRESS, "Question", speaker="X", who=" ")
