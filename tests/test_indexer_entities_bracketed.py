"""Hand-annotated text as IOB2 (``indexer.entities.bracketed``) and the sets kept in tests/data."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.entities.bracketed import parse_line, sentences, to_iob
from indexer.entities.iob import Sentence, read_iob
from indexer.errors import IobCorpusInvalid

SETS = Path(__file__).parent / "data-entities"


def test_parse_line_gives_the_plain_text_and_the_spans_of_its_names() -> None:
    text, spans = parse_line("[PER Anna Berg] ([GEO Norway]) 2:03.45")

    assert text == "Anna Berg (Norway) 2:03.45"
    assert [(text[s:e], kind) for s, e, kind in spans] == [("Anna Berg", "PER"), ("Norway", "GEO")]


def test_sentences_are_tokenized_as_ingest_tokenizes_a_document() -> None:
    found = list(sentences("# a comment\n\n1. [PER Anna Berg] ([GEO Norway]) 2:03.45\n"))

    assert found == [
        Sentence(("1", "."), ("O", "O")),
        Sentence(
            ("Anna", "Berg", "(", "Norway", ")", "2:03.45"),
            ("B-PER", "I-PER", "O", "B-GEO", "O", "O"),
        ),
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("[PER Anna Berg", "line 1: a bracket"),
        ("Anna] Berg", "line 1: a bracket"),
        ("[PER Ann]a Berg", "does not begin and end at token edges"),
    ],
)
def test_a_bad_annotation_names_its_line(line: str, message: str) -> None:
    with pytest.raises(IobCorpusInvalid, match=message):
        list(sentences(line))


def test_to_iob_writes_what_read_iob_reads(tmp_path: Path) -> None:
    source = tmp_path / "set.txt"
    source.write_text("[ORG Northfield Rovers] 3 [ORG Ashby Town] 1\nIt rained.\n")

    assert to_iob(source, tmp_path / "set.tsv") == 2
    assert [s.tags for s in read_iob(tmp_path / "set.tsv")] == [
        ("B-ORG", "I-ORG", "O", "B-ORG", "I-ORG", "O"),
        ("O", "O", "O"),
    ]


@pytest.mark.parametrize("name", ["lines", "lines-dev", "prose", "transcripts", "chat"])
def test_each_kept_set_is_the_iob2_form_of_its_annotated_source(name: str) -> None:
    assert list(read_iob(SETS / f"{name}.tsv")) == list(
        sentences((SETS / f"{name}.txt").read_text(encoding="utf-8"))
    )


def test_the_lines_set_has_at_least_300_names() -> None:
    tags = [t for s in read_iob(SETS / "lines.tsv") for t in s.tags]
    assert sum(t.startswith("B-") for t in tags) >= 300
