"""Where a refresh's time goes in the database: reading the lines back, the statistics, writing the cells,
scoring the new lines; the service as it was before the scale work of issue 13 and as it is now, on the
same lines, in one run. Needs a migrated database of its own (it loads synthetic lines into it):

    CARIBCLEAR_DEBUG=1 DATABASE_URL=sqlite:///var/bench-valuation.sqlite3 .venv/bin/python manage.py migrate
    CARIBCLEAR_DEBUG=1 DATABASE_URL=sqlite:///var/bench-valuation.sqlite3 \\
        .venv/bin/python bench/valuation/refresh_db.py [--lines 300000] [--day 15000] [--versions now,kept]

Both versions run in a transaction that is rolled back, so they start from the same stored cells.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caribclear.settings")

import django

django.setup()

import before  # noqa: E402
import polars as pl  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import override_settings  # noqa: E402
from scale import END, Clock, generate  # noqa: E402

from caribclear.accounts.models import Administration  # noqa: E402
from caribclear.core import bulk  # noqa: E402
from caribclear.valuation import scoring, services, stats, synthetic  # noqa: E402
from caribclear.valuation.models import Cell, DeclarationLine, ImportBatch, LineScore  # noqa: E402
from caribclear.valuation.pooling import pooling_rule  # noqa: E402
from caribclear.valuation.seed import UNIT_CODES  # noqa: E402


def store(lines: pl.DataFrame, batches: dict[int, ImportBatch], prefix: str) -> list[int]:
    """Insert the generated lines in bulk (COPY on PostgreSQL); returns their ids."""
    columns = [
        "administration_id", "batch_id", "declaration", "line", "date", "hs_code", "hs6", "hs4", "description",
        "origin", "quantity", "unit_declared", "quantity_base", "unit", "value", "currency", "value_reference",
        "log_unit_value", "importer", "exporter", "incoterm",
    ]  # fmt: skip
    ops = connection.ops
    rows = [
        (
            batches[admin].administration_id,
            batches[admin].pk,
            f"{prefix}{index}",
            "1",
            ops.adapt_datefield_value(day),
            hs,
            hs[:6],
            hs[:4],
            "",
            origin,
            "1",  # one unit of the base unit, so the value is the unit value (check_latency.py reads it back)
            UNIT_CODES[unit],
            "1",
            unit,
            f"{math.exp(luv):.4f}",
            "USD",
            f"{math.exp(luv):.4f}",
            luv,
            importer,
            exporter,
            "",
        )
        for index, (hs, origin, exporter, unit, luv, importer, admin, day) in enumerate(
            lines.select("hs", "origin", "exporter", "unit", "luv", "importer", "admin", "day").iter_rows()
        )
    ]
    bulk.insert(DeclarationLine._meta.db_table, columns, rows)
    first = DeclarationLine.objects.filter(declaration=f"{prefix}0").values_list("pk", flat=True).get()
    return list(
        DeclarationLine.objects.filter(pk__gte=first, declaration__startswith=prefix).values_list(
            "pk", flat=True
        )
    )


def before_refresh(new_line_ids: list[int], period: stats.Period) -> list[Clock]:
    """``cells_refresh`` as it was: the ORM's values_list, the old engine, bulk_create, bulk_update."""
    clocks = [Clock("  read the lines back (values_list)"), Clock("  statistics (engine before)")]
    clocks += [Clock("  write the cells (bulk_create)"), Clock("  score the new lines (ORM, bulk_update)")]
    window = DeclarationLine.objects.filter(date__gte=period.start, date__lte=period.end)
    with clocks[0]:
        new = stats.frame(
            DeclarationLine.objects.filter(pk__in=new_line_ids).values_list(*services.LINE_COLUMNS).iterator()
        )
        lines = stats.frame(
            window.filter(hs4__in=new["hs4"].unique().to_list())
            .values_list(*services.LINE_COLUMNS)
            .iterator(chunk_size=20_000)
        )
    with clocks[1]:
        table = before.refresh(lines, new, period)
    with clocks[2]:
        cells = [
            Cell(
                **{k: row[k] for k in services.CELL_KEY},
                period_start=period.start,
                period_end=period.end,
                **{k: row[k] for k in services.CELL_FIELDS if k in row},
            )
            for row in table.with_columns(
                hs4=pl.when(pl.col("hs4") != "").then("hs4").otherwise(pl.col("hs6").str.slice(0, 4))
            ).iter_rows(named=True)
        ]
        Cell.objects.bulk_create(
            cells, batch_size=2000, update_conflicts=True, unique_fields=services.CELL_KEY,
            update_fields=services.CELL_FIELDS,
        )  # fmt: skip
    with clocks[3]:
        rows = list(DeclarationLine.objects.filter(pk__in=new_line_ids))
        rule = pooling_rule()
        index = {
            services._cell_key(c["level"], c): c
            for c in Cell.objects.filter(hs4__in={line.hs4 for line in rows}).values()
        }
        scores = []
        for line in rows:
            keys = scoring.cell_keys(
                hs=line.hs_code, origin=line.origin, exporter=line.exporter, unit=line.unit
            )
            found = {level: index.get(services._cell_key(level, key)) for level, key in keys.items()}
            scores.append(
                LineScore(line=line, score=scoring.score_line(line.log_unit_value, found, rule).score)
            )
        LineScore.objects.bulk_create(
            scores, batch_size=2000, update_conflicts=True, unique_fields=["line"], update_fields=["score"]
        )
    return clocks


