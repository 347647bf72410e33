"""What the entity model looks at: word features, gazetteer lists, and the BILOU label scheme.

Training (``recogniser.train``) and tagging (``recogniser``'s decoder) both build a token's
features from these functions, so the two always agree. A change here that alters what a
model learns must bump ``recogniser.FEATURE_VERSION``, so that older models are refused.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Sequence
from typing import Any

from indexer import analyse

# Gazetteer features: (NLTK corpus, file, feature name).
GAZETTEERS: tuple[tuple[str, str, str], ...] = (
    ("names", "male.txt", "first"),
    ("names", "female.txt", "first"),
    ("gazetteers", "countries.txt", "country"),
    ("gazetteers", "isocountries.txt", "country"),
    ("gazetteers", "uscities.txt", "city"),
    ("gazetteers", "usstates.txt", "region"),
    ("gazetteers", "caprovinces.txt", "region"),
    ("gazetteers", "mexstates.txt", "region"),
    ("gazetteers", "nationalities.txt", "nationality"),
)
OFFSETS = ("-2", "-1", "0", "+1", "+2")
PAD = ("<s2>", "<s1>", "</s1>", "</s2>")
# Tokens without letters that may stand inside a name ("Procter & Gamble", "Workers ' Party").
_JOINERS = frozenset("&'\u2019")
# Contractions a name never runs into: GMB's "We 're" came out as a nationality.
_CLITICS = frozenset(
    p + s for p in ("'", "\u2019") for s in ("re", "ve", "ll", "m", "d", "RE", "VE", "LL", "M", "D")
) | {"n't", "N'T", "n\u2019t", "N\u2019T"}

# Per distinct word: five offset feature tuples (or score vectors), then lowercase and shape.
WordFeatures = tuple[Any, Any, Any, Any, Any, str, str]


class Lexicon:
    """Word lists behind the gazetteer features, from NLTK's ``names``, ``gazetteers``, ``words``
    (and ``stopwords``, which the model does not see: they drop names and guide re-casing).

    Multi-word entries ("North Korea") mark each of their capitalised words as ``part-<kind>``.
    """

    def __init__(self) -> None:
        kinds: dict[str, set[str]] = {}
        digest = hashlib.sha256()
        for corpus, fileid, kind in GAZETTEERS:
            for entry in analyse.word_list(corpus, fileid):
                digest.update(entry.encode("utf-8") + b"\n")
                parts = entry.split()
                for part in parts if len(parts) > 1 else ():
                    if part[:1].isupper():
                        kinds.setdefault(part, set()).add(f"part-{kind}")
                if len(parts) == 1:
                    kinds.setdefault(entry, set()).add(kind)
        self.kinds = {word: tuple(sorted(k)) for word, k in kinds.items()}
        self.common = frozenset(w for w in analyse.word_list("words", "en") if w.islower())
        # NLTK's English stop words: pronouns, articles, conjunctions, ...
        self.function = frozenset(w.lower() for w in analyse.word_list("stopwords", "english"))
        digest.update(str(len(self.common)).encode())
        self.sha256 = digest.hexdigest()


@functools.cache
def shared_lexicon() -> Lexicon:
    """The process's one ``Lexicon`` (reading the word lists takes a second)."""
    return Lexicon()


def shape(word: str) -> str:
    """Character classes with runs collapsed: ``Putin`` -> ``Xx``, ``U.S.`` -> ``X.X.``."""
    out: list[str] = []
    last = ""
    for ch in word[:32]:
        c = "X" if ch.isupper() else "x" if ch.islower() else "d" if ch.isdigit() else ch
        if c != last:
            out.append(c)
            last = c
    return "".join(out)[:8]


def breaks_names(word: str) -> bool:
    """True for a token no name runs across: one without letters ("(", "72", "2:03.45", ":",
    "-"), other than "&" and an apostrophe, or a contraction ("'re", "n't"); and the end of the
    sentence. A name is cut there, so "Anna Berg 72 70 68" and "Vladimir Putin: Yes" give
    "Anna Berg" and "Vladimir Putin" (in GMB such tokens are inside 0.3% of names, mostly noise).
    """
    if word in _CLITICS or word in PAD[2:]:
        return True
    return word not in _JOINERS and not any(c.isalpha() for c in word)


