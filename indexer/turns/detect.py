"""Find the turns of a transcript: labels at the start of a line, learned per document.

1. Candidates: the start of a line, up to 120 characters without a line break, a colon, then
   words on the same line ("Vladimir Putin: Good afternoon", "Megyn Kelly:But").
2. Each distinct label is read on its own (``labels.parse_label``), then judged in its
   document: a label that recurs is a label; a role-prefixed name, the document's own speaker
   or "THE PRESIDENT" are labels even once; other names, anonymous questioners and titles
   count once the document has another speaker; a one-word name that is an English word or a
   place ("Girl", "Germany") only in a dialogue where it recurs. An occurrence whose words open
   with a quotation mark is a quoted message ("Germany: “This is a matter…”"), not a turn.
3. A turn runs from its label to the next label, to an editorial break ("* * *", "<…>") or a
   chat action ("* User84 waves"), or to the end of the text.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from corpus.entities.model import Turn, label_key
from corpus.model import Span
from indexer.turns import labels as shapes
from indexer.turns.speakers import Speakers

MAX_LABEL_CHARS = 120
# A label: a line's start, no colon or line break for up to 120 characters, a colon, then the
# words said: after spaces or a line break, or at once when they start with a capital.
_CANDIDATE = re.compile(
    rf"^[ \t]*([^\W\d_][^\n:]{{0,{MAX_LABEL_CHARS - 1}}}?)[ \t]*:"
    r"(?:\s+(?=\S)|(?=[A-Z\u201c\"(<]))",
    re.MULTILINE,
)
_BREAK = re.compile(r"^[ \t]*(?:\* \* \*|\*\*\*|<…>|<\.\.\.>|…|\[…\]|\* \S.*)[ \t]*$", re.MULTILINE)
_QUOTES = "\u201c\u201e\u00ab\"'\u2018"
_SENTENCE_ENDS = ".!?:;…\"”’')]*"


@dataclass(frozen=True)
class _Candidate:
    start: int
    label_start: int
    label_end: int
    label: str
    is_quoted: bool


def find_turns(
    text: str, *, document_speaker: str = "", corrected: Mapping[str, bool] | None = None
) -> list[Turn]:
    """The turns of ``text`` in order (``entity_id`` not yet resolved: the registry's job).

    ``document_speaker`` (the document's speaker or author) is who "The President" and "A" are.
    ``corrected`` holds analysts' word on labels (by ``label_key``): True, a speaker's label
    whatever its words; False, no one's.
    """
    candidates = _candidates(text)
    if not candidates:
        return []
    accepted = _accept(candidates, document_speaker, corrected or {})
    kept = [c for c in candidates if c.label in accepted]
    if not kept:
        return []
    speakers = Speakers(
        {label: (shape, _label_name(label, shape)) for label, shape in accepted.items()},
        Counter(c.label for c in kept),
        document_speaker,
    )
    breaks = [m.start() for m in _BREAK.finditer(text)]
    turns = []
    for n, c in enumerate(kept):
        limit = kept[n + 1].start if n + 1 < len(kept) else len(text)
        end = _end(text, c, limit, breaks)
        shape = accepted[c.label]
        name = None
        if shape.name is not None:
            name = Span(c.label_start + shape.name[0], c.label_start + shape.name[1])
        turns.append(
            Turn(
                Span(c.label_start, end),
                Span(c.label_start, c.label_end),
                speakers.of(c.label),
                name,
            )
        )
    return turns


def _candidates(text: str) -> list[_Candidate]:
    """Label-shaped line starts, except where the line before runs on into this one."""
    matches = list(_CANDIDATE.finditer(text))
    starts = {m.start() for m in matches}
    out: list[_Candidate] = []
    for m in matches:
        if _continues(text, m.start(), starts):
            continue
        label = m.group(1)
        after = text[m.end() : m.end() + 1]
        out.append(_Candidate(m.start(), m.start(1), m.end(1), label, after in _QUOTES))
    return out


def _continues(text: str, start: int, label_lines: set[int]) -> bool:
    """True when ``start`` only begins a line of hard-wrapped prose: the line before is not
    blank, not a label's line or a chat action, and stops mid-sentence ("…the States Members
    of the\nUnited Nations: Armenia, …")."""
    if start == 0:
        return False
    line_end = start - 1
    line_start = text.rfind("\n", 0, line_end) + 1
    previous = text[line_start:line_end].rstrip()
    if not previous or line_start in label_lines or previous.lstrip().startswith("* "):
        return False
    return previous[-1] not in _SENTENCE_ENDS


def _accept(
    candidates: Sequence[_Candidate], speaker: str, corrected: Mapping[str, bool]
) -> dict[str, shapes.LabelShape]:
    """The labels judged to be speakers' in this document, with their shapes."""
    seen = Counter(c.label for c in candidates)
    plain = Counter(c.label for c in candidates if not c.is_quoted)
    found = {label: shapes.parse_label(label) for label in seen}
    forced = {label for label in found if corrected.get(label_key(label))}
    found = {
        label: shape if shape.kind else shapes.LabelShape(shapes.TITLE)
        for label, shape in found.items()
        if (shape.kind or label in forced) and corrected.get(label_key(label), True)
    }
    own = _own_names(speaker)
    accepted = {
        label: shape
        for label, shape in found.items()
        if label in forced or _is_strong(label, shape, seen[label], plain[label], own)
    }
    if not accepted:
        return {}
    others = len(accepted)
    for label, shape in found.items():
        if label not in accepted and _counts_in_dialogue(shape, seen[label], plain[label], others):
            accepted[label] = shape
    return accepted


def _is_strong(label: str, shape: shapes.LabelShape, seen: int, plain: int, own: set[str]) -> bool:
    """Evidence enough on its own: a recurring name, a role-prefixed name or the document's
    speaker not followed by a quotation, or "THE PRESIDENT" in a transcript of a person."""
    if shape.kind == shapes.SELF:
        return bool(own) and (label.isupper() or seen >= 2)
    if shape.kind != shapes.NAME or shape.is_common or shape.name is None:
        return False
    name = " ".join(label[shape.name[0] : shape.name[1]].lower().split())
    return seen >= 2 or (plain >= 1 and (shape.has_role or name in own))


def _counts_in_dialogue(shape: shapes.LabelShape, seen: int, plain: int, others: int) -> bool:
    """Whether a weaker label counts, given how many labels the document already has. Only
    occurrences that do not open with a quotation mark (``plain``) speak for a label seen
    once or for a common word: "Germany: “…”" quotes a position, "Lipetsk: “…”" a message."""
    if shape.kind == shapes.NAME and shape.is_common:
        return plain >= 3 and others >= 2
    if shape.kind in (shapes.NAME, shapes.ANONYMOUS, shapes.TITLE, shapes.SELF):
        return plain >= 1
    return shape.kind == shapes.ROLE and seen >= 2


def _own_names(speaker: str) -> set[str]:
    """The forms of the document's speaker a label may take ("vladimir putin", "putin"), or
    nothing when the "speaker" is an office ("Presidential Press and Information Office")."""
    words = [w for w in speaker.split() if w.lower().rstrip(".") not in ("mr", "mrs", "ms", "dr")]
    if len(words) < 2 or any(w.lower() in shapes.lexicon.OFFICE_WORDS for w in words):
        return set()
    return {" ".join(words).lower(), words[-1].lower()}


def _label_name(label: str, shape: shapes.LabelShape) -> str:
    if shape.name is None:
        return ""
    return " ".join(label[shape.name[0] : shape.name[1]].split())


def _end(text: str, candidate: _Candidate, limit: int, breaks: Sequence[int]) -> int:
    """Where a turn ends: before the next label or the first break after its own line, with
    the white space before that left out."""
    i = bisect.bisect_right(breaks, candidate.start)
    if i < len(breaks) and breaks[i] < limit:
        limit = breaks[i]
    while limit > candidate.label_end and text[limit - 1].isspace():
        limit -= 1
    return limit
