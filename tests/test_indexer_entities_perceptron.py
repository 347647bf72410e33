"""The averaged perceptron: learning, averaging, and JSON round trips."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from indexer.entities.perceptron import AveragedPerceptron

# A tiny separable task: the first letter of a word names its class.
EXAMPLES = [
    (("first=a", "len=3"), 0),
    (("first=b", "len=3"), 1),
    (("first=c", "len=4"), 2),
    (("first=a", "len=5"), 0),
    (("first=b", "len=4"), 1),
]


def trained(passes: int = 5) -> AveragedPerceptron:
    model = AveragedPerceptron(["A", "B", "C"])
    for _ in range(passes):
        for features, truth in EXAMPLES:
            model.update(truth, model.predict(features), features)
    model.average()
    return model


def test_a_trained_perceptron_predicts_every_training_example() -> None:
    model = trained()

    assert [model.predict(f) for f, _ in EXAMPLES] == [t for _, t in EXAMPLES]


def test_predict_only_chooses_among_allowed_classes() -> None:
    model = trained()

    assert model.predict(("first=a",), allowed=[1, 2]) in (1, 2)


def test_unknown_features_score_zero_and_ties_go_to_the_first_class() -> None:
    model = trained()

    assert model.scores(("never-seen",)) == [0.0, 0.0, 0.0]
    assert model.predict(("never-seen",)) == 0


def test_averaging_damps_a_late_single_update() -> None:
    model = AveragedPerceptron(["A", "B"])
    for _ in range(99):
        model.update(0, 0, ("f",))
    model.update(1, 0, ("f",))
    model.average(precision=6)

    # The weight was +1 for B only during the last of 100 steps.
    assert model.weights["f"] == {1: 0.01, 0: -0.01}


def test_to_dict_round_trips_through_json() -> None:
    model = trained()

    copy = AveragedPerceptron.from_dict(json.loads(json.dumps(model.to_dict())))

    assert copy.classes == model.classes
    assert copy.weights == model.weights


def test_to_dict_refuses_an_unaveraged_model() -> None:
    with pytest.raises(ValueError, match="average"):
        AveragedPerceptron(["A"]).to_dict()


@pytest.mark.parametrize(
    "data",
    [{}, {"classes": ["A"]}, {"classes": ["A"], "weights": {"f": {"3": 1.0}}}, {"weights": []}],
)
def test_from_dict_rejects_data_of_the_wrong_shape(data: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        AveragedPerceptron.from_dict(data)


@pytest.mark.parametrize("name", ["model.json", "model.json.gz"])
def test_save_and_load_round_trip_with_the_header(tmp_path: Path, name: str) -> None:
    model = trained()

    path = model.save(tmp_path / "sub" / name, {"format": "test"})
    copy, header = AveragedPerceptron.load(path)

    assert header == {"format": "test"}
    assert copy.weights == model.weights
    assert sorted(p.name for p in path.parent.iterdir()) == [name]


def test_save_writes_json_never_a_pickle(tmp_path: Path) -> None:
    path = trained().save(tmp_path / "model.json.gz", {})

    with gzip.open(path, "rt", encoding="utf-8") as handle:
        assert set(json.load(handle)) == {"header", "model"}


def test_load_lets_the_caller_reject_a_header_before_reading_weights(tmp_path: Path) -> None:
    path = trained().save(tmp_path / "model.json", {"version": 0})

    def check(header: dict[str, object]) -> None:
        raise ValueError(f"version {header['version']} is too old")

    with pytest.raises(ValueError, match="version 0 is too old"):
        AveragedPerceptron.load(path, check)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("model.json", b"{not json"),
        ("model.json", b"[1, 2]"),
        ("model.json.gz", b"not gzip at all"),
        ("model.json.gz", gzip.compress(b"\xff\xfe")),
    ],
)
def test_load_raises_value_error_on_damaged_files(
    tmp_path: Path, name: str, content: bytes
) -> None:
    path = tmp_path / name
    path.write_bytes(content)

    with pytest.raises((ValueError, OSError)):
        AveragedPerceptron.load(path)
