"""The highlight merger: escaped, well-formed HTML for any text and any overlapping spans."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.model import Span
from webapp.highlight import Mark, Segment, paragraph_breaks, render_layers, segments

LAYERS = ("hit", "entity", "annotation")


class _Walker(HTMLParser):
    """Replays the HTML: checks nesting, rebuilds the text and records each char's classes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str]] = []
        self.text: list[str] = []
        self.classes: list[set[str]] = []
        self.ids: dict[str, int] = {}
        self.paragraphs: list[tuple[int, int]] = []  # (data-at, where the <p> opened)
        self.balanced = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids[found["id"] or ""] = len("".join(self.text))
        if tag == "p":
            self.paragraphs.append((int(found["data-at"] or "-1"), len("".join(self.text))))
        self.stack.append((tag, found.get("class") or ""))

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1][0] != tag:
            self.balanced = False
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        covering = {cls for _, classes in self.stack for cls in classes.split()}
        self.classes.extend(covering for _ in data)


def walk(markup: str) -> _Walker:
    walker = _Walker()
    walker.feed(markup)
    walker.close()
    return walker


def strip_tags(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]*>", "", markup))


texts = st.text(alphabet=st.characters(codec="utf-8"), max_size=60) | st.sampled_from(
    ["", "a", "<script>&amp;\"'</script>", "one\n\ntwo\nthree\n\n\nfour", "𝔘𝔫𝔦 😀 x"]
)


@st.composite
def text_and_marks(draw: st.DrawFn) -> tuple[str, list[Mark]]:
    text = draw(texts)
    edge = len(text) + 3  # spans may run past the end: they are clipped
    marks = []
    for _ in range(draw(st.integers(0, 8))):
        a = draw(st.integers(0, edge))
        b = draw(st.integers(a, edge))
        layer = draw(st.sampled_from(LAYERS))
        marks.append(Mark(Span(a, b), layer, {"title": draw(st.sampled_from(['"x"<&', "ok"]))}))
    return text, marks


@settings(max_examples=400, deadline=None)
@given(text_and_marks(), st.booleans())
def test_removing_tags_gives_back_exactly_the_text(
    case: tuple[str, list[Mark]], paras: bool
) -> None:
    text, marks = case
    assert strip_tags(render_layers(text, marks, paragraphs=paras)) == text


@settings(max_examples=400, deadline=None)
@given(text_and_marks(), st.booleans())
def test_output_is_balanced_and_every_marked_char_sits_in_its_layer(
    case: tuple[str, list[Mark]], paras: bool
) -> None:
    text, marks = case
    walker = walk(render_layers(text, marks, paragraphs=paras))
    assert walker.balanced and not walker.stack
    assert "".join(walker.text) == text
    for pos in range(len(text)):
        expected = {m.layer for m in marks if m.span.start <= pos < m.span.end}
        assert walker.classes[pos] == expected, pos


@settings(max_examples=300, deadline=None)
@given(text_and_marks())
def test_each_paragraph_says_the_offset_of_its_first_character(
    case: tuple[str, list[Mark]],
) -> None:
    text, marks = case
    walker = walk(render_layers(text, marks, paragraphs=True))
    assert [at for at, _ in walker.paragraphs] == [where for _, where in walker.paragraphs]
    assert walker.paragraphs or not text.strip()


@settings(max_examples=300, deadline=None)
@given(text_and_marks())
def test_segments_tile_the_text_and_carry_the_covering_marks(case: tuple[str, list[Mark]]) -> None:
    text, marks = case
    parts = segments(text, marks)
    assert "".join(text[s.span.start : s.span.end] for s in parts) == text
    assert all(s.span.end > s.span.start for s in parts)
    for part in parts:
        covering = [m for m in marks if m.span.start <= part.span.start < m.span.end]
        assert list(part.marks) == covering


