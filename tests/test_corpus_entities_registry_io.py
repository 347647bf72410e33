"""Registry import and export as CSV and JSON, on SQLite and PostgreSQL (``store_url``)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from corpus.entities import corrections
from corpus.entities.model import Entity
from corpus.entities.reanalysis import REANALYSE
from corpus.entities.registry_io import (
    ImportReport,
    SkippedRow,
    export_registry,
    import_file,
    import_registry,
    read_rows,
)
from corpus.entities.store import EntityStore
from corpus.errors import InvalidEntity
from corpus.jobs import pending_documents
from corpus.model import DocumentDraft
from corpus.store import Store

CSV = """id,name,type,aliases,description,external_id
,Vladimir Putin,PERSON,Putin|President Putin,President of Russia,Q7747
nk,North Korea,LOCATION,DPRK|D.P.R.K.,,
,Nobody,ALIEN,,,
,   ,PERSON,,,
,Sergei Lavrov,PERSON,Lavrov,,7747
"""


@pytest.fixture
def es(store_url: str) -> Iterator[EntityStore]:
    with Store.open(store_url) as store:
        store.put(DocumentDraft("Mr. Lavrov met the DPRK envoy.", id="a"))
        store.put(DocumentDraft("Rain in Spain.", id="b"))
        yield EntityStore(store)


def import_csv(es: EntityStore, text: str, *, strict: bool = False) -> ImportReport:
    return import_registry(es, read_rows(io.StringIO(text), "csv", "list.csv"), strict=strict)


def test_a_csv_import_adds_good_rows_and_skips_bad_ones_with_reasons(es: EntityStore) -> None:
    report = import_csv(es, CSV)
    putin = es.find("Vladimir Putin")[0]
    assert report.added == (putin.id, "nk")
    assert report.skipped == (
        SkippedRow(
            "list.csv:4",
            "Unknown entity type 'ALIEN': use one of PERSON, ORGANIZATION, "
            "LOCATION, NORP, DATE, MONEY, PERCENT.",
        ),
        SkippedRow("list.csv:5", "The name is empty: give the entity a name."),
        SkippedRow(
            "list.csv:6",
            "External id '7747' is not a Wikidata item id: use Q followed by digits, like Q7747.",
        ),
    )
    assert es.get("nk") == Entity("nk", "North Korea", "LOCATION", ("DPRK",))
    assert putin == Entity(
        putin.id,
        "Vladimir Putin",
        "PERSON",
        ("President Putin", "Putin"),
        "President of Russia",
        "Q7747",
    )
    assert report.affected == {"a"}


def test_strict_import_refuses_the_whole_file_for_one_bad_row(es: EntityStore) -> None:
    with pytest.raises(InvalidEntity, match=r"3 bad rows, nothing imported\. list.csv:4: "):
        import_csv(es, CSV, strict=True)
    assert es.entities() == [] and es.revision() == 0


def test_rows_update_entities_matched_by_id_or_by_normalised_name_and_type(
    es: EntityStore,
) -> None:
    nk = corrections.add_entity(es, "North Korea", "LOCATION", id="nk").entity
    lavrov = corrections.add_entity(es, "Sergei Lavrov", "PERSON").entity
    assert nk is not None and lavrov is not None
    text = (
        "id,name,type,aliases,description,external_id\n"
        "nk,North Korea,LOCATION,DPRK,,Q423\n"
        ",SERGEI LAVROV,PERSON,,,\n"
        ",Sergei Lavrov,ORGANIZATION,,,\n"
    )
    report = import_csv(es, text)
    org = es.find("Sergei Lavrov", type="ORGANIZATION")[0]
    assert (report.added, report.updated, report.unchanged) == (
        (org.id,),
        ("nk",),
        (lavrov.id,),
    )
    assert es.get("nk") == Entity("nk", "North Korea", "LOCATION", ("DPRK",), "", "Q423")


def test_an_id_row_renames_and_retypes_and_a_merged_id_updates_the_survivor(
    es: EntityStore,
) -> None:
    corrections.add_entity(es, "Burma", "ORGANIZATION", id="mm")
    corrections.add_entity(es, "Myanmar (country)", "LOCATION", id="mm2")
    corrections.merge(es, "mm2", into="mm")
    report = import_csv(es, "id,name,type\nmm2,Myanmar,LOCATION\n")
    assert report.updated == ("mm",)
    assert es.get("mm") == Entity("mm", "Myanmar", "LOCATION", ("Burma", "Myanmar (country)"))


def test_a_row_that_cannot_apply_is_skipped_and_the_rest_still_goes_in(es: EntityStore) -> None:
    corrections.add_entity(es, "Putin", "PERSON", id="putin")
    corrections.add_entity(es, "Lavrov", "PERSON", id="lavrov")
    text = "id,name,type\nlavrov,Putin,PERSON\n,Xi Jinping,PERSON\n"
    report = import_csv(es, text)
    (skipped,) = report.skipped
    assert (
        skipped.where == "list.csv:2"
        and "already the name of PERSON entity 'putin'" in skipped.reason
    )
    assert es.get("lavrov").name == "Lavrov"
    assert [e.name for e in es.find("xi jinping")] == ["Xi Jinping"]


def test_export_then_import_elsewhere_gives_the_same_registry(
    es: EntityStore, tmp_path: Path
) -> None:
    import_csv(es, CSV)
    corrections.add_entity(es, 'Ca\u0308fe, "Le" Noir', "ORGANIZATION", aliases=["Café Noir"])
    for format in ("csv", "json"):
        path = tmp_path / f"registry.{format}"
        with path.open("w", encoding="utf-8", newline="") as out:
            assert export_registry(es, out, format) == 3
        with Store.open(f"sqlite:///{tmp_path / format}.db") as other:
            copy = EntityStore(other)
            report = import_file(copy, path, who="team")
            assert len(report.added) == 3 and not report.skipped
            assert copy.entities() == es.entities()
            again = import_file(copy, path)
            assert len(again.unchanged) == 3 and copy.entities() == es.entities()


def test_csv_and_json_exports_are_exact(es: EntityStore) -> None:
    corrections.add_entity(
        es, "North Korea", "LOCATION", aliases=["DPRK"], external_id="Q423", id="nk"
    )
    csv_out, json_out = io.StringIO(), io.StringIO()
    export_registry(es, csv_out, "csv")
    export_registry(es, json_out, "json")
    assert csv_out.getvalue() == (
        "id,name,type,aliases,description,external_id\nnk,North Korea,LOCATION,DPRK,,Q423\n"
    )
    assert json.loads(json_out.getvalue()) == [
        {
            "id": "nk",
            "name": "North Korea",
            "type": "LOCATION",
            "aliases": ["DPRK"],
            "description": "",
            "external_id": "Q423",
        }
    ]


@pytest.mark.parametrize(
    ("format", "text", "message"),
    [
        ("csv", "label,kind\nPutin,PERSON\n", "needs at least name and type"),
        ("json", '{"name": "Putin"}', "must hold a JSON list"),
        ("json", "[{", "is not valid JSON"),
        ("xml", "<a/>", "Unknown registry format 'xml'"),
    ],
)
def test_an_unusable_file_is_refused_whole(format: str, text: str, message: str) -> None:
    with pytest.raises(InvalidEntity, match=message):
        read_rows(io.StringIO(text), format, "list")


def test_json_rows_with_wrong_shapes_are_skipped_with_reasons(es: EntityStore) -> None:
    data = (
        '[{"name": "Putin", "type": "PERSON", "aliases": "Vova|V. Putin"}, 7,'
        ' {"name": 5, "type": "PERSON"}, {"name": "X", "type": "PERSON", "aliases": [1]}]'
    )
    report = import_registry(es, read_rows(io.StringIO(data), "json", "list.json"))
    assert len(report.added) == 1
    assert [s.where for s in report.skipped] == ["list.json[1]", "list.json[2]", "list.json[3]"]
    assert es.find("Putin")[0].aliases == ("V. Putin", "Vova")


def test_an_import_queues_the_documents_it_affects_like_any_correction(es: EntityStore) -> None:
    report = import_csv(es, CSV)
    assert report.affected == {"a"}
    assert pending_documents(es, REANALYSE, ["a", "b"]) == {"a"}
