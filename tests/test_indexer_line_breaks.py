"""Sentences cut at line ends, except where a hard-wrapped text wraps inside a sentence."""

from __future__ import annotations

import re
import textwrap

from indexer import analyse
from indexer.line_breaks import wrap_width

PROSE = (
    "We have come to this session of the General Assembly at a time when the United Nations "
    "faces hard choices, and when the members of the Security Council must decide whether the "
    "peace-keeping operations that the Organization began in the Congo shall go on. The "
    "delegation of Brazil believes that they must, and that the General Assembly should say so "
    "with one voice, as it did when the Fourth Committee met in the autumn of that year and "
    "considered the question of the territories under Portuguese administration. We believe "
    "that the Secretary-General deserves the support of every Member State in this endeavour."
)


def _sentences(text: str) -> list[str]:
    return [text[s.start : s.end] for s in analyse.sentences(text)]


def test_a_hard_wrapped_text_keeps_names_that_a_line_end_splits() -> None:
    text = "STATEMENT BY BRAZIL\n\n" + textwrap.fill(PROSE, width=60)
    assert re.search(r"[a-z]\n[A-Z]", text)  # a line ends inside a name ("Member / State")
    found = _sentences(text)
    assert found[0] == "STATEMENT BY BRAZIL"
    assert [" ".join(s.split()) for s in found[1:]] == [
        " ".join(s.split()) for s in _sentences(PROSE)
    ]
    assert [s.span for s in analyse.tokenize(text)] == analyse.sentences(text)


def test_a_short_line_in_a_wrapped_text_still_ends_its_sentence() -> None:
    body = textwrap.fill(PROSE, width=60)
    text = f"Statement by the Minister\nFor External Relations\n\n{body}"
    found = _sentences(text)
    assert found[:2] == ["Statement by the Minister", "For External Relations"]


def test_a_text_that_is_not_wrapped_is_cut_at_every_line_end() -> None:
    text = "JOINT SESSION OF CONGRESS\nJanuary 28, 2003\nMr. Speaker, Vice President Cheney."
    assert wrap_width(text) is None
    assert _sentences(text) == [
        "JOINT SESSION OF CONGRESS",
        "January 28, 2003",
        "Mr. Speaker, Vice President Cheney.",
    ]


def test_the_wrap_width_is_that_of_the_lines_a_lowercase_line_continues() -> None:
    text = textwrap.fill(PROSE, width=60)
    assert wrap_width(text) is not None
    assert 50 <= (wrap_width(text) or 0) <= 60
    assert wrap_width(text.replace("\n", "\r\n")) == wrap_width(text)
    assert wrap_width("one line\nand another\n") is None  # one wrap is not a wrapped text
