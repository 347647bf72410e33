"""What a candidate speaker label says, from its words alone: a name (after a role or not), an
anonymous questioner, a title, a role without a name, or nothing (a sentence that happens to end
in a colon).

The name is read backwards from the end of its comma-separated part: capitalised words that are
not role, organisation or place words ("President of Russia | Vladimir Putin", "Gazprom CEO |
Alexei Miller"); parenthesised asides ("(retranslated)", "(ENI)") are left out. A lower-case
word that no role uses ("reads", "his", "gratitude") makes the label a sentence.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from indexer.turns import lexicon

NAME, ANONYMOUS, SELF, TITLE, ROLE = "name", "anonymous", "self", "title", "role"
MAX_NAME_WORDS = 5
MAX_LABEL_WORDS = 24

_TOKEN = re.compile(r"[(),]|[^\s(),]+")
_ARABIC_PREFIX = re.compile(r"(?:al|el|ad|ar|as|at|an|bin|ibn|abu|abd)-[^\W\d_]", re.IGNORECASE)
_INITIAL = re.compile(r"[^\W\d_]\.(?:[^\W\d_]\.)*")
_INDEX = re.compile(r"#?\d{1,3}")
_CONNECTORS = frozenset("of the and for on in at to".split())
_ROMAN = re.compile(r"(?:II|III|IV|VI|VII|VIII|IX)")
_DOMAIN = re.compile(r"\w\.(?:ru|com|org|net|ua|uk|de|fr|cn|info)\b", re.IGNORECASE)
_ABBREVIATIONS = frozenset("mr. mrs. ms. dr. prof. st. jr. sr. lt. sgt. gen. col. mme.".split())


@dataclass(frozen=True)
class LabelShape:
    """What a label is (``kind``, "" for not a label) and where its name is: ``name`` offsets
    into the label. ``has_role``: a role or an honorific stands with the name, good evidence
    even for a label seen once; ``is_common``: a one-word name that is also an English word or
    a place ("Girl", "Germany"), which only a recurring dialogue makes a speaker."""

    kind: str
    name: tuple[int, int] | None = None
    has_role: bool = False
    is_common: bool = False


NOT_A_LABEL = LabelShape("")
_Token = tuple[str, int, int]


@functools.lru_cache(maxsize=65_536)
def parse_label(label: str) -> LabelShape:
    """The shape of the text before a colon at the start of a paragraph."""
    key = " ".join(re.sub(r"\([^)]*\)", " ", label).lower().split())
    if key in lexicon.ANONYMOUS:
        return LabelShape(ANONYMOUS)
    if key in lexicon.SELF_TITLES:
        return LabelShape(SELF)
    if key in lexicon.TITLES:
        return LabelShape(TITLE)
    tokens = _outside_parentheses(label)
    if not tokens or len(tokens) > MAX_LABEL_WORDS:
        return NOT_A_LABEL
    upper = not any(c.islower() for c in label)
    parts = _split(tokens, ",")
    names = [_name_of(part, upper) for part in parts]
    if any(n is None for n in names):
        return NOT_A_LABEL  # a part that is a sentence or a form of address
    found = [(part, run) for part, run in zip(parts, names, strict=True) if run]
    if len(found) > 1:
        return NOT_A_LABEL  # "Lipetsk, Yevgeny Zaitsev": a place and a name, or a list
    if not found:
        return LabelShape(ROLE) if any(_is_office(t[0]) for t in tokens) else NOT_A_LABEL
    part, run = found[0]
    prefix = part[: part.index(run[0])]
    if prefix and not any(_is_role(t, upper) for t in prefix):
        return NOT_A_LABEL  # "Text of the Decree", "INVITATION TO SHAPE THE FUTURE TOGETHER"
    has_role = len(parts) > 1 or bool(prefix)
    is_common = len(run) == 1 and _is_common(run[0][0])
    return LabelShape(NAME, (run[0][1], run[-1][2]), has_role, is_common)


def _outside_parentheses(label: str) -> list[_Token]:
    """The label's tokens, parenthesised asides left out (an unclosed one runs to the end)."""
    out: list[_Token] = []
    depth = 0
    for m in _TOKEN.finditer(label):
        text = m.group()
        if text == "(":
            depth += 1
        elif text == ")":
            depth = max(0, depth - 1)
        elif not depth:
            out.append((text, m.start(), m.end()))
    return out


