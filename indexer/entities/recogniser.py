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
import hashlib
import logging
import random
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from corpus.entities.model import MENTION_SOURCES, Mention
from corpus.model import Span
from indexer import analyse
from indexer.entities import rules
from indexer.entities.augment import skeleton
from indexer.entities.casing import CasingCounts, Recaser
from indexer.entities.decoder import Decoder
from indexer.entities.features import (
    OFFSETS,
    PAD,
    Labels,
    WordFeatures,
    pairs,
    shared_lexicon,
    to_bilou,
    word_features,
)
from indexer.entities.fragments import join_nationality_heads
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
from indexer.entities.parts import PartCounts
from indexer.entities.perceptron import AveragedPerceptron
from indexer.errors import ModelInvalid, ModelMissing

log = logging.getLogger(__name__)

MODEL_FILE = "entities.json.gz"  # the active model's name in $DOSSIER_HOME/models/
FORMAT = "dossier-entity-model"
FORMAT_VERSION = 1
# 2: BILOU labels; 3: capitals looked up capitalised, lines of numbers in
# training, re-casing lists in the header; 4 (never released): capitalised common words
# ("cw"); 5: cw, and the words found only inside longer names in the header ("name_parts")
FEATURE_VERSION = 5
MODEL_TYPES: tuple[str, ...] = ("PERSON", "ORGANIZATION", "LOCATION", "NORP")
# Tagging works on chunks of at most this many tokens, so one endless "sentence" stays linear.
MAX_CHUNK_TOKENS = 1000
# A word without capitals may start an entity if it did in this share of its training
# occurrences; other such words are O outside an entity (GMB's stray starts on "the", "of" and
# "," are noise: ignoring them took test F1 from 0.8211 to 0.8216 and halved the scoring).
START_SHARE = 0.01
# Share of training sentences whose names are also given in a line of numbers and punctuation
# (``augment.skeleton``), as in results tables, standings and datelines.
AUGMENT_SHARE = 0.2
# The most confidence a one-word name gets when it is a common word (``is_common_word``): the
# model is often sure of "Colleagues," opening a sentence or of "Laughter" in brackets, but a
# common word alone is rarely a name, so it stays out of facets (``FACET_CONFIDENCE``).
COMMON_WORD_CONFIDENCE = 0.5
SENTENCES_EVERY = 2_000  # training sentences between two ``on_sentences`` calls
# A model mention made only of these (or of lowercase words, or "The") names no one: GMB often
# tags a lone "Prime" or "Mr." as a person when the name after it got another type; speeches
# address "Mr. Speaker", "Madam President", "Your Excellency"; transcripts label "THE PRESIDENT:".
_TITLES = frozenset(
    "mr mrs ms dr sir president prime minister premier chancellor general gen secretary senator"
    " sen governor mayor ambassador chairman pope king queen prince sheikh deputy vice lt col"
    " colonel captain judge speaker madam madame excellency excellencies majesty highness lord"
    " lady the chief justice".split()
)


