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

from corpus.entities.model import FACET_CONFIDENCE, Mention, alias_key
from indexer.schema import ENTITY_FIELDS

UNLINKED = "~"  # first character of an unlinked ref; registry ids start with a letter or digit


def entity_fields(mentions: Iterable[Mention], names: Mapping[str, str]) -> dict[str, Any]:
    """The entity fields of a record; none when there are no mentions of the indexed types.

    A name only the model found, and never with ``FACET_CONFIDENCE`` in this document
    (``is_sure``), is searchable and filterable like any other, but it is counted in the
    facets' "less sure" list (``less_sure_ids``) rather than in its type's facet."""
    refs: dict[str, None] = {}
    by_field: dict[str, dict[str, str]] = {}
    sure: set[str] = set()
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
            if is_sure(m):
                sure.add(ref)
            if prefix is not None:
                by_field.setdefault(prefix, {}).setdefault(ref, " ".join(name.split()))
    if not refs:
        return {}
    fields: dict[str, Any] = {"entities": ",".join(refs)}
    for prefix, found in by_field.items():
        if kept := [ref for ref in found if ref in sure]:
            fields[f"{prefix}_ids"] = ",".join(kept)
        fields[f"{prefix}_text"] = "\n".join(dict.fromkeys(found.values()))
    shown = {ref: name for found in by_field.values() for ref, name in found.items()}
    if shown:
        lines = "\n".join(f"{ref}\t{name}" for ref, name in shown.items())
        fields["entity_names"] = lines.encode("utf-8")
    if less_sure := [ref for ref in shown if ref not in sure]:
        fields["less_sure_ids"] = ",".join(less_sure).encode("utf-8")
    return fields


def is_sure(mention: Mention) -> bool:
    """Whether a mention is sure enough to put its name in a facet: linked to the registry,
    found by an analyst, a speaker label, the registry or a rule, or by the model with at
    least ``FACET_CONFIDENCE`` (its mean per-word probability, ``Recogniser.recognise``)."""
    return (
        bool(mention.entity_id)
        or mention.source != "model"
        or (mention.confidence >= FACET_CONFIDENCE)
    )


@functools.lru_cache(maxsize=65_536)
def unlinked_ref(prefix: str, text: str) -> str:
    """The ref of a mention no registry entity claims: ``~person:vladimir_putin`` ("" if the
    text has no letters or digits)."""
    key = alias_key(text)
    return f"{UNLINKED}{prefix}:{key.replace(' ', '_')}" if key else ""


def is_unlinked(ref: str) -> bool:
    """True for a ref made from a mention's text rather than a registry entity id."""
    return ref.startswith(UNLINKED)
