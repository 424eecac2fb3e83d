"""The CPU a benchmark's PostgreSQL backend has used, for the scripts under bench/ (their repository root is
on `sys.path`): the database's own work, which a process's CPU time does not include."""

from __future__ import annotations

import os
from pathlib import Path

from django.db import connection


def backend_cpu() -> float | None:
    """CPU seconds the PostgreSQL backend of this connection has used (its /proc entry, when the server runs
    on this machine and may be read), else None."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
