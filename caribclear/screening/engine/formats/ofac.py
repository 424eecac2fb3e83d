"""OFAC Specially Designated Nationals list, legacy CSV files.

``sdn.csv`` has no header; its columns are ``ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign,
Vess_type, Tonnage, GRT, Vess_flag, Vess_owner, Remarks`` and ``-0-`` means empty. Aliases are in
``alt.csv`` (``ent_num, alt_num, alt_type, alt_name, alt_remarks``) and addresses in ``add.csv``
(``ent_num, add_num, address, city/state/postal, country, add_remarks``), both found beside the SDN file
(``sdn.csv``/``alt.csv``/``add.csv`` or ``*_sdn.csv``/``*_alt.csv``/``*_add.csv``). People's dates of birth,
nationalities, passports and gender are written in the remarks, as are vessels' IMO and MMSI numbers.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError
from ..model import Entity, ListInfo, Schema
from .common import open_text, parse_dates, unique

EMPTY = "-0-"
_TYPES: dict[str, Schema | None] = {
    "individual": "Person",
    "vessel": "Vessel",
    "aircraft": None,
    "": "Organization",
}
_AKA = re.compile(r"^(?:a\.k\.a\.|f\.k\.a\.|n\.k\.a\.)\s*'(.+)'$", re.I)
_PASSPORT = re.compile(r"^(?:alt\.\s*)?Passport\s+(?:No\.?\s*)?([^()]+?)\s*(?:\(([^)]*)\))?$", re.I)
_NATIONAL_ID = re.compile(
    r"^(?:alt\.\s*)?(?:National ID No\.|Cedula No\.|Identification Number|D\.N\.I\.)"
    r"\s*([^()]+?)\s*(?:\(.*)?$",
    re.I,
)
_NATIONALITY = re.compile(r"^(?:alt\.\s*)?(?:nationality|citizen)\s+(.+)$", re.I)
_DOB = re.compile(r"^(?:alt\.\s*)?DOB\s+(.+)$", re.I)
_GENDER = re.compile(r"^Gender\s+(Male|Female)$", re.I)
_IMO = re.compile(r"IMO\s+(\d{7})")
_MMSI = re.compile(r"MMSI\s+(\d{9})")


def _val(value: str) -> str:
    value = value.strip()
    return "" if value == EMPTY else value


def companion(sdn_path: Path, kind: str) -> Path:
    """``sdn.csv`` -> ``alt.csv``; ``ofac_sdn.csv`` -> ``ofac_alt.csv``."""
    name = sdn_path.name
    lowered = name.lower()
    if "sdn" in lowered:
        i = lowered.rindex("sdn")
        return sdn_path.with_name(name[:i] + kind + name[i + 3 :])
    return sdn_path.with_name(f"{kind}.csv")


def _remarks(remarks: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {
        "names": [],
        "dobs": [],
        "nationalities": [],
        "passport": [],
        "national_id": [],
        "imo": [],
        "mmsi": [],
        "gender": [],
        "linked": [],
    }
    for part in remarks.split(";"):
        part = part.strip().rstrip(".").strip()
        if not part:
            continue
        if m := _AKA.match(part):
            out["names"].append(m.group(1))
        elif m := _DOB.match(part):
            out["dobs"].extend(parse_dates(m.group(1)))
        elif m := _NATIONALITY.match(part):
            out["nationalities"].append(m.group(1))
        elif m := _PASSPORT.match(part):
            out["passport"].append(m.group(1))
        elif m := _NATIONAL_ID.match(part):
            out["national_id"].append(m.group(1))
        elif m := _GENDER.match(part):
            out["gender"].append(m.group(1).lower())
        elif part.startswith("Linked To:"):
            out["linked"].append(part.removeprefix("Linked To:").strip())
        else:
            out["imo"].extend(_IMO.findall(part))
            out["mmsi"].extend(_MMSI.findall(part))
    return out


def read_ofac(sdn_path: Path) -> tuple[ListInfo, list[Entity]]:
    """Read ``sdn.csv`` and, when present beside it, its ``alt.csv`` and ``add.csv``."""
    aliases: dict[str, list[str]] = {}
    alt_path = companion(sdn_path, "alt")
    if alt_path.exists():
        for lineno, row in _numbered(alt_path, 5):
            ent, name = _val(row[0]), _val(row[3])
            if not ent or not name:
                raise InputError(alt_path, "alias row without entity number or name", lineno)
            aliases.setdefault(ent, []).append(name)
    addresses: dict[str, list[str]] = {}
    add_path = companion(sdn_path, "add")
    if add_path.exists():
        for _lineno, row in _numbered(add_path, 6):
            text = ", ".join(v for v in (_val(c) for c in row[2:5]) if v)
            if text:
                addresses.setdefault(_val(row[0]), []).append(text)

    entities: list[Entity] = []
    skipped = 0
    for lineno, row in _numbered(sdn_path, 12):
        ent = _val(row[0])
        if not ent.isdigit():
            raise InputError(sdn_path, f"entity number {row[0]!r} is not a number", lineno)
        sdn_type = _val(row[2]).lower()
        if sdn_type not in _TYPES:
            raise InputError(sdn_path, f"unknown SDN type {row[2]!r}", lineno)
        schema = _TYPES[sdn_type]
        if schema is None:
            skipped += 1
            continue
        remarks = _val(row[11])
        facts = _remarks(remarks)
        identifiers: dict[str, tuple[str, ...]] = {}
        call_sign = _val(row[5])
        if call_sign:
            identifiers["call_sign"] = (call_sign,)
        for kind in ("passport", "national_id", "imo", "mmsi"):
            if facts[kind]:
                identifiers[kind] = unique(facts[kind])
        details = {
            "programs": _val(row[3]),
            "title": _val(row[4]),
            "vessel_type": _val(row[6]),
            "tonnage": _val(row[7]),
            "gross_registered_tonnage": _val(row[8]),
            "flag": _val(row[9]),
            "owner": _val(row[10]),
            "remarks": remarks,
            "addresses": " | ".join(addresses.get(ent, [])),
            "linked_to": " | ".join(facts["linked"]),
        }
        entities.append(
            Entity(
                id=f"ofac-{ent}",
                schema=schema,
                names=unique([_val(row[1]), *aliases.get(ent, []), *facts["names"]]),
                birth_dates=unique(facts["dobs"]),
                nationalities=unique(facts["nationalities"]),
                gender=facts["gender"][0] if facts["gender"] else None,
                identifiers=identifiers,
                details={k: v for k, v in details.items() if v},
            )
        )
    info = ListInfo(source=str(sdn_path.name), format="ofac", entity_count=len(entities), skipped=skipped)
    return info, entities


def _numbered(path: Path, width: int) -> Iterator[tuple[int, list[str]]]:
    """CSV rows with the line they start on (a quoted field may span lines)."""
    with open_text(path) as fh:
        reader = csv.reader(fh)
        start = 1
        for row in reader:
            lineno = start
            start = reader.line_num + 1
            if not row or (len(row) == 1 and row[0].strip() in {"", "\x1a"}):
                continue  # blank line, or the DOS end-of-file marker OFAC files end with
            if len(row) != width:
                raise InputError(path, f"expected {width} columns, found {len(row)}", lineno)
            yield lineno, row
