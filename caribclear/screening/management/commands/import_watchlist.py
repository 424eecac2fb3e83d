"""``manage.py import_watchlist --name NAME --format ofac|un|ftm|csl|csv PATH``: load a list file as a new
version of a watchlist, and print what was added, changed and removed since the version before.

The list is created on its first import: regional (every member may screen against it) unless ``--owner``
names an administration (then ``--sharing`` and ``--shared-with`` say who else may use it).
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from caribclear.accounts.models import Administration
from caribclear.screening.choices import FILE_FORMATS, Sharing
from caribclear.screening.models import Watchlist
from caribclear.screening.services import watchlist_create, watchlist_import


class Command(BaseCommand):
    help = "Import a watchlist file (OFAC SDN CSV, UN XML, FollowTheMoney JSON lines, CSL CSV, lookout CSV)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "path", type=Path, help="The list file (for OFAC, sdn.csv with alt.csv and add.csv beside it)."
        )
        parser.add_argument("--name", required=True, help="The watchlist's name; created on first import.")
        parser.add_argument("--format", required=True, choices=[str(f) for f in FILE_FORMATS], dest="fmt")
        parser.add_argument(
            "--owner", default="", help="ISO code of the owner administration (default: regional)."
        )
        parser.add_argument("--sharing", default=Sharing.ALL, choices=Sharing.values)
        parser.add_argument(
            "--shared-with", default="", help="ISO codes separated by commas, for --sharing named."
        )
        parser.add_argument(
            "--threshold", default="0.80", help="Alert threshold of a new list (default 0.80)."
        )
        parser.add_argument(
            "--show", type=int, default=20, help="How many added/changed/removed names to print."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        watchlist = Watchlist.objects.filter(name=options["name"]).first()
        try:
            if watchlist is None:
                owner = self._administration(options["owner"]) if options["owner"] else None
                shared_with = [
                    self._administration(c) for c in options["shared_with"].split(",") if c.strip()
                ]
                watchlist = watchlist_create(
                    actor=None,
                    name=options["name"],
                    source_format=options["fmt"],
                    owner=owner,
                    sharing=options["sharing"],
                    shared_with=shared_with,
                    threshold=options["threshold"],
                )
                self.stdout.write(f"Created watchlist {watchlist.name!r}.")
            elif watchlist.source_format != options["fmt"]:
                raise CommandError(
                    f"{watchlist.name!r} is a {watchlist.source_format} list, not {options['fmt']}"
                )
            version = watchlist_import(actor=None, watchlist=watchlist, path=path)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(
            f"{watchlist.name} version {version.number}: {version.entity_count} entries "
            f"({version.skipped_count} records of kinds not screened); "
            f"{version.added_count} added, {version.changed_count} changed, {version.removed_count} removed."
        )
        show = options["show"]
        for kind, sign in (("added", "+"), ("changed", "~"), ("removed", "-")):
            for entity_id, caption in version.diff.get(kind, [])[:show]:
                self.stdout.write(f"  {sign} {entity_id} {caption}")

    def _administration(self, code: str) -> Administration:
        try:
            return Administration.objects.get(code=code.strip().upper())
        except Administration.DoesNotExist as error:
            raise CommandError(f"no member administration with code {code!r}") from error
