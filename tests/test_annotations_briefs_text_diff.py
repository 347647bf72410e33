"""The text diff of a brief's revision against its current text: runs that rebuild both texts
exactly (spacing and line breaks kept), whole words changed, and long texts of many repeated
words compared by words with their spacing (not space by space)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from annotations.briefs import text_diff

TEXTS = st.text(alphabet=st.sampled_from("ab c\n\t.“”é"), max_size=80)


@given(TEXTS, TEXTS)
def test_the_runs_rebuild_both_texts_exactly(old: str, new: str) -> None:
    runs = text_diff(old, new)

    assert "".join(r.text for r in runs if r.op != "insert") == old
    assert "".join(r.text for r in runs if r.op != "delete") == new


def test_changed_words_are_whole_words_with_their_spacing() -> None:
    runs = text_diff("Putin spoke.\n\nOf ports.", "Putin spoke of ports.\n\nOf ports.")

    assert [(r.op, r.text) for r in runs] == [
        ("equal", "Putin "),
        ("delete", "spoke.\n\n"),
        ("insert", "spoke of ports.\n\n"),
        ("equal", "Of ports."),
    ]


def test_a_long_text_is_compared_word_by_word() -> None:
    old = " ".join(f"w{n % 50}" for n in range(5000))
    new = old.replace("w7 ", "w7 inserted ", 1)

    runs = text_diff(old, new)

    assert [r.op for r in runs] == ["equal", "insert", "equal"]
    assert runs[1].text == "inserted "
