"""Speaker turns in the web app, on the invented transcripts (tests/data-transcripts) analysed
with a small registry and indexed: corrections posted from the document view."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup

from corpus import ingest
from corpus.entities import corrections
from corpus.entities.dialogue import turns
from corpus.entities.speakers import speaker_corrections
from corpus.entities.store import EntityStore
from corpus.store import Store
from indexer.build import build_index
from indexer.entities.extraction import analyse_documents
from webapp import create_app
from webapp.resources import close_resources

TRANSCRIPTS = Path(__file__).parent / "data-transcripts"
PRESS = "fixture-press-conference"


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Any]:
    """An app on the transcripts, analysed (registry and rules) and indexed."""
    url = f"sqlite:///{tmp_path / 'dossier.db'}"
    with Store.open(url) as store:
        assert not ingest([TRANSCRIPTS], store).failed
        es = EntityStore(store)
        corrections.add_entity(es, "Vladimir Putin", "PERSON", aliases=["President Putin"])
        corrections.add_entity(es, "Anna Ivanova", "PERSON")
        analyse_documents(store, es, recogniser=None, procs=1)
        build_index(store, tmp_path / "index", procs=1)
    app = create_app(
        {
            "TESTING": True,
            "HOME": str(tmp_path),
            "DATABASE_URL": url,
            "INDEX_DIR": str(tmp_path / "index"),
            "SECRET_KEY": "test",
            "DEMO_CORPUS": False,
            "REANALYSIS": "inline",
        }
    )
    yield app
    close_resources(app)


def _soup(response: Any) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _token(client: Any) -> str:
    field = _soup(client.get("/entities")).select_one("input[name=csrf_token]")
    assert field is not None
    return str(field["value"])


def _stored(app: Any) -> tuple[EntityStore, Store]:
    store = Store.open(app.config["DATABASE_URL"])
    return EntityStore(store), store


def test_a_speaker_correction_posted_from_the_page_is_applied_at_once(app: Any) -> None:
    client = app.test_client()
    form = {
        "csrf_token": _token(client),
        "document_id": PRESS,
        "label": "Question",
        "kind": "entity",
        "speaker": "Anna Ivanova",
        "next": f"/documents/{PRESS}",
    }
    response = client.post("/entities/speakers", data=form)
    assert response.status_code == 303 and response.location.endswith(f"/documents/{PRESS}")
    page = _soup(client.get(response.location))
    said = [p.get_text() for p in page.select(".flash p")]
    assert said[0].startswith("“Question” now marks the turns of Anna Ivanova. Re-analysed 1")
    es, store = _stored(app)
    with store:
        assert [t.speaker for t in turns(es, PRESS)][1] == "Anna Ivanova"
        assert [f.who for f in speaker_corrections(es, PRESS)] == ["local"]


def test_a_bad_speaker_correction_is_said_not_stored(app: Any) -> None:
    client = app.test_client()
    base = {"csrf_token": _token(client), "document_id": PRESS, "next": f"/documents/{PRESS}"}
    for form, message in (
        ({"label": "The agenda", "kind": "anonymous"}, '"The agenda" does not start a line'),
        ({"label": "Question", "kind": "entity", "speaker": ""}, "Whose turns does “Question”"),
        ({"label": "Question", "kind": "bogus"}, "Unknown kind of speaker correction 'bogus'"),
        ({"label": "Question", "kind": "undo"}, 'No speaker correction of "Question"'),
    ):
        response = client.post("/entities/speakers", data={**base, **form})
        flashed = [p.get_text() for p in _soup(client.get(response.location)).select(".flash p")]
        assert any(message in text for text in flashed), flashed
    missing = client.post("/entities/speakers", data={**base, "document_id": "nope", "label": "Q"})
    assert missing.status_code == 303
    es, store = _stored(app)
    with store:
        assert speaker_corrections(es, PRESS) == []


def test_a_speaker_correction_without_the_csrf_token_is_refused(app: Any) -> None:
    client = app.test_client()
    response = client.post("/entities/speakers", data={"document_id": PRESS, "label": "Question"})
    assert response.status_code == 400


def test_the_document_view_labels_each_turn_and_lists_the_speakers(app: Any) -> None:
    page = _soup(app.test_client().get(f"/documents/{PRESS}"))
    labels = [m.get_text() for m in page.select(".document-text mark.speaker")]
    assert labels[:3] == ["President of Russia Vladimir Putin", "Question", "Vladimir Putin"]
    first = page.select_one(".document-text mark.speaker")
    assert first is not None and first["id"].startswith("turn-")  # type: ignore[union-attr]
    speakers = [
        (li.select_one(".speaker-name").get_text(), li.select_one(".count").get_text())  # type: ignore[union-attr]
        for li in page.select(".doc-speakers li.speaker")
    ]
    assert speakers == [
        ("Vladimir Putin", "65%"),
        ("Dmitry Peskov", "11%"),
        ("Unnamed speakers", "24%"),
    ]
    link = page.select_one(".doc-speakers li.speaker a[href^='/entities/']")
    assert link is not None and link.get_text() == "Vladimir Putin"
    options = [o.get_text() for o in page.select(".speaker-correction select[name=label] option")]
    assert "Question (retranslated)" in options and "Remark" in options
    text = page.select_one(".document-text")
    assert text is not None and "data-turn-filter" not in text.attrs


def test_one_speakers_turns_can_be_read_alone_with_a_next_turn_link(app: Any) -> None:
    client = app.test_client()
    page = _soup(client.get(f"/documents/{PRESS}"))
    read = [a["href"] for a in page.select(".doc-speakers a[data-read-turns]")]
    assert len(read) == 2  # the unnamed have no link
    page = _soup(client.get(str(read[0])))
    text = page.select_one(".document-text[data-turn-filter]")
    assert text is not None
    chosen = page.select(".document-text mark.speaker[data-chosen]")
    assert [m.get_text() for m in chosen] == [
        "President of Russia Vladimir Putin",
        "Vladimir Putin",
        "Vladimir Putin",
    ]
    status = page.select_one("[data-turn-nav] [data-turn-status]")
    assert status is not None and status.get_text() == "3 turns by Vladimir Putin"
    following = page.select_one("[data-turn-nav] [data-turn-next]")
    assert following is not None and following["href"] == f"#{chosen[0]['id']}"
    # the other speakers' turns are hidden by CSS, not cut: the text stays whole
    assert text.get_text().count("Question") == 2


def test_said_hits_in_the_document_view_are_only_in_the_speakers_turns(app: Any) -> None:
    client = app.test_client()
    everywhere = _soup(client.get(f"/documents/{PRESS}?q=question"))
    assert len(everywhere.select(".document-text mark.hit")) == 3  # two labels and Peskov's
    peskov = _soup(client.get(f"/documents/{PRESS}?q=said:peskov+question"))
    hits = peskov.select(".document-text mark.hit")
    assert [h.get_text() for h in hits] == ["question"]
    assert hits[0].find_parent("mark", class_="turn")["data-speaker"] == "~person:dmitry_peskov"  # type: ignore[index]


def test_stage_directions_show_as_such_and_are_not_hits_of_the_speaker(app: Any) -> None:
    client = app.test_client()
    page = _soup(client.get("/documents/fixture-white-house?q=applause"))
    directions = page.select(".document-text mark.direction")
    assert [d.get_text() for d in directions] == ["(Applause.)"] * 3
    assert all(d.find_parent("mark", class_="turn") is not None for d in directions)
    assert len(page.select(".document-text mark.hit")) == 3  # a plain search finds them
    said = _soup(client.get("/documents/fixture-white-house?q=said:bush+applause"))
    assert said.select(".document-text mark.hit") == []  # they are not the President's words
    assert len(said.select(".document-text mark.direction")) == 3  # still shown


def test_the_search_page_has_a_speakers_facet_counted_in_turns(app: Any) -> None:
    client = app.test_client()
    page = _soup(client.get("/?q=said:putin+OR+said:peskov"))
    section = next(
        s for s in page.select("section.facet") if s.h2 and s.h2.get_text() == "Speakers (turns)"
    )
    links = [
        (a.select(".facet-value")[0].get_text(), a.select(".count")[0].get_text())
        for a in section.select("a")
    ]
    assert links == [("Vladimir Putin", "3"), ("Dmitry Peskov", "2")]
    chosen = parse_qs(urlsplit(str(section.select("a")[1]["href"])).query)["said"]
    assert chosen == ["~person:dmitry_peskov"]
    scoped = _soup(client.get("/", query_string={"q": "question", "said": chosen}))
    hits = scoped.select("li.hit-result")
    assert len(hits) == 1 and [m.get_text() for m in hits[0].select("mark.hit")] == ["question"]
    link = hits[0].select_one("a[href^='/documents/']")
    assert link is not None and "said=" in str(link["href"])


def _passage(client: Any, app: Any, quote: str) -> dict[str, Any]:
    es, store = _stored(app)
    with store:
        text = store.get(PRESS).text
    start = text.index(quote)
    selection = {"document_id": PRESS, "version": 1, "start": start, "end": start + len(quote)}
    token = _soup(client.get("/")).select_one("meta[name=csrf-token]")["content"]  # type: ignore[index]
    response = client.post(
        "/api/passages", json={**selection, "quote": quote}, headers={"X-CSRF-Token": token}
    )
    assert response.status_code == 201, response.get_json()
    return dict(response.get_json())


def test_a_passage_inside_a_turn_is_cited_as_its_speakers_words(app: Any) -> None:
    client = app.test_client()
    peskov = _passage(client, app, "one last question")
    asked = _passage(client, app, "when will the bridge to the island be finished")
    across = _passage(client, app, "Thank you.\n\nDmitry Peskov: Thank you")
    opening = _passage(client, app, "took place in Vladivostok")

    tail = "“News conference following talks on the Far East”, Fixture Forum Transcripts"
    assert peskov["citation"] == f"Dmitry Peskov, {tail}, 5 September 2019. {peskov['url']}"
    assert asked["citation"].startswith(f"Question, {tail}")
    assert across["citation"].startswith(f"Vladimir Putin, {tail}")  # two turns: the document's
    assert opening["citation"].startswith(f"Vladimir Putin, {tail}")  # before the first turn
    again = client.get(f"/api/passages/{peskov['id']}").get_json()
    assert again["citation"] == peskov["citation"]


def test_the_entity_page_separates_what_the_person_said_from_mentions(app: Any) -> None:
    es, store = _stored(app)
    with store:
        putin = next(e for e in es.registry().entities if e.name == "Vladimir Putin")
        opening = turns(es, PRESS)[0]
    page = _soup(app.test_client().get(f"/entities/{putin.id}"))
    said = page.select_one("section.said")
    assert said is not None and said["data-turns"] == "3"
    heading = said.select_one("h2")
    assert (
        heading is not None and heading.get_text(" ", strip=True) == "Said 3 turns in 1 transcript"
    )
    items = said.select("li.statement")
    assert [li.select_one("blockquote").get_text() for li in items][0].startswith(  # type: ignore[union-attr]
        "Good afternoon, colleagues. We discussed the development of the Far East"
    )
    link = items[0].select_one("a")
    assert link is not None
    assert link["href"] == f"/documents/{PRESS}?turns={putin.id}#turn-{opening.span.start}"
    bars = said.select("svg.bar-chart rect.bar")
    assert [(b["data-period"], b["data-count"]) for b in bars] == [("2019", "3")]
    assert said.select_one("svg.bar-chart rect.bar title").get_text() == "2019: 3 turns"  # type: ignore[union-attr]
    mentioned = page.select_one("#passages-title")
    assert mentioned is not None and mentioned.get_text() == "Mentioned"


def test_an_unreviewed_speakers_page_shows_their_turns_apart_from_mentions(app: Any) -> None:
    es, store = _stored(app)
    with store:
        peskov = [t for t in turns(es, PRESS) if t.speaker == "Dmitry Peskov"]
    assert len(peskov) == 2 and all(t.entity_id is None for t in peskov)
    client = app.test_client()
    page = _soup(client.get("/entities/name?type=PERSON&name=Dmitry+Peskov"))
    said = page.select_one("section.said")
    assert said is not None and said["data-turns"] == "2"
    assert said["data-ref"] == "~person:dmitry_peskov"
    openings = [q.get_text() for q in said.select("li.statement blockquote")]
    assert openings == ["Colleagues, one last question, please.", "Thank you, everyone."]
    link = said.select_one("li.statement a")
    assert link is not None
    href = urlsplit(str(link["href"]))
    assert parse_qs(href.query) == {"turns": ["~person:dmitry_peskov"]}
    assert href.fragment == f"turn-{peskov[0].span.start}"
    # the link reads Peskov's turns only: his turns are marked as the chosen speaker's
    view = _soup(client.get(f"{href.path}?{href.query}"))
    assert view.select_one(f"#turn-{peskov[0].span.start}") is not None
    # his labels are his turns, not mentions of him by others
    mentioned = page.select_one("#passages-title")
    assert mentioned is not None and mentioned.get_text() == "Mentioned"
    assert not page.select(f"tr.kwic-row[data-document='{PRESS}']")
    # past the last page of turns: none listed, a link back
    later = _soup(client.get("/entities/name?type=PERSON&name=Dmitry+Peskov&said=2"))
    assert later.select("li.statement") == [] and later.select_one("a[rel=prev]") is not None


def test_an_entity_that_takes_no_turn_has_passages_only(app: Any) -> None:
    es, store = _stored(app)
    with store:
        anna = next(e for e in es.registry().entities if e.name == "Anna Ivanova")
    page = _soup(app.test_client().get(f"/entities/{anna.id}"))
    assert page.select_one("section.said") is None
    heading = page.select_one("#passages-title")
    assert heading is not None and heading.get_text() == "Passages"


def test_a_briefs_note_on_a_passage_inside_a_turn_names_the_turns_speaker(app: Any) -> None:
    """Notes use the one home of "who says this passage" that passage links use."""
    client = app.test_client()
    token = _soup(client.get("/")).select_one("meta[name=csrf-token]")["content"]  # type: ignore[index]
    headers = {"X-CSRF-Token": token}
    brief = client.post("/api/briefs", json={"title": "Bridges"}, headers=headers).get_json()
    es, store = _stored(app)
    with store:
        text = store.get(PRESS).text
    for quote in ("one last question", "took place in Vladivostok"):
        start = text.index(quote)
        cited = client.post(
            f"/api/briefs/{brief['id']}/citations",
            json={"document_id": PRESS, "version": 1, "start": start,
                  "end": start + len(quote), "quote": quote},
            headers=headers,
        )  # fmt: skip
        assert cited.status_code == 201, cited.get_json()
    notes = client.get(f"/api/briefs/{brief['id']}/rendered").get_json()["notes"]
    lines = [n["line"] for n in notes]
    assert lines[0].startswith("Dmitry Peskov, “News conference following talks on the Far East”")
    assert lines[1].startswith("Vladimir Putin, ")  # before the first turn: the document's
    page = _soup(client.get(f"/briefs/{brief['id']}"))
    assert "Dmitry Peskov, " in page.select("ol[data-brief-notes] li")[0].get_text()


def test_said_of_someone_who_said_nothing_is_a_page_that_says_so(app: Any) -> None:
    client = app.test_client()
    page = _soup(client.get("/", query_string={"q": 'said:"Anna Ivanova" roads'}))
    assert not page.select("li.hit-result")
    assert "Anna Ivanova, who takes no turn in the indexed documents." in page.get_text()
