"""A partner's bundle taken in feeds screening: the open declarations of the receiving administration are
screened again once after the whole intake (not once per indicator), and meet the new alerts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import stix2

from caribclear.accounts.choices import Role
from caribclear.accounts.models import Administration
from caribclear.clearance.tests.factories import declaration_of
from caribclear.core.declarations import declaration_filed, send_on_commit
from caribclear.partners import stix
from caribclear.partners.choices import Category
from caribclear.partners.services import bundle_take_in, partner_agency_create
from caribclear.screening.choices import ScreeningReason
from caribclear.screening.models import Hit
from caribclear.screening.tests.helpers import traveller, voyage

pytestmark = pytest.mark.django_db

NAMES = ["Marcus Bell", "Odette Laval", "Kwame Mensah"]


def bundle() -> bytes:
    source = stix2.v21.Identity(name="CARICOM IMPACS", identity_class="organization")
    objects: list[Any] = [source, stix.tlp_marking("AMBER")]
    for n, name in enumerate(NAMES):
        person = stix2.v21.Identity(name=name, identity_class="individual", created_by_ref=source.id)
        indicator = stix2.v21.Indicator(
            name=f"Courier {n}",
            pattern=f"[x-caribclear-subject:identifier = 'P{n:07d}']",
            pattern_type="stix",
            valid_from="2026-01-01T00:00:00Z",
            valid_until="2030-01-01T00:00:00Z",
            confidence=85,
            created_by_ref=source.id,
            object_marking_refs=[stix.TLP_IDS["AMBER"]],
            allow_custom=True,
        )
        relation = stix2.v21.Relationship(
            source_ref=indicator.id, relationship_type="related-to", target_ref=person.id
        )
        objects += [person, indicator, relation]
    return str(stix2.v21.Bundle(objects=objects, allow_custom=True).serialize()).encode()


def test_a_bundle_taken_in_screens_open_declarations_again_once(
    ports, operator, make_user, antigua, django_capture_on_commit_callbacks
):
    staff = make_user(
        role=Role.SECRETARIAT, administration=Administration.organisations.get(kind="secretariat")
    )
    impacs = partner_agency_create(
        actor=staff,
        name="CARICOM IMPACS",
        legal_basis="MOU CCLEC-IMPACS 2026, art. 4",
        signed_on=dt.date(2026, 1, 15),
        expires_on=None,
        categories=[Category.ALERT_PERSON],
    )
    supervisor = make_user(role=Role.SUPERVISOR, administration=antigua, email="supervisor@ag.example")
    bell = traveller(account=operator, surname="BELL", given_names="MARCUS", born=dt.date(1980, 4, 2))
    notification = voyage(account=operator, people=[bell], port="AGSJO")
    with django_capture_on_commit_callbacks(execute=True):
        send_on_commit(declaration_filed, declaration_of(notification))
    declaration = declaration_of(notification)
    assert not Hit.objects.filter(declaration=declaration).exists()

    with django_capture_on_commit_callbacks(execute=True):
        result = bundle_take_in(actor=supervisor, source=impacs, content=bundle())
    assert len(result.created) == 3 and not result.problems

    rescreens = declaration.screening_runs.filter(reason=ScreeningReason.LIST_CHANGED)
    assert rescreens.count() == 1  # one re-screen after the intake, not one per indicator
    bell_alert = next(a for a in result.created if a.surname == "Marcus Bell")
    hits = Hit.objects.filter(declaration=declaration, is_current=True, watchlist__source_format="intel")
    assert [h.alert_reference for h in hits] == [bell_alert.reference]
