"""Who may see partner sharing's records: a CEN mark and a received object by the officials of their
administration; a partner agreement by the secretariat (which keeps them) and the partner agency's own
analysts; a TAXII subscription by the officials of the administration that subscribed."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from caribclear.core.visibility import administration_id, is_administration, is_official, is_partner, register

from .models import CenMark, PartnerAgreement, ReceivedObject, TaxiiSubscription


@register(CenMark)
def cen_marks(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    if not is_official(reader):
        return qs.none()
    return qs.filter(seizure__owner_id=administration_id(reader))


@register(ReceivedObject)
def received_objects(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    if not is_official(reader):
        return qs.none()
    return qs.filter(administration_id=administration_id(reader))


@register(TaxiiSubscription)
def taxii_subscriptions(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    if not is_official(reader):
        return qs.none()
    return qs.filter(administration_id=administration_id(reader))


@register(PartnerAgreement)
def partner_agreements(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    if is_administration(reader):
        return qs.none()
    if getattr(reader, "is_secretariat", False) and getattr(reader, "is_authenticated", False):
        return qs
    if is_partner(reader):
        return qs.filter(organisation_id=administration_id(reader))
    return qs.none()
