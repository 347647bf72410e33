"""When a cited document gets a new version, the briefs citing it need verifying again.

Explicit steps, never a side effect of saving a document (STYLE §2), as re-anchoring does:

1. ``queue_cited_changed(bstore)``: the catch-up rule. ``annotation_state.briefs_seq`` records
   the store ``seq`` up to which changed documents have been looked at. In one write
   transaction, every document written after it that a citation checked in an older version
   gets a job of kind ``"verify-briefs"`` and the mark moves to the store's ``seq``. The
   pipeline runs this after every ingest (``webapp/pipeline.py`` ``FOLLOW_UPS``).
2. ``verify_queued(bstore, ...)``: a worker claims the jobs; every citation of each claimed
   document is checked in its current version (status stored) and every brief citing it is
   marked ``needs_verification`` until an analyst verifies it (the list shows those first).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa

from annotations.briefs.model import VERIFY_BRIEFS
from annotations.briefs.rows import citation_of
from annotations.briefs.store import BriefStore
from annotations.briefs.tables import BRIEFS_SEQ, brief_citations, briefs
from annotations.briefs.verify import check, store_verdict, verdict_values
from annotations.errors import AnnotationError
from annotations.tables import annotation_state
from corpus.errors import CorpusError, StoreUnavailable
from corpus.jobs import Job, QueuePolicy, enqueue, work_through
from corpus.tables import documents, store_state

log = logging.getLogger(__name__)

_C = brief_citations.c
_S = annotation_state.c


@dataclass(frozen=True)
class VerifyReport:
    """What a drain did: documents done, citations by status, briefs marked, failures."""

    documents: tuple[str, ...] = ()
    statuses: Mapping[str, int] = field(default_factory=dict)
    briefs: int = 0
    failures: tuple[tuple[str, str], ...] = ()


def queue_cited_changed(bstore: BriefStore) -> int:
    """Queue a "verify-briefs" job for every cited document written since ``briefs_seq``
    whose citations were checked in an older version, and move the mark (one transaction);
    returns how many documents wait because of this call."""
    with bstore.connect(write=True) as conn:
        upto = conn.execute(
            sa.select(store_state.c.value).where(store_state.c.name == "seq")
        ).scalar_one()
        since = conn.execute(
            sa.select(_S.value).where(_S.name == BRIEFS_SEQ).with_for_update()
        ).scalar_one()
        if upto == since:
            return 0
        behind = (
            sa.select(_C.document_id)
            .join(documents, documents.c.id == _C.document_id)
            .where(documents.c.seq > since, documents.c.seq <= upto)
            .where(_C.checked_version != documents.c.current_version)
            .distinct()
        )
        ids = list(conn.scalars(behind))
        queued = enqueue(conn, VERIFY_BRIEFS, ids) if ids else 0
        conn.execute(annotation_state.update().where(_S.name == BRIEFS_SEQ).values(value=upto))
    if ids:
        log.info("queued %d cited documents for verification (seq %d to %d)", len(ids), since, upto)
    return queued


def _recheck(bstore: BriefStore, document_id: str) -> tuple[Counter[str], set[str]]:
    """Check and store every citation of a document in its current version; returns the
    statuses found and the briefs citing it."""
    current = bstore.store.get(document_id)
    with bstore.connect() as conn:
        rows = conn.execute(sa.select(brief_citations).where(_C.document_id == document_id)).all()
    verdicts = [check(citation_of(row._mapping), current) for row in rows]
    brief_ids = {v.citation.brief_id for v in verdicts}
    with bstore.connect(write=True) as conn:
        if verdicts:
            conn.execute(store_verdict(), [verdict_values(v) for v in verdicts])
        if brief_ids:
            mark = briefs.update().where(briefs.c.id.in_(sorted(brief_ids)))
            conn.execute(mark.values(needs_verification=True))
    return Counter(v.status for v in verdicts), brief_ids


def verify_queued(
    bstore: BriefStore,
    *,
    worker: str,
    policy: QueuePolicy,
    batch: int = 32,
    document_ids: Iterable[str] | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> VerifyReport:
    """Work through the due "verify-briefs" jobs until none is left or ``should_stop()``. A
    document that fails is recorded in the queue (retried by its policy) and reported;
    ``StoreUnavailable`` is raised when the queue cannot be read or written."""
    done: list[str] = []
    statuses: Counter[str] = Counter()
    marked: set[str] = set()
    failures: list[tuple[str, str]] = []

    def work(claimed: Sequence[Job]) -> Mapping[str, str]:
        failed: dict[str, str] = {}
        for job in claimed:
            try:
                found, brief_ids = _recheck(bstore, job.document_id)
            except StoreUnavailable:
                raise
            except (CorpusError, AnnotationError) as exc:
                failed[job.document_id] = f"{type(exc).__name__}: {exc}"[:500]
                failures.append((job.document_id, failed[job.document_id]))
                continue
            done.append(job.document_id)
            statuses.update(found)
            marked.update(brief_ids)
        return failed

    work_through(
        bstore.store, VERIFY_BRIEFS, worker, policy, work, batch=batch,
        document_ids=document_ids, should_stop=should_stop,
    )  # fmt: skip
    return VerifyReport(tuple(done), dict(statuses), len(marked), tuple(failures))
