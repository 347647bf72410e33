"""The entity recogniser: a real model trained on the shared GMB corpus during the run.

The session fixture trains a small model (first 200k tokens, 2 passes, ~10 s) and caches it in
pytest's cache folder under a key made of the corpus hash and the source of the modules that
define the model, so an edited feature set never meets a stale model.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from corpus.entities.model import ENTITY_TYPES, MENTION_SOURCES, Mention
from corpus.model import Span
from indexer import analyse
from indexer.entities import recogniser, rules
from indexer.entities.iob import GMB_TYPE_MAP, file_sha256, read_iob
from indexer.entities.recogniser import (
    MAX_CHUNK_TOKENS,
    MODEL_TYPES,
    Recogniser,
    evaluate,
    merge,
    train,
)
from indexer.errors import ModelInvalid, ModelMissing

SMALL_TOKENS = 200_000
SMALL_PASSES = 2


@pytest.fixture(scope="session")
def ner_dir(shared_data_dir: Path) -> Path:
    return shared_data_dir / "ner-train"


def found(model: Recogniser, text: str) -> list[tuple[str, str]]:
    return [(m.text, m.type) for m in model.recognise(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Vladimir Putin met Angela Merkel in Vladivostok on Tuesday.",
            [
                ("Vladimir Putin", "PERSON"),
                ("Angela Merkel", "PERSON"),
                ("Vladivostok", "LOCATION"),
                ("Tuesday", "DATE"),
            ],
        ),
        (
            "The United Nations said Russian troops left Syria in late March.",
            [
                ("United Nations", "ORGANIZATION"),
                ("Russian", "NORP"),
                ("Syria", "LOCATION"),
                ("late March", "DATE"),
            ],
        ),
        (
            "The European Union imposed sanctions on Iran, and prices rose 5 percent.",
            [("European Union", "ORGANIZATION"), ("Iran", "LOCATION"), ("5 percent", "PERCENT")],
        ),
        (
            "Sergei Lavrov and Mike Pompeo discussed Iraq at the State Department.",
            [
                ("Sergei Lavrov", "PERSON"),
                ("Mike Pompeo", "PERSON"),
                ("Iraq", "LOCATION"),
                ("State Department", "ORGANIZATION"),
            ],
        ),
        (
            "Chinese and Japanese diplomats met in Tokyo.",
            [("Chinese", "NORP"), ("Japanese", "NORP"), ("Tokyo", "LOCATION")],
        ),
    ],
)
def test_recognise_finds_typed_mentions_in_clear_sentences(
    trained_recogniser: Recogniser, text: str, expected: list[tuple[str, str]]
) -> None:
    assert found(trained_recogniser, text) == expected


def test_mentions_point_into_the_text_with_source_and_confidence(
    trained_recogniser: Recogniser,
) -> None:
    text = "Earlier,\nVladimir Putin met NATO officials and spent $1 billion."

    mentions = trained_recogniser.recognise(text)

    assert [(m.span, m.type, m.source) for m in mentions] == [
        (Span(9, 23), "PERSON", "model"),
        (Span(28, 32), "ORGANIZATION", "model"),
        (Span(53, 63), "MONEY", "rule"),
    ]
    for m in mentions:
        assert m.text == text[m.span.start : m.span.end]
        assert 0.0 < m.confidence <= 1.0
        assert m.type in ENTITY_TYPES and m.source in MENTION_SOURCES


def test_model_and_rule_types_are_entity_types() -> None:
    assert set(MODEL_TYPES) | set(rules.RULE_TYPES) <= set(ENTITY_TYPES)


@pytest.mark.parametrize("text", ["", "   \n\t ", "...", "-- 12 --"])
def test_recognise_on_empty_or_wordless_text_finds_nothing(
    trained_recogniser: Recogniser, text: str
) -> None:
    assert trained_recogniser.recognise(text) == []


def test_recognise_without_sentence_punctuation_still_finds_names(
    trained_recogniser: Recogniser,
) -> None:
    # Training sentences end in full stops: a name at the very end must still be found.
    text = "Vladimir Putin met Angela Merkel in Vladivostok and then they flew to Moscow"

    assert found(trained_recogniser, text) == [
        ("Vladimir Putin", "PERSON"),
        ("Angela Merkel", "PERSON"),
        ("Vladivostok", "LOCATION"),
        ("Moscow", "LOCATION"),
    ]


def test_recognise_handles_a_two_megabyte_line_in_chunks(trained_recogniser: Recogniser) -> None:
    # Ten tokens per unit, so every 1,000-token chunk holds whole units.
    unit = "Vladimir Putin met officials in Moscow and talked for hours "
    text = unit * (2_000_000 // len(unit))

    mentions = trained_recogniser.recognise(text)

    assert len(text) > 1_990_000 and "." not in text
    assert {(m.text, m.type) for m in mentions} == {
        ("Vladimir Putin", "PERSON"),
        ("Moscow", "LOCATION"),
    }
    assert len(mentions) == 2 * text.count(unit)
    assert all(text[m.span.start : m.span.end] == m.text for m in mentions)


def test_recognise_on_non_english_text_returns_valid_spans(
    trained_recogniser: Recogniser,
) -> None:
    text = (
        "Владимир Путин встретился с Ким Чен Ыном во Владивостоке 25 апреля 2019 года. "
        "普京和金正恩在符拉迪沃斯托克会晤。" * 20 + "Les prix ont augmenté de 5 %."
    )

    mentions = trained_recogniser.recognise(text)

    assert all(text[m.span.start : m.span.end] == m.text for m in mentions)
    assert [m.text for m in mentions if m.source == "rule"] == ["5 %"]


def test_recognise_on_a_long_unbroken_cjk_text_completes(trained_recogniser: Recogniser) -> None:
    text = "中华人民共和国是位于东亚的国家" * 20_000

    mentions = trained_recogniser.recognise(text)

    assert all(text[m.span.start : m.span.end] == m.text for m in mentions)


def test_names_made_only_of_titles_are_not_mentions(trained_recogniser: Recogniser) -> None:
    words = ["Mr.", "said", "the", "Prime", "Minister", "spoke", "."]
    named = ["Prime", "Minister", "Mr.", "Mousavi", "said", "."]

    assert trained_recogniser.tag(words) == ["O"] * len(words)
    assert trained_recogniser.tag(named) == ["O", "O", "B-PERSON", "I-PERSON", "O", "O"]


def test_tag_labels_every_token_even_past_one_chunk(trained_recogniser: Recogniser) -> None:
    # Every copy, in both chunks, is tagged as the first is. The small model's 200,000 tokens
    # name "Obama" alone 15 times, always as a person; not "Putin" (18 times after "Vladimir"
    # or "Mr.", and alone only twice, both silver-labelled ORGANIZATION), which the small model
    # gave a coin's toss: PERSON for the first copy and ORGANIZATION for the second.
    words = ["Obama", "visited", "Moscow", "."] * (MAX_CHUNK_TOKENS // 2)

    labels = trained_recogniser.tag(words)

    assert len(labels) == len(words)
    assert labels == ["B-PERSON", "O", "B-LOCATION", "O"] * (MAX_CHUNK_TOKENS // 2)
    same, sure = trained_recogniser.tag_with_confidence(words)
    assert same == labels
    assert len(sure) == len(words) and all(0.0 < p <= 1.0 for p in sure)
    assert set(labels) <= {"O", *(f"{p}-{t}" for t in MODEL_TYPES for p in "BI")}


def test_evaluate_on_a_slice_of_the_test_set_beats_a_floor(
    trained_recogniser: Recogniser, ner_dir: Path, tmp_path: Path
) -> None:
    lines = []
    for sentence in list(read_iob(ner_dir / "gmb.test.tsv"))[:600]:
        lines += [f"{w}\t{t}\n" for w, t in zip(sentence.words, sentence.tags, strict=True)]
        lines.append("\n")
    piece = tmp_path / "slice.tsv"
    piece.write_text("".join(lines), encoding="utf-8")

    scores = evaluate(trained_recogniser, piece, GMB_TYPE_MAP)

    assert scores.sentences == 600
    assert scores.overall.f1 > 0.6
    assert set(scores.by_type) == set(MODEL_TYPES)
    assert scores.ignored_types == ()


def test_evaluate_without_a_map_ignores_types_the_model_does_not_know(
    trained_recogniser: Recogniser, tmp_path: Path
) -> None:
    corpus = tmp_path / "c.tsv"
    corpus.write_text(
        "Vladimir\tB-PERSON\nPutin\tI-PERSON\nleft\tO\non\tO\nTuesday\tB-TIM\n.\tO\n",
        encoding="utf-8",
    )

    scores = evaluate(trained_recogniser, corpus)

    assert scores.overall.true_positives == 1
    assert scores.ignored_types == ("TIM",)


def test_save_and_load_round_trip(trained_recogniser: Recogniser, tmp_path: Path) -> None:
    path = trained_recogniser.save(tmp_path / "models" / "entities.json.gz")

    copy = Recogniser.load(path)

    text = "Kim Jong Un met Vladimir Putin in Vladivostok."
    assert copy.recognise(text) == trained_recogniser.recognise(text)
    assert copy.header == trained_recogniser.header


def test_the_header_says_what_the_model_was_trained_on(
    trained_recogniser: Recogniser, ner_dir: Path
) -> None:
    header = trained_recogniser.header

    assert header["format"] == "dossier-entity-model"
    assert header["corpus"]["sha256"] == file_sha256(ner_dir / "gmb.train.tsv")
    assert header["corpus"]["tokens"] <= SMALL_TOKENS
    assert header["passes"] == SMALL_PASSES
    assert header["types"] == list(MODEL_TYPES)
    assert header["features"]["version"] == recogniser.FEATURE_VERSION


def test_load_of_a_missing_file_says_how_to_train(tmp_path: Path) -> None:
    with pytest.raises(ModelMissing, match="dossier entities train --corpus"):
        Recogniser.load(tmp_path / "none.json.gz")


@pytest.mark.parametrize("content", [b"garbage", gzip.compress(b"{}"), gzip.compress(b"[]")])
def test_load_of_a_damaged_file_raises_model_invalid(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "model.json.gz"
    path.write_bytes(content)

    with pytest.raises(ModelInvalid, match="model.json.gz"):
        Recogniser.load(path)


@pytest.mark.parametrize(
    ("field", "value"), [("format_version", 99), ("format", "other"), ("types", ["MISC"])]
)
def test_load_rejects_a_header_from_another_format(
    trained_recogniser: Recogniser, tmp_path: Path, field: str, value: object
) -> None:
    path = trained_recogniser.save(tmp_path / "model.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    data["header"][field] = value
    path.write_text(json.dumps(data), encoding="utf-8")

    with pytest.raises(ModelInvalid, match="Retrain it"):
        Recogniser.load(path)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("uncapitalised_starts", "the", "words that start entities"),
        ("name_parts", "States", "found only inside names"),
        ("name_parts", None, "found only inside names"),
        ("version", 4, "with features version 4"),  # before "name_parts", or older
    ],
)
def test_load_rejects_a_damaged_or_older_feature_header(
    trained_recogniser: Recogniser, tmp_path: Path, field: str, value: object, message: str
) -> None:
    path = trained_recogniser.save(tmp_path / "model.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    data["header"]["features"][field] = value
    path.write_text(json.dumps(data), encoding="utf-8")

    with pytest.raises(ModelInvalid, match=message) as raised:
        Recogniser.load(path)
    assert "Retrain it" in str(raised.value)


def test_a_word_found_only_inside_longer_names_is_no_name_alone(
    trained_recogniser: Recogniser,
) -> None:
    parts = set(trained_recogniser.header["features"]["name_parts"])
    text = (
        "Delegates from 40 States met in Vienna. Officials at the Ministry said the United "
        "States agreed."
    )

    names = found(trained_recogniser, text)

    assert {"States", "Ministry"} <= parts
    assert not parts & {"Putin", "Vienna", "Peres", "Abbas"}
    assert ("Vienna", "LOCATION") in names and ("United States", "LOCATION") in names
    assert not {text for text, _ in names} & {"States", "Ministry", "the Ministry"}


def test_a_model_records_the_uncapitalised_words_that_began_entities(
    trained_recogniser: Recogniser,
) -> None:
    starts = trained_recogniser.header["features"]["uncapitalised_starts"]

    assert starts == sorted(set(starts))
    assert {"southern", "bin"} <= set(starts)
    assert not {"the", "of", ","} & set(starts)  # under 1% of their occurrences begin one
    assert not [w for w in starts if any(c.isupper() for c in w)]


@pytest.mark.parametrize(
    "words",
    [
        ["*", "*", "*", "President", "of", "Russia", "Vladimir", "Putin", ":", "Good", "day", "."],
        ["<", "part", ">", "rubles", "“", "Moscow", "”", "said", "southern", "Iraq", "."],
    ],
)
def test_a_word_without_capitals_that_never_began_an_entity_starts_none(
    trained_recogniser: Recogniser, words: list[str]
) -> None:
    starts = set(trained_recogniser.header["features"]["uncapitalised_starts"])

    labels = trained_recogniser.tag(words)

    first = [w for w, label in zip(words, labels, strict=True) if label.startswith("B-")]
    assert first and all(w in starts or w[:1].isupper() for w in first)
    assert labels[:3] == ["O", "O", "O"]


def test_a_model_from_before_the_starts_were_recorded_loads_and_scores_every_token(
    trained_recogniser: Recogniser, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = trained_recogniser.save(tmp_path / "old.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    del data["header"]["features"]["uncapitalised_starts"]
    path.write_text(json.dumps(data), encoding="utf-8")

    old = Recogniser.load(path)

    assert "retrain it" in caplog.text
    text = "Vladimir Putin met Kim Jong Un in Vladivostok on Tuesday."
    assert old.recognise(text) == trained_recogniser.recognise(text)


def test_recognise_on_the_callers_tokens_finds_what_it_finds_alone(
    trained_recogniser: Recogniser,
) -> None:
    text = "Kim Jong Un met Vladimir Putin. The European Union said Iran paid $1 billion."

    assert trained_recogniser.recognise(text, analyse.tokenize(text)) == (
        trained_recogniser.recognise(text)
    )


TINY = "Putin\tB-PER\nvisited\tO\nMoscow\tB-GEO\n.\tO\n\nMedvedev\tB-PER\nleft\tO\nParis\tB-GEO\n"


def test_train_is_deterministic_for_a_seed_and_learns_its_corpus(tmp_path: Path) -> None:
    corpus = tmp_path / "tiny.tsv"
    corpus.write_text(TINY, encoding="utf-8")

    first = train(corpus, passes=3, seed=7)
    second = train(corpus, passes=3, seed=7)

    assert first.model.weights == second.model.weights
    assert first.tag(["Medvedev", "left", "Paris"]) == ["B-PERSON", "O", "B-LOCATION"]
    assert first.types == MODEL_TYPES


def test_train_records_words_without_capitals_that_often_begin_an_entity(
    tmp_path: Path,
) -> None:
    sentences = ["the\tB-GEO\nbin\tB-PER\nLaden\tI-PER\n"]  # "the" begins 1 of 101
    sentences += ["the\tO\nNetherlands\tB-GEO\nsouthern\tB-GEO\nIraq\tI-GEO\n"] * 100
    corpus = tmp_path / "starts.tsv"
    corpus.write_text("\n".join(sentences), encoding="utf-8")

    model = train(corpus, passes=1)

    assert model.header["features"]["uncapitalised_starts"] == ["bin", "southern"]


def test_train_refuses_a_map_that_names_no_model_type(tmp_path: Path) -> None:
    corpus = tmp_path / "tiny.tsv"
    corpus.write_text(TINY, encoding="utf-8")

    with pytest.raises(ValueError, match="PER=PERSON"):
        train(corpus, type_map={"PER": "HUMAN"})


def mention(start: int, end: int, kind: str, source: str) -> Mention:
    return Mention(Span(start, end), kind, "x" * (end - start), source, 1.0)


def test_merge_lets_a_rule_date_beat_a_longer_model_date() -> None:
    rule = mention(3, 10, "DATE", "rule")
    model_date = mention(0, 12, "DATE", "model")

    assert merge([model_date, rule]) == [rule]


def test_merge_keeps_the_longest_of_other_overlaps_and_breaks_ties_by_source() -> None:
    person = mention(0, 10, "PERSON", "model")
    month = mention(0, 4, "DATE", "rule")  # "June" inside "June Smith"
    org_model = mention(20, 24, "ORGANIZATION", "model")
    org_registry = mention(20, 24, "ORGANIZATION", "registry")
    touching = mention(24, 30, "LOCATION", "model")

    assert merge([month, org_model, touching, person, org_registry]) == [
        person,
        org_registry,
        touching,
    ]


def _tagged_when_decoded_as(
    recogniser: Recogniser, monkeypatch: pytest.MonkeyPatch, words: list[str], bilou: list[str]
) -> list[str]:
    """``tag(words)`` when the decoder answers ``bilou``, so a name's edges are known exactly."""
    names = recogniser._decoder.labels.names

    def decoded(words: Sequence[str]) -> tuple[list[int], list[float]]:
        return [names.index(label) for label in bilou], [0.9] * len(bilou)

    monkeypatch.setattr(recogniser._decoder, "decode", decoded)
    return recogniser.tag(words)


