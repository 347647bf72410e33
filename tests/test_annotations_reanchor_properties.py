"""Property tests of re-anchoring through the store: random texts, an annotated passage,
several re-published versions with random edits around it and, sometimes, inside it. After
every version the annotation is on its passage, or says it is not sure (fuzzy, on the edited
passage) or lost (orphaned): never silently on other words, never deleted."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from annotations.model import AnnotationDraft, Selection
from annotations.reanchor import queue_changed, reanchor_queued
from annotations.store import AnnotationStore
from corpus.jobs import QueuePolicy
from corpus.model import DocumentDraft, Span
from corpus.store import Store

POLICY = QueuePolicy(lease_seconds=60, max_attempts=1, retry_seconds=0)
WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=8)
FRESH = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=3, max_size=8)
_ids = itertools.count()


@pytest.fixture(scope="module")
def astore(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AnnotationStore]:
    path: Path = tmp_path_factory.mktemp("reanchor") / "dossier.db"
    with Store.open(f"sqlite:///{path}") as store:
        yield AnnotationStore(store)


def _text_and_span(words: list[str], first: int, last: int) -> tuple[str, Span]:
    start = sum(len(w) + 1 for w in words[:first])
    return " ".join(words), Span(start, start + len(" ".join(words[first : last + 1])))


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[str], int, int]:
    words = draw(st.lists(WORDS, min_size=8, max_size=60))
    first = draw(st.integers(0, len(words) - 1))
    last = draw(st.integers(first, min(len(words) - 1, first + 8)))
    return words, first, last


def _edit(
    words: list[str], first: int, last: int, data: st.DataObject, *, inside: bool
) -> tuple[list[str], int, int]:
    """Word insertions and deletions outside the passage; with ``inside``, one word of the
    passage replaced or one inserted into it. Returns the words and the passage's new place."""
    edited = list(words)
    for _ in range(data.draw(st.integers(1, 4))):
        others = [i for i in range(len(edited)) if i < first or i > last]
        delete: bool = data.draw(st.booleans()) if others else False
        if delete:
            where = data.draw(st.sampled_from(others))
            del edited[where]
            first, last = (first - 1, last - 1) if where < first else (first, last)
        else:
            where = data.draw(
                st.sampled_from([*range(first + 1), *range(last + 1, len(edited) + 1)])
            )
            edited.insert(where, data.draw(FRESH))
            first, last = (first + 1, last + 1) if where <= first else (first, last)
    if inside:
        where = data.draw(st.integers(first, last))
        if data.draw(st.booleans()):
            edited[where] = data.draw(FRESH)
        else:
            edited.insert(where + 1, data.draw(FRESH))
            last += 1
    return edited, first, last


@settings(max_examples=60, deadline=None)
@given(histories(), st.data())
def test_every_version_finds_the_passage_or_says_it_cannot(
    astore: AnnotationStore, history: tuple[list[str], int, int], data: st.DataObject
) -> None:
    words, first, last = history
    text, span = _text_and_span(words, first, last)
    quote = text[span.start : span.end]
    assume(text.find(quote, text.find(quote) + 1) < 0)  # the quote occurs once
    document_id = f"doc-{next(_ids)}"
    astore.store.put(DocumentDraft(text=text, id=document_id, origin=document_id))
    selection = Selection(document_id, 1, span.start, span.end, quote)
    annotation, _ = astore.create(AnnotationDraft(selection, note="n"), author="local")
    damaged = False
    for _ in range(data.draw(st.integers(1, 3))):
        inside = data.draw(st.booleans()) and not damaged
        words, first, last = _edit(words, first, last, data, inside=inside)
        damaged = damaged or inside
        new_text, passage = _text_and_span(words, first, last)
        astore.store.put(DocumentDraft(text=new_text, id=document_id, origin=document_id))
        queue_changed(astore)
        reanchor_queued(astore, worker="prop", policy=POLICY, document_ids=[document_id])

        now = astore.get(annotation.id, viewer="local")
        assert now.note == "n" and now.anchor.quote == quote  # kept, whatever happened
        assert now.checked_version == astore.store.get(document_id).version
        if now.located is None:
            assert damaged, "an intact passage must be found"
            continue
        at = now.located.span
        if now.status == "fuzzy":
            assert at.overlaps(passage), "a fuzzy match must be on the passage"
        elif not damaged:
            assert at == passage, "an intact passage is where its words went"
        else:
            assert new_text[at.start : at.end] == quote
            assert passage.start <= at.start and at.end <= passage.end
