"""Pages about briefs: the list with a create form, one brief rendered with its editor, and
its history (each revision's text, a diff against the current one, and a restore form).

The JSON API (``webapp/views/briefs.py``) does the writing after creation; the editor on the
page (``static/briefs.js``) calls it. The rendered body and notes come from the same
renderer as the API's ``rendered`` (already sanitized), marked safe in one place here.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from markupsafe import Markup

from annotations import (
    Brief,
    BriefConflict,
    BriefDraft,
    BriefNotFound,
    BriefRevision,
    InvalidAnnotation,
    body_html,
    text_diff,
    typed_quotes,
)
from webapp.brief_json import notes_json
from webapp.resources import get_brief_store
from webapp.users import current_user
from webapp.views.briefs import EXPORT_FORMATS, notes_of

bp = Blueprint("brief_pages", __name__)
HISTORY_SHOWN = 100  # revisions a brief's history lists before "show all"


@bp.get("/briefs")
def index() -> ResponseReturnValue:
    """The briefs the viewer may see, those needing verification first; a form for a new one."""
    return _index()


@bp.post("/briefs")
def create() -> ResponseReturnValue:
    """A new brief from the form (CSRF checked for every write); then its page. A bad title
    is a 400 page that keeps the form and says what to fix."""
    title = request.form.get("title", "")
    visibility = request.form.get("visibility", "private")
    try:
        draft = BriefDraft(title=title, visibility=visibility)  # type: ignore[arg-type]
        brief, _ = get_brief_store().create(draft, owner=current_user())
    except InvalidAnnotation as exc:
        return _index(error=str(exc), title=title), 400
    return redirect(url_for("brief_pages.show", id=brief.id), 303)


@bp.get("/briefs/<id>")
def show(id: str) -> ResponseReturnValue:
    """One brief: title, body with numbered notes and each note's status, Verify, exports;
    the editor when the viewer may edit it (a 404 page for another's private brief)."""
    notes = notes_of(id)
    brief = notes.brief
    rendered = notes_json(notes)
    typed = typed_quotes(brief)
    return render_template(
        "briefs/show.html",
        brief=brief,
        editable=brief.owner == current_user(),
        unlinked=sum(not q.is_marked_unsourced for q in typed),
        body=Markup(body_html(notes)),  # noqa: S704 - sanitized by the one Markdown renderer
        notes=[_note(n) for n in rendered["notes"]],
        problems=rendered["problems"],
        exports=_exports(id, force=bool(rendered["problems"])),
    )


@bp.get("/briefs/<id>/revisions")
def revisions(id: str) -> ResponseReturnValue:
    """The saved states of a brief the viewer may see, newest first: the latest
    ``HISTORY_SHOWN`` (autosave makes many), or all of them with ``?all=1``."""
    viewer = current_user()
    brief = get_brief_store().get(id, viewer=viewer)
    found = get_brief_store().revisions(id, viewer=viewer)
    shown = found if request.args.get("all") == "1" else found[:HISTORY_SHOWN]
    return render_template("briefs/revisions.html", brief=brief, revisions=shown, total=len(found))


@bp.get("/briefs/<id>/revisions/<int:number>")
def revision(id: str, number: int) -> ResponseReturnValue:
    """One revision's title and text, a word diff against the current text, and (for the
    owner, on an older revision) the form that restores it."""
    return _revision(id, number)


@bp.post("/briefs/<id>/revisions/<int:number>/restore")
def restore(id: str, number: int) -> ResponseReturnValue:
    """Restore a revision as the brief's next one (CSRF checked), made on the revision the form
    was shown at: if the brief moved on since, a 409 page says so and shows the diff again."""
    shown = request.form.get("revision", "")
    if not shown.isdigit():
        return _revision(id, number, error=f"The form's revision is {shown[:20]!r}: reload."), 400
    try:
        get_brief_store().restore(id, number, revision=int(shown), actor=current_user())
    except BriefConflict as error:
        return _revision(id, number, error=str(error)), 409
    return redirect(url_for("brief_pages.show", id=id), 303)


def _revision(id: str, number: int, *, error: str = "") -> str:
    viewer = current_user()
    brief = get_brief_store().get(id, viewer=viewer)
    old = _revision_of(get_brief_store().revisions(id, viewer=viewer), brief, number)
    return render_template(
        "briefs/revision.html",
        brief=brief,
        old=old,
        diff=text_diff(old.body, brief.body),
        editable=brief.owner == viewer,
        error=error,
    )


def _revision_of(found: list[BriefRevision], brief: Brief, number: int) -> BriefRevision:
    """Revision ``number`` of the list; raises ``BriefNotFound`` (a 404 page) for another."""
    for each in found:
        if each.revision == number:
            return each
    raise BriefNotFound(
        f"Brief {brief.id!r} has no revision {number}; it is at revision {brief.revision}. "
        "Its history lists them all."
    )


def _index(*, error: str = "", title: str = "") -> str:
    viewer = current_user()
    briefs = get_brief_store().all(viewer=viewer, owner=None, document_id=None, annotation_id=None)
    return render_template("briefs/index.html", briefs=briefs, error=error, title=title)


def _exports(id: str, *, force: bool) -> list[tuple[str, str]]:
    """The export links; with changed or missing quotes they export anyway (``force``): the
    page states the problem above them, where the API would answer 409."""
    extra: dict[str, Any] = {"force": 1} if force else {}
    return [
        (label, url_for("briefs.export", id=id, format=f, **extra)) for f, label in EXPORT_FORMATS
    ]


def _note(note: dict[str, Any]) -> dict[str, Any]:
    """A note for the template: its line without the trailing passage link (shown as a link)."""
    line, link = note["line"], note["link"]
    if link and line.endswith(link):
        line = line[: -len(link)].rstrip()
    return {**note, "text": line}
