"""Which of the bench's own queries the engine misses, and which clean travellers alert, with the engine's
explanation of each: what the engine's rules were looked at against (never ``check.py``'s set).

    .venv/bin/python bench/screening/misses.py --cats two_typos_one_name,two_short_typos --show 30
    .venv/bin/python bench/screening/misses.py --no-dob-too       # also every query without its date of birth
    .venv/bin/python bench/screening/misses.py --other-nationality  # listed persons on another passport

Data as ``run.py`` makes it (same seed, same list); only the categories asked for (and the clean travellers)
are screened, in this one process.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run
from generate import NATIONALITIES, Person

from caribclear.screening.engine import DEFAULT_THRESHOLD, Index


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--list-size", type=int, default=100_000)
    ap.add_argument("--per-variant", type=int, default=250)
    ap.add_argument(
        "--clean", type=int, default=2000, help="clean random travellers (half as many of the others)"
    )
    ap.add_argument("--cats", default="two_typos,two_typos_one_name,two_short_typos,space_typo")
    ap.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    ap.add_argument("--show", type=int, default=30, help="misses and alerts shown per pass")
    ap.add_argument("--no-dob-too", action="store_true", help="a second pass without dates of birth")
    ap.add_argument(
        "--other-nationality",
        action="store_true",
        help="each listed person's queries carry another nationality of the same region (a second passport: "
        "a Jamaican listed, travelling as a US national); the bench's own queries carry the listed one",
    )
    args = ap.parse_args()
    data = argparse.Namespace(
        seed=args.seed,
        list_size=args.list_size,
        per_variant=args.per_variant,
        clean_random=args.clean,
        clean_same_surname=args.clean // 2,
        clean_namesake=0,
        clean_same_birthday=args.clean // 2,
        clean_random_all=args.clean,
        clean_part_name=args.clean // 2,
    )
    listed, queries = run.make_data(data)
    wanted = set(args.cats.split(",")) | {
        "clean_random",
        "clean_same_surname",
        "clean_same_birthday",
        "clean_random_all",
        "clean_part_name",
    }
    queries = [q for q in queries if q.category in wanted]
    by_id = {p.id: p for p in listed}
    if args.other_nationality:
        queries = [
            replace(q, nationality=other_nationality(by_id[q.expected])) if q.expected else q for q in queries
        ]
    clock = time.process_time()
    index = Index.build(run.person_entity(p) for p in listed)
    print(f"{len(listed):,} listed, index built in {time.process_time() - clock:.1f} CPU-s")
    for with_dob in (True, False) if args.no_dob_too else (True,):
        clock = time.process_time()
        n: Counter[str] = Counter()
        hit: Counter[str] = Counter()
        misses, alerts = [], []
        for q in queries:
            query = q if with_dob else replace(q, dob=None)
            matches = index.screen(query.entity(), args.threshold)
            n[q.category] += 1
            if q.expected:
                if any(m.entity_id == q.expected for m in matches):
                    hit[q.category] += 1
                else:
                    misses.append(query)
            elif matches:
                hit[q.category] += 1
                alerts.append((query, matches[0]))
        title = "with a date of birth" if with_dob else "without a date of birth"
        print(f"\n{title}: {sum(n.values()):,} queries in {time.process_time() - clock:.1f} CPU-s")
        for cat in sorted(n):
            what = "alerts/1000" if cat.startswith("clean") else "recall"
            value = 1000 * hit[cat] / n[cat] if cat.startswith("clean") else hit[cat] / n[cat]
            print(f"  {cat:22s} {n[cat]:6d}  {what} {value:.3f}")
        # why each miss was missed: never a candidate at the threshold (candidate generation), or a
        # candidate that scored below it (scoring)
        causes: Counter[tuple[str, str]] = Counter()
        shown = 0
        for q in misses:
            assert q.expected is not None
            listed_entity = run.person_entity(by_id[q.expected])
            candidate = any(e.id == q.expected for e in index.candidates(q.entity(), args.threshold))
            near = [m for m in index.screen(q.entity(), 0.3, limit=50) if m.entity_id == q.expected]
            if not candidate:
                cause = "not a candidate"
            elif near and near[0].score >= args.threshold - 0.05:
                cause = "scored within 0.05 of the threshold"
            else:
                cause = "scored lower"
            causes[(q.category, cause)] += 1
            if shown < args.show:
                shown += 1
                why = near[0].explanation if near else "scored below 0.30"
                print(
                    f"  MISS  {q.category} ({cause}): {q.name!r} {q.dob} for {listed_entity.names} "
                    f"{listed_entity.birth_dates}"
                )
                print(f"        {why}")
        for (cat, cause), count in sorted(causes.items()):
            print(f"  misses of {cat}: {count} {cause}")
        for q, m in alerts[: args.show]:
            print(f"  ALERT {q.category}: {q.name!r} {q.dob}")
            print(f"        {m.explanation}")


def other_nationality(p: Person) -> str:
    """The next nationality of the listed person's region (generate.NATIONALITIES), never his own."""
    choices = NATIONALITIES[p.locale]
    return choices[(choices.index(p.nationality) + 1) % len(choices)]


if __name__ == "__main__":
    main()
