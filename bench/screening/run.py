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
from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import CLEAN, VARIANTS, Generator, Person  # noqa: E402

from caribclear.screening.engine import DEFAULT_THRESHOLD, Entity, Index, screen_file  # noqa: E402
from caribclear.screening.engine.batch import screen_many  # noqa: E402

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
    rng.shuffle(queries)
    for i, q in enumerate(queries):
        q.id = f"Q{i:06d}"
    return listed, queries


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
    listed: list[Person], queries: list[Query], cutoff: int
) -> tuple[dict[str, set[str]], float]:
    from rapidfuzz import fuzz, process, utils

    names: list[str] = []
    owners: list[str] = []
    for p in listed:
        e = person_entity(p)
        for n in e.names:
            names.append(utils.default_process(n))
            owners.append(p.id)
    qnames = [utils.default_process(q.name) for q in queries]
    hits: dict[str, set[str]] = {}
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
            cols = row.nonzero()[0]
            hits[queries[start + row_i].id] = {owners[c] for c in cols}
    return hits, time.perf_counter() - t


def run_logic_v2(index: Index, queries: list[Query]) -> tuple[dict[str, set[str]], float, int, str]:
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

    hits: dict[str, set[str]] = {}
    pairs = 0
    t = time.perf_counter()
    for q in queries:
        qe = q.entity()
        qp = ftm(qe)
        found = set()
        for cand in index.candidates(qe, threshold=0.5):
            pairs += 1
            if LogicV2.compare(qp, ftm(cand), config).score >= LOGIC_V2_THRESHOLD:
                found.add(cand.id)
        hits[q.id] = found
    return hits, time.perf_counter() - t, pairs, "ok"


def write_inputs(folder: Path, listed: list[Person], queries: list[Query]) -> tuple[Path, Path]:
    wl = folder / "watchlist.ftm.json"
    with wl.open("w", encoding="utf-8") as fh:
        for p in listed:
            e = person_entity(p)
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
    ap.add_argument("--manifest", type=int, default=6000, help="queries in the timed manifest")
    ap.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--baseline-sample", type=int, help="queries given to the reference scorers")
    ap.add_argument("--no-baselines", action="store_true", help="skip rapidfuzz and logic-v2")
    ap.add_argument("--no-screen-file", action="store_true", help="skip the end-to-end screen_file run")
    ap.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = ap.parse_args()
    full = args.full
    defaults = {
        "list_size": 1_000_000 if full else 100_000,
        "per_variant": 2000 if full else 250,
        "clean_random": 50_000 if full else 2000,
        "clean_same_surname": 16_000 if full else 1000,
        "clean_namesake": 8000 if full else 500,
        "baseline_sample": 1000 if full else 600,
    }
    for k, v in defaults.items():
        if getattr(args, k) is None:
            setattr(args, k, v)

    report: dict[str, object] = {"args": {k: v for k, v in vars(args).items() if k != "json"}}
    load = os.getloadavg()
    print(
        f"{os.cpu_count()} cores; load average at start {load[0]:.1f} (other work on the machine slows timings)"
    )
    t = time.perf_counter()
    listed, queries = make_data(args)
    print(
        f"generated {len(listed):,} listed persons and {len(queries):,} queries in {time.perf_counter() - t:.1f}s"
    )

    entities = [person_entity(p) for p in listed]
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
    engine_results = list(screen_many(index, qents, args.threshold, 50, args.workers))
    all_s, all_cpu = clock.wall(), clock.cpu()
    print(
        f"all queries: {len(qents):,} in {all_s:.1f}s wall ({len(qents) / all_s:,.0f} names/s), "
        f"{all_cpu:.1f} CPU-s ({1000 * all_cpu / len(qents):.2f} CPU-ms per query)"
    )
    engine_hits = {q.id: {m.entity_id for m in ms} for q, ms in zip(queries, engine_results, strict=True)}

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
            wl, qf = write_inputs(folder, listed, queries[: args.manifest])
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
                proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
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
                f"end to end ({how}, {args.manifest:,} queries, {len(listed):,} entities): {e2e:.1f}s wall, "
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
        rf_hits, rf_s = run_rapidfuzz(listed, base_q, RAPIDFUZZ_CUTOFF)
        print(
            f"rapidfuzz cdist token_sort_ratio >= {RAPIDFUZZ_CUTOFF}: {len(base_q):,} queries in {rf_s:.1f}s"
        )
        results[f"rapidfuzz>={RAPIDFUZZ_CUTOFF}"] = evaluate(base_q, rf_hits)
        if base_q is not queries:
            results["caribclear(sample)"] = evaluate(base_q, engine_hits)
        lv_hits, lv_s, pairs, status = run_logic_v2(index, base_q)
        if status == "ok":
            print(
                f"nomenklatura logic-v2 >= {LOGIC_V2_THRESHOLD} on the engine's candidates: {pairs:,} pairs "
                f"in {lv_s:.1f}s ({1000 * lv_s / max(pairs, 1):.2f} ms/pair)"
            )
            results[f"logic-v2>={LOGIC_V2_THRESHOLD}"] = evaluate(base_q, lv_hits)
        else:
            print(f"nomenklatura logic-v2: {status}")
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
    print(f"peak resident memory of this process: {maxrss_mb():,.0f} MB")
    report["accuracy"] = results
    report["peak_rss_mb"] = round(maxrss_mb())
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
