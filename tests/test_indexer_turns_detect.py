"""Speaker turns found in invented transcripts (tests/data-transcripts) and in small texts."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.entities.model import Turn
from corpus.readers.text import read_text
from indexer.turns.detect import find_turns
from indexer.turns.labels import ANONYMOUS, NAME, ROLE, SELF, TITLE, parse_label

TRANSCRIPTS = Path(__file__).parent / "data-transcripts"


def _read(name: str) -> tuple[str, str]:
    draft = read_text((TRANSCRIPTS / name).read_bytes(), TRANSCRIPTS / name)
    assert not isinstance(draft, str)
    return draft.text, draft.speaker


def _said(text: str, turns: list[Turn]) -> list[tuple[str, str]]:
    return [(text[t.label.start : t.label.end], t.speaker) for t in turns]


def test_a_press_conference_has_its_speakers_roles_and_questioners() -> None:
    text, speaker = _read("press-conference.md")
    turns = find_turns(text, document_speaker=speaker)
    assert _said(text, turns) == [
        ("President of Russia Vladimir Putin", "Vladimir Putin"),
        ("Question", ""),
        ("Vladimir Putin", "Vladimir Putin"),
        ("Question (retranslated)", ""),
        ("Vladimir Putin", "Vladimir Putin"),
        ("Presidential Press Secretary Dmitry Peskov", "Dmitry Peskov"),
        ("Remark", ""),
        ("Dmitry Peskov", "Dmitry Peskov"),
    ]
    first = turns[0]
    assert text[first.name.start : first.name.end] == "Vladimir Putin"  # type: ignore[union-attr]
    assert text[first.span.start : first.span.end].endswith("until 10:30 in the evening.")
    assert turns[1].name is None


def test_a_turn_runs_over_paragraphs_and_stops_at_an_editorial_break() -> None:
    text, speaker = _read("press-conference.md")
    turns = find_turns(text, document_speaker=speaker)
    assert "\n\nWe discussed the development" in text[turns[0].span.start : turns[0].span.end]
    last = turns[-1]
    assert text[last.span.start : last.span.end] == "Dmitry Peskov: Thank you, everyone."
    assert "The President then left" not in "".join(text[t.span.start : t.span.end] for t in turns)
    assert text[last.body.start : last.body.end] == " Thank you, everyone."


def test_colons_inside_a_turn_and_in_the_introduction_are_not_labels() -> None:
    text, speaker = _read("press-conference.md")
    starts = {t.span.start for t in find_turns(text, document_speaker=speaker)}
    for prose in ("The agenda: energy", "The result: a deal", "10:30"):
        assert text.index(prose) not in starts


def test_q_and_a_are_the_questioner_and_the_document_speaker() -> None:
    text, speaker = _read("qa-interview.md")
    assert _said(text, find_turns(text, document_speaker=speaker)) == [
        ("Q", ""),
        ("A", "Sergey Lavrov"),
        ("Q", ""),
        ("A", "Sergey Lavrov"),
        ("MODERATOR", ""),
        ("Q", ""),
        ("Mr. Lavrov", "Sergey Lavrov"),
    ]


def test_the_president_in_capitals_is_the_document_speaker_for_the_whole_speech() -> None:
    text, speaker = _read("white-house.md")
    (turn,) = find_turns(text, document_speaker=speaker)
    assert (text[turn.label.start : turn.label.end], turn.speaker) == ("THE PRESIDENT", speaker)
    assert text[turn.span.start :].startswith("THE PRESIDENT: Thank you")
    assert turn.span.end == len(text)  # "(Applause.)" and "Note:" stay inside it


def test_prose_with_colons_has_no_turns() -> None:
    text, speaker = _read("prose-with-colons.md")
    assert find_turns(text, document_speaker=speaker) == []


def test_an_office_is_no_one_the_president_can_be() -> None:
    text = "THE PRESIDENT: Thank you.\n\nQ: When?"
    assert find_turns(text, document_speaker="Presidential Press and Information Office") == []


def test_chat_lines_are_turns_and_actions_end_them() -> None:
    text = "User7: hi all\n* User84 waves\nUser84: hey User7\nUser7: :)\nUser12: lol"
    turns = find_turns(text)
    assert _said(text, turns) == [
        ("User7", "User7"),
        ("User84", "User84"),
        ("User7", "User7"),
        ("User12", "User12"),
    ]
    assert text[turns[0].span.start : turns[0].span.end] == "User7: hi all"


def test_a_quoted_message_read_out_by_a_host_is_not_a_turn() -> None:
    text = (
        "Kirill Kleymenov: Here is a message.\n\n"
        "Lipetsk, Yevgeny Zaitsev: “Please help us finish the house.”\n\n"
        "Vladimir Putin: We will look into it.\n\n"
        "Kirill Kleymenov: Thank you."
    )
    assert [s for _, s in _said(text, find_turns(text))] == [
        "Kirill Kleymenov",
        "Vladimir Putin",
        "Kirill Kleymenov",
    ]


def test_spelling_variants_and_initials_name_one_person() -> None:
    text = (
        "Kirill Kleymenov: Good afternoon.\n\nVladimir Putin: Hello.\n\n"
        "Kirill Kleimyonov: Let us start.\n\nD. Klimenko: Yes, sir.\n\n"
        "Dmitry Klimenko: Yes.\n\nVlaidmir Putin: Good.\n\nKirill Kleymenov: Next."
    )
    assert [s for _, s in _said(text, find_turns(text))] == [
        "Kirill Kleymenov",
        "Vladimir Putin",
        "Kirill Kleymenov",
        "Dmitry Klimenko",
        "Dmitry Klimenko",
        "Vladimir Putin",
        "Kirill Kleymenov",
    ]


def test_a_role_prefixed_label_takes_the_name_the_document_uses_alone() -> None:
    text = (
        "Secretary General of the Gas Exporting Countries Forum (GECF) Seyed Mohammed "
        "Hossein Adeli: Thank you.\n\nJohn Fraher: Go on.\n\nSeyed Mohammed Hossein Adeli: Yes."
    )
    assert {s for _, s in _said(text, find_turns(text))} == {
        "Seyed Mohammed Hossein Adeli",
        "John Fraher",
    }


def test_hard_wrapped_prose_does_not_start_a_label_mid_sentence() -> None:
    text = "Brazil welcomes the new States Members of the\nUnited Nations: Armenia and Georgia."
    assert find_turns(text, document_speaker="Mr. Lafer") == []


@pytest.mark.parametrize(
    ("label", "kind", "name"),
    [
        ("President of Russia Vladimir Putin", NAME, "Vladimir Putin"),
        ("Direct line programme host Kirill Kleymenov", NAME, "Kirill Kleymenov"),
        ("Gazprom CEO Alexei Miller", NAME, "Alexei Miller"),
        ("Minister of Industry and Trade Denis Manturov", NAME, "Denis Manturov"),
        ("President of Turkey Recep Tayyip Erdogan (retranslated)", NAME, "Recep Tayyip Erdogan"),
        ("Sergei Agafonov, Editor in Chief of Ogonyok magazine", NAME, "Sergei Agafonov"),
        ("King Abdullah II of Jordan", NAME, "Abdullah II"),
        ("Sberbank CEO German Gref", NAME, "German Gref"),
        ("Security Council Secretary NIKOLAI PATRUSHEV", NAME, "NIKOLAI PATRUSHEV"),
        ("Mr. Lavrov", NAME, "Mr. Lavrov"),
        ("SOLDIER #1", NAME, "SOLDIER #1"),
        ("Question (retranslated)", ANONYMOUS, None),
        ("THE PRESIDENT", SELF, None),
        ("MODERATOR", TITLE, None),
        ("Minister of Justice", ROLE, None),
        ("The message reads, in part", "", None),
        ("Alexander Burkov expressed his gratitude for federal funding", "", None),
        ("Mr. Speaker, Mr. President, Members of the Congress", "", None),
        ("First", "", None),
        ("Germany", "", None),
        ("Lipetsk, Yevgeny Zaitsev", "", None),
        ("Text of the Decree", "", None),
        ("Vladimir Todorov, Editor in Chief of Lenta.ru", NAME, "Vladimir Todorov"),
    ],
)
def test_a_label_is_read_from_its_words(label: str, kind: str, name: str | None) -> None:
    shape = parse_label(label)
    assert shape.kind == kind
    assert (label[shape.name[0] : shape.name[1]] if shape.name else None) == name
