"""Core's own retention rule: stored API responses (Idempotency-Key), 24 hours, the same for everyone."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .idempotency import idempotency_purge
from .retention import RetentionRule, register


def register_core_retention() -> None:
    register(
        RetentionRule(
            key="core.idempotency",
            label=_("Stored answers to API requests (Idempotency-Key)"),
            description=_("Deleted after 24 hours: a retry after that is a new request."),
            default_days=1,
            apply=idempotency_purge,
            per_administration=False,
        )
    )
