"""``manage.py valuation_refresh``: rebuild every cell of the valuation statistics over the rolling 12
months ending today (run daily: loads refresh the cells they touch, this moves the window)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from caribclear.valuation.services import cells_refresh


class Command(BaseCommand):
    help = "Rebuild the valuation statistics over the rolling period ending today."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        written = cells_refresh(new_line_ids=None)
        self.stdout.write(f"{written} cells in {time.perf_counter() - started:.1f} s")
