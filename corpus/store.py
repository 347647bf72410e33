"""The document store: the SQL source of truth (SQLite by default, PostgreSQL for teams).

- Texts are stored exactly as given: no newline or Unicode normalisation, so every offset computed
  on a draft's text holds for the stored version (readers decide the canonical text).
- Every added or updated document takes the next value of a store-wide ``seq``. Writers are
  serialised (SQLite ``BEGIN IMMEDIATE``; PostgreSQL a row lock on the counter held to commit),
  so ``seq`` order is commit order and a reader that has seen ``seq <= n`` never misses a write.
- Old versions are never deleted: annotations anchor to them.
- A ``Store`` is safe to share between threads; each call takes its own pooled connection.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Literal, Self

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from corpus.database import open_engine, shown_url, transaction
from corpus.errors import DocumentNotFound, InvalidDocument
from corpus.identity import Provenance, refusal
from corpus.migrations import MIGRATIONS
from corpus.model import KINDS, Document, DocumentDraft, PartialDate
from corpus.reading import document_from_row as _document
from corpus.tables import ID_LENGTH, document_versions, documents, store_state

ID_PATTERN = re.compile(rf"[A-Za-z0-9][A-Za-z0-9._:-]{{0,{ID_LENGTH - 1}}}")
_CHUNK = 500  # ids per IN (...) list: well under SQLite's and PostgreSQL's parameter limits
_V = document_versions
_D = documents
_TEXT_FIELDS = ("text", "title", "speaker", "source", "url", "language", "licence", "origin")


@dataclass(frozen=True)
class PutOutcome:
    """What ``put`` did with a draft, and the stored version the draft became or matched."""

    status: Literal["added", "updated", "unchanged"]
    document: Document


class Store:
    """Documents and all their versions in one SQL database; open with ``Store.open(url)``."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str, *, migrate: bool = True) -> Store:
        """Connect and migrate the schema to head (``migrate=False``, for commands that only
        read: check that it is at head); raises ``StoreUnavailable`` on failure."""
        return cls(open_engine(url, MIGRATIONS, migrate_to_head=migrate))

    @property
    def url(self) -> str:
        """The database URL with any password hidden (for messages)."""
        return shown_url(self.engine)

    def close(self) -> None:
        """Close the pooled connections."""
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def put(self, draft: DocumentDraft, *, replace: bool = False) -> PutOutcome:
        """Store one draft; raises ``InvalidDocument`` (``IdConflict``) if it cannot be stored."""
        (outcome,) = self.put_many([draft], replace=replace)
        if isinstance(outcome, InvalidDocument):
            raise outcome
        return outcome

    def put_many(
        self, drafts: Iterable[DocumentDraft], *, replace: bool = False
    ) -> list[PutOutcome | InvalidDocument]:
        """Store drafts in one transaction; one result per draft, in order.

        A draft that fails validation gets its ``InvalidDocument`` (returned, not raised) and the
        others are stored. So does a draft that ``corpus/identity.py`` refuses as the next
        version of a document from another source (``IdConflict``), unless ``replace``.
        Repeated ids in one batch are applied in order.
        """
        results: list[PutOutcome | InvalidDocument | None] = []
        valid: list[DocumentDraft] = []
        for draft in drafts:
            try:
                check_draft(draft)
            except InvalidDocument as exc:
                results.append(exc)
            else:
                results.append(None)
                valid.append(draft)
        stored: Iterator[PutOutcome | InvalidDocument] = iter(())
        if valid:
            with self.connect(write=True) as conn:
                stored = iter(_write(conn, valid, replace))
        return [next(stored) if r is None else r for r in results]

    def get(self, id: str, version: int | None = None) -> Document:
        """The current version of a document, or the given version; raises ``DocumentNotFound``."""
        stmt = _select_versions().where(_V.c.document_id == id)
        stmt = stmt.where(_V.c.version == (_D.c.current_version if version is None else version))
        with self.connect() as conn:
            row = conn.execute(stmt).first()
            if row is not None:
                return _document(row._mapping)
            current = conn.scalar(sa.select(_D.c.current_version).where(_D.c.id == id))
        if current is None:
            raise DocumentNotFound(
                f"No document with id {id!r}. Ids are case-sensitive: check it, or ingest the "
                "document first."
            )
        raise DocumentNotFound(
            f"Document {id!r} has no version {version}: its versions are 1 to {current}."
        )

    def get_many(self, ids: Iterable[str]) -> dict[str, Document]:
        """Current versions of the ids that exist, in the order asked; unknown ids are left out."""
        wanted = list(dict.fromkeys(ids))
        found: dict[str, Document] = {}
        with self.connect() as conn:
            for chunk in _chunks(wanted):
                stmt = _select_current().where(_D.c.id.in_(chunk))
                found.update(
                    (row.document_id, _document(row._mapping)) for row in conn.execute(stmt)
                )
        return {i: found[i] for i in wanted if i in found}

    def provenance(self, ids: Iterable[str]) -> dict[str, Provenance]:
        """Where the current version of each stored id came from; unknown ids are left out."""
        with self.connect() as conn:
            return {i: state.provenance for i, state in _current_states(conn, ids).items()}

    def get_versions(self, pairs: Iterable[tuple[str, int]]) -> dict[tuple[str, int], Document]:
        """The given versions of documents, in the order asked (a page of hits, each in the
        version its index record was made from); pairs not stored are left out."""
        wanted = list(dict.fromkeys(pairs))
        found: dict[tuple[str, int], Document] = {}
        with self.connect() as conn:
            for start in range(0, len(wanted), _CHUNK // 2):  # two parameters a pair
                chunk = wanted[start : start + _CHUNK // 2]
                values: dict[str, Any] = {}
                for n, (id, version) in enumerate(chunk):
                    values[f"d{n}"], values[f"v{n}"] = id, version
                for row in conn.execute(_select_pairs(len(chunk)), values):
                    found[(row.document_id, row.version)] = _document(row._mapping)
        return {pair: found[pair] for pair in wanted if pair in found}

    def versions(self, id: str) -> list[Document]:
        """Every stored version of a document, oldest first; raises ``DocumentNotFound``."""
        stmt = _select_versions().where(_V.c.document_id == id).order_by(_V.c.version)
        with self.connect() as conn:
            rows = conn.execute(stmt).all()
        if not rows:
            raise DocumentNotFound(f"No document with id {id!r}: it has no versions to list.")
        return [_document(row._mapping) for row in rows]

    def iter_documents(self, since_seq: int = 0, batch: int = 500) -> Iterator[Document]:
        """Current versions written after ``since_seq``, in ``seq`` order, ``batch`` rows a query.

        No connection is held between batches, so a slow consumer never blocks writers; a
        document rewritten meanwhile comes again later, with its new version.
        """
        last = since_seq
        while True:
            stmt = _select_current().where(_D.c.seq > last).order_by(_D.c.seq).limit(batch)
            with self.connect() as conn:
                rows = conn.execute(stmt).all()
            yield from (_document(row._mapping) for row in rows)
            if len(rows) < batch:
                return
            last = rows[-1].seq

    def count(self) -> int:
        """How many documents (not versions) the store holds."""
        with self.connect() as conn:
            return conn.scalar(sa.select(sa.func.count()).select_from(_D)) or 0

    def max_seq(self) -> int:
        """The ``seq`` of the latest write; 0 for an empty store."""
        with self.connect() as conn:
            return conn.execute(_SELECT_SEQ).scalar_one()

    def ids(self) -> list[str]:
        """Every document id, sorted."""
        with self.connect() as conn:
            return list(conn.scalars(sa.select(_D.c.id).order_by(_D.c.id)))

    def text_sizes(self, ids: Iterable[str] | None = None, *, since_seq: int = 0) -> dict[str, int]:
        """Characters in the current version of each document: of ``ids`` (unknown ones left
        out), or of every document written after ``since_seq``. What the long steps weigh their
        progress by: documents come in no order of size (``indexer/progress.py``)."""
        stmt = sa.select(_V.c.document_id, sa.func.length(_V.c.text)).join(
            _D, (_D.c.id == _V.c.document_id) & (_V.c.version == _D.c.current_version)
        )
        with self.connect() as conn:
            if ids is None:
                rows = conn.execute(stmt.where(_D.c.seq > since_seq)).all()
            else:
                chunks = _chunks(list(dict.fromkeys(ids)))
                rows = [row for c in chunks for row in conn.execute(stmt.where(_D.c.id.in_(c)))]
        return {doc_id: int(size or 0) for doc_id, size in rows}

    def connect(self, *, write: bool = False) -> AbstractContextManager[Connection]:
        """A connection in a transaction (a serialised writer's if ``write``); a failing
        database becomes ``StoreUnavailable``. The stores built on this one use it too."""
        return transaction(self.engine, write=write)


def check_draft(draft: DocumentDraft) -> None:
    """Raise ``InvalidDocument`` unless the store can keep the draft exactly as it is."""
    where = f"{draft.origin}: " if draft.origin else ""
    if not draft.id:
        raise InvalidDocument(f"{where}the document has no id; give it one before storing it.")
    if not ID_PATTERN.fullmatch(draft.id):
        raise InvalidDocument(
            f"{where}unusable document id {draft.id!r}: use 1 to {ID_LENGTH} ASCII letters, "
            "digits, '.', '_', ':' or '-', starting with a letter or digit."
        )
    what = f"{where}document {draft.id!r}"
    if not draft.text.strip():
        raise InvalidDocument(f"{what} has no text.")
    if draft.kind not in KINDS:
        raise InvalidDocument(f"{what} has unknown kind {draft.kind!r}; use one of {KINDS}.")
    if draft.date is not None and not isinstance(draft.date, PartialDate):
        raise InvalidDocument(f"{what} has date {draft.date!r}, which is not a PartialDate.")
    values = [(name, getattr(draft, name)) for name in _TEXT_FIELDS]
    for name, value in values + [("tags", tag) for tag in draft.tags]:
        if "\x00" in value:
            raise InvalidDocument(
                f"{what}: {name} contains a NUL character at offset {value.index(chr(0))}, "
                "which databases cannot store; remove it from the source."
            )
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise InvalidDocument(
                f"{what}: {name} has an unpaired surrogate at offset {exc.start}, which is not "
                "valid Unicode; fix the source's encoding."
            ) from exc


_SELECT_SEQ = sa.select(store_state.c.value).where(store_state.c.name == "seq")


@dataclass(frozen=True)
class _Current:
    provenance: Provenance
    seq: int
    ingested_at: dt.datetime


def _write(
    conn: Connection, drafts: Sequence[DocumentDraft], replace: bool
) -> list[PutOutcome | InvalidDocument]:
    """Apply valid drafts in a write transaction; the counter's row lock serialises writers."""
    seq = start = conn.execute(_SELECT_SEQ.with_for_update()).scalar_one()
    current = _current_states(conn, [str(d.id) for d in drafts])
    stored = set(current)
    now = dt.datetime.now(dt.UTC)
    outcomes: list[PutOutcome | InvalidDocument] = []
    rows: dict[str, dict[str, Any]] = {}
    new_versions: list[dict[str, Any]] = []
    for draft in drafts:
        id, digest = str(draft.id), draft.content_hash()
        state = current.get(id)
        if state is not None and state.provenance.content_hash == digest:
            old = state.provenance
            row = _version_row(draft, digest, old.version, state.seq, state.ingested_at)
            row["origin"] = old.origin
            outcomes.append(PutOutcome("unchanged", _document(row)))
            continue
        refused = refusal(id, state.provenance, draft, replace=replace) if state else None
        if refused:
            outcomes.append(refused)
            continue
        seq += 1
        version = state.provenance.version + 1 if state else 1
        current[id] = _Current(Provenance(version, draft.origin, draft.url, digest), seq, now)
        row = _version_row(draft, digest, version, seq, now)
        new_versions.append(row)
        rows[id] = {k: v for k, v in row.items() if k in _D.c} | {"updated_at": now}
        outcomes.append(PutOutcome("updated" if state else "added", _document(row)))
    inserts = [{**r, "id": i, "created_at": now} for i, r in rows.items() if i not in stored]
    updates = [{**r, "b_id": i} for i, r in rows.items() if i in stored]
    if inserts:
        conn.execute(_D.insert(), inserts)
    if updates:
        conn.execute(_D.update().where(_D.c.id == sa.bindparam("b_id")), updates)
    if new_versions:
        conn.execute(_V.insert(), new_versions)
    if seq != start:
        conn.execute(store_state.update().where(store_state.c.name == "seq").values(value=seq))
    return outcomes


def _current_states(conn: Connection, ids: Iterable[str]) -> dict[str, _Current]:
    states: dict[str, _Current] = {}
    columns = (_D.c.id, _D.c.current_version, _V.c.origin, _V.c.url, _D.c.content_hash)
    stmt = sa.select(*columns, _D.c.seq, _V.c.ingested_at).join(
        _V, (_V.c.document_id == _D.c.id) & (_V.c.version == _D.c.current_version)
    )
    for chunk in _chunks(list(dict.fromkeys(ids))):
        for row in conn.execute(stmt.where(_D.c.id.in_(chunk))):
            states[row.id] = _Current(Provenance(*row[1:5]), row.seq, row.ingested_at)
    return states


def _version_row(
    draft: DocumentDraft, digest: str, version: int, seq: int, at: dt.datetime
) -> dict[str, Any]:
    """A ``document_versions`` row for the draft (``current_version`` added for ``_document``)."""
    return {
        "document_id": draft.id,
        "version": version,
        "current_version": version,
        "seq": seq,
        "text": draft.text,
        "kind": draft.kind,
        "title": draft.title,
        "date": draft.date.value if draft.date else None,
        "date_precision": draft.date.precision if draft.date else None,
        "speaker": draft.speaker,
        "source": draft.source,
        "url": draft.url,
        "language": draft.language,
        "tags": json.dumps(list(draft.tags), ensure_ascii=False),
        "licence": draft.licence,
        "content_hash": digest,
        "origin": draft.origin,
        "ingested_at": at,
        "title_derived": draft.is_title_derived,
    }


def _select_versions() -> sa.Select[Any]:
    """Version rows with their document's current version number."""
    return sa.select(*_V.c, _D.c.current_version).join(_D, _D.c.id == _V.c.document_id)


@functools.lru_cache(maxsize=64)
def _select_pairs(count: int) -> sa.Select[Any]:
    """Version rows of ``count`` (document id, version) pairs, bound as ``d0``, ``v0``, ``d1``
    ...: an OR of equalities, which SQLite answers with one primary-key lookup per pair, where
    ``(document_id, version) IN (VALUES ...)`` made it scan every version's row (60-100 ms a
    results page on the 18,000-document bench, the most of a search's time for a rare word).
    One statement per count, so SQLAlchemy compiles it once (building it took 5 ms)."""
    pairs = (
        sa.and_(_V.c.document_id == sa.bindparam(f"d{n}"), _V.c.version == sa.bindparam(f"v{n}"))
        for n in range(count)
    )
    return _select_versions().where(sa.or_(*pairs))


def _select_current() -> sa.Select[Any]:
    return _select_versions().where(_V.c.version == _D.c.current_version)


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]
