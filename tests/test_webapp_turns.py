"""Speaker turns in the web app, on the invented transcripts (tests/data-transcripts) analysed
with a small registry and indexed: corrections posted from the document view."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from corpus.entities import corrections
from corpus.entities.speakers import speaker_corrections
from corpus.entities.store import EntityStore
from corpus.entities.turns import turns
from corpus.ingest import ingest
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
