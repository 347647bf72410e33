"""match_spans finds offsets with a regular expression per query instead of tokenizing the
whole text: it must mark exactly what a token-by-token reading marks."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.model import Span
from indexer.schema import text_terms
from indexer.search.matching import Pattern, analyse_text, match_spans, merge_spans

PIECES = [
    "law",
    "Law",
    "law's",
    "rule",
    "of",
    "the",
    "a.law",
    "U.S",
    "x_law",
    "laws",
    "ruling",
    "dying",
    "DIE",
    "Médvédev",
    "medvedev",
    "Élysée",
    "Putin’s",
    "Ω",
]
STEMS = sorted({terms[0] for terms in map(text_terms, PIECES) if len(terms) == 1})
GLUE = [" ", ". ", ", ", "'", ".", "\u2019", "-", "\n", "..", " (", ") "]


def _reference(text: str, pattern: Pattern) -> list[Span]:
    """Token by token: stems for words, in-order stems within the slop for phrases."""
    tokens = analyse_text(text)
    found = [(t.start, t.end) for t in tokens if t.stem in pattern.stems]
    for phrase, slop in pattern.phrases:
        for i, token in enumerate(tokens):
            if token.stem != phrase[0]:
                continue
            hits = [i]
            for want in phrase[1:]:
                last = hits[-1]
                window = range(last + 1, min(len(tokens), last + slop + 2))
                nxt = next((j for j in window if tokens[j].stem == want), None)
                if nxt is None:
                    break
                hits.append(nxt)
            if len(hits) == len(phrase):
                if slop == 0:
                    found.append((tokens[hits[0]].start, tokens[hits[-1]].end))
                else:
                    found.extend((tokens[j].start, tokens[j].end) for j in hits)
    merged: list[list[int]] = []
    for start, end in sorted(found):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [Span(s, e) for s, e in merged]


texts = st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(GLUE)), max_size=30).map(
    lambda parts: "".join(p + g for p, g in parts)
)
patterns = st.builds(
    Pattern,
    stems=st.frozensets(st.sampled_from(STEMS), max_size=2),
    phrases=st.lists(
        st.tuples(
            st.lists(st.sampled_from(STEMS), min_size=2, max_size=3).map(tuple),
            st.sampled_from([0, 0, 1, 2]),
        ),
        max_size=2,
    ).map(tuple),
)


@settings(max_examples=300, deadline=None)
@given(text=texts, pattern=patterns)
def test_match_spans_marks_what_a_token_by_token_reading_marks(text: str, pattern: Pattern) -> None:
    assert match_spans(text, pattern) == _reference(text, pattern)


def test_a_word_inside_a_longer_token_is_not_marked() -> None:
    text = "a.law x_law law's law. Law"
    spans = match_spans(text, Pattern(stems=frozenset({"law"})))
    assert [text[s.start : s.end] for s in spans] == ["law's", "law", "Law"]


@settings(max_examples=300, deadline=None)
@given(text=texts, pattern=patterns, at=st.integers(min_value=0))
def test_a_text_matched_in_two_parts_split_at_a_space_gives_the_whole_texts_spans(
    text: str, pattern: Pattern, at: int
) -> None:
    # Snippets scan a long text's opening first and the rest only when needed.
    spaces = [i for i, c in enumerate(text) if c.isspace()] or [len(text)]
    cut = spaces[at % len(spaces)]
    parts = match_spans(text, pattern, end=cut) + match_spans(text, pattern, cut)
    assert merge_spans(parts) == match_spans(text, pattern)


def test_a_part_that_starts_inside_a_token_marks_no_piece_of_it() -> None:
    text = "xlaw law"
    assert match_spans(text, Pattern(stems=frozenset({"law"})), 1) == [Span(5, 8)]
