"""Anchors find their passage again, or say they cannot: never a silent wrong place."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from corpus.anchors import LONG_QUOTE, Anchor, anchor_at, locate, selection
from corpus.errors import InvalidAnchor
from corpus.model import Span

SPEECH = (
    "Good afternoon, colleagues.\n\n"
    "Infrastructure is our calling card in the Far East. We will build bridges, ports and "
    "railways, and we will do it together with our partners in Asia.\n\n"
    "Thank you.\n\n"
    "Question: What about the Northern Sea Route?\n\n"
    "Vladimir Putin: The Northern Sea Route is a national priority. Thank you."
)


def span_of(text: str, quote: str, nth: int = 0) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = text.index(quote, start + 1)
    return Span(start, start + len(quote))


def test_an_anchor_keeps_the_quote_its_context_and_its_version() -> None:
    anchor = anchor_at(SPEECH, span_of(SPEECH, "calling card"), version=3)
    assert anchor.quote == "calling card"
    assert SPEECH.endswith(anchor.suffix, 0, anchor.end + len(anchor.suffix))
    assert anchor.prefix == SPEECH[anchor.start - 32 : anchor.start]
    assert anchor.version == 3


def test_an_anchor_at_the_start_of_a_text_has_no_prefix() -> None:
    anchor = anchor_at(SPEECH, Span(0, 4))
    assert anchor.prefix == ""
    assert locate(anchor, SPEECH).span == Span(0, 4)  # type: ignore[union-attr]


@pytest.mark.parametrize("span", [Span(0, 0), Span(27, 29), Span(0, 10_000)])
def test_an_empty_blank_or_out_of_range_passage_is_refused(span: Span) -> None:
    with pytest.raises(InvalidAnchor):
        anchor_at(SPEECH, span)


def test_an_unchanged_text_gives_the_same_span_exactly() -> None:
    span = span_of(SPEECH, "Thank you.")
    found = locate(anchor_at(SPEECH, span), SPEECH)
    assert found is not None and (found.span, found.status, found.score) == (span, "exact", 1.0)


def test_a_passage_after_an_inserted_paragraph_has_moved() -> None:
    anchor = anchor_at(SPEECH, span_of(SPEECH, "calling card in the Far East"))
    edited = "Opening remarks added later.\n\n" + SPEECH
    found = locate(anchor, edited)
    assert found is not None and found.status == "moved"
    assert edited[found.span.start : found.span.end] == "calling card in the Far East"
    assert found.span.start == anchor.start + len("Opening remarks added later.\n\n")


def test_a_repeated_quote_is_told_apart_by_its_context() -> None:
    second = span_of(SPEECH, "Thank you.", nth=1)
    anchor = anchor_at(SPEECH, second)
    edited = SPEECH.replace("Good afternoon", "Good afternoon, friends and")
    found = locate(anchor, edited)
    assert found is not None and found.status == "moved"
    assert found.span == span_of(edited, "Thank you.", nth=1)


def test_a_corrected_spelling_inside_the_passage_is_a_fuzzy_match_with_a_score() -> None:
    original = SPEECH.replace("railways", "railwyas")
    anchor = anchor_at(original, span_of(original, "build bridges, ports and railwyas, and"))
    found = locate(anchor, SPEECH)
    assert found is not None and found.status == "fuzzy"
    assert 0.75 <= found.score < 1
    assert SPEECH[found.span.start : found.span.end] == "build bridges, ports and railways, and"


def test_a_deleted_passage_is_not_found_anywhere() -> None:
    anchor = anchor_at(SPEECH, span_of(SPEECH, "bridges, ports and railways"))
    edited = SPEECH.replace("We will build bridges, ports and railways, and we", "We")
    assert locate(anchor, edited) is None


def test_a_short_quote_whose_context_is_gone_is_not_put_on_another_occurrence() -> None:
    anchor = anchor_at(SPEECH, span_of(SPEECH, "Thank you.", nth=1))
    edited = SPEECH.replace("The Northern Sea Route is a national priority. Thank you.", "No.")
    found = locate(anchor, edited)
    assert found is None or found.status == "fuzzy"


def test_a_long_quote_found_once_has_moved_even_without_its_context() -> None:
    quote = "We will build bridges, ports and railways, and we will do it together"
    anchor = anchor_at(SPEECH, span_of(SPEECH, quote))
    edited = "New opening.\n\n" + quote + " with everyone.\n\nThe rest was cut."
    found = locate(anchor, edited)
    assert found is not None and found.status == "moved" and found.span == span_of(edited, quote)


def test_a_selection_is_checked_against_the_text_and_trimmed() -> None:
    span = span_of(SPEECH, " calling card ")
    assert selection(SPEECH, span, " calling card ") == span_of(SPEECH, "calling card")
    with pytest.raises(InvalidAnchor, match="Reload the page"):
        selection(SPEECH, span, "calling cart")
    with pytest.raises(InvalidAnchor, match="white space"):
        selection(SPEECH, Span(27, 29), "\n\n")


def test_a_republished_transcript_with_corrections_keeps_every_sentence() -> None:
    """A realistic case: spellings corrected, a paragraph added, a line reworded."""
    original = (
        "Vladimir Putin: Colleagues, the Eastern Economic Forum has become a platform for "
        "dialogue. We discussed the Northern Sea Rout and the development of Vladivostok.\n\n"
        "Shinzo Abe: Thank you, Vladimir. Japan is ready to work on the Kuril islands.\n\n"
        "Vladimir Putin: Thank you. We will continue this work in Moscow next year."
    )
    republished = "Transcript of the plenary session, corrected version.\n\n" + original.replace(
        "Northern Sea Rout ", "Northern Sea Route "
    ).replace("is ready to work", "is prepared to work").replace(
        "next year.", "next year.\n\n(Applause.)"
    )
    expectations = {
        "the Eastern Economic Forum has become a platform": "moved",
        "the Northern Sea Rout and the development of Vladivostok": "fuzzy",
        "Japan is ready to work on the Kuril islands": "fuzzy",
        "We will continue this work in Moscow": "moved",
    }
    for quote, status in expectations.items():
        found = locate(anchor_at(original, span_of(original, quote)), republished)
        assert found is not None and found.status == status, quote
        located = republished[found.span.start : found.span.end]
        assert (
            located.split()[0] == quote.split()[0]
            and located.split()[-1][:4] == quote.split()[-1][:4]
        )


# Property tests: texts of random words; a passage of whole words; word-level edits.

WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=8)
FRESH = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=3, max_size=8)


@st.composite
def documents(draw: st.DrawFn) -> tuple[list[str], int, int]:
    words = draw(st.lists(WORDS, min_size=8, max_size=60))
    first = draw(st.integers(0, len(words) - 1))
    last = draw(st.integers(first, min(len(words) - 1, first + 8)))
    return words, first, last


def _text_and_span(words: list[str], first: int, last: int) -> tuple[str, Span]:
    start = sum(len(w) + 1 for w in words[:first])
    end = start + len(" ".join(words[first : last + 1]))
    return " ".join(words), Span(start, end)


def _unique(text: str, quote: str) -> bool:
    """True when the quote occurs once, counting overlapping occurrences."""
    return text.find(quote, text.find(quote) + 1) < 0


@settings(max_examples=300, deadline=None)
@given(documents())
def test_an_anchor_in_its_own_text_is_exact(doc: tuple[list[str], int, int]) -> None:
    text, span = _text_and_span(*doc)
    found = locate(anchor_at(text, span), text)
    assert found is not None and found.span == span and found.status == "exact"


@settings(max_examples=300, deadline=None)
@given(documents(), st.data())
def test_edits_outside_the_passage_move_it_to_the_right_place(
    doc: tuple[list[str], int, int], data: st.DataObject
) -> None:
    words, first, last = doc
    text, span = _text_and_span(words, first, last)
    assume(_unique(text, text[span.start : span.end]))
    anchor = anchor_at(text, span)
    edited = list(words)
    for _ in range(data.draw(st.integers(1, 6))):
        others = [i for i in range(len(edited)) if i < first or i > last]
        delete: bool = data.draw(st.booleans()) if others else False
        if delete:
            where = data.draw(st.sampled_from(others))
            del edited[where]
            first, last = (first - 1, last - 1) if where < first else (first, last)
        else:
            gaps = [*range(first + 1), *range(last + 1, len(edited) + 1)]
            where = data.draw(st.sampled_from(gaps))
            edited.insert(where, data.draw(FRESH))
            first, last = (first + 1, last + 1) if where <= first else (first, last)
    new_text, new_span = _text_and_span(edited, first, last)
    found = locate(anchor, new_text)
    assert found is not None, "an intact passage must be found"
    if found.status != "fuzzy":
        assert found.span == new_span
    else:
        assert found.span.overlaps(new_span)


@settings(max_examples=300, deadline=None)
@given(documents(), st.data())
def test_edits_inside_the_passage_give_fuzzy_or_nothing_never_a_wrong_place(
    doc: tuple[list[str], int, int], data: st.DataObject
) -> None:
    words, first, last = doc
    text, span = _text_and_span(words, first, last)
    quote = text[span.start : span.end]
    assume(_unique(text, quote))
    anchor = anchor_at(text, span)
    edited = list(words)
    where = data.draw(st.integers(first, last))
    if data.draw(st.booleans()):
        edited[where] = data.draw(FRESH)
    else:
        edited.insert(where + 1, data.draw(FRESH))
        last += 1
    new_text, new_span = _text_and_span(edited, first, last)
    found = locate(anchor, new_text)
    if found is None:
        return
    if found.status == "fuzzy":
        assert found.span.overlaps(new_span), "a fuzzy match must be on the edited passage"
    else:
        assert new_text[found.span.start : found.span.end] == quote
        assert new_span.start <= found.span.start and found.span.end <= new_span.end


def test_anchor_is_a_plain_value() -> None:
    a = Anchor("quote", "pre", "post", 3, 8, 2)
    assert a == Anchor("quote", "pre", "post", 3, 8, 2) and a.span == Span(3, 8)
    with pytest.raises(InvalidAnchor):
        Anchor("")


# Words changed inside a quote whose context is still there: the context says where the
# passage is, the words kept say how much of it is left (changed, for review) or not (gone).

PEACE = (
    "We want the Asia-Pacific region to be a zone of peace and cooperation for all of our "
    "neighbours. Russia stands for a zone of peace, said the minister, and so do our partners "
    "in Asia. The Eastern Economic Forum has become a platform for dialogue between business "
    "and the state. We discussed the Northern Sea Route and the development of Vladivostok "
    "and of the whole Far Eastern region. Thank you."
)
CHANGES = [
    # (quote in PEACE, the quote as republished): short and long quotes; insertions,
    # deletions and substitutions of words inside them.
    ("zone of peace", "zone of lasting peace"),
    ("zone of peace", "zone of true and lasting peace"),
    ("a zone of peace and cooperation", "a zone of cooperation"),
    ("zone of peace and cooperation", "zone of security and cooperation"),
    ("Eastern Economic Forum", "Eastern Economic and Trade Forum"),
    ("our calling card", "our callling card"),
    (
        "The Eastern Economic Forum has become a platform for dialogue between business and the "
        "state. We discussed the Northern Sea Route and the development of Vladivostok",
        "The Eastern Economic Forum has really become a platform for open dialogue between "
        "business and the state. We discussed the Route and the development of Vladivostok",
    ),
    (
        "The Eastern Economic Forum has become a platform for dialogue between business and the "
        "state. We discussed the Northern Sea Route and the development of Vladivostok",
        "The Eastern Economic Forum has become a venue for talks between business and the "
        "state. We discussed the Northern Sea Route and the growth of Vladivostok",
    ),
]


@pytest.mark.parametrize(("quote", "republished"), CHANGES)
def test_words_changed_inside_a_quote_are_found_where_its_context_is(
    quote: str, republished: str
) -> None:
    original = PEACE.replace("Thank you.", "It is our calling card. Thank you.")
    anchor = anchor_at(original, span_of(original, quote, nth=0))
    edited = original.replace(quote, republished, 1)
    found = locate(anchor, edited)
    assert found is not None and found.status == "fuzzy", (quote, republished)
    assert found.span == span_of(edited, republished, nth=0)
    assert 0.75 <= found.score < 1


def test_a_copy_of_the_quote_elsewhere_does_not_capture_an_edited_passage() -> None:
    """The first "zone of peace" is edited; the second, intact, has other context."""
    anchor = anchor_at(PEACE, span_of(PEACE, "zone of peace"))
    edited = PEACE.replace("a zone of peace and", "a zone of lasting peace and")
    found = locate(anchor, edited)
    assert found is not None and found.status == "fuzzy"
    assert found.span == span_of(edited, "zone of lasting peace")


def test_a_quote_whose_words_are_gone_where_its_context_is_is_missing_not_elsewhere() -> None:
    """The context is intact around a rewritten quote: the passage is gone, and the intact
    copy of the quote elsewhere is not offered in its place."""
    anchor = anchor_at(PEACE, span_of(PEACE, "zone of peace"))
    edited = PEACE.replace("a zone of peace and", "an area of trade and")
    assert locate(anchor, edited) is None


def test_words_deleted_from_the_end_of_a_short_quote_leave_too_little() -> None:
    anchor = anchor_at(PEACE, span_of(PEACE, "zone of peace and cooperation"))
    edited = PEACE.replace("zone of peace and cooperation", "zone")
    assert locate(anchor, edited) is None


NEW = st.text(alphabet="0123456789", min_size=3, max_size=6)  # words no text of WORDS holds


@st.composite
def word_edits(draw: st.DrawFn) -> tuple[list[str], int, int, list[str], int, int]:
    """A text, a passage of 3 to 9 words, and the text with one word inserted strictly inside
    the passage, deleted from it (of 4 or more) or replaced in it; with the passage's place."""
    words = draw(st.lists(WORDS, min_size=12, max_size=60))
    first = draw(st.integers(0, len(words) - 3))
    last = draw(st.integers(first + 2, min(len(words) - 1, first + 8)))
    edited = list(words)
    kind = draw(
        st.sampled_from(
            ["insert", "delete", "replace"] if last - first >= 3 else ["insert", "replace"]
        )
    )
    if kind == "insert":
        edited.insert(draw(st.integers(first + 1, last)), draw(NEW))
        return words, first, last, edited, first, last + 1
    where = draw(st.integers(first, last))
    if kind == "delete":
        del edited[where]
        return words, first, last, edited, first, last - 1
    edited[where] = draw(NEW)
    return words, first, last, edited, first, last


