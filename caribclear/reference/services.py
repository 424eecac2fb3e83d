"""Loading reference data: the built-in ports of entry and the official UN/LOCODE code list."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from caribclear.accounts.members import MEMBERS
from caribclear.accounts.models import Administration

from .models import Port
from .seed import PORTS_OF_ENTRY
from .territories import CLEARED_BY, administration_code_for
from .timezones import zone_name_for

_COORD = re.compile(r"^(\d{2})(\d{2})([NS])\s+(\d{3})(\d{2})([EW])$")


class UnlocodeFormatError(ValueError):
    pass


@dataclass(frozen=True)
class UnlocodeRow:
    locode: str
    country: str
    name: str
    name_ascii: str
    subdivision: str
    status: str
    function: str
    latitude: Decimal | None
    longitude: Decimal | None


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def parse_coordinates(text: str) -> tuple[Decimal | None, Decimal | None]:
    """UN/LOCODE writes coordinates as ``ddmmN dddmmW``; returns decimal degrees."""
    match = _COORD.match(text.strip())
    if not match:
        return None, None
    lat = Decimal(match[1]) + Decimal(match[2]) / 60
    lon = Decimal(match[4]) + Decimal(match[5]) / 60
    lat = -lat if match[3] == "S" else lat
    lon = -lon if match[6] == "W" else lon
    return round(lat, 5), round(lon, 5)


def _decode(raw: bytes) -> str:
    # Releases before 2023 are ISO 8859-1; newer ones UTF-8.
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def parse_unlocode_csv(raw: bytes, *, source: str = "file") -> Iterator[UnlocodeRow]:
    """Rows of one UNECE code-list CSV file (``CodeListPart1.csv`` ...), skipping country headers,
    removed entries (change indicator X) and cross-references (=)."""
    reader = csv.reader(io.StringIO(_decode(raw)))
    for line_no, row in enumerate(reader, start=1):
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) < 11:
            raise UnlocodeFormatError(
                f"{source}, line {line_no}: expected at least 11 columns of the UN/LOCODE layout, found {len(row)}."
            )
        change, country, location = row[0].strip(), row[1].strip().upper(), row[2].strip().upper()
        if not location or change in {"X", "="}:
            continue
        if not re.fullmatch(r"[A-Z]{2}", country) or not re.fullmatch(r"[A-Z2-9]{3}", location):
            raise UnlocodeFormatError(f"{source}, line {line_no}: '{country}{location}' is not a UN/LOCODE.")
        lat, lon = parse_coordinates(row[10])
        name = row[3].strip()
        yield UnlocodeRow(
            locode=country + location,
            country=country,
            name=name,
            name_ascii=(row[4].strip() or _ascii(name)),
            subdivision=row[5].strip()[:3],
            status=row[6].strip()[:2],
            function=row[7].strip()[:8],
            latitude=lat,
            longitude=lon,
        )


def member_territories() -> set[str]:
    return {member.code for member in MEMBERS} | set(CLEARED_BY)


@transaction.atomic
def unlocode_load(
    *, rows: Iterable[UnlocodeRow], countries: set[str] | None = None, batch_size: int = 2000
) -> int:
    """Insert or update ports from parsed rows; the port-of-entry flag set locally is kept."""
    administrations = {a.code: a.pk for a in Administration.objects.all()}
    count = 0
    batch: list[Port] = []

    def flush() -> None:
        Port.objects.bulk_create(
            batch,
            update_conflicts=True,
            unique_fields=["locode"],
            update_fields=[
                "country",
                "name",
                "name_ascii",
                "subdivision",
                "function",
                "status",
                "latitude",
                "longitude",
                "administration",
            ],
        )
        batch.clear()

    for row in rows:
        if countries is not None and row.country not in countries:
            continue
        batch.append(
            Port(
                locode=row.locode,
                country=row.country,
                name=row.name,
                name_ascii=row.name_ascii,
                subdivision=row.subdivision,
                function=row.function,
                status=row.status,
                latitude=row.latitude,
                longitude=row.longitude,
                time_zone=zone_name_for(row.country, row.subdivision),
                administration_id=administrations.get(administration_code_for(row.country)),
            )
        )
        count += 1
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    return count


def unlocode_load_files(*, paths: Iterable[Path], all_countries: bool = False) -> int:
    countries = None if all_countries else member_territories()
    total = 0
    for path in paths:
        total += unlocode_load(
            rows=parse_unlocode_csv(path.read_bytes(), source=path.name), countries=countries
        )
    return total


@transaction.atomic
def ports_of_entry_seed() -> int:
    """Create the built-in ports of entry (or mark existing UN/LOCODE entries as ports of entry)."""
    administrations = {a.code: a for a in Administration.objects.all()}
    created = 0
    for seed in PORTS_OF_ENTRY:
        country = seed.locode[:2]
        _port, was_created = Port.objects.update_or_create(
            locode=seed.locode,
            defaults={
                "is_port_of_entry": True,
                "administration": administrations.get(administration_code_for(country)),
            },
            create_defaults={
                "country": country,
                "name": seed.name,
                "name_ascii": _ascii(seed.name),
                "function": "1",
                "time_zone": zone_name_for(country),
                "is_port_of_entry": True,
                "administration": administrations.get(administration_code_for(country)),
            },
        )
        created += int(was_created)
    return created
