"""Names that are fragments of a longer name in the same document: "Federation" of "Russian
Federation", "Republic" of "Republic of Korea" or "Chechen Republic", "Council" of "Security
Council".

The model is sure of a lone "Federation" or "Republic" (its training corpus writes them with a
capital, inside country names), so the facets listed them as names of their own; and it often
cuts "Russian Federation" in two, the nationality "Russian" and the organisation "Federation".
Such a word is *generic*: a common English noun (NLTK's ``words`` has it in lower case, or its
singular) that no gazetteer lists as a name on its own. When a generic word is the head of a
longer name in the same document (its last word, or the word before "of"), found whole or in
pieces side by side ("Russian" + "Federation", "Republic" + "of" + "Korea"), every lone mention
of it in the document stands for that longer name: it stays a mention, searchable as before,
but no surer than ``FRAGMENT_CONFIDENCE``, so it leaves the facets for their "less sure" list.
Not a list of words, and not a count over the collection: a count rule also hid "Congress",
"America" and "Chechen" (docs/QUALITY.md). People are left alone: a lone surname ("Putin"
beside "Vladimir Putin") is the same person, and the facets count him.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from corpus.entities.model import Mention
from indexer.entities.features import Lexicon
from indexer.entities.iob import Entity

FRAGMENT_CONFIDENCE = 0.5  # below ``FACET_CONFIDENCE``: out of the facets
_JOINS = (" ", " of ", " of the ")  # what may stand between two pieces of one longer name


def demote_fragments(mentions: Sequence[Mention], text: str, lexicon: Lexicon) -> list[Mention]:
    """``mentions`` (non-overlapping, in text order) with each lone generic word that heads a
    longer name of the same document made less sure (see the module docstring)."""
    found = {w for w in _heads(mentions, text) if is_generic(w, lexicon)}
    if not found:
        return list(mentions)
    return [
        dataclasses.replace(m, confidence=min(m.confidence, FRAGMENT_CONFIDENCE))
        if m.text in found and _is_lone(m)
        else m
        for m in mentions
    ]


def join_nationality_heads(
    found: Sequence[Entity], words: Sequence[str], lexicon: Lexicon
) -> list[Entity]:
    """``found`` (one sentence's names, in order) with a nationality joined to a one-word
    organisation or place right after it that is a generic word: "Russian" + "Federation" is
    the organisation "Russian Federation", "Czech" + "Republic" the place "Czech Republic".
    GMB, the training corpus, splits such names ("Czech" GPE, "Republic" GEO), and the model
    learned to; but "Federation" or "Republic" alone names nothing. A longer name after a
    nationality ("Afghan" + "Foreign Ministry") is a name of its own and is left as it is.
    The joined name takes the type of its head."""
    out: list[Entity] = []
    for entity in found:
        before = out[-1] if out else None
        if (
            before is not None
            and before.type == "NORP"
            and before.end == entity.start
            and entity.type in ("ORGANIZATION", "LOCATION")
            and entity.end - entity.start == 1
            and words[entity.start][:1].isupper()
            and is_generic(words[entity.start], lexicon)
        ):
            out[-1] = Entity(before.start, entity.end, entity.type)
        else:
            out.append(entity)
    return out


def is_generic(word: str, lexicon: Lexicon) -> bool:
    """A common English noun, not an acronym, that no gazetteer lists as a name on its own:
    "Federation", "Republic", "Council", "States"; not "Africa", "Korean" or "US"."""
    kinds = lexicon.kinds.get(word, ())
    if word.isupper() or any(not kind.startswith("part-") for kind in kinds):
        return False
    lower = word.lower()
    return lower in lexicon.common or (lower.endswith("s") and lower[:-1] in lexicon.common)


def _heads(mentions: Sequence[Mention], text: str) -> set[str]:
    """The head words of the document's longer names: of names found whole, and of lone words
    next to another name ("Russian" + "Federation"; "Republic" + "of Korea")."""
    heads: set[str] = set()
    for m in mentions:
        words = m.text.split()
        if len(words) > 1:
            heads.add(words[words.index("of") - 1] if "of" in words[1:] else words[-1])
    for before, after in zip(mentions, mentions[1:], strict=False):
        between = text[before.span.end : after.span.start]
        if between == " " and _is_lone(after):
            heads.add(after.text)
        elif between in _JOINS[1:] and _is_lone(before):
            heads.add(before.text)
    return heads


def _is_lone(mention: Mention) -> bool:
    """A one-word name the model alone found, of a type other than a person's."""
    return (
        mention.source == "model"
        and mention.type != "PERSON"
        and not mention.entity_id
        and len(mention.text.split()) == 1
    )
