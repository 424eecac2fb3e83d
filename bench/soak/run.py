"""Soak: N minutes at 20 users on the load benchmark's mix, the memory of every process sampled.

    .venv/bin/python bench/soak/run.py --minutes 30              # the issue's soak (about 35 minutes)
    .venv/bin/python bench/soak/run.py --minutes 3 --warmup 1    # a short check of the script

A throwaway PostgreSQL cluster (ops/drills/common.py) is seeded as the load benchmark seeds its database
(`--notifications`, default 20,000); gunicorn (`--workers`, default 4, production settings) and a queue
worker serve locust's officers and agents' systems (bench/load/locustfile.py). Every `--sample` seconds
the resident memory (RSS) of every process is recorded: the gunicorn master and workers, the queue worker,
PostgreSQL's server processes, locust. Prints the error rate, p95 per window (`--window`, 5 minutes) per
request type, and each process group's memory growth from the end of the warm-up (`--warmup` minutes) to
the end, beside the goals (errors 0, growth under 10 %, p95 stable). Raw samples and requests are kept in
bench/results/soak-*. Exit 1 if a goal is missed.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "ops" / "drills"))

from common import (  # noqa: E402
    PY,
    descendants,
    free_port,
    memory_kib,
    platform_env,
    say,
    seed,
    start_server,
    start_worker,
    throwaway_cluster,
)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--warmup", type=float, default=5, help="minutes before memory is compared")
    parser.add_argument("--window", type=float, default=5, help="minutes per p95 window")
    parser.add_argument("--sample", type=float, default=5, help="seconds between memory samples")
    parser.add_argument("--notifications", type=int, default=20_000)
    parser.add_argument("--operators", type=int, default=1_000)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    if importlib.util.find_spec("locust") is None:
        subprocess.run([PY, "-m", "pip", "install", "--quiet", "locust>=2.30"], check=True)
    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    events_path = results / f"soak-{stamp}-requests.csv"
    samples_path = results / f"soak-{stamp}-memory.csv"

    with throwaway_cluster() as cluster:
        env = platform_env(cluster.create_database("caribclear"))
        seed(
            env,
            notifications=args.notifications,
            operators=args.operators,
            agents=20,
            out=results / f"soak-{stamp}-credentials.json",
            demo=False,
        )
        cluster.psql("VACUUM ANALYZE", "caribclear")
        port = free_port()
        server = start_server(env, port, results, workers=args.workers, name=f"soak-{stamp}-web")
        worker = start_worker(env, results, name=f"soak-{stamp}-worker")
        postmaster = cluster.postmaster_pid() or 0
        with open(results / f"soak-{stamp}-locust.log", "wb") as locust_log:
            locust = subprocess.Popen(
                [
                    PY,
                    "-m",
                    "locust",
                    "-f",
                    str(ROOT / "bench" / "soak" / "locustfile.py"),
                    "--headless",
                    "-u",
                    str(args.users),
                    "-r",
                    str(args.users),
                    "-t",
                    f"{int(args.minutes * 60)}s",
                    "--host",
                    f"http://127.0.0.1:{port}",
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                ],
                cwd=ROOT,
                env={
                    **env,
                    "BENCH_CREDENTIALS": str(results / f"soak-{stamp}-credentials.json"),
                    "SOAK_EVENTS": str(events_path),
                },
                stdout=locust_log,
                stderr=subprocess.STDOUT,
            )
        started = time.time()
        say(f"soak: {args.minutes:g} min at {args.users} users; requests in {events_path}")
        stop = threading.Event()

        def sample() -> None:
            with open(samples_path, "w", newline="") as out:
                writer = csv.writer(out)
                writer.writerow(["seconds", "group", "pid", "rss_kib", "pss_kib", "private_kib"])
                while not stop.wait(args.sample):
                    now = round(time.time() - started, 1)
                    groups = {
                        "web master": [server.pid],
                        "web workers": server.children(),
                        "queue worker": [worker.pid],
                        "postgresql": [postmaster, *descendants(postmaster)],
                        "locust": [locust.pid],
                    }
                    for group, pids in groups.items():
                        for pid in pids:
                            writer.writerow([now, group, pid, *memory_kib(pid)])
                    out.flush()

        sampler = threading.Thread(target=sample)
        sampler.start()
        locust.wait()
        stop.set()
        if locust.returncode not in (0, 1):  # 1: some requests failed, counted below
            print((results / f"soak-{stamp}-locust.log").read_text()[-3000:])
        sampler.join()
        web_restarts = not server.alive()
        server.stop()
        worker.stop()

    # --- Figures -----------------------------------------------------------------------------------
    requests = []
    with open(events_path) as source:
        for line in source:
            at, name, ms, failed = line.rstrip("\n").rsplit(",", 3)
            requests.append((float(at) - started, name, float(ms), failed == "1"))
    errors = sum(1 for r in requests if r[3])
    rate = errors / len(requests) if requests else 1.0
    print()
    print(f"requests: {len(requests):,}; errors: {errors} ({rate:.3%}) — goal 0")
    window = args.window * 60
    warm = args.warmup * 60
    length = max((r[0] for r in requests), default=0.0)
    by_window: dict[int, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for at, name, ms, _failed in requests:
        by_window[int(at // window)][name].append(ms)
        by_window[int(at // window)]["all"].append(ms)
    names = [*sorted({name for _at, name, _ms, _f in requests}), "all"]
    print("p95 (ms) per window of", f"{args.window:g} min:")
    print("  " + "window".ljust(16) + "".join(n[:20].rjust(22) for n in names))
    # Stability is judged on the full windows after the warm-up: the warm-up's own window (caches filling)
    # and a last sliver of a window (the few requests after the last full one) are shown but not judged.
    p95s: dict[str, list[float]] = defaultdict(list)
    for index in sorted(by_window):
        start, end = index * window, (index + 1) * window
        judged = start >= warm and end <= length + 1
        row = []
        for name in names:
            value = percentile(by_window[index][name], 0.95)
            if judged:
                p95s[name].append(value)
            row.append(f"{value:.0f}".rjust(22))
        label = f"{index * args.window:g}-{(index + 1) * args.window:g} min" + ("" if judged else " *")
        print("  " + label.ljust(16) + "".join(row))
    print("  (* not judged: the warm-up, or a part of a window at the end)")
    kinds = {"rss_kib": "RSS", "pss_kib": "PSS", "private_kib": "private (USS)"}
    memory: dict[str, dict[str, dict[float, int]]] = {
        kind: defaultdict(lambda: defaultdict(int)) for kind in kinds
    }
    with open(samples_path) as source:
        for row in csv.DictReader(source):
            for kind in kinds:
                memory[kind][row["group"]][float(row["seconds"])] += int(row.get(kind) or 0)
    growth_ok = True
    print(
        "memory of each group of processes, mean of the first window after the warm-up and of the last "
        f"{args.window:g} minutes (growth judged on private memory; RSS counts shared pages in every process):"
    )
    for group in memory["rss_kib"]:
        parts = []
        for kind, label in kinds.items():
            series = memory[kind][group]
            times = sorted(series)
            first = [series[t] for t in times if warm <= t < warm + window]
            last = [series[t] for t in times if t >= times[-1] - window and t >= warm]
            if not first or not last:
                parts.append(f"{label}: no samples")
                if kind == "private_kib":
                    growth_ok = False
                continue
            before, after = sum(first) / len(first), sum(last) / len(last)
            growth = (after - before) / before if before else 0.0
            parts.append(f"{label} {before / 1024:.1f} -> {after / 1024:.1f} MiB ({growth:+.1%})")
            if kind == "private_kib" and group != "locust" and growth >= 0.10:
                growth_ok = False
        print(f"  {group:13} " + "; ".join(parts))
    stable = all(max(v) <= 2 * max(min(v), 1) for v in p95s.values() if len(v) > 1)
    print(
        f"goals: errors 0: {'met' if errors == 0 else 'MISSED'}; memory growth under 10 %: "
        f"{'met' if growth_ok else 'MISSED'}; p95 stable (no full window after the warm-up over twice the "
        f"best): {'met' if stable else 'MISSED'}; web server restarted: {'YES' if web_restarts else 'no'}"
    )
    if errors or not growth_ok or not stable or web_restarts:
        sys.exit(1)


if __name__ == "__main__":
    main()
