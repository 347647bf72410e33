"""``in:annotations``: a document search limited to the annotated passages a viewer can see,
on a real index and the annotation store on SQLite and PostgreSQL (``store_url``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from annotations import AnnotationDraft, AnnotationStore, Selection
from corpus.model import DocumentDraft, Span
from corpus.store import Store
from indexer.build import build_index, catch_up_index
from indexer.errors import QueryError
from indexer.search import SearchIndex, SearchRequest, merge_passages, overlap, parse_query
from indexer.search.external import Resolved
from indexer.search.passages import in_annotations
from webapp.annotation_search import AnnotationResolver

OPENING = "The delegation asked about sanctions relief and grain exports."
PASSAGE = "The minister said the sanctions on energy would stay until the talks resumed."
CLOSING = "Closing remarks were about trade corridors and ports."
TEXT = f"{OPENING}\n\n{PASSAGE}\n\n{CLOSING}"


def doc(n: int, text: str = TEXT) -> DocumentDraft:
    return DocumentDraft(text=text, id=f"talks-{n:02d}", kind="news", title=f"Talks {n}")


def note(astore: AnnotationStore, n: int, quote: str, *, author: str, visibility: str) -> None:
    start = TEXT.index(quote)
    selection = Selection(f"talks-{n:02d}", 1, start, start + len(quote), quote)
    astore.create(AnnotationDraft(selection, visibility=visibility), author=author)  # type: ignore[arg-type]


@pytest.fixture
def world(store_url: str, tmp_path: Path) -> Iterator[tuple[Store, AnnotationStore, SearchIndex]]:
    """Twelve documents that all say "sanctions" twice, one of them in the middle paragraph:
    local annotated that paragraph in 1-5 (private or team), ana in 6 (private: not for
    local) and 7 (team: for everyone); local annotated the closing paragraph of 8."""
    with Store.open(store_url) as store:
        store.put_many([doc(n) for n in range(1, 13)])
        astore = AnnotationStore(store)
        for n in range(1, 6):
            note(astore, n, PASSAGE, author="local", visibility="team" if n % 2 else "private")
        note(astore, 6, PASSAGE, author="ana", visibility="private")
        note(astore, 7, PASSAGE, author="ana", visibility="team")
        note(astore, 8, CLOSING, author="local", visibility="private")
        build_index(store, tmp_path / "index", procs=1)
        index = SearchIndex.open(tmp_path / "index", refresh_seconds=0)
        try:
            yield store, astore, index
        finally:
            index.close()


def search(world: Any, query: str, viewer: str = "local", **fields: Any) -> Any:
    store, astore, index = world
    return index.search(SearchRequest(query, **fields), store, AnnotationResolver(astore, viewer))


def ids(result: Any) -> set[str]:
    return {hit.id for hit in result.hits}


def test_only_matches_inside_the_viewers_annotated_passages_count(world: Any) -> None:
    expected = {f"talks-{n:02d}" for n in (1, 2, 3, 4, 5, 7)}
    assert ids(search(world, "sanctions in:annotations", per_page=50)) == expected
    assert search(world, "sanctions", in_annotations=True).total == 6
    assert search(world, "energy in:annotations").total == 6
    assert search(world, "relief in:annotations").total == 0  # in the opening only
    assert search(world, "relief annotated:yes").total == 7  # whole documents
    assert search(world, '"sanctions relief" in:annotations').total == 0
    assert search(world, "corridors in:annotations").total == 1  # talks-08's closing


def test_private_annotations_count_for_their_author_only(world: Any) -> None:
    assert ids(search(world, "sanctions in:annotations", viewer="ana", per_page=50)) == {
        "talks-01", "talks-03", "talks-05", "talks-06", "talks-07",
    }  # fmt: skip
    assert (
        search(world, "sanctions in:annotations", viewer="bo").total == 4
    )  # the team's: 1, 3, 5, 7


def test_counts_facets_and_pages_agree_with_the_limited_matches(world: Any) -> None:
    pages = [search(world, "sanctions in:annotations", per_page=4, page=p) for p in (1, 2, 3)]
    assert [r.total for r in pages] == [6, 6, 6]
    assert [len(r.hits) for r in pages] == [4, 2, 0]
    assert len(ids(pages[0]) | ids(pages[1])) == 6
    assert dict(pages[0].facets["kind"]) == {"news": 6}


def test_snippets_come_from_the_annotated_passages(world: Any) -> None:
    start = TEXT.index(PASSAGE)
    for hit in search(world, "sanctions in:annotations", per_page=50).hits:
        spans = [Span(s.start + sp.start, s.start + sp.end) for s in hit.snippets for sp in s.spans]
        assert spans and all(start <= sp.start < start + len(PASSAGE) for sp in spans)
    alone = search(world, "in:annotations", per_page=50)
    assert alone.total == 7
    opening = {h.id: h.snippets[0].text for h in alone.hits}
    assert opening["talks-08"].startswith("Closing remarks")


def test_an_orphaned_annotation_marks_nothing(world: Any, tmp_path: Path) -> None:
    store, _, _ = world
    store.put(doc(1, TEXT.replace(PASSAGE, "The minister left without a word.")))
    catch_up_index(store, tmp_path / "index", procs=1)
    found = ids(search(world, "sanctions in:annotations", per_page=50))
    assert "talks-01" not in found and len(found) == 5
    assert "talks-01" in ids(search(world, "minister annotated:yes", per_page=50))


def test_said_and_in_annotations_together_need_both() -> None:
    turns = [Span(0, 10), Span(20, 40)]
    passages = merge_passages([Span(35, 50), Span(5, 25), Span(24, 30)])
    assert passages == [Span(5, 30), Span(35, 50)]
    assert overlap(turns, passages) == [Span(5, 10), Span(20, 30), Span(35, 40)]


@pytest.mark.parametrize(
    "query, message",
    [
        ("in:notes sanctions", "Write in:annotations"),
        ("sanctions OR in:annotations", "combines by AND only"),
        ("sanctions -in:annotations", "combines by AND only"),
        ("in: sanctions", "needs a value"),
    ],
)
def test_misuse_is_a_clear_error(query: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        in_annotations(parse_query(query))


def test_without_a_resolver_nothing_is_annotated(world: Any) -> None:
    store, _, index = world
    assert index.search(SearchRequest("sanctions in:annotations"), store).total == 0


def test_annotated_yes_looks_up_an_id_set_once_and_sees_a_new_annotation(world: Any) -> None:
    store, astore, index = world
    assert search(world, "relief annotated:yes").total == 7
    searcher, table = index._current()
    answer = Resolved("annotated", "yes", ids=frozenset({"talks-01", "talks-07", "nowhere"}))
    found = table.docs_for(answer)
    assert table.docs_for(answer) is found  # kept: not looked up in the index again
    assert {searcher.stored_fields(n)["id"] for n in found} == {"talks-01", "talks-07"}
    note(astore, 9, PASSAGE, author="local", visibility="private")
    assert search(world, "relief annotated:yes").total == 8
    assert "talks-09" in ids(search(world, "relief annotated:yes", per_page=50))
