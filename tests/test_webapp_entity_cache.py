"""The document view keeps each page's entity layer per process (``webapp/entity_cache.py``)
and sees a correction or a new analysis on the very next request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bs4 import BeautifulSoup
from test_webapp_entity_names import FORUM, store_model_mentions

from corpus.entities import EntityStore, Mention, add_entity
from corpus.entities.analyses import replace_mentions
from corpus.model import Span
from corpus.store import Store
from webapp.entity_cache import LayerCache, layer_cache
from webapp.entity_layer import EntityLayer
from webapp.highlight import Mark


def entity_marks(client: Any, document_id: str) -> dict[str, dict[str, str]]:
    """The page's entity marks by element id, with their attributes."""
    response = client.get(f"/documents/{document_id}")
    assert response.status_code == 200
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return {
        str(m["id"]): {k: str(v) for k, v in m.attrs.items()}
        for m in page.select("mark.entity[id]")
    }


def test_a_second_view_of_a_page_reuses_its_entity_layer(
    store: Store, make_app: Callable[..., Any]
) -> None:
    store_model_mentions(store)
    app = make_app()
    client = app.test_client()
    first = client.get(f"/documents/{FORUM}").get_data(as_text=True)
    kept = layer_cache(app)
    assert len(kept) == 1 and kept.held > 0
    assert client.get(f"/documents/{FORUM}").get_data(as_text=True) == first
    assert len(kept) == 1


def test_a_correction_shows_on_the_next_view(store: Store, make_app: Callable[..., Any]) -> None:
    store_model_mentions(store)
    client = make_app().test_client()
    before = [m for m in entity_marks(client, FORUM).values() if "Putin" in m["title"]]
    assert before and all("not in the registry" in m["title"] for m in before)
    add_entity(EntityStore(store), "Vladimir Putin", "PERSON", aliases=["Putin"], id="putin")
    after = [m for m in entity_marks(client, FORUM).values() if "Putin" in m["title"]]
    assert len(after) == len(before)
    assert all(m["data-entity"] == "putin" for m in after)
    assert all(m["title"] == "Vladimir Putin · Person" for m in after)


def test_a_new_analysis_shows_on_the_next_view(store: Store, make_app: Callable[..., Any]) -> None:
    store_model_mentions(store)
    client = make_app().test_client()
    assert len(entity_marks(client, FORUM)) > 1
    document = store.get(FORUM)
    at = document.text.index("Putin")
    only = Mention(Span(at, at + 5), "PERSON", "Putin", "model", 0.9)
    replace_mentions(EntityStore(store), FORUM, document.version, [only], [0])
    assert list(entity_marks(client, FORUM)) == [f"m-{at}"]


def _layer(marks: int) -> EntityLayer:
    found = tuple(Mark(Span(i, i + 1), "entity") for i in range(marks))
    return EntityLayer(found, {}, {}, (), marks)


def test_the_cache_lets_go_of_the_least_recently_used_layers_past_its_mark_limit() -> None:
    cache = LayerCache(limit=5)
    a, b, c = _layer(2), _layer(2), _layer(2)
    assert cache.get("a", lambda: a) is a
    assert cache.get("b", lambda: b) is b
    assert cache.get("a", lambda: _layer(2)) is a  # kept, and now the most recently used
    assert cache.get("c", lambda: c) is c  # 6 marks: "b" goes
    assert (len(cache), cache.held) == (2, 4)
    assert cache.get("a", lambda: _layer(2)) is a
    fresh = _layer(2)
    assert cache.get("b", lambda: fresh) is fresh
    huge = _layer(9)  # bigger than the limit: kept alone
    assert cache.get("d", lambda: huge) is huge and (len(cache), cache.held) == (1, 9)
