"""Writes of the valuation app: loading rates and declarations, refreshing the cells, checking lines,
and the Decision 6.1 cases. Every write is audited; every service is ``<entity>_<verb>(*, actor, ...)``."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import polars as pl
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from caribclear.core import bulk
from caribclear.core.audit import audit_record
from caribclear.core.pipeline import Pipeline
from caribclear.core.uploads import UploadLimits, UploadRefused, is_xlsx, iter_rows

from . import comtrade, readers, scoring, stats, units
from .choices import CASE_PIPELINE, CaseStatus, Method, Outcome, Source
from .models import (
    Case,
    CaseDocument,
    Cell,
    DeclarationLine,
    ExchangeRate,
    ImportBatch,
    LineScore,
    MirrorFigure,
    MirrorFile,
    RatesFile,
)
from .pooling import pooling_rule, reference_currency

CASE_STATUS = Pipeline("status", {str(k): {str(v) for v in vs} for k, vs in CASE_PIPELINE.items()})
FILE_LIMITS = UploadLimits(max_bytes=20 * 1024 * 1024, max_rows=200_000, max_columns=60)
RATE_LIMITS = UploadLimits(max_bytes=5 * 1024 * 1024, max_rows=100_000, max_columns=10)
RATE_MAX_AGE_DAYS = 45  # a rate older than this before the line's date is not used
PERIOD_MONTHS = 12


# --- Exchange rates -----------------------------------------------------------------------------------
@dataclass
class RatesResult:
    rates: int = 0
    errors: list[readers.Issue] = field(default_factory=list)
    rates_file: RatesFile | None = None


def rates_load(
    *, actor: Any, administration: Any, data: bytes, name: str, source: str, check: bool = False
) -> RatesResult:
    """Load a rates file: CSV/XLSX with columns date, currency, per_<reference> (units of the currency one
    unit of the reference currency buys, as central banks publish). All or nothing."""
    result = RatesResult()
    source = (source or "").strip()
    if not source:
        result.errors.append(readers.Issue("source", _("Say where the rates come from.")))
        return result
    reference = reference_currency()
    try:
        rows = list(iter_rows(data, name, RATE_LIMITS))
    except UploadRefused as refused:
        result.errors.append(readers.Issue("file", refused.message))
        return result
    if not rows:
        result.errors.append(readers.Issue("file", _("The file is empty.")))
        return result
    header_number, header = rows[0]
    names = [re.sub(r"[^a-z0-9_]", "", str(h or "").strip().lower()) for h in header]
    rate_column = f"per_{reference.lower()}"
    wanted = {"date", "currency", rate_column}
    if not wanted <= set(names):
        result.errors.append(
            readers.Issue(
                f"row {header_number}",
                _("The columns must be date, currency and %(column)s.") % {"column": rate_column},
            )
        )
        return result
    index = {n: names.index(n) for n in wanted}
    found: dict[tuple[str, dt.date], Decimal] = {}
    for number, cells in rows[1:]:
        where = f"row {number}"
        try:
            day = readers.parse_date(cells[index["date"]] if index["date"] < len(cells) else "")
            currency = readers.check_currency(
                cells[index["currency"]] if index["currency"] < len(cells) else ""
            )
            raw = cells[index[rate_column]] if index[rate_column] < len(cells) else ""
            rate = Decimal(str(raw).strip().replace(",", "."))
        except readers.LineError as error:
            result.errors.append(readers.Issue(where, error.message))
            continue
        except InvalidOperation:
            result.errors.append(readers.Issue(where, _("The rate is not a number.")))
            continue
        if not rate.is_finite() or rate <= 0 or rate >= Decimal("1e12"):
            result.errors.append(readers.Issue(where, _("The rate must be a number more than zero.")))
            continue
        if (currency, day) in found:
            result.errors.append(readers.Issue(where, _("This currency and date appear twice.")))
            continue
        found[(currency, day)] = rate
    # A rate already loaded for a currency and day stays (lines were converted with it): the same figure
    # again is skipped, a different one is an error naming the file it came from.
    existing = {
        (r.currency, r.date): r
        for r in ExchangeRate.objects.filter(
            administration=administration,
            currency__in={c for c, _d in found},
            date__in={d for _c, d in found},
        ).select_related("rates_file")
    }
    for (currency, day), rate in found.items():
        old = existing.get((currency, day))
        if old is not None and old.per_reference != rate:
            result.errors.append(
                readers.Issue(
                    f"{currency} {day.isoformat()}",
                    _("A different rate (%(rate)s) was loaded for this day from %(source)s.")
                    % {"rate": old.per_reference.normalize(), "source": old.rates_file.source},
                )
            )
    new = {key: rate for key, rate in found.items() if key not in existing}
    result.rates = len(new)
    if result.errors or check:
        return result
    with transaction.atomic():
        rates_file = RatesFile.objects.create(
            administration=administration,
            source=source[:200],
            name=name[:200],
            rates=len(new),
            loaded_by=actor,
        )
        ExchangeRate.objects.bulk_create(
            ExchangeRate(
                administration=administration, rates_file=rates_file, currency=c, date=d, per_reference=rate
            )
            for (c, d), rate in new.items()
        )
        audit_record(
            actor=actor,
            action="valuation.rates_load",
            obj=rates_file,
            summary=f"{len(new)} rates from {source[:100]}",
            data={"source": source[:200], "rates": len(new), "already_loaded": len(found) - len(new)},
        )
    result.rates_file = rates_file
    return result


class RateFinder:
    """The administration's rate for a currency on a date: the latest on or before it (within 45 days)."""

    def __init__(self, administration_id: int) -> None:
        self.administration_id = administration_id
        self.reference = reference_currency()
        self._cache: dict[str, list[ExchangeRate]] = {}

    def find(self, currency: str, day: dt.date) -> ExchangeRate | None:
        if currency not in self._cache:
            self._cache[currency] = list(
                ExchangeRate.objects.filter(administration_id=self.administration_id, currency=currency)
                .select_related("rates_file")
                .order_by("-date")
            )
        for rate in self._cache[currency]:
            if rate.date <= day:
                return rate if (day - rate.date).days <= RATE_MAX_AGE_DAYS else None
        return None

    def to_reference(
        self, value: Decimal, currency: str, day: dt.date
    ) -> tuple[Decimal, ExchangeRate | None]:
        """The value in the reference currency, or ValueError saying which rate is missing."""
        if currency == self.reference:
            return value, None
        rate = self.find(currency, day)
        if rate is None:
            raise ValueError(
                _("No exchange rate for %(currency)s on or up to 45 days before %(date)s: load a rates file.")
                % {"currency": currency, "date": day.isoformat()}
            )
        return value / rate.per_reference, rate


