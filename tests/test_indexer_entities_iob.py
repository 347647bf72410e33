"""IOB2 files: reading, type mapping, entity extraction and entity-level scoring."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from indexer.entities.iob import (
    GMB_TYPE_MAP,
    Entity,
    Sentence,
    entities,
    file_sha256,
    map_tags,
    parse_type_map,
    read_iob,
    score,
)
from indexer.errors import IobCorpusInvalid


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "corpus.tsv"
    path.write_bytes(text.encode("utf-8"))
    return path


def test_read_iob_splits_sentences_at_blank_lines_and_keeps_the_last_one(tmp_path: Path) -> None:
    path = write(tmp_path, "Kim\tB-PER\nspoke\tO\n\n\nIn\tO\nSeoul\tB-GEO\r\n.\tO")

    assert list(read_iob(path)) == [
        Sentence(("Kim", "spoke"), ("B-PER", "O")),
        Sentence(("In", "Seoul", "."), ("O", "B-GEO", "O")),
    ]


def test_read_iob_keeps_tokens_that_contain_spaces_before_the_last_tab(tmp_path: Path) -> None:
    path = write(tmp_path, "New York\tB-GEO\n")

    assert list(read_iob(path)) == [Sentence(("New York",), ("B-GEO",))]


@pytest.mark.parametrize("line", ["Kim B-PER", "Kim\tPER", "Kim\tB-", "\tO"])
def test_read_iob_names_the_first_malformed_line(tmp_path: Path, line: str) -> None:
    path = write(tmp_path, f"The\tO\n{line}\n")

    with pytest.raises(IobCorpusInvalid, match=r"corpus\.tsv:2: expected"):
        list(read_iob(path))


def test_read_iob_on_a_missing_file_says_which_path(tmp_path: Path) -> None:
    with pytest.raises(IobCorpusInvalid, match="nowhere.tsv"):
        list(read_iob(tmp_path / "nowhere.tsv"))


def test_parse_type_map_reads_pairs_and_ignores_spaces() -> None:
    assert parse_type_map(" GEO=LOCATION, PER = PERSON,") == {"GEO": "LOCATION", "PER": "PERSON"}


@pytest.mark.parametrize("spec", ["GEO", "GEO=", "=LOCATION", "GEO=LOCATION,PER"])
def test_parse_type_map_rejects_incomplete_pairs(spec: str) -> None:
    with pytest.raises(ValueError, match="Bad type mapping"):
        parse_type_map(spec)


def test_map_tags_renames_mapped_types_and_drops_the_others() -> None:
    tags = ("B-PER", "I-PER", "O", "B-TIM", "B-GPE", "I-GEO")

    assert map_tags(tags, GMB_TYPE_MAP) == (
        "B-PERSON",
        "I-PERSON",
        "O",
        "O",
        "B-NORP",
        "I-LOCATION",
    )
    assert map_tags(tags, None) == tags


def test_entities_follow_iob2_and_start_a_new_entity_on_a_stray_inside_tag() -> None:
    tags = ["B-PER", "I-PER", "O", "I-ORG", "I-ORG", "B-GEO", "B-GEO", "I-PER"]

    assert entities(tags) == [
        Entity(0, 2, "PER"),
        Entity(3, 5, "ORG"),
        Entity(5, 6, "GEO"),
        Entity(6, 7, "GEO"),
        Entity(7, 8, "PER"),
    ]


def test_score_counts_exact_matches_per_type_and_overall() -> None:
    gold = [["B-PER", "I-PER", "O", "B-LOC"], ["B-ORG", "O"]]
    predicted = [["B-PER", "O", "O", "B-LOC"], ["B-ORG", "B-LOC"]]

    scores = score(gold, predicted)

    per = scores.by_type["PER"]
    assert (per.true_positives, per.false_positives, per.false_negatives) == (0, 1, 1)
    loc = scores.by_type["LOC"]
    assert (loc.true_positives, loc.false_positives, loc.false_negatives) == (1, 1, 0)
    overall = scores.overall
    assert (overall.true_positives, overall.false_positives, overall.false_negatives) == (2, 2, 1)
    assert overall.precision == 0.5
    assert overall.recall == pytest.approx(2 / 3)
    assert overall.f1 == pytest.approx(4 / 7)
    assert (scores.sentences, scores.tokens) == (2, 6)


def test_score_leaves_out_types_not_asked_for_and_lists_them() -> None:
    scores = score([["B-PER", "B-TIM"]], [["B-PER", "O"]], types=["PER"])

    assert scores.overall.f1 == 1.0
    assert list(scores.by_type) == ["PER"]
    assert scores.ignored_types == ("TIM",)


def test_score_of_nothing_is_zero_not_an_error() -> None:
    scores = score([["O"]], [["O"]])

    assert (scores.overall.precision, scores.overall.recall, scores.overall.f1) == (0.0, 0.0, 0.0)


def test_score_rejects_sentences_of_different_lengths() -> None:
    with pytest.raises(ValueError, match="sentence 1"):
        score([["O", "O"]], [["O"]])


def test_file_sha256_hashes_the_bytes(tmp_path: Path) -> None:
    path = write(tmp_path, "Kim\tB-PER\n")

    assert file_sha256(path) == hashlib.sha256(b"Kim\tB-PER\n").hexdigest()
