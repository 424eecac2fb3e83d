"""OpenSanctions / FollowTheMoney entities, one JSON object a line (``entities.ftm.json``).

Each line is ``{"id": ..., "schema": ..., "properties": {"name": [...], ...}}``. Persons, vessels and
organisations (``Company``, ``LegalEntity``, ``PublicBody``...) are read; other schemata (addresses,
sanctions, relationships) are counted as skipped.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..model import Entity, ListInfo, Schema
from .common import open_text, unique

SCHEMA_MAP: dict[str, Schema] = {
    "Person": "Person",
    "Vessel": "Vessel",
    "Organization": "Organization",
    "Company": "Organization",
    "PublicBody": "Organization",
    "LegalEntity": "LegalEntity",
}
_NAME_PROPS = ("name", "alias", "previousName", "firstName", "lastName")
_ID_PROPS = {
    "passportNumber": "passport",
    "idNumber": "national_id",
    "imoNumber": "imo",
    "mmsi": "mmsi",
    "callSign": "call_sign",
}


def _strings(props: dict[str, Any], key: str) -> list[str]:
    value = props.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def entity_from_ftm(data: dict[str, Any]) -> Entity | None:
    """One FTM object -> an engine entity, or ``None`` for a schema the engine does not screen."""
    schema = SCHEMA_MAP.get(str(data.get("schema", "")))
    if schema is None:
        return None
    entity_id = data.get("id")
    if not isinstance(entity_id, str) or not entity_id:
        raise ValueError("entity without an id")
    props = data.get("properties") or {}
    if not isinstance(props, dict):
        raise ValueError("'properties' is not an object")
    names = _strings(props, "name") + _strings(props, "alias") + _strings(props, "previousName")
    if not names:
        first, last = _strings(props, "firstName"), _strings(props, "lastName")
        if first or last:
            names = [" ".join(first[:1] + last[:1])]
    identifiers = {
        kind: unique(_strings(props, prop)) for prop, kind in _ID_PROPS.items() if _strings(props, prop)
    }
    nationalities = _strings(props, "nationality") + _strings(props, "citizenship")
    if schema == "Vessel":
        nationalities += _strings(props, "flag")
    genders = _strings(props, "gender")
    datasets = data.get("datasets")
    details = {
        "datasets": " ".join(d for d in datasets if isinstance(d, str)) if isinstance(datasets, list) else ""
    }
    for prop in ("topics", "program", "notes"):
        details[prop] = " | ".join(_strings(props, prop))
    return Entity(
        id=entity_id,
        schema=schema,
        names=unique(names),
        birth_dates=unique(d[:10] for d in _strings(props, "birthDate")),
        nationalities=unique(nationalities),
        gender=genders[0] if genders else None,
        identifiers=identifiers,
        details={k: v for k, v in details.items() if v},
    )


def iter_ftm(path: Path) -> Iterator[Entity | None]:
    """Entities of a JSON-lines file in order; ``None`` for each skipped line (so callers can count)."""
    with open_text(path) as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(path, f"not valid JSON: {exc.msg} (column {exc.colno})", lineno) from exc
            if not isinstance(data, dict):
                raise InputError(path, "expected a JSON object", lineno)
            try:
                yield entity_from_ftm(data)
            except ValueError as exc:
                raise InputError(path, str(exc), lineno) from exc


def read_ftm(path: Path) -> tuple[ListInfo, list[Entity]]:
    entities: list[Entity] = []
    skipped = 0
    for entity in iter_ftm(path):
        if entity is None:
            skipped += 1
        else:
            entities.append(entity)
    return ListInfo(source=path.name, format="ftm", entity_count=len(entities), skipped=skipped), entities
