"""Verifying a brief: is every quote still in the current version of its document?

Each citation is located again with ``corpus.anchors.locate`` (one locator for entity tags,
annotations and citations) in its document's current version:

- ``exact``: the quote is at its place; ``moved``: intact, elsewhere in the text;
- ``changed``: only an approximate match passed the precision floor; the verdict carries the
  current text there and a word diff of quote against it, for the analyst to review;
- ``missing``: nothing passed: the quote is no longer in the source.

A citation is always checked with the anchor it was made with, so it can never drift, one
approximate match after another, onto other words. Verifying stores each citation's status and
clears the brief's ``needs_verification``; re-ingesting a cited document sets it again through
"verify-briefs" jobs (``annotations/briefs/jobs.py``).
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, Literal

import sqlalchemy as sa

from annotations.briefs.model import Brief, BriefCitation, Check
from annotations.briefs.store import BriefStore
from annotations.briefs.tables import brief_citations, briefs
from annotations.rows import now
from corpus.anchors import locate
from corpus.errors import DocumentNotFound
from corpus.model import Document, Span

PROBLEMS: tuple[str, ...] = ("changed", "missing")
_WORD = re.compile(r"\S+")
_SPACED = re.compile(r"\s+|\S+\s*")  # each word with the spacing after it (not spaces alone:
# thousands of equal space tokens made difflib quadratic, 10 s for 5,000 words)
_C = brief_citations.c


@dataclass(frozen=True)
class WordChange:
    """One run of a word diff: words both texts share, or that only the quote (``delete``)
    or only the current text (``insert``) has."""

    op: Literal["equal", "delete", "insert"]
    text: str


@dataclass(frozen=True)
class Verdict:
    """What verification found for one citation in ``version`` of its document."""

    citation: BriefCitation
    status: Check
    version: int
    located: Span | None
    score: float = 1.0
    current: str = ""  # the document's words where a changed quote was found
    diff: tuple[WordChange, ...] = ()

    @property
    def is_problem(self) -> bool:
        """True when the quote is not intact in the current version (changed or missing)."""
        return self.status in PROBLEMS


@dataclass(frozen=True)
class Verification:
    """A brief as verified and one verdict per citation, in the brief's order."""

    brief: Brief
    verdicts: tuple[Verdict, ...]

    @property
    def counts(self) -> dict[str, int]:
        """How many citations have each status."""
        return dict(Counter(v.status for v in self.verdicts))

    @property
    def problems(self) -> tuple[Verdict, ...]:
        """The verdicts of changed and missing quotes."""
        return tuple(v for v in self.verdicts if v.is_problem)


def check(citation: BriefCitation, document: Document | None) -> Verdict:
    """Where the citation's quote is in ``document`` (its current version; None: gone)."""
    if document is None:
        return Verdict(citation, "missing", citation.checked_version, None, 0.0)
    anchor = citation.anchor
    if anchor.version == document.version:
        return Verdict(citation, "exact", document.version, anchor.span)
    found = locate(anchor, document.text)
    if found is None:
        return Verdict(citation, "missing", document.version, None, 0.0)
    if found.status != "fuzzy":
        status: Check = "exact" if found.status == "exact" else "moved"
        return Verdict(citation, status, document.version, found.span)
    current = document.text[found.span.start : found.span.end]
    return Verdict(
        citation, "changed", document.version, found.span, found.score, current,
        word_diff(anchor.quote, current),
    )  # fmt: skip


def word_diff(quote: str, current: str) -> tuple[WordChange, ...]:
    """The words of ``quote`` against those of ``current``: runs kept, deleted, inserted."""
    return _runs(_WORD.findall(quote), _WORD.findall(current), " ")


def text_diff(old: str, new: str) -> tuple[WordChange, ...]:
    """``old`` against ``new`` word by word, keeping the spacing and line breaks after each
    word (a brief's revision against its current text), so the runs read as the text."""
    return _runs(_SPACED.findall(old), _SPACED.findall(new), "")


def _runs(old: list[str], new: list[str], joiner: str) -> tuple[WordChange, ...]:
    changes: list[WordChange] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            changes.append(WordChange("equal", joiner.join(old[a1:a2])))
            continue
        if a2 > a1:
            changes.append(WordChange("delete", joiner.join(old[a1:a2])))
        if b2 > b1:
            changes.append(WordChange("insert", joiner.join(new[b1:b2])))
    return tuple(changes)


def current_documents(bstore: BriefStore, brief: Brief) -> dict[str, Document | None]:
    """The current version of each document the brief cites, read once (None: gone)."""
    documents: dict[str, Document | None] = {}
    for document_id in dict.fromkeys(c.document_id for c in brief.citations):
        try:
            documents[document_id] = bstore.store.get(document_id)
        except DocumentNotFound:
            documents[document_id] = None
    return documents


def verdicts_of(bstore: BriefStore, brief: Brief) -> tuple[Verdict, ...]:
    """A verdict per citation, in the brief's order."""
    documents = current_documents(bstore, brief)
    return tuple(check(c, documents[c.document_id]) for c in brief.citations)


def verify_brief(bstore: BriefStore, id: str, *, viewer: str) -> Verification:
    """Check every citation of a brief the viewer may see, store what was found and mark the
    brief verified (not an edit: its revision stays). Raises ``BriefNotFound``."""
    brief = bstore.get(id, viewer=viewer)
    verdicts = verdicts_of(bstore, brief)
    when = now()
    with bstore.connect(write=True) as conn:
        if verdicts:
            conn.execute(store_verdict(), [verdict_values(v) for v in verdicts])
        stmt = briefs.update().where(briefs.c.id == id)
        conn.execute(stmt.values(needs_verification=False, verified_at=when))
    verified = bstore.get(id, viewer=viewer)
    return Verification(verified, tuple(_renewed(v, verified) for v in verdicts))


def store_verdict() -> Any:
    """The statement that stores a verdict (executed with ``verdict_values`` rows)."""
    return (
        brief_citations.update()
        .where(_C.id == sa.bindparam("b_id"))
        .values(
            status=sa.bindparam("status"),
            score=sa.bindparam("score"),
            checked_version=sa.bindparam("checked_version"),
            located_start=sa.bindparam("located_start"),
            located_end=sa.bindparam("located_end"),
        )
    )


def verdict_values(verdict: Verdict) -> dict[str, object]:
    """The parameters of ``store_verdict`` for one verdict."""
    located = verdict.located
    return {
        "b_id": verdict.citation.id,
        "status": verdict.status,
        "score": verdict.score,
        "checked_version": verdict.version,
        "located_start": located.start if located else None,
        "located_end": located.end if located else None,
    }


def _renewed(verdict: Verdict, brief: Brief) -> Verdict:
    """The verdict holding the citation as now stored (a citation removed meanwhile: as was)."""
    stored = brief.citation(verdict.citation.id)
    if stored is None:
        return verdict
    return Verdict(
        stored, verdict.status, verdict.version, verdict.located, verdict.score,
        verdict.current, verdict.diff,
    )  # fmt: skip
