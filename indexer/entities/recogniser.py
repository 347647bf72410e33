"""Typed entity recognition: a greedy left-to-right averaged-perceptron tagger over BILOU labels.

A token's features are (1) properties of one word seen from a fixed offset (the token itself or
a neighbour up to two places away: lowercase form, shape, affixes, gazetteer lists), (2) pairs
of neighbouring words and shapes, and (3) the two previous labels. Features of kind (1) are
computed once per distinct word and, at run time, folded into one score vector per (word,
offset), so tagging a token costs five vector additions, a handful of lookups for kinds (2) and
(3), and an argmax over the labels that may follow the previous one. Labels are BILOU (an
entity's last token is L-, a one-token entity U-), which scored 1 point of F1 above IOB2 on the
GMB dev set; everything outside this module sees IOB2. The features and the labels are defined
in ``features.py``.
"""

from __future__ import annotations

import functools
import logging
import math
import random
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from corpus.entities.model import MENTION_SOURCES, Mention
from corpus.model import Span
from indexer import analyse
from indexer.entities import rules
from indexer.entities.features import (
    OFFSETS,
    PAD,
    Labels,
    Lexicon,
    WordFeatures,
    pairs,
    shared_lexicon,
    to_bilou,
    word_features,
)
from indexer.entities.iob import (
    GMB_TYPE_MAP,
    Entity,
    Scores,
    entities,
    file_sha256,
    map_tags,
    read_iob,
    score,
)
from indexer.entities.perceptron import AveragedPerceptron
from indexer.errors import ModelInvalid, ModelMissing

log = logging.getLogger(__name__)

MODEL_FILE = "entities.json.gz"  # the active model's name in $DOSSIER_HOME/models/
FORMAT = "dossier-entity-model"
FORMAT_VERSION = 1
FEATURE_VERSION = 2  # 2: BILOU labels
MODEL_TYPES: tuple[str, ...] = ("PERSON", "ORGANIZATION", "LOCATION", "NORP")
# Tagging works on chunks of at most this many tokens, so one endless "sentence" stays linear.
MAX_CHUNK_TOKENS = 1000
# A word without capitals may start an entity if it did in this share of its training
# occurrences; other such words are O outside an entity (GMB's stray starts on "the", "of" and
# "," are noise: ignoring them took test F1 from 0.8211 to 0.8216 and halved the scoring).
START_SHARE = 0.01
# Distinct words whose score vectors a decoder keeps (~3.3 KB each, so ~165 MB at most).
_CACHE_WORDS = 50_000
# A model mention made only of these (or of lowercase words) names no one: GMB often tags a
# lone "Prime" or "Mr." as a person when the name after it got another type.
_TITLES = frozenset(
    "mr mrs ms dr sir president prime minister premier chancellor general gen secretary senator"
    " sen governor mayor ambassador chairman pope king queen prince sheikh deputy vice lt col"
    " colonel captain judge".split()
)
_SENTENCE_ENDS = frozenset(".!?;:\"')\u201d\u2019\u2026") | {"''", "..."}

# The decoder's per-word cache: score vectors, lowercase, shape, and "cannot start an entity".
# Tuples, not lists: the garbage collector stops tracking a tuple of floats, so a large cache
# costs nothing at each collection (lists made analysis ~5% slower).
_Vector = tuple[float, ...]
_WordScores = tuple[_Vector, _Vector, _Vector, _Vector, _Vector, str, str, bool]


class _Decoder:
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
            if len(self._vectors) >= _CACHE_WORDS:
                self._vectors.clear()
            m2, m1, zero, p1, p2, lower, s = word_features(word, self.lexicon)
            vectors = [tuple(self._scores(feats)) for feats in (m2, m1, zero, p1, p2)]
            never = (
                self._starts is not None
                and word not in self._starts
                and not any(c.isupper() for c in word)
            )
            v0, v1, v2, v3, v4 = vectors
            found = (v0, v1, v2, v3, v4, lower, s, never)
            self._vectors[word] = found
        return found

    def decode(self, words: Sequence[str]) -> tuple[list[int], list[float]]:
        """Label indices for ``words`` and, per token, the probability of its label.

        Training sentences end in punctuation; a chunk that does not (a headline, a text
        without full stops, a cut in a long sentence) gets a full stop to look at after its
        last word, or a name there would be missed.
        """
        n = len(words)
        end = (PAD[2], PAD[3]) if not n or words[-1] in _SENTENCE_ENDS else (".", PAD[2], PAD[3])
        cached, word = self._vectors.get, self._word
        vec = [cached(w) or word(w) for w in (PAD[0], PAD[1], *words, *end)]
        labels, weights, history = self.labels, self._weights, self._history
        allowed, names, width = labels.allowed, labels.names_or_start, labels.width
        outside = self._outside
        p2 = p1 = labels.start
        out: list[int] = []
        sure: list[float] = []
        for i in range(n):
            cur = vec[i + 2]
            if cur[7] and outside[p1]:  # cannot start an entity: O, without scoring
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
            options = allowed[p1]
            best = max(options, key=s.__getitem__)
            out.append(best)
            sure.append(_probability(s, best, options) if best else 1.0)
            p2, p1 = p1, best
        return out, sure


