"""Protecting travellers' personal data: keyed hashes (for matching without the data) and sealing.

- ``identity_of`` is the key that keeps one row per person per list across resent and changed lists.
- ``name_hash``, ``birth_hash``, ``document_hash``: keyed HMAC-SHA256 of normalised values, kept when a
  list is masked, so a lookout naming a person (or a document number) still finds them.
- ``seal`` / ``unseal``: the masked fields, encrypted with authentication; only an approved unmasking opens
  them. Sealed now with AES-256-GCM (a version byte, a random 96-bit nonce, the ciphertext and its tag:
  about a tenth of Fernet's CPU, which mattered when masking a month of lists); seals made before with
  Fernet (AES-128-CBC with HMAC-SHA256, base64) are still opened, with the same secret.

The keys come from ``CARIBCLEAR_PASSENGER_DATA_KEY`` (a setting; derived from ``SECRET_KEY`` when unset),
so a copy of the database alone neither reverses the hashes nor opens the seals.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import os
import unicodedata
from datetime import date
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings


def _secret() -> bytes:
    configured = getattr(settings, "CARIBCLEAR_PASSENGER_DATA_KEY", "") or settings.SECRET_KEY
    return str(configured).encode()


def _derive(secret: bytes, context: str) -> bytes:
    return hmac.new(secret, f"caribclear.passengers.{context}".encode(), hashlib.sha256).digest()


#: ASCII characters other than letters and digits, each read as a space.
_SEPARATORS = {i: " " for i in range(128) if not chr(i).isalnum()}


def normalise(text: str) -> str:
    """Upper-case ASCII letters and digits, words sorted: "García-Márquez, Ana" == "ANA GARCIA MARQUEZ"."""
    folded = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().upper()
    return " ".join(sorted(folded.translate(_SEPARATORS).split()))


#: The first byte of an AES-GCM seal. A Fernet token is base64 text whose first byte is ``g`` (its version
#: byte 0x80 encoded), so the two never look alike.
_AEAD_VERSION = b"\x01"
_NONCE_BYTES = 12


class Keys:
    """The keys of one secret, derived once: masking a month of lists hashes and seals millions of values,
    so a batch takes ``keys()`` once instead of reading the settings and deriving the keys per value."""

    def __init__(self, secret: bytes) -> None:
        # HMAC-SHA256 with the key set up once: each hash copies that state (``hmac.digest`` sets the key up
        # again on every call, a third of its cost at this size). The same digests as before.
        self._hmac = hmac.new(_derive(secret, "hash"), digestmod=hashlib.sha256)
        self._fernet = Fernet(base64.urlsafe_b64encode(_derive(secret, "seal")))
        self._aead = AESGCM(_derive(secret, "seal-aead"))

    def keyed_hash(self, *parts: str) -> str:
        h = self._hmac.copy()
        h.update("\x1f".join(parts).encode())
        return h.hexdigest()

    def name_hash(self, surname: str, given_names: str) -> str:
        if not (surname or given_names):
            return ""
        return self.keyed_hash("name", normalise(f"{surname} {given_names}"))

    def birth_hash(self, born: date | None) -> str:
        return self.keyed_hash("born", born.isoformat()) if born else ""

    def document_hash(self, number: str) -> str:
        compact = "".join(filter(str.isalnum, (number or "").upper()))
        return self.keyed_hash("document", compact) if compact else ""

    def seal(self, data: dict[str, Any]) -> bytes:
        """``data`` as JSON, encrypted and authenticated with AES-256-GCM under a random nonce (96 bits:
        NIST's bound for random nonces, 2**32 seals a key, is a century of the region's passengers)."""
        nonce = os.urandom(_NONCE_BYTES)
        plain = json.dumps(data, sort_keys=True, default=str, separators=(",", ":")).encode()
        return _AEAD_VERSION + nonce + self._aead.encrypt(nonce, plain, _AEAD_VERSION)

    def seal_fernet(self, data: dict[str, Any]) -> bytes:
        """A seal as made before AES-GCM (Fernet): kept to prove those stay readable."""
        return self._fernet.encrypt(json.dumps(data, sort_keys=True, default=str).encode())

    def unseal(self, token: bytes) -> dict[str, Any]:
        """What ``seal`` sealed (AES-GCM, or Fernet for older seals); ``{}`` when it cannot be opened with
        this secret (another key, or the bytes were altered)."""
        token = bytes(token)
        try:
            if token[:1] == _AEAD_VERSION:
                nonce, sealed = token[1 : 1 + _NONCE_BYTES], token[1 + _NONCE_BYTES :]
                plain = self._aead.decrypt(nonce, sealed, _AEAD_VERSION)
            else:
                plain = self._fernet.decrypt(token)
            value: dict[str, Any] = json.loads(plain)
        except (InvalidToken, InvalidTag, ValueError):
            return {}
        return value


@functools.lru_cache(maxsize=4)
def _keys_for(secret: bytes) -> Keys:
    return Keys(secret)


def keys() -> Keys:
    """The keys of the configured secret (cached by the secret itself, so a changed setting takes effect)."""
    return _keys_for(_secret())


def keyed_hash(*parts: str) -> str:
    return keys().keyed_hash(*parts)


def name_hash(surname: str, given_names: str) -> str:
    return keys().name_hash(surname, given_names)


def birth_hash(born: date | None) -> str:
    return keys().birth_hash(born)


def document_hash(number: str) -> str:
    return keys().document_hash(number)


def identity_of(*, surname: str, given_names: str, born: date | None, document: str, role: str) -> str:
    """One person on one list: by name and date of birth, else by document, else by name alone."""
    k = keys()
    if (surname or given_names) and born:
        return k.keyed_hash("identity", role, normalise(f"{surname} {given_names}"), born.isoformat())
    if document:
        return k.keyed_hash("identity-doc", role, k.document_hash(document))
    return k.keyed_hash("identity-name", role, normalise(f"{surname} {given_names}"))


def seal(data: dict[str, Any]) -> bytes:
    return keys().seal(data)


def unseal(token: bytes) -> dict[str, Any]:
    return keys().unseal(token)
