"""Fill the cache of served STIX objects for every record whose stored objects are not current: after
records were written in bulk (an import, a generator), so partners' first pulls read stored objects."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from caribclear.intel.models import Alert, Seizure
from caribclear.partners import stix_cache


class Command(BaseCommand):
    help = "Build and store the STIX objects of records changed since they were last built."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--language", default="", help="language of the labels (default: the site's)")

    def handle(self, *args: Any, **options: Any) -> None:
        for model in (Seizure, Alert):
            started = time.perf_counter()
            built = stix_cache.fill(str(model.record_type), language=options["language"])
            self.stdout.write(f"{model.record_type}: {built} built in {time.perf_counter() - started:.1f} s")
