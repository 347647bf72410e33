"""Decoding a sentence with the trained perceptron: greedy, left to right, over BILOU labels.

Per distinct word, the five offset feature sets are folded into five score vectors once and
cached, so a token costs five vector additions, six pair lookups and an argmax over the labels
that may follow the previous one. Two constraints shape what may come out:

- a label must be allowed after the previous one (inside a name only I- or L- of its type);
- a token that breaks names (``features.breaks_names``: numbers, brackets, colons, dashes,
  contractions, the sentence end) is O, and the token before it may not be B- or I-: the name
  ends there. Without this look-ahead the greedy decoder, which cannot undo a label, ran a name
  over the numbers of a results line ("Anna Berg 72 70 68 - 210" as one person).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

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
SENTENCE_ENDS = frozenset(".!?;:\"')\u201d\u2019\u2026") | {"''", "..."}

# The decoder's per-word cache: score vectors, lowercase, shape, "cannot start an entity" and
# "breaks names". Tuples, not lists: the garbage collector stops tracking a tuple of floats, so
# a large cache costs nothing at each collection (lists made analysis ~5% slower).
_Vector = tuple[float, ...]
_WordScores = tuple[_Vector, _Vector, _Vector, _Vector, _Vector, str, str, bool, bool]


class Decoder:
    """Greedy BILOU-constrained decoding; per-word score vectors are cached across calls.

    With ``starts`` (the model's ``uncapitalised_starts``), a token outside an entity whose
    word has no capital letter and (almost) never began an entity in training is labelled O
    without scoring: about 85% of news tokens, and what the model gave them was mostly noise.
    """

    def __init__(
        self, model: AveragedPerceptron, lexicon: Lexicon, starts: frozenset[str] | None
    ) -> None:
        self.labels = Labels(model.classes)
        self._weights = model.weights
        self._scores = model.scores
        self.lexicon = lexicon
        self._starts = starts
        self._history = [model.scores(feats) for feats in self.labels.history]
        # Per previous label: True where the next token may be O (outside an entity).
        self._outside = [n[:2] not in ("B-", "I-") for n in self.labels.names_or_start]
        self._vectors: dict[str, _WordScores] = {}

    def _word(self, word: str) -> _WordScores:
        found = self._vectors.get(word)
        if found is None:
            if len(self._vectors) >= CACHE_WORDS:
                self._vectors.clear()
            m2, m1, zero, p1, p2, lower, s = word_features(word, self.lexicon)
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
        labels, weights, history, outside = self.labels, self._weights, self._history, self._outside
        allowed, ending, names, width = (
            labels.allowed,
            labels.ending,
            labels.names_or_start,
            labels.width,
        )
        p2 = p1 = labels.start
        out: list[int] = []
        sure: list[float] = []
        for i in range(n):
            cur = vec[i + 2]
            if cur[8] or (cur[7] and outside[p1]):  # breaks names, or cannot start one: O
                out.append(0)
                sure.append(1.0)
                p2, p1 = p1, 0
                continue
            s = [
                a + b + c + d + e + h
                for a, b, c, d, e, h in zip(
                    vec[i][0], vec[i + 1][1], cur[2], vec[i + 3][3], vec[i + 4][4],
                    history[p2 * width + p1], strict=True,
                )
            ]  # fmt: skip
            for feature in pairs(vec[i + 1], cur, vec[i + 3], names[p1]):
                row = weights.get(feature)
                if row:
                    for cls, weight in row.items():
                        s[cls] += weight
            options = ending[p1] if vec[i + 3][8] else allowed[p1]
            best = max(options, key=s.__getitem__)
            out.append(best)
            sure.append(probability(s, best, options) if best else 1.0)
            p2, p1 = p1, best
        return out, sure


def probability(scores: list[float], best: int, options: list[int]) -> float:
    """Softmax of the winning score among the allowed labels (a relative, uncalibrated score)."""
    top = scores[best]
    return 1.0 / sum(math.exp(scores[j] - top) for j in options)
