"""Speaker turns in the entity analysis: labels as PERSON mentions, speakers linked, corrected."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from corpus import ingest
from corpus.entities.analyses import mentions
from corpus.entities.corrections import add_entity
from corpus.entities.dialogue import turns
from corpus.entities.model import Entity, EntityCorrections, SpeakerCorrection, Turn
from corpus.entities.speakers import correct_speaker
from corpus.entities.store import EntityStore
from corpus.model import Document
from corpus.readers.text import read_text
from indexer.entities.alias_matcher import AliasMatcher
from indexer.entities.analysis import analyse_document
from indexer.entities.extraction import analyse_documents, reindex_documents

TRANSCRIPTS = Path(__file__).parent / "data-transcripts"
REGISTRY = [
    Entity("putin", "Vladimir Putin", "PERSON", ("President Putin",)),
    Entity("peskov", "Dmitry Peskov", "PERSON"),
    Entity("lavrov", "Sergey Lavrov", "PERSON", ("Sergei Lavrov",)),
    Entity("russia", "Russia", "LOCATION"),
]


def _document(name: str) -> Document:
    draft = read_text((TRANSCRIPTS / name).read_bytes(), TRANSCRIPTS / name)
    assert not isinstance(draft, str)
    return Document(draft.id or name, 1, draft.text, speaker=draft.speaker)


def _turns(text: str, turns: tuple[Turn, ...]) -> list[tuple[str, str, str | None]]:
    return [(text[t.label.start : t.label.end], t.speaker, t.entity_id) for t in turns]


def test_each_label_name_is_a_person_mention_of_its_linked_speaker() -> None:
    document = _document("press-conference.md")
    analysis = analyse_document(document, None, AliasMatcher(REGISTRY))
    text = document.text
    labels = [(m.text, m.type, m.entity_id) for m in analysis.mentions if m.source == "label"]
    assert labels == [
        ("Vladimir Putin", "PERSON", "putin"),
        ("Vladimir Putin", "PERSON", "putin"),
        ("Vladimir Putin", "PERSON", "putin"),
        ("Dmitry Peskov", "PERSON", "peskov"),
        ("Dmitry Peskov", "PERSON", "peskov"),
    ]
    first = analysis.turns[0]
    assert first.name is not None and text[first.name.start : first.name.end] == "Vladimir Putin"
    russia = [m for m in analysis.mentions if m.text == "Russia"]
    assert russia and russia[0].span.end <= first.name.start  # the role's place stays
    assert _turns(text, analysis.turns)[1:3] == [
        ("Question", "", None),
        ("Vladimir Putin", "Vladimir Putin", "putin"),
    ]


def test_the_documents_own_speaker_is_linked_through_its_titles() -> None:
    document = _document("qa-interview.md")
    analysis = analyse_document(document, None, AliasMatcher(REGISTRY))
    by_label = {label: entity for label, _, entity in _turns(document.text, analysis.turns)}
    assert by_label == {"Q": None, "A": "lavrov", "MODERATOR": None, "Mr. Lavrov": "lavrov"}
    (mention,) = [m for m in analysis.mentions if m.source == "label"]
    assert (mention.text, mention.entity_id) == ("Mr. Lavrov", "lavrov")


def test_without_a_registry_speakers_are_names_not_yet_linked() -> None:
    document = _document("press-conference.md")
    analysis = analyse_document(document, None, None)
    assert {t.speaker for t in analysis.turns} == {"Vladimir Putin", "Dmitry Peskov", ""}
    assert {t.entity_id for t in analysis.turns} == {None}
    assert sum(1 for m in analysis.mentions if m.source == "label") == 5


def test_the_model_never_fuses_a_label_with_the_words_after_its_colon(
    trained_recogniser: Any,
) -> None:
    text = (
        "Rumen Radev: May I take a minute, please?\n\n"
        "Vladimir Putin: Yes, of course.\n\n"
        "Rumen Radev: Thank you, Mr Putin. Bulgaria and Russia trade more every year."
    )
    analysis = analyse_document(Document("d", 1, text), trained_recogniser, None)
    colons = [m.start(1) for m in re.finditer(r"(?m)^[^:\n]+(:)", text)]
    for m in analysis.mentions:
        assert not any(m.span.start < c + 1 <= m.span.end for c in colons), m
    labels = [(m.text, m.type) for m in analysis.mentions if m.source == "label"]
    assert labels == [
        ("Rumen Radev", "PERSON"),
        ("Vladimir Putin", "PERSON"),
        ("Rumen Radev", "PERSON"),
    ]


def test_an_analysts_speaker_correction_wins_over_the_label() -> None:
    document = _document("press-conference.md")
    corrections = EntityCorrections(
        speakers=(
            SpeakerCorrection("question", "Sergey Lavrov", "lavrov"),
            SpeakerCorrection("REMARK", is_turn=False),
        )
    )
    analysis = analyse_document(document, None, AliasMatcher(REGISTRY), corrections)
    said = _turns(document.text, analysis.turns)
    assert ("Question", "Sergey Lavrov", "lavrov") in said
    assert "Remark" not in [label for label, _, _ in said]
    peskov = [t for t in analysis.turns if t.speaker == "Dmitry Peskov"][0]
    assert document.text[peskov.span.start : peskov.span.end].endswith("Remark: Thank you.")


def test_a_correction_makes_a_label_of_what_detection_passed_over() -> None:
    document = Document("d", 1, "Anna Ivanova: Hello.\n\nThe chair of the board: Welcome, all.")
    corrections = EntityCorrections(
        speakers=(SpeakerCorrection("The chair of the board", "Olga Orlova"),)
    )
    analysis = analyse_document(document, None, None, corrections)
    assert [t.speaker for t in analysis.turns] == ["Anna Ivanova", "Olga Orlova"]


def test_the_analysis_step_stores_turns_and_applies_a_later_speaker_correction(
    empty_store: Any, tmp_path: Path
) -> None:
    assert not ingest([TRANSCRIPTS], empty_store).failed
    es = EntityStore(empty_store)
    add_entity(es, "Vladimir Putin", "PERSON", id="putin")
    analyse_documents(empty_store, es, recogniser=None, procs=1)
    stored = turns(es, "fixture-press-conference")
    assert [t.speaker for t in stored][:3] == ["Vladimir Putin", "", "Vladimir Putin"]
    assert stored[0].entity_id == "putin"
    labels = [m for m in mentions(es, "fixture-press-conference") if m.source == "label"]
    assert [m.text for m in labels] == ["Vladimir Putin"] * 3 + ["Dmitry Peskov"] * 2
    result = correct_speaker(
        es, "fixture-press-conference", "Question", speaker="Anna Ivanova", who="ann"
    )
    reindex_documents(empty_store, es, tmp_path / "no-index", result.affected, None, procs=1)
    assert turns(es, "fixture-press-conference")[1].speaker == "Anna Ivanova"
