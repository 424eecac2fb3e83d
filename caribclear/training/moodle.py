"""Reading what Moodle exports about a course run, and matching it to an intake's participants.

Two files come from Moodle, and the import tells them apart by their header:

- **The gradebook export** (Grades > Export, CSV or Excel): the user fields "First name", "Last name",
  "ID number", "Institution", "Department", "Email address", then one column per grade item
  ("Assignment: Essay 1 (Real)", "Quiz: Incoterms (Real)", ...), "Course total (Real)" and "Last
  downloaded from this course". A grade is a number, or "-" where there is none.
- **The course completion report** (Reports > Course completion, "Download in spreadsheet format (UTF-8
  .csv)" or "Download in Excel-compatible format (.csv)", the latter UTF-16 and tab-separated): "ID",
  "Name", the identity fields the site shows ("Email address", "ID number"), then per activity its state
  ("Completed", "Not completed", "Completed (achieved pass grade)", ...) and "<activity> - Completion
  date", then one column per other criterion and "Course complete": the date and time the participant
  completed the course, empty if they have not.

Each row is matched to a participant of the intake by e-mail address or, failing that, by staff number
(Moodle's "ID number"). Every problem of the file is reported at once, with its row number; nothing is
imported unless every row is right. The file itself is read by `core.uploads` (size, rows, columns and
cells bounded before and while parsing).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from caribclear.core.uploads import UploadLimits, UploadRefused, iter_rows, read_upload

from .models import Enrolment, Intake

LIMITS = UploadLimits(max_bytes=2 * 1024 * 1024, max_rows=5000, max_columns=400, max_cell_chars=500)
EMAIL = "Email address"
ID_NUMBER = "ID number"
COURSE_COMPLETE = "Course complete"
COURSE_TOTAL = re.compile(r"^Course total( \((Real|Percentage)\))?$")
GRADE_ITEM = re.compile(r"^(?P<name>.+) \((Real|Percentage|Letter)\)$")
GRADEBOOK = "gradebook"
COMPLETION = "completion"
# Moodle writes "strftimedatetimeshort" of the exporting user's language pack: day first in every pack
# the region uses (en, es, fr, nl: "14/03/27, 10:32", "14/03/2027 10:32"); an ISO date is read as well.
_DATE = re.compile(
    r"^\s*(?:(?P<y1>\d{4})-(?P<m1>\d{1,2})-(?P<d1>\d{1,2})"
    r"|(?P<d2>\d{1,2})[/.-](?P<m2>\d{1,2})[/.-](?P<y2>\d{2}|\d{4}))"
    r"(?:[,\sT]+\d{1,2}[:.h]\d{2}(?::\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?)?\s*$"
)


class ImportRefused(Exception):
    """The whole file is refused (too big, not a Moodle export)."""


@dataclass
class MatchedRow:
    enrolment_id: int
    grade: Decimal | None = None
    items: dict[str, Decimal | None] = field(default_factory=dict)
    days_attended: int | None = None
    # Completion report: whether the row says anything about the grade (a completion report does not),
    # and the day Moodle says the course was completed (None: not completed).
    has_grade: bool = True
    completed_on: dt.date | None = None
    is_completion: bool = False


@dataclass
class ImportReport:
    kind: str = GRADEBOOK
    rows: list[MatchedRow] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (row number in the file, message)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def completed(self) -> int:
        return sum(1 for row in self.rows if row.completed_on is not None)


def _text(data: bytes) -> bytes:
    """Moodle's "Excel-compatible" CSV is UTF-16 with a byte order mark: hand core.uploads UTF-8."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            raise ImportRefused(_("This UTF-16 file cannot be read: export it again from Moodle.")) from None
    return data


def read_rows(upload: Any, filename: str) -> Iterator[tuple[int, list[str]]]:
    if not filename.lower().endswith((".csv", ".txt", ".xlsx")):
        raise ImportRefused(_("Upload the Moodle export as CSV or XLSX."))
    try:
        data = _text(read_upload(upload, LIMITS))
        for number, values in iter_rows(data, filename, LIMITS):
            yield number, ["" if v is None else str(v) for v in values]
    except UploadRefused as error:
        raise ImportRefused(error.message) from None


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


def completion_date(value: str) -> dt.date | None:
    """The day of a completion report's date cell; None for an empty cell; ValueError otherwise."""
    if not value.strip() or value.strip() == "-":
        return None
    match = _DATE.match(value)
    if not match:
        raise ValueError(value)
    if match["y1"]:
        year, month, day = int(match["y1"]), int(match["m1"]), int(match["d1"])
    else:
        year, month, day = int(match["y2"]), int(match["m2"]), int(match["d2"])
        if year < 100:
            year += 2000
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(value) from None


