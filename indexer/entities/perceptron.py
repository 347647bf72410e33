"""An averaged multiclass perceptron over string features (Collins 2002; as NLTK's tagger).

Trained weights are a dict of dicts, ``feature -> {class index: weight}``, so scoring touches
only the classes a feature has voted for. Averaging uses the "accumulate ``step * delta``"
trick: the average of every weight over all ``n`` training steps is ``w - totals / n``, so no
per-weight timestamps are kept. The model is data only: ``to_dict``/``from_dict`` round-trip
through JSON, and ``save``/``load`` write it next to a caller's header, never as a pickle.
"""

from __future__ import annotations

import gzip
import json
from array import array
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

Weights = dict[str, dict[int, float]]


class AveragedPerceptron:
    """Multiclass perceptron whose final weights are the average over all training steps.

    While training, each feature's weights are a dense row of floats (``array('d')``), so a
    score is ``map(sum, zip(*rows))`` in C rather than a Python loop over every weight;
    ``average()`` turns them into the sparse dict of dicts used for tagging and saving.
    """

    def __init__(self, classes: Sequence[str]) -> None:
        self.classes: tuple[str, ...] = tuple(classes)
        self.weights: Weights = {}
        self._rows: dict[str, array[float]] = {}
        self._totals: dict[str, array[float]] = {}
        self._zeros = array("d", [0.0]) * len(self.classes)
        self._seen = 0
        self.is_averaged = False

    def scores(self, features: Iterable[str]) -> list[float]:
        """One score per class: the sum of the features' weights."""
        if not self.is_averaged:
            rows = [row for row in map(self._rows.get, features) if row is not None]
            return list(map(sum, zip(*rows, strict=True))) if rows else list(self._zeros)
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
        if self.is_averaged:
            raise ValueError("an averaged perceptron cannot learn any more")
        step = self._seen  # the weights after this step hold for it and every later one
        self._seen += 1
        if truth == guess:
            return
        rows, totals = self._rows, self._totals
        for feature in features:
            row = rows.get(feature)
            if row is None:
                row = rows[feature] = array("d", self._zeros)
                acc = totals[feature] = array("d", self._zeros)
            else:
                acc = totals[feature]
            row[truth] += 1.0
            row[guess] -= 1.0
            acc[truth] += step
            acc[guess] -= step

    def average(self, *, precision: int = 3) -> None:
        """Replace the weights by their averages; drops weights that round to zero."""
        seen = max(self._seen, 1)
        for feature, row in self._rows.items():
            acc = self._totals[feature]
            kept = {}
            for cls, (weight, total) in enumerate(zip(row, acc, strict=True)):
                value = round(weight - total / seen, precision)
                if value:
                    kept[cls] = value
            if kept:
                self.weights[feature] = kept
        self._rows, self._totals = {}, {}
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