# --- Normalising a line ----------------------------------------------------------------------------------
@dataclass
class Normalised:
    quantity_base: Decimal
    unit: str
    value_reference: Decimal
    rate: ExchangeRate | None
    luv: float


def normalise(line: readers.RawLine, finder: RateFinder) -> Normalised:
    """Quantity in the base unit (the supplementary quantity, else the net mass) and the value in the
    reference currency; ValueError with the reason when the line is impossible."""
    if line.quantity is not None:
        quantity, base = units.normalise(line.quantity, line.unit)
    else:
        assert line.net_mass_kg is not None
        quantity, base = line.net_mass_kg, units.KG
    value, rate = finder.to_reference(line.value, line.currency, line.date)
    if quantity <= 0 or value <= 0:
        raise ValueError(_("The quantity and the value must be more than zero."))
    luv = math.log(float(value) / float(quantity))
    if not -25 < luv < 25:
        raise ValueError(_("The unit value is impossible (more than a factor of 10^10 from one)."))
    return Normalised(quantity, base.code, value, rate, luv)


# --- Loading declarations ----------------------------------------------------------------------------------
@dataclass
class ImportReport:
    format: str
    declarations: int = 0
    lines: int = 0
    stored: int = 0
    skipped: int = 0
    warnings: list[readers.Issue] = field(default_factory=list)
    errors: list[readers.Issue] = field(default_factory=list)
    batch: ImportBatch | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_json(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "declarations": self.declarations,
            "lines": self.lines,
            "stored": self.stored,
            "already_loaded": self.skipped,
            "warnings": [w.to_json() for w in self.warnings],
            "errors": [e.to_json() for e in self.errors],
        }


def detect_format(data: bytes, name: str) -> str:
    if readers.looks_like_xml(data):
        return Source.WCO_DM
    if is_xlsx(data, name):
        return Source.XLSX
    return Source.CSV


def read_file(
    data: bytes, name: str, fmt: str = "auto", *, default_date: dt.date | None = None
) -> readers.ReadResult:
    if fmt == "auto":
        fmt = detect_format(data, name)
    if fmt == Source.WCO_DM:
        return readers.read_wco_dm(data, default_date=default_date)
    if fmt not in (Source.CSV, Source.XLSX):
        result = readers.ReadResult(format=fmt)
        result.errors.append(readers.Issue("file", f"unknown format {fmt!r}"))
        return result
    if fmt == Source.XLSX and not is_xlsx(data, name + ".xlsx"):
        result = readers.ReadResult(format=fmt)
        result.errors.append(readers.Issue("file", "the file is not an XLSX workbook"))
        return result
    try:
        rows = iter_rows(data, name + (".xlsx" if fmt == Source.XLSX else ".csv"), FILE_LIMITS)
        return readers.read_rows(rows, fmt=fmt)
    except UploadRefused as refused:
        result = readers.ReadResult(format=fmt)
        result.errors.append(readers.Issue("file", refused.message))
        return result


def declarations_import(
    *,
    actor: Any,
    administration: Any,
    data: bytes,
    name: str,
    fmt: str = "auto",
    check: bool = False,
    default_date: dt.date | None = None,
) -> ImportReport:
    """Read a file of assessed import declarations and store its lines (all or nothing); lines already
    loaded (same declaration and line) are skipped with a warning. ``check`` stores nothing."""
    read = read_file(data, name, fmt, default_date=default_date)
    return lines_store(actor=actor, administration=administration, read=read, name=name, check=check)


