"""``dossier entities`` registry commands through click's CliRunner: each correction is logged,
then re-analyses and re-indexes only the documents it affects (no model: registry and rules)."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from webapp.cli.commands import cli

SOURCES = ("analyst-notes.txt", "speeches.jsonl", "tass-report.html", "valdai-remarks.md")
PUTIN = "vladimir-putin-a8db3c"  # slug of the name + hash of type and name: the same everywhere
NORTH = "north-korea-858fab"
FORUM = "fixture-eastern-forum-2019"
RULES_ONLY = "; registry and rules only (no trained model)."


def _run(runner: Any, *args: str, code: int = 0) -> Any:
    result = runner.invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result


def _lines(runner: Any, *args: str) -> list[str]:
    return str(_run(runner, *args).stdout).strip().splitlines()


def _hits(runner: Any, query: str) -> list[str]:
    found = json.loads(_run(runner, "search", "--json", "--limit", "100", query).stdout)
    return sorted(hit["id"] for hit in found["hits"])


@pytest.fixture
def ingested(runner: Any, corpus_dir: Path, tmp_path: Path) -> Any:
    """An instance holding the test corpus (seven documents), analysed and indexed."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in SOURCES:
        shutil.copy(corpus_dir / name, folder)
    _run(runner, "ingest", str(folder))
    return runner


def test_add_links_the_documents_that_name_the_entity(ingested: Any) -> None:
    lines = _lines(
        ingested, "entities", "add", "Vladimir Putin", "--type", "person", "--alias", "Putin"
    )
    assert lines == [
        f"Added Vladimir Putin (PERSON, {PUTIN}).",
        f"Re-analysed 1 document (2 mentions); re-indexed 1 document{RULES_ONLY}",
    ]
    assert _hits(ingested, f"entity:{PUTIN}") == [FORUM]
    assert _lines(ingested, "entities", "list") == [
        f"{PUTIN}  PERSON  Vladimir Putin  (2 mentions)",
        "    aliases: Putin",
    ]


def test_alias_merge_and_rename_accept_names_and_follow_the_documents(ingested: Any) -> None:
    _run(ingested, "entities", "add", "North Korea", "--type", "LOCATION")
    lines = _lines(ingested, "entities", "alias", "North Korea", "DPRK")
    assert lines == [
        f"Added the alias 'DPRK': North Korea (LOCATION, {NORTH}).",
        f"Re-analysed 1 document (2 mentions); re-indexed 1 document{RULES_ONLY}",
    ]
    _run(ingested, "entities", "add", "Democratic People's Republic of Korea", "--type", "LOCATION")
    assert _hits(ingested, f"entity:{NORTH}") == ["analyst-notes", FORUM]
    lines = _lines(ingested, "entities", "merge", "Democratic People's Republic of Korea", NORTH)
    assert lines[0] == (
        f"Merged democratic-peoples-republic-of-korea-b8fcde into North Korea (LOCATION, {NORTH})."
    )
    assert _hits(ingested, f"entity:{NORTH}") == [
        "analyst-notes",
        FORUM,
        "fixture-un-statement-2017",
    ]
    assert _lines(ingested, "entities", "rename", NORTH, "DPRK (North Korea)")[0] == (
        f"Renamed: DPRK (North Korea) (LOCATION, {NORTH})."
    )
    assert _hits(ingested, 'place:"DPRK (North Korea)"') == [
        "analyst-notes",
        FORUM,
        "fixture-un-statement-2017",
    ]


def test_retype_and_split_change_the_entity_and_its_mentions(ingested: Any) -> None:
    _run(ingested, "entities", "add", "Kim Jong Un", "--type", "PERSON", "--alias", "Kim")
    retyped = _lines(ingested, "entities", "retype", "Kim Jong Un", "organization")
    assert retyped[0] == "Retyped: Kim Jong Un (ORGANIZATION, kim-jong-un-ac53aa)."
    assert _hits(ingested, "org:kim") == ["tass-report"]
    assert _hits(ingested, "person:kim") == []
    split = _lines(
        ingested, "entities", "split", "Kim Jong Un", "--alias", "Kim", "--name", "Kim Yo Jong"
    )
    assert split[0] == "Split off Kim Yo Jong (ORGANIZATION, kim-yo-jong-098f7d)."
    (line,) = [x for x in _lines(ingested, "entities", "list") if "Kim Yo Jong" in x]
    assert line == "kim-yo-jong-098f7d  ORGANIZATION  Kim Yo Jong  (0 mentions)"


