"""The annotations API (docs/API.md): annotations, replies, tags and passage links.

Every write needs the session's CSRF token (``X-CSRF-Token``); edits name the revision they
were made on (``If-Match: "rev-N"``), and one made on an older revision answers 412 with the
current state, so two edits never silently overwrite each other. Errors are the API's JSON
shape, ``{"error": str, "status": int}``.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, redirect, request, url_for
from flask.typing import ResponseReturnValue

from annotations import (
    Annotation,
    AnnotationFilter,
    AnnotationPage,
    InvalidAnnotation,
    Placement,
    Reply,
    RevisionConflict,
    add_reply,
    as_seen_in,
    delete_reply,
    get_passage,
    link_passage,
    list_annotations,
    locate_passage,
    tag_suggestions,
    update_reply,
)
from corpus import Document
from webapp.annotation_json import annotation_json, passage_json, reply_json
from webapp.annotation_params import (
    changes_of,
    draft_of,
    filter_of,
    json_body,
    revision_of,
    selection_of,
    text_field,
)
from webapp.annotation_search import search_annotations
from webapp.params import version_number
from webapp.resources import entity_names, get_annotation_store, get_entity_store, get_store
from webapp.turn_layer import speaker_in
from webapp.users import current_user

bp = Blueprint("annotations", __name__)

SELECTION = ("document_id", "version", "start", "end", "quote")
CREATE = (*SELECTION, "note", "tags", "colour", "visibility", "client_key")
EDIT = ("note", "tags", "colour", "visibility", "revision")


@bp.get("/api/annotations")
def index() -> ResponseReturnValue:
    """One page of the annotations the viewer may see, filtered (``search``: in the search
    query language); with ``document`` and ``version``, placed in that version."""
    viewer = current_user()
    query = filter_of(request.args, viewer=viewer)
    version = version_number(request.args)
    if version is not None and len(query.document_ids) != 1:
        raise InvalidAnnotation(
            '"version" places annotations in one document: give one "document".'
        )
    words = request.args.get("search", "").strip()
    if words:
        page = _searched(words, query)
    else:
        page = list_annotations(get_annotation_store(), query)
    found = list(page.annotations)
    if version is not None:
        found = as_seen_in(found, get_store().get(query.document_ids[0], version))
    return jsonify(
        {
            "annotations": [annotation_json(a, viewer=viewer) for a in found],
            "total": page.total,
            "page": page.page,
            "per_page": page.per_page,
        }
    )


def _searched(words: str, query: AnnotationFilter) -> AnnotationPage:
    """One page of the annotations a query in the search language finds (of the documents
    asked for, if any)."""
    found = search_annotations(get_annotation_store(), get_store(), words, viewer=query.viewer)
    if query.document_ids:
        found = [a for a in found if a.document_id in query.document_ids]
    first = (query.page - 1) * query.per_page
    return AnnotationPage(
        tuple(found[first : first + query.per_page]), len(found), query.page, query.per_page
    )


@bp.post("/api/annotations")
def create() -> ResponseReturnValue:
    """A new annotation (201), or the one an earlier request with the same client_key made
    (200)."""
    annotation, created = get_annotation_store().create(
        draft_of(json_body(CREATE)), author=current_user()
    )
    return _annotation_response(annotation, 201 if created else 200)


@bp.get("/api/annotations/<id>")
def annotation(id: str) -> ResponseReturnValue:
    """One annotation, with its ETag."""
    return _annotation_response(get_annotation_store().get(id, viewer=current_user()))


@bp.patch("/api/annotations/<id>")
def edit(id: str) -> ResponseReturnValue:
    """Change the note, tags, colour or visibility of an annotation at a known revision."""
    body = json_body(EDIT)
    revision = revision_of(body, required=True)
    assert revision is not None  # revision_of raised otherwise
    annotation = get_annotation_store().update(
        id, changes_of(body), revision=revision, actor=current_user()
    )
    return _annotation_response(annotation)


@bp.delete("/api/annotations/<id>")
def delete(id: str) -> ResponseReturnValue:
    """Delete an annotation and its replies (only at the If-Match revision, when sent)."""
    revision = revision_of({}, required=False)
    get_annotation_store().delete(id, actor=current_user(), revision=revision)
    return Response(status=204)


@bp.post("/api/annotations/<id>/reattach")
def reattach(id: str) -> ResponseReturnValue:
    """Point an annotation (orphaned or fuzzy, typically) at newly selected words."""
    astore, viewer = get_annotation_store(), current_user()
    body = json_body((*SELECTION, "revision"))
    body.setdefault("document_id", astore.get(id, viewer=viewer).document_id)
    annotation = astore.reattach(
        id, selection_of(body), actor=viewer, revision=revision_of(body, required=False)
    )
    return _annotation_response(annotation)


@bp.post("/api/annotations/<id>/replies")
def reply(id: str) -> ResponseReturnValue:
    """A reply in the annotation's thread (201), or the one its client_key made (200)."""
    body = json_body(("body", "visibility", "client_key"))
    new, created = add_reply(
        get_annotation_store(),
        id,
        text_field(body, "body"),
        author=current_user(),
        visibility=body.get("visibility"),
        client_key=text_field(body, "client_key"),
    )
    return _reply_response(new, 201 if created else 200)


