"""What an entity said: the turns it took in transcripts, over current versions (the "Said"
part of the entity page, apart from the passages that mention it).

Each is one SQL query (plus a redirect lookup): a page of turns, newest documents first, each
with the opening words of what was said cut by the database (no whole text is read); the turns
per year or month for the chart; and how many turns in how many documents. The subject is an
entity id or, as in ``queries``, an ``UnlinkedName``: the turns of a speaker the registry does
not know are those whose speaker's alias key is the name's (PERSON names only).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from corpus.entities.dialogue import UNLINKED_PERSON
from corpus.entities.queries import Subject, gapless_periods
from corpus.entities.store import EntityStore, resolve
from corpus.entities.tables import turns
from corpus.entities.unlinked import UnlinkedName
from corpus.model import PartialDate, Span
from corpus.tables import document_versions, documents

_T = turns.c
_D = documents.c
_CURRENT = (_D.id == _T.document_id) & (_D.current_version == _T.version)


@dataclass(frozen=True)
class Statement:
    """One turn an entity took: the document, its date, the turn's span and its opening."""

    document_id: str
    version: int
    title: str
    date: PartialDate | None
    span: Span
    opening: str
    is_cut: bool  # the turn goes on past ``opening``


def statement_counts(store: EntityStore, entity_id: Subject) -> tuple[int, int]:
    """How many turns the entity took, in how many documents (current versions)."""
    stmt = sa.select(sa.func.count(), sa.func.count(sa.distinct(_T.document_id))).join(
        documents, _CURRENT
    )
    with store.connect() as conn:
        row = conn.execute(stmt.where(_said_by(conn, entity_id))).one()
    return int(row[0]), int(row[1])


def list_statements(
    store: EntityStore, entity_id: Subject, *, limit: int = 20, offset: int = 0, width: int = 280
) -> list[Statement]:
    """The entity's turns, newest documents first (in text order within one), each with the
    first ``width`` characters of what was said, cut at a word."""
    order = (_D.date.is_(None), _D.date.desc(), _T.document_id, _T.start_offset)
    with store.connect() as conn:
        # The page of turns first, then the texts of those only (as ``queries.passages``).
        page = (
            sa.select(_T.document_id, _T.version, _T.start_offset, _T.end_offset, _T.label_end)
            .add_columns(
                _D.title,
                _D.date,
                _D.date_precision,
                sa.func.row_number().over(order_by=order).label("n"),
            )
            .join(documents, _CURRENT)
            .where(_said_by(conn, entity_id))
            .order_by(*order)
            .limit(limit)
            .offset(offset)
            .subquery()
        )
        p, v = page.c, document_versions.c
        # from the colon's next character; a little more than ``width`` for the space after it
        opening = sa.func.substr(v.text, p.label_end + 2, width + 3).label("opening")
        stmt = (
            sa.select(page, opening)
            .join(document_versions, (v.document_id == p.document_id) & (v.version == p.version))
            .order_by(p.n)
        )
        rows = conn.execute(stmt).all()
    out = []
    for r in rows:
        said = r.opening[: max(0, r.end_offset - r.label_end - 1)].lstrip()
        cut = len(said) > width
        if cut:
            said = _cut(said, width)
        date = _date(r.date, r.date_precision)
        span = Span(r.start_offset, r.end_offset)
        out.append(
            Statement(r.document_id, r.version, r.title, date, span, " ".join(said.split()), cut)
        )
    return out


def statement_timeline(
    store: EntityStore, entity_id: Subject, precision: str = "year"
) -> list[tuple[str, int]]:
    """The entity's turns per year (or month), every period from the first to the last, so a
    chart has no gaps; undated documents are left out."""
    if precision not in ("year", "month"):
        raise ValueError(f"precision must be 'year' or 'month', not {precision!r}")
    stmt = (
        sa.select(_D.date, _D.date_precision, sa.func.count().label("n"))
        .select_from(turns)
        .join(documents, _CURRENT)
        .where(_D.date.is_not(None))
        .group_by(_D.date, _D.date_precision)
    )
    counts: dict[tuple[int, int], int] = {}
    with store.connect() as conn:
        for r in conn.execute(stmt.where(_said_by(conn, entity_id))):
            if precision == "month" and r.date_precision == "year":
                continue
            key = (r.date.year, r.date.month if precision == "month" else 1)
            counts[key] = counts.get(key, 0) + r.n
    return gapless_periods(counts, precision)


def _cut(said: str, width: int) -> str:
    """The first ``width`` characters of ``said``, ended at the last whole word."""
    head = said[: width + 1]
    space = max(head.rfind(c) for c in " \n\t")
    return said[:space] if space > 0 else said[:width]


def _date(value: dt.date | None, precision: str | None) -> PartialDate | None:
    return PartialDate(value, precision) if value is not None else None  # type: ignore[arg-type]


def _said_by(conn: Connection, subject: Subject) -> sa.ColumnElement[bool]:
    """The condition on turn rows that ``subject`` is their speaker."""
    if isinstance(subject, UnlinkedName):
        if subject.type != "PERSON" or not subject.key:
            return sa.false()
        return _T.entity_id.is_(None) & (_T.key == subject.key)
    return _T.entity_id == resolve(conn, subject)


def subject_ref(subject: Subject) -> str:
    """The speaker ref of a subject, as ``dialogue.speaker_ref`` names its turns' speaker (what
    the document view's ``?turns=`` and ``said:`` take)."""
    if isinstance(subject, UnlinkedName):
        return UNLINKED_PERSON + subject.key.replace(" ", "_")
    return subject
