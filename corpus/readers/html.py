"""HTML sources: one document per page, via BeautifulSoup (the only module that imports ``bs4``).

The page's visible text becomes the canonical text: scripts, styles, hidden elements and
boilerplate (navigation, cookie banners, sharing widgets...) are dropped unless they hold most of
the text, and block elements become paragraphs. Title, date, author, site, URL, language,
licence and keywords come from ``<meta>``, Open Graph, ``<link>`` and ``<time>``.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning
from bs4.element import NavigableString, PreformattedString, Tag

from corpus.dates import parse_date
from corpus.drafts import build_draft, clean_line, normalise_text
from corpus.errors import InvalidDocument, UnreadableSource
from corpus.model import DocumentDraft

__all__ = ["read_html"]

_DROP = frozenset(
    "script style noscript template iframe svg canvas object embed button select input "
    "textarea head title meta link".split()
)
_BOILERPLATE_TAGS = frozenset("nav aside footer form dialog menu".split())
_BOILERPLATE_WORDS = frozenset(
    "cookie cookies consent gdpr banner menu navbar nav navigation sidebar share sharing social "
    "comment comments related recommended advert advertisement ad ads promo newsletter subscribe "
    "subscription breadcrumb breadcrumbs pagination pager popup modal toolbar masthead skip "
    "footer".split()
)
_BOILERPLATE_ROLES = frozenset(
    "navigation banner contentinfo complementary search dialog alertdialog menu menubar".split()
)
_BLOCKS = frozenset(
    "address article blockquote body caption center dd details div dl dt figcaption figure h1 h2 "
    "h3 h4 h5 h6 header hr html li main ol p pre section summary table tbody tfoot thead tr "
    "ul".split()
)
_DATE_KEYS = (
    "article:published_time", "datepublished", "date", "dc.date", "dc.date.issued",
    "dcterms.date", "dcterms.issued", "dcterms.created", "pubdate", "publishdate",
    "publish-date", "publication_date", "citation_publication_date", "parsely-pub-date",
)  # fmt: skip


def read_html(raw: bytes, path: Path) -> DocumentDraft:
    """The document in an .html/.htm file's bytes; raises ``CorpusError`` naming what is wrong."""
    if not raw.strip():
        raise UnreadableSource("the file is empty")
    if b"\x00" in raw and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        nul = raw.find(b"\x00")
        raise UnreadableSource(f"looks binary (NUL byte at offset {nul}); Dossier reads text")
    with warnings.catch_warnings():
        # bs4 warns about input that looks like a file name or XML; the file is read either way.
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(raw, "html.parser")
    fields = _html_fields(soup)
    sizes = _visible_sizes(soup)
    text = normalise_text(_page_text(_content_root(soup, sizes), sizes, skip_boilerplate=True))
    if not text:
        text = normalise_text(_page_text(soup.body or soup, sizes, skip_boilerplate=False))
    if not text:
        raise UnreadableSource("no readable text in the page")
    return build_draft(fields, text, str(path), file=path)


def _html_fields(soup: BeautifulSoup) -> dict[str, object]:
    """Title, date, author, source, url, language, licence and keywords from the page's head."""
    meta: dict[str, list[str]] = {}
    for tag in soup.find_all("meta"):
        key = (_attr(tag, "property") or _attr(tag, "name") or _attr(tag, "itemprop")).lower()
        if key and _attr(tag, "content"):
            meta.setdefault(key, []).append(_attr(tag, "content"))
    one = {key: values[0] for key, values in meta.items()}
    source = clean_line(one.get("og:site_name") or one.get("application-name") or "")
    title = one.get("og:title") or one.get("twitter:title") or one.get("dc.title") or ""
    if not title and soup.title:
        title = _strip_site(clean_line(soup.title.get_text()), source)
    if not clean_line(title) and (h1 := soup.find("h1")):
        title = h1.get_text(" ")
    authors = [one.get(k, "") for k in ("author", "article:author", "dc.creator")]
    html = soup.find("html")
    keywords = [k for v in meta.get("keywords", []) for k in v.split(",")]
    licence = soup.find("link", rel="license")
    canonical = soup.find("link", rel="canonical")
    url = one.get("og:url") or (_attr(canonical, "href") if canonical else "")
    return {
        "title": clean_line(title),
        "date": _html_date(soup, one),
        "kind": "news"
        if one.get("og:type") == "article" or "article:published_time" in one
        else "other",
        "author": next((a for a in authors if a and "://" not in a), ""),
        "source": source,
        "url": url if url.lower().startswith(("http://", "https://")) else "",
        "language": (_attr(html, "lang") if html else "") or one.get("og:locale", ""),
        "licence": (_attr(licence, "href") if licence else "") or one.get("dc.rights", ""),
        "tags": [f"keywords:{k.strip()}" for k in keywords + meta.get("article:tag", [])][:50],
    }


