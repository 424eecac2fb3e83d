"""Screening benchmark: accuracy per variant and speed, against two reference scorers.

Run from the repository root (see README.md in this folder)::

    .venv/bin/python bench/screening/run.py            # 100,000-entry list, ~6,750 queries
    .venv/bin/python bench/screening/run.py --full     # 1,000,000-entry list, 100,000 queries

Everything is generated from ``--seed``, so two runs with the same flags see the same data.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from itertools import combinations
from pathlib import Path

BENCH_REPO = Path(__file__).resolve().parents[2]
#: the checkout whose engine is measured: this one, or another named by SCREENING_ENGINE_REPO (to measure an
#: older engine on the same data, in the same run conditions)
REPO = Path(os.environ.get("SCREENING_ENGINE_REPO", BENCH_REPO)).resolve()
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import CLEAN, LATE_VARIANTS, VARIANTS, Generator, Person  # noqa: E402
from memory import PeakPss  # noqa: E402

from caribclear.screening.engine import DEFAULT_THRESHOLD, Entity, Index, Match, screen_file  # noqa: E402
from caribclear.screening.engine.batch import screen_many  # noqa: E402

#: thresholds a supervisor may choose for a list (0.50 to 1.00), as swept for the watchlist page
SWEEP = (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0)
#: the engine's thresholds tried to match a reference scorer's recall: every hundredth, so that "at equal
#: recall" is as equal as the engine's scores allow (at 0.05 apart the nearest threshold could find a tenth
#: more than the scorer and alert on more strangers for it)
EQUAL_RECALL_SWEEP = tuple(round(0.5 + 0.01 * i, 2) for i in range(51))
RAPIDFUZZ_SWEEP = (70, 75, 80, 85, 90, 95, 100)
LOGIC_V2_SWEEP = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
#: variants that differ only by their date of birth: without one they are the exact name again
DOB_ONLY = ("dob_missing", "dob_swapped", "dob_year_off")
FIGURES_FILE = BENCH_REPO / "caribclear" / "screening" / "engine" / "threshold_figures.json"
RAPIDFUZZ_CUTOFF = 85
LOGIC_V2_THRESHOLD = 0.70  # yente's default cut-off for logic-v2


@dataclass
class Query:
    id: str
    name: str
    dob: str | None
    nationality: str | None
    gender: str | None
    category: str
    expected: str | None

    def entity(self) -> Entity:
        return Entity(
            id=self.id,
            schema="Person",
            names=(self.name,),
            birth_dates=(self.dob,) if self.dob else (),
            nationalities=(self.nationality,) if self.nationality else (),
            gender=self.gender,
        )


class Clock:
    """Wall time and CPU time (this process and its finished children) since creation."""

    def __init__(self) -> None:
        self.wall0 = time.perf_counter()
        self.cpu0 = self._cpu()

    @staticmethod
    def _cpu() -> float:
        t = os.times()
        return t.user + t.system + t.children_user + t.children_system

    def wall(self) -> float:
        return time.perf_counter() - self.wall0

    def cpu(self) -> float:
        return self._cpu() - self.cpu0


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def person_entity(p: Person) -> Entity:
    dob = p.dob[:4] if p.year_only else p.dob
    return Entity(
        id=p.id,
        schema="Person",
        names=(p.full_name(comma=p.locale in ("es", "pt") and p.id.endswith(("1", "5"))), *p.aliases),
        birth_dates=(dob,),
        nationalities=(p.nationality,),
        gender=p.gender,
    )


def make_data(args: argparse.Namespace) -> tuple[list[Person], list[Query]]:
    gen = Generator(args.seed)
    listed = [gen.person() for _ in range(args.list_size)]
    rng = random.Random(args.seed + 1)
    queries: list[Query] = []
    sample = rng.sample(listed, min(len(listed), args.per_variant * 12))
    for kind in VARIANTS:
        if kind in LATE_VARIANTS:
            continue
        pool = [p for p in sample if gen.eligible(p, kind)]
        if len(pool) < args.per_variant:
            pool = [p for p in listed if gen.eligible(p, kind)]
        for p in rng.sample(pool, min(args.per_variant, len(pool))):
            name, dob = gen.variant(p, kind)
            queries.append(Query("", name, dob, p.nationality, p.gender, kind, p.id))

    # A clean traveller whose name parts are all among a listed person's (in any romanisation) is that
    # person's namesake, not a stranger: such draws are skipped (namesakes have their own category).
    def key_hash(parts: frozenset[str] | tuple[str, ...]) -> int:
        return hash("|".join(sorted(parts)))

    listed_parts: set[int] = set()
    for p in listed:
        key = sorted(gen.name_key(p))
        for size in range(2, len(key) + 1):
            listed_parts.update(key_hash(c) for c in combinations(key, size))
    made = 0
    while made < args.clean_random:
        t = gen.person(pid="T")
        if key_hash(gen.name_key(t)) in listed_parts:
            continue
        queries.append(Query("", t.full_name(), t.dob, t.nationality, t.gender, "clean_random", None))
        made += 1
    made = 0
    for p in rng.sample(listed, len(listed)):
        if made >= args.clean_same_surname:
            break
        name, dob, gender, key = gen.same_surname(p)
        if key_hash(key) in listed_parts:
            continue
        queries.append(Query("", name, dob, p.nationality, gender, "clean_same_surname", None))
        made += 1
    for p in rng.sample([p for p in listed if not p.year_only], args.clean_namesake):
        queries.append(
            Query("", p.full_name(), gen.namesake_dob(p), p.nationality, p.gender, "clean_namesake", None)
        )
    # the hardest strangers for a date of birth that confirms damaged names: the same given names, born the
    # same day, another surname (drawn after all other queries, so that those stay as they were)
    made = 0
    while made < args.clean_same_birthday:
        p = rng.choice(listed)
        drawn = None if p.year_only else gen.same_birthday(p)
        if drawn is None or key_hash(drawn[1]) in listed_parts:
            continue
        queries.append(Query("", drawn[0], p.dob, p.nationality, p.gender, "clean_same_birthday", None))
        made += 1
    # variants added later, drawn last with a stream of their own (the queries above stay as they were)
    late = random.Random(args.seed + 2)
    sample = late.sample(listed, min(len(listed), args.per_variant * 12))
    for kind in LATE_VARIANTS:
        pool = [p for p in sample if gen.eligible(p, kind)]
        for p in late.sample(pool, min(args.per_variant, len(pool))):
            name, dob = gen.late_variant(p, kind, late)
            queries.append(Query("", name, dob, p.nationality, p.gender, kind, p.id))
    rng.shuffle(queries)
    queries.extend(late_clean(args, gen, listed, listed_parts, key_hash))
    for i, q in enumerate(queries):
        q.id = f"Q{i:06d}"
    return listed, queries


def late_clean(
    args: argparse.Namespace,
    gen: Generator,
    listed: list[Person],
    listed_parts: set[int],
    key_hash: Callable[[frozenset[str]], int],
) -> list[Query]:
    """The clean travellers of ``LATE_CLEAN``, drawn after every other query with a stream of their own and
    put after them (the other queries, their order and the timed manifest stay as they were).

    ``clean_random`` leaves out every stranger whose names are all among one listed person's; real
    travellers are not so kind: ``clean_random_all`` are random people of whom only the exact namesakes of
    a listed person are left out, and ``clean_part_name`` strangers named with part of a listed person's name
    (``James Payne`` of ``James John Payne``), each born on a random day."""
    late = random.Random(args.seed + 3)
    full_keys = {key_hash(gen.name_key(p)) for p in listed}
    out: list[Query] = []
    saved, gen.rng = gen.rng, late
    try:
        made = 0
        while made < args.clean_random_all:
            t = gen.person(pid="T")
            if key_hash(gen.name_key(t)) in full_keys:
                continue
            out.append(Query("", t.full_name(), t.dob, t.nationality, t.gender, "clean_random_all", None))
            made += 1
        made = 0
        while made < args.clean_part_name:
            p = late.choice(listed)
            drawn = gen.part_name(p, late)
            if drawn is None or key_hash(drawn[1]) in full_keys:
                continue
            gender = p.gender
            out.append(
                Query("", drawn[0], gen.random_dob(late), p.nationality, gender, "clean_part_name", None)
            )
            made += 1
    finally:
        gen.rng = saved
    late.shuffle(out)
    return out


def evaluate(queries: list[Query], hits: dict[str, set[str]]) -> dict[str, dict[str, float]]:
    """Recall per variant, alerts per 1,000 per clean category."""
    by_cat: dict[str, list[Query]] = defaultdict(list)
    for q in queries:
        by_cat[q.category].append(q)
    out: dict[str, dict[str, float]] = {}
    found_all = total_all = 0
    for cat in VARIANTS:
        qs = by_cat.get(cat, [])
        if not qs:
            continue
        found = sum(1 for q in qs if q.expected in hits.get(q.id, set()))
        found_all += found
        total_all += len(qs)
        out[cat] = {"n": len(qs), "recall": found / len(qs)}
    if total_all:
        out["ALL VARIANTS"] = {"n": total_all, "recall": found_all / total_all}
    for cat in CLEAN:
        qs = by_cat.get(cat, [])
        if qs:
            alerts = sum(1 for q in qs if hits.get(q.id))
            out[cat] = {"n": len(qs), "alerts_per_1000": 1000 * alerts / len(qs)}
    return out


def run_rapidfuzz(
    listed: list[Entity], queries: list[Query], cutoff: int
) -> tuple[dict[str, dict[str, float]], float]:
    """Every listed person scoring at least ``cutoff`` for each query, with the best score of their names."""
    from rapidfuzz import fuzz, process, utils

    names: list[str] = []
    owners: list[str] = []
    for e in listed:
        for n in e.names:
            names.append(utils.default_process(n))
            owners.append(e.id)
    qnames = [utils.default_process(q.name) for q in queries]
    hits: dict[str, dict[str, float]] = {}
    t = time.perf_counter()
    step = 200
    for start in range(0, len(qnames), step):
        matrix = process.cdist(
            qnames[start : start + step],
            names,
            scorer=fuzz.token_sort_ratio,
            score_cutoff=cutoff,
            dtype="uint8",
            workers=-1,
        )
        for row_i, row in enumerate(matrix):
            found: dict[str, float] = {}
            for c in row.nonzero()[0]:
                found[owners[c]] = max(found.get(owners[c], 0.0), float(row[c]))
            hits[queries[start + row_i].id] = found
    return hits, time.perf_counter() - t


def run_logic_v2(index: Index, queries: list[Query]) -> tuple[dict[str, dict[str, float]], float, int, str]:
    """logic-v2's score of each candidate the engine proposes (at 0.5) for each query."""
    try:
        from followthemoney import model
        from nomenklatura.matching import LogicV2
    except ImportError as exc:  # pragma: no cover - depends on the bench extra
        return {}, 0.0, 0, f"NOT RUN: nomenklatura/followthemoney cannot be imported here ({exc})"
    config = LogicV2.default_config()

    def ftm(e: Entity) -> object:
        proxy = model.make_entity("Person")
        proxy.id = e.id
        for n in e.names:
            proxy.add("name", n)
        for d in e.birth_dates:
            proxy.add("birthDate", d)
        for c in e.nationalities:
            proxy.add("nationality", c)
        if e.gender:
            proxy.add("gender", e.gender)
        return proxy

    hits: dict[str, dict[str, float]] = {}
    pairs = 0
    t = time.perf_counter()
    for q in queries:
        qe = q.entity()
        qp = ftm(qe)
        found: dict[str, float] = {}
        for cand in index.candidates(qe, threshold=0.5):
            pairs += 1
            found[cand.id] = LogicV2.compare(qp, ftm(cand), config).score
        hits[q.id] = found
    return hits, time.perf_counter() - t, pairs, "ok"


