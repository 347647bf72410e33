"""``dossier annotations list|export|import|reanchor`` through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from annotations.model import AnnotationDraft, Selection
from annotations.store import AnnotationStore
from corpus.store import Store
from webapp.cli import cli

DOC = "fixture-eastern-forum-2019"


@pytest.fixture
def home(runner: Any, corpus_dir: Path, tmp_path: Path) -> Path:
    """An instance holding the test corpus and one annotation."""
    result = runner.invoke(cli, ["ingest", "--no-analyse", "--no-index", str(corpus_dir)])
    assert result.exit_code == 0, result.output
    with Store.open(f"sqlite:///{tmp_path / 'home' / 'dossier.db'}") as store:
        text = store.get(DOC).text
        quote = "a zone of peace in the Far East"
        sel = Selection(DOC, 1, text.index(quote), text.index(quote) + len(quote), quote)
        AnnotationStore(store).create(
            AnnotationDraft(sel, note="First mention", tags=("energy",)), author="local"
        )
    return tmp_path / "home"


def test_list_shows_each_annotation_on_one_line(runner: Any, home: Path) -> None:
    result = runner.invoke(cli, ["annotations", "list"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert f"  exact  {DOC}  “a zone of peace in the Far East” [energy]  First mention" in lines[0]
    assert lines[-1] == "1 of 1 annotations."
    as_json = json.loads(
        runner.invoke(cli, ["annotations", "list", "--json", "--tag", "energy"]).output
    )
    assert [a["quote"] for a in as_json] == ["a zone of peace in the Far East"]


def test_export_then_import_into_another_instance(
    runner: Any, home: Path, corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exported = tmp_path / "annotations.jsonld"
    result = runner.invoke(cli, ["annotations", "export", str(exported)])
    assert result.exit_code == 0 and "Exported 1 annotations" in result.output
    assert json.loads(exported.read_text())["type"] == "AnnotationCollection"
    csv_out = runner.invoke(cli, ["annotations", "export", "-", "--format", "csv"]).output
    assert csv_out.startswith("kind,id,reply_to,document_id")

    monkeypatch.setenv("DOSSIER_HOME", str(tmp_path / "other"))
    runner.invoke(cli, ["ingest", "--no-analyse", "--no-index", str(corpus_dir)])
    imported = runner.invoke(cli, ["annotations", "import", str(exported)])
    again = runner.invoke(cli, ["annotations", "import", str(exported)])

    assert imported.exit_code == 0, imported.output
    assert (
        "Imported 1 annotations and 0 replies; 0 were already here; 0 items failed."
        in imported.output
    )
    assert "Imported 0 annotations and 0 replies; 1 were already here" in again.output


def test_an_import_where_every_item_fails_exits_1_and_says_why(
    runner: Any, home: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"type": "Annotation", "target": "http://elsewhere/x"}]))
    result = runner.invoke(cli, ["annotations", "import", str(bad)])
    assert result.exit_code == 1
    assert "item 1:" in result.output and "Nothing was imported" in result.output
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    result = runner.invoke(cli, ["annotations", "import", str(broken)])
    assert result.exit_code == 1 and "is not JSON" in result.output


def test_ingest_re_anchors_and_reanchor_catches_up_what_is_left(
    runner: Any, home: Path, corpus_dir: Path, tmp_path: Path
) -> None:
    lines = (corpus_dir / "speeches.jsonl").read_text(encoding="utf-8").splitlines()
    (row,) = [json.loads(line) for line in lines if f'"{DOC}"' in line]
    row["text"] = "Opening words added by the editors.\n\n" + row["text"]
    edited = tmp_path / "republished.jsonl"
    edited.write_text(json.dumps(row) + "\n", encoding="utf-8")
    ingested = runner.invoke(cli, ["ingest", "--no-analyse", "--no-index", str(edited)])
    assert ingested.exit_code == 0, ingested.output
    assert "Re-anchor: queued 1, documents 1, moved 1." in ingested.output

    result = runner.invoke(cli, ["annotations", "reanchor"])

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Re-anchor: nothing to do.",
        "Waiting: 0 documents; failed: 0.",
    ]
    listed = runner.invoke(cli, ["annotations", "list", "--status", "moved"]).output
    assert listed.splitlines()[-1] == "1 of 1 annotations."
