"""Analysts' corrections from the web app: find the entity a form names, run the correction,
and say in one sentence what happened and what happens next.

The web app is single-user for now: every correction is made as ``LOCAL``. A correction queues
the documents whose mentions may change, in its own transaction; only those are re-analysed and
re-indexed, never the whole corpus unless the correction says it affects all. Who does that
depends on ``REANALYSIS`` (``webapp/jobs.py``): the background worker (the pages count the
documents as they are done: ``webapp/reanalysis.py``), this request (``inline``), or a later
"dossier entities reanalyse". A correction that would re-analyse more than
``CONFIRM_DOCUMENTS`` documents is previewed first and the page asks (``needs_confirming``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import current_app

from corpus import EntityNotFound, InvalidEntity
from corpus.entities import CorrectionResult, EntityStore, Preview, preview
from webapp import resources
from webapp.entity_layer import type_label
from webapp.jobs import BATCH, notify, settings_of, worker_name
from webapp.pipeline import reanalyse_queued


def entity_ref(store: EntityStore, text: str, type: str | None = None) -> str:
    """The id of the entity a form field names: an id (merged ids followed) or a name or alias
    that exactly one entity (of ``type``, if given) has. Raises ``InvalidEntity``."""
    text = " ".join(text.split())
    if not text:
        raise InvalidEntity("Name an entity: give its id or its name.")
    try:
        return store.resolve(text)
    except EntityNotFound:
        pass
    found = store.find(text, type)
    if len(found) == 1:
        return found[0].id
    kind = f"{type} " if type else ""
    if not found:
        raise InvalidEntity(
            f"No {kind}entity is called {text!r}. Check the spelling, or add it to the "
            "registry first."
        )
    ids = ", ".join(e.id for e in found[:5])
    raise InvalidEntity(f"{text!r} names {len(found)} {kind}entities ({ids}): give an id.")


def after(result: CorrectionResult) -> str:
    """Say what the correction did and what becomes of the documents it queued."""
    done = describe(result)
    count = resources.get_store().count() if result.is_everything else len(result.affected)
    if not count:
        return f"{done}. No documents needed re-analysis."
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    mode = settings_of(app).mode
    if mode == "inline":
        return f"{done}. {reanalyse_now(None if result.is_everything else result.affected)}"
    if mode == "background":
        notify(app)
        return (
            f"{done}. Re-analysing {_documents(count)} in the background: their entities and "
            "search results change as each is done."
        )
    return (
        f"{done}. Queued {_documents(count)} for re-analysis: "
        'run "dossier entities reanalyse" to bring them up to date.'
    )


def needs_confirming(correct: Callable[[], object]) -> Preview | None:
    """A correction's preview when it would re-analyse more than ``CONFIRM_DOCUMENTS``
    documents, so the page asks first; None when it may go ahead. ``correct`` runs it (rolled
    back here: ``corpus.entities.preview``); its refusals are raised."""
    found = preview(correct)
    return found if found.documents > current_app.config["CONFIRM_DOCUMENTS"] else None


def reanalyse_now(document_ids: Iterable[str] | None) -> str:
    """Re-analyse the queued documents of a correction (None: all) in this request
    (``inline``) and say how it went."""
    report = reanalyse_queued(
        resources.get_store(),
        resources.get_entity_store(),
        current_app.config,
        resources.get_recogniser(),
        worker=worker_name(),
        policy=settings_of(current_app._get_current_object()).policy,  # type: ignore[attr-defined]
        batch=BATCH,
        procs=1,  # no worker processes forked from a web server's threads
        document_ids=document_ids,
    )
    said = f"Re-analysed {_documents(len(report.documents))}."
    if report.failures:
        first = report.failures[0]
        said += (
            f" {_documents(len(report.failures))} failed ({first.document_id}: {first.error}); "
            'they stay queued: see "dossier entities reanalyse --status".'
        )
    return said


def _documents(count: int) -> str:
    return f"{count:,} document{'' if count == 1 else 's'}"


def describe(result: CorrectionResult) -> str:
    """A correction in a few words, from its log entry: ``Added the alias “Putin”``."""
    c, d = result.correction, result.correction.detail
    name = result.entity.name if result.entity else c.entity_id
    type = type_label(str(d.get("type") or ""))
    if c.kind == "add":
        return f"Added {d['name']} ({type}) to the registry"
    if c.kind == "alias":
        return f"Added the alias “{d['alias']}” to {name}"
    if c.kind == "unalias":
        return f"Removed the alias “{d['alias']}” from {name}"
    if c.kind == "rename":
        return f"Renamed “{d['from']}” to “{d['to']}”"
    if c.kind == "retype":
        return f"{name} is now filed under {type_label(str(d['to']), plural=True)}"
    if c.kind == "describe":
        return f"Saved the description of {name}"
    if c.kind == "merge":
        return f"Merged {d['name']} into {name}"
    if c.kind == "split":
        return f"Split {', '.join(f'“{a}”' for a in d['aliases'])} off into {d['name']}"  # type: ignore[attr-defined]
    if c.kind == "suppress":
        what = type_label(str(d["type"])).lower() if d.get("type") else "entity"
        article = "an" if what[0] in "aeiou" else "a"
        return f"Marked “{d['surface']}” as not {article} {what}, everywhere"
    if c.kind == "tag":
        return f"Tagged “{' '.join(str(d['quote']).split())}” ({type})"
    if c.kind == "speaker":
        if not d["is_turn"]:
            return f"“{d['label']}” now marks no one's turns"
        return f"“{d['label']}” now marks the turns of {d['speaker'] or 'someone unnamed'}"
    if c.kind == "unspeaker":
        return f"Dropped the speaker correction of “{d['label']}”"
    return f"Saved the correction ({c.kind})"
