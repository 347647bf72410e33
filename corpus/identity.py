"""Document identity: when a draft may become the next version of a stored document, and which
id a file takes when the id of its name already belongs to another folder's file.

The rule (``refusal``), applied by the store to every write so that it holds for every caller
of ``Store.put_many``: a draft whose content differs from the stored current version becomes its
next version only when

- it comes from the same source: the same file (for a JSONL line, the same file whatever the
  line number; when its id was derived from its url, also the same url); or
- its id was given (front matter, a JSONL ``id``, a loader's naming scheme) and the stored id is
  not one that Dossier derived from another source (``is_derived_id``); or
- the caller says so (``replace``: ``dossier ingest --replace``).

Anything else is refused with ``IdConflict``, naming both origins. Unchanged content is never
refused. A relative origin (stored before ingest recorded absolute paths) is read as relative to
the current folder.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from corpus.drafts import file_id, text_id, url_id
from corpus.errors import IdConflict
from corpus.model import DocumentDraft

__all__ = [
    "Provenance",
    "choose_id",
    "folder_file_id",
    "is_derived_id",
    "is_same_source",
    "lookup_ids",
    "refusal",
    "source_path",
]

_LINE = re.compile(r":\d+$")  # the line number of a JSONL origin, ``path:line``
_TEXT_ID = re.compile(r"doc-[0-9a-f]{16}")


@dataclass(frozen=True)
class Provenance:
    """Where a stored document's current version came from, and the hash of what it holds."""

    version: int
    origin: str
    url: str
    content_hash: str


def source_path(origin: str) -> str:
    """The file an origin names (``path`` or ``path:line``) as an absolute path; "" for none."""
    path = _LINE.sub("", origin)
    if not path:
        return ""
    return os.path.normpath(path) if os.path.isabs(path) else os.path.realpath(path)


def is_same_source(stored: Provenance, draft: DocumentDraft) -> bool:
    """Whether the draft comes from the source of the stored version: the same file (and for
    an id derived from a url, the same url). Two files are never taken for one source, even
    with one url: a dataset's DOI or a site's front page often stands for many documents."""
    if draft.id_from == "url" and draft.url != stored.url:
        return False
    return source_path(draft.origin) == source_path(stored.origin)


def is_derived_id(doc_id: str, stored: Provenance) -> bool:
    """Whether ``doc_id`` is what a default rule gives the stored version's source: its file
    name (with or without the folder hash), its url, or a text hash."""
    if _TEXT_ID.fullmatch(doc_id) or (stored.url and doc_id == url_id(stored.url)):
        return True
    path = source_path(stored.origin)
    if not path or _LINE.search(stored.origin):
        return False
    return doc_id in (file_id(Path(path)), folder_file_id(Path(path)))


def refusal(
    doc_id: str, stored: Provenance, draft: DocumentDraft, *, replace: bool = False
) -> IdConflict | None:
    """The error refusing the draft as the next version of ``stored``, or None (the rule above)."""
    if replace or stored.content_hash == draft.content_hash() or is_same_source(stored, draft):
        return None
    is_given = draft.id_from == "given"
    if is_given and not is_derived_id(doc_id, stored):
        return None
    where = f"{draft.origin}: " if draft.origin else ""
    them = stored.origin or "a source that did not say where it came from"
    detail = f"url {stored.url}, " if draft.id_from == "url" else ""
    was = "was derived from" if is_given else "belongs to"
    then = "a given id does not take over such a document, so " if is_given else ""
    own = "another id" if is_given else 'an id of its own (front matter "id:" or a JSONL "id")'
    return IdConflict(
        f'{where}id "{doc_id}" {was} {them} ({detail}version {stored.version}), another source; '
        f"{then}this was not stored as its version {stored.version + 1}. If it is the same "
        f"document, ingest it again with --replace; if not, give it {own}."
    )


def folder_file_id(path: Path) -> str:
    """``file_id`` plus 6 hex digits of a hash of the file's folder: the id a file takes when
    another folder's file already has the id of its name."""
    folder = str(path.parent).encode("utf-8", "surrogateescape")
    return f"{file_id(path)}-{hashlib.sha256(folder).hexdigest()[:6]}"


def lookup_ids(draft: DocumentDraft) -> tuple[str, ...]:
    """The ids whose stored provenance ``choose_id`` needs for this draft."""
    if draft.id_from == "url":
        return (str(draft.id), text_id(draft.text))
    return (str(draft.id),)


def choose_id(
    draft: DocumentDraft,
    stored: Mapping[str, Provenance],
    used: Mapping[str, str],
    *,
    replace: bool = False,
) -> DocumentDraft:
    """The draft under the id ingest stores it with, given the stored provenance of its
    ``lookup_ids`` and the origin each id ``used`` earlier in the run came from.

    - A file keeps the id of its name unless another source has it, earlier in the run or
      stored with other content; then the folder hash is added (``folder_file_id``). With
      ``replace`` it keeps the id of its name (and the store takes it as the next version).
    - A JSONL line known by its url keeps the text-hash id it was stored under before ids came
      from urls, as long as that document is the same (same url or same content).
    """
    if draft.id_from == "file":
        first, state = used.get(str(draft.id)), stored.get(str(draft.id))
        if first is not None:
            keep = first == draft.origin
        else:
            keep = replace or state is None or _is_same_document(state, draft)
        if keep:
            return draft
        return dataclasses.replace(draft, id=folder_file_id(Path(source_path(draft.origin))))
    if draft.id_from == "url":
        old = text_id(draft.text)
        state = stored.get(old)
        if state is not None and _is_same_document(state, draft):
            return dataclasses.replace(draft, id=old)
    return draft


def _is_same_document(stored: Provenance, draft: DocumentDraft) -> bool:
    return stored.content_hash == draft.content_hash() or is_same_source(stored, draft)