@pytest.mark.parametrize(
    ("words", "bilou", "expected"),
    [
        (
            ["Vladimir", "Putin", "(", "said", "."],
            ["B-PERSON", "I-PERSON", "L-PERSON", "O", "O"],
            ["B-PERSON", "I-PERSON", "O", "O", "O"],
        ),
        (
            ["“", "United", "Nations", "—", "met", "."],
            ["B-ORGANIZATION", "I-ORGANIZATION", "I-ORGANIZATION", "L-ORGANIZATION", "O", "O"],
            ["O", "B-ORGANIZATION", "I-ORGANIZATION", "O", "O", "O"],
        ),
        (["--", "met", "."], ["U-PERSON", "O", "O"], ["O", "O", "O"]),
        # A full stop may end an abbreviation: it stays.
        (["U.S", ".", "met"], ["B-LOCATION", "L-LOCATION", "O"], ["B-LOCATION", "I-LOCATION", "O"]),
    ],
)
def test_punctuation_at_a_names_edges_is_left_out(
    trained_recogniser: Recogniser,
    monkeypatch: pytest.MonkeyPatch,
    words: list[str],
    bilou: list[str],
    expected: list[str],
) -> None:
    assert _tagged_when_decoded_as(trained_recogniser, monkeypatch, words, bilou) == expected