class Recogniser:
    """A trained entity model: tags token sequences and finds typed mentions in raw text."""

    def __init__(self, model: AveragedPerceptron, header: dict[str, Any]) -> None:
        self.model = model
        self.header = header
        self.types: tuple[str, ...] = tuple(header["types"])
        starts = header["features"].get("uncapitalised_starts")
        lexicon = shared_lexicon()
        self._recaser = Recaser(lexicon, header["features"].get("casing") or {})
        self._parts = frozenset(header["features"].get("name_parts") or ())
        self._decoder = Decoder(
            model, lexicon, None if starts is None else frozenset(starts), self._recaser.is_english
        )
        # What the model's output depends on besides the text: its file and the word lists.
        # None until saved or loaded: stored text layers are then neither kept nor read.
        self.digest: str | None = None

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
                words = sentence.words[first : first + MAX_CHUNK_TOKENS]
                _, sure, found = self._chunk(words)
                for entity in found:
                    span = Span(starts[first + entity.start], ends[first + entity.end - 1])
                    confidence = self._confidence(
                        words[entity.start : entity.end], sure[entity.start : entity.end]
                    )
                    yield Mention(
                        span, entity.type, _cut(text, span), "model", round(confidence, 3)
                    )

    def _confidence(self, words: Sequence[str], sure: Sequence[float]) -> float:
        """How sure the model is of a name: the mean probability of its labels over its words
        other than titles and lower-case words ("Secretary Nikolai Patrushev": where the name
        begins is less sure than that it is one), at most ``COMMON_WORD_CONFIDENCE`` for a
        common word alone."""
        core = [p for w, p in zip(words, sure, strict=True) if not _is_title(w)] or list(sure)
        confidence = sum(core) / len(core)
        if len(words) == 1 and self.is_common_word(words[0]):
            confidence = min(confidence, COMMON_WORD_CONFIDENCE)
        return confidence

    def is_common_word(self, word: str) -> bool:
        """A word the training corpus mostly writes in lower case, or a function word, and no
        gazetteer lists on its own: "Colleagues", "Government", "Applause", "Speaker". Alone,
        such a word is a name far less often than the model's scores say (see
        ``COMMON_WORD_CONFIDENCE``)."""
        lower = word.lower()
        return self._recaser.is_english(lower) and not self._recaser.listed(word)

    def _chunk(self, words: Sequence[str]) -> tuple[list[str], list[float], list[Entity]]:
        """IOB2 labels, label probabilities and entities. Words in capitals are re-cased first
        (``casing.Recaser``: "NORWAY BEAT JAPAN" is read as "Norway beat Japan"); names made
        only of titles ("Mr.") or of a word found only inside longer names ("States", ``parts``)
        are dropped, punctuation at a name's edges ("Vladimir
        Putin (", "Government –") is left out of it, and a nationality before a lone generic
        word is one name with it ("Russian Federation", ``join_nationality_heads``)."""
        words = self._recaser.recase(words)
        found, sure = self._decoder.decode(words)
        iob2 = self._decoder.labels.iob2
        labels = [iob2[i] for i in found]
        kept: list[Entity] = []
        if not any(found):
            return labels, sure, kept
        opening = next((i for i, w in enumerate(words) if any(c.isalpha() for c in w)), 0)
        for entity in join_nationality_heads(entities(labels), words, self._decoder.lexicon):
            start, end = entity.start, entity.end
            labels[start:end] = [f"B-{entity.type}"] + [f"I-{entity.type}"] * (end - start - 1)
            while start < end and _is_punctuation(words[start]):
                start += 1
            while end > start and _is_punctuation(words[end - 1]):
                end -= 1
            if (
                start == end
                or all(_is_title(w) for w in words[start:end])
                or self._is_name_part(words, start, end)
                or self._is_plain_word(words, start, end, start <= opening)
            ):
                labels[entity.start : entity.end] = ["O"] * (entity.end - entity.start)
                continue
            if (start, end) != (entity.start, entity.end):
                labels[entity.start : entity.end] = ["O"] * (entity.end - entity.start)
                labels[start:end] = [f"B-{entity.type}"] + [f"I-{entity.type}"] * (end - start - 1)
                entity = Entity(start, end, entity.type)
            kept.append(entity)
        return labels, sure, kept

    def _is_name_part(self, words: Sequence[str], start: int, end: int) -> bool:
        """One word (after "The") that the training corpus has only inside longer names:
        "States" alone, "the Union", "The Ministry" (``parts``)."""
        if end - start == 2 and words[start] in ("The", "the"):
            start += 1
        return end - start == 1 and words[start] in self._parts

    def _is_plain_word(self, words: Sequence[str], start: int, end: int, opens: bool) -> bool:
        """Words the model took for a name that name no one:

        - a function word alone ("We", "Nor", "It"; "We" of "We 're" came out as NORP);
        - an English word that no gazetteer lists, alone in its sentence (a transcript's
          "(Applause.)", "(Laughter.)");
        - one word that the training corpus writes in lower case most of the time (where it
          stands: "Town" after a name is not, ``Recaser.usually_lower``): a speech's "the
          Union", "the Nation", "the Government" (GMB dev F1 0.8321 -> 0.8316, 40 fewer
          mentions, half of them wrong);
        - at the start of a line (``opens``: nothing but numbers and punctuation before it),
          such words however many: a table's label or a heading ("Standings:", "10:00
          Meeting with ...", "Finance: Anna Berg") is capitalised because it opens the line,
          as the first word of a sentence is.

        An all-capitals word ("US", "IT") alone is kept."""
        word = words[start]
        lower = word.lower()
        lexicon = self._decoder.lexicon
        if end - start == 1:
            if len(word) > 1 and word.isupper():
                return False
            if lower in lexicon.function:
                return True
            alone = not any(c.isalnum() for i, w in enumerate(words) if i != start for c in w)
            if alone and lower in lexicon.common and word not in lexicon.kinds:
                return True
        return (opens or end - start == 1) and self._recaser.usually_lower(words, start, end)

    def save(self, path: str | Path) -> Path:
        """Write the model as JSON (gzip'd when the name ends in ``.gz``), atomically."""
        saved = self.model.save(path, self.header)
        self.digest = _digest(saved)
        return saved

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
        loaded = cls(model, header)
        loaded.digest = _digest(path)
        return loaded


