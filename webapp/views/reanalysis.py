"""``GET /api/reanalysis``: what the re-analysis queue holds (see docs/API.md).

Scripts and pages poll it after a correction to know when its documents are up to date.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, request
from flask.typing import ResponseReturnValue

from corpus.entities import REANALYSE
from corpus.jobs import pending_documents, queue_status
from webapp.jobs import settings_of, worker_of
from webapp.params import MAX_FILTER_VALUES, InvalidParameter
from webapp.reanalysis import progress_json, status_json
from webapp.resources import get_entity_store

bp = Blueprint("reanalysis", __name__, url_prefix="/api/reanalysis")

FAILURES_SHOWN = 20


@bp.get("")
def status() -> ResponseReturnValue:
    """Documents pending, in progress and failed, the latest failures, how far re-analysis is
    after the corrections it works on (``progress``: done of total documents, or null), and
    with ``?document=`` (repeatable) which of those documents are still pending."""
    asked = list(dict.fromkeys(d.strip() for d in request.args.getlist("document") if d.strip()))
    if len(asked) > MAX_FILTER_VALUES:
        raise InvalidParameter(
            f'Parameter "document" is given {len(asked)} times; the limit is {MAX_FILTER_VALUES}.'
        )
    entity_store = get_entity_store()
    found = queue_status(entity_store, REANALYSE, failures=FAILURES_SHOWN)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    worker = worker_of(app)
    body: dict[str, Any] = {
        "mode": settings_of(app).mode,
        "worker": worker.name if worker else None,
        **status_json(found),
        "progress": progress_json(),
    }
    if asked:
        pending = pending_documents(entity_store, REANALYSE, asked)
        body["documents"] = {d: d in pending for d in asked}
    return jsonify(body)
