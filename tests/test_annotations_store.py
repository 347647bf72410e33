"""The annotation store on SQLite and on a real PostgreSQL server (the ``store_url`` fixture):
creating, idempotent retries, revision-checked edits, visibility and replies."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from annotations.errors import (
    AnnotationNotFound,
    InvalidAnnotation,
    NotYourAnnotation,
    RevisionConflict,
)
from annotations.migrations import MIGRATIONS, VERSION_TABLE
from annotations.model import AnnotationDraft, Changes, Located, Selection
from annotations.replies import add_reply, delete_reply, update_reply
from annotations.store import AnnotationStore
from annotations.tables import metadata
from corpus.errors import DocumentNotFound, InvalidAnchor
from corpus.migrations import VERSION_TABLE as CORPUS_VERSION_TABLE
from corpus.model import DocumentDraft, Span
from corpus.store import Store

TEXT = (
    "Good afternoon, colleagues. Infrastructure is Russia's calling card in the Far East. "
    "We will build ports, roads and bridges, and we will pay in rubles."
)
QUOTE = "Infrastructure is Russia's calling card in the Far East."


@pytest.fixture
def astore(store_url: str) -> Iterator[AnnotationStore]:
    with Store.open(store_url) as store:
        store.put(DocumentDraft(text=TEXT, id="spief-2019", kind="speech", title="SPIEF"))
        store.put(DocumentDraft(text="Talks on the pipeline resumed.", id="news-1", kind="news"))
        yield AnnotationStore(store)


def selection(quote: str = QUOTE, document_id: str = "spief-2019", version: int = 1) -> Selection:
    start = TEXT.index(quote) if document_id == "spief-2019" else 0
    return Selection(document_id, version, start, start + len(quote), quote)


def draft(**fields: object) -> AnnotationDraft:
    return AnnotationDraft(selection(), **fields)  # type: ignore[arg-type]


def test_a_new_annotation_is_anchored_exactly_on_its_selection(astore: AnnotationStore) -> None:
    annotation, created = astore.create(
        draft(note="First *public* mention.", tags=(" energy ", "Far  East", "ENERGY")),
        author="local",
    )

    assert created
    assert annotation.anchor.quote == QUOTE
    assert annotation.anchor.prefix.endswith("colleagues. ")
    assert annotation.anchor.suffix.startswith(" We will build")
    assert annotation.located == Located(1, Span(TEXT.index(QUOTE), TEXT.index(QUOTE) + len(QUOTE)))
    assert (annotation.status, annotation.score, annotation.revision) == ("exact", 1.0, 1)
    assert annotation.tags == ("energy", "Far East")
    assert (annotation.author, annotation.visibility, annotation.colour) == (
        "local",
        "private",
        "yellow",
    )
    assert annotation.created == annotation.modified
    assert astore.get(annotation.id, viewer="local") == annotation


def test_a_plain_highlight_has_no_note_and_no_tags(astore: AnnotationStore) -> None:
    annotation, _ = astore.create(draft(colour="green"), author="local")
    assert (annotation.note, annotation.tags, annotation.colour) == ("", (), "green")


def test_retrying_a_create_with_its_client_key_returns_the_first_annotation(
    astore: AnnotationStore,
) -> None:
    first, created = astore.create(draft(note="once", client_key="k-1"), author="local")
    again, created_again = astore.create(draft(note="twice", client_key="k-1"), author="local")
    other, other_created = astore.create(draft(note="theirs", client_key="k-1"), author="ana")

    assert (created, created_again, other_created) == (True, False, True)
    assert again == first and again.note == "once"
    assert other.id != first.id


def test_a_selection_that_is_not_the_text_there_is_refused(astore: AnnotationStore) -> None:
    wrong = Selection("spief-2019", 1, 0, len(QUOTE), QUOTE)
    with pytest.raises(InvalidAnchor, match="Reload the page"):
        astore.create(AnnotationDraft(wrong), author="local")
    with pytest.raises(DocumentNotFound):
        astore.create(AnnotationDraft(selection(version=7)), author="local")
    with pytest.raises(InvalidAnnotation, match="empty"):
        Selection("spief-2019", 1, 0, 2, "  ")


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"colour": "red"}, "Unknown colour 'red'"),
        ({"visibility": "public"}, "Unknown visibility 'public'"),
        ({"tags": ("a,b",)}, "comma"),
        ({"tags": tuple(f"t{i}" for i in range(21))}, "21 tags"),
        ({"note": "x" * 20_001}, "20,001 characters"),
        ({"note": "a\x00b"}, "NUL"),
        ({"client_key": "k" * 201}, "client_key"),
    ],
)
def test_bad_fields_are_refused_with_a_message_that_names_them(
    fields: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidAnnotation, match=message):
        draft(**fields)


def test_a_selection_on_an_old_version_is_located_in_the_current_one(
    astore: AnnotationStore,
) -> None:
    astore.store.put(DocumentDraft(text="Preface added. " + TEXT, id="spief-2019", kind="speech"))

    annotation, _ = astore.create(AnnotationDraft(selection(version=1)), author="local")

    start = 15 + TEXT.index(QUOTE)
    assert annotation.anchor.version == 1
    assert annotation.located == Located(2, Span(start, start + len(QUOTE)))
    assert annotation.status == "moved"


def test_an_edit_on_the_current_revision_is_saved_and_counted(astore: AnnotationStore) -> None:
    annotation, _ = astore.create(draft(note="draft", tags=("energy",)), author="local")

    edited = astore.update(
        annotation.id,
        Changes(note="final", tags=("rubles",), colour="blue"),
        revision=1,
        actor="local",
    )

    assert (edited.note, edited.tags, edited.colour, edited.revision) == (
        "final",
        ("rubles",),
        "blue",
        2,
    )
    assert edited.modified >= annotation.modified
    assert edited.anchor == annotation.anchor
    unchanged = astore.update(annotation.id, Changes(note="final"), revision=2, actor="local")
    assert unchanged == edited


def test_an_edit_on_an_old_revision_conflicts_and_carries_the_current_state(
    astore: AnnotationStore,
) -> None:
    annotation, _ = astore.create(draft(note="draft"), author="local")
    astore.update(annotation.id, Changes(note="first editor"), revision=1, actor="local")

    with pytest.raises(RevisionConflict, match="revision 2") as caught:
        astore.update(annotation.id, Changes(note="second editor"), revision=1, actor="local")

    assert caught.value.current.note == "first editor"  # type: ignore[union-attr]
    assert astore.get(annotation.id, viewer="local").note == "first editor"


def test_private_annotations_are_invisible_to_others_and_team_ones_read_only(
    astore: AnnotationStore,
) -> None:
    private, _ = astore.create(draft(note="mine"), author="local")
    team, _ = astore.create(draft(note="ours", visibility="team"), author="local")

    with pytest.raises(AnnotationNotFound):
        astore.get(private.id, viewer="ana")
    assert astore.get(team.id, viewer="ana").note == "ours"
    with pytest.raises(NotYourAnnotation, match="only its author"):
        astore.update(team.id, Changes(note="hers"), revision=1, actor="ana")
    with pytest.raises(NotYourAnnotation):
        astore.delete(team.id, actor="ana")
    with pytest.raises(AnnotationNotFound):
        astore.delete(private.id, actor="ana")


def test_deleting_removes_the_annotation_its_tags_and_its_replies(astore: AnnotationStore) -> None:
    annotation, _ = astore.create(draft(tags=("energy",)), author="local")
    add_reply(astore, annotation.id, "Agreed.", author="local")

    with pytest.raises(RevisionConflict):
        astore.delete(annotation.id, actor="local", revision=5)
    astore.delete(annotation.id, actor="local", revision=1)

    with pytest.raises(AnnotationNotFound):
        astore.get(annotation.id, viewer="local")
    with astore.connect() as conn:
        for table in ("annotation_tags", "annotation_replies"):
            assert conn.scalar(sa.text(f"SELECT count(*) FROM {table}")) == 0


def test_reattaching_points_the_annotation_at_new_words_and_keeps_its_note(
    astore: AnnotationStore,
) -> None:
    annotation, _ = astore.create(draft(note="keep me"), author="local")
    new = "we will pay in rubles"

    moved = astore.reattach(annotation.id, selection(new), actor="local", revision=1)

    assert (moved.anchor.quote, moved.status, moved.note, moved.revision) == (
        new,
        "exact",
        "keep me",
        2,
    )
    assert moved.located == Located(1, Span(TEXT.index(new), TEXT.index(new) + len(new)))
    with pytest.raises(AnnotationNotFound, match="its own document"):
        astore.reattach(annotation.id, Selection("news-1", 1, 0, 5, "Talks"), actor="local")


def test_replies_thread_under_an_annotation_with_the_same_rules(astore: AnnotationStore) -> None:
    annotation, _ = astore.create(draft(visibility="team"), author="local")

    reply, created = add_reply(astore, annotation.id, "Source?", author="ana", client_key="r1")
    again, created_again = add_reply(
        astore, annotation.id, "Source?", author="ana", client_key="r1"
    )
    aside, _ = add_reply(astore, annotation.id, "Ask Ana.", author="local", visibility="private")

    assert (created, created_again, again) == (True, False, reply)
    assert reply.visibility == "team"
    assert [r.body for r in astore.get(annotation.id, viewer="local").replies] == [
        "Source?",
        "Ask Ana.",
    ]
    assert [r.body for r in astore.get(annotation.id, viewer="ana").replies] == ["Source?"]
    edited = update_reply(
        astore, annotation.id, reply.id, "Source, please?", revision=1, actor="ana"
    )
    assert (edited.body, edited.revision) == ("Source, please?", 2)
    with pytest.raises(RevisionConflict) as caught:
        update_reply(astore, annotation.id, reply.id, "late", revision=1, actor="ana")
    assert caught.value.current.body == "Source, please?"  # type: ignore[union-attr]
    with pytest.raises(NotYourAnnotation):
        delete_reply(astore, annotation.id, reply.id, actor="local")
    with pytest.raises(InvalidAnnotation, match="empty"):
        add_reply(astore, annotation.id, "   ", author="local")
    delete_reply(astore, annotation.id, reply.id, actor="ana")
    assert [r.body for r in astore.get(annotation.id, viewer="local").replies] == ["Ask Ana."]


def test_migrations_build_the_tables_in_their_own_history(store_url: str) -> None:
    with Store.open(store_url) as store:
        AnnotationStore(store)
        AnnotationStore(store)  # a second open finds the history at head
        with store.engine.connect() as conn:
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
            assert context.get_current_revision() == MIGRATIONS.head()
            corpus = MigrationContext.configure(conn, opts={"version_table": CORPUS_VERSION_TABLE})
            assert corpus.get_current_revision() != MIGRATIONS.head()
            seq = conn.scalar(
                sa.text("SELECT value FROM annotation_state WHERE name='anchored_seq'")
            )
            assert seq == 0
