"""The greedy decoder's constraints (``indexer.entities.decoder``), on a perceptron whose
weights are set by hand so that it always wants to go on with a name: whatever the weights, a
name ends before a token that breaks names."""

from __future__ import annotations

import pytest

from indexer.entities import decoder as decoder_module
from indexer.entities.decoder import Decoder
from indexer.entities.features import Labels, breaks_names, shared_lexicon
from indexer.entities.perceptron import AveragedPerceptron


@pytest.fixture(scope="module")
def decoder() -> Decoder:
    labels = Labels.for_types(["PERSON"])  # O, B-, I-, L-, U-PERSON
    model = AveragedPerceptron(labels.names)
    # Every token's bias ("0b"): I- beats everything, then B-, then U-; O scores 0.
    model.weights = {"0b": {1: 5.0, 2: 10.0, 3: 1.0, 4: 2.0}}
    model.is_averaged = True
    return Decoder(model, shared_lexicon(), starts=None)


def decoded(decoder: Decoder, text: str) -> list[str]:
    labels, _ = decoder.decode(text.split())
    return [decoder.labels.names[i] for i in labels]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A results line: the name ends before the first number, the numbers are O.
        ("Anna Berg 72 70 68 - 210", "B L O O O O O"),
        ("Anna Berg ( Norway ) 2:03.45", "B L O U O O"),
        # A speaker label: no name runs across the colon.
        ("Vladimir Putin : Yes we agreed .", "B L O B I L O"),
        # A contraction is never part of a name.
        ("We 're here", "U O U"),
        # A name that reaches the sentence's end ends there.
        ("Anna Berg", "B L"),
    ],
)
def test_a_name_ends_before_a_token_that_breaks_names(
    decoder: Decoder, text: str, expected: str
) -> None:
    names = {"O": "O", "B-PERSON": "B", "I-PERSON": "I", "L-PERSON": "L", "U-PERSON": "U"}
    assert [names[label] for label in decoded(decoder, text)] == expected.split()


@pytest.mark.parametrize(
    ("word", "breaks"),
    [
        ("72", True),
        ("2:03.45", True),
        ("(", True),
        (":", True),
        ("-", True),
        ("'re", True),
        ("n't", True),
        ("&", False),  # "Procter & Gamble"
        ("'", False),  # "Workers ' Party"
        ("'s", False),  # "People 's Liberation Army"
        ("G8", False),
        ("Berg", False),
    ],
)
def test_which_tokens_break_names(word: str, breaks: bool) -> None:
    assert breaks_names(word) is breaks


def test_two_kept_sequences_undo_a_label_that_a_greedy_decoder_cannot(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """ "Vladimir" alone would rather be a one-word name, but "Putin" is far more the end of a
    person's name: the best sequence overall is B- L-, which greedy decoding never reaches."""
    labels = Labels.for_types(["PERSON", "ORGANIZATION"])
    index = labels.names.index
    model = AveragedPerceptron(labels.names)
    model.weights = {
        "0w=vladimir": {index("U-PERSON"): 3.0, index("B-PERSON"): 2.0},
        "0w=putin": {index("L-PERSON"): 5.0, index("U-ORGANIZATION"): 1.0},
    }
    model.is_averaged = True
    beam = Decoder(model, shared_lexicon(), starts=None)
    words = "Vladimir Putin : Yes".split()

    found, _ = beam.decode(words)
    assert [labels.names[i] for i in found] == ["B-PERSON", "L-PERSON", "O", "O"]
    monkeypatch.setattr(decoder_module, "BEAM", 1)
    found, _ = beam.decode(words)
    assert [labels.names[i] for i in found] == ["U-PERSON", "U-ORGANIZATION", "O", "O"]
