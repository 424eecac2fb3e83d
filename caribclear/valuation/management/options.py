"""What the valuation load commands share: the administration named on the command line."""

from __future__ import annotations

from django.core.management.base import CommandError

from caribclear.accounts.models import Administration


def administration_named(code: str, *, check: bool = False, stored: str = "") -> Administration | None:
    """The administration whose ISO ``code`` was given; None when none was given and the run only checks
    (``check``). A command that stores ``stored`` (its records, in words) needs one."""
    if code:
        administration = Administration.objects.filter(code=code.upper()).first()
        if administration is None:
            raise CommandError(f"no administration with the code {code!r}")
        return administration
    if not check:
        raise CommandError(f"--administration is needed to store {stored} (or use --check)")
    return None
