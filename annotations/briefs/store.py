"""The brief store: briefs, their citations and revisions beside the annotations.

- Only a brief's owner changes it (``NotYourBrief``); a viewer sees their own briefs and the
  team's, and gets ``BriefNotFound`` for anyone else's private ones, as if they did not exist.
- Every edit names the revision it was made on; one made on an older revision raises
  ``BriefConflict`` carrying the brief as it is now. Each edit of the title, body or visibility
  adds one to the revision and keeps the new state in ``brief_revisions``; restoring an old
  revision is one more edit, so nothing in the history is ever lost.
- A citation anchors its passage when it is made, like an annotation, and is placed in its
  document's current version at once (``annotations/briefs/verify.py`` re-checks it later).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from annotations.anchoring import Placement, place
from annotations.briefs.insertion import append_citation, insert_citation
from annotations.briefs.model import (
    MAX_CITATIONS,
    Brief,
    BriefChanges,
    BriefCitation,
    BriefDraft,
    BriefRevision,
    CitationDraft,
    check_body,
)
from annotations.briefs.rows import (
    read_briefs,
    revision_of,
    revision_row,
    select_revisions,
    select_visible,
)
from annotations.briefs.tables import brief_citations, brief_revisions, briefs
from annotations.errors import BriefConflict, BriefNotFound, InvalidAnnotation, NotYourBrief
from annotations.rows import anchor_values, new_id, now
from annotations.store import AnnotationStore
from corpus.anchors import Anchor

_B = briefs.c
_C = brief_citations.c
CHECK_OF = {"exact": "exact", "moved": "moved", "fuzzy": "changed", "orphaned": "missing"}


class BriefStore:
    """Briefs beside the annotations of ``astore`` (whose opening migrated the tables)."""

    def __init__(self, astore: AnnotationStore) -> None:
        self.astore = astore
        self.store = astore.store

    def connect(self, *, write: bool = False) -> AbstractContextManager[Connection]:
        """A connection in a transaction (a serialised writer's if ``write``)."""
        return self.store.connect(write=write)

    def create(self, draft: BriefDraft, *, owner: str) -> tuple[Brief, bool]:
        """Save a new brief; returns it and True, or, for a ``client_key`` the owner used
        before, the brief it made and False."""
        when = now()
        brief = Brief(
            id=new_id(), title=draft.title.strip(), body=draft.body, owner=owner,
            visibility=draft.visibility, created=when, modified=when, client_key=draft.client_key,
        )  # fmt: skip
        with self.connect(write=True) as conn:
            if draft.client_key:
                same = select_visible(owner).where(
                    _B.owner == owner, _B.client_key == draft.client_key
                )
                row = conn.execute(same).first()
                if row is not None:
                    return read_briefs(conn, [row])[0], False
            values = {
                "id": brief.id, "title": brief.title, "body": brief.body, "owner": owner,
                "visibility": brief.visibility, "client_key": draft.client_key or None,
                "revision": 1, "needs_verification": False, "verified_at": None,
                "created_at": when, "modified_at": when,
            }  # fmt: skip
            conn.execute(briefs.insert().values(values))
            conn.execute(brief_revisions.insert().values(revision_row(brief, owner)))
        return brief, True

    def get(self, id: str, *, viewer: str) -> Brief:
        """A brief the viewer may see, with its citations; raises ``BriefNotFound``."""
        with self.connect() as conn:
            return _read(conn, id, viewer)

    def all(
        self, *, viewer: str, owner: str | None = None, document_id: str | None = None,
        annotation_id: str | None = None,
    ) -> list[Brief]:  # fmt: skip
        """The briefs the viewer may see (only ``owner``'s, or those citing ``document_id`` or
        ``annotation_id``, if given: backlinks): those needing verification first, then the
        most recently modified."""
        stmt = select_visible(viewer)
        if owner is not None:
            stmt = stmt.where(_B.owner == owner)
        for column, value in ((_C.document_id, document_id), (_C.annotation_id, annotation_id)):
            if value is not None:
                cites = sa.select(_C.id).where(_C.brief_id == _B.id, column == value)
                stmt = stmt.where(cites.exists())
        stmt = stmt.order_by(_B.needs_verification.desc(), _B.modified_at.desc(), _B.id)
        with self.connect() as conn:
            return read_briefs(conn, conn.execute(stmt).all())

    def update(self, id: str, changes: BriefChanges, *, revision: int, actor: str) -> Brief:
        """Apply an edit made on ``revision``; returns the brief at its new revision (the same
        one when nothing but the saved caret changed). Raises ``BriefNotFound``,
        ``NotYourBrief``, ``BriefConflict``, and ``InvalidAnnotation`` for a caret outside
        the body."""
        with self._editing(id, actor, revision) as (conn, current):
            values: dict[str, Any] = {}
            for name in ("title", "body", "visibility"):
                value = getattr(changes, name)
                if name == "title" and value is not None:
                    value = value.strip()
                if value is not None and value != getattr(current, name):
                    values[name] = value
            cursor = _cursor(changes.cursor, values.get("body", current.body))
            if "body" in values or cursor is not None:
                values["cursor"] = cursor
            if not values.keys() - {"cursor"}:
                if cursor is None or cursor == current.cursor:
                    return current
                conn.execute(briefs.update().where(_B.id == id).values(cursor=cursor))
                return replace(current, cursor=cursor)
            return _bump(conn, current, values, actor)

    def delete(self, id: str, *, actor: str, revision: int | None = None) -> None:
        """Delete a brief, its citations and history (only if still at ``revision``)."""
        with self._editing(id, actor, revision) as (conn, _):
            conn.execute(briefs.delete().where(_B.id == id))

    def revisions(self, id: str, *, viewer: str) -> list[BriefRevision]:
        """Every saved state of a brief the viewer may see, newest first."""
        with self.connect() as conn:
            _read(conn, id, viewer)
            return [revision_of(row._mapping) for row in conn.execute(select_revisions(id))]

    def restore(self, id: str, number: int, *, revision: int, actor: str) -> Brief:
        """Make revision ``number``'s title, body and visibility the brief's next revision
        (citations stay as they are). Raises what ``update`` raises, and ``BriefNotFound``
        for a revision the brief never had."""
        with self._editing(id, actor, revision) as (conn, current):
            stmt = select_revisions(id).where(brief_revisions.c.revision == number)
            row = conn.execute(stmt).first()
            if row is None:
                raise BriefNotFound(
                    f"Brief {id!r} has no revision {number}; it is at revision "
                    f"{current.revision}. List its revisions to pick one."
                )
            old = revision_of(row._mapping)
            values: dict[str, Any] = {"title": old.title, "body": old.body}
            values.update(visibility=old.visibility, cursor=None)  # the old caret: old text
            return _bump(conn, current, values, actor)

    def cite(
        self, id: str, draft: CitationDraft, *, actor: str, revision: int | None = None
    ) -> tuple[Brief, BriefCitation]:
        """Add a citation at the end of the brief's list (and, with ``draft.append``, its quote
        and marker at the end of the body, or with ``draft.insertion`` where that says, as a
        new revision whose saved caret is just after them). Raises ``DocumentNotFound``,
        ``InvalidAnchor``, ``AnnotationNotFound`` and what ``update`` raises."""
        document_id, anchor, placement = self._anchor(draft, actor)
        with self._editing(id, actor, revision) as (conn, current):
            if len(current.citations) >= MAX_CITATIONS:
                raise InvalidAnnotation(
                    f"Brief {id!r} already has {MAX_CITATIONS} citations; split it in two."
                )
            position = max((c.position for c in current.citations), default=-1) + 1
            citation = BriefCitation(
                id=new_id(), brief_id=id, document_id=document_id, anchor=anchor,
                position=position, created=now(), annotation_id=draft.annotation_id,
                status=CHECK_OF[placement.status], score=placement.score,  # type: ignore[arg-type]
                checked_version=placement.version,
                located=placement.located.span if placement.located else None,
            )  # fmt: skip
            conn.execute(brief_citations.insert().values(citation_row(citation)))
            if draft.append or draft.insertion is not None:
                if draft.insertion is not None:
                    inserted = insert_citation(current, citation, draft.insertion)
                else:
                    inserted = append_citation(current, citation)
                check_body(inserted.body)
                values = {"body": inserted.body, "cursor": inserted.cursor}
                return _bump(conn, current, values, actor), citation
            _touch(conn, id)
            return _read(conn, id, actor), citation

    def uncite(self, id: str, citation_id: str, *, actor: str) -> Brief:
        """Remove a citation from a brief (its markers in the body then show as missing)."""
        with self._editing(id, actor, None) as (conn, current):
            if current.citation(citation_id) is None:
                raise BriefNotFound(f"Brief {id!r} has no citation {citation_id!r}.")
            conn.execute(brief_citations.delete().where(_C.id == citation_id))
            _touch(conn, id)
            return _read(conn, id, actor)

    def _anchor(self, draft: CitationDraft, actor: str) -> tuple[str, Anchor, Placement]:
        """The cited passage's document, anchor and placement in its current version."""
        if draft.selection is not None:
            anchor, placement = self.astore.anchor_selection(draft.selection)
            return draft.selection.document_id, anchor, placement
        assert draft.annotation_id is not None  # CitationDraft checks one is given
        annotation = self.astore.get(draft.annotation_id, viewer=actor)
        current = self.store.get(annotation.document_id)
        return annotation.document_id, annotation.anchor, place(annotation.anchor, current)

    @contextmanager
    def _editing(
        self, id: str, actor: str, revision: int | None
    ) -> Iterator[tuple[Connection, Brief]]:
        """A write transaction holding the brief, checked: the actor sees it, owns it, and it
        is still at ``revision`` (when given)."""
        with self.connect(write=True) as conn:
            row = conn.execute(select_visible(actor).where(_B.id == id).with_for_update()).first()
            if row is None:
                raise _not_found(id)
            current = read_briefs(conn, [row])[0]
            if current.owner != actor:
                raise NotYourBrief(
                    f"Brief {id!r} is {current.owner!r}'s: only its owner can change it. "
                    "Copy its text into a brief of your own to rework it."
                )
            if revision is not None and revision != current.revision:
                raise BriefConflict(
                    f"Brief {id!r} was changed (it is at revision {current.revision}, the edit "
                    f"was made on revision {revision}). Compare both texts and save again.",
                    current,
                )
            yield conn, current


def citation_row(citation: BriefCitation) -> dict[str, Any]:
    """The ``brief_citations`` row of a citation."""
    located = citation.located
    return {
        "id": citation.id,
        "brief_id": citation.brief_id,
        "position": citation.position,
        "document_id": citation.document_id,
        **anchor_values(citation.anchor),
        "annotation_id": citation.annotation_id,
        "status": citation.status,
        "score": citation.score,
        "checked_version": citation.checked_version,
        "located_start": located.start if located else None,
        "located_end": located.end if located else None,
        "created_at": citation.created,
    }


def _cursor(cursor: int | None, body: str) -> int | None:
    """The editor's caret, checked against the body it was taken in."""
    if cursor is not None and cursor > len(body):
        raise InvalidAnnotation(
            f'"cursor" is {cursor}, past the end of the body ({len(body)} characters).'
        )
    return cursor


def _bump(conn: Connection, current: Brief, values: dict[str, Any], actor: str) -> Brief:
    """Write ``values`` as the brief's next revision and keep that state in its history."""
    when = now()
    stmt = briefs.update().where(_B.id == current.id)
    conn.execute(stmt.values(**values, revision=_B.revision + 1, modified_at=when))
    new = replace(current, **values, revision=current.revision + 1, modified=when)
    conn.execute(brief_revisions.insert().values(revision_row(new, actor)))
    return _read(conn, current.id, actor)


def _touch(conn: Connection, id: str) -> None:
    conn.execute(briefs.update().where(_B.id == id).values(modified_at=now()))


def _read(conn: Connection, id: str, viewer: str) -> Brief:
    row = conn.execute(select_visible(viewer).where(_B.id == id)).first()
    if row is None:
        raise _not_found(id)
    return read_briefs(conn, [row])[0]


def _not_found(id: str) -> BriefNotFound:
    return BriefNotFound(f"No brief with id {id!r}. It may have been deleted; list your briefs.")
