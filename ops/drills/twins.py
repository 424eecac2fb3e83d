"""Two of everything: two web servers and two queue workers on one PostgreSQL, with a streaming replica.

    .venv/bin/python ops/drills/twins.py
    .venv/bin/python ops/drills/twins.py --keys 100 --submissions 60

A throwaway cluster and a hot standby of it (pg_basebackup -R) serve two gunicorn servers (ports A and B,
2 workers each; dashboards read the standby through DATABASE_REPLICA_URL) and two `manage.py worker`s.
Checks: a session signed in on A is valid on B (and the seeded officers' sessions on both); the same
request with the same Idempotency-Key sent to A and B at the same moment is stored once, both answers
naming the same notification; every job the submissions queue runs once (one worker id each, both
workers busy); the dashboard answers on both servers and its reads reach the standby. Exit 1 on a failure.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    AS_ROOT,
    DEMO_PASSWORD,
    Cluster,
    Submitter,
    django_query,
    free_port,
    get,
    notification_body,
    platform_env,
    request,
    say,
    seed,
    start_server,
    start_worker,
    throwaway_cluster,
)

MAKE_SKIPPER = f"""
from django.utils import timezone
from caribclear.accounts.models import User
user = User(username='drill-skipper@example.org', email='drill-skipper@example.org', role='operator',
            email_confirmed_at=timezone.now())
