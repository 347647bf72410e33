"""The ``dossier`` command through click's CliRunner, on real instances in tmp_path."""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from corpus.migrations import head_revision
from indexer.analyse import RESOURCES
from indexer.generations import new_generation
from indexer.lock import index_lock
from webapp.cli.commands import cli

REPO = Path(__file__).resolve().parent.parent

# The test corpus files these tests ingest (copied, so files added to tests/data later do not
# change the counts asserted here).
SOURCES = ("analyst-notes.txt", "speeches.jsonl", "tass-report.html", "valdai-remarks.md")
CORPUS_IDS = [
    "analyst-notes",
    "fixture-eastern-forum-2019",
    "fixture-news-pipeline-2018",
    "fixture-no-date",
    "fixture-un-statement-2017",
    "fixture-valdai-2017",
    "tass-report",
]


NO_MODEL = (
    "; no trained model, so only the registry and the rules found mentions (train one with "
    '"dossier entities train --corpus FILE").'
)


def _run(runner: Any, *args: str, code: int = 0, env: dict[str, str] | None = None) -> str:
    """stdout of ``dossier ARGS`` after checking its exit status (stderr is in ``_err``)."""
    result = _invoke(runner, *args, env=env)
    assert result.exit_code == code, result.output
    return str(result.stdout)


def _err(runner: Any, *args: str, code: int = 1, env: dict[str, str] | None = None) -> str:
    """stderr of a ``dossier ARGS`` that exits with ``code``."""
    result = _invoke(runner, *args, env=env)
    assert result.exit_code == code, result.output
    return str(result.stderr)


def _invoke(runner: Any, *args: str, env: dict[str, str] | None = None) -> Any:
    return runner.invoke(cli, list(args), env=env, catch_exceptions=False)


def _lines(output: str) -> list[str]:
    return output.strip().splitlines()


@pytest.fixture
def sources(corpus_dir: Path, tmp_path: Path) -> Path:
    """A folder with the four source files of the test corpus (seven documents)."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in SOURCES:
        shutil.copy(corpus_dir / name, folder)
    return folder


@pytest.fixture
def ingested(runner: Any, sources: Path) -> Any:
    """The runner's instance with the test corpus ingested and indexed."""
    _run(runner, "ingest", str(sources))
    return runner


def test_ingest_stores_the_test_corpus_and_builds_the_index(runner: Any, sources: Path) -> None:
    lines = _lines(_run(runner, "ingest", str(sources)))
    assert (
        lines[0] == "Ingested: 7 added, 0 updated, 0 unchanged, 0 failed (4 files read, 0 skipped)."
    )
    assert lines[1].startswith("Entities: analysed 7 documents, ")
    assert lines[1].endswith(NO_MODEL)
    assert lines[2].startswith("Index: built (generation gen-")
    assert lines[2].endswith(", 7 documents).")


def test_ingest_again_changes_nothing(ingested: Any, sources: Path) -> None:
    lines = _lines(_run(ingested, "ingest", str(sources)))
    assert (
        lines[0] == "Ingested: 0 added, 0 updated, 7 unchanged, 0 failed (4 files read, 0 skipped)."
    )
    assert lines[1] == "Entities: every document is analysed already."
    assert lines[2].startswith("Index: already up to date (generation gen-")


def test_ingest_json_lists_ids_by_outcome_and_the_index_state(runner: Any, sources: Path) -> None:
    report = json.loads(_run(runner, "ingest", "--json", str(sources)))
    assert sorted(report["added"]) == CORPUS_IDS
    assert (report["updated"], report["unchanged"], report["failed"]) == ([], [], [])
    assert report["files"] == 4
    assert report["index"]["is_current"] is True
    assert report["index"]["documents"] == 7


def test_a_changed_document_is_updated_and_the_index_caught_up(
    ingested: Any, corpus_dir: Path, tmp_path: Path
) -> None:
    changed = tmp_path / "valdai-remarks.md"
    text = (corpus_dir / "valdai-remarks.md").read_text(encoding="utf-8")
    changed.write_text(text + "\nA new closing paragraph.\n", encoding="utf-8")
    lines = _lines(_run(ingested, "ingest", str(changed)))
    assert (
        lines[0] == "Ingested: 0 added, 1 updated, 0 unchanged, 0 failed (1 files read, 0 skipped)."
    )
    assert lines[1].startswith("Entities: analysed 1 document, ")
    assert lines[2].startswith("Index: caught up 1 write (generation gen-")
    assert lines[2].endswith(", 7 documents).")


