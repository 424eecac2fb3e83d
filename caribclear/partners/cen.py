"""The WCO CEN export: the non-personal part of seizures, in the fields of a CEN seizure record.

Built only from the reader's own administration's seizures that it marked for CEN, each read through
intel (`visible_records`, then `redact` with only the fields below: a person, a company, the
conveyance's identity, the narrative and attachments are never asked for, so never in the file), and
logged as an export read. One row per seizure, CSV (UTF-8, comma), through `core.csv_export`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from caribclear.accounts.models import User
from caribclear.core.audit import audit_record
from caribclear.intel.access import log_reads, redact, visible_records
from caribclear.intel.choices import ReadVia, Tlp
from caribclear.intel.models import Seizure
from caribclear.intel.selectors import seizure_queryset

from .models import CenMark

# (column of the file, field of intel's redacted view)
COLUMNS = [
    ("National reference", "reference"),
    ("Seizure date", "occurred_on"),
    ("Country", "country"),
    ("Place (UN/LOCODE)", "port"),
    ("Commodity category", "commodity"),
    ("Commodity description", "description"),
    ("Quantity", "quantity"),
    ("Unit", "unit"),
    ("Estimated value (USD)", "estimated_value_usd"),
    ("Detection method", "detection_method"),
    ("Concealment method", "concealment_method"),
    ("Route: country of departure", "route_origin"),
    ("Route: country of transit", "route_transit"),
    ("Route: country of destination", "route_destination"),
    ("Conveyance type", "conveyance"),
]
VIEW_FIELDS = [field for _column, field in COLUMNS if field != "country"]


def _require_owner_supervisor(actor: User, seizure: Seizure) -> None:
    if not actor.is_supervisor or actor.administration_id != seizure.owner_id:
        raise PermissionDenied


@transaction.atomic
def seizure_mark_for_cen(*, actor: User, seizure: Seizure) -> CenMark:
    """A supervisor of the owner administration sends the seizure's non-personal part to CEN."""
    _require_owner_supervisor(actor, seizure)
    if seizure.tlp == Tlp.RED:
        raise ValidationError(_("A TLP:RED seizure cannot go to CEN."))
    mark, created = CenMark.objects.get_or_create(seizure=seizure, defaults={"marked_by": actor})
    if created:
        audit_record(actor=actor, action="partners.cen.mark", obj=seizure, summary=seizure.reference)
    return mark


@transaction.atomic
def seizure_unmark_for_cen(*, actor: User, seizure: Seizure) -> None:
    _require_owner_supervisor(actor, seizure)
    deleted, _rows = CenMark.objects.filter(seizure=seizure).delete()
    if deleted:
        audit_record(actor=actor, action="partners.cen.unmark", obj=seizure, summary=seizure.reference)


def own_seizures(*, user: User) -> QuerySet[Seizure]:
    """The reader's administration's seizures, newest first, through intel's visibility."""
    if not user.is_official or user.administration_id is None:
        return Seizure.objects.none()
    return (
        visible_records(user, seizure_queryset())
        .filter(owner_id=user.administration_id)
        .order_by("-occurred_on", "-pk")
    )


def cen_rows(*, user: User) -> list[list[Any]]:
    """The rows of the CEN file (header first); logs one export read per seizure."""
    marked = own_seizures(user=user).filter(cen_mark__isnull=False).exclude(tlp=Tlp.RED)
    views = [redact(user, seizure, only=VIEW_FIELDS) for seizure in marked]
    log_reads(user, views, via=ReadVia.EXPORT)
    rows: list[list[Any]] = [[column for column, _field in COLUMNS]]
    for view in views:
        values = {**view.data, "country": view.data["port"][:2]}
        rows.append(["" if values[field] is None else values[field] for _column, field in COLUMNS])
    return rows
