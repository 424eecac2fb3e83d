"""What a filing reads cheaply is what it read before: the member administrations, filing deadlines and HS
nomenclature kept per process (a change made here is seen at once, one made by another process within the
cache's seconds), the operator's filer read by a statement built once from the visibility rule, and
waiting houses linked by one UPDATE."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from caribclear.accounts.choices import Role
from caribclear.accounts.models import Administration, Organisation, OrganisationMember, User
from caribclear.accounts.selectors import ACTIVE_MEMBERS
from caribclear.accounts.services import api_token_create
from caribclear.cargo import selectors, services
from caribclear.cargo.checks import DEADLINES, SUBHEADINGS
from caribclear.cargo.choices import FilerKind
from caribclear.cargo.models import Consignment, Filer, FilingDeadline
from caribclear.core import memo
from caribclear.core.visibility import visible
from caribclear.reference.models import HsCode

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    _token, secret = api_token_create(user=user, name="carrier system")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _file(client: Client, lrn: str, *, hs_code: str = "220840", discharge: str = "AGSJO") -> Any:
    body = {
        "lrn": lrn,
        "conveyance": {
            "mode": "sea",
            "vessel_name": "SEA STAR",
            "voyage": "7N",
            # loading decades ahead: late only under a deadline of more hours than that
            "itinerary": [{"port": "USMIA", "function": "departure", "departure": "2099-01-05T10:00:00Z"}],
        },
        "consignments": [
            {
                "bill_number": f"B-{lrn}",
                "place_of_loading": "USMIA",
                "place_of_discharge": discharge,
                "parties": [{"role": "consignee", "name": "ANTIGUA DISTILLERS LTD", "country": "AG"}],
                "goods": [{"hs_code": hs_code, "description": "RUM IN BOTTLES", "package_count": 10}],
            }
        ],
    }
    return client.post(
        "/api/cargo/manifests", json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY=lrn
    )


def _late(lrn: str) -> bool:
    return Consignment.objects.get(bill_number=f"B-{lrn}").late


@pytest.fixture
def later(monkeypatch: pytest.MonkeyPatch) -> Callable[[float], None]:
    """Moves this process's clock of the kept data forward (as if that many seconds had passed)."""
    import time

    offset = [0.0]
    real = time.monotonic
    monkeypatch.setattr(memo.time, "monotonic", lambda: real() + offset[0])

    def advance(seconds: float) -> None:
        offset[0] += seconds

    return advance


def test_a_deadline_saved_counts_at_once_and_one_changed_elsewhere_within_the_cache_seconds(
    filer, carrier_user, antigua, later
):
    client = _client(carrier_user)
    assert _file(client, "D-1").status_code == 201 and not _late("D-1")  # the 24-hour rule
    deadline = FilingDeadline.objects.create(administration=antigua, mode="sea", hours_before_loading=10**6)
    assert _file(client, "D-2").status_code == 201 and _late("D-2")
    # Another process changes it (no signal here): this process keeps what it read until the entry lapses.
    FilingDeadline.objects.filter(pk=deadline.pk).update(hours_before_loading=24)
    assert _file(client, "D-3").status_code == 201 and _late("D-3")
    later(DEADLINES.ttl + 1)
    assert _file(client, "D-4").status_code == 201 and not _late("D-4")
    deadline.delete()
    FilingDeadline.objects.create(administration=antigua, mode="air", hours_before_loading=10**6)
    assert _file(client, "D-5").status_code == 201 and not _late("D-5")  # another mode's deadline


def test_an_administration_leaving_is_seen_by_the_next_filing(filer, carrier_user, antigua, later):
    client = _client(carrier_user)
    assert _file(client, "A-1").status_code == 201
    assert Consignment.objects.get(bill_number="B-A-1").administration == antigua
    antigua.is_active = False
    antigua.save()
    answer = _file(client, "A-2")
    assert answer.status_code == 201
    assert Consignment.objects.get(bill_number="B-A-2").administration is None
    assert "no_member_discharge" in {w["code"] for w in answer.json()["manifests"][0]["warnings"]}
    # Back as a member by another process's write: seen once this process's entry lapses.
    Administration.objects.filter(pk=antigua.pk).update(is_active=True)
    later(ACTIVE_MEMBERS.ttl + 1)
    assert _file(client, "A-3").status_code == 201
    assert Consignment.objects.get(bill_number="B-A-3").administration == antigua


