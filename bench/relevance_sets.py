"""The relevance collection and its known-item query sets, built from ../shared/data/bench.

Nothing here is judged by hand: each query is made from one document's own text (or title), and
the documents relevant to it are that document and any other holding the same passage (or,
for titles, the same title). Every choice is seeded, so the sets are the same on every run;
queries alternate between a ``dev`` half (for choosing parameters) and a ``test`` half (for
reporting). docs/QUALITY.md describes the construction for readers.

Collection: every kremlin document, every uspres address and every fifth UN General Debate
statement (long texts next to short ones, so length normalisation matters). The titles of
half of the kremlin documents (chosen by a hash of the id) are withheld, as from a source that
gives none: the ``title`` set asks for those documents by their withheld titles.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import os
import random
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bench.sources import SHARED_DATA

BENCH = SHARED_DATA / "bench"
NLTK_DATA = Path(os.environ.get("NLTK_DATA", SHARED_DATA.parent / "nltk_data"))
SEED = 12
PER_SET = 200  # queries per set, half dev and half test
_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
OPERATORS = {"AND", "OR", "NOT"}


@dataclass(frozen=True)
class Doc:
    id: str
    title: str  # "" when withheld
    text: str
    record: dict  # the JSONL record Dossier ingests (title removed when withheld)


@dataclass(frozen=True)
class KnownItem:
    """A query and the ids of the documents relevant to it."""

    set: str
    split: str
    words: tuple[str, ...]  # the query's words, as typed
    relevant: frozenset[str]


def _hashed(doc_id: str) -> int:
    return int(hashlib.sha256(doc_id.encode()).hexdigest()[:8], 16)


def is_title_withheld(doc_id: str) -> bool:
    """Half of the kremlin documents lose their title (the ``title`` set's documents)."""
    return doc_id.startswith("kremlin-") and _hashed(doc_id) % 2 == 0


def _records() -> Iterator[dict]:
    for name in ("kremlin", "uspres", "ungdc"):
        with gzip.open(BENCH / f"{name}.jsonl.gz", "rt", encoding="utf-8") as fh:
            for n, line in enumerate(fh):
                if line.strip() and (name != "ungdc" or n % 5 == 0):
                    yield json.loads(line)


def load_collection() -> tuple[list[Doc], dict[str, str]]:
    """The documents, and the withheld titles by document id."""
    docs, withheld = [], {}
    for record in _records():
        title = record.get("title") or ""
        if is_title_withheld(record["id"]) and title:
            withheld[record["id"]] = title
            record = {k: v for k, v in record.items() if k != "title"}
            title = ""
        docs.append(Doc(record["id"], title, record["text"], record))
    return docs, withheld


def words_of(text: str) -> list[str]:
    return _WORD.findall(text)


def _stopwords() -> frozenset[str]:
    """NLTK's English list: what counts as a content word when picking a query's words (the
    engine has its own, shorter list; this one only shapes the queries)."""
    path = NLTK_DATA / "corpora" / "stopwords" / "english"
    return frozenset(path.read_text().split())


def _typed(words: list[str]) -> tuple[str, ...]:
    """Words as a user would type them into the search box: no operators."""
    return tuple(w.lower() if w in OPERATORS else w for w in words)


class _Builder:
    def __init__(self, docs: list[Doc], withheld: dict[str, str]) -> None:
        self.docs = docs
        self.withheld = withheld
        self.stop = _stopwords()
        self.df: Counter[str] = Counter()
        for doc in docs:
            self.df.update({w.lower() for w in words_of(doc.title + "\n" + doc.text)})
        self.rng = random.Random(SEED)

    def _relevant(self, doc: Doc, passage: str) -> frozenset[str]:
        return frozenset([doc.id] + [d.id for d in self.docs if d is not doc and passage in d.text])

    def _content(self, word: str) -> bool:
        low = word.lower()
        return len(low) > 2 and low not in self.stop and not low.isdigit()

    def _sentences(self, lo: int, hi: int) -> Iterator[tuple[Doc, str]]:
        while True:
            doc = self.rng.choice(self.docs)
            candidates = [
                s.strip()
                for s in _SENTENCE_END.split(doc.text)
                if lo <= len(words_of(s)) <= hi and not s.isupper()
            ]
            if candidates:
                yield doc, self.rng.choice(candidates)

    def rare_words(self) -> Iterator[tuple[tuple[str, ...], frozenset[str]]]:
        """A sentence's four rarest content words that are not unique to the document."""
        for doc, sentence in self._sentences(12, 40):
            words = [w for w in dict.fromkeys(words_of(sentence)) if self._content(w)]
            words = [w for w in words if self.df[w.lower()] >= 2]
            if len(words) >= 4:
                rarest = set(sorted(words, key=lambda w: (self.df[w.lower()], w))[:4])
                yield (
                    _typed([w.lower() for w in words if w in rarest]),
                    self._relevant(doc, sentence),
                )

    def sentence(self) -> Iterator[tuple[tuple[str, ...], frozenset[str]]]:
        """A whole sentence, each content word replaced (p = 0.25) by a word of a random other
        document: a quote remembered imperfectly, as a question-length query."""
        for doc, sentence in self._sentences(10, 30):
            words = words_of(sentence)
            out = []
            for word in words:
                if self._content(word) and self.rng.random() < 0.25:
                    other = words_of(self.rng.choice(self.docs).text[:2000]) or [word]
                    word = self.rng.choice(other)
                out.append(word)
            yield _typed(out), self._relevant(doc, sentence)

    def title(self) -> Iterator[tuple[tuple[str, ...], frozenset[str]]]:
        """A withheld title (four words or more) asks for its document's body."""
        by_title: dict[str, list[str]] = {}
        for doc_id, title in self.withheld.items():
            by_title.setdefault(title, []).append(doc_id)
        titled = sorted(self.withheld.items())
        while True:
            doc_id, title = self.rng.choice(titled)
            words = words_of(title)
            if len(words) >= 4:
                yield _typed(words), frozenset(by_title[title])

    def paragraph(self) -> Iterator[tuple[tuple[str, ...], frozenset[str]]]:
        """A paragraph of 150 to 300 words (over 1,000 characters) asks for its document."""
        while True:
            doc = self.rng.choice(self.docs)
            paragraphs = [p.strip() for p in doc.text.split("\n") if 150 <= len(words_of(p)) <= 300]
            if paragraphs:
                paragraph = self.rng.choice(paragraphs)
                yield _typed(words_of(paragraph)), self._relevant(doc, paragraph)


SETS = ("rare-words", "sentence", "title", "paragraph")


def query_sets(docs: list[Doc], withheld: dict[str, str]) -> list[KnownItem]:
    """``PER_SET`` queries per set, alternating dev and test, no query twice in a set."""
    builder = _Builder(docs, withheld)
    out: list[KnownItem] = []
    for name in SETS:
        seen: set[tuple[str, ...]] = set()
        made = getattr(builder, name.replace("-", "_"))()
        while len(seen) < PER_SET:
            words, relevant = next(made)
            if words in seen:
                continue
            split = "dev" if len(seen) % 2 == 0 else "test"
            seen.add(words)
            out.append(KnownItem(name, split, words, relevant))
    return out


def ndcg_at(ranked: list[str], relevant: frozenset[str], k: int = 10) -> float:
    """Binary-gain nDCG@k."""
    dcg = sum(1 / math.log2(i + 2) for i, d in enumerate(ranked[:k]) if d in relevant)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(k, len(relevant))))
    return dcg / ideal if ideal else 0.0


def precision_at(ranked: list[str], relevant: frozenset[str], k: int = 10) -> float:
    """The share of the top ``k`` that is relevant (at most ``len(relevant) / k`` here)."""
    return sum(1 for d in ranked[:k] if d in relevant) / k


def reciprocal_rank(ranked: list[str], relevant: frozenset[str], k: int = 100) -> float:
    """1 / the rank of the first relevant document in the top ``k`` (0 when none)."""
    return next((1 / (i + 1) for i, d in enumerate(ranked[:k]) if d in relevant), 0.0)
