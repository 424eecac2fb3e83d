"""Masking's seals and hashes: what was sealed and hashed before the cheaper crypto stays usable, and a
failure while masking leaves no list half masked."""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from caribclear.accounts.choices import Role
from caribclear.accounts.models import User

from .. import protection, services
from ..models import Carrier, Traveller, TravellerDocument, TravelList
from .factories import ANA, IVAN, JOHN, paxlst

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _run_on_commit(django_capture_on_commit_callbacks: Any) -> Any:
    with django_capture_on_commit_callbacks(execute=True):
        yield


def file(carrier: Carrier, data: bytes) -> None:
    outcome = services.passenger_list_import(actor=None, data=data, carrier=carrier)
    assert outcome.ok, outcome.to_json()


def _age(days: int) -> None:
    when = timezone.now() - dt.timedelta(days=days)
    TravelList.objects.update(arrival_at=when, departure_at=when, filed_at=when)


def test_keyed_hashes_are_the_standard_hmac_so_earlier_masked_travellers_still_match() -> None:
    # Masked travellers keep only these hashes: a lookout must find those masked before this code too.
    keys = protection.Keys(b"a secret")
    key = protection._derive(b"a secret", "hash")
    for parts in [("born", "1980-02-15"), ("name", "IVAN PETROV"), ("document", "750012345"), ("",)]:
        assert keys.keyed_hash(*parts) == hmac.digest(key, "\x1f".join(parts).encode(), "sha256").hex()
    assert keys.name_hash("Petrov", "Ivan") == hmac.digest(key, b"name\x1fIVAN PETROV", "sha256").hex()
    assert protection.Keys(b"another").keyed_hash("born", "1980-02-15") != keys.keyed_hash(
        "born", "1980-02-15"
    )


def test_a_seal_opens_only_with_its_secret_and_unaltered() -> None:
    keys = protection.Keys(b"a secret")
    data = {"surname": "GARCÍA MÁRQUEZ", "documents": [{"number": "TA1234567"}]}
    sealed = keys.seal(data)
    assert b"GARC" not in sealed and b"TA1234567" not in sealed
    assert keys.unseal(sealed) == data
    assert keys.unseal(keys.seal(data)) == data and keys.seal(data) != sealed  # a fresh nonce each time
    altered = bytearray(sealed)
    altered[-20] ^= 1
    assert keys.unseal(bytes(altered)) == {}
    assert protection.Keys(b"another").unseal(sealed) == {}
    assert keys.unseal(b"") == {} and keys.unseal(sealed[:10]) == {}
    # A seal made before (Fernet) opens with the same secret, and only with it.
    old = keys.seal_fernet(data)
    assert old.startswith(b"gAAAAA") and keys.unseal(old) == data
    assert protection.Keys(b"another").unseal(old) == {}


def test_a_traveller_sealed_before_with_fernet_is_still_unmasked(
    ports: None, carrier: Carrier, make_user: Callable[..., User], barbados: Any
) -> None:
    officer = make_user(role=Role.OFFICER, administration=barbados, email="officer@bb.example")
    supervisor = make_user(role=Role.SUPERVISOR, administration=barbados, email="sup@bb.example")
    file(carrier, paxlst([IVAN]))
    _age(200)
    services.passenger_lists_mask()
    ivan = Traveller.objects.get()
    data = protection.unseal(ivan.sealed)
    assert data["surname"] == "PETROV" and data["documents"][0]["number"] == "750012345"
    # As masked by the code before: the same content, sealed with Fernet.
    Traveller.objects.filter(pk=ivan.pk).update(sealed=protection.keys().seal_fernet(data))
    ivan.refresh_from_db()
    request = services.unmask_request_create(
        actor=officer, traveller=ivan, reason="Lookout received today names this passenger"
    )
    services.unmask_request_decide(actor=supervisor, request=request, approve=True)
    assert services.unmasked_data(actor=officer, traveller=ivan) == data


def test_a_failure_while_sealing_leaves_no_list_half_masked(
    ports: None, carrier: Carrier, monkeypatch: pytest.MonkeyPatch
) -> None:
    file(carrier, paxlst([ANA, IVAN, JOHN]))
    _age(200)
    monkeypatch.setattr(services, "MASK_ROWS_PER_STATEMENT", 1)
    sealed = services._seal_rows
    calls: list[int] = []

    def failing(*args: Any) -> Any:
        calls.append(1)
        if len(calls) == 3:  # the first two travellers' statements have been written by then
            raise RuntimeError("sealing failed")
        return sealed(*args)

    monkeypatch.setattr(services, "_seal_rows", failing)
    with pytest.raises(RuntimeError, match="sealing failed"):
        services.passenger_lists_mask()
    assert not Traveller.objects.filter(masked_at__isnull=False).exists()
    assert set(Traveller.objects.values_list("surname", flat=True)) == {"GARCIA MARQUEZ", "PETROV", "SMITH"}
    assert not TravelList.objects.filter(masked_at__isnull=False).exists()
    assert not TravellerDocument.objects.filter(number="").exists()
    # Run again, it masks them all, each with a seal of their own.
    monkeypatch.setattr(services, "_seal_rows", sealed)
    assert services.passenger_lists_mask() == {"lists": 1, "travellers": 3}
    surnames = {protection.unseal(t.sealed)["surname"] for t in Traveller.objects.all()}
    assert surnames == {"GARCIA MARQUEZ", "PETROV", "SMITH"}
