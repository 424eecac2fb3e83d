"""Registering a filing stores every consignment's parties, goods items and containers as the file gives
them (written as rows in bulk: COPY on PostgreSQL), in the file's order, with decimals, dangerous-goods
numbers, seals and the goods' containers as read, and the same when a consignment is amended."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from caribclear.cargo import services
from caribclear.cargo.choices import PartyRole
from caribclear.cargo.models import Consignment, Manifest
from caribclear.cargo.readers import Consignment as ReadConsignment

from .conftest import shared_file

pytestmark = pytest.mark.django_db

ROLES = {r.value for r in PartyRole}


def _expected(cons: ReadConsignment) -> dict[str, Any]:
    """What an officer should find of a consignment read from the file."""
    return {
        "parties": [
            (
                p.role if p.role in ROLES else PartyRole.OTHER,
                p.name[:200],
                ", ".join(x for x in (p.address, p.postcode, p.city) if x)[:300],
                p.country[:2].upper(),
                p.identifier[:40],
            )
            for p in cons.parties
            if p.name
        ],
        "goods": [
            (
                int(g.sequence) if g.sequence.isdigit() else n,
                g.hs_code.replace(".", "").replace(" ", "")[:10],
                g.description[:512],
                g.package_count,
                g.package_kind[:3],
                None if g.gross_mass_kg is None else Decimal(g.gross_mass_kg).quantize(Decimal("0.001")),
                g.un_number[:4],
                None if g.value is None else Decimal(g.value).quantize(Decimal("0.01")),
                g.currency[:3].upper(),
                list(g.containers),
            )
            for n, g in enumerate(cons.goods, start=1)
        ],
        "containers": [
            (b.number.replace(" ", "")[:17], b.size_type[:4], b.full, list(b.seals)) for b in cons.containers
        ],
    }


def _stored(consignment: Consignment) -> dict[str, Any]:
    return {
        "parties": list(
            consignment.parties.order_by("pk").values_list("role", "name", "address", "country", "identifier")
        ),
        "goods": [
            (
                g.sequence,
                g.hs_code,
                g.description,
                g.package_count,
                g.package_kind,
                None if g.gross_mass_kg is None else Decimal(g.gross_mass_kg).quantize(Decimal("0.001")),
                g.un_number,
                None if g.value is None else Decimal(g.value).quantize(Decimal("0.01")),
                g.currency,
                g.containers,
            )
            for g in consignment.goods.order_by("pk")
        ],
        "containers": list(
            consignment.containers.order_by("pk").values_list("number", "size_type", "full", "seals")
        ),
    }


def _check(manifest: Manifest, read: list[ReadConsignment]) -> int:
    stored = {c.bill_number: c for c in manifest.consignments.all()}
    assert len(stored) == len(read)
    rows = 0
    for cons in read:
        expected = _expected(cons)
        assert _stored(stored[cons.bill_number[:70]]) == expected, cons.bill_number
        rows += sum(len(v) for v in expected.values())
    return rows


def test_a_ships_filing_stores_every_party_goods_item_and_container_as_read(
    antigua, barbados, filer, carrier_user, ship_file
):
    data = ship_file(30, seed=5)
    read = services.read_file(data).manifests[0].consignments
    manifest = services.manifest_file(actor=carrier_user, data=data).manifests[0]
    rows = _check(manifest, read)
    assert rows >= 30 * 5
    goods = [g for c in read for g in c.goods]
    assert any(g.containers for g in goods) and any(b.seals for c in read for b in c.containers)
    assert all(g.gross_mass_kg is not None for g in goods)


@pytest.mark.parametrize("name", ["cuscar_d03b_ung_group.edi", "ifcsum_d01b.edi"])
def test_a_carriers_real_file_stores_its_rows_as_read(antigua, barbados, filer, carrier_user, name):
    data = shared_file("edifact", name)
    result = services.read_file(data)
    filed = services.manifest_file(actor=carrier_user, data=data)
    for manifest, message in zip(filed.manifests, result.manifests, strict=True):
        _check(manifest, message.consignments)


def test_an_amended_consignment_stores_its_new_rows(antigua, barbados, filer, carrier_user, ship_file):
    services.manifest_file(actor=carrier_user, data=ship_file(3, seed=7))
    data = ship_file(3, seed=8)
    read = services.read_file(data).manifests[0].consignments
    filed = services.manifest_file(actor=carrier_user, data=data)
    (manifest,) = filed.amended
    _check(manifest, read)
