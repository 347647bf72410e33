"""Stored text layers (tokens and model mentions per document version): a registry correction's
re-analysis reads them instead of tokenising and running the model again, and falls back to a
full analysis when they are missing, stale or unreadable. A real trained model, store and index.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from corpus import jobs as queue
from corpus.entities.analyses import mentions
from corpus.entities.corrections import add_entity
from corpus.entities.model import Entity, Mention
from corpus.entities.reanalysis import REANALYSE
from corpus.entities.store import EntityStore
from corpus.entities.tables import text_layers
from corpus.jobs import QueuePolicy
from corpus.model import Span
from corpus.store import Store
from indexer.build import build_index
from indexer.entities.alias_matcher import AliasMatcher
from indexer.entities.analysis import ANALYSIS_VERSION, analyse_document, text_layer
from indexer.entities.extraction import analyse_documents
from indexer.entities.layers import TextLayer, decode, encode, layer_key
from indexer.entities.reanalysis import drain
from indexer.entities.recogniser import Recogniser
from indexer.search.engine import SearchIndex, SearchRequest

TASS = "tass-report"
POLICY = QueuePolicy(lease_seconds=300, max_attempts=2, retry_seconds=0)


@pytest.fixture
def model(trained_recogniser: Any, tmp_path: Path) -> Recogniser:
    """The trained model as an instance has it: saved to a file and loaded from it."""
    return Recogniser.load(trained_recogniser.save(tmp_path / "models" / "entities.json.gz"))


def stored_layers(es: EntityStore) -> dict[str, tuple[str, bytes]]:
    c = text_layers.c
    with es.connect() as conn:
        rows = conn.execute(sa.select(c.document_id, c.layer_key, c.data)).all()
    return {doc: (key, bytes(data)) for doc, key, data in rows}


def put_layer(es: EntityStore, document_id: str, key: str, data: bytes) -> None:
    c = text_layers.c
    with es.connect(write=True) as conn:
        conn.execute(
            text_layers.update()
            .where(c.document_id == document_id)
            .values(layer_key=key, data=data)
        )


def with_marker(store: Store, es: EntityStore, key: str) -> Mention:
    """Replace TASS's stored model mentions by one the model would never find (its first
    lower-case word as an ORGANIZATION, 0.77 sure): seeing it after a re-analysis shows the
    layer was read."""
    document = store.get(TASS)
    layer = decode(stored_layers(es)[TASS][1], document.text)
    word, start, end = next(
        (w, s, e)
        for sentence in layer.sentences
        for w, s, e in zip(sentence.words, sentence.starts, sentence.ends, strict=True)
        if w.isalpha() and w.islower()
    )
    marker = Mention(Span(start, end), "ORGANIZATION", word, "model", 0.77)
    put_layer(es, TASS, key, encode(TextLayer(layer.sentences, [marker])))
    return marker


def shape(m: Mention) -> tuple[Span, str, str]:
    """A mention without its confidence (``demote_fragments`` may lower the marker's)."""
    return (m.span, m.type, m.source)


def run(store: Store, es: EntityStore, index_dir: Path, model: Recogniser) -> None:
    report = drain(store, es, index_dir, model, worker="w", policy=POLICY)
    assert report.failures == ()


def test_layers_read_back_give_the_same_analysis_on_every_corpus_text(
    store: Store, model: Recogniser
) -> None:
    matcher = AliasMatcher(
        [
            Entity("lavrov", "Sergey Lavrov", "PERSON", ("Lavrov",)),
            Entity("russia", "Russia", "LOCATION", ()),
        ]
    )
    for document in store.iter_documents():
        made = text_layer(document.text, model, tokenise=True)
        assert made is not None
        again = decode(encode(made), document.text)
        assert list(again.sentences) == list(made.sentences)
        assert list(again.found) == list(made.found)
        fresh = analyse_document(document, model, matcher)
        reused = analyse_document(document, model, matcher, layer=again)
        assert (reused.mentions, reused.sentences) == (fresh.mentions, fresh.sentences)
        assert reused.turns == fresh.turns


def test_a_correction_is_reanalysed_from_the_stored_layer_not_by_the_model(
    store: Store, model: Recogniser, tmp_path: Path
) -> None:
    es = EntityStore(store)
    analyse_documents(store, es, recogniser=model, procs=1)
    key = layer_key(model, ANALYSIS_VERSION)
    assert {k for k, _ in stored_layers(es).values()} == {key}
    assert sorted(stored_layers(es)) == sorted(store.ids())
    index_dir = tmp_path / "index"
    build_index(store, index_dir, procs=1)
    marker = with_marker(store, es, key or "")
    result = add_entity(es, "Sergey Lavrov", "PERSON", aliases=["Lavrov"])
    assert result.entity is not None and TASS in result.affected
    run(store, es, index_dir, model)
    found = mentions(es, TASS)
    assert shape(marker) in map(shape, found)  # what the stored layer said, not the model
    assert {m.text for m in found if m.entity_id == result.entity.id} >= {"Lavrov"}
    index = SearchIndex.open(index_dir, refresh_seconds=0)
    try:
        hits = index.search(SearchRequest(query="", entities=(result.entity.id,)), store).hits
    finally:
        index.close()
    assert [hit.id for hit in hits] == [TASS]


@pytest.mark.parametrize("stale", ["1.1.another-model", "older-analysis", "unreadable", "none"])
def test_a_missing_stale_or_unreadable_layer_means_a_full_analysis_that_stores_a_new_one(
    store: Store, model: Recogniser, stale: str, tmp_path: Path
) -> None:
    es = EntityStore(store)
    analyse_documents(store, es, recogniser=model, procs=1)
    key = layer_key(model, ANALYSIS_VERSION) or ""
    marker = with_marker(store, es, key)
    older = layer_key(model, ANALYSIS_VERSION - 1) or ""
    if stale == "older-analysis":
        put_layer(es, TASS, older, stored_layers(es)[TASS][1])
    elif stale == "unreadable":
        put_layer(es, TASS, key, b"not a layer")
    elif stale == "none":
        with es.connect(write=True) as conn:
            conn.execute(text_layers.delete().where(text_layers.c.document_id == TASS))
    else:
        put_layer(es, TASS, stale, stored_layers(es)[TASS][1])
    with es.connect(write=True) as conn:
        queue.enqueue(conn, REANALYSE, [TASS])
    report = drain(store, es, tmp_path / "index", model, worker="w", policy=POLICY)
    assert report.documents == (TASS,)
    assert shape(marker) not in map(shape, mentions(es, TASS))  # the model ran again
    again_key, data = stored_layers(es)[TASS]
    assert again_key == key
    fresh = text_layer(store.get(TASS).text, model, tokenise=True)
    assert fresh is not None and list(decode(data, store.get(TASS).text).found) == list(fresh.found)


def test_a_model_never_saved_keeps_no_layers(store: Store, trained_recogniser: Any) -> None:
    unsaved = Recogniser(trained_recogniser.model, trained_recogniser.header)
    assert layer_key(unsaved, ANALYSIS_VERSION) is None
    es = EntityStore(store)
    analyse_documents(store, es, recogniser=unsaved, procs=1)
    assert stored_layers(es) == {}


def test_without_a_model_a_registry_analysis_keeps_the_tokens(store: Store) -> None:
    es = EntityStore(store)
    add_entity(es, "Sergey Lavrov", "PERSON", aliases=["Lavrov"])
    analyse_documents(store, es, recogniser=None, procs=1)
    keys = {k for k, _ in stored_layers(es).values()}
    assert keys == {layer_key(None, ANALYSIS_VERSION)}
