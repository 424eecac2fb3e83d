"""Realistic manifest files for the demo, the tests and the benchmarks: a container ship's CUSCAR calling
at members' ports, with shippers, consignees, containers (ISO 6346 check digits), seals and HS codes."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from stdnum import iso6346

GOODS = [
    ("220840", "RUM IN GLASS BOTTLES 12X75CL", "BX"),
    ("870323", "USED PASSENGER CARS", "NE"),
    ("100630", "RICE, MILLED, IN BAGS OF 50 KG", "BG"),
    ("300490", "MEDICAMENTS IN MEASURED DOSES", "CT"),
    ("940360", "WOODEN FURNITURE FOR OFFICES", "PK"),
    ("847130", "PORTABLE COMPUTERS", "CT"),
    ("392330", "PLASTIC BOTTLES AND PREFORMS", "PK"),
    ("690721", "CERAMIC FLOOR TILES", "PX"),
    ("040221", "MILK POWDER IN BAGS", "BG"),
    ("721420", "STEEL REINFORCING BARS", "BE"),
    ("611020", "COTTON SWEATERS", "CT"),
    ("160414", "CANNED TUNA IN OIL", "CT"),
]


@dataclass
class Call:
    locode: str
    function: str  # "departure" (LOC+5), "call" (LOC+92) or "arrival" (LOC+60)
    at: dt.datetime


@dataclass
class Bill:
    number: str
    loading: str
    discharge: str
    consignor: tuple[str, str, str]  # name, city, country
    consignee: tuple[str, str, str, str]  # id, name, city, country
    goods: list[tuple[str, str, str, int, int]] = field(default_factory=list)  # hs, text, kind, packages, kg
    container: str = ""
    seal: str = ""
    transhipment: str = ""
    house_of: str = ""


def container_number(rng: random.Random, owner: str = "") -> str:
    base = (owner or rng.choice(["MSCU", "MAEU", "CMAU", "HLXU", "TGHU"])) + f"{rng.randrange(10**6):06d}"
    return base + iso6346.calc_check_digit(base)


def _edi(value: str) -> str:
    return "".join("?" + c if c in "+:'?" else c for c in value)


def _time(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y%m%d%H%M")


def cuscar(
    *,
    lrn: str,
    voyage: str,
    vessel: tuple[str, str, str, str],
    carrier: tuple[str, str],
    calls: list[Call],
    bills: list[Bill],
    control: str = "500",
) -> bytes:
    """A CUSCAR D96B interchange: vessel = (name, IMO, call sign, flag); carrier = (code, name)."""
    name, imo, call_sign, flag = vessel
    segs = [
        f"UNB+UNOC:3+{_edi(carrier[0])}AGENT:ZZ+CARIBCLEAR:ZZ+{calls[0].at.strftime('%y%m%d')}:0600+{control}",
        "UNH+1+CUSCAR:D:96B:UN",
        f"BGM+785+{_edi(lrn)}+9",
        f"TDT+20+{_edi(voyage)}+1++{_edi(carrier[0])}:172:166:{_edi(carrier[1])}+++{imo}:146:{_edi(call_sign)}:{_edi(name)}:{flag}",
    ]
    for call in calls:
        qualifier = {"departure": "5", "call": "92", "arrival": "60"}[call.function]
        segs += [
            f"LOC+{qualifier}+{call.locode}",
            f"DTM+{'133' if call.function == 'departure' else '132'}:{_time(call.at)}:203",
        ]
    for n, bill in enumerate(bills, start=1):
        segs.append(f"CNI+{n}+{_edi(bill.number)}")
        if bill.house_of:
            segs += [f"DOC+714+{_edi(bill.number)}", f"RFF+MB:{_edi(bill.house_of)}"]
        c_name, c_city, c_country = bill.consignor
        e_id, e_name, e_city, e_country = bill.consignee
        segs += [
            f"NAD+CZ+++{_edi(c_name)}+PORT ROAD 1+{_edi(c_city)}+++{c_country}",
            f"NAD+CN+{_edi(e_id)}:ZZZ++{_edi(e_name)}+BAY STREET 1+{_edi(e_city)}+++{e_country}",
            f"LOC+9+{bill.loading}",
            f"LOC+11+{bill.discharge}",
        ]
        if bill.transhipment:
            segs.append(f"LOC+13+{bill.transhipment}")
        if bill.container:
            segs.append(f"EQD+CN+{bill.container}+45G1+2++5")
            if bill.seal:
                segs.append(f"SEL+{_edi(bill.seal)}+CA")
        for j, (hs, text, kind, packages, kg) in enumerate(bill.goods, start=1):
            segs += [
                f"GID+{j}+{packages}:{kind}",
                f"FTX+AAA+++{_edi(text)}",
                f"PIA+5+{hs}:HS",
                f"MEA+WT+G+KGM:{kg}",
            ]
            if bill.container:
                segs.append(f"SGP+{bill.container}")
    segs += [f"UNT+{len(segs)}+1", f"UNZ+1+{control}"]
    return ("\r\n".join(s + "'" for s in segs) + "\r\n").encode()


def container_ship(
    *,
    n: int,
    rng: random.Random,
    lrn: str,
    voyage: str,
    departs: dt.datetime,
    discharge: list[str],
    loading: str = "DOPOP",
    items_per_bill: int = 2,
) -> bytes:
    """A container ship leaving ``loading`` and calling at each port of ``discharge`` a day apart, with
    ``n`` bills spread over them, ``items_per_bill`` goods items each."""
    calls = [Call(loading, "departure", departs)] + [
        Call(port, "call" if i < len(discharge) - 1 else "arrival", departs + dt.timedelta(days=i + 2))
        for i, port in enumerate(discharge)
    ]
    bills = []
    for i in range(n):
        port = discharge[i % len(discharge)]
        goods = []
        for _j in range(items_per_bill):
            hs, text, kind = rng.choice(GOODS)
            packages = rng.randint(1, 900)
            goods.append((hs, text, kind, packages, packages * rng.randint(5, 40)))
        bills.append(
            Bill(
                number=f"{voyage}{i:07d}",
                loading=loading,
                discharge=port,
                consignor=(f"EXPORTADORA {i % 500}", "SANTO DOMINGO", "DO"),
                consignee=(f"{port[:2]}{i % 900:08d}", f"IMPORTER {i % 900} LTD", "CITY", port[:2]),
                goods=goods,
                container=container_number(rng),
                seal=f"S{i:07d}",
            )
        )
    return cuscar(
        lrn=lrn,
        voyage=voyage,
        vessel=("MSC CARIBBEAN", "9321483", "3FZA7", "PA"),
        carrier=("MSC", "MEDITERRANEAN SHIPPING CO"),
        calls=calls,
        bills=bills,
    )
