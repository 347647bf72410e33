"""Who each label of one document names: its forms of a person made one ("President of Russia
Vladimir Putin", "Vladimir Putin"; "Kirill Kleymenov", "Kirill Kleimenov"; "Adnan Z. Amin",
"Adnan Amin"), titles made the document's speaker, questioners left anonymous.

Two names are one person when one ends with the other (at least two words), when they differ
only by initials, or when they have as many words and each pair is one spelling apart (same
first letter, at most a third of the letters changed). The form used most often names them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping

from whoosh.support.levenshtein import damerau_levenshtein

from indexer.turns import labels as shapes
from indexer.turns.lexicon import HONORIFICS

Shaped = tuple[shapes.LabelShape, str]  # a label's shape and the name it holds ("" if none)


class Speakers:
    """The speaker of each accepted label of a document."""

    def __init__(
        self, labels: Mapping[str, Shaped], turns: Mapping[str, int], document_speaker: str
    ) -> None:
        self.own = _without_honorific(document_speaker)
        bare = [name for shape, name in labels.values() if name and not shape.has_role]
        self.names = {
            label: _bare_tail(label, bare) or name if shape.has_role else name
            for label, (shape, name) in labels.items()
        }
        used: Counter[str] = Counter()
        for label, name in self.names.items():
            if name:
                used[name] += turns.get(label, 0)
        self.canonical = _merge_forms(used)
        self.labels = labels

    def of(self, label: str) -> str:
        """The speaker a label names: a person's name, or "" (anonymous, unnamed role)."""
        shape, _ = self.labels[label]
        if shape.kind == shapes.SELF:
            return self.own if len(self.own.split()) >= 2 else ""
        name = self.names[label]
        if not name:
            return ""
        name = self.canonical.get(name, name)
        if self.own and _is_form_of(name, self.own):
            return self.own
        return _title_case(name) if name.isupper() else name


def _bare_tail(label: str, bare: list[str]) -> str:
    """The longest name of two words or more, used alone as a label in the document, that ends
    this role-prefixed label ("Secretary General of GECF Seyed Mohammed Hossein Adeli")."""
    words = re.sub(r"\([^)]*\)", " ", label).split()
    best = ""
    for name in bare:
        theirs = name.split()
        if len(theirs) >= 2 and words[-len(theirs) :] == theirs and len(theirs) > len(best.split()):
            best = name
    return best


def _merge_forms(names: Counter[str]) -> dict[str, str]:
    """Each name mapped to the form that names its person: one whose first name is not an
    initial ("Margarita Papchenkova", not "M. Papchenkova") and whose words are apart ("Sergei
    Donskoy", not "SergeiDonskoy"), then the most used, then the longest."""
    ranked = sorted(
        names, key=lambda n: (_starts_with_initial(n), " " not in n, -names[n], -len(n), n)
    )
    heads: list[str] = []
    out: dict[str, str] = {}
    for name in ranked:
        head = next((h for h in heads if _same(name, h)), None)
        if head is None:
            heads.append(name)
            head = name
        out[name] = head
    return out


def _same(a: str, b: str) -> bool:
    """Two spellings of one name: equal without initials, or word by word one spelling apart."""
    if a == b or _glued(a) == _glued(b):
        return True
    wa, wb = _plain(a), _plain(b)
    if wa == wb and len(wa) >= 2:
        return True
    if len(wa) != len(wb) or len(wa) < 2:
        wa, wb = a.lower().split(), b.lower().split()
        if len(wa) != len(wb) or len(wa) < 2:
            return False
    return all(_close(x, y) for x, y in zip(wa, wb, strict=True))


def _plain(name: str) -> list[str]:
    """The name's words in lower case without initials ("Adnan Z. Amin" -> adnan, amin)."""
    return [w.lower() for w in name.split() if not (len(w) == 2 and w.endswith("."))]


def _close(a: str, b: str) -> bool:
    """One word spelt two ways, or an initial and the word it stands for ("D.", "Dmitry").

    Transliterations of one Russian name are made equal first ("Kleimyonov", "Kleymenov";
    "Sergey", "Sergei"); after that one letter may differ, or two swap ("Vlaidmir"), in a word
    of five letters or more ("Mukhin" and "Mikhan" are two people)."""
    if a == b:
        return True
    if len(a) == 2 and a.endswith(".") or len(b) == 2 and b.endswith("."):
        return a[0] == b[0]
    a, b = _transliterated(a), _transliterated(b)
    if a == b:
        return True
    if a[:1] != b[:1] or min(len(a), len(b)) < 5:
        return False
    return damerau_levenshtein(a, b) <= 1


_TRANSLITERATIONS = (("yo", "e"), ("ks", "x"), ("kh", "h"), ("dj", "j"), ("ey", "ei"), ("y", "i"))


def _transliterated(word: str) -> str:
    for old, new in _TRANSLITERATIONS:
        word = word.replace(old, new)
    return word


def _starts_with_initial(name: str) -> bool:
    first = name.split()[0]
    return len(first) == 2 and first.endswith(".")


def _is_form_of(name: str, own: str) -> bool:
    """Whether a label's name is the document speaker's: "Putin", "Vladimir Putin",
    "VladimirPutin" or "Mr. Putin" for a document by Vladimir Putin."""
    mine = own.lower().split()
    theirs = _without_honorific(name).lower().split()
    if _glued(name) == _glued(own):
        return True
    return len(theirs) < len(mine) and mine[-len(theirs) :] == theirs or theirs == mine


def _glued(name: str) -> str:
    """A name's letters without spaces, transliterations made one ("VladimirPutin")."""
    return _transliterated("".join(name.lower().split()))


def _title_case(name: str) -> str:
    """A name in capitals as names are written: "DMITRY MEDVEDEV" -> "Dmitry Medvedev"."""
    return " ".join("-".join(p[:1] + p[1:].lower() for p in w.split("-")) for w in name.split())


def _without_honorific(speaker: str) -> str:
    words = speaker.split()
    while words and words[0].lower() in HONORIFICS:
        words.pop(0)
    return " ".join(words)
