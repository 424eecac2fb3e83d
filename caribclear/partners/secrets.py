"""Credentials the platform keeps to sign in elsewhere (a partner's TAXII server), encrypted at rest with
Fernet (AES-128-CBC and HMAC-SHA256) under a key derived from CARIBCLEAR_PARTNER_SECRET_KEY, or the site's
secret key where that is not set. A database copy without the key reveals no credential."""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet() -> Fernet:
    configured = getattr(settings, "CARIBCLEAR_PARTNER_SECRET_KEY", "") or settings.SECRET_KEY
    key = hmac.new(str(configured).encode(), b"caribclear.partners.credentials", hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(secret: str) -> bytes:
    return _fernet().encrypt(secret.encode())


def unseal(sealed: bytes) -> str:
    """The secret; ValueError when it cannot be read (the key changed since it was sealed)."""
    try:
        return _fernet().decrypt(bytes(sealed)).decode()
    except InvalidToken:
        raise ValueError("The stored credentials cannot be read with this site's key.") from None