def test_names_in_a_heading_in_capitals_are_found_after_recasing(
    trained_recogniser: Recogniser,
) -> None:
    text = "Vladimir Putin visited Moscow.\n\nPUTIN VISITS MOSCOW AND BERLIN"
    heading = text.index("PUTIN")
    found = {
        (m.text, m.type)
        for m in trained_recogniser.recognise(text)
        if m.source == "model" and m.span.start >= heading
    }
    # The mentions keep the text as written; the model read "Putin visits Moscow and Berlin".
    assert ("MOSCOW", "LOCATION") in found and ("BERLIN", "LOCATION") in found
    assert trained_recogniser.tag(["Putin", "visited", "Moscow", "."])[2] == "B-LOCATION"
    assert trained_recogniser.tag(["PUTIN", "VISITED", "MOSCOW", "."])[2] == "B-LOCATION"


def test_names_end_at_numbers_brackets_and_speaker_colons(trained_recogniser: Recogniser) -> None:
    text = (
        "Anna Berg (Norway) 2:03.45\n"
        "Vladimir Putin 72 70 68 - 210\n"
        "Vladimir Putin: Yes, we're agreed. We've said so in Moscow."
    )
    found = trained_recogniser.recognise(text)
    models = [m for m in found if m.source == "model"]
    assert models
    for m in models:
        assert all(any(c.isalpha() for c in word) for word in m.text.split()), m
        assert ":" not in m.text and "'" not in m.text
    assert ("Vladimir Putin", "PERSON") in {(m.text, m.type) for m in models}


