"""Re-anchoring after new versions: queued as jobs, caught up from the store's seq, each
annotation exact, moved, fuzzy or orphaned, never on the wrong words, never deleted."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotations.listing import document_annotations
from annotations.model import AnnotationDraft, Selection
from annotations.reanchor import anchored_seq, queue_changed, reanchor_queued
from annotations.store import AnnotationStore
from corpus import ingest
from corpus.jobs import QueuePolicy, queue_status
from corpus.model import DocumentDraft
from corpus.store import Store

POLICY = QueuePolicy(lease_seconds=60, max_attempts=3, retry_seconds=0)
TEXT = (
    "Vladimir Putin: Colleagues, the Eastern Economic Forum has become a platform for "
    "dialogue. We discussed the Northern Sea Rout and the development of Vladivostok.\n\n"
    "Shinzo Abe: Thank you, Vladimir. Japan is ready to work on the Kuril islands.\n\n"
    "Vladimir Putin: Thank you. We will continue this work in Moscow next year."
)


@pytest.fixture
def astore(store_url: str) -> Iterator[AnnotationStore]:
    with Store.open(store_url) as store:
        store.put(DocumentDraft(text=TEXT, id="eef-2019", kind="speech", origin="eef.txt"))
        yield AnnotationStore(store)


def annotate(astore: AnnotationStore, quote: str, document_id: str = "eef-2019") -> str:
    text = astore.store.get(document_id).text
    start = text.index(quote)
    sel = Selection(document_id, 1, start, start + len(quote), quote)
    annotation, _ = astore.create(AnnotationDraft(sel, note=quote[:10]), author="local")
    return annotation.id


def republish(astore: AnnotationStore, text: str, document_id: str = "eef-2019") -> None:
    astore.store.put(DocumentDraft(text=text, id=document_id, kind="speech", origin="eef.txt"))


def catch_up(astore: AnnotationStore) -> int:
    queued = queue_changed(astore)
    reanchor_queued(astore, worker="test", policy=POLICY)
    return queued


def placed(astore: AnnotationStore) -> dict[str, tuple[str, str | None]]:
    """quote -> (status, the text now at its place)."""
    text = astore.store.get("eef-2019").text
    return {
        a.anchor.quote: (
            a.status,
            text[a.located.span.start : a.located.span.end] if a.located else None,
        )
        for a in document_annotations(astore, "eef-2019", viewer="local")
    }


def test_a_new_version_moves_fuzzes_and_orphans_as_its_edits_say(astore: AnnotationStore) -> None:
    for quote in (
        "the Eastern Economic Forum has become a platform",
        "the Northern Sea Rout and the development of Vladivostok",
        "Japan is ready to work on the Kuril islands",
        "We will continue this work in Moscow",
    ):
        annotate(astore, quote)
    republish(
        astore,
        "Transcript, corrected.\n\n"
        + TEXT.replace("Sea Rout ", "Sea Route ").replace(
            "Shinzo Abe: Thank you, Vladimir. Japan is ready to work on the Kuril islands.\n\n", ""
        ),
    )

    assert catch_up(astore) == 1

    assert placed(astore) == {
        "the Eastern Economic Forum has become a platform": (
            "moved", "the Eastern Economic Forum has become a platform",
        ),
        "the Northern Sea Rout and the development of Vladivostok": (
            "fuzzy", "the Northern Sea Route and the development of Vladivostok",
        ),
        "Japan is ready to work on the Kuril islands": ("orphaned", None),
        "We will continue this work in Moscow": ("moved", "We will continue this work in Moscow"),
    }  # fmt: skip
    (fuzzy,) = [
        a for a in document_annotations(astore, "eef-2019", viewer="local") if a.status == "fuzzy"
    ]
    assert 0.75 <= fuzzy.score < 1 and fuzzy.revision == 1 and fuzzy.checked_version == 2


def test_the_catch_up_remembers_the_store_seq_it_reached(astore: AnnotationStore) -> None:
    annotate(astore, "Japan is ready to work")
    assert queue_changed(astore) == 0  # nothing changed since the annotation
    assert anchored_seq(astore) == astore.store.max_seq()
    republish(astore, "Preface.\n\n" + TEXT)

    # The server was stopped before it re-anchored: a new process catches up from the seq.
    reopened = AnnotationStore(astore.store)
    assert queue_changed(reopened) == 1
    assert queue_changed(reopened) == 0
    assert anchored_seq(reopened) == astore.store.max_seq()
    assert queue_status(astore.store, "re-anchor").pending == 1
    report = reanchor_queued(reopened, worker="later", policy=POLICY)
    assert (report.documents, dict(report.statuses)) == (("eef-2019",), {"moved": 1})
    assert queue_status(astore.store, "re-anchor").pending == 0


def test_documents_without_annotations_are_not_queued(astore: AnnotationStore) -> None:
    astore.store.put(DocumentDraft(text="Other.", id="other", origin="other.txt"))
    astore.store.put(DocumentDraft(text="Other, edited.", id="other", origin="other.txt"))
    assert queue_changed(astore) == 0


def test_an_orphaned_annotation_is_kept_and_found_again_when_its_words_return(
    astore: AnnotationStore,
) -> None:
    id = annotate(astore, "Japan is ready to work on the Kuril islands")
    republish(astore, TEXT.replace("Japan is ready to work on the Kuril islands.", "(Inaudible.)"))
    catch_up(astore)
    assert placed(astore)["Japan is ready to work on the Kuril islands"] == ("orphaned", None)

    republish(astore, TEXT)
    catch_up(astore)

    annotation = astore.get(id, viewer="local")
    assert (annotation.status, annotation.checked_version) == ("exact", 3)


def test_re_attaching_while_a_job_waits_is_never_overwritten_by_the_job(
    astore: AnnotationStore,
) -> None:
    id = annotate(astore, "Japan is ready to work on the Kuril islands")
    new_text = TEXT.replace("Japan is ready to work on the Kuril islands.", "Japan is willing.")
    republish(astore, new_text)
    queue_changed(astore)
    start = new_text.index("Japan is willing")
    astore.reattach(
        id, Selection("eef-2019", 2, start, start + 16, "Japan is willing"), actor="local"
    )

    reanchor_queued(astore, worker="test", policy=POLICY)

    annotation = astore.get(id, viewer="local")
    assert (annotation.anchor.quote, annotation.status, annotation.revision) == (
        "Japan is willing",
        "exact",
        2,
    )


def test_a_republished_transcript_is_re_anchored_through_the_real_ingest(
    astore: AnnotationStore, tmp_path: Path
) -> None:
    """The realistic case: a speech transcript re-published with corrected spellings and an
    added paragraph, read from a JSON Lines file by the real ingest."""
    source = tmp_path / "transcripts.jsonl"
    transcript = {
        "id": "spief-plenary", "kind": "speech", "title": "Plenary session", "date": "2019-06-07",
        "speaker": "Vladimir Putin", "source": "Fixture Transcripts",
        "text": (
            "Vladimir Putin: Good afternoon, colleagues. Our economies depend on stable rules.\n\n"
            "We propose to settle more trade in rubels and yuan, and to build payment systems.\n\n"
            "Xi Jinping: China supports an open world economy. Thank you."
        ),
    }  # fmt: skip
    source.write_text(json.dumps(transcript) + "\n", encoding="utf-8")
    assert ingest([source], astore.store).added
    ids = {
        quote: annotate(astore, quote, "spief-plenary")
        for quote in (
            "Our economies depend on stable rules.",
            "settle more trade in rubels and yuan",
            "China supports an open world economy.",
        )
    }
    corrected = dict(transcript)
    corrected["text"] = (
        transcript["text"]
        .replace("rubels", "rubles")
        .replace("Xi Jinping:", "(Applause.)\n\nThe moderator thanked both leaders.\n\nXi Jinping:")
    )
    source.write_text(json.dumps(corrected) + "\n", encoding="utf-8")
    assert ingest([source], astore.store).updated

    catch_up(astore)

    text = astore.store.get("spief-plenary").text
    found = {quote: astore.get(id, viewer="local") for quote, id in ids.items()}
    statuses = {quote: a.status for quote, a in found.items()}
    assert statuses == {
        "Our economies depend on stable rules.": "exact",
        "settle more trade in rubels and yuan": "fuzzy",
        "China supports an open world economy.": "moved",
    }
    for quote, annotation in found.items():
        assert annotation.located is not None
        at = text[annotation.located.span.start : annotation.located.span.end]
        assert at == quote.replace("rubels", "rubles")
