"""The pipeline (``webapp/pipeline.py``) on a real instance in tmp_path: each entry point runs
its steps in order and reports each one; a follow-up step sees what got a new version, as the
annotations' "re-anchor" step does."""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import pytest
from click.testing import CliRunner

from corpus.jobs import enqueue, pending_documents
from webapp import pipeline
from webapp.cli.commands import cli
from webapp.config import load_config
from webapp.instance import open_store
from webapp.pipeline import Run, StepReport

SOURCES = ("analyst-notes.txt", "speeches.jsonl", "tass-report.html", "valdai-remarks.md")
RE_ANCHOR = "re-anchor"
VERIFY_BRIEFS = "verify-briefs"


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("DOSSIER_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("DOSSIER_DATABASE_URL", raising=False)
    monkeypatch.delenv("DOSSIER_NER_TRAIN_CORPUS", raising=False)
    return load_config({"DEMO_CORPUS": False}, generate_secret=False)


@pytest.fixture
def sources(corpus_dir: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in SOURCES:
        shutil.copy(corpus_dir / name, folder)
    return folder


@dataclasses.dataclass(frozen=True)
class QueueReanchoring:
    """A stand-in follow-up: queue the documents that got a new version."""

    name: ClassVar[str] = RE_ANCHOR

    def __call__(self, run: Run) -> StepReport:
        with run.store.connect(write=True) as conn:
            queued = enqueue(conn, RE_ANCHOR, run.changes.updated)
        changed = len(run.changes.added) + len(run.changes.updated)
        return StepReport(self.name, 0, {"queued": queued, "documents": changed})


def steps(run: Run) -> list[str]:
    return [r.step for r in run.reports]


def test_ingest_runs_store_analyse_index_and_reports_each_step(
    config: dict[str, Any], sources: Path
) -> None:
    run = pipeline.ingest_sources(config, [sources])
    assert steps(run) == ["store", "analyse", "index", RE_ANCHOR, VERIFY_BRIEFS]
    store, analyse, index, reanchor, verify = run.reports
    assert dict(store.counts) == {"added": 7, "updated": 0, "unchanged": 0, "failed": 0, "files": 4}
    assert (analyse.counts["documents"], analyse.counts["failed"]) == (7, 0)
    assert (index.counts["rebuilt"], index.counts["documents"]) == (1, 7)
    assert dict(reanchor.counts) == {"queued": 0, "documents": 0}  # nothing annotated yet
    assert dict(verify.counts) == {"queued": 0, "documents": 0, "briefs": 0}  # nothing cited
    assert all(r.seconds >= 0 for r in run.reports)
    assert len(run.changes.added) == 7 and run.changes.updated == ()
    assert run.analysed == run.changes.added


def test_without_indexing_the_index_step_only_reports_the_state(
    config: dict[str, Any], sources: Path
) -> None:
    run = pipeline.ingest_sources(config, [sources], analyse=False, index=False)
    assert steps(run) == ["store", "index", RE_ANCHOR, VERIFY_BRIEFS]
    index = run.report("index")
    assert index is not None
    assert dict(index.counts) == {"skipped": 1}
    assert not index.detail.after.exists
    assert not (Path(config["INDEX_DIR"])).exists()


def test_analyse_catches_up_an_existing_index_and_never_builds_one(
    config: dict[str, Any], sources: Path
) -> None:
    pipeline.ingest_sources(config, [sources], analyse=False, index=False)
    run = pipeline.analyse_stored(config)
    assert steps(run) == ["analyse", "index"]
    assert not run.reports[-1].detail.after.exists
    built = pipeline.update_index(config)
    assert built.counts["rebuilt"] == 1 and built.detail.after.is_current
    again = pipeline.analyse_stored(config, everything=True)
    assert again.reports[0].counts["documents"] == 7
    assert again.reports[-1].counts["rebuilt"] == 1
    assert pipeline.update_index(config).detail.before.is_current


def test_a_follow_up_sees_the_documents_that_got_a_new_version(
    config: dict[str, Any], sources: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "FOLLOW_UPS", (QueueReanchoring(),))
    first = pipeline.ingest_sources(config, [sources])
    assert steps(first) == ["store", "analyse", "index", RE_ANCHOR]
    assert first.reports[-1].counts == {"queued": 0, "documents": 7}
    edited = sources / "valdai-remarks.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nA closing remark.\n", "utf-8")
    second = pipeline.ingest_sources(config, [sources])
    assert second.changes.updated == ("fixture-valdai-2017",)
    assert second.reports[-1].counts == {"queued": 1, "documents": 1}
    with open_store(config) as store:
        assert pending_documents(store, RE_ANCHOR, ["fixture-valdai-2017"]) == {
            "fixture-valdai-2017"
        }


def test_the_cli_prints_one_line_per_follow_up_and_json_has_every_step(
    sources: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(pipeline, "FOLLOW_UPS", (QueueReanchoring(),))
    env = {"DOSSIER_HOME": str(tmp_path / "cli-home"), "DOSSIER_NER_TRAIN_CORPUS": ""}
    invoke: Callable[..., Any] = CliRunner().invoke
    result = invoke(cli, ["ingest", str(sources)], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "Re-anchor: queued 0, documents 7."
    result = invoke(cli, ["ingest", "--json", str(sources)], env=env, catch_exceptions=False)
    found = json.loads(result.stdout)["steps"]
    assert [s["step"] for s in found] == ["store", "analyse", "index", RE_ANCHOR]
    assert found[0]["counts"]["unchanged"] == 7 and found[0]["seconds"] >= 0


def test_setup_runs_the_pipeline_on_the_demo_less_instance(config: dict[str, Any]) -> None:
    done = pipeline.prepare_instance(config)
    assert [s.step for s in done.steps] == ["model", "analyse", "index", RE_ANCHOR, VERIFY_BRIEFS]
    assert done.index.after.is_current and done.index.is_rebuilt
    again = pipeline.prepare_instance(config)
    assert again.index.before.is_current and not again.index.is_rebuilt
