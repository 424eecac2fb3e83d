"""Failed sign-ins are counted per account, whatever the spelling of the e-mail address, and per address.

Accounts are looked up by e-mail without regard to case (`CaribClearUserManager.get_by_natural_key`), so
the lock-out must count `Skipper@x` and `skipper@X ` as the same account; django-axes calls
`normalised_username` (AXES_USERNAME_CALLABLE) for every attempt. The second sign-in step (an
authenticator code) reports its failures to the same counter (`second_step_failed`).

Beside the per-account lock-out, one address may fail at most `CARIBCLEAR_LOGIN_IP_FAILURE_LIMIT` times
within the lock-out period, over all accounts (a guesser spreading over many accounts); the limit is
high because a marina or a port office puts many people behind one public address. Registrations are
limited per address too (`CARIBCLEAR_REGISTRATION_IP_LIMIT` an hour).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone

from caribclear.core.clientip import client_ip


def normalise_email(value: Any) -> str:
    return str(value or "").strip().lower()


def normalised_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    if credentials and credentials.get(settings.AXES_USERNAME_FORM_FIELD) is not None:
        return normalise_email(credentials.get(settings.AXES_USERNAME_FORM_FIELD))
    data = getattr(request, "POST", None) or {}
    return normalise_email(data.get(settings.AXES_USERNAME_FORM_FIELD, ""))


def account_locked(request: HttpRequest, email: str) -> bool:
    return AxesProxyHandler.is_locked(request, {settings.AXES_USERNAME_FORM_FIELD: email})


def second_step_failed(request: HttpRequest, email: str) -> None:
    """A wrong authenticator code counts as a failed sign-in of that account."""
    user_login_failed.send(
        sender=__name__, credentials={settings.AXES_USERNAME_FORM_FIELD: email}, request=request
    )


def address_locked(request: HttpRequest) -> bool:
    limit = settings.CARIBCLEAR_LOGIN_IP_FAILURE_LIMIT
    if limit <= 0:
        return False
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    failures = AccessAttempt.objects.filter(ip_address=client_ip(request), attempt_time__gte=since).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    return (failures or 0) >= limit


REGISTRATION_ACTIONS = ("account.register", "account.register_existing")


def registrations_exhausted(request: HttpRequest) -> bool:
    """Registrations from one address in the last hour (from the audit trail, so every process and
    machine counts the same) reached CARIBCLEAR_REGISTRATION_IP_LIMIT."""
    from caribclear.core.models import AuditEvent

    limit = settings.CARIBCLEAR_REGISTRATION_IP_LIMIT
    if limit <= 0:
        return False
    since = timezone.now() - timedelta(hours=1)
    recent = AuditEvent.objects.filter(at__gte=since, action__in=REGISTRATION_ACTIONS, ip=client_ip(request))
    return recent.count() >= limit