def at(scores: dict[str, dict[str, float]], cutoff: float) -> dict[str, set[str]]:
    """The matches at or above ``cutoff``."""
    return {qid: {e for e, sc in found.items() if sc >= cutoff} for qid, found in scores.items()}


def engine_scores(results: Iterable[list[Match]], queries: list[Query]) -> dict[str, dict[str, float]]:
    """Each query's matches as scores, read as they come (the matches themselves, with their explanations,
    are not kept: a real run writes them out, and holding them would count in the run's memory)."""
    return {q.id: {m.entity_id: m.score for m in ms} for q, ms in zip(queries, results, strict=True)}


def without_dob(queries: list[Query]) -> list[Query]:
    """The same queries without their date of birth (the variants of the date itself left out)."""
    return [replace(q, dob=None) for q in queries if q.category not in DOB_ONLY]


def lowest_variant(ev: dict[str, dict[str, float]]) -> tuple[str, float]:
    cats = [c for c in VARIANTS if c in ev]
    worst = min(cats, key=lambda c: ev[c]["recall"])
    return worst, ev[worst]["recall"]


def equal_recall(
    name: str,
    base: dict[str, dict[str, float]],
    cutoffs: tuple[float, ...],
    engine: dict[str, dict[str, float]],
    queries: list[Query],
) -> list[str]:
    """For each cutoff of a reference scorer, the engine's alerts at the highest threshold whose recall is
    at least the scorer's (queries without a date of birth)."""
    lines = []
    engine_evs = {t: evaluate(queries, at(engine, t)) for t in EQUAL_RECALL_SWEEP}
    for c in cutoffs:
        ev = evaluate(queries, at(base, c))
        recall = ev["ALL VARIANTS"]["recall"]
        ok = [t for t in EQUAL_RECALL_SWEEP if engine_evs[t]["ALL VARIANTS"]["recall"] >= recall]
        row = (
            f"{name} >= {c}: recall {recall:.3f}, alerts/1000 random {ev['clean_random']['alerts_per_1000']:.1f}, "
            f"same surname {ev['clean_same_surname']['alerts_per_1000']:.1f}"
        )
        if ok:
            t = max(ok)
            e = engine_evs[t]
            row += (
                f" | caribclear >= {t}: recall {e['ALL VARIANTS']['recall']:.3f}, alerts/1000 random "
                f"{e['clean_random']['alerts_per_1000']:.1f}, same surname "
                f"{e['clean_same_surname']['alerts_per_1000']:.1f}"
            )
        else:
            row += " | caribclear: no threshold reaches that recall"
        lines.append(row)
    return lines


