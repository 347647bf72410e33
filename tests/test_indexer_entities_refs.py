"""Entities in the index: the record's entity fields, the entity filters of the query language,
and the names shown for entity facets."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from corpus.entities.corrections import add_entity
from corpus.entities.model import Mention
from corpus.entities.store import EntityStore
from corpus.model import Span
from indexer.build import build_index
from indexer.entities.extraction import analyse_documents
from indexer.entities.refs import entity_fields, is_unlinked, unlinked_ref
from indexer.errors import QueryError
from indexer.search.engine import SearchIndex, SearchRequest

FORUM = "fixture-eastern-forum-2019"
UN = "fixture-un-statement-2017"
ALL_KINDS = ("speech", "forum", "news", "other")


def _mention(text: str, type: str, entity_id: str | None = None, source: str = "model") -> Mention:
    return Mention(Span(0, len(text)), type, text, source, 1.0, entity_id)


def test_entity_fields_index_linked_ids_by_canonical_name_and_other_names_by_their_text() -> None:
    mentions = [
        _mention("Mr. Putin", "PERSON", "vladimir-putin-a8db3c", "registry"),
        _mention("Kim Jong Un", "PERSON"),
        _mention("KIM JONG-UN", "PERSON"),
        _mention("Pyongyang", "LOCATION"),
        _mention("Russian", "NORP"),
        _mention("2019", "DATE"),
    ]
    fields = entity_fields(mentions, {"vladimir-putin-a8db3c": "Vladimir Putin"})
    assert fields == {
        "entities": (
            "vladimir-putin-a8db3c,~person:kim_jong_un,~place:pyongyang,~nationality:russian"
        ),
        "person_ids": "vladimir-putin-a8db3c,~person:kim_jong_un",
        "person_text": "Vladimir Putin\nKim Jong Un",
        "place_ids": "~place:pyongyang",
        "place_text": "Pyongyang",
        "nationality_ids": "~nationality:russian",
        "nationality_text": "Russian",
        "entity_names": (
            b"vladimir-putin-a8db3c\tVladimir Putin\n~person:kim_jong_un\tKim Jong Un\n"
            b"~place:pyongyang\tPyongyang\n~nationality:russian\tRussian"
        ),
    }


def test_a_name_only_the_model_found_unsure_is_searchable_but_left_out_of_the_facet() -> None:
    unsure = dataclasses.replace(_mention("Republic", "LOCATION"), confidence=0.4)
    sure_once = [
        dataclasses.replace(_mention("Oslo", "LOCATION"), confidence=0.5),
        dataclasses.replace(_mention("Oslo", "LOCATION"), confidence=0.95),
    ]
    fields = entity_fields([unsure, *sure_once, _mention("Anna Berg", "PERSON")], {})
    assert fields["entities"] == "~place:republic,~place:oslo,~person:anna_berg"
    assert fields["place_ids"] == "~place:oslo"  # the facet: sure at least once here
    assert fields["place_text"] == "Republic\nOslo"  # place:republic still finds it
    assert fields["less_sure_ids"] == b"~place:republic"
    ruled = dataclasses.replace(unsure, source="rule")
    assert "less_sure_ids" not in entity_fields([ruled], {})


def test_a_document_without_typed_mentions_has_no_entity_fields() -> None:
    assert entity_fields([_mention("2019", "DATE"), _mention("5%", "PERCENT")], {}) == {}


def test_unlinked_refs_fold_case_accents_and_punctuation() -> None:
    assert unlinked_ref("person", "Kim Jong-un") == "~person:kim_jong_un"
    assert unlinked_ref("place", "Zürich") == "~place:zurich"
    assert unlinked_ref("org", "\u2014") == ""
    assert is_unlinked("~org:nato") and not is_unlinked("nato-8da849")


@pytest.fixture
def model_index(store: Any, tmp_path: Path, trained_recogniser: Any) -> Iterator[SearchIndex]:
    """The test corpus analysed by the trained model alone (no registry), then indexed."""
    analyse_documents(store, EntityStore(store), recogniser=trained_recogniser, procs=1)
    build_index(store, tmp_path / "index", procs=1)
    index = SearchIndex.open(tmp_path / "index", refresh_seconds=0)
    yield index
    index.close()


def _ids(index: SearchIndex, store: Any, query: str, **filters: Any) -> list[str]:
    result = index.search(SearchRequest(query, per_page=100, **filters), store)
    return sorted(hit.id for hit in result.hits)


def test_person_filter_finds_the_document_that_mentions_the_person(
    model_index: SearchIndex, store: Any
) -> None:
    assert _ids(model_index, store, 'person:"Vladimir Putin"') == [FORUM]
    assert _ids(model_index, store, "person:putin") == [FORUM]
    assert _ids(model_index, store, 'railway person:"Vladimir Putin"') == []


def test_place_filter_finds_the_documents_that_mention_the_place(
    model_index: SearchIndex, store: Any
) -> None:
    # Vladivostok, not Pyongyang: the forum's "Pyongyang needs security guarantees" is a capital
    # standing for its government, which the small test model types as an organisation.
    found = _ids(model_index, store, "place:Vladivostok")
    assert found == [FORUM]  # the only document that names it
    assert _ids(model_index, store, "place:Vladivostok kind:forum") == [FORUM]
    assert _ids(model_index, store, "place:Vladivostok kind:speech") == []
    assert _ids(model_index, store, "location:vladivostok") == found


def test_facets_name_the_entities_the_model_found(model_index: SearchIndex, store: Any) -> None:
    result = model_index.search(SearchRequest("", kinds=ALL_KINDS), store)
    assert ("~person:vladimir_putin", 1) in result.facets["person"]
    assert result.entity_names["~person:vladimir_putin"] == "Vladimir Putin"
    shown = {
        ref
        for name in ("person", "org", "place", "nationality")
        for ref, _ in result.facets.get(name, ())
    }
    less_sure = {ref for counts in result.less_sure.values() for ref, _ in counts}
    assert set(result.entity_names) == shown | less_sure
    assert shown.isdisjoint(less_sure)
    # The small test model's mistyped names (the person Kim Jong Un as an organisation, in
    # "He invited Kim Jong Un to visit Russia") are less sure; the names it is sure of are not.
    assert ("~org:kim_jong_un", 1) in result.less_sure["org"]
    assert ("~place:khasan", 1) in result.facets["place"]
    chosen = model_index.search(SearchRequest("", entities=("~person:vladimir_putin",)), store)
    assert [hit.id for hit in chosen.hits] == [FORUM]
    unsure = model_index.search(SearchRequest("", entities=("~org:kim_jong_un",)), store)
    assert [hit.id for hit in unsure.hits] == ["tass-report"]  # a less sure name filters


@pytest.fixture
def registry_index(store: Any, tmp_path: Path) -> Iterator[tuple[SearchIndex, dict[str, str]]]:
    """The test corpus analysed with a small registry and the rules, then indexed."""
    entity_store = EntityStore(store)
    ids = {}
    for name, type in [("Pyongyang", "LOCATION"), ("Russia", "LOCATION"), ("NATO", "ORGANIZATION")]:
        entity = add_entity(entity_store, name, type).entity
        assert entity is not None
        ids[name] = entity.id
    analyse_documents(store, entity_store, recogniser=None, procs=1)
    build_index(store, tmp_path / "index", procs=1)
    index = SearchIndex.open(tmp_path / "index", refresh_seconds=0)
    yield index, ids
    index.close()


def test_entity_filter_takes_a_registry_id(registry_index: Any, store: Any) -> None:
    index, ids = registry_index
    assert _ids(index, store, f"entity:{ids['NATO']}") == ["fixture-news-pipeline-2018"]
    assert _ids(index, store, f"org:{ids['NATO']}") == ["fixture-news-pipeline-2018"]
    assert _ids(index, store, "organisation:nato") == ["fixture-news-pipeline-2018"]
    assert _ids(index, store, f"entity:{ids['NATO'].upper()}") == []
    assert _ids(index, store, "entity:no-such-entity") == []
    assert _ids(index, store, "", entities=(ids["NATO"], ids["Pyongyang"])) == [
        FORUM,
        "fixture-news-pipeline-2018",
        UN,
        "tass-report",
    ]


def test_a_name_phrase_never_runs_from_one_name_into_the_next(
    registry_index: Any, store: Any
) -> None:
    index, _ = registry_index
    assert _ids(index, store, "place:Pyongyang place:Russia") == [FORUM, UN, "tass-report"]
    assert _ids(index, store, 'place:"Pyongyang Russia"') == []
    assert _ids(index, store, 'place:"Russia Pyongyang"') == []


def test_registry_facets_show_canonical_names(registry_index: Any, store: Any) -> None:
    index, ids = registry_index
    result = index.search(SearchRequest("", kinds=ALL_KINDS), store)
    assert result.facets["place"] == ((ids["Russia"], 4), (ids["Pyongyang"], 3))
    assert result.entity_names == {
        ids["Russia"]: "Russia",
        ids["Pyongyang"]: "Pyongyang",
        ids["NATO"]: "NATO",
    }


@pytest.mark.parametrize("query", ["person:", 'org:""', "entity:"])
def test_an_entity_filter_without_a_value_says_what_to_write(
    registry_index: Any, store: Any, query: str
) -> None:
    index, _ = registry_index
    with pytest.raises(QueryError, match=r"needs a value, e\.g\. "):
        index.search(SearchRequest(query), store)


def test_an_entity_filter_cannot_be_ored_with_words(registry_index: Any, store: Any) -> None:
    index, _ = registry_index
    with pytest.raises(QueryError, match="combine with words by AND only"):
        index.search(SearchRequest("sanctions OR place:Pyongyang"), store)
