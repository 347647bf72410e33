"""Placing a cited passage in a brief's body: at an offset or at the editor's saved caret, as a
block quote at the start of a line or inline within one, only a marker to link a typed quote;
the caret saved without a new revision and forgotten when the text it pointed into goes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from annotations.briefs import (
    BriefChanges,
    BriefDraft,
    BriefStore,
    CitationDraft,
    Insertion,
    typed_quotes,
)
from annotations.errors import InvalidAnnotation
from annotations.model import AnnotationDraft, Selection
from annotations.store import AnnotationStore
from corpus.model import DocumentDraft
from corpus.store import Store

TEXT = (
    "Good afternoon, colleagues. Infrastructure is Russia's calling card in the Far East. "
    "We will build ports, roads and bridges, and we will pay in rubles."
)
QUOTE = "Infrastructure is Russia's calling card in the Far East."
PORTS = "We will build ports, roads and bridges"


@pytest.fixture
def bstore(tmp_path: object) -> Iterator[BriefStore]:
    with Store.open(f"sqlite:///{tmp_path}/dossier.db") as store:
        store.put(DocumentDraft(text=TEXT, id="spief-2019", kind="speech", title="SPIEF"))
        yield BriefStore(AnnotationStore(store))


def selection(quote: str = QUOTE) -> Selection:
    start = TEXT.index(quote)
    return Selection("spief-2019", 1, start, start + len(quote), quote)


def insert(bstore: BriefStore, id: str, quote: str = QUOTE, **where: object) -> tuple[str, str]:
    """Cite ``quote`` with ``Insertion(**where)``; the new body and the citation's marker."""
    draft = CitationDraft(selection=selection(quote), insertion=Insertion(**where))  # type: ignore[arg-type]
    brief, citation = bstore.cite(id, draft, actor="ann")
    return brief.body, citation.marker


def test_at_the_start_of_a_line_the_quote_is_a_block_quote_between_paragraphs(
    bstore: BriefStore,
) -> None:
    body = "Putin on ports:\n\nSo the plan is clear."
    brief, _ = bstore.create(BriefDraft("Far East", body), owner="ann")

    new, marker = insert(bstore, brief.id, at=body.index("So the"))

    assert new == f"Putin on ports:\n\n> {QUOTE} {marker}\n\nSo the plan is clear."
    found = bstore.get(brief.id, viewer="ann")
    assert (found.revision, found.cursor) == (2, new.index(f"{marker}\n") + len(marker) + 1)


def test_inside_a_sentence_the_quote_goes_inline_in_quotation_marks(bstore: BriefStore) -> None:
    body = "He called infrastructure the answer, and moved on."
    brief, _ = bstore.create(BriefDraft("Far East", body), owner="ann")
    at = body.index(", and moved")

    new, marker = insert(bstore, brief.id, at=at)

    assert new == f"He called infrastructure the answer “{QUOTE}” {marker}, and moved on."
    assert bstore.get(brief.id, viewer="ann").cursor == new.index(marker) + len(marker)
    assert typed_quotes(bstore.get(brief.id, viewer="ann")) == []


def test_a_saved_caret_is_where_citations_land_one_after_another(bstore: BriefStore) -> None:
    body = "Opening.\n\nClosing."
    brief, _ = bstore.create(BriefDraft("Far East", body), owner="ann")
    moved = bstore.update(
        brief.id, BriefChanges(cursor=body.index("Closing")), revision=1, actor="ann"
    )
    assert (moved.revision, moved.cursor) == (1, body.index("Closing"))

    _, first = insert(bstore, brief.id)
    new, second = insert(bstore, brief.id, PORTS)

    assert new == f"Opening.\n\n> {QUOTE} {first}\n\n> {PORTS} {second}\n\nClosing."


def test_without_a_saved_caret_the_quote_goes_at_the_end(bstore: BriefStore) -> None:
    brief, _ = bstore.create(BriefDraft("Far East", "Putin said:"), owner="ann")

    new, marker = insert(bstore, brief.id)

    assert new == f"Putin said:\n\n> {QUOTE} {marker}\n"


def test_a_new_body_or_a_restore_without_a_caret_forgets_the_saved_one(
    bstore: BriefStore,
) -> None:
    brief, _ = bstore.create(BriefDraft("Far East", "One two."), owner="ann")
    bstore.update(brief.id, BriefChanges(cursor=3), revision=1, actor="ann")
    titled = bstore.update(brief.id, BriefChanges(title="Ports"), revision=1, actor="ann")
    assert titled.cursor == 3  # the title is not the text the caret is in
    edited = bstore.update(brief.id, BriefChanges(body="Other text."), revision=2, actor="ann")
    assert edited.cursor is None
    bstore.update(brief.id, BriefChanges(body="Third.", cursor=6), revision=3, actor="ann")
    restored = bstore.restore(brief.id, 1, revision=4, actor="ann")
    assert (restored.body, restored.cursor) == ("One two.", None)


def test_only_the_marker_links_a_quote_typed_by_hand(bstore: BriefStore) -> None:
    body = 'He said "calling card in the Far East" twice.'
    brief, _ = bstore.create(BriefDraft("Far East", body), owner="ann")
    assert [q.text for q in typed_quotes(brief)] == ["calling card in the Far East"]

    new, marker = insert(
        bstore, brief.id, "calling card in the Far East", at=body.index(" twice"), marker_only=True
    )

    assert new == f'He said "calling card in the Far East" {marker} twice.'
    assert typed_quotes(bstore.get(brief.id, viewer="ann")) == []


def test_an_insertion_never_splits_a_marker(bstore: BriefStore) -> None:
    brief, _ = bstore.create(BriefDraft("Far East"), owner="ann")
    body, first = insert(bstore, brief.id)

    new, second = insert(bstore, brief.id, PORTS, at=body.index(first) + 3)

    assert f"{first} “{PORTS}” {second}" in new


def test_offsets_outside_the_body_are_refused_with_the_numbers(bstore: BriefStore) -> None:
    brief, _ = bstore.create(BriefDraft("Far East", "Short."), owner="ann")

    with pytest.raises(InvalidAnnotation, match=r'"at" is 99, outside the body \(0 to 6'):
        insert(bstore, brief.id, at=99)
    with pytest.raises(InvalidAnnotation, match=r'"cursor" is 7, past the end'):
        bstore.update(brief.id, BriefChanges(cursor=7), revision=1, actor="ann")
    with pytest.raises(InvalidAnnotation, match='send "at"'):
        Insertion(marker_only=True)
    with pytest.raises(InvalidAnnotation, match="not both"):
        CitationDraft(selection=selection(), append=True, insertion=Insertion())
    assert bstore.get(brief.id, viewer="ann").citations == ()


def test_an_annotation_is_cited_at_the_caret_too(bstore: BriefStore) -> None:
    annotation, _ = bstore.astore.create(AnnotationDraft(selection(PORTS)), author="ann")
    brief, _ = bstore.create(BriefDraft("Far East", "Plans: ."), owner="ann")
    draft = CitationDraft(annotation_id=annotation.id, insertion=Insertion(at=len("Plans: ")))

    cited, citation = bstore.cite(brief.id, draft, actor="ann")

    assert cited.body == f"Plans: “{PORTS}” {citation.marker}."
    assert citation.annotation_id == annotation.id
