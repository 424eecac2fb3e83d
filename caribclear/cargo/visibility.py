"""Who may see manifests and what hangs off them.

- A filer's users see the filer's manifests and everything in them (and nothing of other filers).
- Officials see the consignments discharged at their administration's ports, or transhipped there;
  the manifests that call at their ports or discharge there (the conveyance and itinerary); for "summary"
  (counts of what stays on board), every consignment of a manifest calling at their ports.
- For "volumes" (the dashboards' filings per member and on-time rate), officials count every consignment:
  counts per administration only, never a record, as clearance's summary of notifications.
- Nothing else crosses administrations; nobody else sees anything.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from caribclear.core.visibility import VIEW, administration_id, is_official, is_operator, register, visible

from .models import (
    Consignment,
    Container,
    Examination,
    Filer,
    FilingDeadline,
    GoodsItem,
    Manifest,
    ManifestVersion,
    Party,
    PortCall,
    Referral,
)

SUMMARY = "summary"
VOLUMES = "volumes"


def _filer_ids(reader: Any) -> Any:
    """The filers of the reader's organisations (membership is the organisation's: `accounts`)."""
    return Filer.objects.filter(organisation__members__user_id=reader.pk).values("pk")


@register(Manifest)
def manifests(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    if is_operator(reader):
        return qs.filter(filer_id__in=_filer_ids(reader))
    if is_official(reader):
        admin = administration_id(reader) or 0
        # EXISTS per manifest, not IN: with millions of consignments, "IN (the administration's
        # consignments' manifests)" was planned as a hashed subplan over all of them, whose estimate alone
        # made PostgreSQL JIT-compile every worklist query (240 ms of 243 ms at 10 million).
        return qs.filter(
            Exists(PortCall.objects.filter(manifest_id=OuterRef("pk"), administration_id=admin))
            | Exists(
                Consignment.objects.filter(manifest_id=OuterRef("pk")).filter(
                    Q(administration_id=admin) | Q(transhipment_administrations=admin)
                )
            )
        )
    return qs.none()


@register(Consignment, actions=(VIEW, SUMMARY, VOLUMES))
def consignments(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    if is_operator(reader):
        return qs.filter(manifest__filer_id__in=_filer_ids(reader))
    if not is_official(reader):
        return qs.none()
    admin = administration_id(reader) or 0
    if action == VOLUMES:
        return qs
    if action == SUMMARY:
        return qs.filter(manifest__in=visible(reader, Manifest).values("pk"))
    return qs.filter(
        Q(administration_id=admin)
        | Q(
            pk__in=Consignment.transhipment_administrations.through.objects.filter(
                administration_id=admin
            ).values("consignment_id")
        )
    )


@register(Party)
@register(GoodsItem)
@register(Container)
@register(Referral)
@register(Examination)
def parts_of_consignment(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    return qs.filter(consignment__in=visible(reader, Consignment).values("pk"))


@register(PortCall)
@register(ManifestVersion)
def parts_of_manifest(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    """Officials read a version's changes only through selectors that keep their own consignments."""
    return qs.filter(manifest__in=visible(reader, Manifest).values("pk"))


@register(Filer)
def filers(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    if is_operator(reader):
        return qs.filter(pk__in=_filer_ids(reader))
    if is_official(reader):
        return qs.filter(pk__in=visible(reader, Manifest).values("filer_id"))
    return qs.none()


@register(FilingDeadline)
def deadlines(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    if is_official(reader):
        return qs.filter(administration_id=administration_id(reader))
    return qs.none()
