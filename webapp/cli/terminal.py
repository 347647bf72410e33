"""What the ``dossier`` commands print: plain-text lines for people and JSON for scripts.

Pure functions of the library's result values, so the output is easy to test and to keep in step
with the web app (the search JSON has the shape of ``GET /api/search``, without URLs).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:  # types only: a search's output needs none of these modules loaded
    from corpus import IngestReport
    from indexer import IndexStatus, IndexUpdate
    from indexer.search import SearchResult, Snippet

SHOWN_FAILURES = 50  # failures listed in the plain-text summary; the JSON lists them all
BOLD, PLAIN = "\x1b[1m", "\x1b[0m"
# What a terminal would act on: escape sequences (CSI, OSC and other strings, two-byte escapes,
# their 8-bit C1 forms) and every other control character but tab and newline.
_CONTROLS = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]"
)


def printable(text: str) -> str:
    """``text`` without anything a terminal would act on: names, titles and snippets come from
    documents and analysts, and an escape sequence in them could rewrite the screen."""
    return _CONTROLS.sub("", text)


def say(text: str, *, err: bool = False) -> None:
    """Print a message for people (stderr with ``err``), without terminal control sequences."""
    click.echo(printable(text), err=err)


def index_line(update: IndexUpdate, *, rebuilt: bool = False) -> str:
    """What the index step did, for people: ``Index: caught up 1 write (generation ...).``
    ``rebuilt``: a rebuild was asked for."""
    if not update.after.exists:
        return 'Index: none yet; run "dossier index" to build it.'
    if update.records and not update.caught_up and not update.is_rebuilt:
        return f"Index: updated {count(update.records, 'record')}."
    return f"Index: {index_change(update.before, update.after, rebuilt=rebuilt)}"


def index_change(before: IndexStatus, after: IndexStatus, *, rebuilt: bool = False) -> str:
    """How the index changed from ``before`` to ``after``, in a few words."""
    where = f"generation {after.generation}, {after.doc_count} documents"
    if rebuilt:
        return f"rebuilt ({where})."
    if not before.exists:
        return f"built ({where})."
    if before.generation != after.generation:
        return f"rebuilt as a new generation ({where})."
    if before.is_current:
        return f"already up to date ({where})."
    return f"caught up {count(after.indexed_seq - before.indexed_seq, 'write')} ({where})."


def count(number: int, noun: str) -> str:
    """``1 hit``, ``2 hits``."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def status_lines(status: IndexStatus) -> list[str]:
    """How the index compares with the database, and what to run when it is not current."""
    if status.is_current:
        state = "up to date"
    elif not status.exists:
        state = 'missing: run "dossier index" to build it'
    elif not status.schema_version_ok:
        state = 'built by another version of Dossier: run "dossier index --rebuild"'
    else:
        state = 'behind the database: run "dossier index" to catch up'
    return [
        f"Index folder: {status.index_dir}",
        f"Generation:   {status.generation or '(none)'}",
        f"Documents:    {status.store_count} in the database, {status.doc_count} indexed",
        f"Seq:          database {status.store_seq}, index {status.indexed_seq}",
        f"State:        {state}",
    ]


def housekeeping_lines(index_dir: Path) -> list[str]:
    """Who holds the index lock, and what interrupted builds left in the index folder."""
    from indexer import holder, is_locked, leftovers

    busy = is_locked(index_dir)
    said = holder(index_dir) if busy else ""
    lines = [f"Lock:         {'held by ' + (said or 'another process') if busy else 'free'}"]
    found = leftovers(index_dir)
    if not found:
        return [*lines, "Leftovers:    none"]
    size = sum(leftover.size for leftover in found)
    fate = (
        "one may be the build in progress"
        if busy
        else 'abandoned by interrupted builds; the next "dossier index" removes them'
    )
    lines.append(f"Leftovers:    {count(len(found), 'item')}, {size / 1e6:,.1f} MB ({fate}):")
    return lines + [f"  {leftover.name}" for leftover in found]


def failure_lines(failures: Sequence[tuple[str, str]]) -> list[str]:
    """``  what: why`` for each failure, up to ``SHOWN_FAILURES``, then how many more."""
    lines = [f"  {what}: {why}" for what, why in failures[:SHOWN_FAILURES]]
    if len(failures) > SHOWN_FAILURES:
        lines.append(f"  ... and {len(failures) - SHOWN_FAILURES} more (--json lists all)")
    return lines


