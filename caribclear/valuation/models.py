"""The valuation risk database: assessed declaration lines, exchange rates, cell statistics, and the
Decision 6.1 cases. Lines stay with the administration that loaded them; other members see only cells
that pass the pooling rule (``scoring.PoolingRule``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from caribclear.core.models import TimeStampedModel

from .choices import CaseStatus, Level, Method, Outcome, Source


class ImportBatch(TimeStampedModel):
    """One file (or API call) of lines loaded by an administration."""

    administration = models.ForeignKey("accounts.Administration", on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    name = models.CharField(_("file"), max_length=200, blank=True)
    declarations = models.PositiveIntegerField(_("declarations"), default=0)
    lines = models.PositiveIntegerField(_("lines"), default=0)
    skipped = models.PositiveIntegerField(_("lines already loaded"), default=0)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = _("load of declarations")
        verbose_name_plural = _("loads of declarations")


class RatesFile(TimeStampedModel):
    """A file of exchange rates an administration loaded, and where the rates come from."""

    administration = models.ForeignKey("accounts.Administration", on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("source of the rates"), max_length=200)
    name = models.CharField(_("file"), max_length=200, blank=True)
    rates = models.PositiveIntegerField(_("rates"), default=0)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("-created_at", "-pk")


class ExchangeRate(models.Model):
    """How many units of ``currency`` one unit of the reference currency bought on ``date``."""

    administration = models.ForeignKey("accounts.Administration", on_delete=models.CASCADE, related_name="+")
    rates_file = models.ForeignKey(RatesFile, on_delete=models.CASCADE, related_name="rate_rows")
    currency = models.CharField(_("currency"), max_length=3)
    date = models.DateField(_("date"))
    per_reference = models.DecimalField(
        _("units per reference currency unit"), max_digits=24, decimal_places=10
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["administration", "currency", "date"], name="valuation_rate_once")
        ]
        indexes = [models.Index(fields=["administration", "currency", "-date"], name="valuation_rate_lookup")]

    def __str__(self) -> str:
        return f"{self.currency} {self.date}: {self.per_reference}"


class DeclarationLine(models.Model):
    """One goods line of an assessed import declaration, normalised."""

    administration = models.ForeignKey("accounts.Administration", on_delete=models.PROTECT, related_name="+")
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="line_rows")
    declaration = models.CharField(_("declaration"), max_length=40)
    line = models.CharField(_("line"), max_length=20)
    date = models.DateField(_("date"), db_index=True)
    hs_code = models.CharField(_("tariff code"), max_length=12)
    hs6 = models.CharField(max_length=6)
    hs4 = models.CharField(max_length=4)
    description = models.CharField(_("description"), max_length=300, blank=True)
    origin = models.CharField(_("origin"), max_length=2)
    quantity = models.DecimalField(_("quantity"), max_digits=20, decimal_places=6, null=True, blank=True)
    unit_declared = models.CharField(_("unit as declared"), max_length=20, blank=True)
    net_mass_kg = models.DecimalField(
        _("net mass (kg)"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    quantity_base = models.DecimalField(_("quantity in the base unit"), max_digits=24, decimal_places=6)
    unit = models.CharField(_("unit"), max_length=4)
    value = models.DecimalField(_("customs value"), max_digits=20, decimal_places=4)
    currency = models.CharField(_("currency"), max_length=3)
    rate = models.ForeignKey(ExchangeRate, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    value_reference = models.DecimalField(
        _("value in the reference currency"), max_digits=20, decimal_places=4
    )
    log_unit_value = models.FloatField()
    importer = models.CharField(_("importer"), max_length=40)
    exporter = models.CharField(_("exporter"), max_length=120, blank=True)
    incoterm = models.CharField(_("incoterm"), max_length=3, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["administration", "declaration", "line"], name="valuation_line_once"
            )
        ]
        indexes = [
            models.Index(fields=["hs4", "date"], name="valuation_line_hs4"),
            models.Index(fields=["hs6", "origin", "unit"], name="valuation_line_cell"),
        ]

    def __str__(self) -> str:
        return f"{self.declaration} line {self.line}"


class LineScore(models.Model):
    """A stored line's valuation score (its ``scored``), kept apart from the line: a load's scores are known
    only once its cells are recomputed, and a narrow table takes them as new rows where writing them on the
    lines would make a new version of each line and an entry in each of the lines' eight indexes (most of
    a refresh's time at ten million lines)."""

    line = models.OneToOneField(
        DeclarationLine, primary_key=True, on_delete=models.CASCADE, related_name="scored"
    )
    score = models.FloatField(_("valuation score"))

    class Meta:
        verbose_name = _("valuation score")
        verbose_name_plural = _("valuation scores")

    def __str__(self) -> str:
        return f"{self.line_id}: {self.score}"


