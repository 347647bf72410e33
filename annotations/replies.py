"""Replies: the thread under an annotation, with the same rules as annotations themselves.

Whoever can see an annotation can reply to it. A reply is ``team`` (seen by everyone who sees
the annotation) or ``private`` (its author's own aside); by default it takes the annotation's
visibility. Creates are idempotent by client key, edits are checked against the reply's
revision, and only a reply's author changes or deletes it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from annotations.errors import AnnotationNotFound, NotYourAnnotation, RevisionConflict
from annotations.model import Reply, Visibility, check_body, check_client_key, check_visibility
from annotations.rows import new_id, now, reply_of, visible
from annotations.store import AnnotationStore
from annotations.tables import annotation_replies

_R = annotation_replies.c


def add_reply(
    astore: AnnotationStore,
    annotation_id: str,
    body: str,
    *,
    author: str,
    visibility: Visibility | None = None,
    client_key: str = "",
) -> tuple[Reply, bool]:
    """Add a reply; returns it and True, or the reply an earlier use of ``client_key`` made
    and False. Raises ``AnnotationNotFound`` when the author cannot see the annotation."""
    check_body(body)
    check_client_key(client_key)
    if visibility is not None:
        check_visibility(visibility)
    annotation = astore.get(annotation_id, viewer=author)
    with astore.connect(write=True) as conn:
        if client_key:
            row = conn.execute(
                sa.select(annotation_replies).where(
                    _R.author == author, _R.client_key == client_key
                )
            ).first()
            if row is not None:
                return reply_of(row._mapping), False
        when, reply_id = now(), new_id()
        values = {
            "id": reply_id,
            "annotation_id": annotation_id,
            "body": body,
            "author": author,
            "visibility": visibility or annotation.visibility,
            "client_key": client_key or None,
            "revision": 1,
            "created_at": when,
            "modified_at": when,
        }
        conn.execute(annotation_replies.insert().values(values))
        return _read(conn, annotation_id, reply_id, author), True


def update_reply(
    astore: AnnotationStore,
    annotation_id: str,
    reply_id: str,
    body: str,
    *,
    revision: int,
    actor: str,
) -> Reply:
    """Replace a reply's text, made on ``revision``; raises ``AnnotationNotFound``,
    ``NotYourAnnotation`` or ``RevisionConflict`` (with the current reply)."""
    check_body(body)
    with _editing(astore, annotation_id, reply_id, actor, revision) as (conn, current):
        if body == current.body:
            return current
        stmt = annotation_replies.update().where(_R.id == reply_id)
        conn.execute(stmt.values(body=body, revision=_R.revision + 1, modified_at=now()))
        return _read(conn, annotation_id, reply_id, actor)


def delete_reply(
    astore: AnnotationStore,
    annotation_id: str,
    reply_id: str,
    *,
    actor: str,
    revision: int | None = None,
) -> None:
    """Delete a reply (only if still at ``revision``, when given)."""
    with _editing(astore, annotation_id, reply_id, actor, revision) as (conn, _):
        conn.execute(annotation_replies.delete().where(_R.id == reply_id))


@contextmanager
def _editing(
    astore: AnnotationStore, annotation_id: str, reply_id: str, actor: str, revision: int | None
) -> Iterator[tuple[Connection, Reply]]:
    astore.get(annotation_id, viewer=actor)  # the annotation must be visible to the actor
    with astore.connect(write=True) as conn:
        current = _read(conn, annotation_id, reply_id, actor, for_update=True)
        if current.author != actor:
            raise NotYourAnnotation(
                f"Reply {reply_id!r} is {current.author!r}'s: only its author can change or "
                "delete it."
            )
        if revision is not None and revision != current.revision:
            raise RevisionConflict(
                f"Reply {reply_id!r} was changed (it is at revision {current.revision}, the "
                f"edit was made on revision {revision}). Compare it with your edit and save "
                "again.",
                current,
            )
        yield conn, current


def _read(
    conn: Connection, annotation_id: str, reply_id: str, viewer: str, *, for_update: bool = False
) -> Reply:
    stmt = sa.select(annotation_replies).where(
        _R.id == reply_id,
        _R.annotation_id == annotation_id,
        visible(_R.author, _R.visibility, viewer),
    )
    row = conn.execute(stmt.with_for_update() if for_update else stmt).first()
    if row is None:
        raise AnnotationNotFound(
            f"Annotation {annotation_id!r} has no reply {reply_id!r}. It may have been "
            "deleted; reload the page."
        )
    return reply_of(row._mapping)