def sweep_table(
    queries: list[Query], nodob: list[Query], scores: dict[str, dict[str, dict[str, float]]]
) -> list[dict[str, float]]:
    table = []
    for t in SWEEP:
        ev = evaluate(queries, at(scores["dob"], t))
        ev_n = evaluate(nodob, at(scores["no_dob"], t))
        table.append(
            {
                "threshold": t,
                "recall": round(ev["ALL VARIANTS"]["recall"], 4),
                "lowest": round(lowest_variant(ev)[1], 4),
                "alerts_random": round(ev["clean_random"]["alerts_per_1000"], 2),
                "alerts_same_surname": round(ev["clean_same_surname"]["alerts_per_1000"], 2),
                "recall_no_dob": round(ev_n["ALL VARIANTS"]["recall"], 4),
                "lowest_no_dob": round(lowest_variant(ev_n)[1], 4),
                "alerts_random_no_dob": round(ev_n["clean_random"]["alerts_per_1000"], 2),
                "alerts_same_surname_no_dob": round(ev_n["clean_same_surname"]["alerts_per_1000"], 2),
            }
        )
    return table


def write_figures(args: argparse.Namespace, listed: int, queries: int, table: list[dict[str, float]]) -> None:
    """The figures the watchlist page shows beside the threshold, with how and when they were measured."""
    argv, skip = [], False
    for a in sys.argv[1:]:  # where the JSON report went is of this machine, not of the figures
        if skip or a == "--json" or a.startswith("--json="):
            skip = a == "--json"
            continue
        argv.append(a)
    command = "python bench/screening/run.py " + " ".join(argv)
    data = {
        "command": command.strip(),
        "date": time.strftime("%Y-%m-%d", time.gmtime()),
        "seed": args.seed,
        "list_size": listed,
        "queries": queries,
        "thresholds": table,
    }
    FIGURES_FILE.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


