"""The one-pass highlight renderer writes exactly what the simple one it replaced wrote
(``tests/highlight_reference.py``), for random overlapping layers on hostile text, in
paragraphs or not, for a whole text or a part of a longer one."""

from __future__ import annotations

from highlight_reference import paragraph_breaks as reference_breaks
from highlight_reference import reference_render
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.model import Span
from webapp.highlight import Mark, paragraph_breaks, render_layers

HOSTILE = "<>&\"' \n\n a\nb  \t\n"
texts = st.text(alphabet=st.sampled_from(HOSTILE) | st.characters(codec="utf-8"), max_size=80)
texts |= st.sampled_from(
    [
        "",
        "<script>alert(1)</script> & \"quotes\" 'too'",
        "one\n\ntwo\nthree\n\n\nfour  \n  five",
        "short line\nshort line\n\nnext\nlines\n\n  \n\nend",
    ]
)
TITLES = ['"><script>alert(1)</script>', "ok", "a & b", "'single'", ""]


@st.composite
def layered(draw: st.DrawFn) -> tuple[str, list[Mark], int]:
    """A text, marks of several layers that overlap, nest, touch, share spans, run past the
    end or start before a part, and a part offset."""
    text = draw(texts)
    start = draw(st.sampled_from([0, 0, 5, 1000]))
    edge = len(text) + 3
    marks = []
    for n in range(draw(st.integers(0, 12))):
        a = draw(st.integers(0, edge)) + start - draw(st.sampled_from([0, 0, 0, 2]))
        b = draw(st.integers(max(a, 0), edge + start))
        a = max(a, 0)
        layer = draw(st.sampled_from(["hit", "entity", "annotation", "passage", "turn"]))
        attrs = {"title": draw(st.sampled_from(TITLES))} if draw(st.booleans()) else {}
        if draw(st.booleans()):
            attrs["data-x"] = draw(st.sampled_from(TITLES))
        element_id = draw(st.sampled_from(["", f"m-{n}"]))
        marks.append(Mark(Span(a, b), layer, attrs, element_id))
    if draw(st.booleans()) and marks:  # two marks on exactly the same characters
        marks.append(Mark(marks[0].span, draw(st.sampled_from(["hit", "entity"]))))
    return text, marks, start


@settings(max_examples=1500, deadline=None)
@given(layered(), st.booleans())
def test_one_pass_renderer_writes_the_same_bytes_as_the_reference(
    case: tuple[str, list[Mark], int], paragraphs: bool
) -> None:
    text, marks, start = case
    expected = reference_render(text, marks, paragraphs=paragraphs, start=start)
    assert render_layers(text, marks, paragraphs=paragraphs, start=start) == expected
    assert render_layers(text, marks, paragraphs=paragraphs, start=start) == expected  # cached


def test_hostile_text_and_titles_stay_escaped() -> None:
    text = '<img src=x onerror="alert(1)"> & more'
    marks = [Mark(Span(0, 5), "hit", {"title": '"><script>'}), Mark(Span(3, 12), "entity")]
    out = render_layers(text, marks, paragraphs=True)
    assert out == reference_render(text, marks, paragraphs=True)
    assert "<img" not in out and "<script>" not in out
    assert "&#34;&gt;&lt;script&gt;" in out


@settings(max_examples=500, deadline=None)
@given(texts)
def test_paragraph_breaks_are_where_they_were(text: str) -> None:
    assert paragraph_breaks(text) == reference_breaks(text)
