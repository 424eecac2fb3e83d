"""Demo data of the cargo app: a carrier with a container ship's CUSCAR manifest calling at Antigua and
Barbados (one consignee on a regional lookout: a hit and the red lane) and an air manifest, with Antigua's
cargo criteria and filing deadlines. Idempotent."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal

from django.utils import timezone

from caribclear.accounts.choices import Role
from caribclear.accounts.models import Administration, User
from caribclear.cargo import readers, services
from caribclear.cargo.choices import FilerKind, Mode
from caribclear.cargo.models import Filer, FilingDeadline, Manifest
from caribclear.cargo.samples import Bill, Call, container_number, cuscar
from caribclear.core.models import Declaration
from caribclear.risk.choices import Lane
from caribclear.risk.services import criterion_create, declaration_check, expected_rate_set
from caribclear.screening.choices import LookoutKind, Sharing
from caribclear.screening.services import lookout_create

CARRIER_EMAIL = "cargo@feeder.demo"
WATCHED = "ISLAND SHADOW TRADING LTD"


def seed_cargo_demo(*, officials: list[User], password: str, write: Callable[[str], object]) -> None:
    carrier = User.objects.filter(email__iexact=CARRIER_EMAIL).first()
    if carrier is None:
        carrier = User(
            username=CARRIER_EMAIL,
            email=CARRIER_EMAIL,
            first_name="Maria",
            last_name="Lines",
            role=Role.OPERATOR,
            email_confirmed_at=timezone.now(),
        )
        carrier.set_password(password)
        carrier.save()
    if Filer.objects.filter(organisation__trader_id="DO101234567").exists():
        write(f"  cargo carrier (filer)      {CARRIER_EMAIL}")
        return
    antigua = Administration.objects.get(code="AG")
    filer = services.filer_create(
        actor=None,
        name="Caribbean Feeder Lines",
        trader_id="DO101234567",
        kind=FilerKind.CARRIER,
        carrier_code="CFL",
        country="DO",
        administrator=carrier,
        administrations=Administration.objects.filter(code__in=["AG", "BB"]),
    )
    supervisor = next(o for o in officials if o.email == "supervisor@antigua.demo")
    for mode, hours in ((Mode.SEA, 24), (Mode.AIR, 0)):
        FilingDeadline.objects.get_or_create(
            administration=antigua, mode=mode, defaults={"hours_before_loading": hours}
        )
    lookout_create(
        actor=supervisor,
        kind=LookoutKind.ORGANIZATION,
        name=WATCHED,
        reason="Demo: consignee of cocaine concealed in rice bags seized in 2025 (fictitious).",
        sharing=Sharing.ALL,
        source="Demo data",
    )
    kind = "cargo.consignment"
    criterion_create(
        actor=supervisor,
        kind=kind,
        name="Party on a lookout",
        lane=Lane.RED,
        weight=50,
        documentation="A party of the consignment matches a lookout: examine the container on arrival.",
        conditions=[{"field": "lookout_hit", "operator": "is_yes", "values": []}],
    )
    criterion_create(
        actor=supervisor,
        kind=kind,
        name="Container without seals",
        lane=Lane.YELLOW,
        weight=20,
        documentation="A full container travels without a seal: check the documents and the seal on arrival.",
        conditions=[{"field": "container_without_seal", "operator": "is_yes", "values": []}],
    )
    criterion_create(
        actor=supervisor,
        kind=kind,
        name="Late filing",
        lane=Lane.YELLOW,
        weight=10,
        documentation="Filed after the deadline: check the documents before release.",
        conditions=[{"field": "late_filing", "operator": "is_yes", "values": []}],
    )
    # What the supervisor expects of a container ship's consignments, ASYCUDA style; the hit-rates page
    # compares it with the lanes the manifest's consignments really took.
    for lane, rate in ((Lane.RED, "5"), (Lane.YELLOW, "15"), (Lane.GREEN, "80")):
        expected_rate_set(actor=supervisor, kind=kind, lane=lane, rate=Decimal(rate))
    rng = random.Random(2026)
    departs = timezone.now() + dt.timedelta(hours=30)
    calls = [
        Call("DOPOP", "departure", departs),
        Call("AGSJO", "call", departs + dt.timedelta(hours=20)),
        Call("BBBGI", "arrival", departs + dt.timedelta(hours=44)),
    ]
    goods = [
        ("100630", "RICE, MILLED, IN BAGS OF 50 KG", "BG", 400, 20200),
        ("220840", "RUM IN GLASS BOTTLES 12X75CL", "BX", 1200, 18000),
        ("940360", "WOODEN FURNITURE FOR OFFICES", "PK", 60, 2400),
        ("847130", "PORTABLE COMPUTERS", "CT", 150, 900),
        ("040221", "MILK POWDER IN BAGS", "BG", 800, 20000),
    ]
    bills = [
        Bill(
            number=f"CFL612W{n:04d}",
            loading="DOPOP",
            discharge=port,
            consignor=(shipper, "SANTO DOMINGO", "DO"),
            consignee=(f"{port[:2]}{n:08d}", consignee, city, port[:2]),
            goods=[goods[(n - 1) % len(goods)]],
            container=container_number(rng),
            seal="" if n == 3 else f"CFL{n:06d}",
        )
        for n, (port, shipper, consignee, city) in enumerate(
            [
                ("AGSJO", "ARROCERA DEL CIBAO SRL", WATCHED, "ST JOHN'S"),
                ("AGSJO", "BRUGAL Y CIA", "ANTIGUA DISTILLERS LTD", "ST JOHN'S"),
                ("AGSJO", "MUEBLES DEL CARIBE SA", "HERITAGE QUAY FURNISHINGS", "ST JOHN'S"),
                ("AGSJO", "TECNOLOGIA DOMINICANA SRL", "WADADLI COMPUTERS LTD", "ST JOHN'S"),
                ("BBBGI", "LACTEOS DEL ESTE SA", "BAJAN FOODS INC", "BRIDGETOWN"),
                ("BBBGI", "ARROCERA DEL CIBAO SRL", "BRIDGETOWN WHOLESALE LTD", "BRIDGETOWN"),
            ],
            start=1,
        )
    ]
    data = cuscar(
        lrn="CFL-612W-2026",
        voyage="612W",
        vessel=("CARIBBEAN FEEDER", "9321483", "3FZA7", "PA"),
        carrier=("CFL", "CARIBBEAN FEEDER LINES"),
        calls=calls,
        bills=bills,
    )
    services.manifest_file(actor=carrier, data=data, filer=filer)
    services.manifest_register(actor=carrier, filer=filer, result=_air_manifest(), digest="demo-air")
    for declaration_id in Declaration.objects.filter(kind=kind).values_list("pk", flat=True):
        declaration_check(declaration_id=declaration_id)
    write(
        f"  cargo carrier (filer)      {CARRIER_EMAIL}  ({Manifest.objects.filter(filer=filer).count()} manifests)"
    )


def _air_manifest() -> readers.ManifestResult:
    flight_at = timezone.now() + dt.timedelta(hours=6)
    conveyance = readers.Conveyance(
        mode="air",
        carrier_code="CFL",
        carrier_name="CARIBBEAN FEEDER LINES AIR CARGO",
        voyage="CF318",
        date=flight_at,
        itinerary=[
            readers.PortCall("PRSJU", "departure", departure=flight_at),
            readers.PortCall("AGANU", "arrival", arrival=flight_at + dt.timedelta(hours=2)),
        ],
    )
    consignments = [
        readers.Consignment(
            bill_number=awb,
            places={"loading": "PRSJU", "discharge": "AGANU"},
            parties=[
                readers.Party(role="consignor", name=shipper, country="US"),
                readers.Party(role="consignee", name=consignee, country="AG"),
            ],
            goods=[
                readers.GoodsItem(
                    sequence="1",
                    hs_code=hs,
                    description=text,
                    package_count=packages,
                    package_kind="PK",
                    gross_mass_kg=Decimal(kg),
                    value=Decimal(value),
                    currency="USD",
                )
            ],
        )
        for awb, shipper, consignee, hs, text, packages, kg, value in [
            (
                "318-12345675",
                "MIAMI MEDICAL SUPPLY",
                "HOLBERTON HOSPITAL",
                "300490",
                "MEDICAMENTS IN MEASURED DOSES",
                12,
                "140",
                "18500",
            ),
            (
                "318-12345686",
                "FLORIDA PHONE WHOLESALE",
                "ST JOHN'S MOBILE LTD",
                "851713",
                "SMARTPHONES",
                20,
                "95",
                "42000",
            ),
        ]
    ]
    manifest = readers.Manifest(
        format="xffm", reference="CF318-AGANU", conveyance=conveyance, consignments=consignments
    )
    return readers.ManifestResult(format="xffm", manifests=[manifest])
