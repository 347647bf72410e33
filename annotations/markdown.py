"""The one renderer of analysts' Markdown (notes, replies, later briefs): CommonMark to HTML
with markdown-it-py, then sanitized by nh3 against a short allow-list.

Two layers, so that a bug in either alone lets nothing through (docs/decisions/009):

- markdown-it-py parses CommonMark with raw HTML turned off: ``<script>`` in a note is shown
  as text. Images become their alt text (a note never loads anything: no remote images, no
  tracking pixels). Its link check already refuses ``javascript:``, ``vbscript:``, ``file:``
  and ``data:`` URLs.
- nh3 (the Rust ammonia sanitizer) then keeps only the tags and attributes a note needs, and
  links whose URL is relative, ``http``, ``https`` or ``mailto``; it adds
  ``rel="noopener noreferrer nofollow"`` to every link. No ``style``, no ``class``, no event
  handler, no ``id`` survives.

``render_markdown`` returns a sanitized ``str``; the web app wraps it in ``Markup`` in exactly
one place (``webapp/markdown.py``), so this package stays free of web types and briefs can
export the same HTML.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "p", "br", "hr", "em", "strong", "del", "s", "code", "pre", "blockquote",
        "ul", "ol", "li", "a", "h1", "h2", "h3", "h4", "h5", "h6",
        "table", "thead", "tbody", "tr", "th", "td", "sup", "sub",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"


def _image_as_text(renderer: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    """An image is shown as its alt text: a note never makes the browser fetch anything."""
    token = tokens[idx]
    alt = "".join(child.content for child in token.children or ())
    return _escape(alt or "image")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_PARSER = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
_PARSER.add_render_rule("image", _image_as_text)
_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    url_schemes=set(URL_SCHEMES),
    link_rel=LINK_REL,
    strip_comments=True,
)


def render_markdown(text: str) -> str:
    """Sanitized HTML of an analyst's Markdown; ``""`` for an empty text."""
    if not text.strip():
        return ""
    return _CLEANER.clean(_PARSER.render(text)).strip()
