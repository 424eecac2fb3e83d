"""UN Security Council consolidated sanctions list (XML).

``<CONSOLIDATED_LIST>`` holds ``<INDIVIDUALS>/<INDIVIDUAL>`` and ``<ENTITIES>/<ENTITY>``. A person's name
is ``FIRST_NAME`` to ``FOURTH_NAME`` in order, plus ``NAME_ORIGINAL_SCRIPT`` and the aliases (those of quality
``Low`` are weak: kept in the details, not matched on). Dates of birth are ``EXACT`` (a ``DATE`` or a
``YEAR``), ``APPROXIMATELY`` or ``BETWEEN`` two years.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from ..errors import InputError
from ..model import Entity, ListInfo, Schema
from .common import unique, year_range

_DOCUMENT_KINDS = {"passport": "passport", "national identification number": "national_id"}


def _text(el: ET.Element | None, tag: str) -> str:
    if el is None:
        return ""
    found = el.find(tag)
    return (found.text or "").strip() if found is not None else ""


def _values(el: ET.Element, tag: str) -> list[str]:
    return [(v.text or "").strip() for group in el.findall(tag) for v in group.findall("VALUE") if v.text]


def _dates(el: ET.Element) -> list[str]:
    out: list[str] = []
    for dob in el.findall("INDIVIDUAL_DATE_OF_BIRTH"):
        kind = _text(dob, "TYPE_OF_DATE").upper()
        if kind == "BETWEEN":
            start, end = _text(dob, "FROM_YEAR"), _text(dob, "TO_YEAR")
            if start.isdigit() and end.isdigit():
                out.extend(year_range(int(start), int(end)))
            continue
        date, year = _text(dob, "DATE"), _text(dob, "YEAR")
        if date:
            out.append(date[:10])
        elif year.isdigit():
            out.append(year)
    return out


def _entity(el: ET.Element, schema: Schema, alias_tag: str) -> Entity:
    ref = _text(el, "REFERENCE_NUMBER") or _text(el, "DATAID")
    parts = [_text(el, t) for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")]
    names = [" ".join(p for p in parts if p)]
    original = _text(el, "NAME_ORIGINAL_SCRIPT")
    if original:
        names.append(original)
    weak: list[str] = []
    for alias in el.findall(alias_tag):
        name = _text(alias, "ALIAS_NAME")
        if not name:
            continue
        (weak if _text(alias, "QUALITY").lower() == "low" else names).append(name)
    identifiers: dict[str, list[str]] = {}
    for doc in el.findall("INDIVIDUAL_DOCUMENT"):
        kind = _DOCUMENT_KINDS.get(_text(doc, "TYPE_OF_DOCUMENT").lower())
        number = _text(doc, "NUMBER")
        if kind and number:
            identifiers.setdefault(kind, []).append(number)
    details = {
        "reference_number": ref,
        "un_list_type": _text(el, "UN_LIST_TYPE"),
        "listed_on": _text(el, "LISTED_ON"),
        "comments": _text(el, "COMMENTS1"),
        "weak_aliases": " | ".join(weak),
        "titles": " | ".join(_values(el, "TITLE")),
        "designations": " | ".join(_values(el, "DESIGNATION")),
    }
    return Entity(
        id=f"un-{ref}",
        schema=schema,
        names=unique(names),
        birth_dates=unique(_dates(el)),
        nationalities=unique(_values(el, "NATIONALITY")),
        gender=_text(el, "GENDER").lower() or None,
        identifiers={k: unique(v) for k, v in identifiers.items()},
        details={k: v for k, v in details.items() if v},
    )


def read_un(path: Path) -> tuple[ListInfo, list[Entity]]:
    """Read the consolidated list XML."""
    if not path.is_file():
        raise InputError(path, "file not found")
    try:
        root = ET.parse(path).getroot()  # noqa: S314 - see the import
    except ET.ParseError as exc:
        raise InputError(path, f"not well-formed XML: {exc}", exc.position[0]) from exc
    if root.tag != "CONSOLIDATED_LIST":
        raise InputError(path, f"root element is <{root.tag}>, expected <CONSOLIDATED_LIST>")
    entities = [_entity(el, "Person", "INDIVIDUAL_ALIAS") for el in root.iter("INDIVIDUAL")]
    entities += [_entity(el, "Organization", "ENTITY_ALIAS") for el in root.iter("ENTITY")]
    info = ListInfo(
        source=path.name, format="un", published=root.get("dateGenerated"), entity_count=len(entities)
    )
    return info, entities
