"""Mask and delete passenger data past each administration's retention (run daily: cron or a timer, or
queue ``passengers.tasks.retention_task`` for the database worker).

    python manage.py apply_passenger_retention [--mask-only | --delete-only] [--queue]
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from caribclear.passengers.services import passenger_lists_mask, passenger_lists_purge
from caribclear.passengers.tasks import retention_task


class Command(BaseCommand):
    help = "Mask personal data of lists past the masking age; delete lists past the deletion age."

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--mask-only", action="store_true")
        group.add_argument("--delete-only", action="store_true")
        parser.add_argument(
            "--queue", action="store_true", help="Queue it for the background worker instead."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["queue"]:
            retention_task.enqueue(mask=not options["delete_only"], delete=not options["mask_only"])
            self.stdout.write("Queued.")
            return
        if not options["delete_only"]:
            masked = passenger_lists_mask()
            self.stdout.write(f"Masked {masked['lists']} list(s), {masked['travellers']} traveller(s).")
        if not options["mask_only"]:
            purged = passenger_lists_purge()
            self.stdout.write(
                f"Deleted {purged['lists']} list(s), {purged['travellers']} traveller(s); "
                f"{purged['kept_for_cases']} list(s) kept for travellers linked to a case."
            )
