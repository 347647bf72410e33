"""The demo collection from NLTK's corpora: counts, honest metadata, repaired encodings."""

from __future__ import annotations

import collections
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from corpus.demo import DEMO_CORPORA, MAX_NEWS_SHARE, corpus_drafts, demo_drafts, is_fit
from corpus.drafts import normalise_text
from corpus.errors import UnreadableSource
from corpus.ingestion import IngestReport, ingest_drafts
from corpus.model import DocumentDraft, PartialDate
from indexer.analyse import resource_dir


@pytest.fixture(scope="module")
def folders() -> dict[str, Path]:
    return {name: resource_dir(f"corpora/{name}") for name in DEMO_CORPORA}


@pytest.fixture(scope="module")
def drafts(folders: dict[str, Path]) -> dict[str, DocumentDraft]:
    """Every document of the corpora, before the demo's selection."""
    found = list(corpus_drafts(folders))
    by_id = {draft.id: draft for draft in found}
    assert len(by_id) == len(found), "demo ids must be unique"
    return by_id  # type: ignore[return-value]


@pytest.fixture(scope="module")
def demo(folders: dict[str, Path]) -> dict[str, DocumentDraft]:
    """The demo collection as setup loads it."""
    return {str(draft.id): draft for draft in demo_drafts(folders)}


def test_every_corpus_file_or_story_becomes_one_document(drafts: dict[str, DocumentDraft]) -> None:
    prefixes = collections.Counter(str(i).split("-")[0] for i in drafts)
    assert prefixes == {
        "sotu": 65,
        "inaugural": 59,
        "webtext": 6,
        "npschat": 15,
        "abc": 2425 + 764,
    }
    kinds = collections.Counter(d.kind for d in drafts.values())
    assert kinds == {"speech": 124, "forum": 17, "news": 3189, "other": 4}


def test_texts_are_already_canonical(drafts: dict[str, DocumentDraft]) -> None:
    assert all(normalise_text(d.text) == d.text and d.text for d in drafts.values())


def test_a_state_of_the_union_file_gives_its_heading_date_and_speaker(
    drafts: dict[str, DocumentDraft],
) -> None:
    truman = drafts["sotu-1945-Truman"]
    assert (truman.title, truman.date, truman.speaker, truman.kind) == (
        "Address Before a Joint Session of the Congress",
        PartialDate(dt.date(1945, 4, 16), "day"),
        "Harry S. Truman",
        "speech",
    )
    assert truman.source == "C-SPAN State of the Union Address Corpus (NLTK state_union)"
    assert truman.licence == "Public domain (US Government work)"
    assert truman.tags == ("country:United States", "genre:address to Congress")
    assert truman.text.startswith(
        "PRESIDENT HARRY S. TRUMAN'S ADDRESS BEFORE A JOINT SESSION OF THE CONGRESS\n\n"
        "April 16, 1945\n\nMr. Speaker, Mr. President, Members of the Congress:"
    )
    johnson = drafts["sotu-1965-Johnson-2"]
    assert johnson.title == "Special Message to the Congress: The American Promise"
    bush = drafts["sotu-2002-GWBush"]
    assert (bush.speaker, bush.tags[1]) == ("George W. Bush", "genre:State of the Union address")


def test_an_address_without_a_written_date_is_dated_to_its_year(
    drafts: dict[str, DocumentDraft],
) -> None:
    assert drafts["sotu-1956-Eisenhower"].date == PartialDate(dt.date(1956, 1, 1), "year")


@pytest.mark.parametrize(
    ("doc_id", "speaker"),
    [
        ("inaugural-1797-Adams", "John Adams"),
        ("inaugural-1825-Adams", "John Quincy Adams"),
        ("inaugural-1841-Harrison", "William Henry Harrison"),
        ("inaugural-1889-Harrison", "Benjamin Harrison"),
        ("inaugural-1905-Roosevelt", "Theodore Roosevelt"),
        ("inaugural-1945-Roosevelt", "Franklin D. Roosevelt"),
        ("inaugural-1989-Bush", "George H. W. Bush"),
        ("inaugural-2005-Bush", "George W. Bush"),
        ("inaugural-2021-Biden", "Joseph R. Biden Jr."),
    ],
)
def test_inaugural_speakers_get_full_names_by_year(
    drafts: dict[str, DocumentDraft], doc_id: str, speaker: str
) -> None:
    draft = drafts[doc_id]
    year = int(doc_id.split("-")[1])
    assert (draft.speaker, draft.title) == (speaker, f"Inaugural Address of {speaker} ({year})")
    assert draft.date == PartialDate(dt.date(year, 1, 1), "year")


