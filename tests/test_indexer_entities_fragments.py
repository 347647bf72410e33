"""Lone generic words that head a longer name of the same document leave the facets
(``indexer/entities/fragments.py``), with NLTK's real word lists; other names are untouched."""

from __future__ import annotations

from typing import Any

import pytest

from corpus.entities.model import Mention
from corpus.model import Document, Span
from indexer.entities.analysis import analyse_document
from indexer.entities.features import Lexicon, shared_lexicon
from indexer.entities.fragments import demote_fragments, is_generic, join_nationality_heads
from indexer.entities.iob import Entity
from indexer.entities.refs import is_sure


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return shared_lexicon()


def found(text: str, *names: tuple[str, str], source: str = "model") -> list[Mention]:
    """Mentions of ``names`` ((text, type), each at its first place after the one before)."""
    mentions, at = [], 0
    for name, type in names:
        start = text.index(name, at)
        at = start + len(name)
        mentions.append(Mention(Span(start, at), type, name, source, 0.97))
    return mentions


def sure(mentions: list[Mention]) -> list[str]:
    return [m.text for m in mentions if is_sure(m)]


def test_a_name_cut_in_two_leaves_its_head_out_of_the_facets(lexicon: Lexicon) -> None:
    text = "The Russian Federation has a view. The Federation will act."
    mentions = found(
        text,
        ("Russian", "NORP"),
        ("Federation", "ORGANIZATION"),
        ("Federation", "ORGANIZATION"),
    )
    after = demote_fragments(mentions, text, lexicon)
    assert sure(after) == ["Russian"]
    assert [m.span for m in after] == [m.span for m in mentions]  # still mentions, searchable
    assert sure(demote_fragments(mentions[2:], text, lexicon)) == ["Federation"]  # alone: kept


def test_a_head_before_of_and_a_longer_name_found_whole(lexicon: Lexicon) -> None:
    text = "The Republic of Korea met the Security Council. The Republic and the Council agreed."
    mentions = found(
        text,
        ("Republic", "LOCATION"),
        ("Korea", "LOCATION"),
        ("Security Council", "ORGANIZATION"),
        ("Republic", "LOCATION"),
        ("Council", "ORGANIZATION"),
    )
    assert sure(demote_fragments(mentions, text, lexicon)) == ["Korea", "Security Council"]


def test_proper_names_people_acronyms_and_registry_names_stay(lexicon: Lexicon) -> None:
    text = "South Africa and Africa; Vladimir Putin and Putin; North Korean, Korean; the US and US."
    mentions = found(
        text,
        ("South Africa", "LOCATION"),
        ("Africa", "LOCATION"),
        ("Vladimir Putin", "PERSON"),
        ("Putin", "PERSON"),
        ("North", "LOCATION"),
        ("Korean", "NORP"),
        ("Korean", "NORP"),
        ("US", "LOCATION"),
    )
    assert demote_fragments(mentions, text, lexicon) == mentions
    registry = found(
        "The Russian Federation.",
        ("Russian", "NORP"),
        ("Federation", "LOCATION"),
        source="registry",
    )
    assert demote_fragments(registry, "The Russian Federation.", lexicon) == registry


def test_generic_words_are_common_nouns_no_gazetteer_lists_alone(lexicon: Lexicon) -> None:
    generic = ("Federation", "Republic", "Council", "States", "House")
    assert [w for w in generic if is_generic(w, lexicon)] == list(generic)
    names = ("Africa", "Korean", "US", "Russia", "America", "Chechen")
    assert [w for w in names if is_generic(w, lexicon)] == []


def test_analysis_with_a_trained_model_keeps_lone_heads_out_of_the_facets(
    trained_recogniser: Any,
) -> None:
    text = (
        "Officials of the Russian Federation met in Moscow. Russian Federation officials said "
        "the UN Security Council met on Monday. The Council voted to impose sanctions on Iran."
    )
    document = Document("d", 1, text)
    before = analyse_document(document, trained_recogniser, None, fragments=False).mentions
    after = analyse_document(document, trained_recogniser, None).mentions
    assert [m.span for m in after] == [m.span for m in before]  # the same mentions
    # The model splits "Russian Federation" (as GMB does); the two halves are one name again.
    assert [m.text for m in after if "Federation" in m.text] == ["Russian Federation"] * 2
    heads = [m for m in before if m.text == "Council"]
    assert len(heads) == 1 and all(is_sure(m) for m in heads)  # what the facets listed
    assert [m.text for m in after if is_sure(m)] == [
        m.text for m in before if is_sure(m) and m not in heads
    ]


def test_a_nationality_and_a_lone_generic_word_after_it_are_one_name(lexicon: Lexicon) -> None:
    words = "Officials of the Russian Federation , the Afghan Foreign Ministry and Kenya".split()
    model = [
        Entity(3, 4, "NORP"),
        Entity(4, 5, "ORGANIZATION"),  # "Federation"
        Entity(7, 8, "NORP"),
        Entity(8, 10, "ORGANIZATION"),  # "Foreign Ministry": a name of its own
        Entity(11, 12, "LOCATION"),
    ]
    assert join_nationality_heads(model, words, lexicon) == [
        Entity(3, 5, "ORGANIZATION"),
        *model[2:],
    ]
    # Not after a place ("Kenya Federation"), nor a name that is not generic ("Russian Putin").
    words = "Kenya Federation ; Russian Putin".split()
    other = [Entity(0, 1, "LOCATION"), Entity(1, 2, "ORGANIZATION"), Entity(3, 4, "NORP")]
    other.append(Entity(4, 5, "ORGANIZATION"))
    assert join_nationality_heads(other, words, lexicon) == other
