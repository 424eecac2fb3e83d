"""Issue 15, finding 9: the screening hits of released or invalidated consignments lose the names and
explanations they copied after the administration's period, as a closed yacht notification's do; hits of
consignments still being dealt with keep them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import TestCase
from django.utils import timezone

from caribclear.cargo import services
from caribclear.cargo.choices import Status
from caribclear.cargo.models import Consignment
from caribclear.core.declarations import kind_of
from caribclear.core.retention import apply_all
from caribclear.screening.choices import SourceFormat
from caribclear.screening.models import Hit, ScreeningRun
from caribclear.screening.services import watchlist_create, watchlist_import

pytestmark = pytest.mark.django_db

KEY = "screening.hits"


@pytest.fixture
def listed_importer(db: Any, tmp_path: Any) -> None:
    path = tmp_path / "list.csv"
    path.write_text(
        "id,name,notes\nC-1,IMPORTER 1 LTD,front\nC-3,IMPORTER 3 LTD,front\nC-5,IMPORTER 5 LTD,front\n",
        encoding="utf-8",
    )
    watchlist = watchlist_create(actor=None, name="Companies", source_format=SourceFormat.CSV, owner=None)
    watchlist_import(actor=None, watchlist=watchlist, path=path)


def test_hits_of_released_and_invalidated_consignments_are_minimised_after_the_period(
    listed_importer: None, filer: Any, carrier_user: Any, ship_file: Any
) -> None:
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.manifest_file(actor=carrier_user, data=ship_file(8, seed=3))
    consignments = list(
        Consignment.objects.filter(declaration__screening_hits__isnull=False)
        .distinct()
        .order_by("bill_number")
    )
    assert len(consignments) >= 3, [c.bill_number for c in consignments]
    released, invalidated, still_open = (c.declaration_id or 0 for c in consignments[:3])
    Consignment.objects.filter(declaration_id=released).update(status=Status.RELEASED)
    Consignment.objects.filter(declaration_id=invalidated).update(status=Status.INVALIDATED)
    closed = kind_of("cargo.consignment").closed([released, invalidated, still_open])
    assert sorted(closed) == sorted([released, invalidated])

    # Within the period nothing changes; once it is over, only the closed ones are blanked.
    assert {o.rule.key: o.count for o in apply_all()}[KEY] == 0
    ScreeningRun.objects.update(started_at=timezone.now() - dt.timedelta(days=800))
    assert {o.rule.key: o.count for o in apply_all()}[KEY] > 0
    for declaration_id in (released, invalidated):
        for hit in Hit.objects.filter(declaration_id=declaration_id):
            assert (hit.subject_label, hit.explanation, hit.evidence) == ("", "", [])
            assert hit.entity_caption and hit.score  # which entry and how strong stay
    assert all(h.subject_label for h in Hit.objects.filter(declaration_id=still_open))
