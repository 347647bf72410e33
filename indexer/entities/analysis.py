"""A document's mentions: the model's and the rules', the registry's, then analysts' corrections.

The order of authority, lowest first:

1. the statistical model and the DATE/MONEY/PERCENT rules (``Recogniser.recognise``; the rules
   alone when no model is available);
2. registry matches (``AliasMatcher``). A model mention is linked to an entity when one of
   the entity's forms says the same, or when it contains matches of exactly one entity of its
   own type ("Vladimir Putin" with the alias "Putin"). Overlaps go to the longest span, then
   to the more trusted source (analyst, registry, rule, model);
3. suppressions: a form marked "not an entity" is dropped, whoever found it;
4. tags: an analyst's span replaces whatever overlaps it. A tag made on an older version is
   found again by its anchor (``corpus/anchors.py``) where its quote is intact; else it is
   orphaned.
   A tag without an entity links to the entity one of whose forms it says, as in (2).

Last, a lone generic word heading a longer name of the same document ("Federation" of
"Russian Federation") is made less sure, so it leaves the facets (``fragments.py``).

Speaker turns are found first (``indexer/entities/turn_labels.py``): each label's name is a
PERSON mention of the turn's speaker, trusted above the registry and the model (whatever they
found over it or across the label's colon is dropped), below suppressions and tags.

The text is split into sentences and tokens once; the model and the registry share them.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from corpus import anchors
from corpus.entities.model import (
    ENTITY_TYPES,
    MENTION_SOURCES,
    EntityCorrections,
    Mention,
    TaggedSpan,
    Turn,
    alias_key,
)
from corpus.model import Document, Span
from indexer import analyse
from indexer.entities import rules
from indexer.entities.alias_matcher import AliasMatcher
from indexer.entities.features import shared_lexicon
from indexer.entities.fragments import demote_fragments
from indexer.entities.layers import TextLayer
from indexer.entities.turn_labels import label_mentions, outside_labels, speaker_turns

if TYPE_CHECKING:
    from indexer.entities.recogniser import Recogniser

# The version of the analysis. Bump it when a change makes the analysis of the same text, model
# and registry come out differently: stored analyses of older versions are then done again by
# the next "dossier analyse", "ingest" or "setup". 2: sentences end at line ends; names lose
# edge punctuation, capitals-only sentences and plain one-word names. 3: names end at numbers,
# brackets and colons; lines in capitals and title-case headlines are re-cased and read;
# titles alone, a line's capitalised opening words and one-word lower-case words are dropped.
# 4: speaker turns, and their labels' names as PERSON mentions. 5: in a hard-wrapped text, a
# full-width line that does not end a clause runs on into the next line ("United / Nations").
# 6: a common word alone gets at most ``COMMON_WORD_CONFIDENCE``. 7: a lone generic word that
# heads a longer name of the document ("Federation" of "Russian Federation") gets at most
# ``FRAGMENT_CONFIDENCE`` (``fragments.py``). 8: dotted initials before a capitalised word do
# not end a sentence ("George H.W. Bush", ``indexer/initials.py``). 9: a nationality and a lone
# generic word after it are one name ("Russian Federation", ``fragments.join_nationality_heads``).
# 10: capitalised common words are a model feature, and a word the training corpus has only
# inside longer names is no name alone ("States", ``parts.py``); models of features version 5.
ANALYSIS_VERSION = 10


@dataclass(frozen=True)
class EntityAnalysis:
    """Mentions of one document version, the sentence of each, where its tags were found, and
    its speaker turns."""

    mentions: tuple[Mention, ...]
    sentences: tuple[int, ...]
    tag_locations: dict[int, Span | None] = field(default_factory=dict, compare=False)
    turns: tuple[Turn, ...] = ()
    layer: TextLayer | None = field(default=None, compare=False, repr=False)

    @property
    def orphaned(self) -> tuple[int, ...]:
        """Ids of tags whose quote is no longer in the text."""
        return tuple(i for i, span in self.tag_locations.items() if span is None)


def analyse_entities(
    document: Document,
    recogniser: Recogniser | None,
    matcher: AliasMatcher | None,
    corrections: EntityCorrections | None = None,
) -> list[Mention]:
    """The mentions of a document version, non-overlapping, in text order."""
    return list(analyse_document(document, recogniser, matcher, corrections).mentions)


def analyse_document(
    document: Document,
    recogniser: Recogniser | None,
    matcher: AliasMatcher | None,
    corrections: EntityCorrections | None = None,
    *,
    fragments: bool = True,
    layer: TextLayer | None = None,
) -> EntityAnalysis:
    """Everything ``replace_mentions`` stores for a version: mentions, sentences, tag places.
    ``fragments=False``: leave out ``demote_fragments`` (``bench/facet_names.py`` compares).
    ``layer``: the version's stored tokens and model mentions (``layers.py``), made with this
    recogniser: only the registry's part is done again. The result's ``layer`` is the one
    used, or the one made (None when the text was not tokenised: no model, no registry)."""
    text = document.text
    corrections = corrections or EntityCorrections()
    has_registry = matcher is not None and matcher.size > 0
    if layer is None:
        layer = text_layer(text, recogniser, tokenise=recogniser is not None or has_registry)
    if layer is not None:
        sentences = list(layer.sentences)
        sentence_spans = [s.span for s in sentences]
        found = list(layer.found)
    else:
        sentences, sentence_spans = [], analyse.sentences(text)
        found = _rule_mentions(text)
    found = [m for m in found if m.type in ENTITY_TYPES]
    if matcher is not None and has_registry:
        registry = [
            Mention(m.span, m.type, _cut(text, m.span), "registry", m.confidence, m.entity_id)
            for m in matcher.find(text, sentences)
        ]
        found = _link(found, registry, matcher) + registry
    turns = speaker_turns(document, matcher, corrections)
    found = outside_labels(found, turns) + label_mentions(text, turns)
    if corrections.suppressed:
        found = [m for m in found if not corrections.is_suppressed(alias_key(m.text), m.type)]
    mentions = merge(found)
    locations = {t.id: locate(t, text) for t in corrections.tagged}
    mentions = _apply_tags(mentions, corrections.tagged, locations, text, matcher)
    if recogniser is not None and fragments:
        mentions = demote_fragments(mentions, text, shared_lexicon())
    starts = [s.start for s in sentence_spans]
    numbers = tuple(max(bisect.bisect_right(starts, m.span.start) - 1, 0) for m in mentions)
    return EntityAnalysis(tuple(mentions), numbers, locations, tuple(turns), layer)


def text_layer(text: str, recogniser: Recogniser | None, *, tokenise: bool) -> TextLayer | None:
    """The part of the analysis no registry change alters: sentences and tokens, and what the
    model and the rules find; None without ``tokenise`` (the rules alone, found again each time:
    they are cheap)."""
    if not tokenise:
        return None
    sentences = analyse.tokenize(text)
    if recogniser is not None:
        found = [_as_mention(m) for m in recogniser.recognise(text, sentences)]
    else:
        found = _rule_mentions(text)
    return TextLayer(sentences, found)


def _rule_mentions(text: str) -> list[Mention]:
    return [Mention(r.span, r.type, _cut(text, r.span), "rule", 1.0) for r in rules.find(text)]


def merge(mentions: Iterable[Mention]) -> list[Mention]:
    """Non-overlapping mentions in text order: longest span first, then the more trusted
    source, then the leftmost, then the type name."""
    kept = rules.resolve_overlaps(
        list(mentions),
        lambda m: (-len(m.span), MENTION_SOURCES.index(m.source), m.span.start, m.type),
    )
    return sorted(kept, key=lambda m: m.span)


def locate(tag: TaggedSpan, text: str) -> Span | None:
    """Where a tag is in ``text``, or None (orphaned). Only an intact quote (``exact`` or
    ``moved``) keeps a tag: an entity tag on approximately the same words could name the
    wrong thing, so a fuzzy match orphans it for the analyst to tag again."""
    found = anchors.locate(tag.latest_anchor(), text)
    return found.span if found is not None and found.is_exact else None


def _link(
    found: list[Mention], registry: Sequence[Mention], matcher: AliasMatcher
) -> list[Mention]:
    """Model mentions with the entity they name, where the registry can tell."""
    starts = [m.span.start for m in registry]
    out = []
    for m in found:
        entity_id = m.entity_id or matcher.lookup(m.text, m.type)
        if entity_id is None and m.source == "model":
            lo = bisect.bisect_left(starts, m.span.start)
            hi = bisect.bisect_left(starts, m.span.end)
            inside = {
                r.entity_id
                for r in registry[lo:hi]
                if r.span.end <= m.span.end and r.type == m.type
            }
            if len(inside) == 1:
                entity_id = inside.pop()
        out.append(m if entity_id == m.entity_id else _with_entity(m, entity_id))
    return out


def _apply_tags(
    mentions: list[Mention],
    tagged: Sequence[TaggedSpan],
    locations: dict[int, Span | None],
    text: str,
    matcher: AliasMatcher | None,
) -> list[Mention]:
    """Analysts' tags replace what they overlap; among overlapping tags the newest wins.

    A tag made without choosing an entity links to the one the registry knows by its text,
    so naming that entity later links the tag on re-analysis.
    """
    tags = []
    for t in sorted(tagged, key=lambda t: -t.id):
        span = locations.get(t.id)
        if span is not None:
            quote = _cut(text, span)
            entity_id = t.entity_id or _lookup(matcher, quote, t.type)
            tags.append(Mention(span, t.type, quote, "analyst", 1.0, entity_id))
    if not tags:
        return mentions
    newest_first = {id(m): n for n, m in enumerate(tags)}
    tags = rules.resolve_overlaps(tags, lambda m: newest_first[id(m)])
    kept = [m for m in mentions if not any(m.span.overlaps(t.span) for t in tags)]
    return sorted(kept + tags, key=lambda m: m.span)


def _lookup(matcher: AliasMatcher | None, text: str, type: str) -> str | None:
    return matcher.lookup(text, type) if matcher is not None and matcher.size else None


def _as_mention(m: Any) -> Mention:
    """The recogniser's mentions, as ``corpus.entities.model.Mention``."""
    if isinstance(m, Mention):
        return m
    return Mention(m.span, m.type, m.text, m.source, m.confidence, getattr(m, "entity_id", None))


def _with_entity(m: Mention, entity_id: str | None) -> Mention:
    return Mention(m.span, m.type, m.text, m.source, m.confidence, entity_id)


def _cut(text: str, span: Span) -> str:
    return text[span.start : span.end]