def _probability(scores: list[float], best: int, options: list[int]) -> float:
    """Softmax of the winning score among the allowed labels (a relative, uncalibrated score)."""
    top = scores[best]
    return 1.0 / sum(math.exp(scores[j] - top) for j in options)


class Recogniser:
    """A trained entity model: tags token sequences and finds typed mentions in raw text."""

    def __init__(self, model: AveragedPerceptron, header: dict[str, Any]) -> None:
        self.model = model
        self.header = header
        self.types: tuple[str, ...] = tuple(header["types"])
        starts = header["features"].get("uncapitalised_starts")
        self._decoder = _Decoder(
            model, shared_lexicon(), None if starts is None else frozenset(starts)
        )

    def tag(self, words: Sequence[str]) -> list[str]:
        """IOB2 labels for one tokenized sentence, exactly as ``recognise`` finds them."""
        return self.tag_with_confidence(words)[0]

    def tag_with_confidence(self, words: Sequence[str]) -> tuple[list[str], list[float]]:
        """IOB2 labels and, per token, the probability the model gives its label."""
        labels: list[str] = []
        sure: list[float] = []
        for start in range(0, len(words), MAX_CHUNK_TOKENS):
            more, more_sure, _ = self._chunk(words[start : start + MAX_CHUNK_TOKENS])
            labels += more
            sure += more_sure
        return labels, sure

    def recognise(
        self, text: str, sentences: Sequence[analyse.TokenizedSentence] | None = None
    ) -> list[Mention]:
        """Typed mentions in ``text`` from the model and the rules, overlaps merged.

        ``sentences`` (``analyse.tokenize(text)``) saves tokenizing twice when the caller
        already has them.
        """
        if sentences is None:
            sentences = analyse.tokenize(text)
        found = list(self._model_mentions(text, sentences))
        for match in rules.find(text):
            found.append(Mention(match.span, match.type, _cut(text, match.span), "rule", 1.0))
        return merge(found)

    def _model_mentions(
        self, text: str, sentences: Sequence[analyse.TokenizedSentence]
    ) -> Iterator[Mention]:
        for sentence in sentences:
            starts, ends = sentence.starts, sentence.ends
            for first in range(0, len(starts), MAX_CHUNK_TOKENS):
                _, sure, found = self._chunk(sentence.words[first : first + MAX_CHUNK_TOKENS])
                for entity in found:
                    span = Span(starts[first + entity.start], ends[first + entity.end - 1])
                    confidence = sum(sure[entity.start : entity.end]) / (entity.end - entity.start)
                    yield Mention(
                        span, entity.type, _cut(text, span), "model", round(confidence, 3)
                    )

    def _chunk(self, words: Sequence[str]) -> tuple[list[str], list[float], list[Entity]]:
        """IOB2 labels, label probabilities and entities; names made only of titles ("Mr.")
        are dropped, and punctuation at a name's edges ("Vladimir Putin (", "Government –")
        is left out of it. A sentence in capitals (a heading: "STATE OF THE UNION ADDRESS")
        gets no names from the model, whose case features say nothing there (on uspres most
        of what it found in them was "ECONOMY", "BALANCE" or the whole heading); the registry
        and the rules still read it."""
        if _in_capitals(words):
            return ["O"] * len(words), [1.0] * len(words), []
        found, sure = self._decoder.decode(words)
        iob2 = self._decoder.labels.iob2
        labels = [iob2[i] for i in found]
        kept = []
        for entity in entities(labels) if any(found) else ():
            start, end = entity.start, entity.end
            while start < end and _is_punctuation(words[start]):
                start += 1
            while end > start and _is_punctuation(words[end - 1]):
                end -= 1
            if (
                start == end
                or all(_is_title(w) for w in words[start:end])
                or (end - start == 1 and self._is_plain_word(words, start))
            ):
                labels[entity.start : entity.end] = ["O"] * (entity.end - entity.start)
                continue
            if (start, end) != (entity.start, entity.end):
                labels[entity.start : entity.end] = ["O"] * (entity.end - entity.start)
                labels[start:end] = [f"B-{entity.type}"] + [f"I-{entity.type}"] * (end - start - 1)
                entity = Entity(start, end, entity.type)
            kept.append(entity)
        return labels, sure, kept

    def _is_plain_word(self, words: Sequence[str], at: int) -> bool:
        """A one-word name that is a function word ("We", "Nor", "It"), or an English word
        that no gazetteer lists and that is the whole sentence (a transcript's "(Applause.)",
        "(Laughter.)"): not a name. An all-capitals word ("US", "IT") is kept."""
        word = words[at]
        if len(word) > 1 and word.isupper():
            return False
        lower = word.lower()
        if lower in _function_words():
            return True
        alone = not any(c.isalnum() for i, w in enumerate(words) if i != at for c in w)
        lexicon = self._decoder.lexicon
        return alone and lower in lexicon.common and word not in lexicon.kinds

    def save(self, path: str | Path) -> Path:
        """Write the model as JSON (gzip'd when the name ends in ``.gz``), atomically."""
        return self.model.save(path, self.header)

    @classmethod
    def load(cls, path: str | Path) -> Recogniser:
        """Read a model written by ``save``; raises ``ModelMissing`` or ``ModelInvalid``."""
        path = Path(path)
        if not path.is_file():
            raise ModelMissing(
                f'No entity model at "{path}". Train one with "dossier entities train --corpus '
                'FILE" (an IOB2 file such as gmb.train.tsv).'
            )
        try:
            model, header = AveragedPerceptron.load(path, functools.partial(_check_header, path))
        except (OSError, ValueError) as exc:
            raise ModelInvalid(
                f'"{path}" is not a readable Dossier entity model ({exc}). Delete it and train a '
                'new one with "dossier entities train --corpus FILE".'
            ) from exc
        return cls(model, header)


