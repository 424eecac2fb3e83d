"""The engine's CPU time alone, for before-and-after figures: build the index, screen the manifest with cold
caches, then again warm (best of three), in one process.

Run from the repository root, each engine in turn (``SCREENING_ENGINE_REPO`` as for ``run.py``)::

    .venv/bin/python bench/screening/speed.py
    SCREENING_ENGINE_REPO=/path/to/other/checkout .venv/bin/python bench/screening/speed.py
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import REPO, Index, make_data, person_entity, rss_mb


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--list-size", type=int, default=100_000)
    ap.add_argument("--manifest", type=int, default=6000, help="queries screened (the first of run.py's)")
    args = ap.parse_args()
    data = argparse.Namespace(
        seed=args.seed,
        list_size=args.list_size,
        per_variant=250,
        clean_random=2000,
        clean_same_surname=1000,
        clean_namesake=500,
        clean_same_birthday=1000,
        clean_random_all=2000,
        clean_part_name=1000,
    )
    listed, queries = make_data(data)
    entities = [person_entity(p) for p in listed]
    del listed
    gc.collect()
    manifest = [q.entity() for q in queries[: args.manifest]]
    rss0, cpu = rss_mb(), time.process_time()
    index = Index.build(entities)
    build, grew = time.process_time() - cpu, rss_mb() - rss0
    cpu = time.process_time()
    found = sum(len(index.screen(q, threshold=0.8, limit=50)) for q in manifest)
    cold = time.process_time() - cpu
    warm = []
    for _ in range(3):
        cpu = time.process_time()
        for q in manifest:
            index.screen(q, threshold=0.8, limit=50)
        warm.append(time.process_time() - cpu)
    print(
        f"{REPO.name}: index build {build:.2f} CPU-s (+{grew:.0f} MB), {len(manifest):,} queries cold "
        f"{cold:.2f} CPU-s, warm {min(warm):.2f} CPU-s; {found} matches; load {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
