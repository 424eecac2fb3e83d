"""Reading Moodle's gradebook export (CSV or XLSX, as Moodle writes it) and matching it to an intake.

Moodle's export has the user fields "First name", "Last name", "ID number", "Institution", "Department",
"Email address", then one column per grade item ("Assignment: Essay 1 (Real)", "Quiz: Incoterms (Real)",
..., "Course total (Real)") and "Last downloaded from this course". A grade is a number, or "-" where
there is none. Each row is matched to a participant of the intake by e-mail address or, failing that, by
staff number (Moodle's "ID number"). Every problem of the file is reported at once, with its row number;
nothing is imported unless every row is right.

The file is read in a bounded way: refused above MAX_BYTES before any parsing (and an XLSX whose
uncompressed parts exceed MAX_UNZIPPED), rows streamed, at most MAX_ROWS.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.utils.translation import gettext as _

from .models import Enrolment, Intake

MAX_BYTES = 2 * 1024 * 1024
MAX_UNZIPPED = 20 * 1024 * 1024
MAX_ROWS = 5000
EMAIL = "Email address"
ID_NUMBER = "ID number"
COURSE_TOTAL = re.compile(r"^Course total( \((Real|Percentage)\))?$")
GRADE_ITEM = re.compile(r"^(?P<name>.+) \((Real|Percentage|Letter)\)$")


class ImportRefused(Exception):
    """The whole file is refused (too big, not a Moodle export)."""


@dataclass
class MatchedRow:
    enrolment_id: int
    grade: Decimal | None
    items: dict[str, Decimal | None] = field(default_factory=dict)
    days_attended: int | None = None


@dataclass
class ImportReport:
    rows: list[MatchedRow] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (row number in the file, message)

    @property
    def ok(self) -> bool:
        return not self.problems


def _csv_rows(upload: IO[bytes]) -> Iterator[list[str]]:
    """Moodle writes UTF-8 (with or without a byte order mark), separated by a comma, semicolon or tab."""
    if hasattr(upload, "open"):
        upload.open("rb")
    text = io.TextIOWrapper(upload, encoding="utf-8-sig", newline="")
    first = text.readline()
    delimiter = max(",;\t", key=first.count)
    yield from csv.reader(itertools.chain([first], text), delimiter=delimiter)


def _xlsx_rows(upload: IO[bytes]) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(upload)
    except zipfile.BadZipFile as error:
        raise ImportRefused(_("This is not an XLSX file.")) from error
    if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED:
        raise ImportRefused(_("The spreadsheet is too large once unpacked."))
    upload.seek(0)
    workbook = load_workbook(upload, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield ["" if v is None else str(v) for v in values]
    finally:
        workbook.close()


def read_rows(upload: Any, filename: str) -> Iterator[list[str]]:
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ImportRefused(_("The file is larger than %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)})
    if filename.lower().endswith(".xlsx"):
        return _xlsx_rows(upload)
    if filename.lower().endswith((".csv", ".txt")):
        return _csv_rows(upload)
    raise ImportRefused(_("Upload the gradebook as CSV or XLSX."))


def _grade(value: str) -> Decimal | None:
    value = value.strip().rstrip("%").strip()
    if value in ("", "-"):
        return None
    try:
        grade = (
            Decimal(value.replace(",", ".")) if value.count(",") == 1 and "." not in value else Decimal(value)
        )
    except InvalidOperation as error:
        raise ValueError(value) from error
    if not grade.is_finite():
        raise ValueError(value)
    return grade


def match_gradebook(*, intake: Intake, upload: Any, filename: str) -> ImportReport:
    """Read the export and match each row to a confirmed participant of the intake."""
    report = ImportReport()
    enrolments = list(Enrolment.objects.filter(intake=intake).select_related("official"))
    by_email = {e.official.email.lower(): e for e in enrolments}
    by_number: dict[str, list[Enrolment]] = {}
    for e in enrolments:
        if e.official.staff_number:
            by_number.setdefault(e.official.staff_number.strip().lower(), []).append(e)
    try:
        rows = read_rows(upload, filename)
        header = next(rows, None)
    except UnicodeDecodeError as error:
        raise ImportRefused(_("The CSV file is not UTF-8 text, as Moodle writes it.")) from error
    if header is None:
        raise ImportRefused(_("The file is empty."))
    header = [h.strip() for h in header]
    if EMAIL not in header and ID_NUMBER not in header:
        raise ImportRefused(
            _("This is not a Moodle gradebook export: it has no “Email address” or “ID number” column.")
        )
    total = next((i for i, h in enumerate(header) if COURSE_TOTAL.match(h)), None)
    if total is None:
        raise ImportRefused(_("The export has no “Course total” column: export it with the course total."))
    items = {i: m["name"] for i, h in enumerate(header) if (m := GRADE_ITEM.match(h)) and i != total}
    email_at = header.index(EMAIL) if EMAIL in header else None
    number_at = header.index(ID_NUMBER) if ID_NUMBER in header else None
    seen: dict[int, int] = {}
    try:
        for line, row in enumerate(rows, start=2):
            if line - 1 > MAX_ROWS:
                raise ImportRefused(_("The file has more than %(rows)s rows.") % {"rows": MAX_ROWS})
            if not any(cell.strip() for cell in row):
                continue
            row = row + [""] * (len(header) - len(row))
            email = row[email_at].strip().lower() if email_at is not None else ""
            number = row[number_at].strip().lower() if number_at is not None else ""
            enrolment = by_email.get(email) if email else None
            if enrolment is None and number:
                candidates = by_number.get(number, [])
                enrolment = candidates[0] if len(candidates) == 1 else None
            who = email or number or _("(no e-mail address or ID number)")
            if enrolment is None:
                report.problems.append(
                    (line, _("%(who)s is not a participant of this intake.") % {"who": who})
                )
                continue
            if enrolment.status != "confirmed":
                report.problems.append(
                    (line, _("%(who)s is not a confirmed participant of this intake.") % {"who": who})
                )
                continue
            if enrolment.pk in seen:
                report.problems.append(
                    (line, _("%(who)s is also on row %(row)s.") % {"who": who, "row": seen[enrolment.pk]})
                )
                continue
            seen[enrolment.pk] = line
            try:
                grade = _grade(row[total])
                if grade is not None and not (0 <= grade <= 100):
                    raise ValueError(row[total])
                grades = {name: _grade(row[i]) for i, name in items.items()}
            except ValueError as error:
                report.problems.append(
                    (line, _("%(who)s: “%(value)s” is not a grade.") % {"who": who, "value": error.args[0]})
                )
                continue
            report.rows.append(MatchedRow(enrolment_id=enrolment.pk, grade=grade, items=grades))
    except UnicodeDecodeError as error:
        raise ImportRefused(_("The CSV file is not UTF-8 text, as Moodle writes it.")) from error
    except csv.Error as error:
        raise ImportRefused(_("The CSV file cannot be read: %(error)s") % {"error": error}) from error
    return report
