"""The 60k-document bench collection, assembled from ../shared/data and NLTK's corpora.

    python bench/collection60k.py            # writes /tmp/dossier-data/bench60k.jsonl.gz

Issue 15 measured Dossier on 61k documents of mixed length; ``bench/`` had 18k long ones. This
puts together, from what the machine has (nothing is downloaded, nothing is written into the
repository), about 60,000 documents of the same mix, the same every time:

- every document of ../shared/data/bench (kremlin, uspres; ungdc as below) and the re3d news
  items of ../shared/data/demo (the rest of demo is a subset of bench);
- UN General Debate statements of odd-numbered sessions whole (long speeches), those of
  even-numbered sessions cut into sections of whole paragraphs of at least ``SECTION_CHARS``
  characters (``ungdc-ARG-2-1947-s03``: short documents that read as real text);
- NLTK's ``abc`` (ABC rural and science news: blocks between blank lines, or ``ABC_LINES``
  lines), ``webtext`` (Firefox feedback, wine reviews and personal ads one per line; overheard
  conversations between blank lines; the two film scripts in blocks of ``SCRIPT_LINES`` lines)
  and ``nps_chat`` (chat sessions in blocks of ``CHAT_POSTS`` posts). ``state_union`` and
  ``inaugural`` are left out: bench's uspres holds the same addresses.

Fields are those of ../shared/data/demo/README.md; ids say where each document came from.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.sources import SHARED_DATA  # noqa: E402

NLTK_CORPORA = Path(os.environ.get("NLTK_DATA", SHARED_DATA.parent / "nltk_data")) / "corpora"
OUT = Path(os.environ.get("DOSSIER_BENCH_DATA", "/tmp/dossier-data")) / "bench60k.jsonl.gz"
SECTION_CHARS = 3_500
ABC_LINES = 6
SCRIPT_LINES = 40
CHAT_POSTS = 40
NLTK_LICENCE = "NLTK data (see the corpus README)"


def documents() -> Iterator[dict[str, Any]]:
    """Every document of the collection, in a fixed order."""
    yield from _bench("kremlin.jsonl.gz")
    yield from _bench("uspres.jsonl.gz")
    yield from _ungdc()
    for doc in _jsonl(SHARED_DATA / "demo" / "demo.jsonl"):
        if doc["id"].startswith("re3d-"):
            yield doc
    yield from _abc()
    yield from _webtext()
    yield from _nps_chat()


def _jsonl(path: Path) -> Iterator[dict[str, Any]]:
    opener: Any = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def _bench(name: str) -> Iterator[dict[str, Any]]:
    yield from _jsonl(SHARED_DATA / "bench" / name)


def _ungdc() -> Iterator[dict[str, Any]]:
    for doc in _bench("ungdc.jsonl.gz"):
        session = int(doc["id"].split("-")[2])
        if session % 2:
            yield doc
            continue
        sections = _sections(doc["text"])
        for n, text in enumerate(sections, 1):
            yield {
                **doc,
                "id": f"{doc['id']}-s{n:02d}",
                "title": f"{doc['title']}, part {n} of {len(sections)}",
                "text": text,
            }


def _sections(text: str) -> list[str]:
    """Whole paragraphs (lines) gathered until a section holds ``SECTION_CHARS`` characters;
    a short remainder joins the last section."""
    out: list[str] = []
    current: list[str] = []
    size = 0
    for line in text.split("\n"):
        if not line.strip():
            continue
        current.append(line)
        size += len(line) + 1
        if size >= SECTION_CHARS:
            out.append("\n".join(current))
            current, size = [], 0
    if current:
        if out and size < SECTION_CHARS // 2:
            out[-1] += "\n" + "\n".join(current)
        else:
            out.append("\n".join(current))
    return out


def _nltk_doc(id: str, kind: str, text: str, source: str, genre: str) -> dict[str, Any]:
    return {
        "id": id,
        "kind": kind,
        "title": None,
        "date": None,
        "date_precision": None,
        "speaker_or_author": "",
        "source": source,
        "url": None,
        "language": "en",
        "text": text,
        "licence": NLTK_LICENCE,
        "genre": genre,
        "tags": [],
    }


def _blocks(lines: list[str], size: int) -> Iterator[str]:
    """Runs of non-blank lines, cut at blank lines or every ``size`` lines."""
    current: list[str] = []
    for line in lines:
        if line.strip():
            current.append(line.strip())
        if current and (not line.strip() or len(current) >= size):
            yield "\n".join(current)
            current = []
    if current:
        yield "\n".join(current)


def _abc() -> Iterator[dict[str, Any]]:
    for name, source in (("rural", "ABC Rural News"), ("science", "ABC Science News")):
        lines = (NLTK_CORPORA / "abc" / f"{name}.txt").read_text(encoding="latin-1").splitlines()
        for n, text in enumerate(_blocks(lines, ABC_LINES), 1):
            yield _nltk_doc(f"abc-{name}-{n:05d}", "news", text, source, "news article")


def _webtext() -> Iterator[dict[str, Any]]:
    folder = NLTK_CORPORA / "webtext"
    for name, kind, genre in (
        ("firefox", "forum", "browser feedback"),
        ("wine", "other", "wine review"),
        ("singles", "other", "personal ad"),
    ):
        lines = (folder / f"{name}.txt").read_text(encoding="latin-1").splitlines()
        for n, line in enumerate((line.strip() for line in lines if line.strip()), 1):
            yield _nltk_doc(f"webtext-{name}-{n:05d}", kind, line, f"NLTK webtext: {name}", genre)
    text = (folder / "overheard.txt").read_text(encoding="latin-1")
    for n, block in enumerate(b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()):
        yield _nltk_doc(
            f"webtext-overheard-{n + 1:05d}", "other", block, "NLTK webtext: overheard", "quote"
        )
    for name in ("grail", "pirates"):
        lines = (folder / f"{name}.txt").read_text(encoding="latin-1").splitlines()
        for n, text in enumerate(_blocks(lines, SCRIPT_LINES), 1):
            yield _nltk_doc(
                f"webtext-{name}-{n:04d}", "other", text, f"NLTK webtext: {name}", "script"
            )


def _nps_chat() -> Iterator[dict[str, Any]]:
    for path in sorted((NLTK_CORPORA / "nps_chat").glob("*.xml")):
        posts = [
            f"{post.get('user', '')}: {(post.text or '').strip()}"
            for post in ET.parse(path).getroot().iter("Post")
        ]
        for n in range(0, len(posts), CHAT_POSTS):
            yield _nltk_doc(
                f"nps-{path.stem}-{n // CHAT_POSTS + 1:02d}",
                "forum",
                "\n".join(posts[n : n + CHAT_POSTS]),
                "NLTK nps_chat",
                "chat session",
            )


def assemble(out: Path = OUT, *, force: bool = False) -> Path:
    """Write the collection to ``out`` (gzip'd JSON Lines) unless it is there already."""
    if out.exists() and not force:
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_suffix(".partial")
    with gzip.open(partial, "wt", encoding="utf-8", compresslevel=1) as sink:
        for doc in documents():
            sink.write(json.dumps(doc, ensure_ascii=False) + "\n")
    partial.replace(out)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--force", action="store_true", help="write it again")
    args = ap.parse_args()
    path = assemble(args.out, force=args.force)
    counts: dict[str, list[int]] = {}
    for doc in _jsonl(path):
        group = doc["id"].split("-")[0] + ("-section" if re.search(r"-s\d\d$", doc["id"]) else "")
        entry = counts.setdefault(f"{group} ({doc['kind']})", [0, 0])
        entry[0] += 1
        entry[1] += len(doc["text"])
    print(f"# {path}\n\n| part | documents | MB of text |\n| --- | ---: | ---: |")
    for group, (docs, chars) in counts.items():
        print(f"| {group} | {docs:,} | {chars / 1e6:.1f} |")
    docs = sum(d for d, _ in counts.values())
    chars = sum(c for _, c in counts.values())
    print(f"| **all** | {docs:,} | {chars / 1e6:.1f} |")


if __name__ == "__main__":
    main()
