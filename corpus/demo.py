"""The demo collection: NLTK's speech, forum, chat and news corpora, with honest metadata.

The corpus files are read straight from disk (``corpus`` never imports ``nltk``): the caller passes
the folder of each corpus, as ``indexer.analyse.resource_dir("corpora/<name>")`` finds it.

What each corpus becomes (metadata only from the files, their names and their READMEs):

- ``state_union`` (C-SPAN, 1945-2006) and ``inaugural`` (1789-2021): one speech per file; the
  speaker's full name from the surname in the file name and the year; the title and the exact date
  from the heading of each State of the Union file (year only when it has none). Public domain.
- ``webtext``: one document per file, described by the corpus README. The Firefox support forum
  and "Overheard in New York" postings are ``forum``; the film scripts, singles ads and wine diary
  are ``other``. The README states no licence.
- ``nps_chat``: one ``forum`` document per chat-room session (a file), one line per post, with
  the date and room from the file name; joins, parts and nick changes are left out. Licensed for
  non-commercial, non-profit educational and research use only.
- ``abc``: one ``news`` document per blank-line-separated story of ABC Rural and Science News,
  dated 2006 as the README dates the collection. The files mark no story boundaries beyond blank
  lines, so some Rural "stories" are the sub-headed sections of a longer one.

Old files in these corpora use several encodings: Windows-1252, UTF-8 with stray C1 controls,
Big5 punctuation (Nixon's addresses) and HTML entities; ``_decode`` repairs each to plain Unicode.

Ids follow our own naming scheme (``sotu-1945-Truman``), so they are ``given``: a document keeps
its id and versions wherever the NLTK data folder lives.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator, Mapping
from pathlib import Path

from corpus.dates import parse_date
from corpus.drafts import first_line_title, normalise_text
from corpus.errors import UnreadableSource
from corpus.model import DocumentDraft, PartialDate

DEMO_CORPORA: tuple[str, ...] = ("state_union", "inaugural", "webtext", "nps_chat", "abc")

_PUBLIC_DOMAIN = "Public domain (US Government work)"
_US = "country:United States"
# Presidents by the surname NLTK's file names use: (first year in office, full name), in order.
_PRESIDENTS: dict[str, list[tuple[int, str]]] = {
    "Washington": [(1789, "George Washington")],
    "Adams": [(1797, "John Adams"), (1825, "John Quincy Adams")],
    "Jefferson": [(1801, "Thomas Jefferson")],
    "Madison": [(1809, "James Madison")],
    "Monroe": [(1817, "James Monroe")],
    "Jackson": [(1829, "Andrew Jackson")],
    "VanBuren": [(1837, "Martin Van Buren")],
    "Harrison": [(1841, "William Henry Harrison"), (1889, "Benjamin Harrison")],
    "Polk": [(1845, "James K. Polk")],
    "Taylor": [(1849, "Zachary Taylor")],
    "Pierce": [(1853, "Franklin Pierce")],
    "Buchanan": [(1857, "James Buchanan")],
    "Lincoln": [(1861, "Abraham Lincoln")],
    "Grant": [(1869, "Ulysses S. Grant")],
    "Hayes": [(1877, "Rutherford B. Hayes")],
    "Garfield": [(1881, "James A. Garfield")],
    "Cleveland": [(1885, "Grover Cleveland")],
    "McKinley": [(1897, "William McKinley")],
    "Roosevelt": [(1901, "Theodore Roosevelt"), (1933, "Franklin D. Roosevelt")],
    "Taft": [(1909, "William Howard Taft")],
    "Wilson": [(1913, "Woodrow Wilson")],
    "Harding": [(1921, "Warren G. Harding")],
    "Coolidge": [(1923, "Calvin Coolidge")],
    "Hoover": [(1929, "Herbert Hoover")],
    "Truman": [(1945, "Harry S. Truman")],
    "Eisenhower": [(1953, "Dwight D. Eisenhower")],
    "Kennedy": [(1961, "John F. Kennedy")],
    "Johnson": [(1963, "Lyndon B. Johnson")],
    "Nixon": [(1969, "Richard Nixon")],
    "Ford": [(1974, "Gerald R. Ford")],
    "Carter": [(1977, "Jimmy Carter")],
    "Reagan": [(1981, "Ronald Reagan")],
    "Bush": [(1989, "George H. W. Bush"), (2001, "George W. Bush")],
    "GWBush": [(2001, "George W. Bush")],
    "Clinton": [(1993, "Bill Clinton")],
    "Obama": [(2009, "Barack Obama")],
    "Trump": [(2017, "Donald J. Trump")],
    "Biden": [(2021, "Joseph R. Biden Jr.")],
}
# webtext files: (kind, genre); titles, urls and years come from the corpus README.
_WEBTEXT = {
    "firefox": ("forum", "support forum"),
    "overheard": ("forum", "overheard conversations"),
    "pirates": ("other", "film script"),
    "grail": ("other", "film script"),
    "singles": ("other", "classified ads"),
    "wine": ("other", "wine tasting notes"),
}
MAX_NEWS_SHARE = 0.4  # news stories make at most this share of the demo collection
MIN_STORY_WORDS = 80  # shorter "stories" are mostly sub-headed pieces of a longer one
PROFANITY_RATE = 1 / 1000  # more profane words per word than this: not in the demo
_PROFANITY = re.compile(
    r"\b(?:f+u+c+k\w*|\w*shit\w*|cunts?|bitch\w*|ass ?holes?|motherf\w*|whores?|sluts?"
    r"|puss(?:y|ies))\b",
    re.IGNORECASE,
)
_SLURS = re.compile(r"\b(?:nigg(?:a|as|ah|az|er|ers)|fags?|faggots?)\b", re.IGNORECASE)
_MONTH_DAY_YEAR = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December) \d{1,2}, \d{4}"
)
_SMALL_WORDS = frozenset("a an and as at but by for in nor of on or the to with".split())


def demo_drafts(folders: Mapping[str, Path]) -> Iterator[DocumentDraft]:
    """The demo collection from the corpora in ``folders`` (name in ``DEMO_CORPORA`` -> its
    folder): every speech, forum and other document fit for a first demo (``is_fit``), then
    news stories up to ``MAX_NEWS_SHARE`` of the whole, spread evenly over each news file.

    ``abc`` alone holds 3,189 stories of 2006 Australian rural and science news: taken whole,
    the demo was 96% of it and its first facets were "Queensland" and "Livestock Australia".
    Raises ``UnreadableSource`` for an unknown corpus name or a folder without its files.
    """
    others = 0
    for draft in corpus_drafts({k: v for k, v in folders.items() if k != "abc"}):
        if is_fit(draft.text):
            others += 1
            yield draft
    if "abc" in folders:
        cap = int(others * MAX_NEWS_SHARE / (1 - MAX_NEWS_SHARE))
        yield from _spread(_abc(Path(folders["abc"])), cap)


def is_fit(text: str) -> bool:
    """Whether a text is fit for a first demo: no slur, and profanity at most one word in a
    thousand (none in a text shorter than that). Leaves out the crudest chat sessions and the
    "Overheard in New York" postings; a film script's odd oath stays."""
    if _SLURS.search(text):
        return False
    return len(_PROFANITY.findall(text)) < max(1.0, len(text.split()) * PROFANITY_RATE)


