"""The registry as a shareable file: CSV or JSON, so a team can pass a watch-list around.

CSV columns: ``id,name,type,aliases,description,external_id`` with aliases separated by "|".
JSON: a list of objects with the same keys (``aliases`` a list of strings).

An import matches each row to an entity by id (following merge redirects), else by normalised
name and type; a match is updated (aliases added, the file's name, type, description and
external id taken where given), anything else is added. Rows with a bad type, an empty name or
another fault are skipped with a reason; the rest is written in one transaction, so a failure
half-way leaves the registry as it was. With ``strict``, any bad row refuses the whole file.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, TextIO

from corpus.entities.bulk import ImportReport, SkippedRow, upsert_entities
from corpus.entities.corrections import LOCAL, check_who
from corpus.entities.model import Entity
from corpus.entities.store import (
    EntityStore,
    check_external_id,
    check_id,
    check_name,
    check_type,
)
from corpus.errors import InvalidEntity

__all__ = ["ImportReport", "SkippedRow", "export_registry", "import_file", "import_registry"]

FIELDS: tuple[str, ...] = ("id", "name", "type", "aliases", "description", "external_id")
ALIAS_SEPARATOR = "|"
FORMATS: tuple[str, ...] = ("csv", "json")


def export_registry(store: EntityStore, out: TextIO, format: str = "csv") -> int:
    """Write every entity to ``out`` as CSV or JSON; returns how many."""
    found = store.entities()
    rows = [
        {
            "id": e.id,
            "name": e.name,
            "type": e.type,
            "aliases": list(e.aliases),
            "description": e.description,
            "external_id": e.external_id,
        }
        for e in found
    ]
    if _format(format) == "json":
        json.dump(rows, out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        writer = csv.DictWriter(out, FIELDS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "aliases": ALIAS_SEPARATOR.join(row["aliases"])})
    return len(found)


def read_rows(
    source: TextIO, format: str = "csv", name: str = ""
) -> list[tuple[str, dict[str, Any]]]:
    """The rows of a registry file as ``(where, fields)``; raises ``InvalidEntity`` when the
    file as a whole is unusable (no name/type columns, not a JSON list)."""
    name = name or "input"
    if _format(format) == "json":
        try:
            data = json.load(source)
        except json.JSONDecodeError as exc:
            raise InvalidEntity(f"{name} is not valid JSON ({exc}).") from exc
        if not isinstance(data, list):
            raise InvalidEntity(f"{name} must hold a JSON list of entity objects.")
        return [(f"{name}[{i}]", row) for i, row in enumerate(data)]
    reader = csv.DictReader(source)
    header = set(reader.fieldnames or ())
    if not {"name", "type"} <= header:
        raise InvalidEntity(
            f"{name} has columns {sorted(header)}; a registry CSV needs at least name and type "
            f"(all columns: {','.join(FIELDS)})."
        )
    return [(f"{name}:{reader.line_num}", row) for row in reader]


def import_registry(
    store: EntityStore,
    rows: Iterable[tuple[str, Mapping[str, Any]]],
    *,
    who: str = LOCAL,
    strict: bool = False,
    source: str = "",
) -> ImportReport:
    """Merge rows into the registry in one transaction (see the module docstring)."""
    who = check_who(who)
    checked: list[tuple[str, Entity]] = []
    skipped: list[SkippedRow] = []
    for where, row in rows:
        try:
            checked.append((where, _entity(row)))
        except InvalidEntity as exc:
            skipped.append(SkippedRow(where, str(exc)))
    if strict and skipped:
        reasons = "; ".join(f"{s.where}: {s.reason}" for s in skipped[:5])
        raise InvalidEntity(f"{len(skipped)} bad rows, nothing imported. {reasons}")
    return upsert_entities(store, checked, skipped, who=who, source=source)


def import_file(
    store: EntityStore, path: str | Path, *, who: str = LOCAL, strict: bool = False
) -> ImportReport:
    """Import a ``.csv`` or ``.json`` registry file."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = read_rows(handle, path.suffix.lstrip(".").lower(), path.name)
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidEntity(f"Cannot read {path}: {exc}. Give a UTF-8 .csv or .json file.") from exc
    return import_registry(store, rows, who=who, strict=strict, source=path.name)


def _entity(row: Mapping[str, Any]) -> Entity:
    """A checked entity from a row (its id "" when the file gives none)."""
    if not isinstance(row, Mapping):
        raise InvalidEntity(f"expected an object with {', '.join(FIELDS)}, got {row!r:.60}")
    text: dict[str, str] = {}
    for field in ("id", "name", "type", "description", "external_id"):
        value = row.get(field)
        if not isinstance(value, str | None):
            raise InvalidEntity(f"{field} must be a string, not {value!r:.40}")
        text[field] = value or ""
    aliases = row.get("aliases") or []
    if isinstance(aliases, str):
        aliases = [a for a in aliases.split(ALIAS_SEPARATOR) if a.strip()]
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise InvalidEntity(f"aliases must be a list of strings, not {aliases!r:.60}")
    entity_id = text["id"].strip()
    return Entity(
        check_id(entity_id) if entity_id else "",
        check_name(text["name"]),
        check_type(text["type"].strip().upper()),
        tuple(check_name(a, "alias") for a in aliases),
        text["description"].strip(),
        check_external_id(text["external_id"]),
    )


def _format(format: str) -> str:
    if format not in FORMATS:
        raise InvalidEntity(f"Unknown registry format {format!r}: use csv or json.")
    return format
