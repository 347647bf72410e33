"""A brief's numbered notes, in the house style of ``annotations/citations.py``.

Notes are numbered in the order their markers (``[@<citation id>]``) first appear in the body;
citations the body never refers to follow, in the brief's order, so no source is ever dropped.
Each note is the citation line of its document (speaker or author, title, source, the date as
precisely as it is known, where it was published) and the passage link in Dossier, plus a
warning when verification found the quote changed or missing in the current version.
A marker naming no citation of the brief is reported (``unknown``), never silently dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from annotations.briefs.model import Brief, BriefCitation, Check, markers
from annotations.briefs.store import BriefStore
from annotations.briefs.verify import Verdict, check, current_documents
from annotations.citations import Citation, citation_line, cite
from corpus.model import Document, Span

SaidBy = Callable[[Document, Span], str]  # who says the passage at a span of a document
WARNINGS = {
    "changed": "The quote differs from the current version of the source: verify it.",
    "missing": "The quote is no longer in the source.",
}


@dataclass(frozen=True)
class Note:
    """One numbered note: the citation, its source's metadata, and what verification found."""

    number: int
    citation: BriefCitation
    source: Citation
    verdict: Verdict

    @property
    def status(self) -> Check:
        """exact, moved, changed or missing, in the document's current version."""
        return self.verdict.status

    @property
    def line(self) -> str:
        """The citation line, with where the source was published and the passage link."""
        return citation_line(self.source, with_source_url=True)

    @property
    def warning(self) -> str:
        """What the reader must know about the quote ("" when it is intact)."""
        return WARNINGS.get(self.status, "")


@dataclass(frozen=True)
class Notes:
    """A brief with its notes in reading order, and the markers that name no citation."""

    brief: Brief
    notes: tuple[Note, ...]
    unknown: tuple[str, ...] = ()

    def number_of(self, citation_id: str) -> int | None:
        """The note number of a citation, if the brief has it."""
        return next((n.number for n in self.notes if n.citation.id == citation_id), None)

    @property
    def problems(self) -> tuple[Note, ...]:
        """Notes whose quote changed or went missing."""
        return tuple(n for n in self.notes if n.warning)


def note_brief(
    bstore: BriefStore,
    brief: Brief,
    link: Callable[[BriefCitation], str],
    said_by: SaidBy | None = None,
) -> Notes:
    """The brief's notes, each checked against its document's current version (read once
    per document); ``link`` makes a citation's passage link in Dossier; ``said_by`` names who
    says a passage where it is found in the current version ("": the document's speaker), so
    a passage inside one speaker's turn of a transcript is cited as that speaker's words."""
    documents = current_documents(bstore, brief)
    ordered, unknown = reading_order(brief)
    notes = []
    for number, citation in enumerate(ordered, start=1):
        document = documents[citation.document_id]
        verdict = check(citation, document)
        speaker = ""
        if said_by is not None and document is not None and verdict.located is not None:
            speaker = said_by(document, verdict.located)
        source = _source(citation, document, link(citation), speaker)
        notes.append(Note(number, citation, source, verdict))
    return Notes(brief, tuple(notes), unknown)


def reading_order(brief: Brief) -> tuple[list[BriefCitation], tuple[str, ...]]:
    """The citations in note order, and the marker ids that name none of them."""
    by_id = {c.id: c for c in brief.citations}
    referred = markers(brief.body)
    ordered = [by_id[i] for i in referred if i in by_id]
    ordered += [c for c in brief.citations if c.id not in set(referred)]
    return ordered, tuple(i for i in referred if i not in by_id)


def _source(
    citation: BriefCitation, document: Document | None, link: str, said_by: str
) -> Citation:
    if document is None:
        return Citation("", citation.document_id, "", None, link, quote=citation.anchor.quote)
    return cite(document, link=link, quote=citation.anchor.quote, said_by=said_by)
