"""The annotation store: annotations in the same SQL database as the documents they annotate.

- Writes are idempotent: a create that carries a ``client_key`` the author used before returns
  the annotation that key made (a retried request never makes a second one).
- Edits are checked against a revision: each edit names the revision it was made on, and one
  made on an older revision raises ``RevisionConflict`` carrying the current state, so two
  edits of one annotation never silently overwrite each other. Each edit adds one to it.
- Only an annotation's author changes or deletes it (``NotYourAnnotation``); a viewer sees
  their own annotations and the team's, and gets ``AnnotationNotFound`` for anyone else's
  private ones, as if they did not exist.
- A new annotation is placed in the current version of its document at once (selected on an
  older version, it is located in the current one); later versions are re-anchored by queued
  jobs (``annotations/reanchor.py``), never as a side effect of saving a document.

Replies: ``annotations/replies.py``; lists, counts and tags: ``annotations/listing.py``;
passage links: ``annotations/passages.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from annotations.anchoring import Placement, place
from annotations.errors import (
    AnnotationNotFound,
    NotYourAnnotation,
    RevisionConflict,
)
from annotations.migrations import MIGRATIONS
from annotations.model import REANCHOR, Annotation, AnnotationDraft, Changes, Reply, Selection
from annotations.rows import (
    anchor_values,
    located_values,
    new_id,
    now,
    read_annotations,
    select_visible,
    tag_rows,
)
from annotations.tables import annotation_replies, annotation_table, annotation_tags
from corpus.anchors import Anchor, anchor_at, selection
from corpus.database import check_head
from corpus.database import migrate as _migrate
from corpus.jobs import enqueue
from corpus.model import Span
from corpus.store import Store
from corpus.tables import documents

_A = annotation_table.c


class AnnotationStore:
    """Annotations beside the documents of ``store``; opening it migrates its tables (or,
    ``migrate=False``, for commands that only read, checks they are at head)."""

    def __init__(self, store: Store, *, migrate: bool = True) -> None:
        (_migrate if migrate else check_head)(store.engine, MIGRATIONS)
        self.store = store

    def connect(self, *, write: bool = False) -> AbstractContextManager[Connection]:
        """A connection in a transaction (a serialised writer's if ``write``)."""
        return self.store.connect(write=write)

    def create(self, draft: AnnotationDraft, *, author: str) -> tuple[Annotation, bool]:
        """Save a new annotation; returns it and True, or, for a ``client_key`` the author
        used before, the annotation it made and False.

        Raises ``DocumentNotFound`` for an unknown document or version and ``InvalidAnchor``
        when the selection is not the text of that version at those offsets.
        """
        anchor, placement = self.anchor_selection(draft.selection)
        when = now()
        annotation = Annotation(
            id=new_id(), document_id=draft.selection.document_id, anchor=anchor, author=author,
            visibility=draft.visibility, created=when, modified=when, note=draft.note,
            tags=draft.tags, colour=draft.colour, checked_version=placement.version,
            status=placement.status, score=placement.score, located=placement.located,
            client_key=draft.client_key,
        )  # fmt: skip
        try:
            with self.connect(write=True) as conn:  # one write transaction per save
                if draft.client_key:
                    found = _by_client_key(conn, author, draft.client_key)
                    if found is not None:
                        return found, False
                _insert(conn, annotation, placement)
        except sa.exc.IntegrityError:
            with self.connect() as conn:
                found = _by_client_key(conn, author, draft.client_key) if draft.client_key else None
            if found is None:
                raise
            return found, False  # the same key, created meanwhile by a concurrent retry
        return annotation, True

    def get(self, id: str, *, viewer: str) -> Annotation:
        """The annotation with its tags and the replies the viewer may see; raises
        ``AnnotationNotFound``."""
        with self.connect() as conn:
            return _read(conn, id, viewer)

    def update(self, id: str, changes: Changes, *, revision: int, actor: str) -> Annotation:
        """Apply an edit made on ``revision``; returns the annotation at its new revision (the
        same one when nothing changed).

        Raises ``AnnotationNotFound``, ``NotYourAnnotation``, or ``RevisionConflict`` with the
        current state when the annotation has moved past ``revision``.
        """
        with self._editing(id, actor, revision) as (conn, current):
            values: dict[str, Any] = {}
            if changes.note is not None and changes.note != current.note:
                values["note"] = changes.note
            if changes.colour is not None and changes.colour != current.colour:
                values["colour"] = changes.colour
            if changes.visibility is not None and changes.visibility != current.visibility:
                values["visibility"] = changes.visibility
            new_tags = changes.tags is not None and changes.tags != current.tags
            if not values and not new_tags:
                return current
            _bump(conn, id, values)
            if new_tags and changes.tags is not None:
                conn.execute(annotation_tags.delete().where(annotation_tags.c.annotation_id == id))
                if changes.tags:
                    conn.execute(annotation_tags.insert(), tag_rows(id, changes.tags))
            return _read(conn, id, actor)

    def delete(self, id: str, *, actor: str, revision: int | None = None) -> None:
        """Delete an annotation and its replies (only if still at ``revision``, when given)."""
        with self._editing(id, actor, revision) as (conn, _):
            conn.execute(annotation_table.delete().where(_A.id == id))

    def reattach(
        self, id: str, new_selection: Selection, *, actor: str, revision: int | None = None
    ) -> Annotation:
        """Point an annotation (typically an orphaned or fuzzy one) at newly selected text.

        The new anchor replaces the old; the note, tags and replies stay. Raises
        ``InvalidAnchor`` when the selection is not that version's text, and what
        ``update`` raises.
        """
        current = self.get(id, viewer=actor)
        if new_selection.document_id != current.document_id:
            raise AnnotationNotFound(
                f"Annotation {id!r} is on document {current.document_id!r}, not "
                f"{new_selection.document_id!r}: select the passage in its own document."
            )
        anchor, placement = self.anchor_selection(new_selection)
        values = {
            **anchor_values(anchor),
            **located_values(placement),
        }
        with self._editing(id, actor, revision) as (conn, _):
            _bump(conn, id, values)
            _queue_if_superseded(conn, current.document_id, placement.version)
            return _read(conn, id, actor)

    def restore(self, annotation: Annotation, placement: Placement) -> bool:
        """Store an annotation exactly as given (an import: its id, owner, times, revision
        and replies); False, storing nothing, when its id or its author's client key is
        taken. Its fields must have been checked (``AnnotationDraft``/``Changes`` do)."""
        taken = _A.id == annotation.id
        if annotation.client_key:
            same_key = (_A.author == annotation.author) & (_A.client_key == annotation.client_key)
            taken = taken | same_key
        with self.connect(write=True) as conn:
            if conn.execute(sa.select(_A.id).where(taken).limit(1)).first() is not None:
                return False
            _insert(conn, annotation, placement)
            if annotation.replies:
                conn.execute(
                    annotation_replies.insert(), [_reply_row(r) for r in annotation.replies]
                )
        return True

    def anchor_selection(self, sel: Selection) -> tuple[Anchor, Placement]:
        """The anchor of a selection (checked against its version's text) and where it is in
        the document's current version."""
        document = self.store.get(sel.document_id, sel.version)
        span = selection(document.text, Span(sel.start, sel.end), sel.quote)
        anchor = anchor_at(document.text, span, version=document.version)
        if document.is_current:
            return anchor, Placement.at_anchor(anchor, document.version)
        return anchor, place(anchor, self.store.get(sel.document_id))

    @contextmanager
    def _editing(
        self, id: str, actor: str, revision: int | None
    ) -> Iterator[tuple[Connection, Annotation]]:
        """A write transaction holding the annotation, checked: it exists for ``actor``, is
        theirs, and is still at ``revision`` (when given)."""
        with self.connect(write=True) as conn:
            row = conn.execute(select_visible(actor).where(_A.id == id).with_for_update()).first()
            if row is None:
                raise _not_found(id)
            current = read_annotations(conn, [row], actor)[0]
            if current.author != actor:
                raise NotYourAnnotation(
                    f"Annotation {id!r} is {current.author!r}'s: only its author can change "
                    "or delete it. Reply to it instead."
                )
            if revision is not None and revision != current.revision:
                raise RevisionConflict(
                    f"Annotation {id!r} was changed (it is at revision {current.revision}, "
                    f"the edit was made on revision {revision}). Compare it with your edit "
                    "and save again.",
                    current,
                )
            yield conn, current


def _insert(conn: Connection, annotation: Annotation, placement: Placement) -> None:
    """Write a new annotation and its tags (queueing re-anchoring if its document moved on)."""
    values = {
        "id": annotation.id,
        "document_id": annotation.document_id,
        **anchor_values(annotation.anchor),
        "note": annotation.note,
        "colour": annotation.colour,
        "author": annotation.author,
        "visibility": annotation.visibility,
        "client_key": annotation.client_key or None,
        "revision": annotation.revision,
        "created_at": annotation.created,
        "modified_at": annotation.modified,
        **located_values(placement),
    }
    conn.execute(annotation_table.insert().values(values))
    if annotation.tags:
        conn.execute(annotation_tags.insert(), tag_rows(annotation.id, annotation.tags))
    _queue_if_superseded(conn, annotation.document_id, placement.version)


def _by_client_key(conn: Connection, author: str, key: str) -> Annotation | None:
    row = conn.execute(
        sa.select(annotation_table).where(_A.author == author, _A.client_key == key)
    ).first()
    return read_annotations(conn, [row], author)[0] if row is not None else None


def _queue_if_superseded(conn: Connection, document_id: str, version: int) -> None:
    """Queue re-anchoring if the document got a newer version than ``version`` since it was
    read. The document's row is locked until commit, so an ingest either committed before
    (seen here) or commits after (and its re-anchoring sees this annotation)."""
    current = conn.execute(
        sa.select(documents.c.current_version)
        .where(documents.c.id == document_id)
        .with_for_update()
    ).scalar_one()
    if current != version:
        enqueue(conn, REANCHOR, [document_id])


def _reply_row(reply: Reply) -> dict[str, Any]:
    return {
        "id": reply.id,
        "annotation_id": reply.annotation_id,
        "body": reply.body,
        "author": reply.author,
        "visibility": reply.visibility,
        "client_key": None,
        "revision": reply.revision,
        "created_at": reply.created,
        "modified_at": reply.modified,
    }


def _bump(conn: Connection, id: str, values: dict[str, Any]) -> None:
    """Write ``values`` as the next revision of the annotation."""
    stmt = annotation_table.update().where(_A.id == id)
    conn.execute(stmt.values(**values, revision=_A.revision + 1, modified_at=now()))


def _read(conn: Connection, id: str, viewer: str) -> Annotation:
    row = conn.execute(select_visible(viewer).where(_A.id == id)).first()
    if row is None:
        raise _not_found(id)
    return read_annotations(conn, [row], viewer)[0]


def _not_found(id: str) -> AnnotationNotFound:
    return AnnotationNotFound(
        f"No annotation with id {id!r}. It may have been deleted; reload the document to see "
        "its annotations."
    )
