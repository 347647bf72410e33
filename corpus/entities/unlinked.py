"""Names the model or the rules found that no registry entity claims ("unlinked" mentions).

A fresh instance's registry is empty, so these are every name an analyst first sees: each gets
a page (``corpus/entities/queries.py`` takes an ``UnlinkedName`` wherever it takes an entity
id), and an empty registry's page lists them, most mentioned first, to review.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from corpus.entities.model import FACET_CONFIDENCE
from corpus.entities.store import EntityStore
from corpus.entities.tables import entity_mentions
from corpus.tables import documents

_M = entity_mentions.c
_D = documents.c
_CURRENT = (_D.id == _M.document_id) & (_D.current_version == _M.version)
# How sure a mention is for a list of names: the model's confidence; 1 for any other source.
_SURENESS = sa.case((_M.source == "model", _M.confidence), else_=1.0)


@dataclass(frozen=True)
class UnlinkedName:
    """A name not in the registry: the unlinked mentions of ``type`` whose text normalises to
    ``key`` (``alias_key``: "KIM JONG UN" and "Kim Jong-un" are one name)."""

    type: str
    key: str


@dataclass(frozen=True)
class NameCount:
    """A name not in the registry and how often the current versions mention it."""

    type: str
    key: str
    name: str  # one way the documents write it
    mentions: int
    documents: int


def unlinked_names(
    store: EntityStore, types: Sequence[str], *, containing: str = "", limit: int = 30
) -> list[NameCount]:
    """The names of ``types`` that no registry entity claims, most mentioned first (only those
    whose key contains ``containing``'s key): what an empty registry's page offers to review.
    A name only the model found, never with ``FACET_CONFIDENCE``, is left out, as the facets
    leave it out ("Colleagues"): its page is still there, from the documents."""
    n, docs = sa.func.count().label("n"), sa.func.count(sa.distinct(_M.document_id))
    stmt = (
        sa.select(_M.type, _M.key, n, docs.label("docs"))
        .join(documents, _CURRENT)
        .where(_M.entity_id.is_(None), _M.type.in_(list(types)))
        .group_by(_M.type, _M.key)
        .having(sa.func.max(_SURENESS) >= FACET_CONFIDENCE)
        .order_by(n.desc(), _M.key, _M.type)
        .limit(limit)
    )
    if containing:
        stmt = stmt.where(_M.key.contains(containing, autoescape=True))
    with store.connect() as conn:
        rows = conn.execute(stmt).all()
        written = _usual_forms(conn, {r.key for r in rows})
    return [NameCount(r.type, r.key, written[r.key], r.n, r.docs) for r in rows]


def _usual_forms(conn: Connection, keys: set[str]) -> dict[str, str]:
    """How the documents most often write each name key ("Syria", not "Syria]." or "SYRIA")."""
    n = sa.func.count().label("n")
    stmt = (
        sa.select(_M.key, _M.text, n)
        .where(_M.key.in_(sorted(keys)), _M.entity_id.is_(None))
        .group_by(_M.key, _M.text)
        .order_by(n, _M.text.desc())  # the most frequent (then the first in order) comes last
    )
    return {r.key: " ".join(r.text.split()) for r in conn.execute(stmt)} if keys else {}
