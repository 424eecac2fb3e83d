"""Time the file readers on large generated files: a cruise ship's PAXLST and a container ship's CUSCAR.

    .venv/bin/python bench/readers/run.py [--passengers 6000] [--consignments 10000] [--repeat 3]

Single process. The files are generated in memory (seeded, realistic: wrapped Type-B telex lines for the
PAXLST, two goods items and a container per consignment for the CUSCAR) and each read is timed from
bytes to the result, including the checks (ISO 6346, vague descriptions, counts).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from stdnum import iso6346

from caribclear.cargo.readers import read_manifest
from caribclear.passengers.readers import read_passenger_list

SURNAMES = [
    "SMITH",
    "GARCIA",
    "MULLER",
    "ROSSI",
    "DUBOIS",
    "JOHNSON",
    "NGUYEN",
    "SILVA",
    "KOWALSKI",
    "O?'BRIEN",
]
GIVEN = ["ANA", "JOHN", "MARIE", "LUCA", "SOFIA", "DAVID", "AMINA", "PETER", "CHLOE", "RAJ"]
GOODS = [
    "RUM IN GLASS BOTTLES",
    "FROZEN CHICKEN LEGS",
    "CEMENT IN BAGS",
    "USED CAR TYRES",
    "LAPTOP COMPUTERS",
    "CANNED TUNA",
]


def paxlst(n: int, rng: random.Random) -> bytes:
    segs = [
        "UNB+UNOA:4+RCLAPI:ZZ+BBAPIS:ZZ+261201:0600+1",
        "UNG+PAXLST+RCLAPI:ZZ+BBAPIS:ZZ+261201:0600+1+UN+D:05B",
        "UNH+1+PAXLST:D:05B:UN:IATA+VOY123/261201/0800+01:F",
        "BGM+745",
        "NAD+MS+++RCL HELP DESK",
        "TDT+20+VOY123+1++RCL:172+++9383936:146::ALLURE OF THE SEAS:BS",
        "LOC+125+USMIA",
        "DTM+189:2612011700:201",
        "LOC+87+BBBGI",
        "DTM+232:2612040800:201",
    ]
    for i in range(n):
        segs += [
            f"NAD+FL+++{rng.choice(SURNAMES)}:{rng.choice(GIVEN)}",
            f"ATT+2++{rng.choice('MF')}",
            f"DTM+329:{rng.randint(1940, 2020)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}:102",
            "LOC+178+USMIA",
            "LOC+179+BBBGI",
            f"NAT+2+{rng.choice(['USA', 'GBR', 'CAN', 'DEU', 'BRB'])}",
            f"RFF+AVF:{rng.randrange(36**6):06X}",
            f"DOC+P:110:111+P{i:08d}",
            f"DTM+36:{rng.randint(2027, 2036)}0101:102",
            f"LOC+91+{rng.choice(['USA', 'GBR', 'CAN'])}",
        ]
    segs += [f"CNT+42:{n}", f"UNT+{len(segs) - 2 + 2}+1", "UNE+1+1", "UNZ+1+1"]
    text = "UNA:+.? '" + "'".join(segs) + "'"
    wrapped = "\r\n".join(text[i : i + 64] for i in range(0, len(text), 64))
    return ("QU BGIXXXX\r\n.RCLAPI 010600\r\n" + wrapped + "\r\n\r\nNNNN\r\n").encode()


def container(rng: random.Random) -> str:
    base = rng.choice(["MSCU", "MAEU", "CMAU", "HLXU"]) + f"{rng.randrange(10**6):06d}"
    return base + iso6346.calc_check_digit(base)


def cuscar(n: int, rng: random.Random) -> bytes:
    segs = [
        "UNB+UNOC:3+MSCAGENT:ZZ+BBCUSTOMS:ZZ+261201:0600+500",
        "UNH+1+CUSCAR:D:96B:UN",
        "BGM+785+MSC-612W+9",
        "TDT+20+612W+1++MSC:172:166:MSC+++9321483:146::MSC CARIBBEAN:PA",
        "LOC+5+DOPOP",
        "DTM+133:202612010800:203",
        "LOC+60+BBBGI",
        "DTM+132:202612031400:203",
    ]
    for i in range(n):
        box = container(rng)
        segs += [
            f"CNI+{i + 1}+MEDU{i:08d}",
            f"NAD+CZ+++SHIPPER {i % 500}+STREET {i % 97}+SANTO DOMINGO++10101+DO",
            f"NAD+CN+BB{i % 900:08d}:ZZZ++CONSIGNEE {i % 900}+BAY STREET+BRIDGETOWN++BB11000+BB",
            "LOC+9+DOPOP",
            "LOC+11+BBBGI",
            f"EQD+CN+{box}+45G1+2++5",
            f"SEL+S{i:07d}+CA",
        ]
        for j in (1, 2):
            segs += [
                f"GID+{j}+{rng.randint(1, 900)}:{rng.choice(['BX', 'CT', 'PK', 'BG'])}",
                f"FTX+AAA+++{rng.choice(GOODS)}",
                f"PIA+5+{rng.randint(10, 97):02d}{rng.randint(1, 99):02d}{rng.randint(0, 99):02d}:HS",
                f"MEA+WT+G+KGM:{rng.randint(50, 25000)}",
                f"SGP+{box}",
            ]
    segs += [f"UNT+{len(segs)}+1", "UNZ+1+500"]
    return ("\r\n".join(s + "'" for s in segs) + "\r\n").encode()


def timed(label: str, fn: Callable[[], Any], repeat: int) -> None:
    best = best_cpu = float("inf")
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - start_cpu)
    counts = result.to_json()["counts"]
    print(
        f"{label}: best of {repeat}: {best:.3f} s wall, {best_cpu:.3f} s CPU  "
        f"counts={counts}  errors={len(result.errors)} warnings={len(result.warnings)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--passengers", type=int, default=6000)
    parser.add_argument("--consignments", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    pax = paxlst(args.passengers, rng)
    car = cuscar(args.consignments, rng)
    print(f"PAXLST {len(pax) / 1e6:.1f} MB, CUSCAR {len(car) / 1e6:.1f} MB (python {sys.version.split()[0]})")
    timed(f"PAXLST {args.passengers} passengers", lambda: read_passenger_list(pax), args.repeat)
    timed(f"CUSCAR {args.consignments} consignments", lambda: read_manifest(car), args.repeat)


if __name__ == "__main__":
    main()
