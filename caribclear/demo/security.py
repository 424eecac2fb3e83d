"""The demo's part of issue 15: the retention rules run once (as cron runs them nightly in production),
and the sign-in lines say where tokens and retention periods are managed."""

from __future__ import annotations

from collections.abc import Callable

from caribclear.core.retention import apply_all


def seed_security_demo(*, write: Callable[[str], object]) -> None:
    outcomes = apply_all()
    write("Personal data past its retention period (manage.py apply_retention, nightly in production):")
    for outcome in outcomes:
        write(f"  {outcome.rule.key}: {outcome.count} record(s) removed or minimised")
    write("  admin@antigua.demo sets the periods under Officials > How long personal data is kept.")
    write("API tokens (any account, under API tokens) expire and carry scopes: read, file, and intel for")
    write("  officials signed in with their authenticator code.")
