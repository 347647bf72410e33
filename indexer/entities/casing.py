"""Words in capitals, re-cased before tagging: "NORWAY BEAT JAPAN" is read as "Norway beat Japan".

The model reads case: in a line in capitals every word has the same shape and the gazetteers,
which list "Norway", miss "NORWAY". Headlines, datelines, transcript headers and speaker labels
are written so. ``Recaser`` gives such words the case they would have in running text:

- a word the training corpus writes in capitals most of the time ("NATO", "U.S.") stays so;
- an English word (NLTK ``words`` and ``stopwords``, with plural and verb endings) goes to
  lower case, unless the training corpus mostly capitalises it ("Monday"), or mostly
  capitalises it after a capitalised word ("Town" in "Ashby Town", "Nations") or before one
  ("New" in "New York") and its neighbour is capitalised;
- any other word (a name) is capitalised: "KARSVIK" -> "Karsvik", "O'NEILL" -> "O'Neill".

A sentence all in capitals is re-cased word by word, and its first word is capitalised, as in
prose. In a sentence that has lower case too, capitals are usually acronyms, so only a run of
two or more words in capitals, or one at the start of the sentence ("KARSVIK, Norway, May 4",
"MR. RENDAL: Thank you"), is re-cased, and there every word but a function word is
capitalised. The counts come from the training corpus (``CasingCounts``) and are kept in the
model's header.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from indexer.entities.features import Lexicon

# Endings stripped to find an English word's base form: (ending, replacement).
_ENDINGS = (
    ("ies", "y"),
    ("ied", "y"),
    ("es", ""),
    ("s", ""),
    ("ed", ""),
    ("ed", "e"),
    ("ing", ""),
    ("ing", "e"),
    ("ly", ""),
    ("er", ""),
    ("ers", ""),
    ("men", "man"),
)
_CACHE_WORDS = 50_000  # is_english answers kept
_MIN_COUNT = 3  # occurrences of a word in training before its usual case is trusted
_OPENERS = frozenset(".?!:;\"`'") | {"``", "''", "--"}  # after these a capital says nothing


class CasingCounts:
    """How the training corpus writes each word, away from the start of a sentence."""

    def __init__(self) -> None:
        self.forms: dict[str, Counter[str]] = {}  # word -> {"lower"|"title"|"upper": n}
        self.after: dict[str, Counter[str]] = {}  # ... after a capitalised word
        self.before: dict[str, Counter[str]] = {}  # ... before a capitalised word

    def add(self, words: Sequence[str]) -> None:
        """Count one sentence's words (not the first, nor one after a sentence opener)."""
        for i in range(1, len(words)):
            word = words[i]
            if words[i - 1] in _OPENERS or not any(c.isalpha() for c in word):
                continue
            form = _form(word)
            key = word.lower()
            self.forms.setdefault(key, Counter())[form] += 1
            if i > 1 and words[i - 1][:1].isupper():
                self.after.setdefault(key, Counter())[form] += 1
            if i + 1 < len(words) and words[i + 1][:1].isupper():
                self.before.setdefault(key, Counter())[form] += 1

    def lists(self) -> dict[str, list[str]]:
        """The word lists a ``Recaser`` needs, for the model header: words mostly in lower
        case; those that look like an inflection of one but are mostly capitalised ("United",
        "Nations"); those mostly in capitals; those mostly capitalised after or before a
        capitalised word."""
        lower = _mostly(self.forms, "lower", self.forms, least=1)
        inflected = {w for w in set(self.forms) - lower if _inflection(w, lower)}
        return {
            "lower": sorted(lower),
            "capitalised": sorted(inflected),
            "upper": sorted(_mostly(self.forms, "upper", set(self.forms) - lower)),
            "after_capital": sorted(_mostly(self.after, "title", lower)),
            "before_capital": sorted(_mostly(self.before, "title", lower)),
        }


def _inflection(word: str, lower: frozenset[str] | set[str]) -> bool:
    """True if ``word`` is a plural or a verb form of a word in ``lower``."""
    for ending, base in _ENDINGS:
        stem = word[: -len(ending)] + base
        if word.endswith(ending) and len(stem) > 2 and stem in lower:
            return True
    return False


def _form(word: str) -> str:
    if word.isupper() and sum(c.isalpha() for c in word) > 1:
        return "upper"
    return "lower" if word.islower() else "title"  # "al-Qaida" is not a lower-case word


def _mostly(
    counts: Mapping[str, Counter[str]], form: str, among: Iterable[str], least: int = _MIN_COUNT
) -> set[str]:
    found = set()
    for word in among:
        c = counts.get(word)
        if c and sum(c.values()) >= least and 2 * c[form] > sum(c.values()):
            found.add(word)
    return found


def capitalise(word: str) -> str:
    """Upper case at the start and after anything but a letter, except an apostrophe after
    more than one letter: "AL-QAIDA" -> "Al-Qaida", "O'NEILL" -> "O'Neill", "DON'T" ->
    "Don't"."""
    out = []
    up = True
    for i, c in enumerate(word):
        out.append(c.upper() if up else c.lower())
        up = not c.isalpha() and (c not in "'\u2019" or i == 1)
    return "".join(out)


def in_capitals(word: str) -> bool:
    """Two letters or more, all capitals ("NORWAY", "MR.", "U.S.")."""
    return word.isupper() and sum(c.isalpha() for c in word) > 1


