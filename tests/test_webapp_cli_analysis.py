"""``dossier entities train|eval``, ``dossier analyse``, and the entity steps of ``ingest`` and
``setup``, through click's CliRunner on real instances in tmp_path.

The model here is trained on a tiny IOB2 file written for these tests, in well under a second.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from indexer.entities import extraction
from webapp.cli.commands import cli

# Twelve sentences in GMB's tags: PER, ORG, GEO (places), GPE (nationalities), TIM (dropped).
SENTENCES = [
    "Vladimir/B-PER Putin/I-PER visited/O Pyongyang/B-GEO on/O Monday/B-TIM ./O",
    "NATO/B-ORG officials/O met/O in/O Brussels/B-GEO ./O",
    "Russian/B-GPE diplomats/O arrived/O in/O Beijing/B-GEO ./O",
    "Kim/B-PER Jong/I-PER Un/I-PER spoke/O to/O Chinese/B-GPE reporters/O ./O",
    "The/O United/B-ORG Nations/I-ORG condemned/O the/O test/O ./O",
    "Sergey/B-PER Lavrov/I-PER flew/O to/O Seoul/B-GEO ./O",
    "Japanese/B-GPE ships/O left/O Tokyo/B-GEO ./O",
    "Angela/B-PER Merkel/I-PER met/O NATO/B-ORG leaders/O ./O",
    "Iraqi/B-GPE forces/O entered/O Baghdad/B-GEO ./O",
    "The/O European/B-ORG Union/I-ORG imposed/O sanctions/O on/O Iran/B-GEO ./O",
    "Xi/B-PER Jinping/I-PER visited/O Moscow/B-GEO ./O",
    "Hamas/B-ORG leaders/O rejected/O the/O offer/O ./O",
]
GOLD = {"PERSON": 5, "ORGANIZATION": 5, "LOCATION": 8, "NORP": 4}
TOKENS = sum(len(s.split()) for s in SENTENCES)
NO_MODEL = (
    "no trained model, so only the registry and the rules found mentions (train one with "
    '"dossier entities train --corpus FILE")'
)
SOURCES = ("analyst-notes.txt", "speeches.jsonl", "tass-report.html", "valdai-remarks.md")


def _run(runner: Any, *args: str, code: int = 0, env: dict[str, str] | None = None) -> Any:
    result = runner.invoke(cli, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result


def _lines(result: Any) -> list[str]:
    return str(result.stdout).strip().splitlines()


@pytest.fixture
def iob_file(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.tsv"
    blocks = ["\n".join(w.replace("/", "\t") for w in s.split()) for s in SENTENCES]
    path.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def sources(corpus_dir: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in SOURCES:
        shutil.copy(corpus_dir / name, folder)
    return folder


def test_train_saves_the_model_in_the_instance(runner: Any, iob_file: Path, tmp_path: Path) -> None:
    lines = _lines(_run(runner, "entities", "train", "--corpus", str(iob_file), "--passes", "3"))
    assert re.fullmatch(
        rf"Trained on 12 sentences \({TOKENS} tokens\) of tiny\.tsv, 3 passes, in \d+ s\.", lines[0]
    )
    model = tmp_path / "home" / "models" / "entities.json.gz"
    assert lines[1] == f"Types: PERSON, ORGANIZATION, LOCATION, NORP. Saved to {model}."
    assert lines[2] == 'Run "dossier analyse --all" to re-analyse the documents already stored.'
    assert model.is_file()


def test_eval_scores_each_type_against_the_gold_entities(runner: Any, iob_file: Path) -> None:
    _run(runner, "entities", "train", "--corpus", str(iob_file), "--passes", "5")
    scores = json.loads(
        _run(runner, "entities", "eval", "--corpus", str(iob_file), "--json").stdout
    )
    assert (scores["sentences"], scores["tokens"]) == (12, TOKENS)
    assert scores["type_map"] == {
        "PER": "PERSON",
        "ORG": "ORGANIZATION",
        "GEO": "LOCATION",
        "GPE": "NORP",
    }
    gold = {
        name: row["true_positives"] + row["false_negatives"]
        for name, row in scores["by_type"].items()
    }
    assert gold == GOLD
    overall = scores["overall"]
    assert overall["true_positives"] + overall["false_negatives"] == sum(GOLD.values())
    assert 0.0 <= overall["f1"] <= 1.0
    assert scores["ignored_types"] == []


def test_eval_prints_a_table_and_names_types_it_cannot_score(runner: Any, iob_file: Path) -> None:
    _run(runner, "entities", "train", "--corpus", str(iob_file), "--passes", "2")
    lines = _lines(
        _run(runner, "entities", "eval", "--corpus", str(iob_file), "--map", "PER=PERSON,TIM=DATE")
    )
    assert (
        lines[0] == f"tiny.tsv: 12 sentences, {TOKENS} tokens; types renamed: PER=PERSON,TIM=DATE"
    )
    assert lines[2].split() == ["type", "precision", "recall", "F1", "gold", "found"]
    rows = {line.split()[0]: line.split()[1:] for line in lines[3 : lines.index("", 3)]}
    assert list(rows)[-1] == "overall"
    assert {name: row[3] for name, row in rows.items()} == {
        **{name: "0" for name in rows},
        "PERSON": "5",
        "overall": "5",
    }
    assert lines[-1] == (
        "Not scored (the model does not find them): DATE. Rename them with --map, e.g. "
        "--map GEO=LOCATION."
    )


def test_eval_with_a_bad_map_is_a_usage_error(runner: Any, iob_file: Path) -> None:
    result = _run(runner, "entities", "eval", "--corpus", str(iob_file), "--map", "PER", code=2)
    assert 'Bad type mapping "PER" in "PER"' in result.stderr


def test_eval_without_a_model_says_how_to_train_one(
    runner: Any, iob_file: Path, tmp_path: Path
) -> None:
    result = _run(runner, "entities", "eval", "--corpus", str(iob_file), code=1)
    model = tmp_path / "home" / "models" / "entities.json.gz"
    assert result.stderr.startswith(f'Error: No entity model at "{model}". Train one with')


def test_train_names_the_first_bad_line_of_a_corpus(runner: Any, tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("Putin\tB-PER\nvisited Pyongyang\n", encoding="utf-8")
    result = _run(runner, "entities", "train", "--corpus", str(bad), code=1)
    assert f"{bad}:2: expected" in result.stderr


def test_ingest_analyses_new_documents_between_storing_and_indexing(
    runner: Any, sources: Path
) -> None:
    report = json.loads(_run(runner, "ingest", "--json", str(sources)).stdout)
    assert report["entities"] == {
        "documents": 7,
        "mentions": 3,
        "linked": 0,
        "orphaned_tags": 0,
        "has_model": False,
        "failed": [],
    }


def test_ingest_names_a_document_whose_analysis_failed_and_still_indexes_it(
    runner: Any, sources: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = extraction.analyse_document

    def failing_on_tass(document: Any, *args: Any, **kwargs: Any) -> Any:
        if document.id == "tass-report":
            raise RecursionError("maximum recursion depth exceeded")
        return real(document, *args, **kwargs)

    monkeypatch.setattr(extraction, "analyse_document", failing_on_tass)
    lines = _lines(_run(runner, "ingest", str(sources)))
    assert lines[1:4] == [
        f"Entities: analysed 6 documents, 2 mentions (0 linked to the registry); {NO_MODEL}.",
        "Entities: could not analyse 1 document (their text is searchable; "
        '"dossier analyse" tries them again):',
        "  tass-report: RecursionError: maximum recursion depth exceeded",
    ]
    assert lines[4].startswith("Index: built") and "7 documents" in lines[4]
    assert "tass-report" in _run(runner, "search", "Lavrov visits").stdout
    monkeypatch.setattr(extraction, "analyse_document", real)  # the cause is gone
    assert _lines(_run(runner, "analyse"))[0].startswith("Entities: analysed 1 document,")


def test_documents_ingested_without_analysis_get_their_entities_indexed_by_the_next_ingest(
    runner: Any, sources: Path, tmp_path: Path
) -> None:
    _run(runner, "setup", "--no-demo")
    _run(runner, "entities", "add", "Pyongyang", "--type", "location")
    _run(runner, "ingest", "--no-analyse", str(sources))
    assert "0 hits" in _run(runner, "search", "place:Pyongyang").stdout
    later = tmp_path / "later.txt"
    later.write_text("Talks in Pyongyang resumed on Monday.\n", encoding="utf-8")
    lines = _lines(_run(runner, "ingest", str(later)))
    assert lines[1].startswith("Entities: analysed 8 documents")
    found = json.loads(_run(runner, "search", "place:Pyongyang", "--json").stdout)
    assert sorted(hit["id"] for hit in found["hits"]) == [
        "fixture-eastern-forum-2019",
        "fixture-un-statement-2017",
        "later",
        "tass-report",
    ]


def test_analyse_finds_what_ingest_left_and_updates_the_index(runner: Any, sources: Path) -> None:
    lines = _lines(_run(runner, "ingest", "--no-analyse", str(sources)))
    assert lines[1].startswith("Index: built")
    assert _lines(_run(runner, "analyse")) == [
        f"Entities: analysed 7 documents, 3 mentions (0 linked to the registry); {NO_MODEL}.",
        "Index: updated 7 records.",
    ]
    assert _lines(_run(runner, "analyse")) == ["Entities: every document is analysed already."]
    everything = _lines(_run(runner, "analyse", "--all"))
    assert everything[0] == (
        f"Entities: analysed 7 documents, 3 mentions (0 linked to the registry); {NO_MODEL}."
    )
    assert everything[1].startswith("Index: rebuilt (generation gen-")
    assert len(everything) == 2


def test_setup_trains_the_model_from_the_configured_corpus_once(
    runner: Any, iob_file: Path, tmp_path: Path
) -> None:
    env = {"DOSSIER_NER_TRAIN_CORPUS": str(iob_file)}
    model = tmp_path / "home" / "models" / "entities.json.gz"
    lines = _lines(_run(runner, "setup", "--no-demo", "--no-download", env=env))
    assert lines[4] == (
        f"Entities: trained the model on {iob_file} and saved it to {model}; analysed 0 documents."
    )
    again = _lines(_run(runner, "setup", "--no-demo", "--no-download", env=env))
    assert again[4] == f"Entities: model {model}; analysed 0 documents."


def test_setup_with_a_missing_training_corpus_says_so(runner: Any, tmp_path: Path) -> None:
    env = {"DOSSIER_NER_TRAIN_CORPUS": str(tmp_path / "nowhere.tsv")}
    result = _run(runner, "setup", "--no-demo", "--no-download", env=env, code=1)
    assert result.stderr == (
        f"Error: NER_TRAIN_CORPUS names {tmp_path / 'nowhere.tsv'}, which is not a file. Fix the "
        "path, or unset it (entities then come from the registry and the rules only).\n"
    )


def test_a_model_trained_by_setup_reanalyses_documents_analysed_without_one(
    runner: Any, iob_file: Path, sources: Path
) -> None:
    _run(runner, "ingest", str(sources))
    env = {"DOSSIER_NER_TRAIN_CORPUS": str(iob_file)}
    lines = _lines(_run(runner, "setup", "--no-demo", "--no-download", env=env))
    assert lines[4].endswith("; analysed 7 documents.")
    assert lines[5].startswith("Index: rebuilt (generation gen-")
    again = _lines(_run(runner, "setup", "--no-demo", "--no-download", env=env))
    assert again[4].endswith("; analysed 0 documents.")
    assert again[5].startswith("Index: already up to date")
