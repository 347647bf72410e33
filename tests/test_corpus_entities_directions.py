"""Stage directions inside speaker turns: found by their place and their words, kept apart from
the speaker's words (share of the words, the ``said`` fields of the index)."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from corpus.entities.dialogue import participants
from corpus.entities.directions import spoken, stage_directions
from corpus.entities.model import Turn
from corpus.model import Span
from indexer.schema import WORD_RE
from indexer.turns.detect import find_turns
from indexer.turns.fields import read_ranges, read_said_names, said_fields

# Invented, in the shapes real transcripts use (Kremlin, White House, forum transcripts).
FORUM = """\
Anna Ivanova: Good evening. (Applause.) Our first guest needs no introduction.

Pavel Orlov: Thank you. I will speak Russian now. (In Russian)

We discussed the Collective Security Treaty Organisation (CSTO) and 40 billion [rubles] of
investment in the Republic of Sakha (Yakutia).

[Deputy Prime Minister] Mr Sidorov will say more. (Laughter) We agreed on everything -- \
(laughter) -- almost everything.

Anna Ivanova: [crosstalk]

Pavel Orlov: As [Mikhail] Lomonosov once put it, the truth (I spoke about this in my Address)
comes out. And here (inaudible) the partners agree. (Addressing Deputy Prime Minister Oleg \
Sidorov) Please report.

Anna Ivanova: We have 16 millimetres (in half!) of rain (and this was not easy). (inaudible)
"""


def _found(text: str) -> list[str]:
    turns = find_turns(text)
    assert len(turns) == 5
    return [text[d.start : d.end] for d in stage_directions(text, turns)]


def test_directions_between_sentences_are_found_and_the_speakers_brackets_are_not() -> None:
    assert _found(FORUM) == [
        "(Applause.)",
        "(In Russian)",
        "(Laughter)",
        "(laughter)",
        "[crosstalk]",
        "(inaudible)",  # in mid-sentence, but a direction elsewhere in this document
        "(Addressing Deputy Prime Minister Oleg Sidorov)",
        "(inaudible)",
    ]


@pytest.mark.parametrize(
    "kept",
    [
        "(CSTO)",  # an acronym
        "[rubles]",  # an insertion in mid-sentence
        "(Yakutia)",  # a name in mid-sentence
        "[Deputy Prime Minister]",  # a title between sentences
        "[Mikhail]",  # the editors completing a name
        "(I spoke about this in my Address)",  # the speaker's own aside
        "(in half!)",  # the speaker's exclamation
        "(and this was not easy)",  # an aside going on with the sentence
    ],
)
def test_brackets_holding_the_speakers_words_or_names_stay_theirs(kept: str) -> None:
    assert kept in FORUM and kept not in _found(FORUM)


# Invented, in the shapes of State of the Union and Kremlin transcripts: directions in the
# middle of a paragraph, some closing a sentence without a full stop of their own.
ADDRESS = """\
Anna Ivanova: We must restore the economy. [Applause] And here is the plan. It was very \
important for us. Thank you (Applause).

We got along quite well (Laughter in the audience). It seems the partners agree. This is \
the future energy complex (Shows material). We have done it.

Pavel Orlov: The list has two parts. (a) Roads. (b) Ports.

Anna Ivanova: He said so. [Donald] Trump presented his plan for the Republic of Sakha \
(Yakutia). We have priority areas (PDAs). A prize for Oriental studies (Arab and Islamic \
studies). Almost 70 [percent].

Pavel Orlov: Thank you all. [Laughter] There was more to say.
"""


def test_directions_in_the_middle_of_a_paragraph_are_found() -> None:
    turns = find_turns(ADDRESS)
    assert [t.speaker for t in turns] == ["Anna Ivanova", "Pavel Orlov"] * 2
    assert [ADDRESS[d.start : d.end] for d in stage_directions(ADDRESS, turns)] == [
        "[Applause]",
        "(Applause)",
        "(Laughter in the audience)",
        "(Shows material)",
        "[Laughter]",
    ]


def test_stage_directions_of_the_state_of_the_union_addresses(shared_data_dir: Path) -> None:
    """Every bracketed "Applause" and "Laughter" in the addresses (a whole text read as one
    turn) is a direction, and a list's markers ("(a)") are not."""
    applause = laughter = 0
    with gzip.open(shared_data_dir / "bench" / "uspres.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            text = json.loads(line)["text"]
            turn = Turn(Span(0, len(text)), Span(0, 0), "The President")
            found = {(d.start, d.end) for d in stage_directions(text, [turn])}
            for m in re.finditer(r"[(\[](\w+)\.?[)\]]", text):
                word = m.group(1).casefold()
                if word in ("applause", "laughter"):
                    assert m.span() in found, text[m.start() - 80 : m.end() + 40]
                    applause += word == "applause"
                    laughter += word == "laughter"
                elif len(word) == 1 and word.isalpha():
                    assert m.span() not in found
    assert applause > 400 and laughter > 40


def test_prose_outside_turns_and_a_document_without_turns_have_none() -> None:
    text = "Remarks. (Applause.) The end.\n\nQuestion: none here (Laughter.)\n"
    assert stage_directions(text, []) == []
    assert stage_directions(text, find_turns(text)) == []


def test_the_spoken_parts_of_a_turn_leave_its_directions_out() -> None:
    body = Span(10, 50)
    directions = [Span(0, 5), Span(20, 30), Span(45, 50), Span(60, 70)]
    assert spoken(body, directions) == [Span(10, 20), Span(30, 45)]
    assert spoken(Span(20, 30), directions) == []
    assert spoken(body, []) == [body]


def test_directions_are_not_counted_in_the_share_of_the_words() -> None:
    text = (
        "Anna Ivanova: Hello there. (Laughter and applause.)\n\nPavel Orlov: Hello.\n\n"
        "Anna Ivanova: Yes.\n\nPavel Orlov: (Laughs.)\n"
    )
    turns = find_turns(text)
    shares = {p.speaker: (p.words, p.turns) for p in participants(text, turns)}
    assert shares == {"Anna Ivanova": (3, 2), "Pavel Orlov": (1, 2)}


def test_the_index_holds_the_speakers_words_only_and_counts_turns_with_words() -> None:
    text = (
        "Anna Ivanova: Good evening. (Laughter.) Welcome.\n\n"
        "Pavel Orlov: (Laughs.)\n\nAnna Ivanova: Thank you.\n\nPavel Orlov: Yes.\n"
    )
    fields = said_fields(text, find_turns(text), {})
    tokens = WORD_RE.findall(text)
    lines = read_said_names(fields["said_names"])
    words = [
        " ".join(tokens[start:end]) for line in lines for start, end in read_ranges(line.ranges)
    ]
    assert words == ["Good evening", "Welcome", "Thank you", "Yes"]
    counts = {line.ref: line.turns for line in lines}
    assert counts == {"~person:anna_ivanova": 2, "~person:pavel_orlov": 1}