def test_ingest_replace_takes_another_folders_file_as_the_next_version(
    runner: Any, tmp_path: Path
) -> None:
    for folder, text in (("a", "The first draft."), ("b", "The draft, moved and revised.")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "report.md").write_text(text, "utf-8")
    quiet = ("--no-analyse", "--no-index")
    _run(runner, "ingest", *quiet, str(tmp_path / "a" / "report.md"))

    lines = _lines(_run(runner, "ingest", *quiet, "--replace", str(tmp_path / "b" / "report.md")))

    assert (
        lines[0] == "Ingested: 0 added, 1 updated, 0 unchanged, 0 failed (1 files read, 0 skipped)."
    )


def test_ingest_counts_the_jsonl_lines_without_an_id(runner: Any, tmp_path: Path) -> None:
    dump = tmp_path / "dump.jsonl"
    rows = [{"id": "one", "text": "One."}, {"url": "https://example.org/2", "text": "Two."}]
    rows.append({"text": "Three."})
    dump.write_text("".join(json.dumps(row) + "\n" for row in rows), "utf-8")

    lines = _lines(_run(runner, "ingest", "--no-analyse", "--no-index", str(dump)))
    report = json.loads(_run(runner, "ingest", "--no-analyse", "--no-index", "--json", str(dump)))

    assert lines[1] == (
        "JSONL lines without an id: 2 (1 known by url, 1 by text only). An edit to a line known "
        'by text only is stored as a new document, not a new version: give such lines an "id" '
        'or a "url".'
    )
    assert report["without_id"] == {"by_url": 1, "by_text": 1}


def _broken_folder(tmp_path: Path, corpus_dir: Path, *, with_good: bool) -> Path:
    folder = tmp_path / "sources"
    folder.mkdir()
    if with_good:
        shutil.copy(corpus_dir / "valdai-remarks.md", folder)
    (folder / "broken.jsonl").write_text('{"id": "ok", "text": "Fine."}\n{"text": \n')
    (folder / "empty.txt").write_text("")
    (folder / "picture.png").write_bytes(b"\x89PNG")
    return folder


def test_broken_sources_are_named_and_the_rest_goes_in(
    runner: Any, corpus_dir: Path, tmp_path: Path
) -> None:
    folder = _broken_folder(tmp_path, corpus_dir, with_good=True)
    output = _run(runner, "ingest", str(folder))
    lines = _lines(output)
    assert (
        lines[0] == "Ingested: 2 added, 0 updated, 0 unchanged, 2 failed (3 files read, 1 skipped)."
    )
    assert lines[1] == "Failed (nothing stored for these):"
    assert lines[2].startswith(f"  {folder / 'broken.jsonl'}:2: ")
    assert lines[3].startswith(f"  {folder / 'empty.txt'}: ")
    assert lines[4:6] == [
        "Skipped 1 path (not read):",
        f"  {folder / 'picture.png'}: a file type Dossier does not read (.png)",
    ]
    assert lines[6].startswith("Entities: analysed 2 documents, ")
    assert lines[7].startswith("Index: built")


def test_strict_ingest_fails_when_any_source_failed(
    runner: Any, corpus_dir: Path, tmp_path: Path
) -> None:
    folder = _broken_folder(tmp_path, corpus_dir, with_good=True)
    assert _err(runner, "ingest", "--strict", str(folder)).endswith(
        "Error: 2 sources failed (--strict).\n"
    )


def test_ingest_where_every_source_failed_exits_1(runner: Any, tmp_path: Path) -> None:
    bad = tmp_path / "empty.txt"
    bad.write_text("")
    assert f"  {bad}: " in _run(runner, "ingest", str(bad), code=1)
    assert _err(runner, "ingest", str(bad)).endswith(
        "Error: Nothing was stored: all 1 sources failed.\n"
    )


