"""``dossier entities speaker`` and ``speakers`` through click's CliRunner, on the invented
transcripts: corrections are logged, then the document is re-analysed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from webapp.cli.commands import cli

TRANSCRIPTS = Path(__file__).parent / "data-transcripts"
PRESS = "fixture-press-conference"
RULES_ONLY = "; registry and rules only (no trained model)."


def _run(runner: Any, *args: str, code: int = 0) -> Any:
    result = runner.invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result


def _lines(runner: Any, *args: str) -> list[str]:
    return str(_run(runner, *args).stdout).strip().splitlines()


@pytest.fixture
def transcripts(runner: Any) -> Any:
    _run(runner, "ingest", str(TRANSCRIPTS))
    return runner


def test_speakers_lists_who_speaks_with_turns_and_share_of_the_words(transcripts: Any) -> None:
    assert _lines(transcripts, "entities", "speakers", PRESS) == [
        "Vladimir Putin: 3 turns, 65% of the words",
        "Dmitry Peskov: 2 turns, 11% of the words",
        "unnamed speakers (questions, remarks): 3 turns, 24% of the words",
    ]


def test_a_speaker_correction_is_logged_and_reanalysed(transcripts: Any) -> None:
    _run(transcripts, "entities", "add", "Anna Ivanova", "--type", "PERSON", "--alias", "Anna")
    lines = _lines(
        transcripts, "entities", "--who", "ann", "speaker", PRESS, "question", "--entity", "Anna"
    )
    assert lines == [
        f"'question' in {PRESS} marks turns of Anna Ivanova.",
        f"Re-analysed 1 document (6 mentions); re-indexed 1 document{RULES_ONLY}",
    ]
    listed = _lines(transcripts, "entities", "speakers", PRESS)
    assert any(line.startswith("Anna Ivanova (anna-ivanova-") for line in listed)
    assert listed[-1] == "Corrected: 'Question' -> Anna Ivanova (ann)"
    history = _lines(transcripts, "entities", "history")
    assert "ann: speaker anna-ivanova-" in history[0] and "label='Question'" in history[0]
    undone = _lines(transcripts, "entities", "speaker", PRESS, "Question", "--undo")
    assert undone[0] == f"Dropped the speaker correction of 'Question' in {PRESS}."


def test_a_speaker_correction_needs_exactly_one_answer_and_a_real_label(transcripts: Any) -> None:
    result = _run(transcripts, "entities", "speaker", PRESS, "Question", code=2)
    assert "Give exactly one of --entity, --name, --anonymous, --not-a-turn or --undo." in (
        result.output
    )
    result = _run(transcripts, "entities", "speaker", PRESS, "The result", "--anonymous", code=1)
    assert '"The result" does not start a line before a colon' in result.output