def _check_header(path: Path, header: dict[str, Any]) -> None:
    features = header.get("features")
    if not isinstance(features, dict):
        features = {}
    got = (header.get("format"), header.get("format_version"), features.get("version"))
    if got != (FORMAT, FORMAT_VERSION, FEATURE_VERSION):
        raise ModelInvalid(
            f'"{path}" is a model of format {got[0]!r} version {got[1]!r} with features '
            f"version {got[2]!r}; this Dossier reads {FORMAT!r} {FORMAT_VERSION} with features "
            f'{FEATURE_VERSION}. Retrain it with "dossier entities train --corpus FILE".'
        )
    types = header.get("types")
    if not isinstance(types, list) or not types or not set(types) <= set(MODEL_TYPES):
        raise ModelInvalid(
            f'"{path}" declares entity types {types!r}; expected some of {list(MODEL_TYPES)}. '
            'Retrain it with "dossier entities train --corpus FILE".'
        )
    if features.get("lexicon_sha256") != shared_lexicon().sha256:
        log.warning("%s was trained with other NLTK word lists; retrain it for best results", path)
    starts = features.get("uncapitalised_starts")
    if starts is None:
        log.warning(
            "%s predates the record of which words may start an entity, so every token is "
            'scored; retrain it ("dossier entities train") for about twice the speed',
            path,
        )
    elif not isinstance(starts, list) or not all(isinstance(w, str) for w in starts):
        raise ModelInvalid(
            f'"{path}" has a damaged list of words that start entities. Retrain it with '
            '"dossier entities train --corpus FILE".'
        )


def train(
    corpus_path: str | Path,
    *,
    passes: int = 5,
    seed: int = 0,
    type_map: Mapping[str, str] = GMB_TYPE_MAP,
    max_tokens: int | None = None,
    progress: Callable[[int, int, float], None] | None = None,
) -> Recogniser:
    """Train a recogniser on an IOB2 file (types renamed by ``type_map``, others dropped).

    ``max_tokens`` keeps only the first sentences up to that many tokens (for quick models);
    ``progress(pass, passes, accuracy)`` is called after each pass. Deterministic for a seed.
    Raises ``IobCorpusInvalid`` for a bad file and ``ValueError`` for a map with no known type.
    """
    types = tuple(t for t in MODEL_TYPES if t in type_map.values())
    if not types:
        raise ValueError(
            f"The type map {dict(type_map)} names none of {', '.join(MODEL_TYPES)}: map the "
            "corpus's types onto them, e.g. PER=PERSON,GEO=LOCATION."
        )
    labels = Labels.for_types(types)
    index = {label: i for i, label in enumerate(labels.names)}
    lexicon = shared_lexicon()
    cache: dict[str, WordFeatures] = {}
    data = []
    n_tokens = 0
    uncapitalised: Counter[str] = Counter()  # words without a capital: occurrences
    began: Counter[str] = Counter()  # ... and how many of them begin an entity
    for sentence in read_iob(corpus_path):
        if max_tokens is not None and n_tokens + len(sentence.words) > max_tokens:
            break
        n_tokens += len(sentence.words)
        padded = (PAD[0], PAD[1], *sentence.words, PAD[2], PAD[3])
        bilou = to_bilou(map_tags(sentence.tags, type_map))
        gold = [index[t] for t in bilou]
        for w, t in zip(sentence.words, bilou, strict=True):
            if not any(c.isupper() for c in w):
                uncapitalised[w] += 1
                began[w] += t[:2] in ("B-", "U-")
        words = [cache.get(w) or cache.setdefault(w, word_features(w, lexicon)) for w in padded]
        data.append((words, gold))
    model = AveragedPerceptron(labels.names)
    accuracy = []
    rng = random.Random(seed)
    for n in range(passes):
        rng.shuffle(data)
        right = sum(_train_sentence(model, labels, words, gold) for words, gold in data)
        accuracy.append(round(right / max(n_tokens, 1), 5))
        if progress:
            progress(n + 1, passes, accuracy[-1])
    model.average()
    header = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "corpus": {
            "name": Path(corpus_path).name,
            "sha256": file_sha256(corpus_path),
            "sentences": len(data),
            "tokens": n_tokens,
        },
        "passes": passes,
        "seed": seed,
        "types": list(types),
        "type_map": dict(type_map),
        "features": {
            "version": FEATURE_VERSION,
            "offsets": list(OFFSETS),
            "labels": "BILOU",
            "lexicon_sha256": lexicon.sha256,
            "uncapitalised_starts": sorted(
                w for w, n in began.items() if n and n >= START_SHARE * uncapitalised[w]
            ),
        },
        "training_accuracy": accuracy,
    }
    return Recogniser(model, header)


