"""Analysts' Markdown in pages: the one place its sanitized HTML becomes ``Markup``.

``annotations.markdown.render_markdown`` parses and sanitizes (docs/decisions/009); this wraps
its result so templates can show it without ``|safe``. With ``render_layers`` it is one of the
two functions in Dossier that return ``Markup``. Templates call it as ``markdown(note)``.

Rendered notes are kept per process (the renderer is a pure function of the text): a document
with 50 annotations would otherwise parse 50 notes on every view, several times the cost of the
rest of the page (bench/bench_document_view.py).
"""

from __future__ import annotations

import functools

from flask import Flask
from markupsafe import Markup

from annotations import render_markdown

CACHED_NOTES = 4096  # rendered notes kept per process
CACHED_CHARS = 4000  # longer notes are rendered every time rather than kept


def markdown(text: str) -> Markup:
    """An analyst's Markdown as sanitized HTML, ready for a template."""
    html = _cached(text) if len(text) <= CACHED_CHARS else render_markdown(text)
    return Markup(html)  # sanitized by nh3 in render_markdown


@functools.lru_cache(maxsize=CACHED_NOTES)
def _cached(text: str) -> str:
    return render_markdown(text)


def init_app(app: Flask) -> None:
    """Offer ``markdown(text)`` to templates."""
    app.jinja_env.globals["markdown"] = markdown
