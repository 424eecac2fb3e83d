"""The kept refresh alone, again, on a database ``refresh_db.py`` filled: the day's lines (declarations "N...")
are merged into statistics kept from the lines before them, the touched cells written and the day's lines
scored, in a transaction rolled back, ``--runs`` times with a ``VACUUM`` of the written tables between runs
(what autovacuum does between two days' loads). Run ``VACUUM ANALYZE`` once after ``refresh_db.py``: a
table of millions of rows just copied in has no statistics for the planner yet.

    CARIBCLEAR_DEBUG=1 DATABASE_URL=postgres://... .venv/bin/python bench/valuation/kept_refresh.py --runs 5
"""

from __future__ import annotations

import argparse
import copy
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caribclear.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import override_settings  # noqa: E402
from scale import END  # noqa: E402

from caribclear.valuation import services, stats  # noqa: E402
from caribclear.valuation.models import Cell, DeclarationLine, LineScore  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    period = services.current_period(END)
    new_ids = list(DeclarationLine.objects.filter(declaration__startswith="N").values_list("pk", flat=True))
    if not new_ids:
        sys.exit("no day's lines: fill the database with refresh_db.py first")
    older = DeclarationLine.objects.filter(date__gte=period.start, date__lte=period.end, pk__lt=min(new_ids))
    kept = stats.Statistics(services._frame(older), period)
    print(f"{connection.vendor}, {older.count():,} lines kept, a day of {len(new_ids):,}")
    for run in range(args.runs):
        with transaction.atomic():
            services._KEPT["lines"] = services._Kept(
                connection.settings_dict["NAME"], copy.deepcopy(kept), min(new_ids) - 1
            )
            wall, cpu = time.perf_counter(), time.process_time()
            with override_settings(VALUATION_KEEP_STATISTICS=True):
                services.cells_refresh(new_line_ids=new_ids, today=END)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            transaction.set_rollback(True)
        print(f"run {run + 1}: {wall:.1f} s wall, {cpu:.1f} s CPU; load average {os.getloadavg()[0]:.1f}")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for model in (Cell, LineScore):
                    cursor.execute(f"VACUUM {connection.ops.quote_name(model._meta.db_table)}")


if __name__ == "__main__":
    main()
