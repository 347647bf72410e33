"""The entity registry, corrections and stored mentions on SQLite and PostgreSQL (``store_url``)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from corpus import migrations
from corpus.entities import analyses as stored
from corpus.entities import corrections, queries, tagging
from corpus.entities import tables as entity_tables  # noqa: F401  (its tables join the metadata)
from corpus.entities.model import Entity, Mention
from corpus.entities.queries import Cooccurrence, EntityDocument, Passage
from corpus.entities.store import EntityStore
from corpus.errors import DocumentNotFound, EntityNotFound, InvalidEntity
from corpus.migrations import VERSION_TABLE
from corpus.model import DocumentDraft, PartialDate, Span
from corpus.store import Store
from corpus.tables import metadata

TEXT = (
    "President Putin met Kim Jong-un in Pyongyang on Monday. North Korea and Russia signed a "
    "pact.\n\nMr. Putin said the DPRK is a friend."
)
OTHER = "Kim Jong-un inspected a missile. Russia was not mentioned by Pyongyang."


@pytest.fixture
def es(store_url: str) -> Iterator[EntityStore]:
    with Store.open(store_url) as store:
        store.put(DocumentDraft(TEXT, id="a", date=PartialDate(dt.date(2019, 4, 25))))
        store.put(DocumentDraft(OTHER, id="b", date=PartialDate(dt.date(2021, 1, 1), "year")))
        yield EntityStore(store)


def add(es: EntityStore, name: str, type: str, *aliases: str, id: str | None = None) -> Entity:
    entity = corrections.add_entity(es, name, type, aliases=aliases, id=id).entity
    assert entity is not None
    return entity


def mention(start: int, end: int, type: str, entity_id: str | None = None) -> Mention:
    return Mention(Span(start, end), type, TEXT[start:end], "model", 0.9, entity_id)


def store_analysis_of_a(es: EntityStore, putin: str, kim: str, nk: str) -> None:
    found = [
        mention(0, 15, "PERSON", putin),
        mention(20, 31, "PERSON", kim),
        mention(35, 44, "LOCATION"),
        mention(56, 67, "LOCATION", nk),
        mention(72, 78, "LOCATION"),
        mention(95, 104, "PERSON", putin),
        mention(114, 118, "LOCATION", nk),
    ]
    stored.replace_mentions(es, "a", 1, found, [0, 0, 0, 1, 1, 2, 2])


def test_the_migration_builds_the_schema_the_entity_tables_describe(es: EntityStore) -> None:
    with es.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
        assert compare_metadata(context, metadata) == []
    assert es.revision() == 0


def test_an_added_entity_round_trips_with_a_readable_stable_id(es: EntityStore) -> None:
    result = corrections.add_entity(
        es,
        "Vladimir Putin",
        "PERSON",
        aliases=["Putin", "President Putin", "putin"],
        description="President of Russia",
        external_id="Q7747",
        who="anna",
    )
    entity = result.entity
    assert entity is not None and re.fullmatch(r"vladimir-putin-[0-9a-f]{6}", entity.id)
    assert es.get(entity.id) == Entity(
        entity.id,
        "Vladimir Putin",
        "PERSON",
        ("President Putin", "Putin"),
        "President of Russia",
        "Q7747",
    )
    assert result.affected == {"a"}  # its text says "Putin"; b's does not
    assert (result.correction.kind, result.correction.who) == ("add", "anna")
    assert result.correction.at.tzinfo is not None
    assert es.revision() == 1


@pytest.mark.parametrize(
    ("name", "type", "external_id", "message"),
    [
        ("", "PERSON", "", "The name is empty"),
        ("...", "PERSON", "", "has no letters or digits"),
        ("Putin", "PERSONA", "", "Unknown entity type 'PERSONA'"),
        ("Putin", "PERSON", "7747", "not a Wikidata item id"),
        ("A|B", "PERSON", "", "separates aliases"),
    ],
)
def test_bad_entities_are_refused_with_the_reason(
    es: EntityStore, name: str, type: str, external_id: str, message: str
) -> None:
    with pytest.raises(InvalidEntity, match=re.escape(message)):
        corrections.add_entity(es, name, type, external_id=external_id)
    assert es.entities() == [] and es.revision() == 0


def test_the_same_normalised_name_and_type_cannot_be_added_twice(es: EntityStore) -> None:
    kim = add(es, "Kim Jong-un", "PERSON")
    with pytest.raises(InvalidEntity, match=f"already the name of PERSON entity '{kim.id}'"):
        corrections.add_entity(es, "KIM JONG UN", "PERSON")
    assert add(es, "Georgia", "LOCATION").id != add(es, "Georgia", "PERSON").id


def test_find_matches_names_and_aliases_by_normalised_form(es: EntityStore) -> None:
    nk = add(es, "North Korea", "LOCATION", "DPRK", "D.P.R.K.")
    kim = add(es, "Kim Jong-un", "PERSON")
    assert es.find("kim jong un") == [kim]
    assert es.find("Dprk") == [nk]
    assert es.find("North-Korea", type="PERSON") == []


def test_an_alias_links_stored_mentions_and_reports_documents_that_contain_it(
    es: EntityStore,
) -> None:
    nk = add(es, "North Korea", "LOCATION")
    found = [mention(35, 44, "LOCATION"), mention(114, 118, "LOCATION")]
    stored.replace_mentions(es, "a", 1, found, [0, 2])
    result = corrections.add_alias(es, nk.id, "DPRK", who="ben")
    assert result.affected == {"a"}
    assert [m.entity_id for m in stored.mentions(es, "a")] == [None, nk.id]
    with pytest.raises(InvalidEntity, match="already matches 'D.P.R.K.'"):
        corrections.add_alias(es, nk.id, "D.P.R.K.")


def test_rename_keeps_the_id_and_the_old_name_as_an_alias(es: EntityStore) -> None:
    burma = add(es, "Burma", "LOCATION")
    result = corrections.rename(es, burma.id, "Myanmar")
    assert result.entity == Entity(burma.id, "Myanmar", "LOCATION", ("Burma",))
    kim = add(es, "Kim Jong Un", "PERSON")
    respelt = corrections.rename(es, kim.id, "Kim Jong-un").entity
    assert respelt == Entity(kim.id, "Kim Jong-un", "PERSON")  # the same form: no alias


def test_retype_changes_the_type_of_stored_mentions_too(es: EntityStore) -> None:
    nk = add(es, "North Korea", "ORGANIZATION")
    stored.replace_mentions(es, "a", 1, [mention(56, 67, "ORGANIZATION", nk.id)], [1])
    result = corrections.retype(es, nk.id, "LOCATION")
    assert result.affected == {"a"}
    assert [m.type for m in stored.mentions(es, "a")] == ["LOCATION"]


def test_merge_moves_aliases_mentions_and_tags_and_redirects_the_old_id(
    es: EntityStore,
) -> None:
    dprk = add(es, "DPRK", "LOCATION", "Democratic People's Republic of Korea")
    nk = add(es, "North Korea", "LOCATION")
    putin = add(es, "Putin", "PERSON")
    kim = add(es, "Kim Jong-un", "PERSON")
    store_analysis_of_a(es, putin.id, kim.id, dprk.id)
    tagging.tag(es, "a", Span(114, 118), entity_id=dprk.id)
    result = corrections.merge(es, dprk.id, into=nk.id, who="carla")
    assert result.entity == Entity(
        nk.id, "North Korea", "LOCATION", ("Democratic People's Republic of Korea", "DPRK")
    )
    assert result.affected == {"a"}
    assert es.get(dprk.id) == result.entity and es.resolve(dprk.id) == nk.id
    linked = [m.entity_id for m in stored.mentions(es, "a") if m.type == "LOCATION"]
    assert linked == [None, nk.id, None, nk.id]
    assert [(t.entity_id, t.type) for t in es.tags("a")] == [(nk.id, "LOCATION")]
    korea = add(es, "Korea", "LOCATION")
    corrections.merge(es, nk.id, into=korea.id)
    assert es.resolve(dprk.id) == korea.id  # redirects never chain
    with pytest.raises(InvalidEntity, match="already the same entity"):
        corrections.merge(es, dprk.id, into=korea.id)


def test_split_moves_chosen_aliases_and_their_mentions_to_a_new_entity(
    es: EntityStore,
) -> None:
    korea = add(es, "Korea", "LOCATION", "North Korea", "DPRK", "South Korea")
    found = [mention(56, 67, "LOCATION", korea.id), mention(114, 118, "LOCATION", korea.id)]
    stored.replace_mentions(es, "a", 1, found, [1, 2])
    result = corrections.split(es, korea.id, ["North Korea", "dprk"], "North Korea (DPRK)")
    new = result.entity
    assert new is not None and new.aliases == ("North Korea", "DPRK")
    assert es.get(korea.id).aliases == ("South Korea",)
    assert [m.entity_id for m in stored.mentions(es, "a")] == [new.id, new.id]
    with pytest.raises(InvalidEntity, match=r"\['Pyongyang'\] are not among them"):
        corrections.split(es, korea.id, ["Pyongyang"], "Capital")


def test_every_correction_is_logged_with_who_and_when_and_bumps_the_revision(
    es: EntityStore,
) -> None:
    kim = add(es, "Kim Jong-un", "PERSON")
    corrections.add_alias(es, kim.id, "Kim", who="dana")
    corrections.describe(es, kim.id, description="Leader of North Korea", who="dana")
    kinds = [(c.kind, c.who, c.entity_id) for c in corrections.history(es, kim.id)]
    assert kinds == [
        ("describe", "dana", kim.id),
        ("alias", "dana", kim.id),
        ("add", "local", kim.id),
    ]
    assert es.revision() == 3
    with pytest.raises(InvalidEntity, match="Who made the correction"):
        corrections.add_alias(es, kim.id, "Jong-un", who="  ")


def test_unknown_ids_raise_entity_not_found(es: EntityStore) -> None:
    with pytest.raises(EntityNotFound, match="No entity with id 'nobody'"):
        corrections.rename(es, "nobody", "Somebody")


def test_suppressing_a_form_deletes_its_stored_mentions_and_reports_their_documents(
    es: EntityStore,
) -> None:
    stored.replace_mentions(
        es, "a", 1, [mention(48, 54, "DATE"), mention(72, 78, "LOCATION")], [0, 1]
    )
    result = tagging.suppress(es, "monday", who="eve")
    assert result.affected == {"a"}
    assert [m.text for m in stored.mentions(es, "a")] == ["Russia"]
    assert es.corrections_for("a").is_suppressed("monday", "DATE")
    with pytest.raises(InvalidEntity, match="'Monday' is already suppressed"):
        tagging.suppress(es, "Monday")
    assert tagging.unsuppress(es, "MONDAY").affected == {"a"}
    assert es.suppressions() == []


def test_a_suppression_for_one_type_leaves_other_types_alone(es: EntityStore) -> None:
    stored.replace_mentions(es, "a", 1, [mention(72, 78, "LOCATION")], [1])
    tagging.suppress(es, "Russia", "ORGANIZATION")
    assert [m.text for m in stored.mentions(es, "a")] == ["Russia"]
    corrections_a = es.corrections_for("a")
    assert corrections_a.is_suppressed("russia", "ORGANIZATION")
    assert not corrections_a.is_suppressed("russia", "LOCATION")


def test_a_tag_keeps_quote_context_and_offsets_and_replaces_tags_it_overlaps(
    es: EntityStore,
) -> None:
    first = tagging.tag(es, "a", Span(35, 44), type="LOCATION", who="fay")
    second = tagging.tag(es, "a", Span(35, 54), type="DATE")
    (tag,) = es.tags("a")
    assert tag.id == second.correction.detail["tag"] != first.correction.detail["tag"]
    assert (tag.anchor.version, tag.anchor.span) == (1, Span(35, 54))
    assert tag.anchor.quote == "Pyongyang on Monday"
    assert tag.anchor.prefix == "sident Putin met Kim Jong-un in "
    assert tag.anchor.suffix == ". North Korea and Russia signed "
    assert tag.located == Span(35, 54) and not tag.is_orphaned
    assert second.affected == {"a"}
    with pytest.raises(InvalidEntity, match="covers no text to tag"):
        tagging.tag(es, "a", Span(200, 210), type="PERSON")
    with pytest.raises(InvalidEntity, match="Tag the span with a type"):
        tagging.tag(es, "a", Span(0, 9))


def test_replacing_mentions_swaps_the_whole_set_and_follows_merges(es: EntityStore) -> None:
    putin, other = add(es, "Putin", "PERSON"), add(es, "V. Putin", "PERSON")
    stored.replace_mentions(es, "a", 1, [mention(0, 15, "PERSON")], [0])
    corrections.merge(es, other.id, into=putin.id)
    stored.replace_mentions(es, "a", 1, [mention(95, 104, "PERSON", other.id)], [2])
    assert stored.mentions(es, "a") == [
        Mention(Span(95, 104), "PERSON", "Mr. Putin", "model", 0.9, putin.id)
    ]
    assert stored.unanalysed(es) == [("b", 1)]


def test_overlapping_mentions_are_refused_and_nothing_changes(es: EntityStore) -> None:
    stored.replace_mentions(es, "a", 1, [mention(72, 78, "LOCATION")], [1])
    with pytest.raises(InvalidEntity, match="overlaps the one before it"):
        stored.replace_mentions(
            es, "a", 1, [mention(0, 15, "PERSON"), mention(10, 20, "PERSON")], [0, 0]
        )
    assert [m.text for m in stored.mentions(es, "a")] == ["Russia"]


def test_entity_queries_count_documents_passages_and_cooccurrence(es: EntityStore) -> None:
    putin, kim = add(es, "Putin", "PERSON"), add(es, "Kim Jong-un", "PERSON")
    nk = add(es, "North Korea", "LOCATION", "DPRK")
    store_analysis_of_a(es, putin.id, kim.id, nk.id)
    other = [Mention(Span(0, 11), "PERSON", "Kim Jong-un", "registry", 1.0, kim.id)]
    stored.replace_mentions(es, "b", 1, other, [0])
    assert queries.entity_mention_counts(es) == {putin.id: 2, nk.id: 2, kim.id: 2}
    assert queries.entity_mention_counts(es, "LOCATION") == {nk.id: 2}
    assert queries.documents_for_entity(es, kim.id) == [
        EntityDocument("a", 1, "", "other", PartialDate(dt.date(2019, 4, 25)), 1),
        EntityDocument("b", 1, "", "other", PartialDate(dt.date(2021, 1, 1), "year"), 1),
    ]
    assert queries.timeline(es, kim.id) == [("2019", 1), ("2020", 0), ("2021", 1)]
    assert queries.timeline(es, kim.id, "month") == [("2019-04", 1)]
    assert queries.passages(es, nk.id, width=12) == [
        Passage(
            "a",
            1,
            "",
            PartialDate(dt.date(2019, 4, 25)),
            Span(56, 67),
            "on Monday. ",
            "North Korea",
            " and Russia",
        ),
        Passage(
            "a",
            1,
            "",
            PartialDate(dt.date(2019, 4, 25)),
            Span(114, 118),
            "said the ",
            "DPRK",
            " is a",
        ),
    ]
    assert queries.cooccurring(es, putin.id) == [
        Cooccurrence(kim.id, "Kim Jong-un", "PERSON", 1),
        Cooccurrence(nk.id, "North Korea", "LOCATION", 1),
    ]
    assert queries.cooccurring(es, kim.id) == [Cooccurrence(putin.id, "Putin", "PERSON", 1)]


def test_queries_count_only_current_versions(es: EntityStore) -> None:
    kim = add(es, "Kim Jong-un", "PERSON")
    stored.replace_mentions(
        es, "b", 1, [Mention(Span(0, 11), "PERSON", "Kim Jong-un", "registry", 1.0, kim.id)], [0]
    )
    es.store.put(DocumentDraft("Nobody inspected anything.", id="b"))
    assert queries.entity_mention_counts(es) == {}
    assert queries.documents_for_entity(es, kim.id) == []
    assert len(stored.mentions(es, "b", version=1)) == 1


def test_a_new_name_affects_only_documents_that_hold_all_its_words(es: EntityStore) -> None:
    assert corrections.add_entity(es, "Russia Today", "ORGANIZATION").affected == frozenset()
    assert corrections.add_entity(es, "Núñez", "PERSON").affected == frozenset()
    assert corrections.add_entity(es, "Russia", "LOCATION").affected == {"a", "b"}


def test_many_analyses_are_stored_together_or_not_at_all(es: EntityStore) -> None:
    kim = add(es, "Kim Jong-un", "PERSON")
    a = stored.MentionSet("a", 1, [mention(20, 31, "PERSON", kim.id)], [0])
    b = stored.MentionSet(
        "b", 1, [Mention(Span(0, 11), "PERSON", "Kim Jong-un", "registry", 1.0, kim.id)], [0]
    )
    missing = stored.MentionSet("b", 2, [], [])
    with pytest.raises(DocumentNotFound, match="Document 'b' has no version 2"):
        stored.replace_many(es, [a, b, missing])
    assert stored.unanalysed(es) == [("a", 1), ("b", 1)]
    assert stored.replace_many(es, [a, b]) == 2
    assert queries.entity_mention_counts(es) == {kim.id: 2} and stored.unanalysed(es) == []


def test_removing_an_alias_unlinks_its_mentions(es: EntityStore) -> None:
    nk = add(es, "North Korea", "LOCATION", "DPRK")
    found = [mention(56, 67, "LOCATION", nk.id), mention(114, 118, "LOCATION", nk.id)]
    stored.replace_mentions(es, "a", 1, found, [1, 2])
    result = corrections.remove_alias(es, nk.id, "dprk", who="hal")
    assert result.entity == Entity(nk.id, "North Korea", "LOCATION") and result.affected == {"a"}
    assert [m.entity_id for m in stored.mentions(es, "a")] == [nk.id, None]
    with pytest.raises(InvalidEntity, match="'North Korea' is not an alias of 'North Korea'"):
        corrections.remove_alias(es, nk.id, "North Korea")


def test_untag_deletes_a_tag_and_batches_of_corrections_match_single_ones(es: EntityStore) -> None:
    first = tagging.tag(es, "a", Span(35, 44), type="LOCATION")
    tagging.tag(es, "b", Span(33, 39), type="LOCATION")
    tagging.suppress(es, "Monday")
    batch = es.corrections_for_many(["a", "b", "c"])
    assert batch == {d: es.corrections_for(d) for d in ("a", "b", "c")}
    assert [len(batch[d].tagged) for d in ("a", "b", "c")] == [1, 1, 0]
    tag_id = first.correction.detail["tag"]
    assert isinstance(tag_id, int) and tagging.untag(es, tag_id).affected == {"a"}
    assert es.tags("a") == [] and len(es.tags()) == 1
    with pytest.raises(InvalidEntity, match="No tag with id 999"):
        tagging.untag(es, 999)


def test_mentions_of_many_versions_come_back_in_one_batch(es: EntityStore) -> None:
    stored.replace_mentions(
        es, "a", 1, [mention(72, 78, "LOCATION"), mention(0, 15, "PERSON")], [1, 0]
    )
    got = stored.mentions_many(es, [("a", 1), ("b", 1), ("c", 1)])
    assert got == {("a", 1): stored.mentions(es, "a"), ("b", 1): [], ("c", 1): []}
    assert [m.text for m in got[("a", 1)]] == ["President Putin", "Russia"]


def test_unanalysed_includes_analyses_by_an_older_version(es: EntityStore) -> None:
    stored.replace_many(es, [stored.MentionSet("a", 1, [], [], analysis_version=2)])
    stored.replace_many(es, [stored.MentionSet("b", 1, [], [], analysis_version=1)])
    assert stored.unanalysed(es) == []
    assert stored.unanalysed(es, analysis_version=2) == [("b", 1)]
    assert stored.unanalysed(es, analysis_version=3) == [("a", 1), ("b", 1)]


def test_upgrading_a_database_keeps_its_analyses_as_version_1(es: EntityStore) -> None:
    stored.replace_many(es, [stored.MentionSet("a", 1, [], [], analysis_version=2)])
    url = es.store.url
    with es.store.engine.begin() as conn:  # back to the schema before migration 0004
        command.downgrade(migrations.MIGRATIONS.config(conn), "0003")
        columns = {c["name"] for c in sa.inspect(conn).get_columns("entity_analyses")}
        assert "analysis_version" not in columns
    with Store.open(url) as store:  # opening migrates to head again
        again = EntityStore(store)
        assert stored.unanalysed(again) == [("b", 1)]  # "a" is still analysed...
        assert stored.unanalysed(again, analysis_version=2) == [("a", 1), ("b", 1)]  # ...by 1
