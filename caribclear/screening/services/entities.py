"""Entities as stored in the database, and the hashes that tell a list's versions apart."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..engine import Entity
from ..engine.normalize import name_tokens


def entity_to_data(entity: Entity) -> dict[str, Any]:
    return {
        "id": entity.id,
        "schema": entity.schema,
        "names": list(entity.names),
        "birth_dates": list(entity.birth_dates),
        "nationalities": list(entity.nationalities),
        "gender": entity.gender,
        "identifiers": {kind: list(values) for kind, values in sorted(entity.identifiers.items())},
        "details": dict(sorted(entity.details.items())),
    }


def entity_from_data(data: dict[str, Any]) -> Entity:
    return Entity(
        id=data["id"],
        schema=data["schema"],
        names=tuple(data.get("names", ())),
        birth_dates=tuple(data.get("birth_dates", ())),
        nationalities=tuple(data.get("nationalities", ())),
        gender=data.get("gender"),
        identifiers={kind: tuple(values) for kind, values in data.get("identifiers", {}).items()},
        details=dict(data.get("details", {})),
    )


def content_hash(data: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def search_name(names: Iterable[str]) -> str:
    return " | ".join(" ".join(name_tokens(name)) for name in names)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