def test_ingest_of_a_missing_path_is_a_usage_error(runner: Any, tmp_path: Path) -> None:
    output = _err(runner, "ingest", str(tmp_path / "nowhere.jsonl"), code=2)
    assert f"Path '{tmp_path / 'nowhere.jsonl'}' does not exist." in output


def test_ingest_without_index_leaves_it_for_the_index_command(runner: Any, sources: Path) -> None:
    lines = _lines(_run(runner, "ingest", "--no-index", str(sources)))
    assert lines[2] == 'Index: not updated (--no-index); run "dossier index" to catch up.'
    status = _lines(_run(runner, "index", "--status"))
    assert status[1:] == [
        "Generation:   (none)",
        "Documents:    7 in the database, 0 indexed",
        "Seq:          database 7, index 0",
        'State:        missing: run "dossier index" to build it',
        "Lock:         free",
        "Leftovers:    none",
    ]
    assert _run(runner, "index").startswith("Index: built (generation gen-")


def test_index_status_compares_index_and_database(ingested: Any, tmp_path: Path) -> None:
    lines = _lines(_run(ingested, "index", "--status"))
    assert lines[0] == f"Index folder: {tmp_path / 'home' / 'index'}"
    assert lines[1].startswith("Generation:   gen-")
    assert lines[2:] == [
        "Documents:    7 in the database, 7 indexed",
        "Seq:          database 7, index 7",
        "State:        up to date",
        "Lock:         free",
        "Leftovers:    none",
    ]


def test_index_status_lists_what_an_interrupted_build_left_and_index_removes_it(
    ingested: Any, tmp_path: Path
) -> None:
    index = tmp_path / "home" / "index"
    abandoned = new_generation(index)
    (index / abandoned / "MAIN_x.seg").write_bytes(b"x" * 2_000_000)
    lines = _lines(_run(ingested, "index", "--status"))
    assert lines[-3:] == [
        "Lock:         free",
        'Leftovers:    1 item, 2.0 MB (abandoned by interrupted builds; the next "dossier index" '
        "removes them):",
        f"  {abandoned}",
    ]
    assert _run(ingested, "index").startswith("Index: already up to date")
    assert not (index / abandoned).exists()
    assert _lines(_run(ingested, "index", "--status"))[-1] == "Leftovers:    none"


def test_an_ingest_waits_for_the_index_another_process_holds(
    ingested: Any, sources: Path, tmp_path: Path
) -> None:
    (sources / "late.md").write_text("A late note on the Arctic route.\n")
    env = {**os.environ, "DOSSIER_HOME": str(tmp_path / "home")}
    command = [sys.executable, "-m", "webapp", "ingest", "--json", str(sources / "late.md")]
    with index_lock(tmp_path / "home" / "index"):
        ingest = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        assert ingest.stderr is not None
        before = []  # stderr is a pipe: a line per step done, then the wait
        while (said := ingest.stderr.readline()) and not said.startswith("Waiting"):
            before.append(said.split(":")[0])
    out, err = ingest.communicate(timeout=120)
    assert before == ["Storing documents", "Analysing entities"]
    assert said.startswith(f"Waiting for the index at {tmp_path / 'home' / 'index'}: another ")
    assert ingest.returncode == 0, err
    report = json.loads(out)
    assert (report["added"], report["error"], report["index"]["documents"]) == (["late"], None, 8)


def test_ingest_json_reports_what_was_stored_when_a_later_step_fails(
    ingested: Any, sources: Path, tmp_path: Path
) -> None:
    (sources / "late.md").write_text("A late note on the Arctic route.\n")
    index = tmp_path / "home" / "index"
    with index_lock(index):
        result = _invoke(
            ingested,
            "ingest",
            "--json",
            str(sources / "late.md"),
            env={"DOSSIER_INDEX_WAIT_SECONDS": "0"},
        )
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert (report["added"], report["index"]["documents"]) == (["late"], 7)
    assert report["error"].startswith(f"The index at {index} is being built or updated by ")
    *steps, error = result.stderr.splitlines()  # not a terminal: a line per step done
    assert [step.split(":")[0] for step in steps] == ["Storing documents", "Analysing entities"]
    assert error == (
        f'Error: {report["error"]} The document is stored: run "dossier index" to make '
        "it searchable."
    )


