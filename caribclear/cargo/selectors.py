"""Reads of the cargo app, always through the visibility layer: the filer's portal and the officers'
worklist, manifest and consignment pages, and the answers (JSON and CUSRES) to filers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, NamedTuple, cast

from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from caribclear.accounts.choices import Role
from caribclear.accounts.models import Organisation, User
from caribclear.accounts.selectors import organisation_managed_by, organisation_nav
from caribclear.core.rows import RowModels
from caribclear.core.visibility import get_visible_or_404, is_operator, visible
from caribclear.reference.timezones import utc_datetime_text

from .choices import OPEN_STATUSES, Level, ReferralKind, ReferralStatus, Status
from .models import Consignment, Filer, Manifest, ManifestVersion, PortCall, Referral
from .visibility import SUMMARY

WORKLIST_HOURS = 72
#: Consignments per page of the worklist: a ship brings thousands; an officer works down a page of them.
WORKLIST_PAGE = 100


def filer_for(user: User) -> Filer | None:
    """The cargo filer an operator files for: the cargo profile of their organisation (with it)."""
    if not is_operator(user):
        return visible(user, Filer).select_related("organisation").order_by("pk").first()
    sql, params, reader_at, reader = _operator_filer_statement(connection.vendor)
    values = list(params)
    for n in reader_at:
        values[n] = user.pk
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    if row is None:
        return None
    (filer, organisation), _rest = reader.read(row)
    found = cast(Filer, filer)
    found.organisation = cast(Organisation, organisation)
    return found


#: An account id no row has, standing for the operator in the statement `_operator_filer_statement` builds.
_READER = -8_242_001


@cache
def _operator_filer_statement(vendor: str) -> tuple[str, tuple[Any, ...], list[int], RowModels]:
    """An operator's filer as `filer_for` reads it, by the visibility rule itself: the ORM builds the
    SELECT once per process for a stand-in operator (`_READER`), and each call runs it with the operator's
    id where the stand-in's was, the row made into models by `core.rows`. Every API filing reads its
    filer: building this query (the rule's subquery, the organisation's join) cost some 1.5 ms of CPU each
    time, several times what running it costs. The rule for operators may depend on the operator's id only
    (it is their organisations' filers)."""
    stand_in = User(pk=_READER, role=Role.OPERATOR)
    queryset = visible(stand_in, Filer).select_related("organisation").order_by("pk")[:1]
    compiler = queryset.query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()
    reader_at = [n for n, value in enumerate(params) if value == _READER]
    columns = [column for column, _sql, _alias in compiler.select]
    filer_width = len(Filer._meta.concrete_fields)
    if not reader_at or len(columns) != filer_width + len(Organisation._meta.concrete_fields):
        raise ImproperlyConfigured("The filers' visibility rule for operators is not one filer_for can keep.")
    reader = RowModels([(Filer, columns[:filer_width]), (Organisation, columns[filer_width:])])
    return sql, tuple(params), reader_at, reader


def files_cargo(user: User) -> bool:
    """Whether the account is a user of a cargo filer (its start page is then the filer's manifests)."""
    return organisation_nav(user).files_cargo


def filer_admin_of(user: User) -> Filer | None:
    """The filer whose settings (the webhook) the operator manages: an organisation they administer."""
    organisation = organisation_managed_by(user)
    return Filer.objects.filter(organisation=organisation).first() if organisation is not None else None


def manifests_for(user: User) -> QuerySet[Manifest]:
    return (
        visible(user, Manifest)
        .select_related("filer__organisation")
        .annotate(consignment_count=Count("consignments"))
        .order_by("-filed_at", "-pk")
    )


def manifest_for(user: User, mrn: str) -> Manifest:
    return get_visible_or_404(
        user, Manifest.objects.select_related("filer__organisation", "account"), mrn=mrn.upper()
    )


def port_calls(user: User, manifest: Manifest) -> QuerySet[PortCall]:
    return visible(user, PortCall).filter(manifest=manifest).select_related("administration")


def consignments_of(user: User, manifest: Manifest) -> QuerySet[Consignment]:
    return (
        visible(user, Consignment)
        .filter(manifest=manifest)
        .select_related("master", "administration", "declaration")
        .prefetch_related("parties", "containers")
        .annotate(item_count=Count("goods", distinct=True))
        .order_by("level", "bill_number")
    )


def consignment_for(user: User, mrn: str) -> Consignment:
    return get_visible_or_404(
        user,
        Consignment.objects.select_related(
            "manifest__filer__organisation", "master", "administration", "declaration"
        ),
        mrn=mrn.strip().upper(),
    )


def consignment_parts(user: User, consignment: Consignment) -> dict[str, Any]:
    return {
        "parties": list(consignment.parties.all()),
        "goods": list(consignment.goods.all()),
        "containers": list(consignment.containers.all()),
        "houses": list(visible(user, Consignment).filter(master=consignment).order_by("bill_number")),
        "referrals": list(visible(user, Referral).filter(consignment=consignment).select_related("officer")),
        "examinations": list(consignment.examinations.select_related("officer")),
    }


@dataclass
class StaysOnBoard:
    """What an administration may know of the rest of a manifest calling at its ports: counts only."""

    consignments: int = 0
    by_discharge: list[dict[str, Any]] = field(default_factory=list)


def stays_on_board(user: User, manifest: Manifest) -> StaysOnBoard:
    mine = visible(user, Consignment).filter(manifest=manifest).values("pk")
    rest = visible(user, Consignment, SUMMARY).filter(manifest=manifest).exclude(pk__in=mine)
    rows = list(rest.values("place_of_discharge").annotate(n=Count("pk")).order_by("place_of_discharge"))
    return StaysOnBoard(consignments=sum(r["n"] for r in rows), by_discharge=rows)


def versions_for(user: User, manifest: Manifest) -> list[ManifestVersion]:
    """Each version with the changes the reader may see: a filer sees all; an official the conveyance's
    and their own consignments' changes."""
    versions = list(visible(user, ManifestVersion).filter(manifest=manifest).order_by("number"))
    if user.is_official:
        bills = set(
            visible(user, Consignment).filter(manifest=manifest).values_list("bill_number", flat=True)
        )
        for version in versions:
            version.changes = [
                c for c in version.changes if c["where"] == "conveyance" or c["where"] in bills
            ]
            version.snapshot = {}
    return versions


# --- Officers' worklist ----------------------------------------------------------------------------------
@dataclass
class WorklistRow:
    consignment: Consignment
    lane: str
    reasons: list[str]
    arrival: dt.datetime | None


class _Key(NamedTuple):
    pk: int
    manifest_id: int
    bill_number: str
    declaration_id: int | None


@dataclass
class Worklist:
    arriving: list[dict[str, Any]]
    rows: list[WorklistRow]
    referrals_open: list[Referral]
    overdue: list[Referral]
    port: str
    lane: str
    #: Open consignments in the lane chosen (all of them, not only this page's), and in each lane.
    total: int = 0
    by_lane: dict[str, int] = field(default_factory=dict)
    page: int = 1
    pages: int = 1


def worklist_for(
    user: User,
    *,
    port: str = "",
    lane: str = "",
    hours: int = WORKLIST_HOURS,
    page: int | None = None,
    per_page: int = WORKLIST_PAGE,
) -> Worklist:
    """The officer's pre-arrival worklist: conveyances calling at the administration's ports in the next
    ``hours`` (or without an arrival time yet), their open consignments by lane with the reasons, and the
    referrals awaiting filers (those past their deadline apart). With ``page``, only that page's
    consignments (``per_page``, red first) are given with their reasons, and the counts of all; without it,
    every one (the continuity pack)."""
    from caribclear.risk.models import Assessment, Firing

    now = timezone.now()
    calls = (
        visible(user, PortCall)
        .filter(administration_id=user.administration_id or 0)
        .filter(
            Q(arrival__isnull=True)
            | Q(arrival__gte=now - dt.timedelta(hours=12), arrival__lte=now + dt.timedelta(hours=hours))
        )
        .exclude(manifest__status="invalidated")
        .select_related("manifest")
        .order_by("arrival", "manifest_id")
    )
    if port:
        calls = calls.filter(locode=port.upper())
    arrival_by_manifest: dict[int, dt.datetime | None] = {}
    arriving = []
    for call in calls[:200]:
        arrival_by_manifest.setdefault(call.manifest_id, call.arrival)
        arriving.append({"call": call, "manifest": call.manifest})
    consignments = (
        visible(user, Consignment)
        .filter(administration_id=user.administration_id or 0, status__in=OPEN_STATUSES)
        .filter(manifest_id__in=list(arrival_by_manifest))
        .order_by("manifest_id", "bill_number")
    )
    if port:
        consignments = consignments.filter(place_of_discharge=port.upper())
    # What sorting and counting need, as plain values; whole records only for the rows shown.
    consignments_list = [
        _Key(*values)
        for values in consignments.values_list("pk", "manifest_id", "bill_number", "declaration_id")[:2000]
    ]
    # The lanes first (one query, no firings), then the reasons only of the rows shown: with a lane
    # chosen, the firings of the other lanes' thousands of consignments are not read.
    assessments = {
        a.declaration_id: a
        for a in Assessment.objects.filter(
            declaration_id__in=[c.declaration_id for c in consignments_list if c.declaration_id]
        ).only(
            "id",
            "declaration_id",
            "lane",
            "override_lane",
            "hits_lane",
            "random_selection_id",
        )
    }
    order = {"red": 0, "yellow": 1, "blue": 2, "green": 3, "": 4}
    far = now + dt.timedelta(days=365)
    by_lane: dict[str, int] = {}
    shown = []
    for c in consignments_list:
        assessment = assessments.get(c.declaration_id) if c.declaration_id else None
        row_lane = assessment.final_lane if assessment else ""
        by_lane[row_lane] = by_lane.get(row_lane, 0) + 1
        if not lane or row_lane == lane:
            shown.append((c, assessment, row_lane))
    shown.sort(
        key=lambda r: (order.get(r[2], 4), arrival_by_manifest.get(r[0].manifest_id) or far, r[0].bill_number)
    )
    total = len(shown)
    pages = max(1, -(-total // per_page))
    if page is not None:
        page = min(max(page, 1), pages)
        shown = shown[(page - 1) * per_page : page * per_page]
    records = visible(user, Consignment).select_related("manifest").in_bulk([key.pk for key, _a, _l in shown])
    reasons_of: dict[int, list[str]] = {}
    for assessment_id, name in (
        Firing.objects.filter(
            is_current=True, assessment_id__in=[a.pk for _c, a, _l in shown if a is not None]
        )
        .order_by("-weight", "pk")
        .values_list("assessment_id", "version__name")
    ):
        reasons_of.setdefault(assessment_id, []).append(name)
    rows = []
    for c, assessment, row_lane in shown:
        reasons = reasons_of.get(assessment.pk, []) if assessment else []
        if assessment and assessment.random_selection_id and not reasons:
            reasons = ["random"]
        if c.pk in records:  # (a consignment deleted meanwhile is left out)
            rows.append(WorklistRow(records[c.pk], row_lane, reasons, arrival_by_manifest.get(c.manifest_id)))
    referrals = list(
        visible(user, Referral)
        .filter(
            status=ReferralStatus.OPEN,
            kind=ReferralKind.INFORMATION,
            consignment__administration_id=user.administration_id or 0 or 0,
        )
        .select_related("consignment")
        .order_by("deadline")[:200]
    )
    overdue = [r for r in referrals if r.deadline and r.deadline < now]
    return Worklist(
        arriving,
        rows,
        [r for r in referrals if r not in overdue],
        overdue,
        port,
        lane,
        total=total,
        by_lane=by_lane,
        page=page or 1,
        pages=pages if page is not None else 1,
    )


def assessment_of(consignment: Consignment) -> Any:
    from caribclear.risk.models import Assessment

    if consignment.declaration_id is None:
        return None
    return (
        Assessment.objects.filter(declaration_id=consignment.declaration_id)
        .prefetch_related("firings__version")
        .first()
    )


# --- Answers to filers -----------------------------------------------------------------------------------
def answer_json(
    user: User,
    manifest: Manifest,
    *,
    warnings: list[dict[str, Any]] | None = None,
    registered: list[Consignment] | None = None,
) -> dict[str, Any]:
    """The acknowledgement of a filing and its consignments' statuses, with referrals and releases.

    ``registered``: the consignments of a manifest registered in this very transaction (its first
    answer). They can have no referral and no assessment yet (officers and the screening see them only
    once committed), so neither is read; one consignment alone is answered as registered, without
    reading it back."""
    from caribclear.risk.models import Assessment

    referrals: Callable[[Consignment], Iterable[Referral]]
    if registered is not None:
        rows = (
            list(registered)
            if len(registered) == 1
            else list(visible(user, Consignment).filter(manifest=manifest).order_by("level", "bill_number"))
        )
        assessed: set[int] = set()
        referrals = _no_referrals
    else:
        rows = list(
            visible(user, Consignment)
            .filter(manifest=manifest)
            .prefetch_related(Prefetch("referrals", queryset=Referral.objects.order_by("created_at")))
            .order_by("level", "bill_number")
        )
        assessed = set(
            Assessment.objects.filter(
                declaration_id__in=[c.declaration_id for c in rows if c.declaration_id]
            ).values_list("declaration_id", flat=True)
        )
        referrals = _prefetched_referrals
    if warnings is None:
        latest = manifest.versions.order_by("-number").first()
        warnings = latest.warnings if latest else []
    return {
        "mrn": manifest.mrn,
        "lrn": manifest.lrn,
        "status": manifest.status,
        "version": manifest.version,
        "filed_at": manifest.filed_at.isoformat(),
        "warnings": warnings,
        "consignments": [
            {
                "bill_number": c.bill_number,
                "level": c.level,
                "master_bill": c.master_bill,
                "master_linked": c.master_id is not None,
                "mrn": c.mrn,
                "status": c.status,
                "status_label": str(c.get_status_display()),
                "late": c.late,
                "assessed": c.declaration_id in assessed,
                "place_of_discharge": c.place_of_discharge,
                "referrals": [
                    {
                        "id": r.pk,
                        "kind": r.kind,
                        "kind_label": str(r.get_kind_display()),
                        "status": r.status,
                        "question": r.question,
                        "deadline": r.deadline.isoformat() if r.deadline else None,
                        "deadline_text": utc_datetime_text(r.deadline, "SHORT_DATETIME_FORMAT"),
                        "answer": r.answer,
                    }
                    for r in referrals(c)
                ],
                "released_at": c.released_at.isoformat() if c.released_at else None,
            }
            for c in rows
        ],
    }


def _no_referrals(consignment: Consignment) -> Iterable[Referral]:
    return ()


def _prefetched_referrals(consignment: Consignment) -> Iterable[Referral]:
    return consignment.referrals.all()


def referral_for_filer(user: User, pk: int) -> Referral:
    return get_visible_or_404(user, Referral.objects.select_related("consignment__manifest"), pk=pk)


def masters_only(qs: QuerySet[Consignment]) -> QuerySet[Consignment]:
    return qs.filter(level=Level.MASTER)


__all__ = ["Status"]
