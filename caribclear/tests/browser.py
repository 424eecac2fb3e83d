"""Helpers shared by the browser tests (real headless Chromium, see caribclear/conftest.py)."""

from __future__ import annotations

from typing import Any

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from caribclear.accounts.models import User

# The password `make_user` gives every account it makes.
TEST_PASSWORD = "correct horse battery staple"


def sign_in_official(page: Any, base: str, user: User, password: str = TEST_PASSWORD) -> None:
    """Sign an official in as a person does: e-mail and password, then the authenticator's current code."""
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, defaults={"name": "phone", "confirmed": True}
    )
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", password)
    page.click("button[type=submit]:has-text('Continue')")
    page.wait_for_url("**/accounts/login/verify/**")
    device.refresh_from_db()
    page.fill("#id_code", f"{totp(device.bin_key):06d}")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert "/accounts/login" not in page.url