def test_legacy_encodings_are_repaired(drafts: dict[str, DocumentDraft]) -> None:
    nixon = drafts["sotu-1971-Nixon"].text
    assert "America’s history" in nixon and "\xa1" not in nixon
    assert "years of sabbatical—and then" in drafts["inaugural-2005-Bush"].text
    assert "Shh, don’t say that!" in drafts["webtext-overheard"].text
    assert "None of the ‘typical" in drafts["webtext-wine"].text
    assert "cancellation of the ½¢ decrease" in drafts["sotu-1954-Eisenhower"].text
    assert all("\x80" > c or c > "\x9f" for d in drafts.values() for c in d.text)


def test_webtext_files_are_described_by_the_readme(drafts: dict[str, DocumentDraft]) -> None:
    overheard = drafts["webtext-overheard"]
    assert (overheard.kind, overheard.title, overheard.url, overheard.date) == (
        "forum",
        "Overheard in New York (partly censored)",
        "http://www.overheardinnewyork.com/",
        PartialDate(dt.date(2006, 1, 1), "year"),
    )
    grail = drafts["webtext-grail"]
    assert (grail.kind, grail.title, grail.tags) == (
        "other",
        "Monty Python and the Holy Grail",
        ("genre:film script",),
    )
    wine = drafts["webtext-wine"]
    assert (wine.title, wine.url, wine.date) == (
        "Fine Wine Diary",
        "http://www.finewinediary.com/",
        None,
    )


def test_a_chat_session_is_one_forum_document_without_system_posts(
    drafts: dict[str, DocumentDraft],
) -> None:
    chat = drafts["npschat-10-19-20s"]
    assert (chat.kind, chat.date, chat.tags) == (
        "forum",
        PartialDate(dt.date(2006, 10, 19), "day"),
        ("genre:chat", "room:20s"),
    )
    assert chat.title == "Chat room session: 20s room, 19 October 2006 (576 posts)"
    assert chat.licence.startswith("Non-commercial, non-profit educational and research use only")
    assert chat.text.startswith("User7: now im left with this gay name\nUser7: :P\n")
    assert not [line for line in chat.text.split("\n") if line.endswith((": PART", ": JOIN"))]
    assert "10-19-20sUser" not in chat.text


def test_abc_stories_are_news_items_titled_by_their_first_line(
    drafts: dict[str, DocumentDraft],
) -> None:
    story = drafts["abc-rural-0001"]
    assert (story.kind, story.title, story.source, story.date) == (
        "news",
        "PM denies knowledge of AWB kickbacks",
        "ABC Rural News (NLTK abc)",
        PartialDate(dt.date(2006, 1, 1), "year"),
    )
    assert story.text.startswith("PM denies knowledge of AWB kickbacks\nThe Prime Minister")
    assert "\n\n" not in story.text


def test_the_demo_keeps_every_speech_and_caps_the_news(demo: dict[str, DocumentDraft]) -> None:
    kinds = collections.Counter(d.kind for d in demo.values())
    assert kinds == {"speech": 124, "news": 91, "forum": 9, "other": 4}
    assert kinds["news"] <= MAX_NEWS_SHARE * len(demo)
    sources = collections.Counter(d.source for d in demo.values() if d.kind == "news")
    assert sources == {"ABC Rural News (NLTK abc)": 46, "ABC Science News (NLTK abc)": 45}
    rural = sorted(i for i in demo if i.startswith("abc-rural-"))
    assert (rural[0], rural[-1]) == ("abc-rural-0001", "abc-rural-2370")  # spread over the file


def test_the_demo_leaves_out_profane_chat_and_postings(demo: dict[str, DocumentDraft]) -> None:
    assert "webtext-overheard" not in demo and "npschat-10-19-20s" not in demo
    assert {"webtext-firefox", "webtext-grail", "npschat-10-19-30s"} <= set(demo)
    assert all(is_fit(d.text) for d in demo.values())


def test_fit_means_no_slur_and_rare_profanity() -> None:
    words = "word " * 2500
    assert is_fit(f"{words} shit happens") and is_fit(f"{words} Shitty weather, bitching")
    assert not is_fit(f"{words} shit, shit and more shit")
    assert not is_fit("A short post. Oh shit.")
    assert not is_fit(f"{words} some nigga")
    assert is_fit("Dick Cheney said the cocks crowed.")


def test_the_demo_collection_stores_cleanly(
    empty_store: Any, demo: dict[str, DocumentDraft]
) -> None:
    report = ingest_drafts(demo.values(), empty_store, batch_size=500)
    assert (len(report.added), report.failed) == (228, ())
    again = ingest_drafts(demo.values(), empty_store, batch_size=500)
    assert again == IngestReport(unchanged=report.added)


def test_an_unknown_corpus_or_an_empty_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UnreadableSource, match='"brown" is not a demo corpus'):
        list(demo_drafts({"brown": tmp_path}))
    with pytest.raises(UnreadableSource, match=r"No \*\.txt files in .* \(dossier setup\)"):
        list(demo_drafts({"inaugural": tmp_path}))