@settings(max_examples=300, deadline=None)
@given(word_edits())
def test_one_word_changed_inside_a_passage_is_found_on_the_changed_passage(
    edit: tuple[list[str], int, int, list[str], int, int],
) -> None:
    words, first, last, edited, new_first, new_last = edit
    text, span = _text_and_span(words, first, last)
    quote = text[span.start : span.end]
    assume(_unique(text, quote))
    new_text, new_span = _text_and_span(edited, new_first, new_last)
    assume(quote not in new_text)  # (edits of "aaa aaa aaa" can make the quote again)
    found = locate(anchor_at(text, span), new_text)
    assert found is not None and found.status == "fuzzy" and found.span == new_span


@settings(max_examples=300, deadline=None)
@given(word_edits(), st.integers(0, 100), st.lists(NEW, min_size=6, max_size=8))
def test_a_copy_of_the_quote_elsewhere_never_captures_an_edited_passage(
    edit: tuple[list[str], int, int, list[str], int, int], at: int, fence: list[str]
) -> None:
    """The original wording is repeated elsewhere (among other words); the passage itself is
    edited: it is found on its edited words, or not at all, never on a copy of a phrase."""
    words, first, last, edited, new_first, new_last = edit
    text, span = _text_and_span(words, first, last)
    quote = text[span.start : span.end]
    assume(_unique(text, quote))
    copy = [*fence, *quote.split(), *fence]
    where = len(edited) if at % 2 else 0  # before or after the whole text
    with_copy = edited[:where] + copy + edited[where:]
    shift = len(copy) if where == 0 else 0
    new_text, new_span = _text_and_span(with_copy, new_first + shift, new_last + shift)
    found = locate(anchor_at(text, span), new_text)
    if found is not None and not found.span.overlaps(new_span):
        # Only a long quote, intact elsewhere, has moved there (LONG_QUOTE, the "moved").
        assert found.status == "moved" and len(quote) >= LONG_QUOTE
        assert new_text[found.span.start : found.span.end] == quote
