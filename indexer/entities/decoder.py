"""Decoding a sentence with the trained perceptron: left to right over BILOU labels, keeping
the ``BEAM`` best label sequences.

Per distinct word, the five offset feature sets are folded into five score vectors once and
cached, so a token costs five vector additions and, per kept sequence, six pair lookups and a
choice among the labels that may follow its last one. Two constraints shape what may come out:

- a label must be allowed after the previous one (inside a name only I- or L- of its type);
- a token that breaks names (``features.breaks_names``: numbers, brackets, colons, dashes,
  contractions, the sentence end) is O, and the token before it may not be B- or I-: the name
  ends there. Without this look-ahead the decoder ran a name over the numbers of a results
  line ("Anna Berg 72 70 68 - 210" as one person).

A greedy decoder (one sequence) cannot undo a label: in "President of Russia Vladimir Putin:"
it chose U-PERSON for "Vladimir", and the colon then made "Putin" a one-word organisation
(52 of 372 "Vladimir Putin"/"Dmitry Medvedev" in 500 real documents, 3 with two sequences).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Sequence

from indexer.entities.features import (
    PAD,
    Labels,
    Lexicon,
    breaks_names,
    pairs,
    word_features,
)
from indexer.entities.perceptron import AveragedPerceptron

# Distinct words whose score vectors a decoder keeps (~3.3 KB each, so ~165 MB at most).
CACHE_WORDS = 50_000
# Label sequences kept while decoding. On GMB dev, F1 0.8455 with 1 (greedy), 0.8496 with 2,
# 0.8495 with 3, 0.8491 with 5; on lines-dev.tsv 0.709, 0.727, 0.717, 0.721.
BEAM = 2
SENTENCE_ENDS = frozenset(".!?;:\"')\u201d\u2019\u2026") | {"''", "..."}

# The decoder's per-word cache: score vectors, lowercase, shape, "cannot start an entity" and
# "breaks names". Tuples, not lists: the garbage collector stops tracking a tuple of floats, so
# a large cache costs nothing at each collection (lists made analysis ~5% slower).
_Vector = tuple[float, ...]
_WordScores = tuple[_Vector, _Vector, _Vector, _Vector, _Vector, str, str, bool, bool]


class Decoder:
    """BILOU-constrained beam decoding; per-word score vectors are cached across calls.

    With ``starts`` (the model's ``uncapitalised_starts``), a token outside an entity whose
    word has no capital letter and (almost) never began an entity in training is labelled O
    without scoring (when every kept sequence is outside one): about 85% of news tokens, and
    what the model gave them was mostly noise.
    """

    def __init__(
        self,
        model: AveragedPerceptron,
        lexicon: Lexicon,
        starts: frozenset[str] | None,
        english: Callable[[str], bool] | None = None,
    ) -> None:
        self.labels = Labels(model.classes)
        self._weights = model.weights
        self._scores = model.scores
        self.lexicon = lexicon
        self._starts = starts
        self._english = english
        self._history = [model.scores(feats) for feats in self.labels.history]
        # Per previous label: True where the next token may be O (outside an entity).
        self._outside = [n[:2] not in ("B-", "I-") for n in self.labels.names_or_start]
        self._vectors: dict[str, _WordScores] = {}

    def _word(self, word: str) -> _WordScores:
        found = self._vectors.get(word)
        if found is None:
            if len(self._vectors) >= CACHE_WORDS:
                self._vectors.clear()
            m2, m1, zero, p1, p2, lower, s = word_features(word, self.lexicon, self._english)
            vectors = [tuple(self._scores(feats)) for feats in (m2, m1, zero, p1, p2)]
            never = (
                self._starts is not None
                and word not in self._starts
                and not any(c.isupper() for c in word)
            )
            v0, v1, v2, v3, v4 = vectors
            found = (v0, v1, v2, v3, v4, lower, s, never, breaks_names(word))
            self._vectors[word] = found
        return found

    def decode(self, words: Sequence[str]) -> tuple[list[int], list[float]]:
        """Label indices for ``words`` and, per token, the probability of its label.

        Training sentences end in punctuation; a chunk that does not (a headline, a text
        without full stops, a cut in a long sentence) gets a full stop to look at after its
        last word, or a name there would be missed.
        """
        n = len(words)
        end = (PAD[2], PAD[3]) if not n or words[-1] in SENTENCE_ENDS else (".", PAD[2], PAD[3])
        cached, word = self._vectors.get, self._word
        vec = [cached(w) or word(w) for w in (PAD[0], PAD[1], *words, *end)]
        outside, start = self._outside, self.labels.start
        paths = [(0.0, start, start)]  # per kept path: total score, last two labels
        steps: list[list[tuple[int, int, float]]] = []  # per token: (path before, label, sure)
        for i in range(n):
            cur = vec[i + 2]
            if cur[8] or (cur[7] and all(outside[p[2]] for p in paths)):
                # Breaks names, or cannot start one: O, without scoring, on the best path.
                best = max(range(len(paths)), key=lambda j: paths[j][0])
                steps.append([(best, 0, 1.0)])
                paths = [(paths[best][0], paths[best][2], 0)]
            else:
                paths, step = self._extend(vec, i, paths)
                steps.append(step)
        return _backtrack(steps, max(range(len(paths)), key=lambda j: paths[j][0]))

    def _extend(
        self, vec: list[_WordScores], i: int, paths: list[tuple[float, int, int]]
    ) -> tuple[list[tuple[float, int, int]], list[tuple[int, int, float]]]:
        """Each kept path extended by its ``BEAM`` best labels for token ``i``; the ``BEAM``
        best of those, and how each was reached."""
        labels, weights, history = self.labels, self._weights, self._history
        names, width, cur = labels.names_or_start, labels.width, vec[i + 2]
        # Which labels may come next: a name ends before a token that breaks names.
        allowed = labels.ending if vec[i + 3][8] else labels.allowed
        words = [
            a + b + c + d + e
            for a, b, c, d, e in zip(
                vec[i][0], vec[i + 1][1], cur[2], vec[i + 3][3], vec[i + 4][4], strict=True
            )
        ]
        found = []
        for j, (total, p2, p1) in enumerate(paths):
            s = [a + h for a, h in zip(words, history[p2 * width + p1], strict=True)]
            for feature in pairs(vec[i + 1], cur, vec[i + 3], names[p1]):
                row = weights.get(feature)
                if row:
                    for cls, weight in row.items():
                        s[cls] += weight
            options = allowed[p1]
            for y in heapq.nlargest(BEAM, options, key=s.__getitem__):
                found.append((total + s[y], j, p1, y, s, options))
        kept = heapq.nlargest(BEAM, found, key=lambda f: f[0])
        return (
            [(total, p1, y) for total, _, p1, y, _, _ in kept],
            [(j, y, probability(s, y, options) if y else 1.0) for _, j, _, y, s, options in kept],
        )


def _backtrack(
    steps: list[list[tuple[int, int, float]]], last: int
) -> tuple[list[int], list[float]]:
    """The labels and their probabilities along the path that ends at ``steps[-1][last]``."""
    out: list[int] = []
    sure: list[float] = []
    for step in reversed(steps):
        last, label, p = step[last]
        out.append(label)
        sure.append(p)
    out.reverse()
    sure.reverse()
    return out, sure


def probability(scores: list[float], best: int, options: list[int]) -> float:
    """Softmax of the winning score among the allowed labels (a relative, uncalibrated score)."""
    top = scores[best]
    return 1.0 / sum(math.exp(scores[j] - top) for j in options)
