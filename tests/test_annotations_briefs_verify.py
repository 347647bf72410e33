"""Verifying briefs on SQLite and PostgreSQL: each quote found exact, moved, changed (with a
word diff) or missing in its document's current version; re-ingesting a cited document marks
the briefs citing it through "verify-briefs" jobs; hand-typed quotes found in the text."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from annotations.briefs import (
    BriefChanges,
    BriefDraft,
    BriefStore,
    CitationDraft,
    WordChange,
    find_in_text,
    queue_cited_changed,
    typed_quotes,
    verify_brief,
    verify_queued,
    word_diff,
)
from annotations.model import Selection
from annotations.store import AnnotationStore
from corpus.jobs import QueuePolicy, queue_status
from corpus.model import DocumentDraft, Span
from corpus.store import Store

TEXT = (
    "Good afternoon, colleagues. Infrastructure is Russia's calling card in the Far East. "
    "We will build ports, roads and bridges, and we will pay in rubles. "
    "The Northern Sea Route will carry eighty million tonnes by the end of the decade."
)
PORTS = "We will build ports, roads and bridges"
CARD = "Infrastructure is Russia's calling card in the Far East."
ROUTE = "The Northern Sea Route will carry eighty million tonnes"
POLICY = QueuePolicy(lease_seconds=60, max_attempts=3, retry_seconds=0)


@pytest.fixture
def bstore(store_url: str) -> Iterator[BriefStore]:
    with Store.open(store_url) as store:
        store.put(DocumentDraft(text=TEXT, id="spief", kind="speech", title="SPIEF"))
        yield BriefStore(AnnotationStore(store))


def cite(bstore: BriefStore, brief_id: str, quote: str) -> str:
    start = TEXT.index(quote)
    sel = Selection("spief", 1, start, start + len(quote), quote)
    return bstore.cite(brief_id, CitationDraft(selection=sel), actor="ann")[1].id


def republish(bstore: BriefStore, text: str) -> None:
    bstore.store.put(DocumentDraft(text=text, id="spief", kind="speech", title="SPIEF"))


def test_verification_reports_exact_moved_changed_and_missing(bstore: BriefStore) -> None:
    brief, _ = bstore.create(BriefDraft("Far East"), owner="ann")
    ids = [cite(bstore, brief.id, q) for q in (PORTS, CARD, ROUTE)]
    edited = "Preface.\n\n" + TEXT.replace("eighty million", "ninety million").replace(CARD, "")
    republish(bstore, edited)

    found = verify_brief(bstore, brief.id, viewer="ann")

    statuses = {v.citation.id: v.status for v in found.verdicts}
    assert statuses == {ids[0]: "moved", ids[1]: "missing", ids[2]: "changed"}
    assert found.counts == {"moved": 1, "missing": 1, "changed": 1}
    assert [v.citation.id for v in found.problems] == [ids[1], ids[2]]
    changed = found.verdicts[2]
    assert changed.current == "The Northern Sea Route will carry ninety million tonnes"
    assert changed.version == 2 and 0.75 <= changed.score < 1
    assert WordChange("delete", "eighty") in changed.diff
    assert WordChange("insert", "ninety") in changed.diff
    moved = found.verdicts[0]
    assert moved.located == Span(edited.index(PORTS), edited.index(PORTS) + len(PORTS))
    stored = bstore.get(brief.id, viewer="ann")
    assert [c.status for c in stored.citations] == ["moved", "missing", "changed"]
    assert stored.verified is not None and stored.revision == 1


def test_a_quote_in_the_version_it_was_made_on_is_exact(bstore: BriefStore) -> None:
    brief, _ = bstore.create(BriefDraft("Far East"), owner="ann")
    cite(bstore, brief.id, PORTS)
    found = verify_brief(bstore, brief.id, viewer="ann")
    assert [v.status for v in found.verdicts] == ["exact"]
    assert found.problems == ()


def test_re_ingesting_a_cited_document_marks_its_briefs_and_lists_them_first(
    bstore: BriefStore,
) -> None:
    citing, _ = bstore.create(BriefDraft("Citing"), owner="ann")
    cite(bstore, citing.id, ROUTE)
    other, _ = bstore.create(BriefDraft("Other"), owner="ann")
    assert queue_cited_changed(bstore) == 0  # nothing changed since the citation

    republish(bstore, TEXT.replace("eighty", "ninety"))
    assert queue_cited_changed(bstore) == 1
    assert queue_cited_changed(bstore) == 0  # the mark moved on
    report = verify_queued(bstore, worker="w", policy=POLICY)

    assert (report.documents, dict(report.statuses), report.briefs) == (
        ("spief",),
        {"changed": 1},
        1,
    )
    assert queue_status(bstore.store, "verify-briefs").pending == 0
    listed = bstore.all(viewer="ann")
    assert [(b.title, b.needs_verification) for b in listed] == [
        ("Citing", True),
        ("Other", False),
    ]
    assert listed[0].citations[0].status == "changed"
    verify_brief(bstore, citing.id, viewer="ann")
    assert not bstore.get(citing.id, viewer="ann").needs_verification


def test_a_word_diff_keeps_shared_runs_and_marks_what_changed() -> None:
    assert word_diff("we will pay in rubles", "we shall pay in roubles") == (
        WordChange("equal", "we"),
        WordChange("delete", "will"),
        WordChange("insert", "shall"),
        WordChange("equal", "pay in"),
        WordChange("delete", "rubles"),
        WordChange("insert", "roubles"),
    )


def test_hand_typed_quotes_are_those_no_citation_backs(bstore: BriefStore) -> None:
    brief, _ = bstore.create(BriefDraft("Far East"), owner="ann")
    cited = cite(bstore, brief.id, CARD)
    body = (
        'He called infrastructure "Russia\'s calling card in the Far East" [@x] and said '
        f'"we will pay in rubles". Later: “the Northern Sea Route will grow” [@{cited}]; '
        '"too short" stays, as does "Russia’s calling card in the Far East".'
    )
    found = bstore.update(brief.id, BriefChanges(body=body), revision=1, actor="ann")

    quotes = typed_quotes(found)

    assert [q.text for q in quotes] == ["we will pay in rubles"]
    span = quotes[0].span
    assert body[span.start : span.end] == "we will pay in rubles"


def test_a_typed_quote_is_found_whatever_its_punctuation_case_and_apostrophes() -> None:
    span = find_in_text("infrastructure is Russia’s calling card", TEXT)
    assert span is not None
    assert TEXT[span.start : span.end] == "Infrastructure is Russia's calling card"
    assert find_in_text("ports roads and bridges", TEXT) == Span(
        TEXT.index("ports, roads"), TEXT.index("ports, roads") + len("ports, roads and bridges")
    )
    assert find_in_text("ports and roads", TEXT) is None
    assert find_in_text("Russia's calling car", TEXT) is None  # whole words only
