"""Stage directions inside speaker turns: "(Applause.)", "(Laughter)", "[crosstalk]",
"(In Russian)", "(The video plays.)", "(Addressing Deputy Prime Minister Dmitry Kozak)".

A transcript's editors write what happened in the room in brackets inside the speaker's turn;
those words are not the speaker's, so ``said:``, the share of the words and the Speakers facet
leave them out (the reading view still shows them, styled as directions). Brackets also hold
the speaker's own words or the editors' clarifications, which stay: acronyms ("(CSTO)"),
names and titles ("[Deputy Prime Minister] Mr Dvorkovich", "Sakha (Yakutia)"), numbers
("[$320]"), asides ("(I spoke about this in my Address)") and insertions in the middle of a
sentence ("40 billion [rubles], although").

The rules, on each bracketed span of at most ``MAX_WORDS`` words inside a turn's words:

1. It stands between sentences: before it on its line, nothing, or the end of a sentence
   (".", "?", "!", "…", a dash, a colon, or another direction), unless it is a sentence of
   its own ("a real hero of labour (Applause.)"); after it, nothing, the end of
   a sentence, a dash, or a new sentence (a capital, a quotation mark, a bracket).
   1b. Or it closes a sentence in round brackets after a lowercase word, its words one
   capitalised word and lowercase ones ("Thank you (Applause).", "the weather (Laughter).
   And", "quite well (Laughter in the audience)."), unlike an editor's clarification after
   the name or number it explains ("Sakha (Yakutia).", "70 [percent].").
2. Its words are not the speaker's: no digits, no "I", "we", "you" (their forms), not an aside
   going on with the sentence ("(and this was not easy)"); not an
   acronym alone ("(NATO)"); not a name or a title in capitals ("[State Duma Speaker]"),
   unless it ends a sentence of its own ("(Minute of Silence.)") or opens with an "-ing"
   word ("(Addressing Presidential Aide Andrei Belousov)"); not one capitalised word in square
   brackets before a capital in the middle of a sentence, the editors completing a name
   ("about [Mikhail] Bakunin"; after a sentence's end, "economy. [Applause] And" is a
   direction); not a list's marker ("(a)").
3. Learned per document: the same words in brackets elsewhere in the document's turns, even
   in the middle of a sentence ("we have (inaudible) agreements"), are a direction too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from corpus.entities.model import Turn
from corpus.model import Span

MAX_WORDS = 8
MAX_WORDS_ADDRESSING = 12  # "(Addressing Minister of Construction, Housing and Utilities …)"
MAX_ACRONYM = 5  # "(NATO)", "(EAEU)"; "(APPLAUSE)" is longer
_BRACKETED = re.compile(r"\(([^()\[\]\n]{1,100})\)|\[([^()\[\]\n]{1,100})\]")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_PERSONAL = frozenset(
    "i i'm i’m i've i’ve i'd i’d i'll i’ll me my mine myself we we're we’re we've we’ve "
    "we'll we’ll us our ours ourselves you you're you’re you've you’ve you'll you’ll your "
    "yours yourself yourselves".split()
)
_FUNCTION = frozenset("a an the of in on at to for and or with by from into as".split())
# Words that open a sentence and are no one's surname (after "[Applause]": rule 2).
_OPENERS = (
    _FUNCTION
    | _PERSONAL
    | frozenset(
        "and but so yet now well yes no thank thanks there this that these those it he she they "
        "let".split()
    )
)
# An aside goes on with the sentence: "(and this was not easy)", "(or rather, to complete)".
_CONJUNCTIONS = frozenset("and or but nor so yet which that who because if although as".split())
# What may stand just before a direction on its line: a sentence's end, a dash or a colon.
_ENDS_BEFORE = re.compile(r"(?:[.!?…]['\"”’)\]]*|--|[–—:])\s*$")
_OPENS_AFTER = "\"'“‘«([-–—"
_ENDS_AFTER = ".!?…;:"


def stage_directions(text: str, turns: Sequence[Turn]) -> list[Span]:
    """The stage directions inside the words of ``turns`` (brackets included), in text order."""
    candidates = [
        (t.body, m) for t in turns for m in _BRACKETED.finditer(text, t.body.start, t.body.end)
    ]
    found: list[Span] = []
    learned: set[str] = set()
    last_end = -1
    for body, m in candidates:
        inner = m.group(1) or m.group(2)
        if not _not_spoken(inner) or not _between_sentences(text, body, m, last_end):
            continue
        found.append(Span(m.start(), m.end()))
        learned.add(_key(inner))
        last_end = m.end()
    taken = {s.start for s in found}
    for _, m in candidates:
        inner = m.group(1) or m.group(2)
        if m.start() not in taken and _key(inner) in learned and _words_not_spoken(inner):
            found.append(Span(m.start(), m.end()))
    return sorted(found, key=lambda s: s.start)


def spoken(body: Span, directions: Sequence[Span]) -> list[Span]:
    """The parts of a turn's ``body`` outside the ``directions`` (in text order): the words
    the speaker said. Parts are cut where a direction stands; empty ones are left out."""
    parts, start = [], body.start
    for d in directions:
        if d.end <= body.start or d.start >= body.end:
            continue
        if d.start > start:
            parts.append(Span(start, d.start))
        start = max(start, d.end)
    if start < body.end:
        parts.append(Span(start, body.end))
    return parts


def spoken_text(text: str, parts: Iterable[Span]) -> list[str]:
    """The words of each part that has any, stripped (parts of white space alone dropped)."""
    return [s for p in parts if (s := text[p.start : p.end].strip())]


def _key(inner: str) -> str:
    return " ".join(w.casefold() for w in _WORD.findall(inner))


def _words_not_spoken(inner: str) -> bool:
    """Rule 2 without the capitals: no digits, a few words, none of them "I" or "you"."""
    words = _WORD.findall(inner)
    most = MAX_WORDS_ADDRESSING if words and words[0].endswith("ing") else MAX_WORDS
    if not words or len(words) > most or any(c.isdigit() for c in inner):
        return False
    if all(len(w) == 1 for w in words):
        return False  # a list's marker: "(a)", "(b)"
    if words[0].casefold() in _CONJUNCTIONS:
        return False
    return not any(w.casefold() in _PERSONAL for w in words)


def _not_spoken(inner: str) -> bool:
    """Rule 2: words that are not the speaker's (nor a name, a title or an acronym)."""
    if not _words_not_spoken(inner):
        return False
    words = _WORD.findall(inner)
    if len(words) == 1 and words[0].isupper() and len(words[0]) <= MAX_ACRONYM:
        return False
    if inner.rstrip().endswith((".", "!", "?", "…")):
        return True
    first = words[0]
    if len(words) > 1 and first.casefold() not in _FUNCTION and not first.endswith("ing"):
        return not all(w[0].isupper() or w.casefold() in _FUNCTION for w in words)
    return True


