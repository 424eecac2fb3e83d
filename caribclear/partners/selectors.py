"""Reads of partner sharing, each restricted to what the reader may see (the visibility layer)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

from django.db.models import Count, QuerySet
from django.utils import timezone

from caribclear.accounts.choices import OrganisationKind
from caribclear.accounts.models import Administration, User
from caribclear.core.visibility import get_visible_or_404, visible
from caribclear.intel.models import Alert, DisseminatedRecord, Seizure, SeizureCompany, SeizurePerson

from .models import PartnerAgreement, ReceivedObject, TaxiiSubscription


def alert_queryset() -> QuerySet[Alert]:
    """Alerts with what their STIX objects read (owner), for the TAXII server to restrict to a reader."""
    return Alert.objects.select_related("owner")


def stix_keys(records: QuerySet[DisseminatedRecord]) -> Iterator[dict[str, Any]]:
    """For each record of an already restricted queryset, what its STIX ids are made of (reference, owner,
    port, number of persons and companies): three queries, whatever the number of records."""
    if records.model is Seizure:
        pks = records.values("pk")
        persons = dict(
            SeizurePerson.objects.filter(seizure__in=pks)
            .values("seizure")
            .annotate(n=Count("pk"))
            .values_list("seizure", "n")
        )
        companies = dict(
            SeizureCompany.objects.filter(seizure__in=pks)
            .values("seizure")
            .annotate(n=Count("pk"))
            .values_list("seizure", "n")
        )
        seizures = cast(QuerySet[Seizure], records)
        for pk, reference, owner, port in seizures.values_list(
            "pk", "reference", "owner__code", "port__locode"
        ).iterator(chunk_size=5000):
            yield {
                "pk": pk,
                "record_type": "seizure",
                "reference": reference,
                "owner": owner,
                "port": port,
                "persons": persons.get(pk, 0),
                "companies": companies.get(pk, 0),
            }
        return
    for pk, reference, owner in records.values_list("pk", "reference", "owner__code").iterator(
        chunk_size=5000
    ):
        yield {"pk": pk, "record_type": "alert", "reference": reference, "owner": owner}


def agreement_in_force(*, user: User) -> PartnerAgreement | None:
    """A partner analyst's agency's agreement, when it is in force today; None otherwise."""
    agreement = visible(user, PartnerAgreement).select_related("organisation").first()
    if agreement is None or not agreement.in_force_on(timezone.localdate()):
        return None
    return agreement


def partner_agencies(*, user: User) -> QuerySet[PartnerAgreement]:
    """The partner agencies and their agreements, for the secretariat that keeps them."""
    return (
        visible(user, PartnerAgreement)
        .select_related("organisation", "updated_by")
        .order_by("organisation__name")
    )


def partner_agreement_get(*, user: User, code: str) -> PartnerAgreement:
    return get_visible_or_404(
        user, PartnerAgreement.objects.select_related("organisation"), organisation__code=code.upper()
    )


def partner_analysts(*, agreement: PartnerAgreement) -> QuerySet[User]:
    """The accounts of a partner agency (for the secretariat's page of that agency)."""
    return User.objects.filter(administration_id=agreement.organisation_id).order_by("email")


def partner_sources() -> QuerySet[Administration]:
    """Partner agencies a bundle may come from (every registered one: receiving is not sharing)."""
    return Administration.organisations.filter(kind=OrganisationKind.PARTNER, is_active=True).order_by("name")


def received_objects(*, user: Any) -> QuerySet[ReceivedObject]:
    return visible(user, ReceivedObject).select_related("source", "alert", "received_by")


def subscriptions(*, user: Any) -> QuerySet[TaxiiSubscription]:
    """The reader's administration's subscriptions to partners' TAXII collections."""
    return visible(user, TaxiiSubscription).select_related("source", "created_by")


def subscription_get(*, user: Any, pk: int) -> TaxiiSubscription:
    return get_visible_or_404(user, TaxiiSubscription.objects.select_related("source", "created_by"), pk=pk)
