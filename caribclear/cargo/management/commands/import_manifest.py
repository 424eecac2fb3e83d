"""``manage.py import_manifest PATH [--format ...] [--check] [--json] [--filer TRADER_ID]``

Reads a cargo manifest file (format detected unless named). With ``--check`` nothing is stored; without
it the manifest is registered for the filer named by ``--filer`` (its trader identifier), as if its
administrator had uploaded it. With ``--json`` one JSON object is printed: format, messages, conveyances,
consignments, goods items, containers, parties, warnings and errors (each with where it was found), and
the MRNs registered. Exit status 0 when the file was read (and registered), 1 when it was rejected.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from caribclear.cargo import services
from caribclear.cargo.models import Filer

FORMATS = ("auto", "cuscar", "ifcsum", "awmds", "xfwb", "xfzb", "xffm", "csv", "xlsx")


class Command(BaseCommand):
    help = "Read (and unless --check, register) a cargo manifest file."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path")
        parser.add_argument("--format", default="auto", choices=FORMATS)
        parser.add_argument("--check", action="store_true", help="Read and check only; store nothing.")
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")
        parser.add_argument("--filer", default="", help="Trader identifier of the filer (to register).")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror or exc}") from exc
        result = services.read_file(data, options["format"])
        errors, warnings = services.check_manifest(result) if result.manifests else ([], [])
        result.errors.extend(errors)
        result.warnings.extend(warnings)
        output = result.to_json()
        output["ok"] = result.ok
        registered: list[dict[str, Any]] = []
        if result.ok and not options["check"]:
            filer = (
                Filer.objects.filter(organisation__trader_id=options["filer"])
                .select_related("organisation")
                .first()
                if options["filer"]
                else None
            )
            if filer is None:
                raise CommandError(
                    "Name the filer with --filer TRADER_ID to register the manifest (or use --check)."
                )
            admin = (
                filer.organisation.members.filter(is_admin=True).select_related("user").order_by("pk").first()
            )
            if admin is None:
                raise CommandError(f"Filer {filer.trader_id} has no administrator to file in the name of.")
            try:
                filed = services.manifest_register(
                    actor=admin.user, filer=filer, result=result, digest=hashlib.sha256(data).hexdigest()
                )
            except services.FilingRejected as exc:
                output["ok"] = False
                output["errors"] = [e.to_json() for e in exc.errors]
            else:
                for manifest in filed.manifests + filed.amended:
                    registered.append(
                        {
                            "mrn": manifest.mrn,
                            "lrn": manifest.lrn,
                            "version": manifest.version,
                            "consignments": {c.bill_number: c.mrn for c in manifest.consignments.all()},
                        }
                    )
        output["registered"] = registered
        if options["json"]:
            self.stdout.write(json.dumps(output, ensure_ascii=False, default=str))
        else:
            self._print(output)
        if not output["ok"]:
            sys.exit(1)

    def _print(self, output: dict[str, Any]) -> None:
        counts = output["counts"]
        self.stdout.write(
            f"{output['format']}: {counts['messages']} message(s), {counts['consignments']} consignment(s), "
            f"{counts['goods_items']} goods item(s), {counts['containers']} container(s), {counts['parties']} party(ies)"
        )
        for warning in output["warnings"]:
            self.stdout.write(f"warning: {warning['message']} ({_where(warning['where'])})")
        for error in output["errors"]:
            self.stderr.write(f"error: {error['message']} ({_where(error['where'])})")
        for row in output["registered"]:
            self.stdout.write(f"registered {row['lrn']}: MRN {row['mrn']} (version {row['version']})")
        self.stdout.write("read" if output["ok"] else "rejected")


def _where(where: dict[str, Any]) -> str:
    return ", ".join(f"{k} {v}" for k, v in where.items()) or "file"