def _between_sentences(text: str, body: Span, m: re.Match[str], last_end: int) -> bool:
    """Rule 1: the brackets stand between sentences on their line (within the turn), or end
    one (rule 1b)."""
    line_start = max(body.start, text.rfind("\n", 0, m.start()) + 1)
    before = text[line_start : m.start()]
    line_end = text.find("\n", m.end(), body.end)
    after = text[m.end() : body.end if line_end < 0 else line_end].lstrip()
    after_end = not before.strip() or _ENDS_BEFORE.search(before) is not None
    if not after_end:
        inner = (m.group(1) or m.group(2)).strip()
        ends_itself = inner[:1].isupper() and inner.endswith((".", "!", "?"))
        follows = last_end >= line_start and not text[last_end : m.start()].strip()
        if not (ends_itself or follows or _ends_sentence(before, m, after)):
            return False
    if not after:
        return True
    c = after[0]
    if m.group(2) and c.isupper() and _is_first_name(m.group(2)):
        # The editors completing a name: "about [Mikhail] Bakunin", "years. [Donald] Trump";
        # not before a word no surname is ("economy. [Applause] And").
        if not after_end or not _opens_sentence(_WORD.match(after)):
            return False
    return c.isupper() or c in _OPENS_AFTER or c in _ENDS_AFTER


def _ends_sentence(before: str, m: re.Match[str], after: str) -> bool:
    """Rule 1b: round brackets closing a sentence after a lowercase word, their words a
    capitalised word and lowercase ones: "Thank you (Applause).", "quite well (Laughter in
    the audience). It seems". An editor's clarification follows the name or the number it
    explains ("Sakha (Yakutia).", "70 [percent].") or names something ("(Arab and Islamic
    studies)"), so those stay."""
    if not m.group(1) or (after and after[0] not in _ENDS_AFTER):
        return False
    last = _WORD.findall(before[-40:])
    words = _WORD.findall(m.group(1))
    return (
        bool(last)
        and before.rstrip()[-1:].isalpha()
        and last[-1][:1].islower()
        and words[0][:1].isupper()
        and words[0][1:].islower()
        and not any(w[:1].isupper() for w in words[1:])
    )


def _opens_sentence(following: re.Match[str] | None) -> bool:
    """Whether the word after square brackets opens a sentence as no surname does: a
    pronoun, an article, a conjunction or a greeting ("[Applause] And", "[Laughter] There
    was", "[Applause] Thank you"; not "[Donald] Trump")."""
    return following is not None and following.group().casefold() in _OPENERS


def _is_first_name(inner: str) -> bool:
    words = _WORD.findall(inner)
    return len(words) == 1 and inner.strip() == words[0] and words[0][:1].isupper()
