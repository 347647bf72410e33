"""``dossier briefs list|show|verify|export`` through click's CliRunner, on an instance whose
cited document is re-ingested with an edit (the ingest marks the brief)."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import docx
import pytest

from annotations.briefs import BriefChanges, BriefDraft, BriefStore, CitationDraft
from annotations.model import Selection
from annotations.store import AnnotationStore
from corpus.store import Store
from webapp.cli import cli

DOC = "fixture-eastern-forum-2019"
QUOTE = "a zone of peace in the Far East"


@pytest.fixture
def home(runner: Any, corpus_dir: Path, tmp_path: Path) -> Path:
    """An instance holding a copy of the test corpus and one brief citing it."""
    sources = tmp_path / "sources"
    shutil.copytree(corpus_dir, sources)
    result = runner.invoke(cli, ["ingest", "--no-analyse", "--no-index", str(sources)])
    assert result.exit_code == 0, result.output
    with Store.open(f"sqlite:///{tmp_path / 'home' / 'dossier.db'}") as store:
        bstore = BriefStore(AnnotationStore(store))
        brief, _ = bstore.create(BriefDraft("Far East peace"), owner="local")
        text = store.get(DOC).text
        sel = Selection(DOC, 1, text.index(QUOTE), text.index(QUOTE) + len(QUOTE), QUOTE)
        _, citation = bstore.cite(brief.id, CitationDraft(selection=sel), actor="local")
        body = f"Putin wanted “{QUOTE}”[@{citation.id}]."
        bstore.update(brief.id, BriefChanges(body=body), revision=1, actor="local")
    return sources


def brief_id(runner: Any) -> str:
    found: str = json.loads(runner.invoke(cli, ["briefs", "list", "--json"]).output)[0]["id"]
    return found


def test_list_show_and_verify_an_intact_brief(runner: Any, home: Path) -> None:
    listed = runner.invoke(cli, ["briefs", "list"])
    assert listed.exit_code == 0, listed.output
    id = brief_id(runner)
    assert listed.output.splitlines() == [
        f"  {id}  Far East peace  (1 citations, private)",
        "1 briefs.",
    ]

    shown = runner.invoke(cli, ["briefs", "show", id, "--base-url", "http://x"])
    assert shown.output.splitlines()[2] == f"Putin wanted “{QUOTE}”[^1]."
    assert shown.output.splitlines()[4].startswith("[^1]: Vladimir Putin, “Plenary session")

    verified = runner.invoke(cli, ["briefs", "verify", id])
    assert verified.exit_code == 0, verified.output
    assert verified.output.splitlines() == [f"  1. exact    {QUOTE!r}", "1 citations: 1 exact."]


def test_re_ingesting_an_edited_source_flags_the_brief_and_export_warns(
    runner: Any, home: Path, tmp_path: Path
) -> None:
    id = brief_id(runner)
    speeches = home / "speeches.jsonl"
    speeches.write_text(speeches.read_text().replace("zone of peace", "zone of calm"))
    ingested = runner.invoke(cli, ["ingest", "--no-analyse", "--no-index", str(home)])
    assert "Verify-briefs: queued 1, documents 1, briefs 1, changed 1." in ingested.output

    listed = runner.invoke(cli, ["briefs", "list"]).output.splitlines()
    verified = runner.invoke(cli, ["briefs", "verify", id])
    refused = runner.invoke(cli, ["briefs", "export", id, str(tmp_path / "brief.docx")])
    forced = runner.invoke(cli, ["briefs", "export", id, str(tmp_path / "brief.docx"), "--force"])

    assert listed[0].startswith(f"! {id}")
    assert verified.exit_code == 1
    assert "     now: a zone of [-peace-] {+calm+} in the Far East" in verified.output
    assert "1 quotes changed or are missing" in verified.output
    assert (
        refused.exit_code == 1
        and "Notes 1 (changed)" in refused.output
        and "--force" in refused.output
    )
    assert forced.exit_code == 0, forced.output
    assert forced.output.strip().endswith("(docx, 1 notes). Check notes 1.")
    document = docx.Document(io.BytesIO((tmp_path / "brief.docx").read_bytes()))
    assert document.paragraphs[1].text == f"Putin wanted “{QUOTE}”."
