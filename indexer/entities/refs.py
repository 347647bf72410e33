"""Entity refs: how the index, its filters and its facets name the entities a document mentions.

A mention linked to a registry entity is indexed by the entity's id and canonical name; any other
mention of a type with its own fields (``ENTITY_FIELDS``) by an *unlinked ref* made from its
normalised text, and by its surface text. So ``person:putin`` and the people facet work on a new
instance whose registry is still empty, and one ref names the same unlinked name in every
document. ``entity_fields`` is the entity part of ``record()`` in ``indexer/build.py``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import Any

from corpus.entities.model import Mention, alias_key
from indexer.schema import ENTITY_FIELDS

UNLINKED = "~"  # first character of an unlinked ref; registry ids start with a letter or digit


def entity_fields(mentions: Iterable[Mention], names: Mapping[str, str]) -> dict[str, Any]:
    """The entity fields of a record; none when there are no mentions of the indexed types."""
    refs: dict[str, None] = {}
    by_field: dict[str, dict[str, str]] = {}
    for m in mentions:
        prefix = ENTITY_FIELDS.get(m.type)
        if m.entity_id:
            ref, name = m.entity_id, names.get(m.entity_id) or m.text
        elif prefix is not None:
            ref, name = unlinked_ref(prefix, m.text), m.text
        else:
            continue
        if ref:
            refs[ref] = None
            if prefix is not None:
                by_field.setdefault(prefix, {}).setdefault(ref, " ".join(name.split()))
    if not refs:
        return {}
    fields: dict[str, Any] = {"entities": ",".join(refs)}
    for prefix, found in by_field.items():
        fields[f"{prefix}_ids"] = ",".join(found)
        fields[f"{prefix}_text"] = "\n".join(dict.fromkeys(found.values()))
    shown = {ref: name for found in by_field.values() for ref, name in found.items()}
    if shown:
        lines = "\n".join(f"{ref}\t{name}" for ref, name in shown.items())
        fields["entity_names"] = lines.encode("utf-8")
    return fields


@functools.lru_cache(maxsize=65_536)
def unlinked_ref(prefix: str, text: str) -> str:
    """The ref of a mention no registry entity claims: ``~person:vladimir_putin`` ("" if the
    text has no letters or digits)."""
    key = alias_key(text)
    return f"{UNLINKED}{prefix}:{key.replace(' ', '_')}" if key else ""


def is_unlinked(ref: str) -> bool:
    """True for a ref made from a mention's text rather than a registry entity id."""
    return ref.startswith(UNLINKED)