def write_inputs(folder: Path, listed: list[Entity], queries: list[Query]) -> tuple[Path, Path]:
    wl = folder / "watchlist.ftm.json"
    with wl.open("w", encoding="utf-8") as fh:
        for e in listed:
            props = {
                "name": list(e.names[:1]),
                "alias": list(e.names[1:]),
                "birthDate": list(e.birth_dates),
                "nationality": list(e.nationalities),
                "gender": [e.gender] if e.gender else [],
            }
            fh.write(json.dumps({"id": e.id, "schema": "Person", "properties": props}) + "\n")
    qf = folder / "queries.csv"
    with qf.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "name", "birth_date", "nationality", "gender"])
        for q in queries:
            w.writerow([q.id, q.name, q.dob or "", q.nationality or "", q.gender or ""])
    return wl, qf


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    clock = Clock()
    fn()
    return clock.wall(), clock.cpu()


def fmt_table(results: dict[str, dict[str, dict[str, float]]]) -> str:
    systems = list(results)
    cats = [c for c in [*VARIANTS, "ALL VARIANTS", *CLEAN] if any(c in r for r in results.values())]
    lines = [f"{'category':<22}{'n':>7}" + "".join(f"{s:>22}" for s in systems)]
    for c in cats:
        n = next(int(r[c]["n"]) for r in results.values() if c in r)
        row = f"{c:<22}{n:>7}"
        for s in systems:
            cell = results[s].get(c)
            if cell is None:
                row += f"{'-':>22}"
            elif "recall" in cell:
                row += f"{'recall ' + format(cell['recall'], '.3f'):>22}"
            else:
                row += f"{'alerts/1000 ' + format(cell['alerts_per_1000'], '.1f'):>22}"
        lines.append(row)
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--full", action="store_true", help="1M-entry list and 100k queries")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--list-size", type=int)
    ap.add_argument("--per-variant", type=int)
    ap.add_argument("--clean-random", type=int)
    ap.add_argument("--clean-same-surname", type=int)
    ap.add_argument("--clean-namesake", type=int)
    ap.add_argument("--clean-same-birthday", type=int)
    ap.add_argument("--clean-random-all", type=int)
    ap.add_argument("--clean-part-name", type=int)
    ap.add_argument("--manifest", type=int, default=6000, help="queries in the timed manifest")
    ap.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--baseline-sample", type=int, help="queries given to the reference scorers")
    ap.add_argument("--no-baselines", action="store_true", help="skip rapidfuzz and logic-v2")
    ap.add_argument("--no-screen-file", action="store_true", help="skip the end-to-end screen_file run")
    ap.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    ap.add_argument("--no-sweep", action="store_true", help="skip the threshold sweep (skipped with --full)")
    ap.add_argument(
        "--write-figures",
        action="store_true",
        help="write the sweep to caribclear/screening/engine/threshold_figures.json (the watchlist page's)",
    )
    args = ap.parse_args()
    full = args.full
    args.no_sweep = args.no_sweep or full
    defaults = {
        "list_size": 1_000_000 if full else 100_000,
        "per_variant": 2000 if full else 250,
        "clean_random": 50_000 if full else 2000,
        "clean_same_surname": 16_000 if full else 1000,
        "clean_namesake": 8000 if full else 500,
        "clean_same_birthday": 8000 if full else 1000,
        "clean_random_all": 50_000 if full else 2000,
        "clean_part_name": 8000 if full else 1000,
        "baseline_sample": 1000 if full else 600,
    }
    for k, v in defaults.items():
        if getattr(args, k) is None:
            setattr(args, k, v)

    report: dict[str, object] = {"args": {k: v for k, v in vars(args).items() if k != "json"}}
    # the memory of the whole run: this process, the screening workers it forks and screen_file's processes
    pss = PeakPss(interval=2.0).start()
    load = os.getloadavg()
    print(
        f"{os.cpu_count()} cores; load average at start {load[0]:.1f} (other work on the machine slows timings)"
    )
    t = time.perf_counter()
    listed, queries = make_data(args)
    print(
        f"generated {len(listed):,} listed persons and {len(queries):,} queries in {time.perf_counter() - t:.1f}s"
    )

    # the listed persons as the engine reads them; the generator's own records go (a million of them weigh
    # about 800 MB, which the run's peak memory would otherwise count)
    entities = [person_entity(p) for p in listed]
    del listed
    gc.collect()
    rss0 = rss_mb()
    clock = Clock()
    index = Index.build(entities)
    build, build_cpu = clock.wall(), clock.cpu()
    rss1 = rss_mb()
    print(
        f"index build: {build:.1f}s wall, {build_cpu:.1f}s CPU; resident memory {rss0:.0f} -> {rss1:.0f} MB "
        f"(+{rss1 - rss0:.0f} MB)"
    )

    qents = [q.entity() for q in queries]
    # warm nothing: the first batch pays for the caches, as a real run would
    manifest = qents[: args.manifest]
    clock = Clock()
    list(screen_many(index, manifest, args.threshold, 50, args.workers))
    manifest_s, manifest_cpu = clock.wall(), clock.cpu()
    print(
        f"manifest: {len(manifest):,} queries in {manifest_s:.2f}s wall ({len(manifest) / manifest_s:,.0f} "
        f"names/s), {manifest_cpu:.2f} CPU-s in all processes"
    )

    clock = Clock()
    engine_hits = at(
        engine_scores(screen_many(index, qents, args.threshold, 50, args.workers), queries), args.threshold
    )
    all_s, all_cpu = clock.wall(), clock.cpu()
    print(
        f"all queries: {len(qents):,} in {all_s:.1f}s wall ({len(qents) / all_s:,.0f} names/s), "
        f"{all_cpu:.1f} CPU-s ({1000 * all_cpu / len(qents):.2f} CPU-ms per query)"
    )

    # a long-lived screening service would freeze the index out of the garbage collector's view once built,
    # as screen_many does before forking; without it, full collections walk the whole index now and then
    gc.freeze()
    lat_queries = random.Random(args.seed + 2).sample(qents, min(1000, len(qents)))
    lat = []
    for q in lat_queries:
        t = time.process_time()
        index.screen(q, threshold=args.threshold)
        lat.append(time.process_time() - t)
    lat.sort()
    p95 = lat[int(0.95 * (len(lat) - 1))] * 1000
    p50 = statistics.median(lat) * 1000
    print(f"single-query latency (CPU time, one core, cold caches): median {p50:.2f} ms, p95 {p95:.2f} ms")

    results = {"caribclear": evaluate(queries, engine_hits)}
    # the same queries without a date of birth
    nodob = without_dob(queries)
    clock = Clock()
    nodob_results = screen_many(index, [q.entity() for q in nodob], args.threshold, 50, args.workers)
    nodob_hits = at(engine_scores(nodob_results, nodob), args.threshold)
    print(f"without a date of birth: {len(nodob):,} queries in {clock.wall():.1f}s wall")
    results["caribclear, no DOB"] = evaluate(nodob, nodob_hits)
    sweep_scores: dict[str, dict[str, dict[str, float]]] = {}
    if not args.no_sweep:
        # every threshold a supervisor may choose: screen once at the lowest, then count at each
        low = min(SWEEP)
        clock = Clock()
        sweep_scores["dob"] = engine_scores(screen_many(index, qents, low, 50, args.workers), queries)
        sweep_scores["no_dob"] = engine_scores(
            screen_many(index, [q.entity() for q in nodob], low, 50, args.workers), nodob
        )
        print(
            f"threshold sweep (all queries at {low}, with and without a date of birth): {clock.wall():.1f}s"
        )
    speed: dict[str, object] = {
        "index_build_s": round(build, 2),
        "index_build_cpu_s": round(build_cpu, 2),
        "manifest_cpu_s": round(manifest_cpu, 2),
        "all_queries_cpu_s": round(all_cpu, 1),
        "index_rss_mb": round(rss1 - rss0),
        "manifest_queries": len(manifest),
        "manifest_s": round(manifest_s, 2),
        "names_per_s": round(len(qents) / all_s),
        "all_queries_s": round(all_s, 1),
        "latency_p50_ms": round(p50, 2),
        "latency_p95_ms": round(p95, 2),
    }

    if not args.no_screen_file:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            wl, qf = write_inputs(folder, entities, queries[: args.manifest])
            out = folder / "out.jsonl"
            if (REPO / "caribclear" / "settings.py").exists():
                cmd = [
                    sys.executable,
                    "manage.py",
                    "screen_file",
                    "--watchlist",
                    str(wl),
                    "--queries",
                    str(qf),
                ]
                cmd += ["--out", str(out), "--quiet"]
                # as a command-line user runs it: screen_file needs no web secret (nor CARIBCLEAR_DEBUG)
                clock = Clock()
                env = dict(os.environ)
                if REPO != BENCH_REPO:  # an older checkout's settings wanted a secret even here
                    env.setdefault("CARIBCLEAR_DEBUG", "1")
                proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, env=env)
                e2e, e2e_cpu = clock.wall(), clock.cpu()
                how = "manage.py screen_file"
                if proc.returncode != 0:
                    print(f"manage.py screen_file FAILED: {proc.stderr.strip()[-500:]}")
                    how = "screen_file() (manage.py failed)"
                    e2e, e2e_cpu = timed(lambda: screen_file(wl, qf, out, progress=None))
            else:
                how = "screen_file() (no Django settings yet)"
                e2e, e2e_cpu = timed(lambda: screen_file(wl, qf, out, progress=None))
            print(
                f"end to end ({how}, {args.manifest:,} queries, {len(entities):,} entities): {e2e:.1f}s wall, "
                f"{e2e_cpu:.1f} CPU-s"
            )
            speed["screen_file_s"] = round(e2e, 1)
            speed["screen_file_cpu_s"] = round(e2e_cpu, 1)
            speed["screen_file_how"] = how

    report["speed"] = speed
    if not args.no_baselines:
        base_q = queries
        if args.baseline_sample and args.baseline_sample < len(queries):
            base_q = random.Random(args.seed + 3).sample(queries, args.baseline_sample)
            print(f"reference scorers run on a sample of {len(base_q):,} queries")
        rf_scores, rf_s = run_rapidfuzz(entities, base_q, min(RAPIDFUZZ_SWEEP))
        print(
            f"rapidfuzz cdist token_sort_ratio >= {min(RAPIDFUZZ_SWEEP)}: {len(base_q):,} queries in {rf_s:.1f}s"
        )
        results[f"rapidfuzz>={RAPIDFUZZ_CUTOFF}"] = evaluate(base_q, at(rf_scores, RAPIDFUZZ_CUTOFF))
        if base_q is not queries:
            results["caribclear(sample)"] = evaluate(base_q, engine_hits)
        lv_scores, lv_s, pairs, status = run_logic_v2(index, base_q)
        if status == "ok":
            print(
                f"nomenklatura logic-v2 on the engine's candidates: {pairs:,} pairs "
                f"in {lv_s:.1f}s ({1000 * lv_s / max(pairs, 1):.2f} ms/pair)"
            )
            results[f"logic-v2>={LOGIC_V2_THRESHOLD}"] = evaluate(base_q, at(lv_scores, LOGIC_V2_THRESHOLD))
        else:
            print(f"nomenklatura logic-v2: {status}")
        # without a date of birth, on the same sample: rapidfuzz never looks at dates; logic-v2 does
        base_nodob = without_dob(base_q)
        nodob_ids = {q.id for q in base_nodob}
        rf_nodob = {k: v for k, v in rf_scores.items() if k in nodob_ids}
        comparison: list[str] = []
        if sweep_scores:
            engine_nodob = {k: v for k, v in sweep_scores["no_dob"].items() if k in nodob_ids}
            comparison += equal_recall("rapidfuzz", rf_nodob, RAPIDFUZZ_SWEEP, engine_nodob, base_nodob)
        if status == "ok":
            lv_nodob, _seconds, _pairs, _status = run_logic_v2(index, base_nodob)
            results[f"logic-v2>={LOGIC_V2_THRESHOLD}, no DOB"] = evaluate(
                base_nodob, at(lv_nodob, LOGIC_V2_THRESHOLD)
            )
            if sweep_scores:
                comparison += equal_recall("logic-v2", lv_nodob, LOGIC_V2_SWEEP, engine_nodob, base_nodob)
        if base_q is not queries:
            results["caribclear(sample), no DOB"] = evaluate(base_nodob, nodob_hits)
        report["equal_recall_without_dob"] = comparison
        report["baselines"] = {
            "rapidfuzz_s": round(rf_s, 1),
            "logic_v2_s": round(lv_s, 1),
            "logic_v2": status,
        }
    print()
    print(
        f"threshold {args.threshold} (caribclear); recall = share of variant queries that found their entity"
    )
    print(fmt_table(results))
    print()
    if report.get("equal_recall_without_dob"):
        print(
            "without a date of birth, at equal recall (reference scorers' sample; the engine at the highest"
        )
        print("threshold whose recall is at least theirs):")
        print("\n".join(str(x) for x in report["equal_recall_without_dob"]))  # type: ignore[attr-defined]
        print()
    if sweep_scores:
        table = sweep_table(queries, nodob, sweep_scores)
        print("what each threshold means (all queries; recall over all variants, lowest variant):")
        for row in table:
            print(
                f"  {row['threshold']:.2f}: with DOB recall {row['recall']:.3f} (lowest {row['lowest']:.3f}), "
                f"alerts/1000 random {row['alerts_random']:.1f}, same surname {row['alerts_same_surname']:.1f}; "
                f"without DOB recall {row['recall_no_dob']:.3f}, alerts/1000 random "
                f"{row['alerts_random_no_dob']:.1f}, same surname {row['alerts_same_surname_no_dob']:.1f}"
            )
        print()
        report["thresholds"] = table
        if args.write_figures:
            write_figures(args, len(entities), len(queries), table)
            print(f"wrote {FIGURES_FILE.relative_to(BENCH_REPO)}")
    pss.stop()
    print(f"peak resident memory of this process: {maxrss_mb():,.0f} MB")
    if pss.available:
        print(
            f"peak memory of the run, all its processes together: {pss.peak_mb:,.0f} MB (sum of the proportional "
            f"set sizes of {pss.processes} processes, sampled every {pss.interval:.0f} s)"
        )
        report["peak_pss_mb"] = round(pss.peak_mb)
    report["accuracy"] = results
    report["peak_rss_mb"] = round(maxrss_mb())
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
