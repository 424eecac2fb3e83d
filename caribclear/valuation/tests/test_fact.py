"""The valuation score is a fact risk criteria test, for any kind that declares goods values: a test-only
kind (registered through core's registry alone, as cargo will) is assessed on it end to end, and the
criteria editor offers it for every kind. Risk imports nothing of valuation."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from caribclear.accounts.choices import Role
from caribclear.core import declarations
from caribclear.core.declarations import (
    DeclarationKind,
    DeclaredValue,
    Facts,
    Summary,
    declaration_filed,
    send_on_commit,
)
from caribclear.core.models import Declaration
from caribclear.risk.choices import Lane
from caribclear.risk.conditions import fields_for
from caribclear.risk.models import Assessment
from caribclear.risk.services import criterion_create

from .helpers import store_lines

pytestmark = pytest.mark.django_db
KIND = "test.goods"


@dataclass
class Filing:
    reference: str
    lines: list[DeclaredValue]


class GoodsKind(DeclarationKind):
    key = KIND
    label = "Goods filing"
    slug = "goods-filings"

    def __init__(self) -> None:
        self.records: dict[int, Filing] = {}

    def load(self, declaration_ids: Iterable[int]) -> dict[int, Filing]:
        return {pk: self.records[pk] for pk in declaration_ids if pk in self.records}

    def subjects(self, record: Filing) -> list[Any]:
        return []

    def facts(self, record: Filing) -> Facts:
        return {}

    def summary(self, record: Filing) -> Summary:
        return Summary(reference=record.reference, title=record.reference, details="", url="/")

    def declared_values(self, record: Filing) -> list[DeclaredValue]:
        return record.lines


@pytest.fixture
def kind() -> Iterator[GoodsKind]:
    with declarations.registered(GoodsKind()) as registered:
        yield registered  # type: ignore[misc]


def goods(value: str, *, currency: str = "USD", unit: str = "NAR") -> DeclaredValue:
    return DeclaredValue(
        line="B/L MSCU1 item 1", hs_code="851713", description="phones", origin="CN",
        quantity=Decimal(100), unit=unit, value=Decimal(value), currency=currency, importer_id="TIN9",
        date=timezone.localdate(),
    )  # fmt: skip


def test_a_criterion_on_the_valuation_score_fires_on_an_under_valued_filing(
    kind, antigua, barbados, make_user, django_capture_on_commit_callbacks
):
    store_lines(
        barbados, hs="85171300", origin="CN", unit_value=40, count=30, importers=["A", "B", "C"], unit="u"
    )
    supervisor = make_user(role=Role.SUPERVISOR, administration=antigua)
    criterion_create(
        actor=supervisor,
        kind=KIND,
        name="Possible under-valuation",
        documentation="Ask for the invoice.",
        conditions=[{"field": "valuation_score", "operator": "gte", "values": ["3"]}],
        lane=Lane.YELLOW,
        weight=20,
    )
    low = Declaration.objects.create(kind=KIND, administration=antigua, reference="GF-1")
    fair = Declaration.objects.create(kind=KIND, administration=antigua, reference="GF-2")
    unscored = Declaration.objects.create(kind=KIND, administration=antigua, reference="GF-3")
    kind.records[low.pk] = Filing("GF-1", [goods("80")])  # 0.80 USD a phone
    kind.records[fair.pk] = Filing("GF-2", [goods("4100")])
    kind.records[unscored.pk] = Filing("GF-3", [goods("80", currency="EUR")])  # no EUR rate: no score
    for declaration in (low, fair, unscored):
        with django_capture_on_commit_callbacks(execute=True):
            send_on_commit(declaration_filed, declaration)
    assessment = Assessment.objects.get(declaration=low)
    assert assessment.final_lane == Lane.YELLOW
    assert "Valuation risk score" in assessment.firings.get().detail
    assert Assessment.objects.get(declaration=fair).final_lane == Lane.GREEN
    assert Assessment.objects.get(declaration=unscored).final_lane == Lane.GREEN


def test_every_kind_offers_the_valuation_fields(kind, antigua, make_user, client_for):
    assert {"valuation_score", "valuation_flagged"} <= set(fields_for(KIND))
    assert {"valuation_score", "valuation_flagged"} <= set(fields_for("clearance.notification"))
    supervisor = make_user(role=Role.SUPERVISOR, administration=antigua)
    form = client_for(supervisor).get(reverse("risk:criterion_create"), {"kind": KIND}).content.decode()
    assert 'value="valuation_score"' in form


def test_a_failing_provider_never_stops_an_assessment(kind, antigua, monkeypatch):
    from caribclear.valuation import facts

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(facts.services, "line_check", broken)
    declaration = Declaration.objects.create(kind=KIND, administration=antigua, reference="GF-9")
    kind.records[declaration.pk] = Filing("GF-9", [goods("80")])
    assert declarations.shared_facts(declaration, kind.records[declaration.pk]) == {}
