"""``manage.py backup_database PATH``: a consistent copy of the SQLite database while the platform runs.

SQLite's online backup API (``sqlite3.Connection.backup``) copies the database as of one moment. By
default it copies in one step: in WAL mode that step reads one snapshot while writers carry on (copied in
several steps, a write by another connection makes SQLite start the copy again, which under steady
writing may never end). The copy is written beside PATH and
renamed into place when complete, then checked (``PRAGMA integrity_check``). Restore by stopping the
platform and putting the copy in place of the database file (and removing its -wal and -shm files).

PostgreSQL is backed up with its own tools (a base backup plus WAL archiving): see ops/drills/README.md.
"""

from __future__ import annotations

import os
import sqlite3
import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connections


class Command(BaseCommand):
    help = "Copy the SQLite database to PATH with SQLite's online backup API, consistently, while it runs."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", type=Path, help="The backup file to write (replaced if it exists).")
        parser.add_argument("--database", default="default", help="The database alias (default: default).")
        parser.add_argument(
            "--pages", type=int, default=-1, help="Pages copied per step (default: all in one step)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        alias = options["database"]
        settings_dict = connections[alias].settings_dict
        if settings_dict["ENGINE"] != "django.db.backends.sqlite3":
            raise CommandError(
                "backup_database copies SQLite databases; back up PostgreSQL with pg_basebackup and WAL "
                "archiving (see ops/drills/README.md)."
            )
        source_path = Path(str(settings_dict["NAME"]))
        if not source_path.is_file():
            raise CommandError(f"{source_path}: no such database file")
        target: Path = options["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        partial.unlink(missing_ok=True)
        started = time.perf_counter()
        source = sqlite3.connect(source_path, timeout=30)
        destination = sqlite3.connect(partial)
        try:
            source.execute("PRAGMA busy_timeout=30000")
            source.backup(destination, pages=options["pages"], sleep=0.005)
            check = destination.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            destination.close()
            source.close()
        if check != "ok":
            partial.unlink(missing_ok=True)
            raise CommandError(f"The copy failed its integrity check: {check}")
        os.replace(partial, target)
        self.stdout.write(
            f"Backed up {source_path.name} to {target} ({target.stat().st_size:,} bytes) in "
            f"{time.perf_counter() - started:.2f} s; integrity ok."
        )
