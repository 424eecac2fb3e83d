"""Filing, amending and invalidating manifests: MRNs, declarations, versions, and what is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caribclear.cargo import services
from caribclear.cargo.choices import ManifestStatus, Status
from caribclear.cargo.models import Consignment, FilingDeadline, Manifest
from caribclear.core.models import Declaration, StatusChange
from caribclear.core.visibility import visible

pytestmark = pytest.mark.django_db


def test_a_container_ship_is_registered_with_mrns_and_one_declaration_per_consignment(
    filer, carrier_user, antigua, barbados, ship_file
):
    filed = services.manifest_file(actor=carrier_user, data=ship_file(4))
    (manifest,) = filed.manifests
    assert services.mrn_is_valid(manifest.mrn) and manifest.status == ManifestStatus.FILED
    consignments = list(manifest.consignments.order_by("bill_number"))
    assert len(consignments) == 4
    assert [c.administration.code for c in consignments if c.administration] == ["AG", "BB", "AG", "BB"]
    for c in consignments:
        assert c.administration is not None and c.declaration is not None
        assert services.mrn_is_valid(c.mrn) and c.mrn[2:4] == c.administration.code
        assert c.declaration.kind == "cargo.consignment" and c.declaration.reference == c.mrn
        assert c.declaration.administration_id == c.administration_id
        assert c.goods.count() == 2 and c.containers.count() == 1 and c.parties.count() == 2
    assert manifest.versions.get().number == 1
    assert [p.locode for p in manifest.port_calls.all()] == ["DOPOP", "AGSJO", "BBBGI"]


def test_a_mistyped_mrn_is_not_valid():
    mrn = services.new_mrn("AG")
    assert services.mrn_is_valid(mrn)
    swapped = mrn[:5] + mrn[6] + mrn[5] + mrn[7:]
    assert swapped == mrn or not services.mrn_is_valid(swapped)
    assert not services.mrn_is_valid(mrn[:-1] + ("A" if mrn[-1] != "A" else "B"))


def test_every_error_of_a_file_is_given_at_once_and_nothing_is_stored(filer, carrier_user, ship_file):
    data = (
        ship_file(2)
        .replace(b"RICE, MILLED, IN BAGS OF 50 KG", b"GENERAL CARGO")
        .replace(b"PIA+5+", b"PIA+5+X")
    )
    with pytest.raises(services.FilingRejected) as caught:
        services.manifest_file(actor=carrier_user, data=data)
    codes = {e.code for e in caught.value.errors}
    assert {"hs_code", "vague_description"} <= codes
    assert all(e.where.line for e in caught.value.errors)
    assert not Manifest.objects.exists() and not Declaration.objects.filter(kind="cargo.consignment").exists()


def test_an_unknown_hs_subheading_is_refused_when_the_nomenclature_is_loaded(filer, carrier_user, ship_file):
    from caribclear.reference.models import HsCode

    HsCode.objects.create(code="220840", description="Rum", level=6)
    data = ship_file(1)
    with pytest.raises(services.FilingRejected) as caught:
        services.manifest_file(actor=carrier_user, data=data)
    assert any("not a subheading" in e.message for e in caught.value.errors)


def test_a_wrong_container_check_digit_is_refused_with_its_line(filer, carrier_user, ship_file):
    data = ship_file(1)
    start = data.index(b"EQD+CN+") + 7
    number = data[start : start + 11]
    wrong = number[:10] + str((int(number[10:11]) + 1) % 10).encode()
    with pytest.raises(services.FilingRejected) as caught:
        services.manifest_file(actor=carrier_user, data=data.replace(number, wrong))
    (error,) = [e for e in caught.value.errors if e.code == "container_check_digit"]
    assert error.where.segment == "EQD" and error.where.line


def test_only_a_filers_user_may_file(operator, ship_file):
    with pytest.raises(PermissionDenied):
        services.manifest_file(actor=operator, data=ship_file(1))


def test_the_same_lrn_again_amends_the_filing_and_keeps_both_versions(filer, carrier_user, ship_file):
    first = services.manifest_file(actor=carrier_user, data=ship_file(3)).manifests[0]
    before = {c.bill_number: c.mrn for c in first.consignments.all()}
    changed = ship_file(3).replace(b"MEA+WT+G+KGM:", b"MEA+WT+G+KGM:1", 1)
    filed = services.manifest_file(actor=carrier_user, data=changed)
    (manifest,) = filed.amended
    assert manifest.pk == first.pk and manifest.version == 2 and manifest.status == ManifestStatus.AMENDED
    assert {c.bill_number: c.mrn for c in manifest.consignments.all()} == before  # MRNs stay
    amended = manifest.consignments.get(status=Status.AMENDED)
    assert amended.version == 2 and amended.declaration is not None and amended.declaration.version == 2
    v2 = manifest.versions.get(number=2)
    assert any(ch["where"] == amended.bill_number and ch["field"] == "goods" for ch in v2.changes)
    assert StatusChange.objects.filter(record_type="cargo.consignment", to_status=Status.AMENDED).count() == 1


def test_a_non_amendable_field_names_itself_and_asks_to_invalidate(filer, carrier_user, ship_file):
    services.manifest_file(actor=carrier_user, data=ship_file(2))
    moved = ship_file(2).replace(b"LOC+11+AGSJO", b"LOC+11+LCCAS")
    with pytest.raises(services.FilingRejected) as caught:
        services.manifest_file(actor=carrier_user, data=moved)
    (error,) = caught.value.errors
    assert (
        error.code == "not_amendable"
        and "place of discharge" in error.message
        and "invalidate" in error.message
    )


def test_invalidating_withdraws_every_consignment_and_allows_refiling(filer, carrier_user, ship_file):
    manifest = services.manifest_file(actor=carrier_user, data=ship_file(2)).manifests[0]
    services.manifest_invalidate(actor=carrier_user, manifest=manifest, reason="wrong vessel")
    assert set(manifest.consignments.values_list("status", flat=True)) == {Status.INVALIDATED}
    again = services.manifest_file(actor=carrier_user, data=ship_file(2)).manifests[0]
    assert again.pk != manifest.pk and again.mrn != manifest.mrn


def test_late_filing_is_accepted_and_marked(filer, carrier_user, antigua, ship_file):
    FilingDeadline.objects.create(administration=antigua, mode="sea", hours_before_loading=48)
    manifest = services.manifest_file(
        actor=carrier_user, data=ship_file(2, departs=timezone.now() + dt.timedelta(hours=30))
    ).manifests[0]
    late = dict(manifest.consignments.values_list("administration__code", "late"))
    assert late == {"AG": True, "BB": False}  # Barbados keeps the 24-hour rule


def test_each_administration_sees_only_what_is_discharged_at_its_ports(
    filer, carrier_user, officer, officer_bb, officer_lc, ship_file
):
    manifest = services.manifest_file(actor=carrier_user, data=ship_file(4)).manifests[0]
    assert set(visible(officer, Consignment).values_list("administration__code", flat=True)) == {"AG"}
    assert set(visible(officer_bb, Consignment).values_list("administration__code", flat=True)) == {"BB"}
    assert not visible(officer_lc, Consignment).exists() and not visible(officer_lc, Manifest).exists()
    assert visible(officer, Manifest).get() == manifest
    assert visible(carrier_user, Consignment).count() == 4


@given(cut=st.integers(min_value=0, max_value=4000), junk=st.binary(max_size=40))
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_damaged_manifest_is_registered_or_refused_with_where_never_a_crash(filer, carrier_user, cut, junk):
    """Any cut and any bytes spliced into a real manifest: a filing, or errors that say where."""
    import random as _random

    from caribclear.cargo.samples import container_ship

    data = container_ship(
        n=3, rng=_random.Random(5), lrn="PROP", voyage="P1", departs=timezone.now(), discharge=["AGSJO"]
    )
    cut %= len(data)
    damaged = data[:cut] + junk + data[cut + len(junk) // 2 :]
    try:
        with transaction.atomic():
            services.manifest_file(actor=carrier_user, data=damaged)
            transaction.set_rollback(True)
    except services.FilingRejected as exc:
        assert exc.errors and all(e.message for e in exc.errors)


def test_a_filers_user_starts_on_the_filers_manifests(filer, carrier_user, client_for):
    assert client_for(carrier_user).get("/").url == "/cargo/"