def lines_store(
    *,
    actor: Any,
    administration: Any,
    read: readers.ReadResult,
    name: str,
    check: bool = False,
    source: str = "",
) -> ImportReport:
    report = ImportReport(format=read.format, declarations=read.declarations, lines=len(read.lines))
    report.warnings = list(read.warnings)
    report.errors = list(read.errors)
    if not read.lines and not report.errors:
        report.errors.append(readers.Issue("file", "no goods line to load"))
    if administration is None:
        # Checking a file without an administration: the lines are read, but no rates can be applied.
        if read.lines:
            report.warnings.append(
                readers.Issue(
                    "file", "no administration given: values were not converted with its exchange rates"
                )
            )
        return report
    finder = RateFinder(administration.pk)
    prepared: list[tuple[readers.RawLine, Normalised]] = []
    for line in read.lines:
        try:
            prepared.append((line, normalise(line, finder)))
        except (ValueError, units.UnknownUnit) as error:
            report.errors.append(
                readers.Issue(line.where or f"{line.declaration} line {line.line}", str(error))
            )
    if report.errors or check:
        return report
    existing = set(
        DeclarationLine.objects.filter(
            administration=administration, declaration__in={line.declaration for line, _n in prepared}
        ).values_list("declaration", "line")
    )
    new = [(line, n) for line, n in prepared if (line.declaration, line.line) not in existing]
    report.skipped = len(prepared) - len(new)
    if report.skipped:
        report.warnings.append(
            readers.Issue("file", f"{report.skipped} lines were loaded before and are skipped")
        )
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            administration=administration,
            source=source or read.format,
            name=name[:200],
            declarations=len({line.declaration for line, _n in new}),
            lines=len(new),
            skipped=report.skipped,
            warnings=[w.to_json() for w in report.warnings][:200],
            loaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        rows = DeclarationLine.objects.bulk_create(
            [
                DeclarationLine(
                    administration=administration,
                    batch=batch,
                    declaration=line.declaration,
                    line=line.line,
                    date=line.date,
                    hs_code=line.hs_code,
                    hs6=line.hs_code[:6],
                    hs4=line.hs_code[:4],
                    description=line.description,
                    origin=line.origin,
                    quantity=line.quantity,
                    unit_declared=line.unit[:20],
                    net_mass_kg=line.net_mass_kg,
                    quantity_base=n.quantity_base,
                    unit=n.unit,
                    value=line.value,
                    currency=line.currency,
                    rate=n.rate,
                    value_reference=n.value_reference.quantize(Decimal("0.0001")),
                    log_unit_value=n.luv,
                    importer=line.importer,
                    exporter=line.exporter.upper(),
                    incoterm=line.incoterm,
                )
                for line, n in new
            ],
            batch_size=2000,
        )
        audit_record(
            actor=actor,
            action="valuation.declarations_load",
            obj=batch,
            summary=f"{len(new)} lines of {batch.declarations} declarations ({read.format})",
            data={"format": read.format, "lines": len(new), "skipped": report.skipped, "file": name[:200]},
        )
        if rows:
            cells_refresh(new_line_ids=[r.pk for r in rows])
    report.stored, report.batch = len(new), batch
    return report


# --- Statistics ---------------------------------------------------------------------------------------------
LINE_COLUMNS = (
    "hs_code",
    "hs6",
    "hs4",
    "origin",
    "exporter",
    "unit",
    "log_unit_value",
    "importer",
    "administration_id",
    "date",
)


def _frame(queryset: Any) -> pl.DataFrame:
    """The lines as a frame, read through one cursor in batches of 50,000 rows: no model instances and no
    per-value conversion (the ORM's ``values_list`` spent most of a refresh here)."""
    sql, params = queryset.values_list(*LINE_COLUMNS).query.sql_with_params()
    parts = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(50_000):
            text_dates = isinstance(rows[0][-1], str)  # a backend without date conversion gives ISO text
            schema = {**stats.SCHEMA, "day": pl.String} if text_dates else stats.SCHEMA
            part = pl.DataFrame(rows, schema=schema, orient="row")
            parts.append(part.with_columns(pl.col("day").str.to_date()) if text_dates else part)
    return pl.concat(parts) if parts else stats.frame()


def current_period(today: dt.date | None = None) -> stats.Period:
    return stats.Period.rolling(today or timezone.localdate(), PERIOD_MONTHS)


CELL_KEY = ["level", "hs", "hs6", "hs4", "origin", "exporter", "unit"]
CELL_FIELDS = [
    "n", "importers", "administrations", "top_share", "median", "mad", "p1", "p2", "p5", "p10", "q1", "q3",
    "mean", "sd", "period_start", "period_end",
]  # fmt: skip


def _store_cells(table: pl.DataFrame, period: stats.Period) -> int:
    """Upsert the cells in bulk (``INSERT ... ON CONFLICT DO UPDATE``, through COPY on PostgreSQL) rather
    than building a model instance per cell."""
    if table.is_empty():
        return 0
    ops = connection.ops
    table = table.with_columns(
        hs4=pl.when(pl.col("hs4") != "")
        .then(pl.col("hs4"))
        .otherwise(
            pl.coalesce(pl.when(pl.col("hs6") != "").then(pl.col("hs6")), pl.col("hs")).str.slice(0, 4)
        ),
        period_start=pl.lit(ops.adapt_datefield_value(period.start)),
        period_end=pl.lit(ops.adapt_datefield_value(period.end)),
        updated_at=pl.lit(ops.adapt_datetimefield_value(timezone.now())),
    )
    columns = [*CELL_KEY, *CELL_FIELDS, "updated_at"]
    bulk.upsert(
        Cell._meta.db_table,
        columns,
        table.select(columns),
        conflict=CELL_KEY,
        update=[*CELL_FIELDS, "updated_at"],
    )
    return table.height


@dataclass
class _Kept:
    """The statistics kept in this process between loads, and which stored lines they hold."""

    database: str
    statistics: stats.Statistics
    last_id: int


_KEPT: dict[str, _Kept] = {}


def _keeping() -> bool:
    """Whether this process keeps the statistics between loads (``VALUATION_KEEP_STATISTICS``): a refresh
    then reads only the lines stored since, instead of every line of the touched headings, at the cost of
    holding the period's lines in memory (five levels of 40 bytes a line)."""
    return bool(getattr(settings, "VALUATION_KEEP_STATISTICS", False))


