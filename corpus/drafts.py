"""Building a ``DocumentDraft`` from what a source gave: the canonical text and checked fields.

Every reader (and the demo collection) goes through here, so one document looks the same whichever
format it came in: the same text normalisation, the same defaults for a missing id, kind or title,
and the same refusals (an impossible date, a ``javascript:`` url) with messages that say why.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Container, Mapping
from pathlib import Path
from urllib.parse import urlsplit

from corpus.dates import parse_date
from corpus.errors import InvalidDocument
from corpus.model import KINDS, DocumentDraft, IdFrom

# The store's id rule (corpus/store.py ID_PATTERN): ids appear in URLs and citations.
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,199}")
_LANGUAGES = {"english": "en", "russian": "ru", "french": "fr", "german": "de", "spanish": "es",
              "chinese": "zh", "arabic": "ar", "japanese": "ja", "korean": "ko"}  # fmt: skip


def normalise_text(text: str) -> str:
    """The canonical form of a text: NFC, ``\\n`` newlines, no trailing spaces, <= 1 blank line.

    Also drops control characters other than tab and newline, replaces lone surrogates with
    U+FFFD, and trims blank lines at both ends. Changing this changes every content hash.
    """
    text = unicodedata.normalize("NFC", text.removeprefix("\ufeff"))
    if _ODD.search(text):  # each sub scans the whole text: only when there is something to do
        text = _SURROGATE.sub("\ufffd", _CONTROL.sub("", text))
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    for other, newline in _OTHER_NEWLINES:
        if other in text:
            text = text.replace(other, newline)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    if "\n\n\n" in text:
        text = _BLANK_LINES.sub("\n\n", text)
    return text.strip("\n")


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_ODD = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ud800-\udfff]")
_OTHER_NEWLINES = (("\v", "\n"), ("\f", "\n"), ("\x85", "\n"), ("\u2028", "\n"), ("\u2029", "\n\n"))
_BLANK_LINES = re.compile(r"\n{3,}")


def text_id(text: str) -> str:
    """A stable id for a text that came without one: ``doc-`` and 16 hex digits of its hash."""
    return "doc-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def build_draft(
    fields: Mapping[str, object],
    text: str,
    origin: str,
    *,
    file: Path | None = None,
    shared_urls: Container[str] = frozenset(),
) -> DocumentDraft:
    """A draft from source fields; missing id, kind, title or date get defaults.

    ``file`` is the file the document is the whole of (None for a JSONL line). Without an
    ``id`` field the id is derived, in this order: from the file name (``file_id``), from the
    url unless it is one of ``shared_urls`` (``url_id``), from the text (``text_id``);
    ``id_from`` says which.
    """
    tags = _tags(fields.get("tags"))
    kind = _field(fields, "kind").lower() or "other"
    for genre in (kind if kind not in KINDS else "", _field(fields, "genre")):
        if genre and f"genre:{genre}" not in tags:
            tags.append(f"genre:{genre}")
    given_id = _field(fields, "id")
    if given_id and not _ID.fullmatch(given_id):
        raise InvalidDocument(
            f'id "{given_id}" must be 1-200 ASCII letters, digits, ".", "_", ":" or "-", starting '
            "with a letter or digit; change it"
        )
    url = _url(_field(fields, "url"))
    id_from, doc_id = _chosen_id(given_id, file, url, text, shared_urls)
    title = _field(fields, "title")
    return DocumentDraft(
        text=text,
        id=doc_id,
        id_from=id_from,
        kind=kind if kind in KINDS else "other",
        title=title or first_line_title(text),
        date=parse_date(_field(fields, "date"), _field(fields, "date_precision") or None),
        speaker=_first(fields, "speaker_or_author", "speaker", "author"),
        source=_field(fields, "source"),
        url=url,
        language=_language(_first(fields, "language", "lang")),
        tags=tuple(tags),
        licence=_first(fields, "licence", "license"),
        origin=origin,
        is_title_derived=not title,
    )


def _chosen_id(
    given: str, file: Path | None, url: str, text: str, shared_urls: Container[str]
) -> tuple[IdFrom, str]:
    if given:
        return "given", given
    if file is not None:
        return "file", file_id(file)
    if url and url not in shared_urls:
        return "url", url_id(url)
    return "text", text_id(text)


def _field(fields: Mapping[str, object], key: str) -> str:
    value = fields.get(key)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InvalidDocument(f'field "{key}" must be text, not {type(value).__name__}')
    return clean_line(str(value))


def _first(fields: Mapping[str, object], *keys: str) -> str:
    return next((v for v in (_field(fields, k) for k in keys) if v), "")


def clean_line(value: str) -> str:
    """A metadata value on one line: NFC, no control characters, single spaces."""
    value = _SURROGATE.sub("\ufffd", unicodedata.normalize("NFC", value))
    return " ".join(_CONTROL.sub("", value).split())


def _tags(value: object) -> list[str]:
    if value is None or value == "":
        return []
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(t, str | int | float) for t in items):
        raise InvalidDocument('"tags" must be a list of strings')
    return list(dict.fromkeys(t for t in (clean_line(str(i)) for i in items) if t))


def _url(value: str) -> str:
    if value and not value.lower().startswith(("http://", "https://")):
        raise InvalidDocument(f'url "{value}" must start with http:// or https://; fix or drop it')
    return value


def _language(value: str) -> str:
    code = value.lower().replace("_", "-").split("-")[0]
    code = _LANGUAGES.get(code, code)
    if not code:
        return "en"
    if not re.fullmatch(r"[a-z]{2,3}", code):
        raise InvalidDocument(f'language "{value}" is not a language code like "en" or "ru"')
    return code


def first_line_title(text: str, limit: int = 120) -> str:
    """The first non-empty line, without Markdown ``#`` marks, cut at a word near ``limit``."""
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    line = re.sub(r"^#{1,6}\s+|\s+#+$", "", line).strip()
    if len(line) <= limit:
        return line
    cut = line[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-") + "…"


def file_id(path: Path) -> str:
    """A stable id from the file name: ``Valdai Remarks (final).md`` -> ``valdai-remarks-final``.

    Accents are dropped (ids are ASCII); a name with no ASCII letters or digits gets ``doc-`` and
    a hash of the name. Ingest adds a hash of the folder when another folder's file has the id
    (``corpus/identity.py``).
    """
    stem = Path(path.name.removesuffix(".gz").removesuffix(".GZ")).stem
    slug = _slug(stem, 100)
    return slug or "doc-" + hashlib.sha256(stem.encode("utf-8", "replace")).hexdigest()[:16]


def url_id(url: str) -> str:
    """A stable id from a url: ``https://www.example.org/forum/2019`` -> ``example-org-forum-2019-``
    and 8 hex digits of a hash of the whole url (query and case included), so two urls with one
    slug still get two ids."""
    parts = urlsplit(url)
    slug = _slug((parts.hostname or "").removeprefix("www.") + parts.path, 80)
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:8]
    return f"{slug}-{digest}" if slug else f"url-{digest}"


def _slug(value: str, limit: int) -> str:
    """Lower-case ASCII letters and digits joined by single dashes, at most ``limit`` long."""
    ascii_value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_value.lower()).strip("-")[:limit].rstrip("-")
