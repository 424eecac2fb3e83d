"""Scale of the valuation statistics engine, and polars against DuckDB on the same lines.

    .venv/bin/pip install -e ".[bench]"    # numpy (the generator) and duckdb (the comparison)
    .venv/bin/python bench/valuation/scale.py [--lines 10000000] [--day 50000] [--seed 13] [--duckdb]

Prints: the time to generate the lines (not part of the target), to build every cell of every level over
the rolling 12 months (target: under 2 minutes for 10 million lines), to refresh the cells a day's new
lines touch (target: under 10 seconds for 50,000), and with --duckdb the time DuckDB (parquet hand-off,
median / mad / quantile_cont) and polars take for the HS6 x origin level alone.
The price model is the one of ``caribclear/valuation/synthetic.py``, vectorised.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from caribclear.valuation import stats, synthetic

END = dt.date(2026, 11, 30)


def generate(count: int, *, seed: int, products: int = 20_000, start_day: int = 0) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    chapters = np.array([int(c) for c in synthetic.CHAPTERS])
    codes = chapters[rng.integers(0, len(chapters), products)] * 10**6 + rng.choice(
        999_999, products, replace=False
    )
    hs = [f"{c:08d}" for c in codes]
    base = rng.uniform(np.log(0.5), np.log(400), products)
    units = rng.choice(np.array(["kg", "kg", "kg", "u", "l", "pr"]), products)
    origin_shift = rng.normal(0, synthetic.SIGMA_ORIGIN, (products, len(synthetic.COUNTRIES)))
    exporter_shift = rng.normal(0, synthetic.SIGMA_EXPORTER, (products, len(synthetic.COUNTRIES), 4))
    rng_lines = np.random.default_rng(seed + start_day + 1)
    weights = 1 / np.arange(1, products + 1) ** 0.8
    product = rng_lines.choice(products, count, p=weights / weights.sum())
    origin = rng_lines.integers(0, 5, count)  # each product comes from its first five origins
    exporter = rng_lines.integers(0, 4, count)
    planted = rng_lines.random(count) < 0.03
    luv = base[product] + origin_shift[product, origin] + exporter_shift[product, origin, exporter]
    luv = (
        luv
        + rng_lines.normal(0, synthetic.SIGMA_LINE, count)
        + np.where(planted, np.log(1 - rng_lines.uniform(0.3, 0.7, count)), 0)
    )
    days = rng_lines.integers(start_day, 365, count)
    products_frame = pl.DataFrame({"p": np.arange(products), "hs": hs, "unit": units})
    countries = np.array(synthetic.COUNTRIES)
    frame = pl.DataFrame(
        {
            "p": product,
            "origin": countries[origin],
            "exporter_n": exporter,
            "luv": luv,
            "importer": (product * 7 + rng_lines.integers(0, 30, count)) % 60_000,
            "admin": rng_lines.integers(0, 15, count),
            "day": pl.Series(days).cast(pl.Int32),
        }
    ).join(products_frame, on="p")
    return frame.select(
        pl.col("hs"),
        pl.col("hs").str.slice(0, 6).alias("hs6"),
        pl.col("hs").str.slice(0, 4).alias("hs4"),
        pl.col("origin"),
        (
            pl.col("hs").str.slice(0, 6) + "-" + pl.col("origin") + "-" + pl.col("exporter_n").cast(pl.String)
        ).alias("exporter"),
        pl.col("unit"),
        pl.col("luv"),
        pl.col("importer").cast(pl.String),
        pl.col("admin").cast(pl.Int64),
        (pl.lit(END) - pl.duration(days=pl.col("day"))).cast(pl.Date).alias("day"),
    )


class Clock:
    """Wall and CPU (user + sys of every thread) time of one step; the machine is shared, so both."""

    def __init__(self, label: str) -> None:
        self.label = label

    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu

    def line(self, note: str = "") -> str:
        return f"{self.label:34s} {self.wall:7.1f} s wall  {self.cpu:7.1f} s CPU   {note}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=10_000_000)
    parser.add_argument("--day", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--before", action="store_true", help="also run the engine as it was (before.py)")
    parser.add_argument("--duckdb", action="store_true")
    args = parser.parse_args()
    print(
        f"polars {pl.__version__}, numpy {np.__version__}, {os.cpu_count()} CPUs (shared, load average"
        f" {os.getloadavg()[0]:.1f}), {args.lines:,} lines, a day of {args.day:,}"
    )

    with Clock("generate (not part of the target)") as clock:
        lines = generate(args.lines, seed=args.seed)
        new = generate(args.day, seed=args.seed, start_day=364)  # a day's lines, dated the last day
        everything = pl.concat([lines, new])
    print(clock.line())
    period = stats.Period.rolling(END)

    if args.before:
        import before

        with Clock("before: build all levels") as clock:
            cells = before.build(lines, period)
        print(clock.line(f"{cells.height:,} cells"))
        with Clock("before: refresh one day") as clock:
            old_touched = before.refresh(everything, new, period)
        print(clock.line(f"{old_touched.height:,} cells recomputed"))

    with Clock("build all levels") as clock:
        kept = stats.Statistics(lines, period)
        cells = kept.cells()
    print(clock.line(f"{cells.height:,} cells (target < 120 s)"))

    with Clock("refresh one day (statistics kept)") as clock:
        changed, emptied = kept.add(new)
    print(clock.line(f"{changed.height:,} cells recomputed, {emptied.height} emptied (target < 10 s)"))

    with Clock("refresh one day (from the lines)") as clock:
        touched = stats.refresh(everything, new, period)
    print(clock.line(f"{touched.height:,} cells recomputed (reads every line of the touched cells again)"))

    keys = ["level", *stats.KEY_COLUMNS]
    a, b = changed.sort(keys), touched.sort(keys)
    same = a.select(keys).equals(b.select(keys)) and all(
        a[c].equals(b[c]) for c in ("n", "importers", "median", "mad", *stats.QUANTILES)
    )
    print(f"kept and recomputed refresh give the same cells, medians, MADs and quantiles: {same}")
    if args.before:
        c = old_touched.sort(keys)
        same_before = c.select(keys).equals(a.select(keys)) and all(
            c[k].equals(a[k]) for k in ("n", "median", "mad", *stats.QUANTILES)
        )
        print(f"... and the same as the engine before: {same_before}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak:,.0f} MB")

    if args.duckdb:
        import duckdb

        keys = ["hs6", "origin", "unit"]
        started, cpu = time.perf_counter(), time.process_time()
        stats.build(lines, period, ["hs6_origin"])
        print(
            f"polars hs6_origin   {time.perf_counter() - started:8.1f} s (CPU {time.process_time() - cpu:.1f} s)"
        )
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "lines.parquet"
            started = time.perf_counter()
            lines.write_parquet(path)
            handoff = time.perf_counter() - started
            started, cpu = time.perf_counter(), time.process_time()
            con = duckdb.connect()
            con.execute(
                f"""
                select {", ".join(keys)}, count(*) n, count(distinct importer) importers,
                       count(distinct admin) administrations, median(luv) median, mad(luv) mad,
                       quantile_cont(luv, [0.01, 0.02, 0.05, 0.10, 0.25, 0.75]) q, avg(luv) mean, stddev(luv) sd
                from read_parquet('{path}') group by {", ".join(keys)}
                """
            ).fetchall()
            print(
                f"duckdb hs6_origin   {time.perf_counter() - started:8.1f} s (CPU {time.process_time() - cpu:.1f} s)"
                f"   (+{handoff:.1f} s to hand the lines over as parquet)"
            )


if __name__ == "__main__":
    main()
