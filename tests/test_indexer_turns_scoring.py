"""The hand-labelled transcripts (tests/data/turns-gold.json) and the figures they give."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.turns.scoring import GoldDocument, GoldTurn, read_gold, score

DATA = Path(__file__).parent / "data"
GOLD = DATA / "turns-gold.json"
HELD_OUT = DATA / "turns-heldout.json"  # labelled after tuning, never used to tune


@pytest.fixture(scope="module")
def gold(shared_data_dir: Path) -> list[GoldDocument]:
    return read_gold(GOLD, shared_data_dir)


@pytest.fixture(scope="module")
def held_out(shared_data_dir: Path) -> list[GoldDocument]:
    return read_gold(HELD_OUT, shared_data_dir)


def test_the_labelled_set_is_varied_and_its_offsets_fit_its_texts(gold: list[GoldDocument]) -> None:
    assert len(gold) >= 30
    files = {doc.file for doc in gold}
    assert {"bench/kremlin.jsonl.gz", "bench/uspres.jsonl.gz", "bench/ungdc.jsonl.gz"} <= files
    assert "nltk:nps_chat" in files
    assert sum(1 for doc in gold if not doc.turns) >= 8  # speeches and news without turns
    for doc in gold:
        end = 0
        for turn in doc.turns:
            assert doc.text[turn.start :].startswith(turn.label + ":"), (doc.id, turn)
            assert end <= turn.start < turn.end <= len(doc.text), (doc.id, turn)
            end = turn.end


@pytest.mark.parametrize("labelled", ["gold", "held_out"])
def test_turns_and_speakers_are_found_with_precision_and_recall_of_at_least_98_percent(
    labelled: str, request: pytest.FixtureRequest
) -> None:
    scores = score(request.getfixturevalue(labelled))
    for measure in (scores.boundaries, scores.speakers):
        assert measure.precision >= 0.98 and measure.recall >= 0.98, scores.errors
    assert scores.anonymous.recall >= 0.98, scores.errors


def test_a_turn_counts_only_with_both_ends_right_and_a_speaker_only_where_it_starts() -> None:
    text = "Anna Ivanova: Hello.\n\nBoris Petrov: Hi.\n\nAnna Ivanova: Bye."
    turns = (
        GoldTurn(0, 20, "Anna Ivanova", "Anna Ivanova"),
        GoldTurn(22, 39, "Boris Petrov", "Someone Else"),
        GoldTurn(41, 59, "Anna Ivanova", "Anna Ivanova"),
    )
    result = score([GoldDocument("f", "d", text, "", turns)])
    found = result.boundaries
    assert (found.right, found.found, found.expected) == (3, 3, 3)
    assert (result.speakers.right, result.speakers.found) == (2, 3)
    error = "'Boris Petrov' at 22: speaker 'Boris Petrov', not 'Someone Else'"
    assert result.errors == {"d": [error]}


def test_a_text_that_changed_since_it_was_labelled_is_refused(tmp_path: Path) -> None:
    gold = tmp_path / "gold.json"
    gold.write_text(
        '{"documents": [{"file": "nltk:nps_chat", "id": "npschat-10-19-20s", "sha256": "0",'
        ' "labels": [], "turns": []}]}',
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="changed since it was labelled"):
        read_gold(gold, tmp_path)
