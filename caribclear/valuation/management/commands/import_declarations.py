"""``manage.py import_declarations PATH [--format auto|wco-dm|csv|xlsx] [--check] [--json]
[--administration CODE] [--date YYYY-MM-DD]``: load assessed import declarations into the valuation
database (a contract other tools use).

With ``--json`` it prints one object: ``format``, ``declarations``, ``lines``, ``stored``,
``already_loaded``, ``warnings`` and ``errors`` (each ``{"where", "message"}``). Exit status 0 when the
file was read, 1 when it was rejected (nothing is stored then: all or nothing). ``--check`` stores nothing.
``--administration`` (ISO code) is the administration the lines belong to, needed to store them and to
convert values with its exchange rates. ``--date`` is the day used for declarations that carry no
acceptance date (default: today, with a warning).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from caribclear.valuation import services
from caribclear.valuation.management.options import administration_named


class Command(BaseCommand):
    help = "Load assessed import declarations (WCO DM 3.6 XML, CSV or XLSX) into the valuation database."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--format", default="auto", choices=["auto", "wco-dm", "csv", "xlsx"], dest="fmt")
        parser.add_argument("--check", action="store_true", help="Read and check only; store nothing.")
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")
        parser.add_argument("--administration", default="", help="ISO code of the administration.")
        parser.add_argument("--date", default="", help="Date for declarations without one (YYYY-MM-DD).")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        administration = administration_named(
            options["administration"], check=options["check"], stored="lines"
        )
        try:
            default_date = dt.date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError:
            raise CommandError(f"--date {options['date']!r} is not a date (YYYY-MM-DD)") from None
        data = path.read_bytes()
        read = services.read_file(data, path.name, options["fmt"], default_date=default_date)
        report = services.lines_store(
            actor=None, administration=administration, read=read, name=path.name, check=options["check"]
        )
        if options["json"]:
            self.stdout.write(json.dumps(report.to_json(), ensure_ascii=False))
        else:
            self._print(report)
        if not report.ok:
            sys.exit(1)

    def _print(self, report: services.ImportReport) -> None:
        verdict = "rejected" if not report.ok else "read"
        self.stdout.write(
            f"{report.format}: {verdict}; {report.declarations} declarations, {report.lines} lines, "
            f"{report.stored} stored, {report.skipped} already loaded"
        )
        for issue in report.errors:
            self.stdout.write(f"error: {issue.where}: {issue.message}")
        for issue in report.warnings:
            self.stdout.write(f"warning: {issue.where}: {issue.message}")