def _split(tokens: list[_Token], mark: str) -> list[list[_Token]]:
    parts: list[list[_Token]] = [[]]
    for token in tokens:
        if token[0] == mark:
            parts.append([])
        else:
            parts[-1].append(token)
    return [part for part in parts if part]


def _name_of(part: list[_Token], upper: bool) -> list[_Token] | None:
    """The name ending the part ([] for a role phrase), or None for a sentence or address."""
    for text, _, _ in part:
        word = text.lower()
        if word in lexicon.ADDRESSES or word in lexicon.SENTENCE_WORDS:
            return None
        if not _is_word(text, word, upper):
            return None
    if len(part) == 1 and part[0][0].lower() in lexicon.LIST_WORDS:
        return None
    part = _without_realm(part)
    capitals = 0 if upper else _capitals_at_end(part)
    run: list[_Token] = []
    for k, token in enumerate(reversed(part)):
        word = token[0].lower()
        if _is_name_word(token[0], upper or k < capitals) or (
            run and word in lexicon.NAME_PARTICLES
        ):
            run.insert(0, token)
        else:
            break
    while run and (run[0][0].lower() in lexicon.NAME_PARTICLES or _ROMAN.fullmatch(run[0][0])):
        run.pop(0)
    if run and len(run) < len(part) and all(_INDEX.fullmatch(t[0]) for t in run):
        run.insert(0, part[len(part) - len(run) - 1])  # "Man #1", "GUARD #1"
    prefix = part[: len(part) - len(run)]
    if prefix and prefix[-1][0].lower() in lexicon.HONORIFICS:
        run.insert(0, prefix.pop())  # "Mr Radev": the honorific is part of the name
    elif prefix and not run and all(t[0].lower() in lexicon.HONORIFICS for t in prefix[:1]):
        return None  # "Mr. Speaker", "Mr. President": a form of address
    if len(run) == 1 and prefix and _is_given_place(prefix[-1][0]):
        run.insert(0, prefix.pop())  # "Sberbank CEO German Gref": a nationality as a name
    if len(run) >= 3 and prefix:
        run = _drop_organisation(run, prefix)
    return run if len(run) <= MAX_NAME_WORDS else None


def _without_realm(part: list[_Token]) -> list[_Token]:
    """A monarch's name without where they reign ("King Abdullah II | of Jordan", "Crown Prince
    Mohammed Al Nahyan | of Abu Dhabi"), but "Emir of Qatar Tamim bin Hamad Al Thani" whole."""
    words = [t[0].lower() for t in part]
    if "of" not in words:
        return part
    at = len(words) - 1 - words[::-1].index("of")
    royal = [i for i, w in enumerate(words[:at]) if w in lexicon.REALM_TITLES]
    if royal and any(_is_name_word(t[0], False) for t in part[royal[-1] + 1 : at]):
        return part[:at]
    return part


def _capitals_at_end(part: list[_Token]) -> int:
    """How many words in capitals end a mixed-case label's part, when they look like a name
    ("Security Council Secretary NIKOLAI PATRUSHEV"): two or more, none a role or place."""
    n = 0
    for text, _, _ in reversed(part):
        letters = [c for c in text if c.isalpha()]
        word = text.lower()
        if len(letters) < 3 or not all(c.isupper() for c in letters):
            break
        if word in lexicon.ROLE_WORDS or word in lexicon.ORGANISATION_WORDS:
            break
        if word in lexicon.places():
            break
        n += 1
    if n == 1 and len(part) >= 2 and len(part[-1][0]) >= 4:
        before = part[-2][0]
        return 1 if before[:1].isupper() and before[1:].islower() else 0  # "Vladimir PUTIN"
    return n if n >= 2 else 0


