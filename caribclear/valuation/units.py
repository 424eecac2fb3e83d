"""Units of quantity, normalised: every unit a declaration may give is turned into one base unit per
dimension (kilograms, litres, units, pairs, square metres, metres, cubic metres, kilowatt-hours...), so a
unit value is always "per base unit" and lines declared in grams and tonnes fall in one cell.

The table maps UN/ECE Recommendation 20 codes (what WCO DM, ASYCUDA and EDIFACT carry) and the plain names
people type to (base unit, factor). Pure Python: no Django.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Unit:
    code: str  # the base unit: kg, l, u, pr, m2, m, m3, kwh, ct
    label: str  # for people: "kg", "litre", "unit", "pair"...


KG = Unit("kg", "kg")
LITRE = Unit("l", "litre")
UNITS = Unit("u", "unit")
PAIR = Unit("pr", "pair")
M2 = Unit("m2", "m²")
METRE = Unit("m", "metre")
M3 = Unit("m3", "m³")
KWH = Unit("kwh", "kWh")
CARAT = Unit("ct", "carat")

BASE_UNITS: dict[str, Unit] = {u.code: u for u in (KG, LITRE, UNITS, PAIR, M2, METRE, M3, KWH, CARAT)}

#: A unit as written (upper-cased, spaces removed) -> (base unit, how many base units one of it is).
CONVERSIONS: dict[str, tuple[Unit, Decimal]] = {
    # mass
    "KG": (KG, Decimal(1)),
    "KGM": (KG, Decimal(1)),
    "KGS": (KG, Decimal(1)),
    "KILOGRAM": (KG, Decimal(1)),
    "KILOGRAMS": (KG, Decimal(1)),
    "G": (KG, Decimal("0.001")),
    "GRM": (KG, Decimal("0.001")),
    "GRAM": (KG, Decimal("0.001")),
    "GRAMS": (KG, Decimal("0.001")),
    "MG": (KG, Decimal("0.000001")),
    "MGM": (KG, Decimal("0.000001")),
    "T": (KG, Decimal(1000)),
    "TNE": (KG, Decimal(1000)),
    "TONNE": (KG, Decimal(1000)),
    "TONNES": (KG, Decimal(1000)),
    "LB": (KG, Decimal("0.45359237")),
    "LBR": (KG, Decimal("0.45359237")),
    "LBS": (KG, Decimal("0.45359237")),
    "OZ": (KG, Decimal("0.028349523125")),
    "ONZ": (KG, Decimal("0.028349523125")),
    # volume
    "L": (LITRE, Decimal(1)),
    "LTR": (LITRE, Decimal(1)),
    "LITRE": (LITRE, Decimal(1)),
    "LITRES": (LITRE, Decimal(1)),
    "LITER": (LITRE, Decimal(1)),
    "LITERS": (LITRE, Decimal(1)),
    "ML": (LITRE, Decimal("0.001")),
    "MLT": (LITRE, Decimal("0.001")),
    "CL": (LITRE, Decimal("0.01")),
    "CLT": (LITRE, Decimal("0.01")),
    "HL": (LITRE, Decimal(100)),
    "HLT": (LITRE, Decimal(100)),
    "GAL": (LITRE, Decimal("3.785411784")),  # US gallon
    "GLL": (LITRE, Decimal("3.785411784")),
    "LPA": (LITRE, Decimal(1)),  # litres of pure alcohol: litres of the alcohol
    # count
    "U": (UNITS, Decimal(1)),
    "NAR": (UNITS, Decimal(1)),
    "C62": (UNITS, Decimal(1)),
    "H87": (UNITS, Decimal(1)),
    "PCE": (UNITS, Decimal(1)),
    "PCS": (UNITS, Decimal(1)),
    "EA": (UNITS, Decimal(1)),
    "EACH": (UNITS, Decimal(1)),
    "UNIT": (UNITS, Decimal(1)),
    "UNITS": (UNITS, Decimal(1)),
    "PIECE": (UNITS, Decimal(1)),
    "PIECES": (UNITS, Decimal(1)),
    "NO": (UNITS, Decimal(1)),
    "NMB": (UNITS, Decimal(1)),
    "DZN": (UNITS, Decimal(12)),
    "DOZEN": (UNITS, Decimal(12)),
    "GRO": (UNITS, Decimal(144)),
    "MIL": (UNITS, Decimal(1000)),  # thousand (cigarettes)
    "NPT": (UNITS, Decimal(1)),  # number of parts
    # pairs
    "PR": (PAIR, Decimal(1)),
    "PAIR": (PAIR, Decimal(1)),
    "PAIRS": (PAIR, Decimal(1)),
    "NPR": (PAIR, Decimal(1)),
    # area, length, volume
    "M2": (M2, Decimal(1)),
    "MTK": (M2, Decimal(1)),
    "SQM": (M2, Decimal(1)),
    "FTK": (M2, Decimal("0.09290304")),
    "M": (METRE, Decimal(1)),
    "MTR": (METRE, Decimal(1)),
    "METRE": (METRE, Decimal(1)),
    "METRES": (METRE, Decimal(1)),
    "CM": (METRE, Decimal("0.01")),
    "CMT": (METRE, Decimal("0.01")),
    "FOT": (METRE, Decimal("0.3048")),
    "YRD": (METRE, Decimal("0.9144")),
    "M3": (M3, Decimal(1)),
    "MTQ": (M3, Decimal(1)),
    "CBM": (M3, Decimal(1)),
    "KWH": (KWH, Decimal(1)),
    "KWT": (KWH, Decimal(1)),  # as ASYCUDA extracts give kWh
    "MWH": (KWH, Decimal(1000)),
    "CT": (CARAT, Decimal(1)),
    "CTM": (CARAT, Decimal(1)),
    "CARAT": (CARAT, Decimal(1)),
}


class UnknownUnit(ValueError):
    pass


def lookup(unit: str) -> tuple[Unit, Decimal]:
    """(base unit, factor) of a unit as written; raises UnknownUnit."""
    key = "".join(str(unit).split()).upper().replace("²", "2").replace("³", "3")
    try:
        return CONVERSIONS[key]
    except KeyError:
        raise UnknownUnit(unit) from None


def normalise(quantity: Decimal, unit: str) -> tuple[Decimal, Unit]:
    """The quantity in its dimension's base unit: 12 DZN is 144 units, 2.5 TNE is 2500 kg."""
    base, factor = lookup(unit)
    return quantity * factor, base


def known_units() -> list[str]:
    return sorted(CONVERSIONS)
