"""Corrections at collection scale on the command line: one that would re-analyse more than
CONFIRM_DOCUMENTS documents says how many and asks (``--yes`` does not), refuses without a
terminal to ask on, and the re-analysis shows its progress in a log (CliRunner's output is
not a terminal) as well as on a terminal (a real ``dossier`` process on a pseudo-terminal)."""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from corpus.entities import EntityStore, add_entity
from webapp.cli.commands import cli
from webapp.config import load_config
from webapp.instance import open_store

SOURCES = ("analyst-notes.txt", "speeches.jsonl", "tass-report.html", "valdai-remarks.md")
RUSSIA = ("entities", "add", "Russia", "--type", "location")


def _run(runner: Any, *args: str, code: int = 0) -> Any:
    result = runner.invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result


@pytest.fixture
def ingested(runner: Any, corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The test corpus (seven documents) ingested; corrections of more than two ask first."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in SOURCES:
        shutil.copy(corpus_dir / name, folder)
    _run(runner, "ingest", str(folder))
    monkeypatch.setenv("DOSSIER_CONFIRM_DOCUMENTS", "2")
    return runner


def _registry(runner: Any) -> list[str]:
    return [e["name"] for e in json.loads(_run(runner, "entities", "list", "--json").stdout)]


def test_a_large_correction_without_a_terminal_is_refused_naming_yes(ingested: Any) -> None:
    refused = _run(ingested, *RUSSIA, code=1)
    assert "Error: This correction re-analyses 4 documents, more than 2 (CONFIRM_DOCUMENTS)." in (
        refused.stderr
    )
    assert "Nothing was changed: run the command again with --yes to apply it." in refused.stderr
    assert _registry(ingested) == []
    assert _run(ingested, "entities", "history").stdout.strip() == "No corrections yet."


def test_yes_applies_it_and_the_re_analysis_reports_in_a_log(ingested: Any) -> None:
    done = _run(ingested, *RUSSIA, "--yes")
    assert done.stdout.splitlines()[0].startswith("Added Russia (LOCATION, ")
    assert "Re-analysing: done in " in done.stderr and "(4 documents, 4 indexed)." in done.stderr
    assert _registry(ingested) == ["Russia"]
    small = _run(ingested, "entities", "add", "Valdai", "--type", "location")  # 1 document
    assert small.stdout.splitlines()[0].startswith("Added Valdai (LOCATION, ")


def test_reanalyse_in_a_log_prints_its_progress_lines(ingested: Any) -> None:
    with open_store(load_config(generate_secret=False)) as store:
        add_entity(EntityStore(store), "Russia", "LOCATION")  # queued, not re-analysed
    found = _run(ingested, "entities", "reanalyse")
    assert "Re-analysing: done in " in found.stderr
    assert "(4 documents, 4 indexed)." in found.stderr
    assert found.stdout.splitlines()[-1] == "Queue: empty."


def test_on_a_terminal_it_asks_and_no_changes_nothing(
    ingested: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    said, code = _on_terminal(["entities", *RUSSIA[1:]], "n\n")
    assert "This correction re-analyses 4 documents, more than 2." in said
    assert "Apply it? [y/N]:" in said and "Error: Nothing was changed." in said
    assert code == 1 and _registry(ingested) == []
    said, code = _on_terminal(["entities", *RUSSIA[1:]], "y\n")
    assert code == 0 and "Added Russia (LOCATION, " in said
    assert _registry(ingested) == ["Russia"]


def _on_terminal(args: list[str], answer: str) -> tuple[str, int]:
    """Run ``dossier ARGS`` on a pseudo-terminal, answer its question; what it printed."""
    main, other = os.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "webapp", *args], stdin=other, stdout=other, stderr=other
    )
    os.close(other)
    said = b""
    try:
        while b"[y/N]" not in said and process.poll() is None:
            ready, _, _ = select.select([main], [], [], 60)
            if not ready:
                break
            said += os.read(main, 4096)
        os.write(main, answer.encode())
        code = process.wait(timeout=300)
        while select.select([main], [], [], 0.5)[0]:
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            said += chunk
    finally:
        os.close(main)
        if process.poll() is None:
            process.kill()
    return said.decode("utf-8", "replace"), code
