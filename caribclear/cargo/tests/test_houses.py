"""House bills filed by a forwarder apart from the carrier (ICS2's multiple filing): linked to the carrier's
master bill whichever is filed first, and neither filer sees the other's filing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse

from caribclear.accounts.choices import Role
from caribclear.accounts.models import User
from caribclear.cargo import services
from caribclear.cargo.choices import FilerKind
from caribclear.cargo.models import Consignment
from caribclear.cargo.tests.test_table import NO_BOX, as_csv, row
from caribclear.core.visibility import visible

pytestmark = pytest.mark.django_db

MASTER = "MEDUCA123456"


@pytest.fixture
def forwarder_user(make_user: Callable[..., User]) -> User:
    user = make_user(role=Role.OPERATOR, email="ops@forwarder.example")
    services.filer_create(
        actor=None,
        name="Island Freight Forwarders",
        trader_id="BB5550001",
        kind=FilerKind.FORWARDER,
        administrator=user,
    )
    return user


def carrier_file() -> bytes:
    return as_csv(
        row(consignee_name="ISLAND FREIGHT FORWARDERS", description="CONSOLIDATED: STEEL HOOKS, BOLTS")
    )


def forwarder_file(**changes: str) -> bytes:
    house = {
        "manifest_reference": "IFF-0007",
        "level": "house",
        "master_bill": MASTER,
        "consignor_name": "Hooks and Wire SA",
        "consignee_name": "Bridgetown Builders Ltd",
        **NO_BOX,
    }
    return as_csv(
        row(**house, bill_number="IFF-H1", **changes),
        row(**house, bill_number="IFF-H2", hs_code="731815", description="STEEL BOLTS", **changes),
    )


def test_a_forwarders_houses_are_linked_to_the_carriers_master_and_hidden_from_the_carrier(
    filer, carrier_user, forwarder_user, officer_bb, barbados, client_for
):
    (carrier_manifest,) = services.manifest_file(actor=carrier_user, data=carrier_file()).manifests
    filed = services.manifest_file(actor=forwarder_user, data=forwarder_file())
    assert not [w for w in filed.warnings if w.code == "master_not_filed"]
    master = Consignment.objects.get(bill_number=MASTER)
    houses = list(Consignment.objects.filter(level="house").order_by("bill_number"))
    assert [(h.bill_number, h.master_id, h.manifest.filer.name) for h in houses] == [
        ("IFF-H1", master.pk, "Island Freight Forwarders"),
        ("IFF-H2", master.pk, "Island Freight Forwarders"),
    ]
    # Each is a declaration of the administration of discharge, screened and assessed as any consignment.
    assert all(h.declaration is not None and h.administration == barbados for h in houses)

    # The carrier sees its master, not the houses; the forwarder its houses, not the master.
    assert list(visible(carrier_user, Consignment).values_list("bill_number", flat=True)) == [MASTER]
    assert sorted(visible(forwarder_user, Consignment).values_list("bill_number", flat=True)) == [
        "IFF-H1",
        "IFF-H2",
    ]
    page = client_for(carrier_user).get(reverse("cargo:manifest", args=[carrier_manifest.mrn])).content
    assert b"IFF-H1" not in page and b"Bridgetown Builders" not in page
    assert (
        client_for(carrier_user).get(reverse("cargo:manifest", args=[houses[0].manifest.mrn])).status_code
        == 404
    )
    forwarder_page = client_for(forwarder_user).get(reverse("cargo:manifest", args=[houses[0].manifest.mrn]))
    assert b"IFF-H1" in forwarder_page.content and b"Ferreteria Caucedo" not in forwarder_page.content
    assert f"house under master bill {MASTER}".encode() in forwarder_page.content

    # The officer of the port of discharge sees the master with its houses, whoever filed them.
    officer_page = client_for(officer_bb).get(reverse("cargo_officer:consignment", args=[master.mrn]))
    assert b"IFF-H1" in officer_page.content and b"IFF-H2" in officer_page.content


def test_houses_filed_before_the_master_wait_for_it_and_are_linked_when_it_is_filed(
    filer, carrier_user, forwarder_user, barbados
):
    filed = services.manifest_file(actor=forwarder_user, data=forwarder_file())
    waiting = [w for w in filed.warnings if w.code == "master_not_filed"]
    assert len(waiting) == 2 and MASTER in waiting[0].message
    assert set(Consignment.objects.filter(level="house").values_list("master", flat=True)) == {None}
    services.manifest_file(actor=carrier_user, data=carrier_file())
    master = Consignment.objects.get(bill_number=MASTER)
    assert set(Consignment.objects.filter(level="house").values_list("master", flat=True)) == {master.pk}


def test_a_house_of_another_voyage_is_not_linked_to_a_master_of_the_same_number(
    filer, carrier_user, forwarder_user, barbados
):
    services.manifest_file(actor=carrier_user, data=carrier_file())
    filed = services.manifest_file(actor=forwarder_user, data=forwarder_file(voyage="613W"))
    assert [w.code for w in filed.warnings].count("master_not_filed") == 2
    assert set(Consignment.objects.filter(level="house").values_list("master", flat=True)) == {None}
