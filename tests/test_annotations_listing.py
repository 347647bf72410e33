"""Lists of annotations: filters, pages, counts per document, tag suggestions; passage links."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from annotations.errors import InvalidAnnotation, PassageNotFound
from annotations.listing import counts, document_annotations, list_annotations, tag_suggestions
from annotations.model import AnnotationDraft, AnnotationFilter, Selection
from annotations.passages import get_passage, link_passage, locate_passage
from annotations.store import AnnotationStore
from corpus.model import DocumentDraft, Span
from corpus.store import Store

SPEECH = "One. Two sentences about energy. Three about rubles and ports. Four, the end."
NEWS = "Talks on the pipeline resumed in Vienna on Monday."


@pytest.fixture
def astore(store_url: str) -> Iterator[AnnotationStore]:
    with Store.open(store_url) as store:
        store.put(DocumentDraft(text=SPEECH, id="speech-1", kind="speech"))
        store.put(DocumentDraft(text=NEWS, id="news-1", kind="news"))
        yield AnnotationStore(store)


def annotate(
    astore: AnnotationStore, document_id: str, quote: str, author: str = "local", **fields: object
) -> str:
    text = SPEECH if document_id == "speech-1" else NEWS
    start = text.index(quote)
    sel = Selection(document_id, 1, start, start + len(quote), quote)
    annotation, _ = astore.create(AnnotationDraft(sel, **fields), author=author)  # type: ignore[arg-type]
    return annotation.id


def quotes(astore: AnnotationStore, **fields: object) -> list[str]:
    page = list_annotations(astore, AnnotationFilter(**fields))  # type: ignore[arg-type]
    return [a.anchor.quote for a in page.annotations]


def test_filters_select_by_document_tag_author_status_kind_and_words(
    astore: AnnotationStore,
) -> None:
    annotate(
        astore, "speech-1", "Three about rubles", tags=("rubles", "Energy"), note="Ruble settlement"
    )
    annotate(astore, "speech-1", "Two sentences", tags=("energy",))
    annotate(astore, "news-1", "Vienna", author="ana", visibility="team", tags=("energy",))
    annotate(astore, "news-1", "Monday", author="ana")  # private: never listed for local

    assert quotes(astore, document_ids=("speech-1",), sort="text") == [
        "Two sentences",
        "Three about rubles",
    ]
    assert sorted(quotes(astore, tags=("ENERGY",))) == [
        "Three about rubles",
        "Two sentences",
        "Vienna",
    ]
    assert quotes(astore, tags=("energy", "rubles")) == ["Three about rubles"]
    assert quotes(astore, authors=("ana",)) == ["Vienna"]
    assert quotes(astore, kinds=("news",)) == ["Vienna"]
    assert quotes(astore, text="SETTLEMENT") == ["Three about rubles"]
    assert quotes(astore, text="rubles") == ["Three about rubles"]  # the quote counts too
    assert quotes(astore, text="100%") == []
    assert quotes(astore, statuses=("orphaned",)) == []
    assert sorted(quotes(astore, viewer="ana")) == ["Monday", "Vienna"]
    with pytest.raises(InvalidAnnotation, match="Unknown anchoring status 'lost'"):
        AnnotationFilter(statuses=("lost",))


def test_pages_split_a_list_and_count_all_of_it(astore: AnnotationStore) -> None:
    for quote in ("One.", "Two", "Three", "Four"):
        annotate(astore, "speech-1", quote)
    first = list_annotations(astore, AnnotationFilter(sort="oldest", per_page=3))
    second = list_annotations(astore, AnnotationFilter(sort="oldest", per_page=3, page=2))
    newest = list_annotations(astore, AnnotationFilter(per_page=1))

    assert (first.total, len(first.annotations), len(second.annotations)) == (4, 3, 1)
    assert [a.anchor.quote for a in first.annotations + second.annotations] == [
        "One.",
        "Two",
        "Three",
        "Four",
    ]
    assert newest.annotations[0].anchor.quote == "Four"


def test_dates_bound_when_annotations_were_made(astore: AnnotationStore) -> None:
    annotate(astore, "speech-1", "One.")
    today = dt.datetime.now(dt.UTC)
    assert quotes(astore, created_from=today - dt.timedelta(hours=1)) == ["One."]
    assert quotes(astore, created_to=today - dt.timedelta(hours=1)) == []


def test_a_document_lists_its_annotations_in_text_order_orphaned_last(
    astore: AnnotationStore,
) -> None:
    late = annotate(astore, "speech-1", "Four")
    annotate(astore, "speech-1", "One.")
    with astore.connect(write=True) as conn:
        conn.execute(
            sa.text(
                "UPDATE annotations SET status='orphaned', "
                "located_start=NULL, located_end=NULL WHERE id=:id"
            ),
            {"id": late},
        )

    found = document_annotations(astore, "speech-1", viewer="local")

    assert [(a.anchor.quote, a.status) for a in found] == [("One.", "exact"), ("Four", "orphaned")]
    assert found[1].is_orphaned
    by_document = counts(astore, ["speech-1", "news-1", "nope"], viewer="local")
    assert set(by_document) == {"speech-1"}
    assert (by_document["speech-1"].total, by_document["speech-1"].to_review) == (2, 1)


def test_tag_suggestions_complete_a_prefix_most_used_first(astore: AnnotationStore) -> None:
    annotate(astore, "speech-1", "One.", tags=("energy", "DPRK-labour"))
    annotate(astore, "speech-1", "Two", tags=("Energy", "embargo"))
    annotate(astore, "news-1", "Vienna", author="ana", tags=("envoy",))  # private to ana

    suggested = tag_suggestions(astore, "E", viewer="local")
    assert [(t.tag.casefold(), t.count) for t in suggested] == [("energy", 2), ("embargo", 1)]
    assert [t.tag for t in tag_suggestions(astore, "dprk", viewer="local")] == ["DPRK-labour"]
    assert [t.tag for t in tag_suggestions(astore, "%", viewer="local")] == []


def test_linking_a_passage_twice_gives_one_link_that_finds_the_words_again(
    astore: AnnotationStore,
) -> None:
    quote = "Three about rubles"
    sel = Selection("speech-1", 1, SPEECH.index(quote), SPEECH.index(quote) + len(quote), quote)

    first = link_passage(astore, sel, owner="local")
    again = link_passage(astore, sel, owner="local")
    private = link_passage(astore, sel, owner="local", visibility="private")

    assert first == again and private.id != first.id
    assert get_passage(astore, first.id, viewer="ana") == first
    with pytest.raises(PassageNotFound):
        get_passage(astore, private.id, viewer="ana")
    astore.store.put(DocumentDraft(text="Zero. " + SPEECH, id="speech-1", kind="speech"))
    placement = locate_passage(first, astore.store.get("speech-1"))
    start = 6 + SPEECH.index(quote)
    assert placement.located is not None and placement.located.span == Span(
        start, start + len(quote)
    )
    assert placement.status == "moved"