def _drop_organisation(run: list[_Token], prefix: list[_Token]) -> list[_Token]:
    """A run after "of" may begin with an organisation's own name ("of Rosneft | Igor
    Sechin", "of Royal Dutch Shell | Ben van Beurden"): start at the first given name that is
    no English word, else at the last given name, else keep the last two words."""
    given = [
        i
        for i, token in enumerate(run[:-1])
        if token[0].lower() in lexicon.given_names()
        and token[0].lower() not in lexicon.NAME_PARTICLES
    ]
    rare = [i for i in given if run[i][0].lower() not in lexicon.common_words()]
    if rare or given:
        return run[rare[0] if rare else given[-1] :]  # "Jose Angel Gurria"; "Shell | Ben …"
    return run[-2:] if prefix[-1][0].lower() in _CONNECTORS else run


def _is_word(text: str, word: str, upper: bool) -> bool:
    """False for what a label never holds: a sentence's lower-case word, a number that is not
    an index ("Soldier #1"), a word ending a sentence."""
    if not any(c.isalpha() for c in text):
        return bool(_INDEX.fullmatch(text)) or text in ("–", "-", "—", "&")
    if not (text[0].isalpha() or text[0] == "#"):
        return False  # a quotation or a bracket: a title ("Conference “Russia-UK: …”")
    if text[-1] in ".!?;" and not (_INITIAL.fullmatch(text) or word in _ABBREVIATIONS):
        return False
    first = next(c for c in text if c.isalpha())
    if first.isupper() or upper:
        return True
    return (
        word in lexicon.LOWER_ROLE_WORDS
        or word in lexicon.ORGANISATION_WORDS
        or bool(_ARABIC_PREFIX.match(text))
    )


def _is_name_word(text: str, upper: bool) -> bool:
    """A word that can be part of a person's name: capitalised, not a role, organisation or
    place word, not an acronym (in a mixed-case label)."""
    if _INDEX.fullmatch(text) or _ROMAN.fullmatch(text):
        return True
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return False
    word = text.lower().rstrip(".")
    if _ARABIC_PREFIX.match(text):
        return True
    if not letters[0].isupper() and not upper:
        return False
    if not upper and len(letters) > 1 and all(c.isupper() for c in letters):
        return False  # "UN", "OPEC", "CEO": organisations and roles
    if _INITIAL.fullmatch(text):
        return True
    if _DOMAIN.search(text):
        return False  # "Lenta.ru", "Gazeta.Ru": an outlet
    return not (
        word in lexicon.ROLE_WORDS
        or word in lexicon.ORGANISATION_WORDS
        or word in lexicon.HONORIFICS
        or word == "the"
        or word.removesuffix("’s").removesuffix("'s") in lexicon.places()
    )


def _is_role(token: _Token, upper: bool) -> bool:
    """A word of a role, an organisation or a place, an honorific or an acronym ("CEO")."""
    text = token[0]
    word = text.lower()
    letters = [c for c in text if c.isalpha()]
    return (
        word in lexicon.ROLE_WORDS
        or word in lexicon.ORGANISATION_WORDS
        or word in lexicon.HONORIFICS
        or word in lexicon.places()
        or (
            not upper
            and len(letters) > 1
            and all(c.isupper() for c in letters)
            and word not in _CONNECTORS
        )
    )


def _is_office(text: str) -> bool:
    word = text.lower()
    return word in lexicon.ROLE_WORDS or word in lexicon.ORGANISATION_WORDS


def _is_given_place(text: str) -> bool:
    word = text.lower()
    return text[:1].isupper() and word in lexicon.places() and word in lexicon.given_names()


def _is_common(text: str) -> bool:
    word = text.lower()
    return word in lexicon.common_words() or word in lexicon.places()
