"""``manage.py import_comtrade PATH [--check] [--json] [--administration CODE]``: load a UN Comtrade
extract (partner countries' reported exports to the administration's country) for the mirror check of the
valuation database.

With ``--json`` it prints one object: ``layout`` (``comtrade-plus`` or ``comtrade-legacy``), ``rows_read``,
``figures``, ``stored``, ``replaced``, ``warnings`` and ``errors`` (each ``{"where", "message"}``). Exit
status 0 when the file was read, 1 when it was rejected (nothing is stored then: all or nothing).
``--check`` stores nothing. ``--administration`` (ISO code) is the administration the figures are loaded
for (its country is the partner kept); without it only ``--check`` is allowed, and every partner is read.
"""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from caribclear.valuation import services
from caribclear.valuation.management.options import administration_named


class Command(BaseCommand):
    help = "Load a UN Comtrade extract (Comtrade+ or legacy CSV) for the valuation mirror check."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--check", action="store_true", help="Read and check only; store nothing.")
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")
        parser.add_argument("--administration", default="", help="ISO code of the administration.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        administration = administration_named(
            options["administration"], check=options["check"], stored="figures"
        )
        if path.stat().st_size > services.MIRROR_LIMITS.max_bytes:
            raise CommandError(f"{path}: larger than {services.MIRROR_LIMITS.max_bytes // (1024 * 1024)} MB")
        report = services.mirror_load(
            actor=None,
            administration=administration,
            data=path.read_bytes(),
            name=path.name,
            check=options["check"],
        )
        if options["json"]:
            self.stdout.write(json.dumps(report.to_json(), ensure_ascii=False))
        else:
            verdict = "rejected" if not report.ok else "read"
            self.stdout.write(
                f"{report.layout or 'unknown layout'}: {verdict}; {report.rows_read} rows, {report.figures} "
                f"figures, {report.stored} stored, {report.replaced} replaced"
            )
            for issue in report.errors:
                self.stdout.write(f"error: {issue.where}: {issue.message}")
            for issue in report.warnings:
                self.stdout.write(f"warning: {issue.where}: {issue.message}")
        if not report.ok:
            sys.exit(1)
