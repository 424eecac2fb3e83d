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


def _derived(context: str) -> bytes:
    return hmac.new(_secret(), f"caribclear.passengers.{context}".encode(), hashlib.sha256).digest()


def normalise(text: str) -> str:
    """Upper-case ASCII letters and digits, words sorted: "García-Márquez, Ana" == "ANA GARCIA MARQUEZ"."""
    folded = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().upper()
    words = "".join(c if c.isalnum() else " " for c in folded).split()
    return " ".join(sorted(words))


def keyed_hash(*parts: str) -> str:
    message = "\x1f".join(parts).encode()
    return hmac.new(_derived("hash"), message, hashlib.sha256).hexdigest()


def name_hash(surname: str, given_names: str) -> str:
    return keyed_hash("name", normalise(f"{surname} {given_names}")) if (surname or given_names) else ""


def birth_hash(born: date | None) -> str:
    return keyed_hash("born", born.isoformat()) if born else ""


def document_hash(number: str) -> str:
    compact = "".join(c for c in (number or "").upper() if c.isalnum())
    return keyed_hash("document", compact) if compact else ""


def identity_of(*, surname: str, given_names: str, born: date | None, document: str, role: str) -> str:
    """One person on one list: by name and date of birth, else by document, else by name alone."""
    if (surname or given_names) and born:
        return keyed_hash("identity", role, normalise(f"{surname} {given_names}"), born.isoformat())
    if document:
        return keyed_hash("identity-doc", role, document_hash(document))
    return keyed_hash("identity-name", role, normalise(f"{surname} {given_names}"))


def _fernet() -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derived("seal")))


def seal(data: dict[str, Any]) -> bytes:
    return _fernet().encrypt(json.dumps(data, sort_keys=True, default=str).encode())


def unseal(token: bytes) -> dict[str, Any]:
    try:
        value: dict[str, Any] = json.loads(_fernet().decrypt(bytes(token)))
    except (InvalidToken, ValueError):
        return {}
    return value
