"""Read a passenger or crew list file and store it (a contract other tools use).

    python manage.py import_passenger_list PATH [--format auto|paxlst|csv|xlsx] [--check] [--json]

With ``--json`` it prints one JSON object: the format, the interchanges, the messages, and for each flight
or voyage its carrier, number, ports, times, passenger and crew counts; the warnings and errors with where
they were found (line, segment, element; row and column), and what was stored. Exit 0 when read (and
stored), 1 when rejected. With ``--check`` nothing is stored. The carrier of each list is the one its file
names (made on first sight).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from caribclear.edifact.limits import MAX_BYTES
from caribclear.passengers.readers import FORMATS
from caribclear.passengers.services import passenger_list_import


class Command(BaseCommand):
    help = "Read (and unless --check, store) a PAXLST, CSV or XLSX passenger or crew list."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument("--format", default="auto", choices=FORMATS)
        parser.add_argument("--check", action="store_true", help="Read and report only; store nothing.")
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_BYTES + 1)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}") from exc
        outcome = passenger_list_import(
            actor=None, data=data, format=options["format"], check=options["check"], max_bytes=MAX_BYTES
        )
        report = outcome.to_json()
        report["checked_only"] = bool(options["check"])
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False))
        else:
            self._human(report)
        if not outcome.ok:
            raise SystemExit(1)

    def _human(self, report: dict[str, Any]) -> None:
        counts = report["counts"]
        self.stdout.write(
            f"{report['format']}: {counts['interchanges']} interchange(s), {counts['messages']} list(s), "
            f"{counts['passengers']} passenger(s), {counts['crew']} crew"
        )
        for flight in report["flights"]:
            self.stdout.write(
                f"  {flight['carrier']} {flight['number']} {flight['departure_port']} {flight['departure_local']}"
                f" -> {flight['arrival_port']} {flight['arrival_local']}:"
                f" {flight['passengers']} passenger(s), {flight['crew']} crew"
            )
        for stored in report.get("stored", []):
            self.stdout.write(
                f"  stored {stored['reference']} v{stored['version']} ({stored['function']}) for "
                f"{stored['administration']}: +{stored['added']} ~{stored['changed']} -{stored['removed']}"
            )
        for kind in ("warnings", "errors"):
            for issue in report[kind]:
                where = ", ".join(f"{k} {v}" for k, v in issue.get("where", {}).items())
                line = f"  {kind[:-1]}: {issue['message']}" + (f" ({where})" if where else "")
                self.stdout.write(self.style.WARNING(line) if kind == "warnings" else self.style.ERROR(line))