def _kept_refresh(new_line_ids: Sequence[int], period: stats.Period) -> pl.DataFrame | None:
    """Merge the lines stored since the kept statistics into them; None when there are none to trust (first
    use, another database, or the line count disagrees with the database's, as after a delete or a rolled
    back load): the caller recomputes from the lines and starts keeping again."""
    database = connection.settings_dict["NAME"]
    kept = _KEPT.pop("lines", None)  # put back only when this transaction commits
    window = DeclarationLine.objects.filter(date__gte=period.start, date__lte=period.end)
    if kept is None or kept.database != database:
        return None
    fresh = _frame(window.filter(pk__gt=kept.last_id))
    changed, emptied = kept.statistics.add(fresh, period)
    last_id = max([kept.last_id, *new_line_ids])
    held = len(kept.statistics.levels["hs4"].cell)
    if held != window.filter(pk__lte=last_id).count():
        return None
    if not emptied.is_empty():
        gone = Q()
        for row in emptied.iter_rows(named=True):
            gone |= Q(**{k: row[k] for k in ("level", "hs", "hs6", "origin", "exporter", "unit")})
        Cell.objects.filter(gone).delete()
    kept.last_id = last_id
    transaction.on_commit(lambda: _KEPT.__setitem__("lines", kept))
    return changed


def _keep(period: stats.Period) -> None:
    """Build the statistics to keep from every line of the period (after a full build or a refresh that
    could not use kept ones); kept once the transaction commits."""
    window = DeclarationLine.objects.filter(date__gte=period.start, date__lte=period.end)
    last_id = DeclarationLine.objects.aggregate(last=Max("pk"))["last"] or 0
    kept = _Kept(
        connection.settings_dict["NAME"],
        stats.Statistics(_frame(window.filter(pk__lte=last_id)), period),
        last_id,
    )
    transaction.on_commit(lambda: _KEPT.__setitem__("lines", kept))


@transaction.atomic
def cells_refresh(*, new_line_ids: Sequence[int] | None = None, today: dt.date | None = None) -> int:
    """Recompute the cells the given new lines fall in (all cells when None), and score the new lines
    against them. Returns cells written. Where the process keeps the statistics (``_keeping``), only the
    lines stored since are read and merged in."""
    period = current_period(today)
    window = DeclarationLine.objects.filter(date__gte=period.start, date__lte=period.end)
    if new_line_ids is None:
        _KEPT.pop("lines", None)
        built = stats.Statistics(_frame(window), period)
        Cell.objects.all().delete()
        if _keeping():
            last_id = DeclarationLine.objects.aggregate(last=Max("pk"))["last"] or 0
            keep = _Kept(connection.settings_dict["NAME"], built, last_id)
            transaction.on_commit(lambda: _KEPT.__setitem__("lines", keep))
        return _store_cells(built.cells(), period)
    table = _kept_refresh(new_line_ids, period) if _keeping() else None
    if table is None:
        new = _frame(DeclarationLine.objects.filter(pk__in=new_line_ids))
        headings = new["hs4"].unique().to_list()
        lines = _frame(window.filter(hs4__in=headings))
        table = stats.refresh(lines, new, period)
        if _keeping():
            _keep(period)
    written = _store_cells(table, period)
    # Every cell a new line falls in was just recomputed: its score is read from ``table``, not the database.
    _score_stored(_lines_by_id(new_line_ids), table)
    return written


def _lines_by_id(ids: Sequence[int]) -> Any:
    """The lines with these ids: a range where they are consecutive, as a load's are (a list of 50,000
    parameters costs the database more than the rows)."""
    if ids and max(ids) - min(ids) + 1 == len(set(ids)):
        return DeclarationLine.objects.filter(pk__range=(min(ids), max(ids)))
    return DeclarationLine.objects.filter(pk__in=ids)


def _cell_key(level: str, key: Mapping[str, Any]) -> tuple[str, ...]:
    """A cell's key in an index of cells: only an HS4 cell is told apart by its heading (the other levels
    are by their HS6 or national code; their stored ``hs4`` is derived)."""
    return (
        level,
        key.get("hs", ""),
        key.get("hs6", ""),
        key.get("hs4", "") if level == "hs4" else "",
        key.get("origin", ""),
        key.get("exporter", ""),
        key["unit"],
    )


def _score_stored(lines: Any, cells: pl.DataFrame | None = None) -> None:
    """Score stored lines against the cells they fall in (``cells``, or those of their headings read once),
    and write the scores in bulk."""
    columns = ("pk", "hs_code", "origin", "exporter", "unit", "log_unit_value")
    rows = list(lines.values_list(*columns))
    if not rows:
        return
    frame = pl.DataFrame(
        rows,
        schema={"id": pl.Int64, "hs_code": pl.String, "origin": pl.String, "exporter": pl.String,
                "unit": pl.String, "log_unit_value": pl.Float64},
        orient="row",
    )  # fmt: skip
    if cells is None:
        found = list(
            Cell.objects.filter(hs4__in={row[1][:4] for row in rows}).values(*CELL_KEY, *CELL_FIELDS)
        )
        cells = pl.DataFrame(found, infer_schema_length=None) if found else None
    if cells is None or cells.is_empty():
        scored = frame.select("id", score=pl.lit(0.0))
    else:
        scored = frame.select("id", score=scoring.scores(frame, cells, pooling_rule()))
    bulk.upsert(
        LineScore._meta.db_table,
        ["line_id", "score"],
        scored.rename({"id": "line_id"}),
        conflict=["line_id"],
        update=["score"],
    )


