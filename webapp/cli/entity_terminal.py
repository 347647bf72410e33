"""What the entity commands print: plain-text lines for people and JSON for scripts.

Pure functions of the library's result values, like ``webapp/terminal.py``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from corpus.entities import Correction, Entity
from indexer.entities import AnalysisReport, Scores, TypeScores
from webapp.cli.terminal import count, failure_lines
from webapp.pipeline import PreparedInstance

NO_MODEL = (
    "no trained model, so only the registry and the rules found mentions (train one with "
    '"dossier entities train --corpus FILE")'
)


def analysis_line(report: AnalysisReport) -> str:
    """``Entities: analysed 12 documents, 340 mentions (41 linked to the registry).``"""
    if not report.documents and not report.failed:
        return "Entities: every document is analysed already."
    line = (
        f"Entities: analysed {count(report.documents, 'document')}, "
        f"{count(report.mentions, 'mention')} ({report.linked:,} linked to the registry)"
    )
    if report.orphaned_tags:
        line += f"; {count(report.orphaned_tags, 'tag')} no longer found (orphaned)"
    line = f"{line}; {NO_MODEL}." if not report.has_model else f"{line}."
    if not report.failed:
        return line
    failed = [
        f"Entities: could not analyse {count(len(report.failed), 'document')} (their text is "
        'searchable; "dossier analyse" tries them again):',
        *failure_lines(report.failed),
    ]
    return "\n".join([line, *failed])


def analysis_json(report: AnalysisReport) -> dict[str, Any]:
    """The analysis step of ``dossier ingest --json``."""
    return {
        "documents": report.documents,
        "mentions": report.mentions,
        "linked": report.linked,
        "orphaned_tags": report.orphaned_tags,
        "has_model": report.has_model,
        "failed": [{"id": doc_id, "error": error} for doc_id, error in report.failed],
    }


def model_status(done: PreparedInstance) -> str:
    """Which entity model setup found or trained, and how many documents it analysed."""
    if done.is_model_trained:
        model = f"trained the model on {done.training_corpus} and saved it to {done.model}"
    elif done.model:
        model = f"model {done.model}"
    else:
        model = (
            "no trained model and no training corpus (NER_TRAIN_CORPUS), so entities come "
            "from the registry and the date, money and percent rules only; train a model with "
            '"dossier entities train --corpus FILE"'
        )
    return f"{model}; analysed {count(done.analysed, 'document')}."


def entity_lines(entities: Sequence[Entity], mentions: Mapping[str, int]) -> list[str]:
    """One line per entity: id, type, name, mentions in current documents, then its aliases."""
    if not entities:
        return ['The registry is empty. Add entities with "dossier entities add" or "import".']
    lines = []
    for e in entities:
        lines.append(f"{e.id}  {e.type}  {e.name}  ({count(mentions.get(e.id, 0), 'mention')})")
        if e.aliases:
            lines.append(f"    aliases: {', '.join(e.aliases)}")
    return lines


def entities_json(entities: Sequence[Entity], mentions: Mapping[str, int]) -> list[dict[str, Any]]:
    """The registry as ``export`` writes it, plus each entity's mention count."""
    return [
        {
            "id": e.id,
            "name": e.name,
            "type": e.type,
            "aliases": list(e.aliases),
            "description": e.description,
            "external_id": e.external_id,
            "mentions": mentions.get(e.id, 0),
        }
        for e in entities
    ]


def history_lines(found: Sequence[Correction]) -> list[str]:
    """One line per correction, newest first: id, when, who, what, entity, details."""
    if not found:
        return ["No corrections yet."]
    lines = []
    for c in found:
        detail = ", ".join(f"{k}={v!r}" for k, v in c.detail.items())
        target = f" {c.entity_id}" if c.entity_id else ""
        lines.append(f"#{c.id} {c.at:%Y-%m-%d %H:%M} {c.who}: {c.kind}{target} ({detail})")
    return lines


def history_json(found: Sequence[Correction]) -> list[dict[str, Any]]:
    """Corrections as JSON objects."""
    return [
        {
            "id": c.id,
            "kind": c.kind,
            "who": c.who,
            "at": c.at.isoformat(),
            "entity_id": c.entity_id,
            "detail": c.detail,
        }
        for c in found
    ]


def scores_lines(scores: Scores, corpus: Path, type_map: Mapping[str, str]) -> list[str]:
    """A table of precision, recall and F1 per type and overall, with what was scored."""
    mapped = ",".join(f"{k}={v}" for k, v in type_map.items()) or "none"
    lines = [
        f"{corpus.name}: {scores.sentences:,} sentences, {scores.tokens:,} tokens; "
        f"types renamed: {mapped}",
        "",
        f"{'type':<14}{'precision':>10}{'recall':>8}{'F1':>8}{'gold':>8}{'found':>8}",
    ]
    for row in [*scores.by_type.values(), scores.overall]:
        lines.append(_row(row))
    if scores.ignored_types:
        lines += [
            "",
            f"Not scored (the model does not find them): {', '.join(scores.ignored_types)}. "
            "Rename them with --map, e.g. --map GEO=LOCATION.",
        ]
    return lines


def _row(row: TypeScores) -> str:
    gold = row.true_positives + row.false_negatives
    found = row.true_positives + row.false_positives
    name = "overall" if row.type == "ALL" else row.type
    return f"{name:<14}{row.precision:>10.3f}{row.recall:>8.3f}{row.f1:>8.3f}{gold:>8,}{found:>8,}"


def scores_json(scores: Scores, corpus: Path, type_map: Mapping[str, str]) -> dict[str, Any]:
    """The scores as JSON: overall and per type, with the counts behind them."""

    def one(row: TypeScores) -> dict[str, Any]:
        return {
            "precision": round(row.precision, 4),
            "recall": round(row.recall, 4),
            "f1": round(row.f1, 4),
            "true_positives": row.true_positives,
            "false_positives": row.false_positives,
            "false_negatives": row.false_negatives,
        }

    return {
        "corpus": str(corpus),
        "sentences": scores.sentences,
        "tokens": scores.tokens,
        "type_map": dict(type_map),
        "overall": one(scores.overall),
        "by_type": {name: one(row) for name, row in scores.by_type.items()},
        "ignored_types": list(scores.ignored_types),
    }
