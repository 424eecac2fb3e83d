"""What the check of a list costs before screening: the list loaded for it (``PassengerListKind.load``),
its subjects and its facts, timed alone on a database that `run.py` filled (its largest list).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_pax_bench CARIBCLEAR_DEBUG=1 \\
        .venv/bin/python bench/passengers/check_load.py [--root PATH] [--repeat 7]

``--root`` runs another checkout's code on the same database (the code before a change, from
``git archive``), so the two are compared on the same rows. The garbage collector is off while timing:
the figure is the code's own CPU time, not a collection that happens to fall in it.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--root", default=str(Path(__file__).resolve().parents[2]))
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    sys.path.insert(0, args.root)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caribclear.settings")
    import django

    django.setup()
    from django.db.models import Count

    from caribclear.core.declarations import kind_of
    from caribclear.passengers import declaration
    from caribclear.passengers.models import TravelList

    kind = kind_of("passengers.list")
    travel_list = (
        TravelList.objects.exclude(declaration=None)
        .annotate(n=Count("travellers"))
        .order_by("-n", "pk")
        .first()
    )
    assert travel_list is not None and travel_list.declaration_id is not None, "run run.py first"
    pk = travel_list.declaration_id
    gc.disable()
    cpu, wall = [], []
    for _i in range(args.repeat):
        t0, w0 = time.process_time(), time.perf_counter()
        record = kind.load([pk])[pk]
        subjects = kind.subjects(record)
        facts = kind.facts(record)
        cpu.append(time.process_time() - t0)
        wall.append(time.perf_counter() - w0)
        del record
    gc.enable()
    cpu.sort()
    wall.sort()
    middle = len(cpu) // 2
    print(
        f"{Path(declaration.__file__).parents[2]}: list {travel_list.reference} of {travel_list.n:,} travellers "
        f"({len(subjects):,} subjects, {len(facts['age']):,} ages): load, subjects and facts in CPU "
        f"{cpu[middle] * 1000:.0f} ms (median of {len(cpu)}; min {cpu[0] * 1000:.0f} ms), wall "
        f"{wall[middle] * 1000:.0f} ms; load average {'{:.1f} {:.1f} {:.1f}'.format(*os.getloadavg())}"
    )


if __name__ == "__main__":
    main()