def word_features(
    word: str, lexicon: Lexicon, english: Callable[[str], bool] | None = None
) -> WordFeatures:
    """Feature tuples of ``word`` as the token two before, ..., two after; then lower, shape.

    A word in capitals ("NORWAY") is looked up in the gazetteers as a capitalised word too.
    ``english(lower)`` (``casing.Recaser.is_english``: the training corpus mostly writes the
    word in lower case) marks a capitalised common word, "cw": the head of an organisation or
    a place ("Rovers", "Town", "Shipping", "Ministry") and almost never part of a person's
    name, whether or not the training corpus has the word itself.
    """
    lower = word[:40].lower()
    s = shape(word)
    kinds = lexicon.kinds.get(word)
    if kinds is None and word.isupper():
        kinds = lexicon.kinds.get(word.capitalize())
    lists = tuple(f"g={k}" for k in kinds or ())
    if lower in lexicon.common:
        lists += ("lex",)
    if english is not None and word[:1].isupper() and lower not in lexicon.function:
        if english(lower):
            lists += ("cw",)
    far = (f"w={lower}", f"s={s}")
    near = (*far, *lists)
    own = (
        "b",
        *near,
        f"p3={lower[:3]}",
        f"x2={lower[-2:]}",
        f"x3={lower[-3:]}",
        f"x4={lower[-4:]}",
    )
    m2, m1, zero, p1, p2 = (
        tuple(f"{offset}{f}" for f in feats)
        for offset, feats in zip(OFFSETS, (far, near, own, near, far), strict=True)
    )
    return m2, m1, zero, p1, p2, lower, s


def pairs(
    prev: tuple[Any, ...], cur: tuple[Any, ...], nxt: tuple[Any, ...], label: str
) -> tuple[str, ...]:
    """Conjunctions a linear model cannot build from single words: word/shape pairs, label."""
    return (
        f"bw={prev[5]}|{cur[5]}",
        f"fw={cur[5]}|{nxt[5]}",
        f"ws={prev[5]}|{cur[6]}",
        f"sw={cur[6]}|{nxt[5]}",
        f"sss={prev[6]}|{cur[6]}|{nxt[6]}",
        f"t1s={label}|{cur[6]}",
    )


class Labels:
    """The BILOU label set, which labels may follow which, and the label-history features."""

    def __init__(self, labels: Sequence[str]) -> None:
        self.names = tuple(labels)
        self.start = len(self.names)  # the "label" before the first token
        self.width = self.start + 1
        names = [*self.names, "<s>"]
        self.names_or_start = tuple(names)
        self.allowed = [
            [i for i, label in enumerate(self.names) if _may_follow(prev, label)]
            for prev in [*self.names, "O"]
        ]
        # Per previous label, the labels that may come before a token that breaks names.
        self.ending = [
            [i for i in options if self.names[i][:2] not in ("B-", "I-")]
            for options in self.allowed
        ]
        self.iob2 = tuple(_to_iob2(label) for label in self.names)
        self.history = [
            (f"t1={names[p1]}", f"t2={names[p2]}|{names[p1]}")
            for p2 in range(self.width)
            for p1 in range(self.width)
        ]

    @classmethod
    def for_types(cls, types: Sequence[str]) -> Labels:
        """O, then B-, I-, L- and U- of each type."""
        return cls(["O", *(f"{p}-{t}" for t in types for p in "BILU")])


def _may_follow(prev: str, label: str) -> bool:
    """BILOU: inside an entity (B-X, I-X) only I-X or L-X; outside one, O, B-* or U-*."""
    if prev[:2] in ("B-", "I-"):
        return label[:2] in ("I-", "L-") and label[2:] == prev[2:]
    return label[:2] not in ("I-", "L-")


def _to_iob2(label: str) -> str:
    return {"U-": "B-", "L-": "I-"}.get(label[:2], label[:2]) + label[2:]


def to_bilou(tags: Sequence[str]) -> list[str]:
    """IOB2 tags as BILOU (last token L-, one-token entity U-); a stray I-X starts an entity."""
    out = []
    kind = ""  # the type of the entity the previous token belongs to
    for i, tag in enumerate(tags):
        starts = tag[:2] == "B-" or (tag[:2] == "I-" and tag[2:] != kind)
        kind = tag[2:] if tag != "O" else ""
        ends = i + 1 == len(tags) or tags[i + 1] != f"I-{kind}"
        if not kind:
            out.append("O")
        elif starts:
            out.append(("U-" if ends else "B-") + kind)
        else:
            out.append(("L-" if ends else "I-") + kind)
    return out
