"""US Consolidated Screening List (``csl.csv``, one header row).

The columns used are ``source, entity_number, type, programs, name, alt_names, dates_of_birth,
nationalities, citizenships, call_sign, vessel_type, vessel_flag, vessel_owner, ids, remarks``. ``type`` is
``Individual``, ``Entity`` or ``Vessel``, and empty for lists that do not say (then the record is a
``LegalEntity``: it may be a person or an organisation). ``ids`` is ``[country, ]number, kind`` items
separated by ``;``.
"""

from __future__ import annotations

import csv
from pathlib import Path

from ..errors import InputError
from ..model import Entity, ListInfo, Schema
from .common import open_text, parse_dates, split_list, unique

REQUIRED = ("source", "entity_number", "type", "name", "alt_names", "ids")
_TYPES: dict[str, Schema] = {
    "individual": "Person",
    "entity": "Organization",
    "vessel": "Vessel",
    "": "LegalEntity",
}


def _identifiers(text: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for item in split_list(text):
        parts = [p.strip() for p in item.split(",")]
        if len(parts) < 2:
            continue
        kind_text, number = parts[-1].lower(), parts[-2]
        if "passport" in kind_text:
            kind = "passport"
        elif "vessel registration" in kind_text or number.upper().startswith("IMO "):
            kind = "imo"
        elif "mmsi" in kind_text:
            kind = "mmsi"
        elif "national id" in kind_text or "cedula" in kind_text:
            kind = "national_id"
        else:
            continue
        out.setdefault(kind, []).append(number)
    return out


def read_csl(path: Path) -> tuple[ListInfo, list[Entity]]:
    entities: list[Entity] = []
    with open_text(path) as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(path, f"missing column(s): {', '.join(missing)}", 1)
        for n, row in enumerate(reader, start=1):
            lineno = reader.line_num
            type_ = (row.get("type") or "").strip().lower()
            if type_ not in _TYPES:
                raise InputError(path, f"unknown type {row['type']!r}", lineno)
            name = (row.get("name") or "").strip()
            if not name:
                raise InputError(path, "row without a name", lineno)
            number = (row.get("entity_number") or "").strip()
            ids = _identifiers(row.get("ids") or "")
            if row.get("call_sign"):
                ids.setdefault("call_sign", []).append(row["call_sign"].strip())
            dobs = [d for text in split_list(row.get("dates_of_birth")) for d in parse_dates(text)]
            nationalities = split_list(row.get("nationalities")) + split_list(row.get("citizenships"))
            details = {
                k: (row.get(k) or "").strip()
                for k in ("source", "programs", "vessel_type", "vessel_flag", "vessel_owner", "remarks")
            }
            entities.append(
                Entity(
                    id=f"csl-{number}" if number else f"csl-row{n}",
                    schema=_TYPES[type_],
                    names=unique([name, *split_list(row.get("alt_names"))]),
                    birth_dates=unique(dobs),
                    nationalities=unique(nationalities),
                    identifiers={k: unique(v) for k, v in ids.items()},
                    details={k: v for k, v in details.items() if v},
                )
            )
    return ListInfo(source=path.name, format="csl", entity_count=len(entities)), entities
