"""Verify the hash chains of the audit trail and the intelligence access log."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from caribclear.core.chain import verify_chain
from caribclear.core.models import ChainedModel


class Command(BaseCommand):
    help = (
        "Checks every link of the audit trail's and the access log's hash chains and reports the first "
        "broken one (exit status 1). Prints each chain's last hash: keep it elsewhere (a ticket, a "
        "signed e-mail) to notice later if the end of a chain was cut off or rewritten."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, database: str = "default", **options: Any) -> None:
        broken = []
        # Every hash-chained log of every app (the audit trail, the intelligence access log...).
        chained = sorted(
            (model for model in apps.get_models() if issubclass(model, ChainedModel)),
            key=lambda model: model._meta.db_table,
        )
        for model in chained:
            result = verify_chain(model, using=database)
            if result.ok:
                self.stdout.write(
                    f"{result.table}: {result.rows} rows, chain intact, last hash {result.last_hash}"
                )
            else:
                broken.append(result)
                self.stdout.write(
                    f"{result.table}: BROKEN at id {result.broken_at}: {result.reason} "
                    f"(rows before it verified; last good hash {result.last_hash})"
                )
        if broken:
            raise CommandError(
                "; ".join(f"{r.table} broken at id {r.broken_at}" for r in broken), returncode=1
            )
