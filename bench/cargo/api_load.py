"""One-consignment API filings at N concurrent filers, against a live server (gunicorn on PostgreSQL).

``seed`` makes N filers (carriers), each with an operator and an API token, and writes their tokens to a
JSON file; ``run`` then has N threads, one per filer, each file one-consignment manifests
(``POST /api/cargo/manifests`` with an ``Idempotency-Key``) back to back for ``--seconds``, and prints
the latency percentiles, the errors and the registrations per second. The server is started apart (see
README.md); the queued screening of each filing is left in the queue (no worker runs), as the API's answer
does not wait for it.

    DATABASE_URL=... .venv/bin/python bench/cargo/api_load.py seed --filers 20 --out var/cargo-api.json
    .venv/bin/python bench/cargo/api_load.py run --credentials var/cargo-api.json --url http://127.0.0.1:8766
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
API = "/api/cargo/manifests"


def seed(filers: int, out: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caribclear.settings")
    import django

    django.setup()
    from caribclear.accounts.models import User
    from caribclear.accounts.services import api_token_create
    from caribclear.cargo import services
    from caribclear.cargo.models import Filer

    tokens = []
    for i in range(filers):
        email = f"api-filer-{i}@carrier.example"
        user, _ = User.objects.get_or_create(email=email, defaults={"username": email, "role": "operator"})
        if not Filer.objects.filter(trader_id=f"APIB{i:04d}").exists():
            services.filer_create(
                actor=None,
                name=f"API Bench Lines {i}",
                trader_id=f"APIB{i:04d}",
                kind="carrier",
                administrator=user,
            )
        _token, raw = api_token_create(user=user, name="cargo api bench")
        tokens.append(raw)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"tokens": tokens}))
    print(f"{filers} filers with tokens in {out}")


def filing(filer: int, n: int) -> dict:
    bill = f"API{filer:02d}{n:07d}"
    return {
        "lrn": f"APIB-{uuid.uuid4().hex[:20]}",
        "conveyance": {
            "mode": "sea",
            "vessel_name": "MSC CARIBBEAN",
            "imo": "9321483",
            "call_sign": "3FZA7",
            "flag": "PA",
            "carrier_code": "MSC",
            "carrier_name": "MEDITERRANEAN SHIPPING CO",
            "voyage": f"A{filer:02d}{n % 97}",
            "itinerary": [
                {"port": "DOPOP", "function": "departure", "departure": "2027-01-05T10:00:00Z"},
                {"port": "AGSJO", "function": "arrival", "arrival": "2027-01-07T08:00:00Z"},
            ],
        },
        "consignments": [
            {
                "bill_number": bill,
                "place_of_loading": "DOPOP",
                "place_of_discharge": "AGSJO",
                "origin_country": "DO",
                "parties": [
                    {"role": "consignor", "name": f"EXPORTADORA {n % 500}", "country": "DO"},
                    {"role": "consignee", "name": f"IMPORTER {n % 900} LTD", "country": "AG"},
                ],
                "goods": [
                    {
                        "hs_code": "170114",
                        "description": "Cane sugar, raw, in bags",
                        "package_count": 40,
                        "package_kind": "BG",
                        "gross_mass_kg": "1000.000",
                        "containers": ["MAEU5968532"],
                    }
                ],
                "containers": [{"number": "MAEU5968532", "size_type": "22G1", "full": True, "seals": ["S1"]}],
            }
        ],
    }


def run(credentials: Path, url: str, seconds: float) -> None:
    tokens = json.loads(credentials.read_text())["tokens"]
    latencies: list[float] = []
    errors: dict[str, int] = {}
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def filer(index: int, token: str) -> None:
        n = 0
        while time.monotonic() < stop:
            body = json.dumps(filing(index, n)).encode()
            request = urllib.request.Request(
                url + API,
                data=body,
                method="POST",
                headers={
                    "Authorization": f"Bearer {token}",
                    "Content-Type": "application/json",
                    "Idempotency-Key": uuid.uuid4().hex,
                },
            )
            t0 = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    response.read()
                    status = response.status
            except urllib.error.HTTPError as exc:
                status = exc.code
                detail = exc.read()[:200].decode(errors="replace")
            except OSError as exc:
                status, detail = 0, str(exc)
            elapsed = (time.perf_counter() - t0) * 1000
            with lock:
                if status == 201:
                    latencies.append(elapsed)
                else:
                    key = f"{status} {detail}"
                    errors[key] = errors.get(key, 0) + 1
            n += 1

    started = time.monotonic()
    threads = [threading.Thread(target=filer, args=(i, t)) for i, t in enumerate(tokens)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - started
    ok = len(latencies)
    print(f"{len(tokens)} concurrent filers, {wall:.0f} s; load average {os.getloadavg()}")
    if ok:
        q = statistics.quantiles(latencies, n=100)
        print(
            f"{ok} filings registered ({ok / wall:.1f}/s): p50 {q[49]:.0f} ms, p95 {q[94]:.0f} ms, "
            f"p99 {q[98]:.0f} ms, max {max(latencies):.0f} ms"
        )
    print(f"errors: {sum(errors.values())} {errors if errors else ''}")


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("seed")
    s.add_argument("--filers", type=int, default=20)
    s.add_argument("--out", type=Path, default=ROOT / "var" / "cargo-api.json")
    r = sub.add_parser("run")
    r.add_argument("--credentials", type=Path, default=ROOT / "var" / "cargo-api.json")
    r.add_argument("--url", default="http://127.0.0.1:8766")
    r.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    if args.command == "seed":
        seed(args.filers, args.out)
    else:
        run(args.credentials, args.url, args.seconds)


if __name__ == "__main__":
    main()
