"""Names with dotted initials stay in one sentence; a sentence that ends in them still ends."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from indexer import analyse


def _sentences(text: str) -> list[str]:
    return [text[s.start : s.end] for s in analyse.sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Former President George H.W. Bush spoke. Then he left.",
            ["Former President George H.W. Bush spoke.", "Then he left."],
        ),
        ("He spoke to A.B.C. News on Tuesday.", ["He spoke to A.B.C. News on Tuesday."]),
        ("We thank H.R.H. Prince Norodom for it.", ["We thank H.R.H. Prince Norodom for it."]),
        # A function word after the initials: the sentence did end there.
        ("We met in Washington, D.C. They left.", ["We met in Washington, D.C.", "They left."]),
        ("He needs a strong U.N. I want it.", ["He needs a strong U.N.", "I want it."]),
        # Lowercase or single initials are Punkt's business, as before.
        ("It was 5 p.m. The end.", ["It was 5 p.m.", "The end."]),
        # A line end between them is cut as any other line end.
        ("the G.I.\n\nBill of Rights", ["the G.I.", "Bill of Rights"]),
    ],
)
def test_dotted_initials_before_a_capitalised_word_do_not_end_a_sentence(
    text: str, expected: list[str]
) -> None:
    assert _sentences(text) == expected
    assert [text[s.span.start : s.span.end] for s in analyse.tokenize(text)] == expected


def test_george_hw_bush_is_one_sentence_in_the_real_addresses(shared_data_dir: Path) -> None:
    # The four addresses of George H.W. Bush open with his name in capitals; Punkt cut it
    # after "H.W." and the model read "BUSH'S ADDRESS ..." as a sentence of its own.
    headings = []
    with gzip.open(shared_data_dir / "bench" / "uspres.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            text = json.loads(line)["text"]
            if "H.W." in text:
                headings += [s for s in _sentences(text) if "H.W." in s]
    assert len(headings) == 4
    assert all(s.startswith("PRESIDENT GEORGE H.W. BUSH'S ADDRESS") for s in headings)
