"""What the drills share: a throwaway PostgreSQL cluster, the platform's processes, a filer's API client.

Nothing here touches a database it did not create: PostgreSQL drills start their own cluster (initdb +
pg_ctl) on a port of their own under a temporary directory and delete it afterwards.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import glob
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PY = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").is_dir() else sys.executable
DEMO_PASSWORD = "caribclear-demo"  # noqa: S105 - the demo seed's printed password
AS_ROOT = os.geteuid() == 0


def say(message: str) -> None:
    print(f"[{dt.datetime.now(dt.UTC):%H:%M:%S}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@functools.cache
def credential_key() -> str:
    """A training-credential signing key of the drill's own (production settings require one)."""
    from jwcrypto import jwk

    return str(jwk.JWK.generate(kty="EC", crv="P-256").export_private())


def platform_env(database_url: str, **extra: str) -> dict[str, str]:
    """Production settings (DEBUG off) without TLS in front, as bench/load/run.sh runs them."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="caribclear.settings",
        CARIBCLEAR_SECRET_KEY="drill-secret-key-not-for-production-0123456789abcdef",  # noqa: S106
        CARIBCLEAR_ALLOWED_HOSTS="127.0.0.1,localhost",
        CARIBCLEAR_SSL_REDIRECT="0",
        CARIBCLEAR_PLAIN_STATIC="1",
        CARIBCLEAR_TASKS_IMMEDIATE="0",
        CARIBCLEAR_EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        CARIBCLEAR_LOG_LEVEL="WARNING",
        CARIBCLEAR_DEBUG="0",
        CARIBCLEAR_CREDENTIAL_KEY=credential_key(),
    )
    env.pop("DATABASE_REPLICA_URL", None)
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str, check: bool = True, quiet: bool = True) -> str:
    result = subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if check and result.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    if not quiet:
        print(result.stdout, end="")
    return result.stdout


def django_query(env: dict[str, str], code: str) -> Any:
    """Run a snippet with Django set up against env's database; it assigns `result` (JSON-able)."""
    program = (
        "import json, django; django.setup()\n"
        + code
        + "\nprint('\\n@@RESULT@@' + json.dumps(result, default=str))"
    )
    out = subprocess.run([PY, "-c", program], cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if out.returncode:
        raise SystemExit(f"query failed:\n{out.stdout}\n{out.stderr}")
    return json.loads(out.stdout.rsplit("@@RESULT@@", 1)[1])


# --- A throwaway PostgreSQL cluster ----------------------------------------------------------------


def pg_bin() -> Path:
    configured = os.environ.get("PG_BIN")
    if configured:
        return Path(configured)
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise SystemExit("No PostgreSQL server binaries (initdb) found; set PG_BIN.")
    return Path(found[-1]).parent


class Cluster:
    """A PostgreSQL cluster of the drill's own: WAL archived to a directory beside it (archive_command),
    so a base backup plus the archive restores it to its last archived transaction."""

    def __init__(self, base: Path, port: int | None = None, *, archive_timeout: int = 10) -> None:
        self.base = base
        self.port = port or free_port()
        self.data = base / "data"
        self.archive = base / "wal-archive"
        self.log = base / "postgres.log"
        self.archive_timeout = archive_timeout
        self.bin = pg_bin()

    def _cmd(self, *args: str) -> list[str]:
        # initdb and postgres refuse to run as root: the drill runs them as the postgres user then.
        return ["runuser", "-u", "postgres", "--", *args] if AS_ROOT else list(args)

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(self._cmd(*args), capture_output=True, text=True, check=check)

    def init(self) -> None:
        self.base.mkdir(parents=True, exist_ok=True)
        self.archive.mkdir(exist_ok=True)
        if AS_ROOT:
            shutil.chown(self.base, "postgres", "postgres")
            shutil.chown(self.archive, "postgres", "postgres")
        self.run(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"
        )
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(
                f"\n# drill\nport = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.base}'\nwal_level = replica\narchive_mode = on\n"
                f"archive_command = 'test ! -f {self.archive}/%f && cp %p {self.archive}/%f'\n"
                f"archive_timeout = {self.archive_timeout}\nmax_wal_senders = 4\nmax_connections = 100\n"
                "shared_buffers = 64MB\n"
            )
        with open(self.data / "pg_hba.conf", "a") as hba:
            hba.write("host replication postgres 127.0.0.1/32 trust\n")

    def start(self) -> None:
        self.run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start"
        )

    def stop(self, mode: str = "fast") -> None:
        self.run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def psql(self, sql: str, database: str = "postgres") -> str:
        out = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database, "-Atqc", sql],
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.strip()

    def create_database(self, name: str) -> str:
        self.psql(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def base_backup(self, target: Path) -> None:
        """pg_basebackup of the running cluster (WAL needed for consistency streamed into it)."""
        if AS_ROOT:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.chown(target.parent, "postgres", "postgres")
        self.run(
            str(self.bin / "pg_basebackup"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "-D",
            str(target),
            "-X",
            "stream",
            "-c",
            "fast",
            "--no-sync",
        )

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.data)

    def restore(self, backup: Path, *, only_the_backup: bool = False) -> None:
        """Put the base backup in place and replay the archived WAL (all of it, or none past the backup's
        consistent point with only_the_backup), then start and wait for recovery to end."""
        shutil.copytree(backup, self.data, symlinks=True)
        if AS_ROOT:
            subprocess.run(["chown", "-R", "postgres:postgres", str(self.data)], check=True)
        (self.data / "postmaster.pid").unlink(missing_ok=True)
        with open(self.data / "postgresql.auto.conf", "a") as conf:
            conf.write(f"\nrestore_command = 'cp {self.archive}/%f %p'\n")
            conf.write("recovery_target_action = 'promote'\n")
            if only_the_backup:
                conf.write("recovery_target = 'immediate'\n")
        (self.data / "recovery.signal").touch()
        if AS_ROOT:
            shutil.chown(self.data / "recovery.signal", "postgres", "postgres")
        self.start()
        for _ in range(600):
            if self.psql("SELECT pg_is_in_recovery()") == "f":
                return
            time.sleep(0.1)
        raise SystemExit("recovery did not end")

    def postmaster_pid(self) -> int | None:
        pidfile = self.data / "postmaster.pid"
        return int(pidfile.read_text().split()[0]) if pidfile.exists() else None

    def remove(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.base, ignore_errors=True)


@contextlib.contextmanager
def throwaway_cluster(*, keep: bool = False, archive_timeout: int = 10) -> Iterator[Cluster]:
    base = Path(tempfile.mkdtemp(prefix="caribclear-drill-pg-"))
    if AS_ROOT:
        os.chmod(base, 0o755)  # noqa: S103 - the postgres user reaches its cluster inside
    cluster = Cluster(base, archive_timeout=archive_timeout)
    cluster.init()
    cluster.start()
    say(f"throwaway PostgreSQL cluster on port {cluster.port} under {base}")
    try:
        yield cluster
    finally:
        # Whatever the drill started and left running (it failed half-way) goes before its database.
        for process in STARTED:
            process.stop()
        if keep:
            say(f"kept the cluster (stopped) under {base}")
            cluster.stop()
        else:
            cluster.remove()


# --- Seeding ---------------------------------------------------------------------------------------


def seed(
    env: dict[str, str], *, notifications: int, operators: int, agents: int, out: Path, demo: bool = True
) -> dict[str, Any]:
    """Migrate, the demo seed (it queues a few hundred screening jobs), then the load benchmark's seed at a
    drill's size. Drills that count jobs leave the demo out, so the queue holds only their own."""
    started = time.perf_counter()
    manage(env, "migrate", "--no-input", "-v", "0")
    if demo:
        manage(env, "seed_demo")
    subprocess.run(
        [
            PY,
            "bench/load/seed.py",
            "--notifications",
            str(notifications),
            "--operators",
            str(operators),
            "--officials",
            "4",
            "--agents",
            str(agents),
            "--out",
            str(out),
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    say(
        f"seeded ({'demo + ' if demo else ''}{notifications} notifications) in {time.perf_counter() - started:.0f} s"
    )
    return json.loads(out.read_text())


# --- The platform's processes ----------------------------------------------------------------------


STARTED: list[Process] = []


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def children(self) -> list[int]:
        try:
            text = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text()
        except OSError:
            return []
        return [int(p) for p in text.split()]

    def stop(self) -> None:
        if self.alive():
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(15)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()


def start_server(
    env: dict[str, str],
    port: int,
    logdir: Path,
    *,
    workers: int = 2,
    name: str = "web",
    preload: bool = False,
) -> Process:
    """gunicorn; with preload the application is imported once and the workers fork from it, so a killed
    worker is replaced at once (as on a production server that preloads)."""
    log = logdir / f"{name}.log"
    with open(log, "ab") as out:
        popen = subprocess.Popen(
            [
                PY,
                "-m",
                "gunicorn",
                "caribclear.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
                "--log-level",
                "warning",
                *(["--preload"] if preload else []),
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    process = Process(name, popen, log)
    STARTED.append(process)
    for _ in range(300):
        if not process.alive():
            raise SystemExit(f"{name} did not start: see {log}")
        with contextlib.suppress(OSError):
            if get(port, "/healthz").status == 200 and len(process.children()) == workers:
                return process
        time.sleep(0.2)
    raise SystemExit(f"{name} did not answer: see {log}")


def start_worker(env: dict[str, str], logdir: Path, *, name: str = "worker", worker_id: str = "") -> Process:
    log = logdir / f"{name}.log"
    args = [PY, "manage.py", "worker", "--queue-name", "*", "--interval", "0.5", "--no-reload"]
    if worker_id:
        args += ["--worker-id", worker_id]
    with open(log, "ab") as out:
        popen = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    process = Process(name, popen, log)
    STARTED.append(process)
    return process


# --- HTTP ------------------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float
    cookies: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.body)


def request(
    port: int,
    method: str,
    path: str,
    *,
    body: Any = None,
    headers: dict[str, str] | None = None,
    timeout: float = 15.0,
) -> Answer:
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        data = json.dumps(body).encode() if body is not None and not isinstance(body, bytes) else body
        all_headers = {"Host": "127.0.0.1", **(headers or {})}
        if body is not None and "Content-Type" not in all_headers:
            all_headers["Content-Type"] = "application/json"
        connection.request(method, path, body=data, headers=all_headers)
        response = connection.getresponse()
        content = response.read()
        cookies = {}
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                cookie, _sep, _attributes = value.partition(";")
                key, _eq, cookie_value = cookie.partition("=")
                cookies[key.strip()] = cookie_value.strip().strip('"')
        return Answer(
            response.status,
            {k.lower(): v for k, v in response.getheaders()},
            content,
            time.perf_counter() - started,
            cookies,
        )
    finally:
        connection.close()


def get(port: int, path: str, **kwargs: Any) -> Answer:
    return request(port, "GET", path, **kwargs)


def notification_body(agent: dict[str, Any], port_code: str) -> dict[str, Any]:
    """A submitted arrival as an agent's system sends it (the load benchmark's body)."""
    when = dt.datetime.now(dt.UTC) + dt.timedelta(days=random.uniform(1, 20))
    questions = (
        "firearms",
        "currency",
        "alcohol_tobacco",
        "animals",
        "plants_food",
        "goods_for_sale",
        "illness",
    )
    return {
        "vessel_id": agent["vessel_id"],
        "kind": "arrival",
        "port": port_code,
        "expected_at": when.isoformat(),
        "last_port": "Bridgetown",
        "last_port_country": "BB",
        "next_port": "Castries",
        "next_port_country": "LC",
        "purpose": "cruising",
        "people": [dict(p, role="master" if i == 0 else "crew") for i, p in enumerate(agent["people"])],
        "declaration": {question: False for question in questions},
        "submit": True,
    }


@dataclass
class Submitter:
    """An agent's system: submits notifications with an Idempotency-Key and, on a dropped connection, a
    503 or a 409, sends the same request with the same key again after a back-off (Retry-After if given)."""

    ports: list[int]
    credentials: dict[str, Any]
    max_wait: float = 120.0
    acknowledged: list[dict[str, Any]] = field(default_factory=list)
    outcomes: Counter[str] = field(default_factory=Counter)
    refused: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def submit_one(self, agent: dict[str, Any], *, index: int = 0) -> dict[str, Any] | None:
        key = str(uuid.uuid4())
        body = notification_body(agent, self.credentials["port"])
        headers = {"Authorization": f"Bearer {agent['token']}", "Idempotency-Key": key}
        deadline = time.monotonic() + self.max_wait
        wait = 0.2
        attempt = 0
        while time.monotonic() < deadline:
            port = self.ports[(index + attempt) % len(self.ports)]
            attempt += 1
            try:
                answer = request(port, "POST", "/api/notifications", body=body, headers=headers, timeout=20)
            except (OSError, http.client.HTTPException) as error:
                self.count(f"connection error ({type(error).__name__})")
                time.sleep(wait)
                wait = min(wait * 2, 5)
                continue
            self.count(str(answer.status))
            if answer.status == 201:
                record = {
                    "key": key,
                    "reference": answer.json()["reference"],
                    "at": time.time(),
                    "replayed": answer.headers.get("idempotent-replayed") == "true",
                    "attempts": attempt,
                }
                with self.lock:
                    self.acknowledged.append(record)
                return record
            if answer.status in (409, 503):
                time.sleep(min(float(answer.headers.get("retry-after", wait)), 5.0))
                continue
            with self.lock:
                self.refused.append(f"{answer.status}: {answer.body[:300]!r}")
            return None
        self.count("gave up")
        return None

    def count(self, outcome: str) -> None:
        with self.lock:
            self.outcomes[outcome] += 1

    def run(
        self, *, threads: int, per_thread: int | None = None, until: threading.Event | None = None
    ) -> None:
        def loop(index: int) -> None:
            agent = self.credentials["agents"][index % len(self.credentials["agents"])]
            done = 0
            while (per_thread is None or done < per_thread) and not (until and until.is_set()):
                self.submit_one(agent, index=index)
                done += 1

        workers = [threading.Thread(target=loop, args=(i,), daemon=True) for i in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def memory_kib(pid: int) -> tuple[int, int, int]:
    """(RSS, PSS, private) of a process in KiB. RSS counts every shared page in full in every process that
    touched it (PostgreSQL's shared buffers in each backend), so a group's RSS grows as its processes touch
    more of the same shared memory; PSS shares such pages out, and private memory (USS) is what the
    process alone holds: a leak shows there."""
    rss = rss_kib(pid)
    pss = private = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            field, _sep, rest = line.partition(":")
            if field == "Pss":
                pss = int(rest.split()[0])
            elif field in ("Private_Clean", "Private_Dirty"):
                private += int(rest.split()[0])
    except (OSError, ValueError, IndexError):
        pass
    return rss, pss, private


def descendants(pid: int) -> list[int]:
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        try:
            kids = [int(p) for p in Path(f"/proc/{current}/task/{current}/children").read_text().split()]
        except OSError:
            kids = []
        found += kids
        stack += kids
    return found
