"""A kind of declaration plugs in without touching screening or risk: a test-only "consignment" kind,
registered through the registry alone, is screened and assessed end to end, shown on the risk pages,
offered in the criteria editor with its own fields, tested on recent consignments, and checked again when a
lookout changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caribclear.accounts.choices import Role
from caribclear.accounts.models import Administration, User
from caribclear.accounts.services import api_token_create
from caribclear.clearance.declaration import KEY as NOTIFICATION
from caribclear.core import declarations
from caribclear.core.declarations import (
    COMPANY,
    COUNTRY,
    DATE,
    NUMBER,
    PERSON,
    DeclarationKind,
    Facts,
    Subject,
    Summary,
    declaration_filed,
    fact,
    send_on_commit,
)
from caribclear.core.models import Declaration
from caribclear.risk.choices import Lane
from caribclear.risk.models import Assessment, Criterion
from caribclear.risk.services import criterion_create
from caribclear.screening.choices import ScreeningReason
from caribclear.screening.models import Hit, ScreeningRun
from caribclear.screening.services import lookout_create

pytestmark = pytest.mark.django_db

CONSIGNMENT = "test.consignment"


@dataclass
class Consignment:
    reference: str
    consignee: str
    consignee_country: str
    driver: str
    driver_born: str
    gross_mass_kg: Decimal
    arrives_on: dt.date
    open: bool = True


class ConsignmentKind(DeclarationKind):
    """Records kept in memory: the registry asks nothing of where a kind keeps its records."""

    key = CONSIGNMENT
    label = _("Cargo consignment")
    slug = "consignments"
    fact_specs = (
        fact("gross_mass_kg", _("Gross mass (kg)"), NUMBER),
        fact("consignee_country", _("Country of the consignee"), COUNTRY),
        fact("arrives_on", _("Day of arrival"), DATE),
    )

    def __init__(self) -> None:
        self.records: dict[int, Consignment] = {}

    def load(self, declaration_ids: Iterable[int]) -> dict[int, Consignment]:
        return {pk: self.records[pk] for pk in declaration_ids if pk in self.records}

    def subjects(self, record: Consignment) -> list[Subject]:
        return [
            Subject(
                kind=COMPANY,
                key=f"consignee:{record.reference}",
                label=record.consignee,
                schema="Organization",
                names=(record.consignee,),
                nationalities=(record.consignee_country,),
            ),
            Subject(
                kind=PERSON,
                key=f"driver:{record.reference}",
                label=record.driver,
                schema="Person",
                names=(record.driver,),
                birth_dates=(record.driver_born,),
            ),
        ]

    def facts(self, record: Consignment) -> Facts:
        return {
            "gross_mass_kg": [record.gross_mass_kg],
            "consignee_country": [record.consignee_country],
            "arrives_on": [record.arrives_on],
        }

    def summary(self, record: Consignment) -> Summary:
        return Summary(
            reference=record.reference,
            title=f"Consignment for {record.consignee}",
            details=f"{record.gross_mass_kg} kg",
            url="/",
        )

    def open_for_recheck(self, administration_ids: Sequence[int]) -> list[int]:
        open_ids = [pk for pk, record in self.records.items() if record.open]
        return list(
            Declaration.objects.filter(pk__in=open_ids, administration_id__in=administration_ids).values_list(
                "pk", flat=True
            )
        )


@pytest.fixture
def kind() -> Iterator[ConsignmentKind]:
    with declarations.registered(ConsignmentKind()) as registered:
        yield registered  # type: ignore[misc]


@pytest.fixture
def supervisor(make_user: Callable[..., User], antigua: Administration) -> User:
    return make_user(role=Role.SUPERVISOR, administration=antigua, email="chief@ag.example")


@pytest.fixture
def outsider(make_user: Callable[..., User], barbados: Administration) -> User:
    return make_user(role=Role.SUPERVISOR, administration=barbados, email="chief@bb.example")


def consign(
    kind: ConsignmentKind, administration: Administration, reference: str, *, mass: str, consignee: str
) -> Declaration:
    declaration = Declaration.objects.create(
        kind=CONSIGNMENT, administration=administration, reference=reference
    )
    kind.records[declaration.pk] = Consignment(
        reference=reference,
        consignee=consignee,
        consignee_country="PA",
        driver="Jonas Okafor",
        driver_born="1980-05-06",
        gross_mass_kg=Decimal(mass),
        arrives_on=timezone.localdate(),
    )
    return declaration


def file(declaration: Declaration, capture: Callable[..., Any]) -> None:
    """What a declaring app sends when it files a record."""
    with capture(execute=True):
        send_on_commit(declaration_filed, declaration)


def test_a_registered_kind_is_screened_and_assessed_end_to_end(
    kind: ConsignmentKind,
    antigua: Administration,
    supervisor: User,
    outsider: User,
    client_for: Callable[[User], Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    lookout_create(
        actor=supervisor,
        kind="Organization",
        name="Blue Marlin Trading",
        reason="Front company for cocaine shipments.",
    )
    criterion_create(
        actor=supervisor,
        kind=CONSIGNMENT,
        name="Heavy consignment",
        documentation="Scan the container.",
        conditions=[{"field": "gross_mass_kg", "operator": "gt", "values": ["1000"]}],
        lane=Lane.RED,
        weight=50,
    )
    # A criterion of the yacht notification never applies to a consignment, even on a shared fact.
    criterion_create(
        actor=supervisor,
        kind=NOTIFICATION,
        name="Any hit",
        documentation="Check.",
        conditions=[{"field": "watchlist_hit_count", "operator": "gte", "values": ["1"]}],
        lane=Lane.YELLOW,
    )
    heavy = consign(kind, antigua, "CN-0001", mass="25000", consignee="Blue Marlin Trading Ltd")
    light = consign(kind, antigua, "CN-0002", mass="300", consignee="Harbour Foods")
    file(heavy, django_capture_on_commit_callbacks)
    file(light, django_capture_on_commit_callbacks)

    hit = Hit.objects.get(declaration=heavy)
    assert (hit.subject_kind, hit.subject_label) == (COMPANY, "Blue Marlin Trading Ltd")
    assert hit.lookout is not None and hit.is_current
    assert not Hit.objects.filter(declaration=light).exists()
    assessment = Assessment.objects.get(declaration=heavy)
    assert assessment.final_lane == Lane.RED
    assert [f.criterion.kind for f in assessment.firings.all()] == [CONSIGNMENT]
    assert "Gross mass (kg) is more than 1000 (25000)" in assessment.firings.get().detail
    assert Assessment.objects.get(declaration=light).final_lane == Lane.GREEN

    # The risk page of the consignment, through the registry: its title, the hit, the reasons; 404 elsewhere.
    page = reverse("risk:declaration", args=["consignments", "CN-0001"])
    html = client_for(supervisor).get(page).content.decode()
    assert "Consignment for Blue Marlin Trading Ltd" in html and "Scan the container." in html
    assert "Blue Marlin Trading" in html and "tag-red" in html
    assert client_for(outsider).get(page).status_code == 404
    assert (
        client_for(supervisor).get(reverse("risk:declaration", args=["consignments", "CN-9999"])).status_code
        == 404
    )
    _token, raw = api_token_create(user=supervisor, name="test")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/risk/consignments/CN-0001")
    assert api.status_code == 200
    body = api.json()
    assert (body["reference"], body["lane"]) == ("CN-0001", "red")
    assert [h["subject_kind"] for h in body["hits"]] == [COMPANY]

    # A change of a lookout checks the open consignments again; a closed one is left alone.
    kind.records[light.pk].open = False
    with django_capture_on_commit_callbacks(execute=True):
        lookout_create(
            actor=supervisor, kind="Person", name="Jonas Okafor", reason="Courier.", birth_date="1980-05-06"
        )
    rerun = ScreeningRun.objects.filter(reason=ScreeningReason.LIST_CHANGED)
    assert list(rerun.values_list("declaration_id", flat=True)) == [heavy.pk]
    assert Hit.objects.filter(declaration=heavy, subject_kind=PERSON, is_current=True).exists()


def test_the_criteria_editor_offers_each_kind_its_own_fields_and_tests_on_recent(
    kind: ConsignmentKind,
    antigua: Administration,
    supervisor: User,
    client_for: Callable[[User], Client],
) -> None:
    consign(kind, antigua, "CN-0001", mass="25000", consignee="Blue Marlin Trading Ltd")
    consign(kind, antigua, "CN-0002", mass="300", consignee="Harbour Foods")
    client = client_for(supervisor)
    create = reverse("risk:criterion_create")

    # Two kinds registered: first say what the criterion applies to.
    chooser = client.get(create).content.decode()
    assert "Cargo consignment" in chooser and "Yacht notification" in chooser

    form = client.get(create, {"kind": CONSIGNMENT}).content.decode()
    assert 'value="gross_mass_kg"' in form and "Day of arrival" in form
    assert 'value="vessel_flag"' not in form  # the notification's fields are not offered
    assert 'value="watchlist_hit_score"' in form  # what screening found is a fact of every kind

    data = {
        "kind": CONSIGNMENT,
        "name": "Heavy consignment",
        "documentation": "Scan the container.",
        "lane": "red",
        "weight": "20",
        "valid_from": timezone.localdate().isoformat(),
        "is_active": "on",
        "c-TOTAL_FORMS": "2",
        "c-INITIAL_FORMS": "0",
        "c-0-field": "gross_mass_kg",
        "c-0-operator": "gt",
        "c-0-values": "1000",
        "action": "test",
    }
    tested = client.post(create, data).content.decode()
    assert "Would fire on 1 of 2 recent notifications" in tested
    assert "CN-0001" in tested and "Consignment for Blue Marlin Trading Ltd" in tested

    # A field of another kind is refused, as an unknown field.
    refused = client.post(
        create, data | {"c-0-field": "vessel_flag", "c-0-operator": "in", "c-0-values": "PA"}
    )
    assert refused.status_code == 400

    response = client.post(create, data | {"action": "save"})
    criterion = Criterion.objects.get()
    assert response.status_code == 302 and criterion.kind == CONSIGNMENT
    listing = client.get(reverse("risk:criteria")).content.decode()
    assert "Cargo consignment" in listing and "Gross mass (kg) is more than 1000" in listing
    test_page = client.get(reverse("risk:criterion_test", args=[criterion.pk])).content.decode()
    assert "Would fire on 1 of 2" in test_page and "CN-0001" in test_page
    edit = client.get(reverse("risk:criterion_edit", args=[criterion.pk])).content.decode()
    assert 'value="gross_mass_kg"' in edit and 'value="vessel_flag"' not in edit
