"""How much text documents hold (``Store.text_sizes``), on SQLite and PostgreSQL: what the
long steps weigh their progress by."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from corpus.model import DocumentDraft
from corpus.store import Store


@pytest.fixture
def sized(store_url: str) -> Iterator[Store]:
    store = Store.open(store_url)
    store.put_many(
        [
            DocumentDraft("Short note.", id="note"),
            DocumentDraft("Пхеньян и Москва — переговоры.", id="cyrillic"),
            DocumentDraft("A first draft of the report.", id="report"),
        ]
    )
    yield store
    store.close()


def test_sizes_are_characters_of_the_current_version(sized: Store) -> None:
    sized.put(DocumentDraft("The report, rewritten at greater length.", id="report"))
    assert sized.text_sizes() == {
        "note": len("Short note."),
        "cyrillic": len("Пхеньян и Москва — переговоры."),  # characters, not bytes
        "report": len("The report, rewritten at greater length."),
    }


def test_sizes_of_given_ids_leave_unknown_ones_out(sized: Store) -> None:
    assert sized.text_sizes(["report", "no-such-id", "note"]) == {"report": 28, "note": 11}
    assert sized.text_sizes([]) == {}


def test_sizes_since_a_seq_are_those_written_after_it(sized: Store) -> None:
    seq = sized.max_seq()
    sized.put(DocumentDraft("Added later.", id="later"))
    assert sized.text_sizes(since_seq=seq) == {"later": len("Added later.")}