def find_cells(keys: dict[str, dict[str, str]]) -> dict[str, dict[str, Any] | None]:
    """The stored cells for a line's keys, by level (None where there is none); the rule is applied by
    ``scoring`` (and by the visibility rule wherever cells are shown). One indexed query on the cells'
    unique key, written in SQL: checking a line is on the hot path (target p95 under 5 ms)."""
    found: dict[str, dict[str, Any] | None] = dict.fromkeys(keys)
    if not keys:
        return found
    clauses, params = [], []
    for level, key in keys.items():
        hs4 = (key.get("hs") or key.get("hs6") or key.get("hs4") or "")[:4]
        clauses.append(
            "(level = %s AND hs = %s AND hs6 = %s AND hs4 = %s AND origin = %s AND exporter = %s AND unit = %s)"
        )
        params += [
            level,
            key.get("hs", ""),
            key.get("hs6", ""),
            hs4,
            key.get("origin", ""),
            key.get("exporter", ""),
            key["unit"],
        ]
    table = connection.ops.quote_name(Cell._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE {' OR '.join(clauses)}", params)  # noqa: S608 - fixed SQL, values bound
        names = [c[0] for c in cursor.description]
        for row in cursor.fetchall():
            cell = dict(zip(names, row, strict=True))
            found[cell["level"]] = cell
    return found


# --- The mirror check: partner countries' reported exports (UN Comtrade) ------------------------------------
MIRROR_LIMITS = UploadLimits(
    max_bytes=50 * 1024 * 1024, max_rows=500_000, max_blank_rows=1_000, max_columns=80, max_cell_chars=1_000
)


@dataclass
class MirrorReport:
    layout: str = ""
    rows_read: int = 0
    figures: int = 0
    stored: int = 0
    replaced: int = 0
    warnings: list[readers.Issue] = field(default_factory=list)
    errors: list[readers.Issue] = field(default_factory=list)
    file: MirrorFile | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_json(self) -> dict[str, Any]:
        return {
            "layout": self.layout,
            "rows_read": self.rows_read,
            "figures": self.figures,
            "stored": self.stored,
            "replaced": self.replaced,
            "warnings": [w.to_json() for w in self.warnings],
            "errors": [e.to_json() for e in self.errors],
        }


def mirror_read(data: bytes, name: str) -> comtrade.MirrorRead:
    """Read a Comtrade extract (CSV as downloaded, or saved as XLSX) within the upload limits."""
    try:
        return comtrade.read_comtrade(iter_rows(data, name or "comtrade.csv", MIRROR_LIMITS))
    except UploadRefused as refused:
        read = comtrade.MirrorRead()
        read.errors.append(readers.Issue("file", refused.message))
        return read


def mirror_load(
    *, actor: Any, administration: Any, data: bytes, name: str, check: bool = False
) -> MirrorReport:
    """Load a UN Comtrade extract of partner countries' exports to the administration's country, all or
    nothing. Figures of exports to other countries are not loaded (warned); a figure already loaded for the
    same exporter, HS6, period and unit is replaced by the newer file's. ``check`` stores nothing."""
    read = mirror_read(data, name)
    report = MirrorReport(layout=read.layout, rows_read=read.read, figures=len(read.rows))
    report.warnings, report.errors = list(read.warnings), list(read.errors)
    if administration is None or report.errors:
        return report
    own = [row for row in read.rows if row.partner == administration.code]
    others = sorted({row.partner for row in read.rows} - {administration.code})
    if others:
        report.warnings.append(
            readers.Issue(
                "file",
                _(
                    "%(count)s figures of exports to other countries (%(countries)s) are not loaded: the "
                    "mirror check compares exports to %(country)s."
                )
                % {
                    "count": len(read.rows) - len(own),
                    "countries": ", ".join(others[:10]) + (", ..." if len(others) > 10 else ""),
                    "country": _country(administration.code),
                },
            )
        )
    if not own:
        report.errors.append(
            readers.Issue(
                "file",
                _(
                    "The extract holds no exports to %(country)s: in UN Comtrade choose the exporting "
                    "countries as reporters, %(country)s as partner and the flow Export."
                )
                % {"country": _country(administration.code)},
            )
        )
        return report
    if check:
        return report
    with transaction.atomic():
        keys = {row.key() for row in own}
        existing = [
            figure.pk
            for figure in MirrorFigure.objects.filter(
                administration=administration, hs6__in={row.hs6 for row in own}
            ).only("pk", "reporter", "partner", "hs6", "period", "unit")
            if (figure.reporter, figure.partner, figure.hs6, figure.period, figure.unit) in keys
        ]
        MirrorFigure.objects.filter(pk__in=existing).delete()
        mirror_file = MirrorFile.objects.create(
            administration=administration,
            name=(name or "comtrade.csv")[:200],
            layout=read.layout,
            figures=len(own),
            replaced=len(existing),
            warnings=[w.to_json() for w in report.warnings][:200],
            loaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        MirrorFigure.objects.bulk_create(
            [
                MirrorFigure(
                    administration=administration,
                    file=mirror_file,
                    reporter=row.reporter,
                    partner=row.partner,
                    hs6=row.hs6,
                    period=row.period,
                    year=row.year,
                    month=row.month,
                    unit=row.unit,
                    unit_reported=row.unit_reported[:40],
                    quantity=row.quantity.quantize(Decimal("0.000001")),
                    value_usd=row.value.quantize(Decimal("0.01")),
                    estimated=row.estimated,
                )
                for row in own
            ],
            batch_size=2000,
        )
        audit_record(
            actor=actor,
            action="valuation.mirror_load",
            obj=mirror_file,
            summary=f"{len(own)} export figures from UN Comtrade ({read.layout})",
            data={
                "file": (name or "")[:200],
                "figures": len(own),
                "replaced": len(existing),
                "layout": read.layout,
            },
        )
    report.stored, report.replaced, report.file = len(own), len(existing), mirror_file
    return report


@dataclass(frozen=True)
class Mirror:
    """The exporting country's own figure for a line's HS6, origin and unit, as loaded."""

    reporter: str
    partner: str
    hs6: str
    period: str
    unit: str
    quantity: Decimal
    value_usd: Decimal
    estimated: bool
    file_name: str
    loaded_at: dt.datetime

    @property
    def unit_value(self) -> float:
        return float(self.value_usd) / float(self.quantity)


def mirror_find(*, administration_id: int, hs6: str, origin: str, unit: str) -> Mirror | None:
    """The latest figure the origin country reported for its exports of ``hs6`` to the administration's
    country, in ``unit`` (a year's figure before a month's of the same year). One indexed query."""
    # Written in SQL like find_cells: checking a line is on the hot path, and the ORM's compiling of this
    # query cost more than the database's answer.
    figures, files = (connection.ops.quote_name(m._meta.db_table) for m in (MirrorFigure, MirrorFile))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT f.reporter, f.partner, f.hs6, f.period, f.unit, f.quantity, f.value_usd, f.estimated,"  # noqa: S608 - table names from the models, values bound
            f" m.name, m.created_at FROM {figures} f JOIN {files} m ON m.id = f.file_id"
            " WHERE f.administration_id = %s AND f.hs6 = %s AND f.reporter = %s AND f.unit = %s"
            " ORDER BY f.year DESC, f.month IS NOT NULL, f.month DESC, f.id DESC LIMIT 1",
            [administration_id, hs6, origin, unit],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    reporter, partner, code, period, unit_, quantity, value, estimated, name, loaded = row
    quantity, value = Decimal(str(quantity)), Decimal(str(value))  # SQLite answers floats
    if quantity <= 0:
        return None
    if isinstance(loaded, str):  # SQLite answers text
        loaded = dt.datetime.fromisoformat(loaded)
    if timezone.is_naive(loaded):
        loaded = timezone.make_aware(loaded, dt.UTC)
    return Mirror(
        reporter=reporter,
        partner=partner,
        hs6=code,
        period=period,
        unit=unit_,
        quantity=quantity,
        value_usd=value,
        estimated=bool(estimated),
        file_name=name,
        loaded_at=loaded,
    )


def _country(code: str) -> str:
    from django_countries import countries

    return str(countries.name(code)) or code


def mirror_words(mirror: Mirror | None) -> str:
    """The exporting country's figure in words, with what it is and is not (never a value to declare)."""
    if mirror is None:
        return ""
    from django.utils.formats import date_format

    words = _(
        "UN Comtrade: %(exporter)s reported exports of HS %(hs6)s to %(partner)s in %(period)s of "
        "%(value)s USD FOB for %(quantity)s %(unit)s, that is %(unit_value)s USD per %(unit)s (extract "
        "%(file)s, loaded on %(date)s)."
    ) % {
        "exporter": _country(mirror.reporter),
        "hs6": mirror.hs6,
        "partner": _country(mirror.partner),
        "period": mirror.period,
        "value": _count(int(mirror.value_usd)),
        "quantity": _count(int(mirror.quantity))
        if mirror.quantity >= 1
        else str(mirror.quantity.normalize()),
        "unit": _unit_label(mirror.unit),
        "unit_value": _money(mirror.unit_value),
        "file": mirror.file_name,
        "date": date_format(mirror.loaded_at, "DATE_FORMAT"),
    }
    if mirror.estimated:
        words += " " + _("Comtrade marks the quantity as estimated.")
    return (
        words
        + " "
        + _(
            "It is the exporting country's declaration for a whole period and every exporter, valued FOB "
            "(without freight and insurance): evidence to weigh beside the region's figures, never a value "
            "to declare or a minimum."
        )
    )


# --- Checking a line ------------------------------------------------------------------------------------------
@dataclass
class Check:
    """A line's valuation score and what a person reads about it."""

    line: readers.RawLine
    unit: str
    unit_value: float  # in the reference currency per base unit
    result: scoring.Result
    explanation: str
    currency: str
    mirror: Mirror | None = None
    mirror_explanation: str = ""

    @property
    def score(self) -> float:
        return self.result.score

    @property
    def flagged(self) -> bool:
        return self.result.flagged


def _money(value: float) -> str:
    from django.utils.formats import number_format

    places = 2 if value >= 0.1 else 4
    return number_format(round(value, places), places, use_l10n=True, force_grouping=True)


def _count(value: int) -> str:
    from django.utils.formats import number_format

    return number_format(value, 0, use_l10n=True, force_grouping=True)


def _unit_label(code: str) -> str:
    labels = {
        "kg": _("kg"), "l": _("litre"), "u": _("unit"), "pr": _("pair"), "m2": _("m²"), "m": _("metre"),
        "m3": _("m³"), "kwh": _("kWh"), "ct": _("carat"),
    }  # fmt: skip
    return str(labels.get(code, code))


def cell_words(level: str, *, hs: str, origin: str, exporter: str) -> str:
    if level == "exporter":
        return _("HS %(hs6)s from %(origin)s supplied by %(exporter)s") % {
            "hs6": hs[:6],
            "origin": origin,
            "exporter": exporter,
        }
    if level == "national":
        return _("tariff line %(hs)s from %(origin)s") % {"hs": hs, "origin": origin}
    if level == "hs6_origin":
        return _("HS %(hs6)s from %(origin)s") % {"hs6": hs[:6], "origin": origin}
    if level == "hs6":
        return _("HS %(hs6)s from all origins") % {"hs6": hs[:6]}
    return _("heading %(hs4)s from all origins") % {"hs4": hs[:4]}


def band_words(band: str) -> str:
    return {
        "p1": _("below the 1st percentile"),
        "p2": _("below the 2nd percentile"),
        "p5": _("below the 5th percentile"),
        "p10": _("below the 10th percentile"),
        "q1": _("below the lower quartile"),
        "above_q1": _("between the lower quartile and the median"),
        "above_median": _("at or above the median"),
    }.get(band, "")


def explain(
    line: readers.RawLine, unit: str, unit_value: float, result: scoring.Result, currency: str
) -> str:
    words = []
    for level, _why in result.skipped:
        words.append(
            _("No statistics may be shown for %(cell)s (too few declarations or importers pooled).")
            % {"cell": cell_words(level, hs=line.hs_code, origin=line.origin, exporter=line.exporter)}
        )
    declared = _("Declared %(value)s %(currency)s per %(unit)s") % {
        "value": _money(unit_value),
        "currency": currency,
        "unit": _unit_label(unit),
    }
    if result.cell is None:
        words.append(
            declared
            + "; "
            + _("no statistics of the region may be used for this line, so it has no valuation score.")
        )
        return " ".join(words)
    cell = result.cell
    words.append(
        declared
        + "; "
        + _(
            "for %(cell)s the region's median over %(n)s declaration lines from %(administrations)s "
            "in the last 12 months is %(median)s %(currency)s per %(unit)s; this is %(band)s."
        )
        % {
            "cell": cell_words(
                result.level or "", hs=line.hs_code, origin=line.origin, exporter=line.exporter
            ),
            "n": _count(int(cell["n"])),
            "administrations": ngettext(
                "%(count)s administration", "%(count)s administrations", int(cell["administrations"])
            )
            % {"count": _count(int(cell["administrations"]))},
            "median": _money(math.exp(float(cell["median"]))),
            "currency": currency,
            "unit": _unit_label(unit),
            "band": band_words(result.band),
        }
    )
    return " ".join(words)


def line_check(*, administration_id: int, line: readers.RawLine, mirror: bool = True) -> Check:
    """Score one line against the region's cells (raises ValueError when it cannot be normalised: an
    unknown unit, no exchange rate), with the exporting country's reported figure beside them where the
    administration loaded one (``mirror``; the risk fact, which reads only the score, skips it)."""
    normalised = normalise(line, RateFinder(administration_id))
    keys = scoring.cell_keys(
        hs=line.hs_code, origin=line.origin, exporter=line.exporter.upper(), unit=normalised.unit
    )
    result = scoring.score_line(normalised.luv, find_cells(keys), pooling_rule())
    currency = reference_currency()
    unit_value = math.exp(normalised.luv)
    found = (
        mirror_find(
            administration_id=administration_id,
            hs6=line.hs_code[:6],
            origin=line.origin,
            unit=normalised.unit,
        )
        if mirror
        else None
    )
    return Check(
        line=line,
        unit=normalised.unit,
        unit_value=unit_value,
        result=result,
        explanation=explain(line, normalised.unit, unit_value, result, currency),
        currency=currency,
        mirror=found,
        mirror_explanation=mirror_words(found),
    )


# --- Decision 6.1 cases -------------------------------------------------------------------------------------------
def _require_official(actor: Any, administration_id: int) -> None:
    if not getattr(actor, "is_official", False) or actor.administration_id != administration_id:
        raise ValidationError(_("Only an official of the administration may do this."))


@transaction.atomic
def case_open(*, actor: Any, check: Check, reason: str, line: DeclarationLine | None = None) -> Case:
    """Record an officer's reason to doubt a declared value (a score alone is not a reason)."""
    reason = (reason or "").strip()
    if len(reason) < 20:
        raise ValidationError(
            {
                "reason": _(
                    "Say why you doubt the value, in at least 20 characters: a difference alone is not evidence."
                )
            }
        )
    case = Case.objects.create(
        administration_id=actor.administration_id,
        line=line,
        declaration_ref=check.line.declaration[:40],
        line_ref=check.line.line[:60],
        hs_code=check.line.hs_code,
        origin=check.line.origin,
        declared_value=check.line.value,
        currency=check.line.currency,
        importer=check.line.importer[:40],
        score=check.score,
        explanation=check.explanation,
        mirror=check.mirror_explanation,
        reason=reason,
        opened_by=actor,
    )
    audit_record(
        actor=actor,
        action="valuation.case_open",
        obj=case,
        summary=f"reason to doubt {case.declaration_ref} line {case.line_ref}",
        data={"score": check.score, "reason": reason[:500]},
    )
    return case


ANSWER_SALT = "valuation.case.answer"


def answer_token(case: Case) -> str:
    return signing.dumps(
        {"case": case.pk, "at": case.requested_at.isoformat() if case.requested_at else ""}, salt=ANSWER_SALT
    )


def case_for_token(token: str) -> Case | None:
    """The case an importer's link names, while the request it was sent with is the case's latest."""
    try:
        data = signing.loads(token, salt=ANSWER_SALT, max_age=dt.timedelta(days=400))
    except signing.BadSignature:
        return None
    case = Case.objects.filter(pk=data.get("case")).first()
    if case is None or (case.requested_at.isoformat() if case.requested_at else "") != data.get("at"):
        return None
    return case


@transaction.atomic
def case_request_evidence(*, actor: Any, case: Case, email: str, questions: str, deadline: dt.date) -> Case:
    """Ask the importer for evidence by a deadline; the e-mail carries a link to answer and send documents."""
    _require_official(actor, case.administration_id)
    errors: dict[str, str] = {}
    questions = (questions or "").strip()
    if len(questions) < 10:
        errors["questions"] = _("Say what the importer should explain or send.")
    today = timezone.localdate()
    if deadline < today + dt.timedelta(days=1) or deadline > today + dt.timedelta(days=180):
        errors["deadline"] = _("Give the importer between 1 and 180 days to answer.")
    if errors:
        raise ValidationError(errors)
    case = Case.objects.select_for_update().get(pk=case.pk)
    CASE_STATUS.move(case, CaseStatus.EVIDENCE_REQUESTED, actor=actor, note=questions[:200])
    case.importer_email, case.questions, case.deadline = email, questions, deadline
    case.requested_at = timezone.now()
    case.save()
    link = settings.SITE_URL.rstrip("/") + reverse("valuation:answer", args=[answer_token(case)])
    body = render_to_string(
        "valuation/email_evidence_request.txt",
        {"case": case, "link": link, "administration": case.administration},
    )
    subject = _("Customs valuation: please explain the declared value of %(declaration)s") % {
        "declaration": case.declaration_ref
    }
    transaction.on_commit(lambda: EmailMessage(str(subject), body, None, [email]).send())
    audit_record(
        actor=actor,
        action="valuation.case_request",
        obj=case,
        summary=f"evidence requested by {deadline.isoformat()}",
        data={"deadline": deadline.isoformat(), "email": email},
    )
    return case


DOCUMENT_TYPES = {b"%PDF": "application/pdf", b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg"}
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_DOCUMENTS = 5


def _document_type(data: bytes) -> str | None:
    return next((kind for magic, kind in DOCUMENT_TYPES.items() if data.startswith(magic)), None)


@transaction.atomic
def case_answer(*, case: Case, answer: str, documents: Sequence[tuple[str, bytes]]) -> Case:
    """The importer's answer and documents (PDF, PNG or JPEG, up to 5 of 10 MB), through the link."""
    errors: dict[str, str] = {}
    answer = (answer or "").strip()
    if len(answer) < 10:
        errors["answer"] = _("Explain how the price was set (at least 10 characters).")
    if len(documents) > MAX_DOCUMENTS:
        errors["documents"] = _("Send at most 5 documents.")
    for name, data in documents:
        if len(data) > MAX_DOCUMENT_BYTES:
            errors["documents"] = _("%(name)s is larger than 10 MB.") % {"name": name}
        elif _document_type(data) is None:
            errors["documents"] = _("%(name)s is not a PDF, PNG or JPEG file.") % {"name": name}
    if errors:
        raise ValidationError(errors)
    case = Case.objects.select_for_update().get(pk=case.pk)
    CASE_STATUS.move(case, CaseStatus.ANSWERED, actor=None, note="importer answered")
    case.answer, case.answered_at = answer, timezone.now()
    case.save()
    for name, data in documents:
        document = CaseDocument(
            case=case, name=name[:200], content_type=_document_type(data) or "", size=len(data)
        )
        document.file.save(f"case-{case.pk}.bin", ContentFile(data), save=False)
        document.save()
    audit_record(
        actor=None,
        action="valuation.case_answer",
        obj=case,
        summary=f"importer answered with {len(documents)} documents",
        data={"documents": [name[:200] for name, _data in documents]},
    )
    return case


@transaction.atomic
def case_decide(
    *,
    actor: Any,
    case: Case,
    outcome: str,
    reason: str,
    method: str = "",
    determined_value: Decimal | None = None,
) -> Case:
    """The officer's decision: the declared value accepted, or a value determined by a named method of the
    Agreement (only after the importer was asked, as Decision 6.1 requires)."""
    _require_official(actor, case.administration_id)
    errors: dict[str, str] = {}
    reason = (reason or "").strip()
    if len(reason) < 10:
        errors["reason"] = _("Give the reasons for the decision.")
    if outcome not in Outcome.values:
        errors["outcome"] = _("Choose the decision.")
    if outcome == Outcome.DETERMINED:
        if case.requested_at is None:
            errors["outcome"] = _(
                "Ask the importer for evidence before determining another value (Decision 6.1)."
            )
        if method not in Method.values or method == Method.TRANSACTION:
            errors["method"] = _("Name the method of the Valuation Agreement used to determine the value.")
        if determined_value is None or determined_value <= 0:
            errors["determined_value"] = _("Give the customs value determined.")
    if errors:
        raise ValidationError(errors)
    case = Case.objects.select_for_update().get(pk=case.pk)
    CASE_STATUS.move(case, CaseStatus.DECIDED, actor=actor, note=outcome)
    case.outcome, case.decision_reason = outcome, reason
    case.method = method if outcome == Outcome.DETERMINED else Method.TRANSACTION
    case.determined_value = determined_value if outcome == Outcome.DETERMINED else None
    case.decided_by, case.decided_at = actor, timezone.now()
    case.save()
    audit_record(
        actor=actor,
        action="valuation.case_decide",
        obj=case,
        summary=f"{outcome} ({case.method})",
        data={
            "outcome": outcome,
            "method": case.method,
            "determined_value": str(determined_value) if determined_value is not None else None,
            "reason": reason[:500],
        },
    )
    return case