def test_suppress_and_undo_remove_and_restore_a_rule_mention(ingested: Any) -> None:
    assert _lines(ingested, "entities", "suppress", "Thursday", "--type", "DATE") == [
        "Suppressed 'Thursday' as DATE.",
        f"Re-analysed 1 document (0 mentions); re-indexed 1 document{RULES_ONLY}",
    ]
    (line,) = _lines(ingested, "entities", "suppressions")
    assert line.startswith("'Thursday' DATE  (local, ")
    assert _lines(ingested, "entities", "suppress", "Thursday", "--type", "DATE", "--undo") == [
        "Lifted 'Thursday' as DATE.",
        f"Re-analysed 1 document (1 mention); re-indexed 1 document{RULES_ONLY}",
    ]
    assert _lines(ingested, "entities", "suppressions") == ["Nothing is suppressed."]


def test_tag_marks_a_missed_name_and_untag_removes_it(ingested: Any) -> None:
    lines = _lines(
        ingested, "entities", "tag", "fixture-valdai-2017", "67", "72", "--type", "LOCATION"
    )
    assert lines == [
        "Tagged 'Japan' as LOCATION.",
        f"Re-analysed 1 document (1 mention); re-indexed 1 document{RULES_ONLY}",
    ]
    assert _hits(ingested, "place:japan") == ["fixture-valdai-2017"]
    assert _lines(ingested, "entities", "tags") == [
        "#1 fixture-valdai-2017 v1 [67, 72) 'Japan' -> LOCATION"
    ]
    assert _lines(ingested, "entities", "untag", "1")[0] == "Deleted tag #1."
    assert _hits(ingested, "place:japan") == []
    assert _lines(ingested, "entities", "tags") == ["No tags."]


def test_export_and_import_round_trip_a_watch_list(ingested: Any, tmp_path: Path) -> None:
    _run(ingested, "entities", "add", "Vladimir Putin", "--type", "PERSON", "--alias", "Putin")
    path = tmp_path / "watchlist.csv"
    assert _lines(ingested, "entities", "export", str(path)) == [f"Exported 1 entities to {path}."]
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows == [
        {
            "id": PUTIN,
            "name": "Vladimir Putin",
            "type": "PERSON",
            "aliases": "Putin",
            "description": "",
            "external_id": "",
        }
    ]
    path.write_text(
        path.read_text(encoding="utf-8") + ",Pyongyang,LOCATION,,,\n,,SHIP,,,\n", encoding="utf-8"
    )
    lines = _lines(ingested, "entities", "import", str(path))
    assert lines[0] == "Imported watchlist.csv: 1 added, 0 updated, 1 unchanged, 1 skipped."
    assert lines[1].startswith("  watchlist.csv:4: ")
    assert lines[2] == f"Re-analysed 3 documents (7 mentions); re-indexed 3 documents{RULES_ONLY}"
    exported = json.loads(_run(ingested, "entities", "export", "--format", "json").stdout)
    assert [e["name"] for e in exported] == ["Pyongyang", "Vladimir Putin"]


def test_history_lists_corrections_newest_first_with_who(ingested: Any) -> None:
    _run(ingested, "entities", "--who", "analyst-1", "add", "NATO", "--type", "ORGANIZATION")
    _run(ingested, "entities", "suppress", "Thursday")
    found = json.loads(_run(ingested, "entities", "history", "--json").stdout)
    assert [(c["kind"], c["who"]) for c in found] == [("suppress", "local"), ("add", "analyst-1")]
    (line,) = _lines(ingested, "entities", "history", "NATO")
    assert line.endswith(
        " analyst-1: add nato-8da849 (name='NATO', type='ORGANIZATION', aliases=[], documents=1)"
    )


def test_an_unknown_or_ambiguous_entity_is_refused_with_a_hint(ingested: Any) -> None:
    result = _run(ingested, "entities", "alias", "nobody", "X", code=1)
    assert result.stderr == (
        "Error: No entity has the id or name 'nobody'. List them with \"dossier entities list\".\n"
    )
    _run(ingested, "entities", "add", "Georgia", "--type", "LOCATION")
    _run(ingested, "entities", "add", "Georgia", "--type", "PERSON")
    result = _run(ingested, "entities", "alias", "Georgia", "Sakartvelo", code=1)
    assert "Error: 'Georgia' names 2 entities: " in result.stderr
    assert result.stderr.endswith(". Give an id.\n")


def test_a_correction_that_affects_no_document_says_so(ingested: Any) -> None:
    assert _lines(ingested, "entities", "add", "Atlantis", "--type", "LOCATION")[1] == (
        "No document is affected."
    )


def test_names_print_without_the_control_sequences_they_were_given(ingested: Any) -> None:
    name = "Evil\x1b]0;owned\x07 Name\x1b[2J"
    added = _run(ingested, "entities", "add", name, "--type", "person")
    assert "\x1b" not in added.stdout and "Evil" in added.stdout
    listed = _run(ingested, "entities", "list").stdout
    assert "\x1b" not in listed and "Evil" in listed
    failed = _run(ingested, "entities", "alias", name + "x", "Other", code=1)
    assert "\x1b" not in failed.stderr and "Evil" in failed.stderr
