"""Citation lines in one house style, for passage links now and for briefs' notes later.

    Vladimir Putin, “Plenary session of the Eastern Economic Forum”, President of Russia,
    5 September 2019. http://127.0.0.1:5000/passages/3f2a9c0d1e4b5a68

Speaker or author, title in curly quotes, source or outlet, the date only as precise as it is
known (``5 September 2019``, ``September 2019``, ``2019`` or ``undated``), then the link.
Missing parts are left out with their commas; a title that only repeats the speaker is left
out too. Month names are English whatever the machine's locale. A passage inside one speaker's
turn of a transcript is cited as that speaker's words (``said_by``), not the publisher's.
"""

from __future__ import annotations

from dataclasses import dataclass

from corpus.model import Document, PartialDate

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
UNDATED = "undated"


@dataclass(frozen=True)
class Citation:
    """What a citation line is made of: the source's metadata, the passage link, the quote."""

    speaker: str
    title: str
    source: str
    date: PartialDate | None
    link: str
    source_url: str = ""
    quote: str = ""


def cite(document: Document, *, link: str, quote: str = "", said_by: str = "") -> Citation:
    """The citation of a passage of ``document`` reached by ``link``; ``said_by`` is the
    speaker of the turn that holds the passage, when it is inside one (else the document's)."""
    return Citation(
        speaker=" ".join((said_by or document.speaker).split()),
        title=" ".join(document.title.split()),
        source=" ".join(document.source.split()),
        date=document.date,
        link=link,
        source_url=document.url,
        quote=quote,
    )


def format_date(date: PartialDate | None) -> str:
    """``5 September 2019``, ``September 2019``, ``2019`` or ``undated``."""
    if date is None:
        return UNDATED
    value = date.value
    if date.precision == "year":
        return str(value.year)
    if date.precision == "month":
        return f"{MONTHS[value.month - 1]} {value.year}"
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def citation_line(citation: Citation, *, with_source_url: bool = False) -> str:
    """The one-line citation (see the module docstring); ``with_source_url`` adds where the
    source was published, before the link."""
    title = citation.title.rstrip(" .")
    parts = [citation.speaker]
    if title and title.casefold() != citation.speaker.casefold():
        parts.append(f"“{title}”")
    parts += [citation.source, format_date(citation.date)]
    line = ", ".join(part for part in parts if part) + "."
    if with_source_url and citation.source_url:
        line += f" {citation.source_url}"
    if citation.link:
        line += f" {citation.link}"
    return line
