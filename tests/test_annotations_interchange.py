"""Export and import: W3C Web Annotation exports valid against the W3C test suite's schemas,
round trips into an empty instance that keep every field, and hostile files that import their
valid items and say what is wrong with each other one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from referencing import Registry
from referencing.jsonschema import DRAFT4

from annotations.errors import InvalidImport
from annotations.interchange import all_annotations, export_w3c, import_items, read_w3c
from annotations.model import AnnotationDraft, Changes, Selection
from annotations.replies import add_reply
from annotations.store import AnnotationStore
from annotations.tabular import export_csv, parse_row, read_csv
from annotations.w3c import Urls
from corpus.model import DocumentDraft
from corpus.store import Store

URLS = Urls("http://dossier.example")
TEXT = (
    "Vladimir Putin: Infrastructure is Russia's calling card in the Far East. We will build "
    "ports, roads and bridges, and we will pay in rubles.\n\nQuestion: And the yuan?"
)


def corpus(store: Store) -> None:
    store.put(DocumentDraft(text=TEXT, id="eef-2019", kind="speech", origin="eef.txt"))
    store.put(DocumentDraft(text="Talks resumed in Vienna.", id="news-1", origin="n.txt"))


@pytest.fixture
def astore(tmp_path: Path) -> Iterator[AnnotationStore]:
    with Store.open(f"sqlite:///{tmp_path / 'a.db'}") as store:
        corpus(store)
        yield AnnotationStore(store)


@pytest.fixture
def empty(tmp_path: Path) -> Iterator[AnnotationStore]:
    """Another instance with the same documents and no annotations."""
    with Store.open(f"sqlite:///{tmp_path / 'b.db'}") as store:
        corpus(store)
        yield AnnotationStore(store)


def annotate(astore: AnnotationStore, quote: str, **fields: Any) -> str:
    start = TEXT.index(quote)
    sel = Selection("eef-2019", 1, start, start + len(quote), quote)
    annotation, _ = astore.create(AnnotationDraft(sel, **fields), author="local")
    return annotation.id


def annotated(astore: AnnotationStore) -> AnnotationStore:
    first = annotate(
        astore,
        "calling card",
        note="First *public* mention",
        tags=("energy", "Far East"),
        colour="green",
        visibility="team",
        client_key="k-1",
    )
    annotate(astore, "pay in rubles")  # a plain highlight
    annotate(astore, "the yuan", note="=cmd|' /C calc'!A0", tags=("-risk",))  # formula-like
    add_reply(astore, first, "Source?", author="ana")
    add_reply(astore, first, "The Kremlin site.", author="local", visibility="private")
    astore.update(first, Changes(note="First **public** mention"), revision=1, actor="local")
    return astore


@pytest.fixture(scope="module")
def w3c_validators(shared_data_dir: Path) -> dict[str, list[Any]]:
    """Validators for every "must" assertion of the W3C test suite, by kind of object."""
    root = shared_data_dir / "w3c-annotation"
    registry: Registry[Any] = Registry()
    for path in sorted((root / "definitions").glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        registry = registry.with_resource(schema["id"], DRAFT4.create_resource(schema))
    found: dict[str, list[Any]] = {}
    tests = {
        "annotation": "annotations/annotationMusts.test",
        "collection": "collections/collectionMusts.test",
        "page": "collections/pages/pageMusts.test",
    }
    for kind, test in tests.items():
        assertions = json.loads((root / test).read_text(encoding="utf-8"))["assertions"]
        found[kind] = []
        for name in assertions:
            schema = json.loads((root / name).read_text(encoding="utf-8"))
            if schema.get("assertionType", "must") == "must":
                found[kind].append((name, jsonschema.Draft4Validator(schema, registry=registry)))
    return found


def test_exports_are_valid_w3c_annotations_collections_and_pages(
    astore: AnnotationStore, w3c_validators: dict[str, list[Any]]
) -> None:
    exported = export_w3c(all_annotations(annotated(astore), viewer="local"), URLS, label="All")

    def check(kind: str, instance: dict[str, Any]) -> None:
        for name, validator in w3c_validators[kind]:
            errors = [e.message for e in validator.iter_errors(instance)]
            assert errors == [], f"{kind} fails {name}: {errors}"

    check("collection", exported)
    page = {"@context": exported["@context"], **exported["first"]}
    check("page", page)
    items = page["items"]
    assert len(items) == 5  # three annotations, two replies
    for item in items:
        check("annotation", {"@context": exported["@context"], **item})
    first = items[0]
    assert first["target"]["source"] == "http://dossier.example/documents/eef-2019?version=1"
    assert [s["type"] for s in first["target"]["selector"]] == [
        "TextQuoteSelector", "TextPositionSelector",
    ]  # fmt: skip
    assert {b["purpose"] for b in first["body"]} == {"commenting", "tagging"}
    assert items[1]["motivation"] == "replying" and items[1]["target"] == first["id"]


def _comparable(astore: AnnotationStore) -> list[Any]:
    return sorted(all_annotations(astore, viewer="local"), key=lambda a: a.id)


def test_a_w3c_export_imported_into_an_empty_instance_round_trips_every_field(
    astore: AnnotationStore, empty: AnnotationStore
) -> None:
    annotated(astore)
    exported = json.dumps(export_w3c(all_annotations(astore, viewer="local"), URLS, label="All"))

    report = import_items(empty, read_w3c(exported.encode()))

    assert (report.annotations, report.replies, report.present, report.failed) == (3, 2, 0, ())
    assert _comparable(empty) == _comparable(astore)
    again = import_items(empty, read_w3c(exported.encode()))
    assert (again.annotations, again.present) == (0, 3)


def test_a_csv_export_round_trips_and_keeps_formulas_out_of_spreadsheets(
    astore: AnnotationStore, empty: AnnotationStore
) -> None:
    annotated(astore)
    text = export_csv(all_annotations(astore, viewer="local"))

    assert "\n'=cmd|" not in text and ",'=cmd|" in text and ",'-risk," in text
    report = import_items(empty, read_csv(text.encode()), parse=parse_row)

    assert (report.annotations, report.replies, report.failed) == (3, 2, ())
    assert _comparable(empty) == _comparable(astore)


def test_a_hostile_file_imports_its_valid_items_and_names_each_bad_one(
    astore: AnnotationStore, empty: AnnotationStore
) -> None:
    annotate(astore, "calling card", note="<script>alert(1)</script> kept as Markdown text")
    good = export_w3c(all_annotations(astore, viewer="local"), URLS, label="x")["first"]["items"][0]
    target = good["target"]
    bad: list[Any] = [
        "just a string",
        {"type": "Note", "target": target},
        {"type": "Annotation"},
        {**good, "id": "urn:1", "target": {**target, "source": "javascript:alert(1)"}},
        {
            **good,
            "id": "urn:2",
            "target": {
                **target,
                "selector": [{"type": "TextQuoteSelector", "exact": "not in the text"}],
            },
        },
        {
            **good,
            "id": "urn:3",
            "target": {
                **target,
                "selector": {"type": "TextPositionSelector", "start": -1, "end": 2},
            },
        },
        {**good, "id": "urn:4", "body": [{"type": "TextualBody", "value": "x" * 20_001}]},
        {**good, "id": "urn:5", "dossier:colour": "red; background:url(x)"},
        {**good, "id": "urn:6", "dossier:visibility": "everyone"},
        {**good, "id": "urn:7", "created": "yesterday"},
        {
            **good,
            "id": "urn:8",
            "body": [{"type": "TextualBody", "value": "t,1", "purpose": "tagging"}],
        },
        {**good, "id": "urn:9", "target": {**target, "source": "http://x/documents/nope"}},
        {
            "type": "Annotation",
            "motivation": "replying",
            "target": "urn:missing",
            "body": {"value": "hi"},
        },
        {**good, "id": "urn:10", "creator": {"name": ["not", "a", "name"]}},
    ]

    report = import_items(empty, [*bad, good])

    assert report.annotations == 1
    reasons = dict(report.failed)
    assert len(report.failed) == len(bad)
    assert reasons["item 1"] == "not a JSON object but str"
    assert "Dossier document URL" in reasons["item 4 (urn:1)"]
    assert "is not in version 1" in reasons["item 5 (urn:2)"]
    assert "20,001 characters" in reasons["item 7 (urn:4)"]
    assert (
        "Unknown colour" in reasons["item 8 (urn:5)"]
        or "unknown colour" in reasons["item 8 (urn:5)"]
    )
    assert "No document with id 'nope'" in reasons["item 12 (urn:9)"]
    assert "is not in this file" in reasons["item 13"]
    (imported,) = all_annotations(empty, viewer="local")
    assert imported.note.startswith("<script>")  # stored as written; rendering sanitizes it


@pytest.mark.parametrize(
    "data, message",
    [
        (b"not json", "not JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "not JSON"),
        (b"\xff\xfe", "not JSON"),
        (b'"a string"', "holds no annotations"),
    ],
)
def test_a_file_that_is_not_an_export_is_refused_whole(data: bytes, message: str) -> None:
    with pytest.raises(InvalidImport, match=message):
        read_w3c(data)


def test_a_csv_file_without_the_columns_is_refused_whole() -> None:
    with pytest.raises(InvalidImport, match="no kind, id, document_id, quote column"):
        read_csv(b"a,b\n1,2\n")