def _spread(stories: Iterator[DocumentDraft], cap: int) -> Iterator[DocumentDraft]:
    """Up to ``cap`` fit stories of at least ``MIN_STORY_WORDS`` words, shared equally between
    the sources and evenly spaced through each (so the whole year and both files show)."""
    by_source: dict[str, list[DocumentDraft]] = {}
    for story in stories:
        if len(story.text.split()) >= MIN_STORY_WORDS and is_fit(story.text):
            by_source.setdefault(story.source, []).append(story)
    for n, found in enumerate(by_source.values()):
        quota = min(len(found), cap // len(by_source) + (n < cap % len(by_source)))
        for i in range(quota):
            yield found[i * len(found) // quota]


def corpus_drafts(folders: Mapping[str, Path]) -> Iterator[DocumentDraft]:
    """Every document of each corpus in ``folders``, unselected (``demo_drafts`` chooses).

    Raises ``UnreadableSource`` for an unknown corpus name or a folder without its files.
    """
    readers = {
        "state_union": _state_union,
        "inaugural": _inaugural,
        "webtext": _webtext,
        "nps_chat": _nps_chat,
        "abc": _abc,
    }
    for name, folder in folders.items():
        if name not in readers:
            raise UnreadableSource(
                f'"{name}" is not a demo corpus; choose from {", ".join(DEMO_CORPORA)}.'
            )
        yield from readers[name](Path(folder))


def _files(folder: Path, pattern: str) -> list[Path]:
    files = sorted(folder.glob(pattern))
    if not files:
        raise UnreadableSource(
            f"No {pattern} files in {folder}. Reinstall the NLTK corpus (dossier setup)."
        )
    return files


def _state_union(folder: Path) -> Iterator[DocumentDraft]:
    for path in _files(folder, "*.txt"):
        year, surname = _year_and_surname(path)
        text = _decode(path.read_bytes())
        heading, date = _heading_and_date(text, year)
        genre = "State of the Union address" if "STATE OF THE UNION" in heading.upper() else ""
        yield DocumentDraft(
            text=text,
            id=f"sotu-{path.stem}",
            id_from="given",
            kind="speech",
            title=heading or f"State of the Union Address ({year})",
            date=date,
            speaker=_president(surname, year),
            source="C-SPAN State of the Union Address Corpus (NLTK state_union)",
            tags=(_US, f"genre:{genre or 'address to Congress'}"),
            licence=_PUBLIC_DOMAIN,
            origin=str(path),
        )


def _inaugural(folder: Path) -> Iterator[DocumentDraft]:
    for path in _files(folder, "*.txt"):
        year, surname = _year_and_surname(path)
        speaker = _president(surname, year)
        yield DocumentDraft(
            text=_decode(path.read_bytes()),
            id=f"inaugural-{path.stem}",
            id_from="given",
            kind="speech",
            title=f"Inaugural Address of {speaker} ({year})",
            date=PartialDate(dt.date(year, 1, 1), "year"),
            speaker=speaker,
            source="C-SPAN Inaugural Address Corpus (NLTK inaugural)",
            tags=(_US, "genre:inaugural address"),
            licence=_PUBLIC_DOMAIN,
            origin=str(path),
        )


def _webtext(folder: Path) -> Iterator[DocumentDraft]:
    readme = _readme_entries(folder / "README")
    for path in _files(folder, "*.txt"):
        description, url, year = readme.get(path.name, (path.stem, "", ""))
        kind, genre = _WEBTEXT.get(path.stem, ("other", ""))
        yield DocumentDraft(
            text=_decode(path.read_bytes(), web=True),
            id=f"webtext-{path.stem}",
            id_from="given",
            kind=kind,
            title=description.removeprefix("Movie script from ").strip(),
            date=parse_date(year),
            source="Web Text Corpus (NLTK webtext)",
            url=url,
            tags=(f"genre:{genre}",) if genre else (),
            licence="No licence stated (NLTK webtext README); postings are their authors' work",
            origin=str(path),
        )


def _readme_entries(readme: Path) -> dict[str, tuple[str, str, str]]:
    """``name.txt: description http://url (2006)`` lines -> name: (description, url, year)."""
    entries: dict[str, tuple[str, str, str]] = {}
    text = _decode(readme.read_bytes()) if readme.is_file() else ""
    for line in text.splitlines():
        m = re.match(r"(\S+\.txt):\s*(.*?)\s*(https?://\S+)?\s*(\((\d{4})(-\d+)?\))?\s*$", line)
        if m:  # a range such as (2005-06) gives no single year
            year = "" if m.group(6) else m.group(5) or ""
            entries[m.group(1)] = (m.group(2), m.group(3) or "", year)
    return entries


def _nps_chat(folder: Path) -> Iterator[DocumentDraft]:
    for path in _files(folder, "*.xml"):
        m = re.match(r"(\d{2})-(\d{2})-(\w+?)_(\d+)posts$", path.stem)
        if not m:
            continue
        month, day, room = int(m.group(1)), int(m.group(2)), m.group(3)
        prefix = f"{m.group(1)}-{m.group(2)}-{room}"
        lines = []
        for post in ElementTree.parse(path).getroot().iter("Post"):
            said = (post.text or "").strip().replace(prefix + "User", "User")
            user = (post.get("user") or "").removeprefix(prefix)
            if post.get("class") != "System":
                lines.append(f"{user}: {said}")
            elif said.startswith(".ACTION "):
                lines.append(f"* {user} {said.removeprefix('.ACTION ')}")
        date = dt.date(2006, month, day)  # the README: all posts were gathered in 2006
        yield DocumentDraft(
            text=normalise_text("\n".join(lines)),
            id=f"npschat-{path.stem.split('_')[0]}",
            id_from="given",
            kind="forum",
            title=f"Chat room session: {room} room, {date.day} {date:%B %Y} ({len(lines)} posts)",
            date=PartialDate(date, "day"),
            source="NPS Chat Corpus, Release 1.0 (NLTK nps_chat)",
            tags=("genre:chat", f"room:{room}"),
            licence="Non-commercial, non-profit educational and research use only (NPS Chat "
            "Corpus README)",
            origin=str(path),
        )


def _abc(folder: Path) -> Iterator[DocumentDraft]:
    names = {"rural": "ABC Rural News", "science": "ABC Science News"}
    for path in _files(folder, "*.txt"):
        text = _decode(path.read_bytes(), web=True)
        line = 1
        for number, block in enumerate(text.split("\n\n"), 1):
            story = block.strip("\n")
            if story:
                yield DocumentDraft(
                    text=story,
                    id=f"abc-{path.stem}-{number:04d}",
                    id_from="given",
                    kind="news",
                    title=first_line_title(story),
                    is_title_derived=True,
                    date=PartialDate(dt.date(2006, 1, 1), "year"),
                    source=f"{names.get(path.stem, path.stem)} (NLTK abc)",
                    tags=("country:Australia", f"genre:{path.stem} news"),
                    licence="No licence stated (NLTK abc README); © Australian Broadcasting "
                    "Corporation",
                    origin=f"{path}:{line}",
                )
            line += block.count("\n") + 2


def _year_and_surname(path: Path) -> tuple[int, str]:
    """``1965-Johnson-2.txt`` -> (1965, "Johnson")."""
    year, surname, *_ = path.stem.split("-")
    return int(year), surname


def _president(surname: str, year: int) -> str:
    """The full name of the president with ``surname`` in office (or elected) in ``year``."""
    terms = _PRESIDENTS.get(surname)
    if not terms:
        return surname
    return [name for first, name in terms if first <= year][-1]


def _heading_and_date(text: str, year: int) -> tuple[str, PartialDate]:
    """The address's title (without "President X's") and its date, from the first lines."""
    lines = [line.strip() for line in text.splitlines()[:6] if line.strip()]
    heading = re.sub(r"^PRESIDENT [A-Z. ]+'S\s+", "", lines[0] if lines else "")
    heading = _title_case(_MONTH_DAY_YEAR.sub("", heading).strip(" .:"))
    for line in lines[:4]:
        m = _MONTH_DAY_YEAR.search(line)
        if m and m.group().endswith(str(year)):
            return heading, parse_date(m.group()) or PartialDate(dt.date(year, 1, 1), "year")
    return heading, PartialDate(dt.date(year, 1, 1), "year")


def _title_case(heading: str) -> str:
    """``ADDRESS ON THE STATE OF THE UNION`` -> ``Address on the State of the Union``."""
    if heading != heading.upper():
        return heading
    words = heading.lower().split()
    return " ".join(
        w if i and w in _SMALL_WORDS and not words[i - 1].endswith(":") else w[:1].upper() + w[1:]
        for i, w in enumerate(words)
    )


_BIG5_PUNCTUATION = {"\xa1\xa5": "‘", "\xa1\xa6": "’", "\xa1\xa7": "“", "\xa1\xa8": "”",
                     "\xa1X": "—", "\xa1K": "…", "\xa1@": ""}  # fmt: skip
_BIG5 = re.compile("|".join(map(re.escape, _BIG5_PUNCTUATION)))
_C1 = re.compile("[\x80-\x9f]")
_MOJIBAKE = re.compile("â€.")
_STRAY_A = re.compile('Â(?=[\u2018\u2019\u201c\u201d\u2026"])')  # doubly encoded punctuation


def _decode(raw: bytes, *, web: bool = False) -> str:
    """Plain Unicode from the corpora's mixed encodings; ``web`` also undoes HTML entities."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
        if len(_BIG5.findall(text)) >= 3:
            text = _BIG5.sub(lambda m: _BIG5_PUNCTUATION[m.group()], text)
    text = _C1.sub(lambda m: m.group().encode("latin-1").decode("cp1252", "ignore"), text)
    if web:
        text = _STRAY_A.sub("", _MOJIBAKE.sub(_unmojibake, html.unescape(text)))
    return normalise_text(text)


def _unmojibake(match: re.Match[str]) -> str:
    """``â€™`` (UTF-8 read as Windows-1252) -> ``’``."""
    try:
        return match.group().encode("cp1252").decode("utf-8")
    except UnicodeError:
        return match.group()
