"""Passage links: a shareable pointer to any selected passage, annotated or not.

A passage link stores an anchor, not just offsets, so it keeps pointing at the same words
after its document gets new versions: opening it locates the anchor in the version asked for
(the current one by default). Linking the same passage twice gives the same link.
"""

from __future__ import annotations

import sqlalchemy as sa

from annotations.anchoring import Placement, place
from annotations.errors import PassageNotFound
from annotations.model import Passage, Selection, Visibility, check_visibility
from annotations.rows import anchor_values, new_id, now, passage_of, visible
from annotations.store import AnnotationStore
from annotations.tables import passages
from corpus.model import Document

_P = passages.c


def link_passage(
    astore: AnnotationStore, sel: Selection, *, owner: str, visibility: Visibility = "team"
) -> Passage:
    """The passage link of a selection: an existing one of the owner's for the same words of
    the same version, or a new one. Raises ``DocumentNotFound`` and ``InvalidAnchor`` as
    creating an annotation does."""
    check_visibility(visibility)
    anchor, _ = astore.anchor_selection(sel)
    same = sa.select(passages).where(
        _P.owner == owner,
        _P.document_id == sel.document_id,
        _P.anchor_version == anchor.version,
        _P.anchor_start == anchor.start,
        _P.anchor_end == anchor.end,
        _P.visibility == visibility,
    )
    with astore.connect(write=True) as conn:
        row = conn.execute(same.limit(1)).first()
        if row is not None:
            return passage_of(row._mapping)
        values = {
            "id": new_id(),
            "document_id": sel.document_id,
            **anchor_values(anchor),
            "owner": owner,
            "visibility": visibility,
            "created_at": now(),
        }
        conn.execute(passages.insert().values(values))
    return passage_of(values)


def get_passage(astore: AnnotationStore, id: str, *, viewer: str) -> Passage:
    """A passage link the viewer may see; raises ``PassageNotFound``."""
    stmt = sa.select(passages).where(_P.id == id, visible(_P.owner, _P.visibility, viewer))
    with astore.connect() as conn:
        row = conn.execute(stmt).first()
    if row is None:
        raise PassageNotFound(
            f"No passage link {id!r}. Check the link, or ask whoever shared it to copy it again."
        )
    return passage_of(row._mapping)


def locate_passage(passage: Passage, document: Document) -> Placement:
    """Where the passage is in ``document`` (a version of its document)."""
    return place(passage.anchor, document)
