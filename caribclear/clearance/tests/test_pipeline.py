from __future__ import annotations

import itertools

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from ..choices import PIPELINE, Decision, Status
from ..models import Notification
from ..pipeline import NOTIFICATION_STATUS, InvalidTransition, overall_status, required_agencies

set_status = NOTIFICATION_STATUS.apply  # check and set, recording nothing: for unsaved notifications

CUSTOMS, IMMIGRATION, PORT_HEALTH = "customs", "immigration", "port_health"


@pytest.mark.parametrize(
    ("current", "requested"),
    [(current, requested) for current, allowed in PIPELINE.items() for requested in sorted(allowed)],
)
def test_every_allowed_move_is_made(current, requested):
    notification = Notification(status=current)
    assert set_status(notification, requested) is (current != requested)
    assert notification.status == requested


@pytest.mark.parametrize(
    ("current", "requested"),
    [
        (current, requested)
        for current, allowed in PIPELINE.items()
        for requested in Status.values
        if requested not in allowed
    ],
)
def test_every_other_move_raises_and_changes_nothing(current, requested):
    notification = Notification(status=current)
    with pytest.raises(InvalidTransition) as excinfo:
        set_status(notification, requested)
    assert notification.status == current
    assert (excinfo.value.current, excinfo.value.requested) == (current, requested)


def test_cancelled_is_final_and_drafts_are_only_submitted_or_cancelled():
    assert PIPELINE[Status.CANCELLED] == frozenset()
    assert PIPELINE[Status.DRAFT] == {Status.SUBMITTED, Status.CANCELLED}


def test_port_health_decides_only_when_illness_or_animals_are_declared():
    assert required_agencies(Notification()) == [CUSTOMS, IMMIGRATION]
    assert PORT_HEALTH in required_agencies(Notification(declares_illness=True))
    assert PORT_HEALTH in required_agencies(Notification(declares_animals=True))


@pytest.mark.parametrize(
    ("decisions", "required", "expected"),
    [
        ({}, [CUSTOMS, IMMIGRATION], Status.SUBMITTED),
        ({CUSTOMS: Decision.PENDING}, [CUSTOMS, IMMIGRATION], Status.SUBMITTED),
        ({CUSTOMS: Decision.CLEARED}, [CUSTOMS, IMMIGRATION], Status.IN_PROGRESS),
        ({CUSTOMS: Decision.CLEARED, IMMIGRATION: Decision.CLEARED}, [CUSTOMS, IMMIGRATION], Status.CLEARED),
        (
            {CUSTOMS: Decision.CLEARED, IMMIGRATION: Decision.CLEARED},
            [CUSTOMS, IMMIGRATION, PORT_HEALTH],
            Status.IN_PROGRESS,
        ),
        (
            {CUSTOMS: Decision.CLEARED, IMMIGRATION: Decision.REFERRED},
            [CUSTOMS, IMMIGRATION],
            Status.REFERRED,
        ),
        ({CUSTOMS: Decision.REFUSED, IMMIGRATION: Decision.REFERRED}, [CUSTOMS, IMMIGRATION], Status.REFUSED),
    ],
)
def test_overall_status_follows_from_every_agencys_decision(decisions, required, expected):
    assert overall_status(decisions, required) == expected


@pytest.mark.parametrize("status", [Status.CLEARED, Status.REFUSED, Status.REFERRED, Status.IN_PROGRESS])
def test_a_decided_notification_may_be_decided_again_to_the_same_status(status):
    notification = Notification(status=status)
    assert set_status(notification, status) is False


# --- The core pipeline under the notification's status ------------------------------------------------


@given(st.lists(st.sampled_from(Status.values), max_size=30))
def test_every_path_of_moves_from_draft_reaches_only_allowed_states(requested):
    notification = Notification(status=Status.DRAFT)
    visited = [Status.DRAFT]
    for status in requested:
        before = notification.status
        try:
            set_status(notification, status)
        except InvalidTransition:
            assert status not in PIPELINE[before]
            assert notification.status == before
        else:
            assert status in PIPELINE[before]
            visited.append(status)
    assert set(visited) <= NOTIFICATION_STATUS.reachable(Status.DRAFT)
    assert all(later in PIPELINE[earlier] for earlier, later in itertools.pairwise(visited))


def test_every_status_is_reachable_from_draft_and_cancelled_leads_nowhere():
    assert NOTIFICATION_STATUS.reachable(Status.DRAFT) == set(Status.values)
    assert NOTIFICATION_STATUS.reachable(Status.CANCELLED) == {Status.CANCELLED}


def test_an_invalid_move_is_a_validation_error_in_words():
    with pytest.raises(ValidationError) as excinfo:
        set_status(Notification(status=Status.CANCELLED), Status.SUBMITTED)
    assert isinstance(excinfo.value, InvalidTransition)
    assert excinfo.value.messages == ["This notification is Cancelled: it cannot move to Submitted."]
