"""Apply every registered retention rule once (`core.retention`): delete or minimise personal data past
its period. Safe to run twice; run it daily (cron or a systemd timer)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from caribclear.core.retention import apply_all


class Command(BaseCommand):
    help = "Delete or minimise personal data past its retention period (every registered rule, audited)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Count what would change; change nothing.")

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        for outcome in apply_all(dry_run=dry_run):
            verb = "would be" if dry_run else "were"
            self.stdout.write(f"{outcome.rule.key}: {outcome.count} record(s) {verb} deleted or minimised")
