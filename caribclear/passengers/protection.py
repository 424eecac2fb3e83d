"""Protecting travellers' personal data: keyed hashes (for matching without the data) and sealing.

- ``identity_of`` is the key that keeps one row per person per list across resent and changed lists.
- ``name_hash``, ``birth_hash``, ``document_hash``: keyed HMAC-SHA256 of normalised values, kept when a
  list is masked, so a lookout naming a person (or a document number) still finds them.
- ``seal`` / ``unseal``: the masked fields, encrypted (Fernet: AES-128-CBC with HMAC-SHA256); only an
  approved unmasking opens them.

The keys come from ``CARIBCLEAR_PASSENGER_DATA_KEY`` (a setting; derived from ``SECRET_KEY`` when unset),
so a copy of the database alone neither reverses the hashes nor opens the seals.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import unicodedata
from datetime import date
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
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


class Keys:
    """The keys of one secret, derived once: masking a month of lists hashes and seals millions of values,
    so a batch takes ``keys()`` once instead of reading the settings and deriving the keys per value."""

    def __init__(self, secret: bytes) -> None:
        self._hash = _derive(secret, "hash")
        self._fernet = Fernet(base64.urlsafe_b64encode(_derive(secret, "seal")))

    def keyed_hash(self, *parts: str) -> str:
        return hmac.digest(self._hash, "\x1f".join(parts).encode(), "sha256").hex()

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
        return self._fernet.encrypt(json.dumps(data, sort_keys=True, default=str).encode())

    def unseal(self, token: bytes) -> dict[str, Any]:
        try:
            value: dict[str, Any] = json.loads(self._fernet.decrypt(bytes(token)))
        except (InvalidToken, ValueError):
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