def _train_sentence(
    model: AveragedPerceptron, labels: Labels, words: list[WordFeatures], gold: list[int]
) -> int:
    """One greedy pass over a padded sentence, learning from each token; returns # right."""
    history, width, names, allowed = (
        labels.history,
        labels.width,
        labels.names_or_start,
        labels.allowed,
    )
    p2 = p1 = labels.start
    right = 0
    for i, truth in enumerate(gold):
        cur = words[i + 2]
        features = (
            words[i][0] + words[i + 1][1] + cur[2] + words[i + 3][3] + words[i + 4][4]
            + history[p2 * width + p1] + pairs(words[i + 1], cur, words[i + 3], names[p1])
        )  # fmt: skip
        guess = model.predict(features, allowed[p1])
        model.update(truth, guess, features)
        right += guess == truth
        p2, p1 = p1, guess
    return right


def evaluate(
    recogniser: Recogniser, corpus_path: str | Path, type_map: Mapping[str, str] | None = None
) -> Scores:
    """Entity-level exact-match scores of the model on an IOB2 file's own tokens.

    Gold types are renamed by ``type_map`` (unnamed ones dropped; ``None`` keeps them); types
    the model does not produce are left out of the scores and listed in ``ignored_types``.
    """
    gold, predicted = [], []
    for sentence in read_iob(corpus_path):
        gold.append(map_tags(sentence.tags, type_map))
        predicted.append(recogniser.tag(sentence.words))
    return score(gold, predicted, types=recogniser.types)


def merge(mentions: Iterable[Mention]) -> list[Mention]:
    """Non-overlapping mentions in text order. Who wins an overlap:

    1. a rule's DATE/MONEY/PERCENT beats any other source's mention of those types it overlaps;
    2. otherwise the longest span wins, then the leftmost, then the more trusted source
       (``MENTION_SOURCES``: analyst, registry, rule, model), then the type name.
    """
    mentions = list(mentions)
    dated = rules.resolve_overlaps(
        [m for m in mentions if m.type in rules.RULE_TYPES],
        lambda m: (m.source != "rule", -len(m.span), m.span.start, m.type),
    )
    kept = rules.resolve_overlaps(
        dated + [m for m in mentions if m.type not in rules.RULE_TYPES],
        lambda m: (-len(m.span), m.span.start, MENTION_SOURCES.index(m.source), m.type),
    )
    return sorted(kept, key=lambda m: (m.span, m.type))


def _in_capitals(words: Sequence[str]) -> bool:
    """True for a run of words whose letters (four or more) are all capitals."""
    letters = 0
    for word in words:
        for ch in word:
            if ch.isalpha():
                if not ch.isupper():
                    return False
                letters += 1
    return letters >= 4


@functools.cache
def _function_words() -> frozenset[str]:
    """NLTK's English stop words: pronouns, articles, conjunctions, ..."""
    return frozenset(w.lower() for w in analyse.word_list("stopwords", "english"))


def _is_punctuation(word: str) -> bool:
    """A token with no letter or digit, other than a full stop (which may end "U.S.")."""
    return word != "." and not any(c.isalnum() for c in word)


def _is_title(word: str) -> bool:
    return word.islower() or word.lower().rstrip(".") in _TITLES


def _cut(text: str, span: Span) -> str:
    return text[span.start : span.end]