class Cell(models.Model):
    """Statistics of one cell (see ``stats``), over the rolling period ending ``period_end``; log unit
    values in the reference currency."""

    level = models.CharField(max_length=12, choices=Level.choices)
    hs = models.CharField(max_length=12, blank=True)
    hs6 = models.CharField(max_length=6, blank=True)
    hs4 = models.CharField(max_length=4, blank=True)
    origin = models.CharField(max_length=2, blank=True)
    exporter = models.CharField(max_length=120, blank=True)
    unit = models.CharField(max_length=4)
    period_start = models.DateField()
    period_end = models.DateField()
    n = models.PositiveIntegerField()
    importers = models.PositiveIntegerField()
    administrations = models.PositiveIntegerField()
    top_share = models.FloatField()
    median = models.FloatField()
    mad = models.FloatField()
    p1 = models.FloatField()
    p2 = models.FloatField()
    p5 = models.FloatField()
    p10 = models.FloatField()
    q1 = models.FloatField()
    q3 = models.FloatField()
    mean = models.FloatField()
    sd = models.FloatField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["level", "hs", "hs6", "hs4", "origin", "exporter", "unit"], name="valuation_cell_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.level} {self.hs or self.hs6 or self.hs4} {self.origin} {self.unit}"


class Case(TimeStampedModel):
    """A Decision 6.1 case: an officer's reason to doubt a declared value, the importer's answer, and the
    decision. The line's figures and the explanation are kept as they were when the case was opened."""

    administration = models.ForeignKey("accounts.Administration", on_delete=models.PROTECT, related_name="+")
    line = models.ForeignKey(
        DeclarationLine, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    declaration_ref = models.CharField(_("declaration"), max_length=40)
    line_ref = models.CharField(_("line"), max_length=60)
    hs_code = models.CharField(_("tariff code"), max_length=12)
    origin = models.CharField(_("origin"), max_length=2)
    declared_value = models.DecimalField(_("declared value"), max_digits=20, decimal_places=4)
    currency = models.CharField(_("currency"), max_length=3)
    importer = models.CharField(_("importer"), max_length=40)
    score = models.FloatField(_("valuation score"))
    explanation = models.TextField(_("what the statistics show"))
    mirror = models.TextField(_("what the exporting country reported"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    reason = models.TextField(_("reason to doubt"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    importer_email = models.EmailField(_("importer's e-mail"), blank=True)
    questions = models.TextField(_("what the importer is asked"), blank=True)
    deadline = models.DateField(_("answer by"), null=True, blank=True)
    requested_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(_("importer's answer"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("decision"), max_length=12, choices=Outcome.choices, blank=True)
    method = models.CharField(
        _("method of the Valuation Agreement"), max_length=4, choices=Method.choices, blank=True
    )
    determined_value = models.DecimalField(
        _("customs value determined"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    decision_reason = models.TextField(_("reasons for the decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = _("valuation case")


class CaseDocument(TimeStampedModel):
    """A document the importer sent with the answer (invoice, contract, payment proof)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(upload_to="valuation/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()


class MirrorFile(TimeStampedModel):
    """A UN Comtrade extract an administration loaded for the mirror check: partner countries' reported
    exports to the administration's country."""

    administration = models.ForeignKey("accounts.Administration", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("file"), max_length=200)
    layout = models.CharField(_("layout"), max_length=20)
    figures = models.PositiveIntegerField(_("figures"), default=0)
    replaced = models.PositiveIntegerField(_("figures replaced"), default=0)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = _("UN Comtrade extract")
        verbose_name_plural = _("UN Comtrade extracts")

    def __str__(self) -> str:
        return self.name


class MirrorFigure(models.Model):
    """What ``reporter`` reported it exported of ``hs6`` to ``partner`` in ``period`` (FOB, US dollars),
    with the quantity in one base unit of the unit table. One figure per key and administration: a later
    extract replaces it (Comtrade revises its data)."""

    administration = models.ForeignKey("accounts.Administration", on_delete=models.CASCADE, related_name="+")
    file = models.ForeignKey(MirrorFile, on_delete=models.CASCADE, related_name="figure_rows")
    reporter = models.CharField(_("exporting country"), max_length=2)
    partner = models.CharField(_("country of destination"), max_length=2)
    hs6 = models.CharField(max_length=6)
    period = models.CharField(_("period"), max_length=7)  # "2024" or "2024-03"
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField(null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=4)
    unit_reported = models.CharField(max_length=40, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=24, decimal_places=6)
    value_usd = models.DecimalField(_("FOB value in US dollars"), max_digits=20, decimal_places=2)
    estimated = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["administration", "reporter", "partner", "hs6", "period", "unit"],
                name="valuation_mirror_once",
            )
        ]
        indexes = [
            models.Index(fields=["administration", "hs6", "reporter", "unit"], name="valuation_mirror_lookup")
        ]

    def __str__(self) -> str:
        return f"{self.reporter} -> {self.partner} {self.hs6} {self.period}"
