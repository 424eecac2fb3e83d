"""Print p50/p95 per request type from locust's CSV, with the goals next to them."""

from __future__ import annotations

import argparse
import csv
import sys

GOALS_MS = {"officer queue": 150, "notification detail": 150, "officer search": 150, "API submission": 300}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("stats_csv")
    parser.add_argument("--notifications", type=int, required=True)
    parser.add_argument("--users", type=int, required=True)
    args = parser.parse_args()
    with open(args.stats_csv) as stats:
        rows = list(csv.DictReader(stats))
    print(
        f"\nLoad benchmark: {args.notifications:,} notifications on PostgreSQL, {args.users} concurrent users"
    )
    print(f"{'request':<22}{'count':>8}{'fail':>6}{'p50 ms':>9}{'p95 ms':>9}{'rps':>8}  goal")
    met = True
    for row in rows:
        name = row["Name"]
        if name == "Aggregated":
            continue
        p50, p95 = float(row["50%"]), float(row["95%"])
        goal = GOALS_MS.get(name)
        verdict = "" if goal is None else (f"p95 < {goal} ms: " + ("met" if p95 < goal else "NOT met"))
        met &= goal is None or p95 < goal
        failures = int(row["Failure Count"])
        met &= failures == 0
        print(
            f"{name:<22}{int(row['Request Count']):>8}{failures:>6}{p50:>9.0f}{p95:>9.0f}"
            f"{float(row['Requests/s']):>8.1f}  {verdict}"
        )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
