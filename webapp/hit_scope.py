"""Where a search's hits count in one document: everywhere, or only inside the ``said:``
speakers' turns and, with ``in:annotations`` (or ``?in=annotations``), inside the annotated
passages the viewer can see. The document view, its "next hit" and "previous hit" links and
``GET /api/documents/<id>?q=`` all ask here, so they keep the same hits the search counted
(``indexer/search/passages.py``)."""

from __future__ import annotations

from collections.abc import Sequence

from flask import request

from annotations import Annotation, as_seen_in, document_annotations
from corpus import Document, Span
from corpus.entities import Turn, turns
from indexer import QueryError
from indexer.search import (
    bodies_said_by,
    in_annotations,
    merge_passages,
    overlap,
    parse_query,
    said_values,
)
from webapp.params import InvalidParameter, in_annotations_param
from webapp.resources import get_annotation_store, get_entity_store, get_store
from webapp.users import current_user


def hit_scope(
    document: Document,
    query: str,
    *,
    spoken: Sequence[Turn] | None = None,
    annotations: Sequence[Annotation] | None = None,
) -> list[Span] | None:
    """The spans the hits of ``query`` must lie in (sorted, disjoint), or None for anywhere.
    ``spoken`` and ``annotations`` (placed in this version) are read when not given.

    Raises ``QueryError`` for a query that cannot be run, ``InvalidParameter`` for a bad
    ``?in=``.
    """
    if not query:
        return None
    parsed = parse_query(query)
    said = [*said_values(parsed), *request.args.getlist("said")]
    limited = in_annotations(parsed) or in_annotations_param(request.args)
    scope: list[Span] | None = None
    if said:
        found = (
            spoken
            if spoken is not None
            else turns(get_entity_store(), document.id, document.version)
        )
        scope = bodies_said_by(document.text, found, said, get_store())
    if limited:
        passages = merge_passages(
            a.located.span for a in _placed(document, annotations) if a.located
        )
        scope = passages if scope is None else overlap(scope, passages)
    return scope


def in_passages(query: str) -> bool:
    """True when the hits of ``query`` count inside annotated passages only (for the page to
    say so); False for a query that cannot be run."""
    try:
        return bool(query) and (
            in_annotations(parse_query(query)) or in_annotations_param(request.args)
        )
    except (QueryError, InvalidParameter):  # the page says why elsewhere
        return False


def _placed(document: Document, annotations: Sequence[Annotation] | None) -> list[Annotation]:
    if annotations is not None:
        return list(annotations)
    found = document_annotations(get_annotation_store(), document.id, viewer=current_user())
    return as_seen_in(found, document)
