"""The briefs API (docs/API.md): briefs, their revisions and citations.

As the annotations API: every write needs the session's CSRF token; edits name the revision
they were made on (``If-Match: "rev-N"`` or ``"revision": N``) and one made on an older revision
answers 412 with both texts, the brief as it is now (``current``) and the edit refused
(``yours``), so the editor can show them side by side. Errors are ``{"error", "status"}``.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from flask import Blueprint, Response, jsonify, redirect, request, url_for
from flask.typing import ResponseReturnValue

from annotations import (
    Brief,
    BriefCitation,
    BriefConflict,
    BriefNotFound,
    Notes,
    Selection,
    UnverifiedQuotes,
    Urls,
    export_brief,
    link_passage,
    note_brief,
    verify_brief,
)
from webapp.annotation_params import json_body, revision_of
from webapp.brief_json import (
    brief_json,
    citation_json,
    notes_json,
    revision_json,
    sourcing_json,
    verification_json,
)
from webapp.brief_params import (
    CITE,
    CREATE,
    EDIT,
    brief_changes_of,
    brief_draft_of,
    citation_draft_of,
)
from webapp.brief_sources import source_quotes
from webapp.resources import (
    entity_names,
    get_annotation_store,
    get_brief_store,
    get_entity_store,
    get_index,
    get_store,
)
from webapp.turn_layer import speakers_in
from webapp.users import current_user

bp = Blueprint("briefs", __name__)
# format -> what the brief's page calls it (the formats export_brief knows)
EXPORT_FORMATS: tuple[tuple[str, str], ...] = (
    ("markdown", "Markdown"),
    ("html", "HTML (print)"),
    ("docx", "Word (DOCX)"),
    ("w3c", "W3C annotations (JSON-LD)"),
)


@bp.get("/api/briefs")
def index() -> ResponseReturnValue:
    """The briefs the viewer may see: those needing verification first, then the newest
    (``mine=1``: only the viewer's own). Backlinks: ``document`` or ``annotation`` lists only
    the briefs citing it, with their citations of it."""
    viewer = current_user()
    owner = viewer if request.args.get("mine", "") in ("1", "true", "yes") else None
    document = request.args.get("document", "").strip() or None
    annotation = request.args.get("annotation", "").strip() or None
    found = get_brief_store().all(
        viewer=viewer, owner=owner, document_id=document, annotation_id=annotation
    )
    listed = []
    for brief in found:
        item = brief_json(brief, viewer=viewer, citations=False)
        if document or annotation:
            item["citations"] = [
                citation_json(c)
                for c in brief.citations
                if c.document_id == (document or c.document_id)
                and c.annotation_id == (annotation or c.annotation_id)
            ]
        listed.append(item)
    return jsonify({"briefs": listed})


@bp.post("/api/briefs")
def create() -> ResponseReturnValue:
    """A new brief (201), or the one an earlier request with the same client_key made (200)."""
    brief, created = get_brief_store().create(
        brief_draft_of(json_body(CREATE)), owner=current_user()
    )
    return _brief_response(brief, 201 if created else 200)


@bp.get("/api/briefs/<id>")
def brief(id: str) -> ResponseReturnValue:
    """One brief with its citations, and its ETag."""
    return _brief_response(get_brief_store().get(id, viewer=current_user()))


@bp.patch("/api/briefs/<id>")
def edit(id: str) -> ResponseReturnValue:
    """Change the title, body or visibility of a brief at a known revision."""
    body = json_body(EDIT)
    revision = revision_of(body, required=True)
    assert revision is not None  # revision_of raised otherwise
    try:
        found = get_brief_store().update(
            id, brief_changes_of(body), revision=revision, actor=current_user()
        )
    except BriefConflict as error:
        edited = ("title", "body", "visibility", "cursor")
        return _conflict(error, {k: body[k] for k in edited if k in body})
    return _brief_response(found)


@bp.delete("/api/briefs/<id>")
def delete(id: str) -> ResponseReturnValue:
    """Delete a brief, its citations and history (only at the If-Match revision, if sent)."""
    get_brief_store().delete(id, actor=current_user(), revision=revision_of({}, required=False))
    return Response(status=204)


@bp.get("/api/briefs/<id>/revisions")
def revisions(id: str) -> ResponseReturnValue:
    """Every saved state of the brief, newest first."""
    found = get_brief_store().revisions(id, viewer=current_user())
    return jsonify({"revisions": [revision_json(r) for r in found]})


@bp.post("/api/briefs/<id>/revisions/<int:number>/restore")
def restore(id: str, number: int) -> ResponseReturnValue:
    """Make an old revision's title, body and visibility the brief's next revision."""
    revision = revision_of(json_body(("revision",)), required=True)
    assert revision is not None
    try:
        found = get_brief_store().restore(id, number, revision=revision, actor=current_user())
    except BriefConflict as error:
        return _conflict(error, {})
    return _brief_response(found)


@bp.post("/api/briefs/<id>/citations")
def cite(id: str) -> ResponseReturnValue:
    """Cite a selected passage or an annotation (201): ``{"brief": ..., "citation": ...}``."""
    body = json_body(CITE)
    revision = revision_of(body, required=False)
    draft = citation_draft_of(body, revision=revision)
    try:
        found, citation = get_brief_store().cite(id, draft, actor=current_user(), revision=revision)
    except BriefConflict as error:
        return _conflict(error, {})
    response = jsonify({"brief": _json(found), "citation": citation_json(citation)})
    response.headers["ETag"] = _etag(found.revision)
    return response, 201


@bp.delete("/api/briefs/<id>/citations/<citation_id>")
def uncite(id: str, citation_id: str) -> ResponseReturnValue:
    """Remove a citation (its markers in the body then show as a missing note)."""
    found = get_brief_store().uncite(id, citation_id, actor=current_user())
    return _brief_response(found)


@bp.post("/api/briefs/<id>/verify")
def verify(id: str) -> ResponseReturnValue:
    """Check every quote against its document's current version (exact, moved, changed
    with a word diff, or missing) and mark the brief verified."""
    viewer = current_user()
    found = verify_brief(get_brief_store(), id, viewer=viewer)
    return jsonify(verification_json(found, viewer=viewer))


@bp.get("/api/briefs/<id>/quotes")
def quotes(id: str) -> ResponseReturnValue:
    """The body's hand-typed quotes (in quotation marks, not cited), each with the passages
    of the corpus that hold it, ready to cite, or flagged unsourced."""
    found = get_brief_store().get(id, viewer=current_user())
    sourced = source_quotes(found, get_index(), get_store())
    return jsonify({"quotes": [sourcing_json(s) for s in sourced]})


@bp.get("/api/briefs/<id>/rendered")
def rendered(id: str) -> ResponseReturnValue:
    """The brief rendered: its body as sanitized HTML with numbered note references, and its
    notes (house style, passage link, status in the current version, warning)."""
    return jsonify(notes_json(notes_of(id)))


@bp.post("/api/briefs/<id>/preview")
def preview(id: str) -> ResponseReturnValue:
    """The brief rendered with an unsaved ``body`` (the editor's live preview): as
    ``rendered``, nothing stored."""
    body = json_body(("body",))
    changes = brief_changes_of(body)
    return jsonify(notes_json(notes_of(id, body=changes.body)))


@bp.get("/api/briefs/<id>/export")
def export(id: str) -> ResponseReturnValue:
    """The brief as a file: ``format`` markdown, html (print), docx or w3c. A brief whose
    quotes changed or went missing answers 409 naming the notes, unless ``force=1``."""
    fmt = request.args.get("format", "markdown").strip()
    force = request.args.get("force", "") in ("1", "true", "yes")
    base = request.host_url.rstrip("/")
    try:
        exported = export_brief(notes_of(id), fmt, Urls(base), force=force)
    except UnverifiedQuotes as error:
        body = {"error": str(error), "status": 409, "notes": list(error.numbers)}
        return jsonify(body), 409
    response = Response(exported.data, mimetype=exported.media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    if fmt == "html":  # a standalone page: its own stylesheet inline, never a script
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
        )
    return response


@bp.get("/briefs/<id>/citations/<citation_id>")
def open_citation(id: str, citation_id: str) -> ResponseReturnValue:
    """Follow a note: the cited document, scrolled to the passage and highlighted (through
    the viewer's own passage link to it: the same link every time)."""
    viewer = current_user()
    citation = get_brief_store().get(id, viewer=viewer).citation(citation_id)
    if citation is None:
        raise BriefNotFound(f"Brief {id!r} has no citation {citation_id!r}; it may be removed.")
    anchor = citation.anchor
    sel = Selection(
        citation.document_id, anchor.version or 1, anchor.start, anchor.end, anchor.quote
    )
    passage = link_passage(get_annotation_store(), sel, owner=viewer, visibility="private")
    return redirect(url_for("annotations.passage_page", id=passage.id))


def notes_of(id: str, *, body: str | None = None) -> Notes:
    """The viewer's brief (with ``body`` instead of its own, for a preview) and its notes,
    each linking to its passage in Dossier."""
    found = get_brief_store().get(id, viewer=current_user())
    if body is not None:
        found = dataclasses.replace(found, body=body)

    def link(citation: BriefCitation) -> str:
        return url_for("briefs.open_citation", id=found.id, citation_id=citation.id, _external=True)

    said_by = speakers_in(get_entity_store(), entity_names())
    return note_brief(get_brief_store(), found, link, said_by)


def _json(found: Brief) -> dict[str, Any]:
    return brief_json(found, viewer=current_user())


def _conflict(error: BriefConflict, yours: dict[str, Any]) -> ResponseReturnValue:
    """412 with the brief as it is now and the refused edit, for the editor to merge."""
    body = {"error": str(error), "status": 412, "current": _json(error.current), "yours": yours}
    response = jsonify(body)
    response.headers["ETag"] = _etag(error.current.revision)
    return response, 412


def _brief_response(found: Brief, status: int = 200) -> ResponseReturnValue:
    response = jsonify(_json(found))
    response.headers["ETag"] = _etag(found.revision)
    if status == 201:
        response.headers["Location"] = url_for("briefs.brief", id=found.id)
    return response, status


def _etag(revision: int) -> str:
    return f'"rev-{revision}"'
