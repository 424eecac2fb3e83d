from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.tokens import PasswordResetTokenGenerator


class EmailConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """A link token that stops working once the address is confirmed (or the password changes)."""

    key_salt = "caribclear.accounts.EmailConfirmationTokenGenerator"

    def _make_hash_value(self, user: AbstractBaseUser, timestamp: int) -> str:
        confirmed = getattr(user, "email_confirmed_at", None)
        return f"{user.pk}{user.password}{timestamp}{getattr(user, 'email', '')}{confirmed}"


email_confirmation_token = EmailConfirmationTokenGenerator()
