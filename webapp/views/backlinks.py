"""Backlinks API: ``GET /api/documents/<id>/cited``, the passages of a document cited by
briefs the viewer may see, each with its citing briefs (docs/API.md).

``?version=N`` places them in that version (default: the current one); ``?start=&end=``
keeps only the passages overlapping those offsets: a passage's citing briefs. Another
analyst's private brief is never listed (``annotations``' ``cited_passages``).
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue

from annotations import cited_passages
from corpus import Span
from webapp.brief_json import cited_json
from webapp.params import InvalidParameter, text_offset, version_number
from webapp.resources import get_brief_store, get_store
from webapp.users import current_user

bp = Blueprint("backlinks", __name__)


@bp.get("/api/documents/<id>/cited")
def cited(id: str) -> ResponseReturnValue:
    """The cited passages of a document version, in text order (gone quotes last)."""
    document = get_store().get(id, version_number(request.args))
    start, end = text_offset(request.args, "start"), text_offset(request.args, "end")
    within = None
    if start is not None or end is not None:
        if start is None or end is None or end <= start:
            raise InvalidParameter(
                'Give both "start" and "end" (character offsets, "end" after "start") to list '
                f"one passage's citing briefs, not start={start} and end={end}."
            )
        within = Span(start, end)
    found = cited_passages(get_brief_store(), document, viewer=current_user(), within=within)
    return jsonify(cited_json(document, found))