@bp.patch("/api/annotations/<id>/replies/<reply_id>")
def edit_reply(id: str, reply_id: str) -> ResponseReturnValue:
    """Replace a reply's text at a known revision."""
    body = json_body(("body", "revision"))
    revision = revision_of(body, required=True)
    assert revision is not None
    edited = update_reply(
        get_annotation_store(), id, reply_id, text_field(body, "body"), revision=revision,
        actor=current_user(),
    )  # fmt: skip
    return _reply_response(edited)


@bp.delete("/api/annotations/<id>/replies/<reply_id>")
def remove_reply(id: str, reply_id: str) -> ResponseReturnValue:
    """Delete a reply (only at the If-Match revision, when sent)."""
    revision = revision_of({}, required=False)
    delete_reply(get_annotation_store(), id, reply_id, actor=current_user(), revision=revision)
    return Response(status=204)


@bp.get("/api/annotations/tags")
def tags() -> ResponseReturnValue:
    """Tags starting with ``prefix``, most used first (autocomplete)."""
    found = tag_suggestions(
        get_annotation_store(), request.args.get("prefix", ""), viewer=current_user()
    )
    return jsonify({"tags": [{"tag": t.tag, "count": t.count} for t in found]})


@bp.post("/api/passages")
def new_passage() -> ResponseReturnValue:
    """A link to a selected passage (the same link for the same passage), with its citation."""
    body = json_body((*SELECTION, "visibility"))
    passage = link_passage(
        get_annotation_store(),
        selection_of(body),
        owner=current_user(),
        visibility=body.get("visibility") or "team",
    )
    document = get_store().get(passage.document_id)
    said_by = _said_by(document, locate_passage(passage, document))
    return jsonify(passage_json(passage, document, said_by=said_by)), 201


@bp.get("/api/passages/<id>")
def passage(id: str) -> ResponseReturnValue:
    """A passage link and where its words are in the document's current version."""
    found = get_passage(get_annotation_store(), id, viewer=current_user())
    document = get_store().get(found.document_id)
    placement = locate_passage(found, document)
    body = passage_json(found, document, said_by=_said_by(document, placement))
    located = placement.located
    body["located"] = (
        {"version": located.version, "start": located.span.start, "end": located.span.end}
        if located
        else None
    )
    body["status"], body["score"] = placement.status, placement.score
    return jsonify(body)


@bp.get("/passages/<id>")
def passage_page(id: str) -> ResponseReturnValue:
    """Open a passage link: the document at its current version (``?version=original``: the
    version it was selected in), scrolled to the passage, which the page highlights."""
    found = get_passage(get_annotation_store(), id, viewer=current_user())
    wanted = request.args.get("version", "").strip()
    if wanted not in ("", "current", "original"):
        raise InvalidAnnotation(f'"version" must be "current" or "original", not {wanted[:40]!r}.')
    version = found.anchor.version if wanted == "original" else None
    target = url_for(
        "documents.show", id=found.document_id, version=version, passage=found.id,
        _anchor="passage",
    )  # fmt: skip
    return redirect(target)


def _said_by(document: Document, placement: Placement) -> str:
    """Who says the passage where it is placed: its turn's speaker, "" outside one turn."""
    if placement.located is None:
        return ""
    return speaker_in(get_entity_store(), entity_names(), document, placement.located.span)


@bp.errorhandler(RevisionConflict)
def conflict(error: RevisionConflict) -> ResponseReturnValue:
    """412 with the annotation (or reply) as it is now, for the client to merge."""
    viewer = current_user()
    current = error.current
    shown = (
        annotation_json(current, viewer=viewer)
        if isinstance(current, Annotation)
        else reply_json(current, viewer=viewer)
    )
    response = jsonify({"error": str(error), "status": 412, "current": shown})
    response.headers["ETag"] = _etag(current.revision)
    return response, 412


def _annotation_response(annotation: Annotation, status: int = 200) -> ResponseReturnValue:
    response = jsonify(annotation_json(annotation, viewer=current_user()))
    response.headers["ETag"] = _etag(annotation.revision)
    if status == 201:
        response.headers["Location"] = url_for("annotations.annotation", id=annotation.id)
    return response, status


def _reply_response(reply: Reply, status: int = 200) -> ResponseReturnValue:
    response = jsonify(reply_json(reply, viewer=current_user()))
    response.headers["ETag"] = _etag(reply.revision)
    return response, status


def _etag(revision: int) -> str:
    return f'"rev-{revision}"'
