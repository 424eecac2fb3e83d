"""Property test of the rule that decides when a handling change needs a second official."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from ..choices import TLP_RANK, PersonalField
from ..services import widening_reasons

ids = st.frozensets(st.integers(min_value=1, max_value=6), max_size=6)
handling = st.fixed_dictionaries(
    {
        "tlp": st.sampled_from(list(TLP_RANK)),
        "release_to_all": st.booleans(),
        "released_to": ids,
        "personal_released_to": ids,
        "recipients": ids,
        "legal_basis": st.sampled_from(["", "CCLEC MoU", "Treaty art. 4"]),
        "personal_fields": st.frozensets(st.sampled_from(list(PersonalField.values))),
    }
)


def _widens(before: dict[str, Any], after: dict[str, Any]) -> bool:
    return (
        TLP_RANK[after["tlp"]] < TLP_RANK[before["tlp"]]
        or (after["release_to_all"] and not before["release_to_all"])
        or not after["released_to"] <= before["released_to"]
        or not after["recipients"] <= before["recipients"]
        or not after["personal_released_to"] <= before["personal_released_to"]
        or not before["personal_fields"] <= after["personal_fields"]
        or (after["legal_basis"] != before["legal_basis"] and bool(after["personal_released_to"]))
    )


@given(before=handling, after=handling)
def test_a_change_needs_approval_exactly_when_it_widens_what_is_shared(
    before: dict[str, Any], after: dict[str, Any]
) -> None:
    assert bool(widening_reasons(before, after)) is _widens(before, after)


@given(state=handling)
def test_keeping_or_narrowing_never_needs_approval(state: dict[str, Any]) -> None:
    assert widening_reasons(state, state) == []
    narrower = {
        **state,
        "tlp": "RED",
        "release_to_all": False,
        "released_to": frozenset(),
        "recipients": frozenset(),
        "personal_released_to": frozenset(),
        "personal_fields": frozenset(PersonalField.values),
    }
    assert widening_reasons(state, narrower) == []
