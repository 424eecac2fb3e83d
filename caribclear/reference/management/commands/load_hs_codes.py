"""Load the Harmonized System nomenclature (chapters, headings, subheadings) from a CSV file with the
columns section, hscode, description, parent, level (the layout of the datasets/harmonized-system package).
Idempotent: codes are added or updated, none removed."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from caribclear.core import memo
from caribclear.reference.models import HsCode


class Command(BaseCommand):
    help = "Load HS codes (chapters, headings, 6-digit subheadings) from a CSV file."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", help="CSV with section, hscode, description, parent, level")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path}: {exc}") from exc
        rows = csv.DictReader(io.StringIO(text))
        missing = {"hscode", "description"} - set(rows.fieldnames or [])
        if missing:
            raise CommandError(f"{path}: missing columns {', '.join(sorted(missing))}")
        codes: dict[str, HsCode] = {}
        for number, row in enumerate(rows, start=2):
            code = (row.get("hscode") or "").strip()
            if code.upper() == "TOTAL":
                continue  # the file's grand-total line, not a code
            if not code.isdigit() or len(code) not in (2, 4, 6):
                raise CommandError(f"{path}, line {number}: {code!r} is not a 2, 4 or 6-digit HS code")
            codes[code] = HsCode(
                code=code,
                description=(row.get("description") or "").strip()[:600],
                level=len(code),
                section=(row.get("section") or "").strip()[:5] if row.get("section") != "TOTAL" else "",
            )
        with transaction.atomic():
            existing = dict(HsCode.objects.values_list("code", "pk"))
            for key, hs in codes.items():
                hs.pk = existing.get(key)
            HsCode.objects.bulk_create([c for k, c in codes.items() if k not in existing], batch_size=1000)
            HsCode.objects.bulk_update(
                [c for k, c in codes.items() if k in existing],
                ["description", "level", "section"],
                batch_size=1000,
            )
        # Bulk writes send no signal: this process's kept copies (the filing's HS check) are dropped here;
        # a server's processes see the new codes when theirs lapse (`core.memo`).
        memo.clear_all()
        self.stdout.write(f"{len(codes)} HS codes loaded.")