class Recaser:
    """Re-cases the words in capitals of a tokenized sentence (see the module docstring)."""

    def __init__(self, lexicon: Lexicon, lists: Mapping[str, Iterable[str]]) -> None:
        self.lexicon = lexicon
        self.lower = frozenset(lists.get("lower", ()))
        self.upper = frozenset(lists.get("upper", ()))
        self.capitalised = frozenset(lists.get("capitalised", ()))
        self.after = frozenset(lists.get("after_capital", ()))
        self.before = frozenset(lists.get("before_capital", ()))
        self._inflected: dict[str, bool] = {}  # is_english's answers for other words

    def is_english(self, lower: str) -> bool:
        """A function word, a word the training corpus mostly writes in lower case, or an
        inflection of one ("tops", "expels") that it does not mostly capitalise ("United").
        NLTK's list of English words is no guide: it holds "berg", "holm" and "anna"."""
        if lower in self.lower or lower in self.lexicon.function:
            return True
        found = self._inflected.get(lower)
        if found is None:
            if len(self._inflected) >= _CACHE_WORDS:
                self._inflected.clear()
            found = lower not in self.capitalised and _inflection(lower, self.lower)
            self._inflected[lower] = found
        return found

    def usually_lower(self, words: Sequence[str], start: int, end: int) -> bool:
        """True if each of ``words[start:end]`` is an English word, in no gazetteer, that the
        training corpus writes in lower case where it stands (after or before a capital)."""
        for i in range(start, end):
            lower = words[i].lower()
            if not self.is_english(lower) or self.listed(words[i]):
                return False
            after = i > start or (i > 0 and words[i - 1][:1].isupper())
            before = i + 1 < end or (i + 1 < len(words) and words[i + 1][:1].isupper())
            if (after and lower in self.after) or (before and lower in self.before):
                return False
        return True

    def listed(self, word: str) -> bool:
        """In a gazetteer on its own ("Norway"), not only as part of a name ("Town")."""
        return any(not kind.startswith("part-") for kind in self.lexicon.kinds.get(word, ()))

    def recase(self, words: Sequence[str]) -> Sequence[str]:
        """``words`` with the words in capitals re-cased (the same list if none is).

        Most sentences are prose, with a word in lower case that is not a function word early
        on and no word in capitals: they are given back after a scan in C and a few words."""
        lower: Iterable[str] = filter(str.islower, words)
        prose = not self.lexicon.function.issuperset(lower)
        if prose and not any(map(str.isupper, words)):
            return words
        letters = [w for w in words if any(c.isalpha() for c in w)]
        capitals = any(in_capitals(w) for w in letters)
        if capitals and all(w.isupper() for w in letters):
            return self._headline(words, as_written=False)
        if not prose and self._in_title_case(letters):
            return self._headline(words, as_written=True)
        return self._runs(words) if capitals else words

    def _in_title_case(self, letters: Sequence[str]) -> bool:
        """A headline in title case: three words or more, each but the function words
        capitalised, one of them an English word the training corpus writes in lower case
        ("Berg Wins Gold as Norway Tops Medal Table")."""
        content = [w for w in letters if w.lower() not in self.lexicon.function]
        if len(content) < 3 or not all(w[:1].isupper() for w in content):
            return False
        return 2 * sum(self.usually_lower(content, i, i + 1) for i in range(len(content))) > len(
            content
        )

    def _headline(self, words: Sequence[str], as_written: bool) -> list[str]:
        """Re-case a sentence in capitals (``as_written`` False) or in title case (True: names
        keep the case they are written in)."""
        out = list(words)
        lower = [w.lower() for w in words]
        capital = [False] * len(words)
        english = [False] * len(words)
        for i, word in enumerate(words):
            if not any(c.isalpha() for c in word) or self._kept(word):
                continue
            english[i] = self.is_english(lower[i])
            capital[i] = not english[i]
            if not capital[i]:
                out[i] = lower[i]
            elif not as_written:
                out[i] = capitalise(word)
        for _ in range(2):  # "NEW YORK CITY": York, then New and City
            for i in range(len(words)):
                if english[i] and not capital[i] and self._joins(lower[i], capital, i):
                    capital[i] = True
                    out[i] = capitalise(words[i])
        for i, word in enumerate(out):
            if any(c.isalpha() for c in word):
                out[i] = word[:1].upper() + word[1:]
                break
        return out

    def _kept(self, word: str) -> bool:
        """A word left in capitals: one the training corpus writes so ("NATO"), or a Roman
        numeral ("III", a heading's number: re-cased to "Iii" it was read as a name)."""
        return word.lower() in self.upper or (len(word) > 1 and not word.strip("IVX"))

    def _joins(self, word: str, capital: list[bool], i: int) -> bool:
        if word in self.lexicon.function:
            return False
        after = i > 0 and capital[i - 1] and word in self.after
        return after or (i + 1 < len(capital) and capital[i + 1] and word in self.before)

    def _runs(self, words: Sequence[str]) -> Sequence[str]:
        out = list(words)
        i = 0
        while i < len(words):
            if not in_capitals(words[i]):
                i += 1
                continue
            end = i
            while end < len(words) and in_capitals(words[end]):
                end += 1
            if i == 0 or end - i > 1:
                for j in range(i, end):
                    lower = words[j].lower()
                    if self._kept(words[j]):
                        continue
                    function = lower in self.lexicon.function and j > i
                    out[j] = lower if function else capitalise(words[j])
            i = end
        return out if out != list(words) else words
