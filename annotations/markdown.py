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
from dataclasses import dataclass
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


@dataclass(frozen=True)
class TextRun:
    """A stretch of inline text and its emphasis."""

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False


@dataclass(frozen=True)
class Block:
    """A block of a Markdown text, for formats that are not HTML (a brief's DOCX):
    ``kind`` is paragraph, heading (``level`` 1-6), quote, bullet, numbered or code."""

    kind: str
    runs: tuple[TextRun, ...]
    level: int = 0


def markdown_blocks(text: str) -> list[Block]:
    """The blocks of an analyst's Markdown with their inline runs (raw HTML stays text)."""
    blocks: list[Block] = []
    context: list[str] = []
    level = 0
    for token in _PARSER.parse(text):
        if token.type in ("blockquote_open", "bullet_list_open", "ordered_list_open"):
            context.append(token.type.split("_")[0])
        elif token.type in ("blockquote_close", "bullet_list_close", "ordered_list_close"):
            context.pop()
        elif token.type == "heading_open":
            level = int(token.tag[1])
        elif token.type == "heading_close":
            level = 0
        elif token.type in ("fence", "code_block"):
            blocks.append(Block("code", (TextRun(token.content.rstrip("\n"), code=True),)))
        elif token.type == "inline":
            blocks.append(Block(_kind(context, level), _runs(token.children or ()), level))
    return blocks


def _kind(context: list[str], level: int) -> str:
    if level:
        return "heading"
    inner = context[-1] if context else ""
    return {"blockquote": "quote", "bullet": "bullet", "ordered": "numbered"}.get(
        inner, "paragraph"
    )


def _runs(children: Sequence[Token]) -> tuple[TextRun, ...]:
    runs: list[TextRun] = []
    bold = italic = False
    for child in children:
        if child.type in ("strong_open", "strong_close"):
            bold = child.type == "strong_open"
        elif child.type in ("em_open", "em_close"):
            italic = child.type == "em_open"
        elif child.type == "text":
            runs.append(TextRun(child.content, bold, italic))
        elif child.type == "code_inline":
            runs.append(TextRun(child.content, bold, italic, code=True))
        elif child.type in ("softbreak", "hardbreak"):
            runs.append(TextRun(" " if child.type == "softbreak" else "\n", bold, italic))
        elif child.type == "image":
            runs.append(TextRun(child.content or "image", bold, italic))
    return tuple(runs)
