"""The registry and the entity pages, and analysts' corrections from the web app.

``GET /entities`` lists the registry (filter by type or name); ``GET /entities/<id>`` is an
entity's page (a merged-away id redirects to the surviving entity); ``GET /entities/name``
the page of a name the model or the rules found that the registry does not know. Every
correction is a POST with the session's CSRF token; it runs one correction, re-analyses the
documents it affects, flashes what happened and redirects back (to ``next``, a path on this
site, or the entity). One that would re-analyse more than ``CONFIRM_DOCUMENTS`` documents
first answers with a page that says how many and posts the form again, confirmed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import NotFound

from corpus import DocumentNotFound, EntityNotFound, InvalidAnchor, InvalidEntity, Span, selection
from corpus import entities as registry
from corpus.entities import (
    ENTITY_TYPES,
    CorrectionResult,
    EntityStore,
    Preview,
    UnlinkedName,
    alias_key,
)
from webapp.corrections import after, entity_ref, needs_confirming
from webapp.csrf import FIELD
from webapp.entity_layer import NAMED_TYPES, TYPE_LABELS, type_label
from webapp.entity_pages import entity_page, name_page, registry_page
from webapp.origins import same_site_path
from webapp.params import InvalidParameter, text_offset
from webapp.resources import entity_names, get_entity_store, get_store

bp = Blueprint("entities", __name__, url_prefix="/entities")

_PLUMBING = ("next", "document_id", "version", "start", "end")  # posted, not worth showing


@bp.app_context_processor
def _entity_globals() -> dict[str, Any]:
    return {"entity_types": ENTITY_TYPES, "type_labels": TYPE_LABELS, "type_label": type_label}


@bp.get("")
def index() -> ResponseReturnValue:
    """The registry: entities with their mention counts, most mentioned first."""
    type = request.args.get("type", "").strip() or None
    if type is not None and type not in ENTITY_TYPES:
        raise InvalidParameter(
            f'Unknown type "{type[:40]}". Use one of: {", ".join(ENTITY_TYPES)}.'
        )
    name = request.args.get("name", "").strip()
    page = text_offset(request.args, "page") or 1
    entity_store = get_entity_store()
    listing = registry_page(entity_store, entity_names(), type=type, name=name, page=page)
    types = [t for t in NAMED_TYPES if type in (None, t)]
    found = (  # what to review when the registry has nothing to show (a fresh instance)
        registry.unlinked_names(entity_store, types, containing=alias_key(name))
        if not listing.rows and types
        else []
    )
    return render_template(
        "entities/index.html", listing=listing, type=type, name=name, unreviewed=found
    )


@bp.get("/<id>")
def show(id: str) -> ResponseReturnValue:
    """An entity's page; a merged-away id redirects (301) to the entity it was merged into."""
    entity_store = get_entity_store()
    entity = entity_store.get(id)
    if entity.id != id:
        args: dict[str, Any] = request.args.to_dict(flat=False)
        return redirect(url_for("entities.show", id=entity.id, **args), 301)
    passage_page = text_offset(request.args, "passages") or 1
    said_page = text_offset(request.args, "said") or 1
    page = entity_page(entity_store, entity, passage_page=passage_page, said_page=said_page)
    return render_template(
        "entities/show.html",
        page=page,
        entity=entity,
        passages_url=lambda n: url_for("entities.show", id=entity.id, passages=n),
        said_url=lambda n: url_for("entities.show", id=entity.id, said=n),
    )


@bp.get("/name")
def name() -> ResponseReturnValue:
    """The page of a name not in the registry (``?type=PERSON&name=Kim Jong-un``): its
    mentions, timeline and co-occurrences, and "add to registry"; once one entity has the
    name, that entity's page (302)."""
    type = request.args.get("type", "").strip()
    if type not in NAMED_TYPES:
        raise InvalidParameter(f'Unknown type "{type[:40]}". Use one of: {", ".join(NAMED_TYPES)}.')
    text = " ".join(request.args.get("name", "").split())
    if not alias_key(text):
        raise InvalidParameter('Give the name to show, with letters or digits: "?name=...".')
    entity_store = get_entity_store()
    known = entity_store.find(text, type)
    if len(known) == 1:
        return redirect(url_for("entities.show", id=known[0].id))
    passage_page = text_offset(request.args, "passages") or 1
    said_page = text_offset(request.args, "said") or 1
    subject = UnlinkedName(type, alias_key(text))
    page = name_page(entity_store, subject, passage_page=passage_page, said_page=said_page)
    if not page.documents:
        raise NotFound(
            f"No document mentions “{text[:200]}” as a {type_label(type).lower()} that the "
            "registry does not know. Search for it, or browse the registry."
        )
    return render_template(
        "entities/name.html",
        page=page,
        name=text,
        type=type,
        passages_url=lambda n: url_for("entities.name", type=type, name=text, passages=n),
        said_url=lambda n: url_for("entities.name", type=type, name=text, said=n),
    )


@bp.post("")
def add() -> ResponseReturnValue:
    """Add an entity (from the registry page, or an unlinked mention's "add to registry")."""
    return _correct(_add)


@bp.post("/<id>/aliases")
def add_alias(id: str) -> ResponseReturnValue:
    """Add an alias to an entity."""
    return _correct(lambda form: registry.add_alias(_store(), id, form["alias"]))


@bp.post("/<id>/aliases/remove")
def remove_alias(id: str) -> ResponseReturnValue:
    """Remove an alias; its mentions are unlinked."""
    return _correct(lambda form: registry.remove_alias(_store(), id, form["alias"]))


