"""Backlinks: which briefs cite a passage of a document, per exact passage.

The document view marks each cited passage and links to its briefs; the API lists a passage's
citing briefs. Only briefs the viewer may see count (their own and the team's): another
analyst's private brief never shows, in marks, counts or lists, because the query itself
selects visible briefs only (``annotations.rows.visible``, as every list of briefs does).

Each citation is placed in the version shown as verification places it (``verify.check``):
what the last check stored when it was made in that version, else located now. Citations of
the same words (several briefs quoting one sentence) are one passage with several briefs.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from annotations.briefs.model import BriefCitation, Check
from annotations.briefs.rows import citation_of
from annotations.briefs.store import BriefStore
from annotations.briefs.tables import brief_citations, briefs
from annotations.briefs.verify import check
from annotations.rows import visible
from corpus.model import Document, Span

_B = briefs.c
_C = brief_citations.c


@dataclass(frozen=True)
class CitingBrief:
    """A brief citing a passage, and the citation (its note) that does."""

    brief_id: str
    title: str
    owner: str
    visibility: str
    citation_id: str
    needs_verification: bool


@dataclass(frozen=True)
class CitedPassage:
    """One passage of a document version cited by briefs: where it is (``span``; None: its
    quote is gone from this version), how verification finds it, and the briefs citing it in
    the order they cite it first (oldest citation first)."""

    span: Span | None
    quote: str
    status: Check
    briefs: tuple[CitingBrief, ...]


def cited_passages(
    bstore: BriefStore, document: Document, *, viewer: str, within: Span | None = None
) -> list[CitedPassage]:
    """The passages of ``document`` (the version given) cited by briefs ``viewer`` may see,
    in text order (gone ones last); with ``within``, only those overlapping that span."""
    stmt = (
        sa.select(brief_citations, _B.title, _B.owner, _B.visibility, _B.needs_verification)
        .join(briefs, briefs.c.id == _C.brief_id)
        .where(_C.document_id == document.id, visible(_B.owner, _B.visibility, viewer))
        .order_by(_C.created_at, _C.id)
    )
    with bstore.connect() as conn:
        rows = conn.execute(stmt).all()
    grouped: dict[tuple[Span | None, str], tuple[Check, list[CitingBrief]]] = {}
    for row in rows:
        citation = citation_of(row._mapping)
        span, status = _placed(citation, document)
        if within is not None and (span is None or not span.overlaps(within)):
            continue
        key = (span, citation.anchor.quote if span is None else "")
        citing = CitingBrief(
            row.brief_id, row.title, row.owner, row.visibility, citation.id,
            bool(row.needs_verification),
        )  # fmt: skip
        found = grouped.setdefault(key, (status, []))
        if all(b.brief_id != citing.brief_id for b in found[1]):
            found[1].append(citing)
    passages = [
        CitedPassage(span, quote or _quote(document, span), status, tuple(citing))
        for (span, quote), (status, citing) in grouped.items()
    ]
    return sorted(passages, key=lambda p: (p.span is None, p.span or Span(0, 0)))


def _placed(citation: BriefCitation, document: Document) -> tuple[Span | None, Check]:
    """Where a citation's quote is in ``document``: as last verified in that version, else
    located now."""
    if citation.checked_version == document.version:
        return citation.located, citation.status
    verdict = check(citation, document)
    return verdict.located, verdict.status


def _quote(document: Document, span: Span | None) -> str:
    return "" if span is None else document.text[span.start : span.end]


def annotation_backlinks(
    bstore: BriefStore, document_id: str, *, viewer: str
) -> dict[str, tuple[CitingBrief, ...]]:
    """For each annotation of ``document_id`` that briefs ``viewer`` may see cite, those
    briefs (oldest citation first, each brief once): the side panel's "Cited in"."""
    stmt = (
        sa.select(_C.annotation_id, _C.id, _B.id.label("brief_id"), _B.title, _B.owner)
        .add_columns(_B.visibility, _B.needs_verification)
        .join(briefs, briefs.c.id == _C.brief_id)
        .where(
            _C.document_id == document_id,
            _C.annotation_id.is_not(None),
            visible(_B.owner, _B.visibility, viewer),
        )
        .order_by(_C.created_at, _C.id)
    )
    with bstore.connect() as conn:
        rows = conn.execute(stmt).all()
    found: dict[str, list[CitingBrief]] = {}
    for row in rows:
        citing = found.setdefault(row.annotation_id, [])
        if all(b.brief_id != row.brief_id for b in citing):
            citing.append(
                CitingBrief(
                    row.brief_id,
                    row.title,
                    row.owner,
                    row.visibility,
                    row.id,
                    bool(row.needs_verification),
                )  # fmt: skip
            )
    return {annotation: tuple(citing) for annotation, citing in found.items()}
