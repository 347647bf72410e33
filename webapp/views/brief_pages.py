"""Pages about briefs: the list with a create form, and one brief rendered with its editor.

The JSON API (``webapp/views/briefs.py``) does the writing after creation; the editor on the
page (``static/briefs.js``) calls it. The rendered body and notes come from the same
renderer as the API's ``rendered`` (already sanitized), marked safe in one place here.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from markupsafe import Markup

from annotations import BriefDraft, InvalidAnnotation, body_html
from webapp.brief_json import notes_json
from webapp.resources import get_brief_store
from webapp.users import current_user
from webapp.views.briefs import EXPORT_FORMATS, notes_of

bp = Blueprint("brief_pages", __name__)


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
    return render_template(
        "briefs/show.html",
        brief=brief,
        editable=brief.owner == current_user(),
        body=Markup(body_html(notes)),  # noqa: S704 - sanitized by the one Markdown renderer
        notes=[_note(n) for n in rendered["notes"]],
        problems=rendered["problems"],
        exports=_exports(id, force=bool(rendered["problems"])),
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
