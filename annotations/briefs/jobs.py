"""When a cited document gets a new version, the briefs citing it need verifying again.

Explicit steps, never a side effect of saving a document (STYLE §2), as re-anchoring does:

1. ``queue_cited_changed(bstore)``: the catch-up rule (``annotations/catchup.py``, shared with
   re-anchoring). ``annotation_state.briefs_seq`` records
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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import sqlalchemy as sa

from annotations.briefs.model import VERIFY_BRIEFS
from annotations.briefs.rows import citation_of
from annotations.briefs.store import BriefStore
from annotations.briefs.tables import BRIEFS_SEQ, brief_citations, briefs
from annotations.briefs.verify import check, store_verdict, verdict_values
from annotations.catchup import drain, queue_behind
from corpus.jobs import QueuePolicy

log = logging.getLogger(__name__)

_C = brief_citations.c


@dataclass(frozen=True)
class VerifyReport:
    """What a drain did: documents done, citations by status, briefs marked, failures."""

    documents: tuple[str, ...] = ()
    statuses: Mapping[str, int] = field(default_factory=dict)
    briefs: int = 0
    failures: tuple[tuple[str, str], ...] = ()


def queue_cited_changed(bstore: BriefStore) -> int:
    """Queue a "verify-briefs" job for every cited document written since ``briefs_seq``
    whose citations were checked in an older version, and move the mark (one transaction,
    ``annotations.catchup``); returns how many documents wait because of this call."""
    with bstore.connect(write=True) as conn:
        behind = queue_behind(conn, brief_citations, BRIEFS_SEQ, VERIFY_BRIEFS)
    if behind.document_ids:
        log.info(
            "queued %d cited documents for verification (seq %d to %d)",
            len(behind.document_ids), behind.since, behind.upto,
        )  # fmt: skip
    return behind.queued


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

    def recheck(document_id: str) -> None:
        found, brief_ids = _recheck(bstore, document_id)
        done.append(document_id)
        statuses.update(found)
        marked.update(brief_ids)

    failures = drain(
        bstore.store, VERIFY_BRIEFS, recheck, worker=worker, policy=policy, batch=batch,
        document_ids=document_ids, should_stop=should_stop,
    )  # fmt: skip
    return VerifyReport(tuple(done), dict(statuses), len(marked), tuple(failures))
