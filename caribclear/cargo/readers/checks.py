"""Checks every manifest format shares: descriptions, HS codes, containers, UN numbers, package kinds."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from stdnum import iso6346

from caribclear.edifact.model import Issue, Where

from .model import Consignment, Container, GoodsItem, Manifest

# Descriptions that say nothing about the goods (the EU's ICS2 list of unacceptable terms, abridged).
VAGUE_TERMS = (
    "freight all kinds",
    "general cargo",
    "general merchandise",
    "general goods",
    "said to contain",
    "consolidated cargo",
    "consolidated",
    "consolidation",
    "miscellaneous",
    "merchandise",
    "various goods",
    "various",
    "goods",
    "cargo",
    "misc",
    "fak",
    "stc",
    "n/a",
    "nil",
    "none",
    "tbn",
    "to be advised",
    "as per attached",
    "as per invoice",
    "as per manifest",
    "parts",
    "spare parts",
    "samples",
    "gifts",
    "personal effects",
)
_FILLER = re.compile(
    r"\b(?:of|the|and|in|on|with|for|per|as|attached|list|invoice|manifest|packages?|pkgs?|pieces?|pcs|"
    r"pallets?|plts?|cartons?|ctns?|boxes|box|bags?|x|\d+)\b|[^\w\s]"
)
_TERMS = re.compile(
    r"\b(?:" + "|".join(re.escape(t) for t in sorted(VAGUE_TERMS, key=len, reverse=True)) + r")\b"
)
_CONTAINER = re.compile(r"[A-Z]{3}[UJZR]\d{7}\Z")


def is_vague(description: str) -> bool:
    """True when nothing but vague words (and counts, packaging, fillers) is left of a description."""
    text = description.lower()
    if not text.strip():
        return True
    text = _TERMS.sub(" ", text)
    text = _FILLER.sub(" ", text)
    return not text.strip()


def decimal_or_none(value: str) -> Decimal | None:
    value = value.strip().replace(",", ".") if value else ""
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def int_or_none(value: str) -> int | None:
    number = decimal_or_none(value)
    if number is None or number != number.to_integral_value() or abs(number) > 10**12:
        return None
    return int(number)


def normalise_container(number: str) -> str:
    return re.sub(r"[\s\-./]", "", number.upper())


def check_container(container: Container, strict: bool) -> Issue | None:
    """ISO 6346: a number in container form must carry the right check digit.

    ``strict`` (EQD+CN, an AWMDS container, an XFFM ULD is not strict) makes a number that is not in
    container form an error too.
    """
    number = normalise_container(container.number)
    container.number = number
    if _CONTAINER.match(number):
        container.check_digit_ok = iso6346.is_valid(number)
        if not container.check_digit_ok:
            return Issue(
                "container_check_digit",
                f"Container {number} fails the ISO 6346 check digit (expected {iso6346.calc_check_digit(number[:10])}).",
                container.where,
            )
        return None
    container.check_digit_ok = None
    if strict:
        return Issue(
            "container_number",
            f"{number or 'An empty number'} is not a container number (four letters, six digits, a check digit).",
            container.where,
        )
    return None


def check_manifest(
    manifest: Manifest,
    warnings: list[Issue],
    errors: list[Issue],
    *,
    strict_containers: set[int] | None = None,
) -> None:
    """Add the shared checks' findings to ``warnings`` and ``errors``."""
    strict = strict_containers or set()
    for container in manifest.all_containers():
        issue = check_container(container, id(container) in strict)
        if issue:
            errors.append(issue)
    no_hs = 0
    first_no_hs: Where | None = None
    for consignment in manifest.consignments:
        consolidation = _is_consolidation(consignment)
        if not consignment.bill_number:
            warnings.append(
                Issue("no_bill_number", "A consignment has no bill or waybill number.", consignment.where)
            )
        for item in consignment.goods:
            _check_item(item, consolidation, warnings, errors)
            if not item.hs_code:
                no_hs += 1
                first_no_hs = first_no_hs or item.where
    if no_hs:
        warnings.append(
            Issue(
                "no_hs_code",
                f"{no_hs} goods item(s) have no HS code (the first is here).",
                first_no_hs or Where(),
            )
        )


def _is_consolidation(consignment: Consignment) -> bool:
    return consignment.references.get("consolidation") == "yes"


def _check_item(item: GoodsItem, consolidation: bool, warnings: list[Issue], errors: list[Issue]) -> None:
    if is_vague(item.description) or item.description.lower().startswith("consolidat"):
        if consolidation:
            warnings.append(
                Issue(
                    "consolidation",
                    "A consolidation: the goods are described on the house waybills, which must be filed.",
                    item.where,
                )
            )
        else:
            text = item.description.strip() or "no description"
            errors.append(
                Issue(
                    "vague_description",
                    f"The goods description {text!r} does not say what the goods are (as ICS2 requires).",
                    item.where,
                )
            )
    if item.hs_code:
        digits = re.sub(r"[\s.]", "", item.hs_code)
        if not digits.isdigit() or len(digits) < 6:
            errors.append(
                Issue("hs_code", f"HS code {item.hs_code!r} must have at least 6 digits.", item.where)
            )
        else:
            item.hs_code = digits
    if item.un_number and not re.fullmatch(r"\d{4}", item.un_number):
        errors.append(Issue("un_number", f"UN number {item.un_number!r} must be 4 digits.", item.where))
    if item.package_kind and not re.fullmatch(r"[A-Z0-9]{2}", item.package_kind):
        warnings.append(
            Issue(
                "package_kind",
                f"Package kind {item.package_kind!r} is not a UN/ECE Rec. 21 code.",
                item.where,
            )
        )
    if item.gross_mass_kg is not None and item.gross_mass_kg < 0:
        errors.append(Issue("gross_mass", "A negative gross mass.", item.where))