def report_lines(report: IngestReport) -> list[str]:
    """The ingest summary, then each failure (up to ``SHOWN_FAILURES``) with origin and reason."""
    lines = [f"Ingested: {report.summary()}."]
    if report.failed:
        lines.append("Failed (nothing stored for these):")
        lines += failure_lines([(f.origin, f.reason) for f in report.failed])
    if report.skipped:
        lines.append(f"Skipped {count(len(report.skipped), 'path')} (not read):")
        lines += failure_lines([(s.origin, s.reason) for s in report.skipped])
    return lines + id_notice(report)


def id_notice(report: IngestReport) -> list[str]:
    """How many JSONL lines had no id, and what that means for their next edit."""
    by_url, by_text = report.ids_from_url, report.ids_from_text
    if not by_url + by_text:
        return []
    notice = (
        f"JSONL lines without an id: {by_url + by_text} ({by_url} known by url, {by_text} by "
        "text only)."
    )
    if by_text:
        notice += (
            " An edit to a line known by text only is stored as a new document, not a new "
            'version: give such lines an "id" or a "url".'
        )
    return [notice]


def report_json(report: IngestReport, status: IndexStatus | None) -> dict[str, Any]:
    """Every id by outcome, every failure, and the index state after the run (None: unknown,
    the store could not be read); ``webapp/cli/steps.py`` adds the entities and the steps."""
    index = status and {
        "is_current": status.is_current,
        "generation": status.generation,
        "documents": status.doc_count,
        "seq": status.indexed_seq,
    }
    return {
        "added": list(report.added),
        "updated": list(report.updated),
        "unchanged": list(report.unchanged),
        "failed": [{"origin": f.origin, "reason": f.reason} for f in report.failed],
        "skipped": [{"origin": s.origin, "reason": s.reason} for s in report.skipped],
        "files": report.files,
        "without_id": {"by_url": report.ids_from_url, "by_text": report.ids_from_text},
        "index": index,
    }


def result_lines(result: SearchResult, *, is_tty: bool) -> list[str]:
    """A page of hits: rank, score, id, date and title, then the best snippet on one line."""
    request = result.request
    first = (request.page - 1) * request.per_page
    shown = f"{first + 1}-{first + len(result.hits)} of " if result.hits else ""
    lines = [f"{shown}{count(result.total, 'hit')} ({result.took_ms:g} ms)"]
    lines += [f"Note: {printable(notice)}" for notice in result.notices]
    if result.suggestion:
        lines.append(f"Did you mean: {printable(result.suggestion)}")
    for rank, hit in enumerate(result.hits, start=first + 1):
        date = hit.date.iso() if hit.date else "undated"
        lines.append(f"{rank:>3}. {hit.score:6.2f}  {hit.id}  {date}  {printable(hit.title)}")
        if hit.snippets:
            lines.append(f"     {marked(hit.snippets[0], is_tty=is_tty)}")
    return lines


def marked(snippet: Snippet, *, is_tty: bool) -> str:
    """The snippet on one line, matches in bold on a terminal and in [brackets] otherwise."""
    parts, at = [], 0
    for span in snippet.spans:
        match = printable(snippet.text[span.start : span.end])
        parts += [
            printable(snippet.text[at : span.start]),
            f"{BOLD}{match}{PLAIN}" if is_tty else f"[{match}]",
        ]
        at = span.end
    parts.append(printable(snippet.text[at:]))
    line = " ".join("".join(parts).split())
    return f"...{line}" if snippet.start > 0 else line


def result_json(result: SearchResult) -> dict[str, Any]:
    """The shape of GET /api/search, without URLs (see docs/API.md)."""
    return {
        "query": result.request.query,
        "total": result.total,
        "page": result.request.page,
        "per_page": result.request.per_page,
        "hits": [
            {
                "id": hit.id,
                "version": hit.version,
                "score": hit.score,
                "title": hit.title,
                "kind": hit.kind,
                "date": hit.date.iso() if hit.date else None,
                "date_precision": hit.date.precision if hit.date else None,
                "speaker": hit.speaker or None,
                "source": hit.source,
                "snippets": [
                    {"text": s.text, "spans": [[p.start, p.end] for p in s.spans], "start": s.start}
                    for s in hit.snippets
                ],
            }
            for hit in result.hits
        ],
        "facets": {
            name: [{"value": value, "count": count} for value, count in counts]
            for name, counts in result.facets.items()
        },
        "suggestion": result.suggestion or None,
        "notices": list(result.notices),
        "partial": (
            {
                "words": result.partial.words,
                "complete": result.partial.complete,
                "missing": list(result.partial.missing),
            }
            if result.partial
            else None
        ),
    }
