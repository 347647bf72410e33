"""A document's mentions: rules, registry, a real trained model, and analysts' corrections."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from corpus.anchors import anchor_at
from corpus.entities import analyses as stored
from corpus.entities import corrections, queries, tagging
from corpus.entities.model import Entity, EntityCorrections, Mention, TaggedSpan
from corpus.entities.store import EntityStore
from corpus.model import Document, DocumentDraft, Span
from corpus.store import Store
from indexer.entities.alias_matcher import AliasMatcher
from indexer.entities.analysis import analyse_document, analyse_entities, locate, merge

TEXT = (
    "Mr. Putin met Kim Jong-un in Pyongyang on Monday, 25 April 2019. North Korea wants "
    "$2 billion and 5 percent.\n\nMr. Putin said the DPRK is a friend."
)
REGISTRY = [
    Entity("putin", "Vladimir Putin", "PERSON", ("Putin",)),
    Entity("kim", "Kim Jong-un", "PERSON"),
    Entity("nk", "North Korea", "LOCATION", ("DPRK",)),
]


def doc(text: str = TEXT, version: int = 1) -> Document:
    return Document("a", version, text)


def spans(mentions: list[Mention]) -> list[tuple[str, str, str, str | None]]:
    return [(m.text, m.type, m.source, m.entity_id) for m in mentions]


def test_rules_and_the_registry_give_exact_typed_linked_mentions() -> None:
    analysis = analyse_document(doc(), None, AliasMatcher(REGISTRY))
    assert [m.span for m in analysis.mentions][:3] == [Span(0, 9), Span(14, 25), Span(42, 48)]
    assert spans(list(analysis.mentions)) == [
        ("Mr. Putin", "PERSON", "registry", "putin"),
        ("Kim Jong-un", "PERSON", "registry", "kim"),
        ("Monday", "DATE", "rule", None),
        ("25 April 2019", "DATE", "rule", None),
        ("North Korea", "LOCATION", "registry", "nk"),
        ("$2 billion", "MONEY", "rule", None),
        ("5 percent", "PERCENT", "rule", None),
        ("Mr. Putin", "PERSON", "registry", "putin"),
        ("DPRK", "LOCATION", "registry", "nk"),
    ]
    assert analysis.sentences == (0, 0, 0, 0, 1, 1, 1, 2, 2)


def test_without_a_registry_only_the_rules_speak() -> None:
    assert [m.text for m in analyse_entities(doc(), None, None)] == [
        "Monday",
        "25 April 2019",
        "$2 billion",
        "5 percent",
    ]


def test_a_suppressed_form_is_dropped_whoever_found_it() -> None:
    suppressed = EntityCorrections(frozenset({("dprk", ""), ("monday", "DATE")}))
    found = analyse_entities(doc(), None, AliasMatcher(REGISTRY), suppressed)
    assert "DPRK" not in [m.text for m in found] and "Monday" not in [m.text for m in found]
    assert len(found) == 7


def test_a_tag_replaces_what_it_overlaps_and_the_newest_tag_wins() -> None:
    tags = (
        tag(1, Span(29, 48), "Pyongyang on Monday", "LOCATION"),
        tag(2, Span(29, 38), "Pyongyang", "LOCATION", "pyongyang"),
        tag(3, Span(42, 48), "Monday", "DATE"),
    )
    found = analyse_entities(doc(), None, AliasMatcher(REGISTRY), EntityCorrections(tagged=tags))
    assert spans(found)[1:5] == [
        ("Kim Jong-un", "PERSON", "registry", "kim"),
        ("Pyongyang", "LOCATION", "analyst", "pyongyang"),
        ("Monday", "DATE", "analyst", None),
        ("25 April 2019", "DATE", "rule", None),
    ]


def tag(
    id: int, span: Span, quote: str, type: str, entity_id: str | None = None, text: str = TEXT
) -> TaggedSpan:
    assert text[span.start : span.end] == quote
    return TaggedSpan(id, "a", anchor_at(text, span, version=1), type, entity_id)


def test_a_tag_is_found_again_by_offsets_then_by_quote_and_context() -> None:
    putin = tag(1, Span(110, 119), "Mr. Putin", "PERSON")
    assert locate(putin, TEXT) == Span(110, 119)
    moved = "Breaking. " + TEXT
    assert locate(putin, moved) == Span(120, 129)  # the second "Mr. Putin", by its context
    first = tag(2, Span(0, 9), "Mr. Putin", "PERSON")
    assert locate(first, "Breaking. " + TEXT) == Span(10, 19)
    # The tagged mention is gone: the other "Mr. Putin", in another context, is not it.
    assert locate(putin, TEXT.replace("Mr. Putin said", "He said")) is None
    assert locate(putin, "Nothing of the kind.") is None


def test_a_tag_without_an_entity_links_to_the_one_the_registry_knows_by_its_text() -> None:
    tags = (
        tag(1, Span(29, 38), "Pyongyang", "LOCATION"),
        tag(2, Span(110, 119), "Mr. Putin", "PERSON"),
        tag(3, Span(65, 76), "North Korea", "ORGANIZATION"),
    )
    corrections = EntityCorrections(tagged=tags)

    before = analyse_entities(doc(), None, AliasMatcher(REGISTRY), corrections)
    pyongyang = Entity("pyongyang", "Pyongyang", "LOCATION")
    after = analyse_entities(doc(), None, AliasMatcher([*REGISTRY, pyongyang]), corrections)

    analyst = [(m.text, m.entity_id) for m in before if m.source == "analyst"]
    assert analyst == [("Pyongyang", None), ("North Korea", None), ("Mr. Putin", "putin")]
    assert ("Pyongyang", "pyongyang") in [(m.text, m.entity_id) for m in after]


def test_an_orphaned_tag_is_reported_not_applied() -> None:
    tags = (tag(9, Span(29, 38), "Pyongyang", "LOCATION"),)
    analysis = analyse_document(
        doc("Mr. Putin stayed home."), None, None, EntityCorrections(tagged=tags)
    )
    assert analysis.mentions == () and analysis.orphaned == (9,)


def test_merge_keeps_the_longest_then_the_most_trusted_source() -> None:
    def m(start: int, end: int, source: str, type: str = "PERSON") -> Mention:
        return Mention(Span(start, end), type, TEXT[start:end], source, 0.5)

    kept = merge(
        [
            m(4, 9, "registry"),
            m(0, 9, "model"),
            m(14, 25, "model"),
            m(14, 25, "registry", "ORGANIZATION"),
        ]
    )
    assert [(x.span, x.source) for x in kept] == [(Span(0, 9), "model"), (Span(14, 25), "registry")]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n  ",
        "no capitals no punctuation just words about putin and north korea " * 50,
        "Владимир Путин встретился с Ким Чен Ыном в Пхеньяне в понедельник.",
        "普京周一在平壤会见了金正恩。",
    ],
)
def test_odd_texts_give_sensible_mentions(text: str) -> None:
    registry = [*REGISTRY, Entity("putin-ru", "Владимир Путин", "PERSON", ("Путин",))]
    found = analyse_entities(doc(text), None, AliasMatcher(registry))
    assert all(text[m.span.start : m.span.end] == m.text for m in found)
    if text.startswith("Владимир"):
        assert spans(found) == [("Владимир Путин", "PERSON", "registry", "putin-ru")]
    elif text.startswith("no capitals"):
        assert {m.text for m in found} == {"putin", "north korea"}  # not common words


def test_a_two_megabyte_line_without_sentence_ends_is_analysed_whole() -> None:
    unit = "Kim Jong-un met officials of North Korea and Putin spoke at length "
    text = unit * (2_000_000 // len(unit))
    found = analyse_entities(doc(text), None, AliasMatcher(REGISTRY))
    n = text.count(unit)
    assert len(found) == 3 * n
    assert found[-1].span == Span(len(text) - len("Putin spoke at length "), len(text) - 17)


@pytest.fixture
def es(store_url: str) -> Iterator[EntityStore]:
    with Store.open(store_url) as store:
        yield EntityStore(store)


def analyse_and_store(es: EntityStore, document_id: str) -> Any:
    document = es.store.get(document_id)
    matcher = AliasMatcher(es.registry().entities)
    analysis = analyse_document(document, None, matcher, es.corrections_for(document_id))
    stored.replace_mentions(
        es,
        document_id,
        document.version,
        analysis.mentions,
        analysis.sentences,
        tag_locations=analysis.tag_locations,
    )
    return analysis


def test_corrections_survive_reingest_of_a_new_version(es: EntityStore) -> None:
    es.store.put(DocumentDraft(TEXT, id="a"))
    nk = corrections.add_entity(es, "North Korea", "LOCATION", aliases=["DPRK"]).entity
    assert nk is not None
    tagged = tagging.tag(es, "a", Span(29, 38), type="LOCATION", who="gus")
    tagging.suppress(es, "Monday", "DATE")
    analyse_and_store(es, "a")
    es.store.put(DocumentDraft("Update: " + TEXT, id="a"))
    analyse_and_store(es, "a")
    texts = [(m.text, m.source, m.span) for m in stored.mentions(es, "a")]
    assert ("Pyongyang", "analyst", Span(37, 46)) in texts
    assert "Monday" not in [t for t, _, _ in texts]
    (found,) = es.tags("a")
    assert (found.located, found.located_version, found.is_orphaned) == (Span(37, 46), 2, False)
    es.store.put(DocumentDraft("Pyongyang is no longer mentioned... by name.", id="a"))
    es.store.put(DocumentDraft("Nothing left to tag.", id="a"))
    analysis = analyse_and_store(es, "a")
    assert analysis.orphaned == (tagged.correction.detail["tag"],)
    assert [t.is_orphaned for t in es.tags("a")] == [True]
    assert len(stored.mentions(es, "a", version=2)) > 0  # earlier versions keep theirs


def test_an_alias_added_later_is_found_in_the_affected_documents(es: EntityStore) -> None:
    es.store.put(DocumentDraft(TEXT, id="a"))
    es.store.put(DocumentDraft("Nothing about Korea.", id="b"))
    for document_id in ("a", "b"):
        analyse_and_store(es, document_id)
    result = corrections.add_entity(es, "Kim Jong Un", "PERSON", aliases=["Marshal Kim"])
    assert result.affected == {"a"}
    for document_id in result.affected:
        analyse_and_store(es, document_id)
    kim = result.entity
    assert kim is not None and queries.entity_mention_counts(es) == {kim.id: 1}
    assert [d.document_id for d in queries.documents_for_entity(es, kim.id)] == ["a"]


@pytest.fixture(scope="session")
def recogniser(shared_data_dir: Path) -> Any:
    """A small real model: 2 passes over the first 100,000 training tokens (seconds)."""
    from indexer.entities.recogniser import train

    return train(shared_data_dir / "ner-train" / "gmb.train.tsv", passes=2, max_tokens=100_000)


def test_model_mentions_are_linked_to_the_registry_and_registry_names_always_appear(
    recogniser: Any,
) -> None:
    text = "President Vladimir Putin met Kim Jong-un in Pyongyang. The DPRK welcomed him."
    found = analyse_entities(doc(text), recogniser, AliasMatcher(REGISTRY))
    assert all(text[m.span.start : m.span.end] == m.text for m in found)
    assert all(a.span.end <= b.span.start for a, b in zip(found, found[1:], strict=False))
    linked = {m.entity_id: m.text for m in found if m.entity_id}
    assert linked["kim"] == "Kim Jong-un" and linked["nk"] == "DPRK"
    assert linked["putin"] in ("President Vladimir Putin", "Vladimir Putin")
