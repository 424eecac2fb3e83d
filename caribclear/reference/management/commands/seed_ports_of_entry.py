from typing import Any

from django.core.management.base import BaseCommand

from caribclear.reference.services import ports_of_entry_seed


class Command(BaseCommand):
    help = "Create the built-in main yacht ports of entry of the member states (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        created = ports_of_entry_seed()
        self.stdout.write(self.style.SUCCESS(f"Ports of entry ready ({created} new)."))
