"""Windows of a text's layers: marks clipped and shifted to a passage, never on wrong words."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from corpus import Span
from webapp.highlight import Mark
from webapp.layers import Placed, window

TEXT = "Russia and North Korea should build a zone of peace in the Far East."


def placed(quote: str) -> Placed:
    start = TEXT.index(quote)
    return Placed(Mark(Span(start, start + len(quote)), "annotation"), quote)


def test_a_mark_inside_the_window_moves_by_the_window_start() -> None:
    start = TEXT.index("build")
    text = TEXT[start : start + 30]
    (mark,) = window([placed("zone of peace")], text, start)
    assert text[mark.span.start : mark.span.end] == "zone of peace"


def test_a_mark_running_past_either_edge_is_clipped_to_the_window() -> None:
    start, end = TEXT.index("Korea"), TEXT.index(" peace")
    text = TEXT[start:end]
    marks = window([placed("North Korea should"), placed("zone of peace in")], text, start)
    assert [text[m.span.start : m.span.end] for m in marks] == ["Korea should", "zone of"]


def test_a_window_of_other_words_gets_no_mark() -> None:
    edited = TEXT.replace("zone of peace", "zone of trade")
    assert window([placed("zone of peace")], edited, 0) == []


def test_unchecked_marks_are_kept_and_ids_only_when_asked() -> None:
    mark = Placed(Mark(Span(0, 6), "annotation", element_id="annotation-a"))
    assert window([mark], "Russia and", 0)[0].element_id == ""
    assert window([mark], "Russia and", 0, ids=True)[0].element_id == "annotation-a"
    assert window([mark], "sia and", 3, ids=True)[0].element_id == ""  # not its first piece


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_every_kept_mark_covers_its_own_words_in_the_window(data: st.DataObject) -> None:
    a = data.draw(st.integers(0, len(TEXT)))
    b = data.draw(st.integers(a, len(TEXT)))
    start = data.draw(st.integers(0, len(TEXT)))
    end = data.draw(st.integers(start, len(TEXT)))
    quote = TEXT[a:b]
    text = TEXT[start:end]
    marks = window([Placed(Mark(Span(a, b), "annotation"), quote)], text, start)
    overlap = max(0, min(b, end) - max(a, start))
    assert len(marks) == (1 if overlap else 0)
    for mark in marks:
        assert text[mark.span.start : mark.span.end] == TEXT[max(a, start) : min(b, end)]
