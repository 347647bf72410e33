"""Words that the training corpus has only inside longer names: "States" (of "United States"),
"Nations", "Ministry", "Strip". Alone, such a word names nothing.

GMB writes "States" with a capital 1,096 times, every time inside "United States", never as a
one-word name; the model, having seen it capitalised inside names so often, read a lone
"States" ("the States that have signed", "all States") as a place: 310 times in 500 real
documents, and 665 once capitalised common words became a feature of their own. A *name part*
is a generic word (``fragments.is_generic``: a common English noun no gazetteer lists alone)
that the training corpus also writes in lower case (``MIN_LOWER`` times: "states", not "Peres"
or "Abbas", which NLTK's word list holds too) and has inside names at least ``MIN_NAMES``
times, as a whole one-word name in under ``ALONE_SHARE`` of them. The list comes from the
training corpus and is kept in the model's header (``features.name_parts``); a one-word name
made of one ("States", "the Ministry") is dropped. Not a list of words: the corpus decides.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from indexer.entities.casing import CasingCounts
from indexer.entities.features import Lexicon
from indexer.entities.fragments import is_generic

MIN_NAMES = 20  # names holding the word before its being alone so rarely says anything
ALONE_SHARE = 0.02  # the most of them that may be the word alone
MIN_LOWER = 3  # times the corpus writes the word in lower case


class PartCounts:
    """Per capitalised word of the training corpus: in how many names it stands inside a
    longer name, and in how many it is the whole name."""

    def __init__(self) -> None:
        self.inside: Counter[str] = Counter()
        self.alone: Counter[str] = Counter()

    def add(self, words: Sequence[str], bilou: Sequence[str]) -> None:
        """Count one sentence's words by their BILOU labels."""
        for word, label in zip(words, bilou, strict=True):
            if label[:2] in ("B-", "I-", "L-"):
                self.inside[word] += 1
            elif label[:2] == "U-":
                self.alone[word] += 1

    def name_parts(self, lexicon: Lexicon, casing: CasingCounts) -> list[str]:
        """The name parts, for the model header (see the module docstring)."""
        found = []
        for word, inside in self.inside.items():
            names = inside + self.alone[word]
            forms = casing.forms.get(word.lower())
            if (
                forms is not None
                and forms["lower"] >= MIN_LOWER
                and word[:1].isupper()
                and names >= MIN_NAMES
                and self.alone[word] < ALONE_SHARE * names
                and is_generic(word, lexicon)
            ):
                found.append(word)
        return sorted(found)
