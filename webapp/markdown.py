"""Analysts' Markdown in pages: the one place its sanitized HTML becomes ``Markup``.

``annotations.markdown.render_markdown`` parses and sanitizes (docs/decisions/009); this wraps
its result so templates can show it without ``|safe``. With ``render_layers`` it is one of the
two functions in Dossier that return ``Markup``. Templates call it as ``markdown(note)``.
"""

from __future__ import annotations

from flask import Flask
from markupsafe import Markup

from annotations import render_markdown


def markdown(text: str) -> Markup:
    """An analyst's Markdown as sanitized HTML, ready for a template."""
    return Markup(render_markdown(text))  # sanitized by nh3 in render_markdown


def init_app(app: Flask) -> None:
    """Offer ``markdown(text)`` to templates."""
    app.jinja_env.globals["markdown"] = markdown