def test_overlapping_hit_and_entity_nest_without_crossing() -> None:
    text = "Vladimir Putin met Xi"
    marks = [Mark(Span(9, 18), "hit"), Mark(Span(0, 14), "entity", {"data-entity-id": "e1"})]
    assert render_layers(text, marks) == (
        '<mark class="entity" data-mark="1" data-entity-id="e1">Vladimir '
        '<mark class="hit" data-mark="0">Putin</mark></mark>'
        '<mark class="hit" data-mark="0"> met</mark> Xi'
    )


def test_element_id_goes_on_the_first_piece_of_a_split_mark_only() -> None:
    marks = [Mark(Span(0, 6), "hit", element_id="hit-1"), Mark(Span(2, 4), "entity")]
    assert render_layers("abcdef", marks) == (
        '<mark class="hit" data-mark="0" id="hit-1">ab'
        '<mark class="entity" data-mark="1">cd</mark>ef</mark>'
    )
    marks = [Mark(Span(0, 4), "entity"), Mark(Span(2, 6), "hit", element_id="hit-1")]
    assert render_layers("abcdef", marks) == (
        '<mark class="entity" data-mark="0">ab'
        '<mark class="hit" data-mark="1" id="hit-1">cd</mark></mark>'
        '<mark class="hit" data-mark="1">ef</mark>'
    )


def test_hostile_text_and_attributes_are_escaped() -> None:
    marks = [Mark(Span(0, 8), "hit", {"title": '"><script>'})]
    out = render_layers("<script>alert(1)</script>", marks)
    assert out == (
        '<mark class="hit" data-mark="0" title="&#34;&gt;&lt;script&gt;">&lt;script&gt;</mark>'
        "alert(1)&lt;/script&gt;"
    )


def test_zero_length_mark_with_an_id_leaves_an_empty_target() -> None:
    marks = [Mark(Span(3, 3), "hit", element_id="hit-1"), Mark(Span(1, 1), "hit")]
    assert (
        render_layers("abcdef", marks) == 'abc<mark class="hit" data-mark="0" id="hit-1"></mark>def'
    )


def test_astral_characters_are_counted_as_one_offset_each() -> None:
    text = "😀 nuclear 😀"
    assert render_layers(text, [Mark(Span(2, 9), "hit")]) == (
        '😀 <mark class="hit" data-mark="0">nuclear</mark> 😀'
    )


def test_paragraphs_close_and_reopen_marks_that_cross_them() -> None:
    text = "First para.\n\nSecond para."
    out = render_layers(text, [Mark(Span(6, 19), "hit", element_id="hit-1")], paragraphs=True)
    assert out == (
        '<p data-at="0">First <mark class="hit" data-mark="0" id="hit-1">para.</mark></p>'
        '<mark class="hit" data-mark="0">\n\n</mark>'
        '<p data-at="13"><mark class="hit" data-mark="0">Second</mark> para.</p>'
    )


def test_hard_wrapped_text_breaks_at_blank_lines_and_one_line_paragraphs_at_each_line() -> None:
    wrapped = "short line one\nshort line two\n\nnext paragraph\nwraps here"
    assert paragraph_breaks(wrapped) == [Span(29, 31)]
    long_line = "x" * 120
    lines = f"{long_line}\n{long_line}\n\n{long_line}"
    assert paragraph_breaks(lines) == [Span(120, 121), Span(241, 243)]


def test_segments_include_unmarked_runs() -> None:
    hit = Mark(Span(2, 4), "hit")
    assert segments("abcdef", [hit]) == [
        Segment(Span(0, 2), ()),
        Segment(Span(2, 4), (hit,)),
        Segment(Span(4, 6), ()),
    ]


@pytest.mark.parametrize(
    ("layer", "attrs", "element_id"),
    [
        ("Hit", {}, ""),
        ("hit", {"onclick": "x"}, ""),
        ("hit", {"data-mark": "1"}, ""),
        ("hit", {}, '"x'),
    ],
)
def test_marks_reject_names_that_could_break_the_markup(
    layer: str, attrs: dict[str, str], element_id: str
) -> None:
    with pytest.raises(ValueError):
        Mark(Span(0, 1), layer, attrs, element_id)
