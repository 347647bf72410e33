"""An averaged multiclass perceptron over string features (Collins 2002; as NLTK's tagger).

Weights are a dict of dicts, ``feature -> {class index: weight}``, so scoring touches only the
classes a feature has ever voted for. Averaging uses the "accumulate ``step * delta``" trick: the
average of every weight over all ``n`` training steps is ``w - totals / n``, so no per-weight
timestamps are kept. The model is data only: ``to_dict``/``from_dict`` round-trip through JSON,
and ``save``/``load`` write it to a (gzip'd) JSON file next to a caller's header, never a pickle.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

Weights = dict[str, dict[int, float]]


class AveragedPerceptron:
    """Multiclass perceptron whose final weights are the average over all training steps."""

    def __init__(self, classes: Sequence[str]) -> None:
        self.classes: tuple[str, ...] = tuple(classes)
        self.weights: Weights = {}
        self._totals: Weights = {}
        self._seen = 0
        self.is_averaged = False

    def scores(self, features: Iterable[str]) -> list[float]:
        """One score per class: the sum of the features' weights."""
        totals = [0.0] * len(self.classes)
        weights = self.weights
        for feature in features:
            row = weights.get(feature)
            if row:
                for cls, weight in row.items():
                    totals[cls] += weight
        return totals

    def predict(self, features: Iterable[str], allowed: Sequence[int] | None = None) -> int:
        """Index of the best-scoring class (among ``allowed`` when given; ties go to the first)."""
        totals = self.scores(features)
        candidates = allowed if allowed is not None else range(len(totals))
        return max(candidates, key=totals.__getitem__)

    def update(self, truth: int, guess: int, features: Sequence[str]) -> None:
        """Move weights towards ``truth`` and away from ``guess``; counts one training step."""
        step = self._seen  # updates made now count for all later examples too
        self._seen += 1
        if truth == guess:
            return
        weights, totals = self.weights, self._totals
        for feature in features:
            row = weights.get(feature)
            if row is None:
                row = weights[feature] = {}
                totals[feature] = {}
            acc = totals[feature]
            row[truth] = row.get(truth, 0.0) + 1.0
            acc[truth] = acc.get(truth, 0.0) + step
            row[guess] = row.get(guess, 0.0) - 1.0
            acc[guess] = acc.get(guess, 0.0) - step

    def average(self, *, precision: int = 3) -> None:
        """Replace the weights by their averages; drops weights that round to zero."""
        seen = max(self._seen, 1)
        averaged: Weights = {}
        for feature, row in self.weights.items():
            acc = self._totals[feature]
            kept = {}
            for cls, weight in row.items():
                value = round(weight - acc[cls] / seen, precision)
                if value:
                    kept[cls] = value
            if kept:
                averaged[feature] = kept
        self.weights = averaged
        self._totals = {}
        self.is_averaged = True

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data: class names and the averaged weights."""
        if not self.is_averaged:
            raise ValueError("call average() before saving a perceptron")
        return {
            "classes": list(self.classes),
            "weights": {f: {str(c): w for c, w in row.items()} for f, row in self.weights.items()},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AveragedPerceptron:
        """Inverse of ``to_dict``; raises ``ValueError`` when the data has the wrong shape."""
        try:
            model = cls(data["classes"])
            n = len(model.classes)
            model.weights = {
                str(f): {int(c): float(w) for c, w in row.items()}
                for f, row in data["weights"].items()
            }
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise ValueError(f"not perceptron data: {exc!r}") from exc
        if any(not 0 <= c < n for row in model.weights.values() for c in row):
            raise ValueError("a weight refers to a class the model does not have")
        model.is_averaged = True
        return model

    def save(self, path: str | Path, header: dict[str, Any]) -> Path:
        """Write ``{"header": header, "model": ...}`` as JSON (gzip'd for ``.gz``), atomically."""
        path = Path(path)
        data = json.dumps({"header": header, "model": self.to_dict()}, sort_keys=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.partial")
        if path.name.endswith(".gz"):
            with gzip.open(partial, "wt", encoding="utf-8") as handle:
                handle.write(data)
        else:
            partial.write_text(data, encoding="utf-8")
        partial.replace(path)
        return path

    @classmethod
    def load(
        cls, path: str | Path, check: Callable[[dict[str, Any]], None] | None = None
    ) -> tuple[AveragedPerceptron, dict[str, Any]]:
        """Read what ``save`` wrote; ``check(header)`` runs before the weights are built.

        Raises ``OSError`` or ``ValueError`` (also for gzip or JSON damage) when unreadable.
        """
        path = Path(path)
        opener = gzip.open if path.name.endswith(".gz") else open
        try:
            with opener(path, "rt", encoding="utf-8") as handle:
                data = json.load(handle)
            header = data["header"]
        except (EOFError, gzip.BadGzipFile, UnicodeDecodeError, KeyError, TypeError) as exc:
            raise ValueError(f"not a saved perceptron: {exc!r}") from exc
        if not isinstance(header, dict):
            raise ValueError("not a saved perceptron: the header is not an object")
        if check:
            check(header)
        return cls.from_dict(data.get("model")), header