def test_names_do_not_run_across_a_line_end(trained_recogniser: Recogniser) -> None:
    text = (
        "Meeting with Prime Minister of India\nNarendra Modi\n"
        "Vladimir Putin held talks with the Prime Minister of India in Moscow."
    )
    mentions = trained_recogniser.recognise(text)
    assert mentions
    assert all("\n" not in m.text for m in mentions)


@pytest.mark.parametrize(
    ("words", "bilou", "expected"),
    [
        # A transcript's "(Applause.)": an English word that is the whole sentence.
        (["(", "Applause", ".", ")"], ["O", "U-ORGANIZATION", "O", "O"], ["O"] * 4),
        # Function words are never names.
        (["We", "agreed", "."], ["U-ORGANIZATION", "O", "O"], ["O", "O", "O"]),
        (["So", ",", "I", "left"], ["U-PERSON", "O", "U-LOCATION", "O"], ["O"] * 4),
        # One word the training corpus writes in lower case: a speech's "the Government".
        (["the", "Government", "agreed"], ["O", "U-ORGANIZATION", "O"], ["O"] * 3),
        # A table's label or a line's heading, capitalised because it opens the line.
        (
            ["10:00", "Meeting", "with", "Anna", "Berg"],
            ["O", "U-ORGANIZATION", "O", "B-PERSON", "L-PERSON"],
            ["O", "O", "O", "B-PERSON", "I-PERSON"],
        ),
        (["Standings", ":", "P"], ["U-LOCATION", "O", "O"], ["O"] * 3),
        # Titles and forms of address alone: "Mr. Speaker", "THE PRESIDENT:".
        (["Mr.", "Speaker", ","], ["B-PERSON", "L-PERSON", "O"], ["O"] * 3),
        (["THE", "PRESIDENT", ":"], ["B-PERSON", "L-PERSON", "O"], ["O"] * 3),
        # Kept: a word opening a longer sentence, a gazetteer's word, and capitals.
        (["Congress", "agreed", "."], ["U-ORGANIZATION", "O", "O"], ["B-ORGANIZATION", "O", "O"]),
        (["Russia", "."], ["U-LOCATION", "O"], ["B-LOCATION", "O"]),
        (["US", "forces", "left"], ["U-LOCATION", "O", "O"], ["B-LOCATION", "O", "O"]),
    ],
)
def test_one_word_names_that_are_plain_english_words_are_dropped(
    trained_recogniser: Recogniser,
    monkeypatch: pytest.MonkeyPatch,
    words: list[str],
    bilou: list[str],
    expected: list[str],
) -> None:
    assert _tagged_when_decoded_as(trained_recogniser, monkeypatch, words, bilou) == expected