@bp.post("/<id>/rename")
def rename(id: str) -> ResponseReturnValue:
    """Give an entity a new canonical name (the old one stays as an alias)."""
    return _correct(lambda form: registry.rename(_store(), id, form["name"]))


@bp.post("/<id>/retype")
def retype(id: str) -> ResponseReturnValue:
    """Change an entity's type, with its mentions."""
    return _correct(lambda form: registry.retype(_store(), id, form["type"]))


@bp.post("/<id>/describe")
def describe(id: str) -> ResponseReturnValue:
    """Change an entity's description and external id."""
    return _correct(
        lambda form: registry.describe(
            _store(), id, description=form["description"], external_id=form["external_id"]
        )
    )


@bp.post("/<id>/merge")
def merge(id: str) -> ResponseReturnValue:
    """Merge this entity into another (named by id or name); the survivor's page follows."""
    return _correct(lambda form: registry.merge(_store(), id, entity_ref(_store(), form["into"])))


@bp.post("/<id>/split")
def split(id: str) -> ResponseReturnValue:
    """Move some aliases of this entity to a new entity."""
    return _correct(
        lambda form: registry.split(
            _store(), id, form.getlist("alias"), form["name"], type=form.get("type") or None
        )
    )


@bp.post("/suppressions")
def suppress() -> ResponseReturnValue:
    """Mark a surface form "not an entity" (of one type, or of any), everywhere."""
    return _correct(lambda form: registry.suppress(_store(), form["surface"], form.get("type", "")))


@bp.post("/tags")
def tag() -> ResponseReturnValue:
    """Tag a span of a document version that the model missed (from a selection)."""
    return _correct(_tag)


@bp.post("/speakers")
def speaker() -> ResponseReturnValue:
    """Say whose turns a speaker label of a document marks (``kind``: entity, name, anonymous,
    not-a-turn or undo)."""
    return _correct(_speaker)


def _speaker(form: MultiDict[str, str]) -> CorrectionResult:
    document_id, label, kind = form["document_id"], form["label"], form.get("kind", "entity")
    if kind == "undo":
        return registry.undo_speaker(_store(), document_id, label, who=registry.LOCAL)
    named = " ".join(form.get("speaker", "").split())
    if kind in ("entity", "name") and not named:
        raise InvalidEntity(f"Whose turns does “{label}” mark? Give a name.")
    if kind not in ("entity", "name", "anonymous", "not-a-turn"):
        raise InvalidEntity(f"Unknown kind of speaker correction {kind!r}.")
    return registry.correct_speaker(
        _store(),
        document_id,
        label,
        entity_id=entity_ref(_store(), named, "PERSON") if kind == "entity" else None,
        speaker=named if kind == "name" else "",
        is_turn=kind != "not-a-turn",
        who=registry.LOCAL,
    )


def _add(form: MultiDict[str, str]) -> CorrectionResult:
    aliases = [a.strip() for a in form.get("aliases", "").replace("\n", ",").split(",")]
    return registry.add_entity(
        _store(),
        form["name"],
        form["type"],
        aliases=[a for a in aliases if a],
        description=form.get("description", ""),
        external_id=form.get("external_id", ""),
    )


def _tag(form: MultiDict[str, str]) -> CorrectionResult:
    start, end = text_offset(form, "start"), text_offset(form, "end")
    if start is None or end is None or end <= start:
        raise InvalidEntity("Select the words to tag: the selection's offsets are missing.")
    document = get_store().get(form["document_id"], text_offset(form, "version"))
    span = selection(document.text, Span(start, end), form["quote"])
    type = form.get("type") or None
    named = form.get("entity", "").strip()
    entity_id = entity_ref(_store(), named, type) if named else None
    return registry.tag(
        _store(), document.id, span, type=type, entity_id=entity_id, version=document.version
    )


# -- plumbing ----------------------------------------------------------------------------------


def _store() -> EntityStore:
    return get_entity_store()


def _correct(correction: Callable[[MultiDict[str, str]], CorrectionResult]) -> ResponseReturnValue:
    """Run a correction on the posted form, re-analyse what it affects, flash the outcome (or
    why it was refused) and go back where the form came from (303: a reload does not repost)."""
    form = request.form
    entity_id: str | None = None
    try:
        found = None if form.get("confirmed") else needs_confirming(lambda: correction(form))
        if found is not None:
            return _confirmation(form, found)
        result = correction(form)
        entity_id = result.entity.id if result.entity else None
        flash(after(result), "success")
    except (InvalidEntity, InvalidAnchor, EntityNotFound, DocumentNotFound) as exc:
        flash(str(exc), "error")
    except KeyError as exc:
        flash(f"The form has no field {exc}. Reload the page and try again.", "error")
    return redirect(_next(form.get("next", ""), entity_id), 303)


def _confirmation(form: MultiDict[str, str], found: Preview) -> ResponseReturnValue:
    """The page that asks before a correction of many documents: the count, and the form's
    fields posted again with ``confirmed`` (and a fresh CSRF token)."""
    kept = [(k, v) for k, v in form.items(multi=True) if k not in (FIELD, "confirmed")]
    return render_template(
        "entities/confirm.html",
        found=found,
        limit=current_app.config["CONFIRM_DOCUMENTS"],
        fields=kept,
        shown=[
            (k, type_label(v) if k == "type" else v)
            for k, v in kept
            if k not in _PLUMBING and v.strip()
        ],
        action=request.path,
        back=_next(form.get("next", ""), None),
    )


def _next(target: str, entity_id: str | None) -> str:
    """A path on this site to go back to: ``next`` if it is one, else the entity's page."""
    path = same_site_path(target)
    if path is not None:
        return path
    if entity_id:
        return url_for("entities.show", id=entity_id)
    return url_for("entities.index")
