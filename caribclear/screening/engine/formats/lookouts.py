"""A simple CSV for an administration's own lookouts, and for query files.

Columns (one header row, UTF-8; only ``id`` and ``name`` are required, the others may be absent or empty):

===============  ======================================================================================
id               unique reference of the record in the administration's system
schema           ``Person`` (default), ``Vessel``, ``Organization`` or ``LegalEntity``
name             the main name, in any order or script (``GARCIA LOPEZ, Maria`` is fine)
aliases          other names, separated by ``;``
birth_date       ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``; several separated by ``;``
nationality      ISO 3166 codes (``JM``, ``JAM``) or country names, separated by ``;``
gender           ``male``/``female`` (``M``/``F`` accepted)
passport_number  travel document numbers, separated by ``;``
imo_number       IMO ship numbers (vessels)
mmsi             MMSI numbers (vessels)
call_sign        radio call signs (vessels)
notes            free text shown to the officer, never matched on
===============  ======================================================================================

A query CSV is the same format; the smallest one has the columns ``id,name,birth_date,nationality,gender``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import cast

from ..dates import parse_partial
from ..errors import InputError
from ..model import SCHEMAS, Entity, ListInfo, Schema
from ..normalize import normalize_gender
from .common import open_text, split_list, unique

COLUMNS = (
    "id",
    "schema",
    "name",
    "aliases",
    "birth_date",
    "nationality",
    "gender",
    "passport_number",
    "imo_number",
    "mmsi",
    "call_sign",
    "notes",
)
REQUIRED = ("id", "name")
_ID_COLUMNS = {"passport_number": "passport", "imo_number": "imo", "mmsi": "mmsi", "call_sign": "call_sign"}


def iter_lookouts(path: Path) -> Iterator[Entity]:
    """Entities of a lookout or query CSV, in file order; bad rows raise :class:`InputError`."""
    with open_text(path) as fh:
        reader = csv.DictReader(fh)
        header = [h.strip() for h in reader.fieldnames or []]
        reader.fieldnames = header
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise InputError(path, f"missing column(s): {', '.join(missing)} (header is {header})", 1)
        seen: set[str] = set()
        for row in reader:
            lineno = reader.line_num
            if None in row:
                raise InputError(path, "more fields than columns in the header", lineno)
            get = {k: (v or "").strip() for k, v in row.items()}
            entity_id = get.get("id", "")
            if not entity_id:
                raise InputError(path, "empty id", lineno)
            if entity_id in seen:
                raise InputError(path, f"id {entity_id!r} appears twice", lineno)
            seen.add(entity_id)
            name = get.get("name", "")
            if not name:
                raise InputError(path, f"record {entity_id!r} has no name", lineno)
            schema = get.get("schema") or "Person"
            if schema not in SCHEMAS:
                raise InputError(path, f"schema {schema!r} is not one of {', '.join(SCHEMAS)}", lineno)
            dobs = split_list(get.get("birth_date"))
            for d in dobs:
                if parse_partial(d) is None:
                    raise InputError(path, f"birth_date {d!r} is not YYYY-MM-DD, YYYY-MM or YYYY", lineno)
            gender = get.get("gender") or None
            if gender and normalize_gender(gender) is None:
                raise InputError(path, f"gender {gender!r} is not male or female", lineno)
            identifiers = {
                kind: unique(split_list(get.get(col)))
                for col, kind in _ID_COLUMNS.items()
                if split_list(get.get(col))
            }
            yield Entity(
                id=entity_id,
                schema=cast(Schema, schema),
                names=unique([name, *split_list(get.get("aliases"))]),
                birth_dates=unique(dobs),
                nationalities=unique(split_list(get.get("nationality"))),
                gender=normalize_gender(gender),
                identifiers=identifiers,
                details={"notes": get["notes"]} if get.get("notes") else {},
            )


def read_lookouts(path: Path) -> tuple[ListInfo, list[Entity]]:
    entities = list(iter_lookouts(path))
    return ListInfo(source=path.name, format="csv", entity_count=len(entities)), entities
