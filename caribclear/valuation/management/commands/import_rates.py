"""``manage.py import_rates PATH --administration CODE --source TEXT [--check]``: load exchange rates
(CSV/XLSX: date, currency, per_usd) for an administration's valuation database; all or nothing."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from caribclear.valuation import services
from caribclear.valuation.management.options import administration_named


class Command(BaseCommand):
    help = "Load a file of exchange rates for the valuation database."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--administration", required=True)
        parser.add_argument("--source", required=True, help="Where the rates come from (shown with them).")
        parser.add_argument("--check", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        administration = administration_named(options["administration"])
        result = services.rates_load(
            actor=None,
            administration=administration,
            data=path.read_bytes(),
            name=path.name,
            source=options["source"],
            check=options["check"],
        )
        for issue in result.errors:
            self.stdout.write(f"error: {issue.where}: {issue.message}")
        self.stdout.write(f"{result.rates} rates {'refused' if result.errors else 'read'}")
        if result.errors:
            sys.exit(1)
