"""What an entity said (its turns in transcripts) for the entity page, on a real store with the
invented transcripts analysed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from corpus import ingest
from corpus.entities import corrections
from corpus.entities.dialogue import turns
from corpus.entities.queries import passages
from corpus.entities.statements import list_statements, statement_counts, statement_timeline
from corpus.entities.store import EntityStore
from corpus.model import PartialDate
from indexer.entities.extraction import analyse_documents

TRANSCRIPTS = Path(__file__).parent / "data-transcripts"
PRESS = "fixture-press-conference"


@pytest.fixture
def es(empty_store: Any) -> EntityStore:
    assert not ingest([TRANSCRIPTS], empty_store).failed
    es = EntityStore(empty_store)
    corrections.add_entity(es, "Vladimir Putin", "PERSON", id="putin")
    corrections.add_entity(es, "Dmitry Peskov", "PERSON", id="peskov")
    analyse_documents(empty_store, es, recogniser=None, procs=1)
    return es


def test_an_entitys_turns_are_counted_listed_with_their_opening_and_charted(
    es: EntityStore,
) -> None:
    assert statement_counts(es, "putin") == (3, 1)
    said = list_statements(es, "putin", width=40)
    assert [(s.document_id, s.date) for s in said] == [
        (PRESS, PartialDate(dt.date(2019, 9, 5), "day")),
    ] * 3
    assert [s.opening for s in said] == [
        "Good afternoon, colleagues. We",
        "Next year, I hope. The Far East needs",
        "We are ready. The result: a deal, if our",
    ]
    assert [s.is_cut for s in said] == [True, True, True]
    assert [s.span for s in said] == [t.span for t in turns(es, PRESS) if t.entity_id == "putin"]
    assert list_statements(es, "putin", limit=2, offset=2, width=40) == said[2:]
    assert statement_timeline(es, "putin") == [("2019", 3)]
    assert statement_timeline(es, "putin", "month") == [("2019-09", 3)]


def test_a_short_turn_is_not_cut_and_an_entity_without_turns_has_none(es: EntityStore) -> None:
    peskov = list_statements(es, "peskov")
    assert [(s.opening, s.is_cut) for s in peskov] == [
        ("Colleagues, one last question, please.", False),
        ("Thank you, everyone.", False),
    ]
    corrections.add_entity(es, "Anna Ivanova", "PERSON", id="anna")
    assert statement_counts(es, "anna") == (0, 0)
    assert list_statements(es, "anna") == [] and statement_timeline(es, "anna") == []


def test_the_mentioned_passages_leave_out_the_labels_of_the_entitys_own_turns(
    es: EntityStore,
) -> None:
    labels = {t.name for t in turns(es, PRESS) if t.entity_id == "peskov"}
    assert len(labels) == 2
    assert not {p.span for p in passages(es, "peskov") if p.document_id == PRESS} & labels