class _Matcher:
    """Finds the participant of a row (e-mail, else a staff number only one participant has)."""

    def __init__(self, intake: Intake, header: list[str]) -> None:
        enrolments = list(Enrolment.objects.filter(intake=intake).select_related("official"))
        self.by_email = {e.official.email.lower(): e for e in enrolments}
        self.by_number: dict[str, list[Enrolment]] = {}
        for e in enrolments:
            if e.official.staff_number:
                self.by_number.setdefault(e.official.staff_number.strip().lower(), []).append(e)
        self.email_at = header.index(EMAIL) if EMAIL in header else None
        self.number_at = header.index(ID_NUMBER) if ID_NUMBER in header else None
        self.seen: dict[int, int] = {}

    def match(self, line: int, row: list[str], report: ImportReport) -> tuple[Enrolment | None, str]:
        email = row[self.email_at].strip().lower() if self.email_at is not None else ""
        number = row[self.number_at].strip().lower() if self.number_at is not None else ""
        enrolment = self.by_email.get(email) if email else None
        if enrolment is None and number:
            candidates = self.by_number.get(number, [])
            enrolment = candidates[0] if len(candidates) == 1 else None
        who = email or number or _("(no e-mail address or ID number)")
        if enrolment is None:
            report.problems.append((line, _("%(who)s is not a participant of this intake.") % {"who": who}))
            return None, who
        if enrolment.status != "confirmed":
            report.problems.append(
                (line, _("%(who)s is not a confirmed participant of this intake.") % {"who": who})
            )
            return None, who
        if enrolment.pk in self.seen:
            report.problems.append(
                (line, _("%(who)s is also on row %(row)s.") % {"who": who, "row": self.seen[enrolment.pk]})
            )
            return None, who
        self.seen[enrolment.pk] = line
        return enrolment, who


def match_export(*, intake: Intake, upload: Any, filename: str) -> ImportReport:
    """Read a gradebook export or a course completion report and match each row to a participant."""
    rows = read_rows(upload, filename)
    try:
        _number, header = next(rows)
    except StopIteration:
        raise ImportRefused(_("The file is empty.")) from None
    header = [h.strip() for h in header]
    if EMAIL not in header and ID_NUMBER not in header:
        raise ImportRefused(
            _(
                "This is neither a Moodle gradebook export nor a course completion report: it has no "
                "“Email address” or “ID number” column."
            )
        )
    total = next((i for i, h in enumerate(header) if COURSE_TOTAL.match(h)), None)
    if total is not None:
        return _gradebook(intake, header, total, rows)
    if COURSE_COMPLETE in header:
        return _completion(intake, header, header.index(COURSE_COMPLETE), rows)
    raise ImportRefused(
        _(
            "The file has neither a “Course total” column (gradebook: export it with the course total) "
            "nor a “Course complete” column (the course completion report)."
        )
    )


def match_gradebook(*, intake: Intake, upload: Any, filename: str) -> ImportReport:
    return match_export(intake=intake, upload=upload, filename=filename)


def _padded(row: list[str], header: list[str]) -> list[str]:
    return row + [""] * (len(header) - len(row))


def _gradebook(
    intake: Intake, header: list[str], total: int, rows: Iterator[tuple[int, list[str]]]
) -> ImportReport:
    report = ImportReport(kind=GRADEBOOK)
    matcher = _Matcher(intake, header)
    items = {i: m["name"] for i, h in enumerate(header) if (m := GRADE_ITEM.match(h)) and i != total}
    for line, row in _guarded(rows):
        row = _padded(row, header)
        enrolment, who = matcher.match(line, row, report)
        if enrolment is None:
            continue
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
    return report


def _completion(
    intake: Intake, header: list[str], complete_at: int, rows: Iterator[tuple[int, list[str]]]
) -> ImportReport:
    report = ImportReport(kind=COMPLETION)
    matcher = _Matcher(intake, header)
    latest = intake.ends_on + dt.timedelta(days=366)
    for line, row in _guarded(rows):
        row = _padded(row, header)
        enrolment, who = matcher.match(line, row, report)
        if enrolment is None:
            continue
        try:
            day = completion_date(row[complete_at])
        except ValueError as error:
            report.problems.append(
                (
                    line,
                    _("%(who)s: “%(value)s” is not a completion date (day/month/year).")
                    % {"who": who, "value": error.args[0]},
                )
            )
            continue
        if day is not None and not (intake.starts_on <= day <= latest):
            report.problems.append(
                (
                    line,
                    _("%(who)s: the course cannot have been completed on %(day)s, outside this intake.")
                    % {"who": who, "day": day.isoformat()},
                )
            )
            continue
        report.rows.append(
            MatchedRow(enrolment_id=enrolment.pk, has_grade=False, completed_on=day, is_completion=True)
        )
    return report


def _guarded(rows: Iterator[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
    try:
        yield from rows
    except UploadRefused as error:
        raise ImportRefused(error.message) from None
