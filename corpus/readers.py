"""Reading source files into ``DocumentDraft``s: the only module that imports ``bs4``.

Formats: .txt/.md (optional ``---`` front matter), .html/.htm, .jsonl (one document per line),
each optionally gzip-compressed (``.jsonl.gz``). Text and fields then go through
``corpus.drafts`` (``normalise_text``, ``build_draft``), so every format gives the same canonical
text, to which every offset anywhere in Dossier refers.

A source that cannot be read yields a ``ReadFailure`` naming it (``path`` or ``path:line``) and
the reason; reading never raises for bad input, so one broken file never stops a batch.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning
from bs4.element import NavigableString, PreformattedString, Tag

from .dates import parse_date
from .drafts import build_draft, clean_line, file_id, normalise_text, text_id
from .errors import CorpusError, InvalidDocument, UnreadableSource
from .limits import (
    DecompressionBudget,
    IngestLimits,
    iter_lines,
    read_document_bytes,
    too_long_line,
)
from .model import DocumentDraft

FORMATS: dict[str, str] = {
    ".txt": "text",
    ".md": "text",
    ".markdown": "text",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
_GIVE_UP_AFTER = 20  # bad lines before the first good one: the file is not JSONL at all


@dataclass(frozen=True)
class ReadFailure:
    """A source (``path`` or ``path:line``) that was skipped, and why."""

    origin: str
    reason: str


def source_format(path: Path) -> str | None:
    """``text``, ``html`` or ``jsonl`` for a supported file name (``.gz`` allowed), else None."""
    name = path.name.lower().removesuffix(".gz")
    return FORMATS.get(Path(name).suffix)


def read_source(
    path: Path, limits: IngestLimits | None = None, budget: DecompressionBudget | None = None
) -> Iterator[DocumentDraft | ReadFailure]:
    """The documents in one file, or failures naming what was skipped and why."""
    limits = limits or IngestLimits()
    budget = budget or DecompressionBudget(limits.max_decompressed_total_bytes)
    kind = source_format(path)
    if kind is None:
        known = ", ".join(sorted(FORMATS))
        yield ReadFailure(str(path), f"unsupported file type; Dossier reads {known} (or .gz)")
        return
    try:
        if kind == "jsonl":
            yield from _read_jsonl(path, limits, budget)
        else:
            raw = read_document_bytes(path, limits, budget)
            yield (_read_html if kind == "html" else _read_text)(raw, path)
    except CorpusError as exc:
        yield ReadFailure(str(path), str(exc))
    except OSError as exc:
        yield ReadFailure(str(path), f"cannot read the file: {exc.strerror or exc}")


# -- plain text and Markdown ------------------------------------------------------------------


def _read_text(raw: bytes, path: Path) -> DocumentDraft:
    text = _decode(raw)
    fields, body = _split_front_matter(text)
    body = normalise_text(body)
    if not body:
        raise UnreadableSource("no text after the front matter" if fields else "no text in it")
    return build_draft(fields, body, str(path), default_id=file_id(path))


def _decode(raw: bytes) -> str:
    """UTF-8 (BOM allowed) or BOM-marked UTF-16; anything else is refused, not guessed."""
    if not raw.strip():
        raise UnreadableSource("the file is empty")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise UnreadableSource(f"damaged UTF-16 text ({exc.reason})") from exc
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise UnreadableSource(f"looks binary (NUL byte at offset {nul}); Dossier reads text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableSource(
            f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); convert it, "
            "e.g. iconv -f windows-1252 -t utf-8"
        ) from exc


def _split_front_matter(text: str) -> tuple[dict[str, object], str]:
    """``key: value`` lines between ``---`` fences at the top; values may be ``[a, b]`` lists."""
    lines = text.removeprefix("\ufeff").splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return {}, text
    end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() in ("---", "...")), None)
    if end is None:
        return {}, text
    fields: dict[str, object] = {}
    list_key = ""
    for number, line in enumerate(lines[1:end], 2):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("- ") and list_key:
            items = fields[list_key] if isinstance(fields[list_key], list) else []
            fields[list_key] = [*items, _unquote(stripped[2:])]  # type: ignore[misc]
            continue
        name, sep, value = stripped.partition(":")
        if not sep or not name.strip() or " " in name.strip():
            raise InvalidDocument(
                f'front matter line {number} "{stripped}" is not "key: value"; fix it or remove '
                "the --- lines"
            )
        key, value = name.strip().lower(), value.strip()
        list_key = "" if value else key
        if value.startswith("[") and value.endswith("]"):
            fields[key] = [_unquote(v) for v in value[1:-1].split(",") if v.strip()]
        else:
            fields[key] = _unquote(value) or None
    return fields, "".join(lines[end + 1 :])


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


# -- JSON Lines -------------------------------------------------------------------------------


def _read_jsonl(
    path: Path, limits: IngestLimits, budget: DecompressionBudget
) -> Iterator[DocumentDraft | ReadFailure]:
    good = bad = number = 0
    try:
        for number, line in iter_lines(path, limits, budget):
            if line is not None and b"\x00" in line:
                yield ReadFailure(str(path), f"looks binary (NUL byte on line {number})")
                return
            if line is not None and not line.strip():
                continue
            try:
                if line is None:
                    raise UnreadableSource(too_long_line(limits))
                yield _jsonlbuild_draft(line, f"{path}:{number}", default_id_prefix="doc-")
                good += 1
            except CorpusError as exc:
                bad += 1
                yield ReadFailure(f"{path}:{number}", str(exc))
                if bad >= _GIVE_UP_AFTER and not good:
                    yield ReadFailure(str(path), f"gave up: the first {bad} lines are not JSONL")
                    return
    except CorpusError as exc:
        yield ReadFailure(str(path), f"{exc} (stopped after line {number})")
        return
    if not good and not bad:
        yield ReadFailure(str(path), "the file is empty")


def _jsonlbuild_draft(line: bytes, origin: str, *, default_id_prefix: str) -> DocumentDraft:
    try:
        obj = json.loads(line.decode("utf-8").removeprefix("\ufeff"))
    except UnicodeDecodeError as exc:
        raise UnreadableSource(f"not UTF-8 (byte 0x{line[exc.start]:02x})") from exc
    except json.JSONDecodeError as exc:
        raise UnreadableSource(f"not valid JSON ({exc.msg}, column {exc.colno})") from exc
    except (ValueError, RecursionError) as exc:
        raise UnreadableSource(f"not usable JSON: {exc}") from exc
    if not isinstance(obj, dict):
        raise UnreadableSource(f"expected a JSON object, got {type(obj).__name__}")
    text = obj.get("text")
    if not isinstance(text, str):
        raise InvalidDocument('no "text" field' if text is None else '"text" must be a string')
    body = normalise_text(text)
    if not body:
        raise InvalidDocument('"text" is empty')
    return build_draft(obj, body, origin, default_id=text_id(body))


# -- fields shared by front matter and JSONL --------------------------------------------------


# -- HTML -------------------------------------------------------------------------------------

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


def _read_html(raw: bytes, path: Path) -> DocumentDraft:
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
    return build_draft(fields, text, str(path), default_id=file_id(path))


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
