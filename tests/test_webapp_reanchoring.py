"""Re-anchoring in the web app: the pipeline's catch-up (as before "dossier serve") places what
a re-publication moved, the API shows it, and the worker drains "re-anchor" jobs."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from annotations.model import AnnotationDraft, Selection
from annotations.store import AnnotationStore
from corpus.model import DocumentDraft
from webapp import jobs, pipeline
from webapp.resources import close_resources

DOC = "fixture-eastern-forum-2019"
QUOTE = "a zone of peace in the Far East"


def republish_with_preface(store: Any) -> None:
    current = store.get(DOC)
    names = [f.name for f in dataclasses.fields(DocumentDraft) if f.name not in ("text", "origin")]
    fields = {name: getattr(current, name) for name in names if hasattr(current, name)}
    text = "Preface added by the editors.\n\n" + current.text
    store.put(DocumentDraft(text=text, origin=current.extra.get("origin", ""), **fields))


def test_the_catch_up_before_serving_re_anchors_a_republished_document(
    store: Any, make_app: Callable[..., Any]
) -> None:
    astore = AnnotationStore(store)
    text = store.get(DOC).text
    start = text.index(QUOTE)
    selection = Selection(DOC, 1, start, start + len(QUOTE), QUOTE)
    annotation, _ = astore.create(AnnotationDraft(selection), author="local")
    republish_with_preface(store)  # while no server ran, without the pipeline

    app = make_app()
    try:
        before = app.test_client().get(f"/api/annotations/{annotation.id}").get_json()
        step = pipeline.reanchor_changed(app.config)
        body = app.test_client().get(f"/api/annotations/{annotation.id}").get_json()
    finally:
        close_resources(app)

    assert (before["status"], before["checked_version"]) == ("exact", 1)  # not yet looked at
    assert dict(step.counts) == {"queued": 1, "documents": 1, "moved": 1}

    moved = start + len("Preface added by the editors.\n\n")
    assert (body["status"], body["checked_version"]) == ("moved", 2)
    assert body["located"] == {"version": 2, "start": moved, "end": moved + len(QUOTE)}
    assert body["anchor"]["start"] == start  # the anchor is where it was selected


def test_the_worker_drains_re_anchor_jobs_in_background_mode(
    store: Any, make_app: Callable[..., Any]
) -> None:
    app = make_app(REANALYSIS="background")
    try:
        assert "re-anchor" in jobs.handlers_of(app)
        assert jobs.worker_of(app) is not None
    finally:
        jobs.stop_worker(app)
        close_resources(app)