user.set_password({DEMO_PASSWORD!r})
user.save()
result = user.pk
"""


class Failures(list[str]):
    def check(self, ok: bool, what: str) -> None:
        print(f"  {'ok ' if ok else 'FAIL'} {what}", flush=True)
        if not ok:
            self.append(what)


def start_standby(primary: Cluster) -> tuple[Path, int]:
    """A hot standby streaming from the primary: pg_basebackup -R, its own port."""
    data = primary.base / "standby"
    port = free_port()
    primary.run(
        str(primary.bin / "pg_basebackup"),
        "-h",
        "127.0.0.1",
        "-p",
        str(primary.port),
        "-U",
        "postgres",
        "-D",
        str(data),
        "-R",
        "-X",
        "stream",
        "-c",
        "fast",
        "--no-sync",
    )
    with open(data / "postgresql.auto.conf", "a") as conf:
        conf.write(f"\nport = {port}\nhot_standby = on\narchive_mode = off\n")
    if AS_ROOT:
        shutil.chown(data / "postgresql.auto.conf", "postgres", "postgres")
    primary.run(
        str(primary.bin / "pg_ctl"), "-D", str(data), "-l", str(primary.base / "standby.log"), "-w", "start"
    )
    return data, port


def sign_in(port: int, email: str, password: str) -> str:
    """The login form as a browser fills it; returns the session cookie."""
    form = get(port, "/accounts/login/")
    csrf = form.cookies["csrftoken"]
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form.body)
    assert token, "no CSRF token on the login form"
    body = urlencode(
        {"csrfmiddlewaretoken": token.group(1).decode(), "username": email, "password": password}
    ).encode()
    answer = request(
        port,
        "POST",
        "/accounts/login/",
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf}"},
    )
    session = answer.cookies.get("sessionid")
    if answer.status != 302 or not session:
        raise SystemExit(f"sign-in failed: {answer.status} {answer.body[:300]!r}")
    return session


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--keys", type=int, default=30, help="requests sent to both servers at once")
    parser.add_argument("--submissions", type=int, default=30, help="more submissions, spread over both")
    parser.add_argument("--notifications", type=int, default=1000)
    parser.add_argument("--operators", type=int, default=100)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="caribclear-drill-twins-"))
    failures = Failures()
    standby: Path | None = None
    try:
        with throwaway_cluster() as cluster:
            primary_url = cluster.create_database("caribclear")
            env = platform_env(primary_url)
            credentials = seed(
                env,
                notifications=args.notifications,
                operators=args.operators,
                agents=4,
                out=work / "creds.json",
                demo=False,
            )
            standby, standby_port = start_standby(cluster)
            say(f"hot standby on port {standby_port}")
            web_env = {
                **env,
                "DATABASE_REPLICA_URL": f"postgres://postgres@127.0.0.1:{standby_port}/caribclear",
                "PGAPPNAME": "caribclear-web",
            }
            last = django_query(
                env,
                "from caribclear.clearance.models import Notification\n"
                "result = Notification.objects.order_by('-pk').values_list('pk', flat=True).first()",
            )
            port_a, port_b = free_port(), free_port()
            server_a = start_server(web_env, port_a, work, name="web-a")
            server_b = start_server(web_env, port_b, work, name="web-b")
            workers = [
                start_worker(env, work, name=f"worker-{n}", worker_id=f"drill-worker-{n}") for n in "12"
            ]
            try:
                say("sessions")
                django_query(env, MAKE_SKIPPER)
                session = sign_in(port_a, "drill-skipper@example.org", DEMO_PASSWORD)
                on_b = get(port_b, "/voyages/", headers={"Cookie": f"sessionid={session}"})
                failures.check(
                    on_b.status == 200, f"signed in on A, the skipper's voyages on B: {on_b.status}"
                )
                officer = credentials["sessions"][0]
                statuses = [
                    get(p, "/officer/", headers={"Cookie": f"sessionid={officer}"}).status
                    for p in (port_a, port_b)
                ]
                failures.check(statuses == [200, 200], f"an officer's session on A and B: {statuses}")

                say("idempotency across the servers")
                pairs: list[tuple[int, str, int, str]] = []
                lock = threading.Lock()

                def send(
                    port: int, agent: dict[str, Any], key: str, body: dict[str, Any], out: list[Any]
                ) -> None:
                    headers = {"Authorization": f"Bearer {agent['token']}", "Idempotency-Key": key}
                    for _ in range(20):
                        answer = request(port, "POST", "/api/notifications", body=body, headers=headers)
                        if answer.status != 409:
                            break
                        time.sleep(float(answer.headers.get("retry-after", "1")))
                    reference = answer.json().get("reference", "") if answer.status == 201 else ""
                    with lock:
                        out.append((answer.status, reference))

                for i in range(args.keys):
                    agent = credentials["agents"][i % len(credentials["agents"])]
                    key, body = str(uuid.uuid4()), notification_body(agent, credentials["port"])
                    out: list[Any] = []
                    threads = [
                        threading.Thread(target=send, args=(p, agent, key, body, out))
                        for p in (port_a, port_b)
                    ]
                    for thread in threads:
                        thread.start()
                    for thread in threads:
                        thread.join()
                    pairs.append((out[0][0], out[0][1], out[1][0], out[1][1]))
                same = sum(1 for s1, r1, s2, r2 in pairs if s1 == s2 == 201 and r1 == r2 and r1)
                failures.check(
                    same == args.keys,
                    f"same key to both servers at once: one notification, the same answer ({same}/{args.keys})",
                )
                submitter = Submitter([port_a, port_b], credentials)
                submitter.run(threads=4, per_thread=max(1, args.submissions // 4))
                stored = django_query(
                    env,
                    "from caribclear.clearance.models import Notification\n"
                    f"result = Notification.objects.filter(pk__gt={last or 0}).count()",
                )
                expected = args.keys + len(submitter.acknowledged)
                failures.check(
                    stored == expected, f"stored {stored} notifications for {expected} distinct keys"
                )

                say("dashboards and the replica")
                dashboard = [
                    get(p, "/dashboards/", headers={"Cookie": f"sessionid={officer}"}).status
                    for p in (port_a, port_b)
                ]
                on_standby = subprocess.run(
                    [
                        "psql",
                        "-h",
                        "127.0.0.1",
                        "-p",
                        str(standby_port),
                        "-U",
                        "postgres",
                        "-d",
                        "caribclear",
                        "-Atqc",
                        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'caribclear-web'",
                    ],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout.strip()
                failures.check(
                    dashboard == [200, 200] and int(on_standby) > 0,
                    f"the dashboard on A and B: {dashboard}; web connections to the standby: {on_standby}",
                )

                say("jobs: waiting for the queue to empty")
                deadline = time.time() + 900
                while time.time() < deadline:
                    jobs = django_query(
                        env,
                        "from django_tasks_db.models import DBTaskResult\n"
                        "result = [(j.status, j.worker_ids) for j in DBTaskResult.objects.all()]",
                    )
                    if all(status not in ("READY", "RUNNING") for status, _ids in jobs):
                        break
                    time.sleep(2)
                statuses_count = Counter(status for status, _ids in jobs)
                once = sum(1 for status, ids in jobs if status == "SUCCESSFUL" and len(ids) == 1)
                per_worker = Counter(ids[-1] for _status, ids in jobs if ids)
                failures.check(
                    bool(jobs) and once == len(jobs),
                    f"every job done once: {once}/{len(jobs)} ({dict(statuses_count)})",
                )
                failures.check(len(per_worker) == 2, f"both workers took jobs: {dict(per_worker)}")
            finally:
                for process in [server_a, server_b, *workers]:
                    process.stop()
                if standby is not None:
                    cluster.run(
                        str(cluster.bin / "pg_ctl"),
                        "-D",
                        str(standby),
                        "-m",
                        "immediate",
                        "stop",
                        check=False,
                    )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        print(f"TWINS DRILL FAILED: {len(failures)} check(s)")
        sys.exit(1)
    print("two-of-everything drill passed")


if __name__ == "__main__":
    main()
