"""The brief store on SQLite and on a real PostgreSQL server: creating, revision-checked edits
with their history, restoring, visibility, and citing selections and annotations."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from annotations.briefs import BriefChanges, BriefDraft, BriefStore, CitationDraft, markers
from annotations.errors import (
    AnnotationNotFound,
    BriefConflict,
    BriefNotFound,
    InvalidAnnotation,
    NotYourBrief,
)
from annotations.migrations import MIGRATIONS, VERSION_TABLE
from annotations.model import AnnotationDraft, Selection
from annotations.store import AnnotationStore
from annotations.tables import metadata
from corpus.errors import InvalidAnchor
from corpus.model import DocumentDraft, Span
from corpus.store import Store

TEXT = (
    "Good afternoon, colleagues. Infrastructure is Russia's calling card in the Far East. "
    "We will build ports, roads and bridges, and we will pay in rubles."
)
QUOTE = "Infrastructure is Russia's calling card in the Far East."


@pytest.fixture
def bstore(store_url: str) -> Iterator[BriefStore]:
    with Store.open(store_url) as store:
        store.put(DocumentDraft(text=TEXT, id="spief-2019", kind="speech", title="SPIEF"))
        yield BriefStore(AnnotationStore(store))


def selection(quote: str = QUOTE, version: int = 1) -> Selection:
    start = TEXT.index(quote)
    return Selection("spief-2019", version, start, start + len(quote), quote)


def test_a_new_brief_starts_at_revision_one_with_that_state_in_its_history(
    bstore: BriefStore,
) -> None:
    brief, created = bstore.create(BriefDraft("  Far East ", "Putin said *this*."), owner="ann")

    assert created
    assert (brief.title, brief.body, brief.owner, brief.visibility) == (
        "Far East",
        "Putin said *this*.",
        "ann",
        "private",
    )
    assert (brief.revision, brief.citations, brief.needs_verification) == (1, (), False)
    assert bstore.get(brief.id, viewer="ann") == brief
    [first] = bstore.revisions(brief.id, viewer="ann")
    assert (first.revision, first.title, first.body, first.author) == (
        1,
        "Far East",
        "Putin said *this*.",
        "ann",
    )


def test_retrying_a_create_with_its_client_key_returns_the_first_brief(
    bstore: BriefStore,
) -> None:
    first, _ = bstore.create(BriefDraft("Ports", client_key="k-1"), owner="ann")
    again, created = bstore.create(BriefDraft("Ports", client_key="k-1"), owner="ann")
    assert (again.id, created) == (first.id, False)
    assert len(bstore.all(viewer="ann")) == 1


def test_an_edit_on_an_old_revision_conflicts_and_carries_the_current_text(
    bstore: BriefStore,
) -> None:
    brief, _ = bstore.create(BriefDraft("Ports", "First draft."), owner="ann")
    saved = bstore.update(brief.id, BriefChanges(body="Second draft."), revision=1, actor="ann")
    assert saved.revision == 2

    with pytest.raises(BriefConflict) as raised:
        bstore.update(brief.id, BriefChanges(body="Other editor's draft."), revision=1, actor="ann")

    assert raised.value.current.body == "Second draft."
    assert raised.value.current.revision == 2
    assert bstore.get(brief.id, viewer="ann").body == "Second draft."


def test_an_edit_that_changes_nothing_keeps_the_revision(bstore: BriefStore) -> None:
    brief, _ = bstore.create(BriefDraft("Ports", "Same."), owner="ann")
    same = bstore.update(
        brief.id, BriefChanges(body="Same.", title="Ports"), revision=1, actor="ann"
    )
    assert same.revision == 1
    assert len(bstore.revisions(brief.id, viewer="ann")) == 1


def test_restoring_an_old_revision_makes_it_the_next_one_and_keeps_the_history(
    bstore: BriefStore,
) -> None:
    brief, _ = bstore.create(BriefDraft("Ports", "One."), owner="ann")
    bstore.update(brief.id, BriefChanges(body="Two.", title="Roads"), revision=1, actor="ann")

    restored = bstore.restore(brief.id, 1, revision=2, actor="ann")

    assert (restored.title, restored.body, restored.revision) == ("Ports", "One.", 3)
    history = bstore.revisions(brief.id, viewer="ann")
    assert [(r.revision, r.body) for r in history] == [(3, "One."), (2, "Two."), (1, "One.")]
    with pytest.raises(BriefNotFound, match="no revision 9"):
        bstore.restore(brief.id, 9, revision=3, actor="ann")


def test_private_briefs_are_invisible_to_others_and_team_briefs_read_only(
    bstore: BriefStore,
) -> None:
    private, _ = bstore.create(BriefDraft("Mine"), owner="ann")
    team, _ = bstore.create(BriefDraft("Ours", visibility="team"), owner="ann")

    assert [b.id for b in bstore.all(viewer="bob")] == [team.id]
    with pytest.raises(BriefNotFound):
        bstore.get(private.id, viewer="bob")
    with pytest.raises(BriefNotFound):
        bstore.revisions(private.id, viewer="bob")
    with pytest.raises(NotYourBrief, match="only its owner"):
        bstore.update(team.id, BriefChanges(body="Mine now"), revision=1, actor="bob")
    with pytest.raises(NotYourBrief):
        bstore.delete(team.id, actor="bob")
    assert bstore.get(team.id, viewer="bob").title == "Ours"


def test_citing_a_selection_anchors_it_and_appends_quote_and_marker(bstore: BriefStore) -> None:
    brief, _ = bstore.create(BriefDraft("Far East", "Putin on ports:"), owner="ann")

    cited, citation = bstore.cite(
        brief.id, CitationDraft(selection=selection(), append=True), actor="ann"
    )

    assert citation.anchor.quote == QUOTE
    assert citation.anchor.prefix.endswith("colleagues. ")
    assert (citation.document_id, citation.anchor.version, citation.position) == (
        "spief-2019",
        1,
        0,
    )
    assert (citation.status, citation.checked_version) == ("exact", 1)
    assert citation.located == Span(TEXT.index(QUOTE), TEXT.index(QUOTE) + len(QUOTE))
    assert cited.body == f"Putin on ports:\n\n> {QUOTE} [@{citation.id}]\n"
    assert markers(cited.body) == [citation.id]
    assert cited.revision == 2
    assert cited.citations == (citation,)


def test_citing_without_append_keeps_the_body_and_its_revision(bstore: BriefStore) -> None:
    brief, _ = bstore.create(BriefDraft("Far East", "Text."), owner="ann")
    first = bstore.cite(brief.id, CitationDraft(selection=selection()), actor="ann")[1]
    cited, second = bstore.cite(
        brief.id, CitationDraft(selection=selection("We will build ports")), actor="ann"
    )
    assert (cited.body, cited.revision) == ("Text.", 1)
    assert [c.id for c in cited.citations] == [first.id, second.id]
    assert [c.position for c in cited.citations] == [0, 1]

    after = bstore.uncite(brief.id, first.id, actor="ann")
    assert [c.id for c in after.citations] == [second.id]


def test_citing_an_annotation_uses_its_anchor_and_remembers_it(bstore: BriefStore) -> None:
    annotation, _ = bstore.astore.create(AnnotationDraft(selection()), author="ann")
    brief, _ = bstore.create(BriefDraft("Far East"), owner="ann")

    _, citation = bstore.cite(brief.id, CitationDraft(annotation_id=annotation.id), actor="ann")

    assert (citation.annotation_id, citation.anchor) == (annotation.id, annotation.anchor)
    with pytest.raises(AnnotationNotFound):
        bstore.cite(brief.id, CitationDraft(annotation_id="nope"), actor="ann")


def test_a_citation_of_words_not_in_the_document_is_refused(bstore: BriefStore) -> None:
    brief, _ = bstore.create(BriefDraft("Far East"), owner="ann")
    wrong = Selection("spief-2019", 1, 0, 10, "Not there!")
    with pytest.raises(InvalidAnchor, match="Reload the page"):
        bstore.cite(brief.id, CitationDraft(selection=wrong), actor="ann")
    with pytest.raises(InvalidAnnotation, match="not both"):
        CitationDraft(selection=selection(), annotation_id="x")


def test_the_list_shows_briefs_needing_verification_first(bstore: BriefStore) -> None:
    older, _ = bstore.create(BriefDraft("Older"), owner="ann")
    newer, _ = bstore.create(BriefDraft("Newer"), owner="ann")
    with bstore.connect(write=True) as conn:
        conn.execute(
            sa.text("UPDATE briefs SET needs_verification = true WHERE id = :id"), {"id": older.id}
        )
    assert [b.title for b in bstore.all(viewer="ann")] == ["Older", "Newer"]


def test_deleting_a_brief_deletes_its_citations_and_history(bstore: BriefStore) -> None:
    brief, _ = bstore.create(BriefDraft("Gone"), owner="ann")
    bstore.cite(brief.id, CitationDraft(selection=selection()), actor="ann")
    bstore.delete(brief.id, actor="ann", revision=1)
    with pytest.raises(BriefNotFound):
        bstore.get(brief.id, viewer="ann")
    with bstore.connect() as conn:
        for table in ("brief_citations", "brief_revisions"):
            assert conn.scalar(sa.text(f"SELECT count(*) FROM {table}")) == 0


def test_bad_titles_and_bodies_are_refused_with_the_next_step() -> None:
    with pytest.raises(InvalidAnnotation, match="needs a title"):
        BriefDraft("  ")
    with pytest.raises(InvalidAnnotation, match="one line"):
        BriefDraft("Two\nlines")
    with pytest.raises(InvalidAnnotation, match="Unknown visibility 'public'"):
        BriefDraft("Title", visibility="public")  # type: ignore[arg-type]


def test_the_briefs_migration_matches_the_tables(bstore: BriefStore) -> None:
    with bstore.store.engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "version_table": VERSION_TABLE,
                "include_name": lambda name, kind, _parent: (
                    kind != "table" or name in metadata.tables
                ),
            },
        )
        assert compare_metadata(context, metadata) == []
        assert context.get_current_revision() == MIGRATIONS.head() == "a0003"


def test_backlinks_list_the_briefs_citing_a_document_or_annotation_the_viewer_may_see(
    bstore: BriefStore,
) -> None:
    annotation, _ = bstore.astore.create(AnnotationDraft(selection()), author="ann")
    mine, _ = bstore.create(BriefDraft("Mine"), owner="ann")
    bstore.cite(mine.id, CitationDraft(annotation_id=annotation.id), actor="ann")
    team, _ = bstore.create(BriefDraft("Team", visibility="team"), owner="ann")
    bstore.cite(team.id, CitationDraft(selection=selection()), actor="ann")
    bstore.create(BriefDraft("Uncited"), owner="ann")

    assert [b.title for b in bstore.all(viewer="ann", document_id="spief-2019")] == [
        "Team",
        "Mine",
    ]
    assert [b.title for b in bstore.all(viewer="ann", annotation_id=annotation.id)] == ["Mine"]
    assert [b.title for b in bstore.all(viewer="bob", document_id="spief-2019")] == ["Team"]
    assert bstore.all(viewer="ann", document_id="news-1") == []
