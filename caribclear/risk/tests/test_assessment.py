"""Criteria with versions, assessment of notifications, random selection, overrides and dispositions."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from caribclear.accounts.choices import Role
from caribclear.accounts.models import Administration, User
from caribclear.clearance.tests.factories import declaration_of, notification_make, vessel_make
from caribclear.core.models import AuditEvent
from caribclear.risk.choices import Disposition, Lane
from caribclear.risk.models import Assessment, CriterionVersion, Firing, LaneOverride, RandomSelection
from caribclear.risk.services import (
    criterion_create,
    criterion_update,
    declaration_assess,
    firing_dispose,
    lane_override,
    random_draw,
    random_selection_set,
)
from caribclear.screening.choices import SourceFormat
from caribclear.screening.services import declaration_screen, watchlist_create, watchlist_import
from caribclear.screening.tests.helpers import traveller, voyage

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor(make_user: Callable[..., User], antigua: Administration) -> User:
    return make_user(role=Role.SUPERVISOR, administration=antigua, email="chief@ag.example")


def venezuela_rule(actor: User, **overrides: Any) -> Any:
    fields: dict[str, Any] = {
        "kind": "clearance.notification",
        "name": "Arrivals from Venezuela",
        "documentation": "Check the hold and the bilges.",
        "conditions": [{"field": "last_port_country", "operator": "in", "values": ["VE"]}],
        "lane": Lane.YELLOW,
        "weight": 30,
    }
    return criterion_create(actor=actor, **(fields | overrides))


def test_criteria_set_the_lane_and_the_reasons(ports: None, operator: User, supervisor: User) -> None:
    venezuela_rule(supervisor)
    criterion_create(
        actor=supervisor,
        kind="clearance.notification",
        name="Firearms on a charter",
        documentation="Count and seal the firearms.",
        conditions=[
            {"field": "declares_firearms", "operator": "is_yes", "values": []},
            {"field": "is_charter", "operator": "is_yes", "values": []},
        ],
        lane=Lane.RED,
        weight=50,
    )
    person = traveller(account=operator, surname="Clean", given_names="Carla")
    quiet = voyage(account=operator, people=[person], last_port_country="GD")
    both = voyage(
        account=operator, people=[person], last_port_country="VE", declares_firearms=True, is_charter=True
    )
    only_firearms = voyage(account=operator, people=[person], declares_firearms=True)

    assert declaration_assess(declaration=declaration_of(quiet)).lane == Lane.GREEN
    assessment = declaration_assess(declaration=declaration_of(both))
    assert (assessment.lane, assessment.criteria_lane, assessment.score) == (Lane.RED, Lane.RED, 80)
    firings = list(assessment.firings.order_by("-weight"))
    assert [f.version.name for f in firings] == ["Firearms on a charter", "Arrivals from Venezuela"]
    assert "Country of last port is one of VE (VE)" in firings[1].detail
    assert declaration_assess(declaration=declaration_of(only_firearms)).lane == Lane.GREEN


def test_each_edit_is_a_new_version_and_old_firings_keep_theirs(
    ports: None, operator: User, supervisor: User
) -> None:
    criterion = venezuela_rule(supervisor)
    notification = voyage(account=operator, people=[], last_port_country="VE")
    first = declaration_assess(declaration=declaration_of(notification)).firings.get()
    assert first.version.number == 1

    version = criterion_update(
        actor=supervisor,
        criterion=criterion,
        name="Arrivals from Venezuela or Colombia",
        documentation="Check the hold.",
        conditions=[{"field": "last_port_country", "operator": "in", "values": ["VE", "CO"]}],
        lane=Lane.RED,
        weight=40,
        valid_from=timezone.localdate(),
        valid_until=None,
        is_active=True,
        change_note="Colombia added after the March seizures",
    )
    assert version.number == 2
    assert list(CriterionVersion.objects.filter(criterion=criterion).values_list("number", "lane")) == [
        (2, "red"),
        (1, "yellow"),
    ]
    first.refresh_from_db()
    assert first.version.number == 1  # until the notification is assessed again
    assessment = declaration_assess(declaration=declaration_of(notification))
    assert assessment.lane == Lane.RED and assessment.firings.get().version == version
    assert AuditEvent.objects.filter(action="risk.criterion_update", object_id=str(criterion.pk)).exists()

    # Deactivated in a third version: it no longer fires, and the earlier firing is kept as not current.
    criterion_update(
        actor=supervisor,
        criterion=criterion,
        name=version.name,
        documentation=version.documentation,
        conditions=version.conditions,
        lane=version.lane,
        weight=version.weight,
        valid_from=version.valid_from,
        valid_until=None,
        is_active=False,
    )
    assessment = declaration_assess(declaration=declaration_of(notification))
    assert assessment.lane == Lane.GREEN and not assessment.firings.filter(is_current=True).exists()


def test_validity_dates_limit_when_a_criterion_applies(ports: None, operator: User, supervisor: User) -> None:
    venezuela_rule(supervisor, valid_from=timezone.localdate() + dt.timedelta(days=5))
    notification = voyage(account=operator, people=[], last_port_country="VE")
    assert declaration_assess(declaration=declaration_of(notification)).lane == Lane.GREEN


def test_criteria_are_written_by_supervisors_and_validated(officer: User, supervisor: User) -> None:
    with pytest.raises(PermissionDenied):
        venezuela_rule(officer)
    with pytest.raises(ValidationError) as error:
        venezuela_rule(
            supervisor, conditions=[{"field": "vessel_flag", "operator": "gt", "values": ["1"]}], name=""
        )
    assert set(error.value.message_dict) == {"name", "conditions"}


def test_criteria_of_another_administration_do_not_apply(
    ports: None, operator: User, make_user: Callable[..., User], barbados: Administration
) -> None:
    bb_supervisor = make_user(role=Role.SUPERVISOR, administration=barbados)
    venezuela_rule(bb_supervisor, lane=Lane.RED)
    at_antigua = voyage(account=operator, people=[], last_port_country="VE", port="AGSJO")
    at_barbados = voyage(account=operator, people=[], last_port_country="VE", port="BBBGI")
    assert declaration_assess(declaration=declaration_of(at_antigua)).lane == Lane.GREEN
    assert declaration_assess(declaration=declaration_of(at_barbados)).lane == Lane.RED


def test_watchlist_hit_score_criterion_ignores_false_positives(
    ports: None, operator: User, officer: User, supervisor: User, tmp_path: Any
) -> None:
    from caribclear.screening.models import Hit
    from caribclear.screening.services import hit_dispose

    path = tmp_path / "list.csv"
    path.write_text("id,name,birth_date\nX-1,Marlon DACOSTA,1971-02-03\n", encoding="utf-8")
    watchlist = watchlist_create(actor=None, name="Local", source_format=SourceFormat.CSV, owner=None)
    watchlist_import(actor=None, watchlist=watchlist, path=path)
    criterion_create(
        actor=supervisor,
        kind="clearance.notification",
        name="Strong watchlist hit",
        documentation="Hold the person for a secondary check.",
        conditions=[{"field": "watchlist_hit_score", "operator": "gte", "values": ["0.9"]}],
        lane=Lane.RED,
        weight=90,
    )
    person = traveller(account=operator, surname="DaCosta", given_names="Marlon", born=dt.date(1971, 2, 3))
    notification = voyage(account=operator, people=[person])
    declaration_screen(declaration=declaration_of(notification))
    assessment = declaration_assess(declaration=declaration_of(notification))
    assert assessment.lane == Lane.RED
    hit = Hit.objects.get(declaration=notification.declaration)
    hit_dispose(
        actor=officer, hit=hit, disposition="false_positive", note="Different father's name, seen passport"
    )
    assert declaration_assess(declaration=declaration_of(notification)).lane == Lane.GREEN


def test_random_draw_selects_exactly_the_rate_in_every_block() -> None:
    for rate in (Decimal("5"), Decimal("2.5"), Decimal("0"), Decimal("100")):
        selected = [random_draw(seed="fixed-seed", sequence=i, rate=rate) for i in range(5000)]
        per_block = Counter(i // 1000 for i, s in enumerate(selected) if s)
        expected = int(rate * 10)
        assert all(per_block.get(block, 0) == expected for block in range(5))
    # different seeds pick different positions; the same seed the same ones
    a = [random_draw(seed="a", sequence=i, rate=Decimal(10)) for i in range(1000)]
    b = [random_draw(seed="b", sequence=i, rate=Decimal(10)) for i in range(1000)]
    assert a != b and a == [random_draw(seed="a", sequence=i, rate=Decimal(10)) for i in range(1000)]


def test_random_selection_rate_is_honoured_over_many_notifications(
    ports: None, operator: User, supervisor: User
) -> None:
    selection = random_selection_set(
        actor=supervisor, from_lane=Lane.GREEN, to_lane=Lane.YELLOW, rate=Decimal(20)
    )
    RandomSelection.objects.filter(pk=selection.pk).update(seed="fixed-seed-for-the-test")
    vessel = vessel_make(account=operator)
    lanes: Counter[str] = Counter()
    first = None
    for _i in range(250):
        notification = notification_make(
            account=operator, vessel=vessel, port="AGSJO", expected_at=timezone.now() + dt.timedelta(days=1)
        )
        assessment = declaration_assess(declaration=declaration_of(notification))
        first = first or assessment
        lanes[assessment.lane] += 1
    # 20 % of 250 is 50; a seeded draw of 250 from blocks of 1,000 stays close to it.
    assert 35 <= lanes[Lane.YELLOW] <= 65 and lanes[Lane.GREEN] == 250 - lanes[Lane.YELLOW]
    assert RandomSelection.objects.get(pk=selection.pk).sequence == 250
    # Each draw is recorded and reproducible from the seed and the sequence number.
    for assessment in Assessment.objects.all():
        assert assessment.random_sequence is not None
        assert assessment.random_selected == random_draw(
            seed="fixed-seed-for-the-test", sequence=assessment.random_sequence, rate=Decimal(20)
        )
    # Assessing again does not draw again.
    assert first is not None
    again = declaration_assess(declaration=first.declaration)
    assert (again.random_sequence, again.lane) == (first.random_sequence, first.lane)
    assert RandomSelection.objects.get(pk=selection.pk).sequence == 250


def test_random_selection_only_sends_to_a_stricter_lane(supervisor: User) -> None:
    with pytest.raises(ValidationError):
        random_selection_set(actor=supervisor, from_lane=Lane.YELLOW, to_lane=Lane.GREEN, rate=Decimal(5))


def test_override_requires_a_reason_and_is_audited(ports: None, operator: User, officer: User) -> None:
    notification = voyage(account=operator, people=[])
    declaration_assess(declaration=declaration_of(notification))
    with pytest.raises(ValidationError) as error:
        lane_override(actor=officer, declaration=declaration_of(notification), lane=Lane.RED, reason="  ")
    assert "reason" in error.value.message_dict
    assessment = lane_override(
        actor=officer,
        declaration=declaration_of(notification),
        lane=Lane.RED,
        reason="Tip-off from the marina",
    )
    assert assessment.final_lane == Lane.RED and assessment.lane == Lane.GREEN
    override = LaneOverride.objects.get(assessment=assessment)
    assert (override.from_lane, override.to_lane, override.by) == (Lane.GREEN, Lane.RED, officer)
    event = AuditEvent.objects.get(action="risk.lane_override")
    assert event.data["reason"] == "Tip-off from the marina" and event.actor == officer
    # A re-assessment keeps the officer's lane.
    assert declaration_assess(declaration=declaration_of(notification)).final_lane == Lane.RED


def test_officials_of_another_administration_cannot_override(
    ports: None, operator: User, make_user: Callable[..., User], barbados: Administration
) -> None:
    notification = voyage(account=operator, people=[])
    outsider = make_user(role=Role.OFFICER, administration=barbados)
    with pytest.raises(PermissionDenied):
        lane_override(
            actor=outsider, declaration=declaration_of(notification), lane=Lane.RED, reason="Curious"
        )


def test_firing_disposition_needs_a_note_and_is_audited(
    ports: None, operator: User, officer: User, supervisor: User
) -> None:
    venezuela_rule(supervisor)
    notification = voyage(account=operator, people=[], last_port_country="VE")
    firing = declaration_assess(declaration=declaration_of(notification)).firings.get()
    with pytest.raises(ValidationError):
        firing_dispose(actor=officer, firing=firing, disposition=Disposition.FALSE_POSITIVE, note="")
    firing_dispose(
        actor=officer, firing=firing, disposition=Disposition.FALSE_POSITIVE, note="Hold was empty"
    )
    firing = Firing.objects.get(pk=firing.pk)
    assert firing.disposition == Disposition.FALSE_POSITIVE and firing.disposed_by == officer
    assert AuditEvent.objects.filter(action="risk.firing_dispose", object_id=str(firing.pk)).exists()
