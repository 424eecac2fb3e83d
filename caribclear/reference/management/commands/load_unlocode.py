from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from caribclear.reference.services import UnlocodeFormatError, unlocode_load_files


class Command(BaseCommand):
    help = (
        "Load the official UN/LOCODE code list (the UNECE CSV distribution: CodeListPart1.csv, "
        "CodeListPart2.csv, CodeListPart3.csv). By default only the territories of CCLEC members are kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, help="UN/LOCODE CSV files")
        parser.add_argument(
            "--all-countries", action="store_true", help="load every country, not only members"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        paths: list[Path] = options["paths"]
        for path in paths:
            if not path.is_file():
                raise CommandError(f"{path}: no such file.")
        try:
            count = unlocode_load_files(paths=paths, all_countries=options["all_countries"])
        except UnlocodeFormatError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Loaded {count} UN/LOCODE locations."))