def _digest(path: Path) -> str:
    """The model's identity for stored text layers (``layers.layer_key``)."""
    found = hashlib.sha256(path.read_bytes())
    found.update(shared_lexicon().sha256.encode())
    return found.hexdigest()[:32]


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
    parts = features.get("name_parts")
    if not isinstance(parts, list) or not all(isinstance(w, str) for w in parts):
        raise ModelInvalid(
            f'"{path}" has a damaged or missing list of words found only inside names. '
            'Retrain it with "dossier entities train --corpus FILE".'
        )


def train(
    corpus_path: str | Path,
    *,
    passes: int = 5,
    seed: int = 0,
    type_map: Mapping[str, str] = GMB_TYPE_MAP,
    max_tokens: int | None = None,
    augment: float = AUGMENT_SHARE,
    progress: Callable[[int, int, float], None] | None = None,
    on_sentences: Callable[[int, int], None] | None = None,
) -> Recogniser:
    """Train a recogniser on an IOB2 file (types renamed by ``type_map``, others dropped).

    ``max_tokens`` keeps only the first sentences up to that many tokens (for quick models);
    ``progress(pass, passes, accuracy)`` is called after each pass, and
    ``on_sentences(done, total)`` every ``SENTENCES_EVERY`` sentences and at the end of each
    pass, counted over all passes (a pass takes tens of seconds on a large corpus, so a caller
    can tell how long the rest will take). Deterministic for a seed.
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
    sentences: list[tuple[Sequence[str], Sequence[str]]] = []
    casing = CasingCounts()
    parts = PartCounts()
    for sentence in read_iob(corpus_path):
        if max_tokens is not None and n_tokens + len(sentence.words) > max_tokens:
            break
        n_tokens += len(sentence.words)
        casing.add(sentence.words)
        tags = map_tags(sentence.tags, type_map)
        bilou = to_bilou(tags)
        parts.add(sentence.words, bilou)
        for w, t in zip(sentence.words, bilou, strict=True):
            if not any(c.isupper() for c in w):
                uncapitalised[w] += 1
                began[w] += t[:2] in ("B-", "U-")
        sentences.append((sentence.words, tags))
    rng = random.Random(seed)
    for original, gold_tags in sentences[:] if augment else ():
        extra = skeleton(original, gold_tags, rng) if rng.random() < augment else None
        if extra:
            sentences.append(extra)
    english = Recaser(lexicon, casing.lists()).is_english
    for line, line_tags in sentences:
        padded = (PAD[0], PAD[1], *line, PAD[2], PAD[3])
        gold = [index[t] for t in to_bilou(line_tags)]
        data.append(
            (
                [
                    cache.get(w) or cache.setdefault(w, word_features(w, lexicon, english))
                    for w in padded
                ],
                gold,
            )
        )
    model = AveragedPerceptron(labels.names)
    accuracy = _train_passes(model, labels, data, passes, rng, progress, on_sentences)
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
        "augment": augment,
        "seed": seed,
        "types": list(types),
        "type_map": dict(type_map),
        "features": {
            "version": FEATURE_VERSION,
            "offsets": list(OFFSETS),
            "labels": "BILOU",
            "lexicon_sha256": lexicon.sha256,
            "casing": casing.lists(),
            "uncapitalised_starts": sorted(
                w for w, n in began.items() if n and n >= START_SHARE * uncapitalised[w]
            ),
            "name_parts": parts.name_parts(lexicon, casing),
        },
        "training_accuracy": accuracy,
    }
    return Recogniser(model, header)


def _train_passes(
    model: AveragedPerceptron,
    labels: Labels,
    data: list[tuple[list[WordFeatures], list[int]]],
    passes: int,
    rng: random.Random,
    progress: Callable[[int, int, float], None] | None,
    on_sentences: Callable[[int, int], None] | None,
) -> list[float]:
    """Train ``model`` on ``data`` ``passes`` times, shuffled each time; each pass's accuracy
    (see ``train`` for the callbacks)."""
    accuracy: list[float] = []
    tokens = max(sum(len(gold) for _, gold in data), 1)
    total = passes * len(data)
    for n in range(passes):
        rng.shuffle(data)
        right = 0
        for i, sentence in enumerate(data, start=1):
            right += _train_sentence(model, labels, *sentence)
            if on_sentences and i % SENTENCES_EVERY == 0 and i < len(data):
                on_sentences(n * len(data) + i, total)
        accuracy.append(round(right / tokens, 5))
        if progress:
            progress(n + 1, passes, accuracy[-1])
        if on_sentences:
            on_sentences((n + 1) * len(data), total)
    return accuracy


def _train_sentence(
    model: AveragedPerceptron, labels: Labels, words: list[WordFeatures], gold: list[int]
) -> int:
    """One greedy pass over a padded sentence, learning from each token; returns # right.

    The guess may be any label, even one the decoder would not allow after the previous one
    (I-PERSON after O): the perceptron is then corrected for it too, and learns from the label
    history what may follow what. Choosing only among the allowed labels, as the decoder
    does, left those scores untrained: GMB dev F1 0.835 against 0.846 this way (test 0.824,
    0.837). Nor does training cut names where the decoder does (``breaks_names``): dev F1
    0.827 with the cut, 0.831 without, before the lines of numbers were added."""
    history, width, names = labels.history, labels.width, labels.names_or_start
    p2 = p1 = labels.start
    right = 0
    for i, truth in enumerate(gold):
        cur = words[i + 2]
        features = (
            words[i][0] + words[i + 1][1] + cur[2] + words[i + 3][3] + words[i + 4][4]
            + history[p2 * width + p1] + pairs(words[i + 1], cur, words[i + 3], names[p1])
        )  # fmt: skip
        guess = model.predict(features)
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


def _is_punctuation(word: str) -> bool:
    """A token with no letter or digit, other than a full stop (which may end "U.S.")."""
    return word != "." and not any(c.isalnum() for c in word)


def _is_title(word: str) -> bool:
    """A lowercase word, a title or form of address ("Mr.", "Speaker", "Presidents"), "the",
    or a Roman numeral ("II" of "World War II" alone)."""
    lower = word.lower().rstrip(".")
    return (
        word.islower()
        or lower in _TITLES
        or (lower[-1:] == "s" and lower[:-1] in _TITLES)
        or (word.isupper() and not word.strip("IVX"))
    )


def _cut(text: str, span: Span) -> str:
    return text[span.start : span.end]