def after_refresh(new_line_ids: list[int], period: stats.Period) -> list[Clock]:
    """``cells_refresh`` now, step by step (the same calls, timed apart)."""
    clocks = [Clock("  read the lines back (one cursor)"), Clock("  statistics (engine now)")]
    clocks += [Clock("  write the cells (bulk upsert)"), Clock("  score the new lines (bulk update)")]
    window = DeclarationLine.objects.filter(date__gte=period.start, date__lte=period.end)
    with clocks[0]:
        new = services._frame(DeclarationLine.objects.filter(pk__in=new_line_ids))
        lines = services._frame(window.filter(hs4__in=new["hs4"].unique().to_list()))
    with clocks[1]:
        table = stats.refresh(lines, new, period)
    with clocks[2]:
        services._store_cells(table, period)
    with clocks[3]:
        services._score_stored(DeclarationLine.objects.filter(pk__in=new_line_ids), table)
    return clocks


def kept_refresh(new_line_ids: list[int], period: stats.Period) -> list[Clock]:
    """``cells_refresh`` with the statistics kept in the process (``VALUATION_KEEP_STATISTICS``), as
    they are after the previous load: only the day's lines are read and merged in."""
    first_new = min(new_line_ids)
    older = DeclarationLine.objects.filter(date__gte=period.start, date__lte=period.end, pk__lt=first_new)
    services._KEPT["lines"] = services._Kept(
        connection.settings_dict["NAME"], stats.Statistics(services._frame(older), period), first_new - 1
    )
    clock = Clock("  read the day's lines, merge, write, score")
    with override_settings(VALUATION_KEEP_STATISTICS=True), clock:
        services.cells_refresh(new_line_ids=new_line_ids, today=END)
    return [clock]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=300_000)
    parser.add_argument("--day", type=int, default=15_000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument(
        "--versions", default="before,now,kept",
        help="which refreshes to time, comma-separated: before, now, kept (the service as it was is slow at millions)",
    )  # fmt: skip
    args = parser.parse_args()
    if DeclarationLine.objects.exists():
        sys.exit("the database already holds declaration lines: give this benchmark a database of its own")
    print(
        f"{connection.vendor}, {args.lines:,} lines, a day of {args.day:,}, load average {os.getloadavg()[0]:.1f}"
    )
    admins = [
        Administration.organisations.get_or_create(code=code, defaults={"name": code})[0]
        for code in synthetic.ADMINISTRATIONS
    ]
    batches = {i: ImportBatch.objects.create(administration=a, source="csv") for i, a in enumerate(admins)}
    period = services.current_period(END)
    with Clock("store the lines (not timed by the target)") as clock:
        store(generate(args.lines, seed=args.seed), batches, "L")
        new_ids = store(generate(args.day, seed=args.seed, start_day=364), batches, "N")
    print(clock.line())
    with Clock("build every cell (cells_refresh)") as clock:
        written = services.cells_refresh(today=END)
    print(clock.line(f"{written:,} cells"))
    versions = {"before": ("before", before_refresh), "now": ("now", after_refresh)}
    versions["kept"] = ("now, statistics kept", kept_refresh)
    for name, version in (versions[v.strip()] for v in args.versions.split(",")):
        with transaction.atomic():
            clocks = version(new_ids, period)
            transaction.set_rollback(True)
        total = Clock(f"refresh one day, {name}")  # the steps' sum (not the kept statistics' setting up)
        total.wall, total.cpu = sum(c.wall for c in clocks), sum(c.cpu for c in clocks)
        print(total.line())
        for clock in clocks:
            print(clock.line())


if __name__ == "__main__":
    main()
