"""What the pipeline's commands print (``dossier ingest``, ``setup``): one line per step, for
people, and the steps' counts and seconds for scripts (``--json``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from corpus import IngestReport
from webapp.cli.entity_terminal import analysis_json, analysis_line
from webapp.cli.terminal import index_line, report_json, report_lines
from webapp.pipeline import Run, StepReport

CORE_STEPS = ("model", "store", "demo", "analyse", "index")


def run_lines(run: Run) -> list[str]:
    """One line (or a few, with failures) per step of an ingest run, in order."""
    lines: list[str] = []
    for step in run.reports:
        if step.step == "store":
            lines += report_lines(step.detail)
        elif step.step == "analyse":
            lines.append(analysis_line(step.detail))
        elif step.step == "index" and step.counts.get("skipped"):
            if not step.detail.after.is_current:
                lines.append('Index: not updated (--no-index); run "dossier index" to catch up.')
        elif step.step == "index":
            lines.append(index_line(step.detail))
    return lines + follow_up_lines(run.reports)


def follow_up_lines(steps: Sequence[StepReport]) -> list[str]:
    """``Re-anchor: queued 3.``: one line per step other packages added to the pipeline that
    did something (a step whose counts are all 0 has nothing to say)."""
    return [
        f"{step.step.capitalize()}: "
        + ", ".join(f"{name.replace('_', ' ')} {value:,}" for name, value in step.counts.items())
        + "."
        for step in steps
        if step.step not in CORE_STEPS and any(step.counts.values())
    ]


def ingest_json(run: Run) -> dict[str, Any]:
    """``dossier ingest --json``: ids by outcome, failures, the entities found, the index
    after the run (or as last seen, when a step failed: ``error`` says why), and each step's
    counts and seconds."""
    stored, analysed = run.report("store"), run.report("analyse")
    data = report_json(stored.detail if stored else IngestReport(), run.index)
    data["entities"] = analysis_json(analysed.detail) if analysed else None
    data["error"] = run.error or None
    data["steps"] = [
        {"step": s.step, "seconds": s.seconds, "counts": dict(s.counts)} for s in run.reports
    ]
    return data


def unstarted_ingest_json(error: str) -> dict[str, Any]:
    """``dossier ingest --json`` when the run could not start (no configuration or store):
    nothing stored, ``error`` says why, in ``ingest_json``'s shape so a script reads both."""
    data = report_json(IngestReport(), None)
    data.update(entities=None, error=error, steps=[])
    return data