def test_the_hs_nomenclature_loaded_is_checked_at_once(filer, carrier_user, antigua):
    client = _client(carrier_user)
    unchecked = _file(client, "H-1", hs_code="999999")
    assert unchecked.status_code == 201
    assert "hs_not_loaded" in {w["code"] for w in unchecked.json()["manifests"][0]["warnings"]}
    HsCode.objects.create(code="220840", description="Rum", level=6)
    refused = _file(client, "H-2", hs_code="999999")
    assert refused.status_code == 422 and refused.json()["errors"][0]["code"] == "hs_code"
    filed = _file(client, "H-3", hs_code="2208.40")
    assert filed.status_code == 201
    assert "hs_not_loaded" not in {w["code"] for w in filed.json()["manifests"][0]["warnings"]}
    assert SUBHEADINGS.get() == frozenset({"220840"})


def test_a_one_consignment_filing_reads_no_reference_data_while_it_is_kept(filer, carrier_user, antigua):
    FilingDeadline.objects.create(administration=antigua, mode="sea", hours_before_loading=48)
    HsCode.objects.create(code="220840", description="Rum", level=6)
    client = _client(carrier_user)
    assert _file(client, "Q-1").status_code == 201
    with CaptureQueriesContext(connection) as captured:
        assert _file(client, "Q-2").status_code == 201
    read = " ".join(q["sql"] for q in captured.captured_queries)
    for table in ("accounts_administration", "cargo_filingdeadline", "reference_hscode"):
        assert f"FROM {connection.ops.quote_name(table)}" not in read


def _operator(make_user: Callable[..., User], email: str) -> User:
    return make_user(role=Role.OPERATOR, email=email)


def test_an_operators_filer_is_the_one_the_visibility_rule_gives(make_user, carrier_user, filer):
    nobody = _operator(make_user, "nobody@example.org")
    shipper = _operator(make_user, "two@example.org")
    # a member of an organisation that files no cargo, and of two that do (the lower filer's id first)
    for name, files in (("Passenger Only", False), ("Second Line", True), ("Third Line", True)):
        organisation = Organisation.objects.create(name=name)
        OrganisationMember.objects.create(organisation=organisation, user=shipper)
        if files:
            Filer.objects.create(organisation=organisation, kind=FilerKind.CARRIER)
    for user in (nobody, shipper, carrier_user):
        expected = visible(user, Filer).select_related("organisation").order_by("pk").first()
        with CaptureQueriesContext(connection) as captured:
            found = selectors.filer_for(user)
            name_read = found.organisation.name if found else None  # read with it: no query more
        assert len(captured) == 1
        assert found == expected and (
            name_read == expected.organisation.name if expected else name_read is None
        )
        if expected is not None:
            assert [getattr(found, f.attname) for f in Filer._meta.concrete_fields] == [
                getattr(expected, f.attname) for f in Filer._meta.concrete_fields
            ]
    assert selectors.filer_for(shipper).organisation.name == "Second Line"  # type: ignore[union-attr]
    OrganisationMember.objects.filter(user=carrier_user).delete()
    assert selectors.filer_for(carrier_user) is None
    with pytest.raises(PermissionDenied):
        services.filer_of(carrier_user)


def test_a_waiting_house_is_linked_whatever_the_case_of_the_voyage_but_not_once_invalidated(
    filer, carrier_user, make_user, barbados
):
    from caribclear.cargo.tests.test_houses import MASTER, carrier_file
    from caribclear.cargo.tests.test_table import NO_BOX, as_csv, row

    def houses(reference: str) -> bytes:
        return as_csv(
            row(manifest_reference=reference, level="house", master_bill=MASTER, bill_number="H1", **NO_BOX),
            row(manifest_reference=reference, level="house", master_bill=MASTER, bill_number="H2", **NO_BOX),
        )

    forwarder = _operator(make_user, "ops@forwarder.example")
    services.filer_create(
        actor=None, name="Island Freight", trader_id="BB1", kind=FilerKind.FORWARDER, administrator=forwarder
    )
    (first,) = services.manifest_file(actor=forwarder, data=houses("IFF-7")).manifests
    services.manifest_invalidate(actor=forwarder, manifest=first, reason="filed again")
    services.manifest_file(actor=forwarder, data=houses("IFF-8").replace(b"612W", b"612w"))
    assert services.manifest_file(actor=carrier_user, data=carrier_file()).manifests[0].voyage == "612W"
    master = Consignment.objects.get(level="master")
    linked = set(Consignment.objects.filter(level="house").values_list("manifest__lrn", "master_id"))
    assert linked == {("IFF-7", None), ("IFF-8", master.pk)}
