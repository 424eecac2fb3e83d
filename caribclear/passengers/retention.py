"""The passengers app's retention rules, in the platform's registry (`core.retention`), so that
`manage.py apply_retention` masks and deletes passenger data with everything else, audited the same way.

Each administration sets its own periods in months and years on the passenger data retention page (its
supervisors: `passengers.RetentionPolicy`, 6 months and 5 years unless it chose otherwise, with the rule
that lists are not deleted before they are masked). So the rules are not set on the administrators' page
(`per_administration` is false) and name the page where they are; the registry's default days are the
defaults of that page.

- ``passengers.mask``: names, documents, dates of birth, reservation, seat and address of lists past the
  masking age are masked (keyed hashes and a sealed copy kept: `services.passenger_lists_mask`).
- ``passengers.delete``: lists past the deletion age are deleted with their screening, except travellers
  linked to a case (`services.passenger_lists_purge`).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from caribclear.core.retention import Policy, RetentionRule, register

from .services import passenger_lists_mask, passenger_lists_purge


def travellers_mask(policy: Policy, *, dry_run: bool = False) -> int:
    """The travellers masked (or, in a dry run, due to be)."""
    return passenger_lists_mask(now=policy.now, dry_run=dry_run)["travellers"]


def travellers_delete(policy: Policy, *, dry_run: bool = False) -> int:
    """The travellers deleted (or, in a dry run, due to be)."""
    return passenger_lists_purge(now=policy.now, dry_run=dry_run)["travellers"]


def register_passenger_retention() -> None:
    register(
        RetentionRule(
            key="passengers.mask",
            label=_("Passengers and crew on advance passenger lists: personal data"),
            description=_(
                "Masked after the months each administration sets for passenger data (6 unless it chose "
                "otherwise): names, documents and dates of birth are kept only as keyed hashes."
            ),
            default_days=183,
            min_days=31,
            max_days=60 * 31,
            apply=travellers_mask,
            per_administration=False,
            set_on="passengers:retention",
        )
    )
    register(
        RetentionRule(
            key="passengers.delete",
            label=_("Advance passenger lists"),
            description=_(
                "Deleted after the years each administration sets for passenger data (5 unless it chose "
                "otherwise), except travellers linked to a case."
            ),
            default_days=5 * 365,
            min_days=365,
            max_days=10 * 366,
            apply=travellers_delete,
            per_administration=False,
            set_on="passengers:retention",
        )
    )