def test_ingest_json_reports_a_database_that_cannot_be_created(
    runner: Any, sources: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the database's folder should be\n")
    env = {"DOSSIER_DATABASE_URL": f"sqlite:///{blocker / 'dossier.db'}"}
    result = _invoke(runner, "ingest", "--json", str(sources), env=env)
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert (report["added"], report["index"], report["steps"]) == ([], None, [])
    assert report["error"] == (
        f"Cannot create the folder {blocker} for the database: File exists. "
        "Set DOSSIER_DATABASE_URL to a file in a folder Dossier can write to."
    )
    assert result.stderr == f"Error: {report['error']}\n"


def test_index_rebuild_makes_a_new_generation(ingested: Any) -> None:
    before = _lines(_run(ingested, "index", "--status"))[1]
    output = _run(ingested, "index", "--rebuild")
    after = _lines(_run(ingested, "index", "--status"))[1]
    assert output == f"Index: rebuilt (generation {after.split()[-1]}, 7 documents).\n"
    assert after != before


def test_commands_on_a_missing_instance_say_how_to_create_it(runner: Any, tmp_path: Path) -> None:
    home = tmp_path / "home"
    for args in (["index", "--status"], ["index"], ["serve"], []):
        assert _err(runner, *args) == (
            f"Error: No Dossier instance at {home}: the database {home / 'dossier.db'} does not "
            'exist. Run "dossier setup" to create it, or set DOSSIER_HOME to an existing '
            "instance.\n"
        )
    assert not home.exists()


def test_two_instances_side_by_side_keep_their_own_documents(
    runner: Any, sources: Path, tmp_path: Path
) -> None:
    first = {"DOSSIER_HOME": str(tmp_path / "first")}
    second = {"DOSSIER_HOME": str(tmp_path / "second")}
    _run(runner, "ingest", str(sources), env=first)
    _run(runner, "ingest", str(sources / "valdai-remarks.md"), env=second)
    assert _lines(_run(runner, "index", "--status", env=first))[2] == (
        "Documents:    7 in the database, 7 indexed"
    )
    assert _lines(_run(runner, "index", "--status", env=second))[2] == (
        "Documents:    1 in the database, 1 indexed"
    )
    assert (tmp_path / "first" / "dossier.db").is_file()
    assert (tmp_path / "second" / "index").is_dir()


def test_a_bad_config_value_is_one_message_and_exit_1(runner: Any) -> None:
    output = _err(runner, "index", "--status", env={"DOSSIER_PORT": "high"})
    assert output == "Error: PORT must be a whole number from 0 to 65535, not 'high'.\n"


def test_setup_without_demo_creates_database_and_index(runner: Any, tmp_path: Path) -> None:
    home = tmp_path / "home"
    lines = _lines(_run(runner, "setup", "--no-demo", "--no-download"))
    assert lines[0] == f"Instance: {home}"
    assert lines[1].startswith("NLTK data: everything needed is installed (")
    assert lines[2] == f"Database: sqlite:///{home / 'dossier.db'}, schema up to date, 0 documents."
    assert lines[3] == "Demo collection: not loaded (--no-demo or DEMO_CORPUS=false)."
    assert lines[4] == (
        "Entities: no trained model and no training corpus (NER_TRAIN_CORPUS), so entities come "
        "from the registry and the date, money and percent rules only; train a model with "
        '"dossier entities train --corpus FILE"; analysed 0 documents.'
    )
    assert lines[5].startswith("Index: built (generation gen-")
    assert lines[6] == 'Ready: run "dossier serve" and open http://127.0.0.1:5000/'


def test_setup_again_does_nothing_new(runner: Any) -> None:
    _run(runner, "setup", "--no-demo", "--no-download")
    lines = _lines(_run(runner, "setup", "--no-demo", "--no-download"))
    assert lines[5].startswith("Index: already up to date (generation gen-")


def test_setup_loads_the_demo_collection_into_an_empty_store_once(runner: Any) -> None:
    lines = _lines(_run(runner, "setup", "--no-download"))
    loaded = int(lines[3].removeprefix("Demo collection: loaded ").removesuffix(" documents."))
    assert loaded > 100
    assert lines[2].endswith(f", {loaded} documents.")
    again = _lines(_run(runner, "setup", "--no-download"))
    assert again[3] == "Demo collection: not loaded, the database already holds documents."
    result = json.loads(_run(runner, "search", "--json", "nuclear", "--kind", "speech"))
    assert result["total"] > 0
    assert {hit["kind"] for hit in result["hits"]} == {"speech"}
    assert any(hit["id"].startswith("sotu-") for hit in result["hits"])


def test_setup_without_the_demo_corpora_names_them_and_writes_nothing(tmp_path: Path) -> None:
    if any(Path(p).exists() for p in ("/usr/share/nltk_data", "/usr/local/share/nltk_data")):
        pytest.skip("NLTK data installed system-wide would be found")
    shared = Path(os.environ["NLTK_DATA"])
    partial = tmp_path / "nltk_data"
    for _, path in RESOURCES:
        kind, name = path.split("/")[:2]
        (partial / kind).mkdir(parents=True, exist_ok=True)
        (partial / kind / name).symlink_to(shared / kind / name)
    home = tmp_path / "home"
    env = {
        **os.environ,
        "NLTK_DATA": str(partial),
        "DOSSIER_HOME": str(home),
        "HOME": str(tmp_path),
    }
    command = [sys.executable, "-m", "webapp", "setup", "--no-download"]
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr == (
        f"Error: NLTK resources not installed (looked in {partial}): state_union, inaugural, "
        'webtext, nps_chat, abc. Run "dossier setup" with internet access, or set NLTK_DATA to a '
        'folder that holds them, or skip the demo collection with "dossier setup --no-demo".\n'
    )
    assert not home.exists()


def _partial_nltk_data(tmp_path: Path, leave_out: str = "") -> Path:
    """A folder of links to the shared NLTK resources the project needs, but ``leave_out``."""
    shared = Path(os.environ["NLTK_DATA"])
    partial = tmp_path / "nltk_data"
    for package, path in RESOURCES:
        if package != leave_out:
            kind, name = path.split("/")[:2]
            (partial / kind).mkdir(parents=True, exist_ok=True)
            (partial / kind / name).symlink_to(shared / kind / name)
    return partial


def _dossier(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """``dossier ARGS`` in a new process with exactly ``env`` (NLTK's data path is global to a
    process, so these tests cannot share the test runner's)."""
    command = [sys.executable, "-m", "webapp", *args]
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)


def test_setup_remembers_where_nltk_data_is_so_later_commands_need_no_nltk_data(
    tmp_path: Path, sources: Path
) -> None:
    if any(Path(p).exists() for p in ("/usr/share/nltk_data", "/usr/local/share/nltk_data")):
        pytest.skip("NLTK data installed system-wide would be found")
    data = Path(os.environ["NLTK_DATA"])
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NLTK_", "DOSSIER_"))}
    env |= {"DOSSIER_HOME": str(home), "HOME": str(tmp_path)}
    setup = _dossier(env | {"NLTK_DATA": str(data)}, "setup", "--no-demo", "--no-download")
    assert setup.returncode == 0, setup.stderr
    assert f"NLTK data: everything needed is installed ({data})." in setup.stdout
    assert (home / "nltk_data.txt").read_text() == f"{data}\n"
    ingest = _dossier(env, "ingest", "--json", str(sources))  # a new shell: no NLTK_DATA
    assert ingest.returncode == 0, ingest.stderr
    report = json.loads(ingest.stdout)
    assert (len(report["added"]), report["entities"]["documents"], report["error"]) == (7, 7, None)


def test_ingest_checks_nltk_data_before_storing_anything(tmp_path: Path, sources: Path) -> None:
    if any(Path(p).exists() for p in ("/usr/share/nltk_data", "/usr/local/share/nltk_data")):
        pytest.skip("NLTK data installed system-wide would be found")
    data = _partial_nltk_data(tmp_path, leave_out="names")
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NLTK_", "DOSSIER_"))}
    env |= {"DOSSIER_HOME": str(home), "HOME": str(tmp_path), "NLTK_DATA": str(data)}
    result = _dossier(env, "ingest", str(sources))
    assert result.returncode == 1
    assert result.stderr == (
        f"Error: Nothing was stored. NLTK resources not installed (looked in {data}): names. "
        'Run "dossier setup" with internet access, or set NLTK_DATA to a folder that holds '
        "them.\n"
    )
    assert not (home / "dossier.db").exists()


def test_version_names_the_package(runner: Any) -> None:
    assert _run(runner, "--version").startswith("dossier, version ")


def test_search_prints_ranked_hits_with_matches_in_brackets(ingested: Any) -> None:
    lines = _lines(_run(ingested, "search", '"zone of peace"'))
    assert lines[0].startswith("1-1 of 1 hit (")
    rank, _score, doc_id, date, *title = lines[1].split()
    assert (rank, doc_id, date, " ".join(title)) == (
        "1.",
        "fixture-eastern-forum-2019",
        "2019-09-05",
        "Plenary session of the Eastern Economic Forum",
    )
    assert lines[2].startswith("     ...He said that Russia and North Korea should build a ")
    assert "build a [zone of peace] in the Far East. A zone peace is not" in lines[2]
    assert len(lines) == 3


def test_search_json_has_ranked_ids_scores_titles_and_snippets(ingested: Any) -> None:
    result = json.loads(_run(ingested, "search", "--json", "korea"))
    assert result["query"] == "korea"
    assert result["total"] == 3
    assert [h["id"] for h in result["hits"]] == [
        "fixture-valdai-2017",
        "fixture-un-statement-2017",
        "fixture-eastern-forum-2019",
    ]
    scores = [h["score"] for h in result["hits"]]
    assert scores == sorted(scores, reverse=True)
    first = result["hits"][0]
    assert (first["title"], first["version"]) == ("Remarks at the Valdai Discussion Club", 1)
    snippet = first["snippets"][0]
    start, end = snippet["spans"][0]
    assert snippet["text"][start:end] == "Koreas"
    assert result["suggestion"] is None


def test_search_says_when_no_document_has_every_word(ingested: Any) -> None:
    lines = _lines(_run(ingested, "search", "Pyongyang nuclear zebra"))
    assert lines[0].startswith("1-3 of 3 hits (")
    assert lines[1] == (
        "Note: No document has all 3 words; showing those that have some of them, best "
        'matches first. No document has "zebra".'
    )
    result = json.loads(_run(ingested, "search", "--json", "Pyongyang nuclear zebra"))
    assert result["partial"] == {"words": 3, "complete": 0, "missing": ["zebra"]}
    assert result["hits"][0]["id"] == "fixture-eastern-forum-2019"


def test_search_filters_and_sorts_newest_first(ingested: Any) -> None:
    result = json.loads(_run(ingested, "search", "--json", "--kind", "news", "--sort", "newest"))
    assert [h["id"] for h in result["hits"]] == ["tass-report", "fixture-news-pipeline-2018"]
    dated = json.loads(
        _run(ingested, "search", "--json", "peace", "--from", "2018", "--to", "2019")
    )
    assert [h["id"] for h in dated["hits"]] == ["fixture-eastern-forum-2019"]


def test_search_filters_by_an_entity_ref_from_the_facets(ingested: Any) -> None:
    _run(ingested, "entities", "add", "Vladimir Putin", "--type", "PERSON", "--alias", "Putin")
    every = json.loads(_run(ingested, "search", "--json", "korea"))
    ((person,),) = [every["facets"]["person"]]
    ref, count = person["value"], person["count"]
    assert 0 < count < every["total"]
    narrowed = json.loads(_run(ingested, "search", "--json", "korea", "--entity", ref))
    assert narrowed["total"] == count
    assert narrowed["facets"]["person"] == [person]


def test_search_pages_through_hits(ingested: Any) -> None:
    lines = _lines(_run(ingested, "search", "korea", "--limit", "2", "--page", "2"))
    assert lines[0].startswith("3-3 of 3 hits (")
    assert lines[1].split()[:3:2] == ["3.", "fixture-eastern-forum-2019"]


def test_search_suggests_a_spelling(ingested: Any) -> None:
    lines = _lines(_run(ingested, "search", "koreaa"))
    assert lines[0].startswith("0 hits (")
    assert lines[1] == "Did you mean: korea"


def test_a_bad_query_is_one_message_and_exit_1(ingested: Any) -> None:
    assert _err(ingested, "search", "AND OR") == (
        'Error: Nothing to search for in "AND OR". Try a word, or a phrase in quotes.\n'
    )
    assert _err(ingested, "search", "peace", "--from", "yesterday") == (
        'Error: Option "--from": "yesterday" is not a date. Use a year, month or day such as '
        "2013, 2013-06 or 2013-06-05.\n"
    )
    assert _err(ingested, "search", "peace", "--kind", "memo") == (
        'Error: Unknown kind "memo". Use one of: speech, forum, news, other.\n'
    )


def test_a_page_size_over_the_limit_is_a_usage_error(ingested: Any) -> None:
    assert "Invalid value for '--limit': 101 is not in the range 1<=x<=100." in _err(
        ingested, "search", "peace", "--limit", "101", code=2
    )


def test_search_without_an_index_says_how_to_build_it(runner: Any, sources: Path) -> None:
    _run(runner, "ingest", "--no-index", str(sources))
    message = _err(runner, "search", "peace")
    assert message.startswith("Error: No index found at ")
    assert message.endswith('Run "dossier index --rebuild" to build it.\n')


def test_search_sees_only_the_instance_dossier_home_names(
    runner: Any, sources: Path, tmp_path: Path
) -> None:
    first = {"DOSSIER_HOME": str(tmp_path / "first")}
    second = {"DOSSIER_HOME": str(tmp_path / "second")}
    _run(runner, "ingest", str(sources / "tass-report.html"), env=first)
    _run(runner, "ingest", str(sources / "valdai-remarks.md"), env=second)
    assert json.loads(_run(runner, "search", "--json", "pyongyang", env=first))["total"] == 1
    assert json.loads(_run(runner, "search", "--json", "pyongyang", env=second))["total"] == 0


# What a search must not load: the web app, the readers, NLTK, migrations, the index lock,
# and (a SQLite store read through sqlite3: corpus/reading.py) SQLAlchemy and the annotations.
NOT_FOR_A_SEARCH = (
    *("alembic", "bs4", "filelock", "flask", "markdown_it", "nh3", "nltk", "rapidfuzz"),
    *("tqdm", "werkzeug", "sqlalchemy", "annotations", "psycopg"),
)
# Nor our modules for writing the index, analysing texts, reading sources' dates or anchoring
# passages (docs/PERFORMANCE.md, "CLI start-up"), nor hmac for a secret key it never makes.
NOT_FOR_A_SEARCH_MODULES = (
    *("indexer.build", "indexer.analyse", "corpus.dates", "corpus.anchors", "corpus.wording"),
    *("difflib", "secrets", "hmac"),
)
SEARCH_AND_LIST_MODULES = (
    "import sys\n"
    "from webapp.cli.commands import cli\n"
    "cli(['search', 'talks', '--limit', '1'], standalone_mode=False)\n"
    "print(' '.join(sorted(sys.modules)))\n"
)


def test_a_search_loads_neither_the_web_app_nor_migrations_nor_the_readers(
    ingested: Any, tmp_path: Path
) -> None:
    env = {**os.environ, "DOSSIER_HOME": str(tmp_path / "home")}
    command = [sys.executable, "-c", SEARCH_AND_LIST_MODULES]
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    *hits, modules = done.stdout.strip().splitlines()
    assert hits[0].startswith("1-1 of ")
    loaded = set(modules.split())
    assert {m.split(".")[0] for m in loaded} & set(NOT_FOR_A_SEARCH) == set()
    assert loaded & set(NOT_FOR_A_SEARCH_MODULES) == set()


# The command as its entry point runs it, printing the BLAS thread setting as it exits.
MAIN_AND_SHOW_BLAS = (
    "import atexit, os\n"
    "atexit.register(lambda: print(os.environ.get('OPENBLAS_NUM_THREADS')))\n"
    "from webapp.cli.commands import main\n"
    "main()\n"
)


@pytest.mark.parametrize(("given", "kept"), [(None, "1"), ("3", "3")])
def test_the_command_gives_numpy_one_blas_thread_unless_told(
    given: str | None, kept: str, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    env["DOSSIER_HOME"] = str(tmp_path / "home")
    if given is not None:
        env["OPENBLAS_NUM_THREADS"] = given
    command = [sys.executable, "-c", MAIN_AND_SHOW_BLAS, "--version"]
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == kept


def test_filters_on_annotations_and_speakers_open_what_they_need(ingested: Any) -> None:
    every = json.loads(_run(ingested, "search", "--json", "korea"))
    unannotated = json.loads(_run(ingested, "search", "--json", "korea annotated:no"))
    assert [h["id"] for h in unannotated["hits"]] == [h["id"] for h in every["hits"]]
    assert json.loads(_run(ingested, "search", "--json", "korea note:talks"))["total"] == 0
    said = json.loads(_run(ingested, "search", "--json", "said:nobody korea"))
    assert said["total"] == 0
    assert said["notices"] == [
        'No speaker in the index is called "nobody". said: looks inside the speaker turns of '
        "transcripts; speaker:nobody finds documents by that speaker or author."
    ]


def test_a_search_never_migrates_the_database(ingested: Any, tmp_path: Path) -> None:
    database = tmp_path / "home" / "dossier.db"
    with sqlite3.connect(database) as conn:
        conn.execute("UPDATE corpus_alembic_version SET version_num = '0001'")
    assert _err(ingested, "search", "talks") == (
        f"Error: The database sqlite:///{database} is at schema revision 0001; this Dossier "
        f'needs {head_revision()}. Run "dossier setup" to upgrade it.\n'
    )
    with sqlite3.connect(database) as conn:
        assert conn.execute("SELECT version_num FROM corpus_alembic_version").fetchall() == [
            ("0001",)
        ]


@pytest.mark.parametrize(
    "command",
    [
        ("index", "--status"),
        ("entities", "list"),
        ("entities", "history"),
        ("annotations", "list"),
        ("annotations", "export", "-"),
        ("briefs", "list"),
    ],
    ids=" ".join,
)
def test_commands_that_only_read_never_migrate_the_database(
    ingested: Any, tmp_path: Path, command: tuple[str, ...]
) -> None:
    database = tmp_path / "home" / "dossier.db"
    with sqlite3.connect(database) as conn:
        conn.execute("UPDATE corpus_alembic_version SET version_num = '0001'")
    assert _err(ingested, *command) == (
        f"Error: The database sqlite:///{database} is at schema revision 0001; this Dossier "
        f'needs {head_revision()}. Run "dossier setup" to upgrade it.\n'
    )
    with sqlite3.connect(database) as conn:
        assert conn.execute("SELECT version_num FROM corpus_alembic_version").fetchall() == [
            ("0001",)
        ]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_builds_the_index_then_answers_on_the_address_it_prints(
    runner: Any, sources: Path, tmp_path: Path
) -> None:
    _run(runner, "ingest", "--no-index", str(sources))
    port = _free_port()
    env = {**os.environ, "DOSSIER_HOME": str(tmp_path / "home")}
    command = [sys.executable, "-m", "webapp", "serve", "--port", str(port)]
    with subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as server:
        try:
            url = f"http://127.0.0.1:{port}/api/search?q=%22zone+of+peace%22"
            body = _wait_for_json(url, server)
        finally:
            server.terminate()
            output = server.communicate(timeout=30)[0]
    assert [hit["id"] for hit in body["hits"]] == ["fixture-eastern-forum-2019"]
    progress, index, serving = output.split("\n", 2)
    assert progress.startswith("Indexing: done in ") and progress.endswith(" 7 documents).")
    assert index.startswith("Index: built (generation gen-") and index.endswith(" 7 documents).")
    assert serving.startswith(
        f"Serving 7 documents from {tmp_path / 'home'}\n"
        f"Open http://127.0.0.1:{port}/  (Ctrl+C to stop)\n"
    )


def _wait_for_json(url: str, server: subprocess.Popen[str]) -> Any:
    """The JSON at ``url`` once the server answers; fails with its output if it never does."""
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return json.load(response)
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"the server never answered {url}:\n{server.communicate()[0]}")
            time.sleep(0.2)


def test_the_shared_demo_collection_ingests_cleanly(runner: Any, shared_data_dir: Path) -> None:
    path = shared_data_dir / "demo" / "demo.jsonl"
    report = json.loads(_run(runner, "ingest", "--no-index", "--json", str(path)))
    assert (len(report["added"]), report["failed"], report["skipped"]) == (362, [], [])