def _html_date(soup: BeautifulSoup, one: dict[str, str]) -> str:
    """The first publication date in the page that parses (an impossible one fails the page)."""
    candidates = [one[k] for k in _DATE_KEYS if one.get(k)]
    times = sorted(soup.find_all("time", datetime=True), key=lambda t: not t.has_attr("pubdate"))
    candidates += [_attr(t, "datetime") for t in times]
    first_error: InvalidDocument | None = None
    for value in candidates:
        try:
            parse_date(value)
        except InvalidDocument as exc:
            first_error = first_error or exc
            continue
        return value
    if first_error:
        raise first_error
    return ""


def _strip_site(title: str, site: str) -> str:
    """``Site | Headline`` or ``Headline - Site`` -> ``Headline`` when the site name is known."""
    for sep in (" | ", " - ", " – ", " — ", " :: "):
        parts = title.split(sep)
        if site and len(parts) > 1 and site.lower() in (parts[0].lower(), parts[-1].lower()):
            kept = parts[1:] if parts[0].lower() == site.lower() else parts[:-1]
            return sep.join(kept)
    return title


def _content_root(soup: BeautifulSoup, sizes: dict[int, int]) -> Tag:
    """The <article> with the most text, else <main> / role=main, else <body>."""
    articles = soup.find_all("article")
    if articles:
        return max(articles, key=lambda article: sizes[id(article)])
    main = soup.find("main") or soup.find(True, role="main")
    return main or soup.body or soup


def _page_text(root: Tag, sizes: dict[int, int], *, skip_boilerplate: bool) -> str:
    """Visible text of ``root``: block elements become paragraphs separated by a blank line."""
    paragraphs: list[str] = []
    lines: list[list[str]] = [[]]

    def flush() -> None:
        joined = "\n".join(" ".join("".join(line).split()) for line in lines).strip()
        if joined:
            paragraphs.append(joined)
        lines[:] = [[]]

    stack: list[tuple[bool, object]] = [(True, root)]
    while stack:
        entering, node = stack.pop()
        if not isinstance(node, Tag):
            if isinstance(node, NavigableString) and not isinstance(node, PreformattedString):
                lines[-1].append(str(node))
            continue
        name = node.name
        if not entering:
            if name in _BLOCKS:
                flush()
            continue
        if node is not root and _is_dropped(node, skip_boilerplate, root, sizes):
            continue
        if name == "br":
            lines.append([])
        elif name in ("td", "th") and any(piece.strip() for piece in lines[-1]):
            lines[-1].append(" | ")
        if name == "pre":
            flush()
            paragraphs.append(node.get_text().strip("\n"))
            continue
        if name in _BLOCKS:
            flush()
        stack.append((False, node))
        stack.extend((True, child) for child in reversed(node.contents))
    flush()
    return "\n\n".join(paragraphs)


def _is_dropped(tag: Tag, skip_boilerplate: bool, root: Tag, sizes: dict[int, int]) -> bool:
    """Scripts and hidden elements always; boilerplate unless it holds most of the text."""
    if tag.name in _DROP or tag.has_attr("hidden") or _attr(tag, "aria-hidden") == "true":
        return True
    style = _attr(tag, "style").replace(" ", "").lower()
    if "display:none" in style or "visibility:hidden" in style:
        return True
    if not skip_boilerplate:
        return False
    words = set(re.split(r"[^a-z0-9]+", f"{_attr(tag, 'class')} {_attr(tag, 'id')}".lower()))
    is_boilerplate = (
        tag.name in _BOILERPLATE_TAGS
        or (tag.name == "header" and root.name != "article" and not tag.find_parent("article"))
        or bool(words & _BOILERPLATE_WORDS)
        or _attr(tag, "role").lower() in _BOILERPLATE_ROLES
    )
    return is_boilerplate and sizes[id(tag)] * 2 < sizes[id(root)]


def _visible_sizes(top: Tag) -> dict[int, int]:
    """Characters of text outside scripts and styles in every element, by ``id``, in one pass.

    Boilerplate checks compare an element's text with the page's; computing each on demand is
    quadratic on deeply nested pages.
    """
    order: list[Tag] = []
    stack = [top]
    while stack:
        tag = stack.pop()
        order.append(tag)
        stack.extend(child for child in tag.contents if isinstance(child, Tag))
    sizes: dict[int, int] = {}
    for tag in reversed(order):  # every element comes after its descendants
        size = 0
        if tag.name not in _DROP:
            for child in tag.contents:
                if isinstance(child, Tag):
                    size += sizes[id(child)]
                elif isinstance(child, NavigableString) and not isinstance(
                    child, PreformattedString
                ):
                    size += len(child)
        sizes[id(tag)] = size
    return sizes


def _attr(tag: object, name: str) -> str:
    """An attribute as one stripped string ('' when absent); bs4 gives lists for ``class``."""
    value = tag.get(name) if isinstance(tag, Tag) else None
    if isinstance(value, list):
        value = " ".join(value)
    return (value or "").strip()
