"""Writes of the cargo app: filing, amending and invalidating manifests; referrals, answers, arrival,
examination and release of consignments. Every service runs in one transaction, moves statuses only
through the pipelines, writes the audit trail, and sends the declaration events after commit.

A file is registered whole or not at all: the reader's errors, and ours (HS codes, container check
digits, vague descriptions, fields an amendment may not change), are all returned at once, each with
where it was found, and nothing is stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.iso7064 import mod_37_2

from caribclear.accounts.models import Administration, Organisation, User
from caribclear.accounts.selectors import active_members
from caribclear.accounts.services import organisation_create, organisation_files
from caribclear.core import bulk
from caribclear.core.audit import audit_record
from caribclear.core.declarations import (
    declaration_amended,
    declaration_cancelled,
    declaration_filed,
    send_on_commit,
)
from caribclear.core.jobs import enqueue_with_transaction
from caribclear.core.models import Declaration
from caribclear.core.uploads import UploadLimits, UploadRefused, iter_rows
from caribclear.edifact.detect import detect_format
from caribclear.edifact.gcpause import collector_paused
from caribclear.edifact.model import Issue, Where
from caribclear.risk.services import CHECK_BATCH
from caribclear.risk.tasks import check_declaration_task, check_declarations_task

from . import readers, selectors
from .checks import Nomenclature, deadline_hours, is_late
from .choices import (
    AMENDABLE,
    ExaminationResult,
    Level,
    ManifestStatus,
    Mode,
    PartyRole,
    ReferralKind,
    ReferralStatus,
    Status,
)
from .declaration import KEY
from .models import (
    Consignment,
    Container,
    Examination,
    Filer,
    GoodsItem,
    Manifest,
    ManifestVersion,
    Party,
    PortCall,
    Referral,
)
from .pipeline import CONSIGNMENT_STATUS, MANIFEST_STATUS
from .tasks import notify_on_commit, webhook_task
from .webhooks import check_url

MRN_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#: What an amendment may not change (ICS2): the filer must invalidate the filing and file again.
NON_AMENDABLE_MANIFEST = {
    "mode": "mode of transport",
    "imo": "IMO number",
    "voyage": "voyage or flight number",
}
NON_AMENDABLE_CONSIGNMENT = {"place_of_discharge": "place of discharge"}
_ROLES = {r.value for r in PartyRole}


class FilingRejected(ValidationError):
    """A file or filing that is not registered; ``issues`` are every error (and the warnings)."""

    def __init__(self, errors: list[Issue], warnings: list[Issue] | None = None, fmt: str = "") -> None:
        self.errors, self.warnings, self.format = errors, warnings or [], fmt
        super().__init__("; ".join(f"{e.message} ({e.where})" for e in errors[:20]) or "rejected")


@dataclass
class Filed:
    """What one filing registered: the manifests (new or amended) and the warnings."""

    format: str
    manifests: list[Manifest] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    amended: list[Manifest] = field(default_factory=list)
    invalidated: list[Manifest] = field(default_factory=list)
    #: The consignments of each new manifest (by its pk), as registered: its answer needs no reading back.
    registered: dict[int, list[Consignment]] = field(default_factory=dict)


# --- References -----------------------------------------------------------------------------------------
def new_mrn(country: str, *, on: dt.date | None = None) -> str:
    """An 18-character movement reference like ICS2's: year, country, 13 random characters and an ISO 7064
    MOD 37-2 check character (a mistyped character or swapped neighbours never gives another valid MRN)."""
    year = f"{(on or timezone.now().date()).year % 100:02d}"
    while True:
        body = year + (country or "XC").upper()[:2] + "".join(secrets.choice(MRN_ALPHABET) for _ in range(13))
        check = mod_37_2.calc_check_digit(body)
        if check != "*":
            return body + check


def mrn_is_valid(text: str) -> bool:
    compact = text.strip().upper()
    return len(compact) == 18 and compact.isalnum() and mod_37_2.is_valid(compact)


# --- Who files ------------------------------------------------------------------------------------------
def filer_of(user: User) -> Filer:
    """The filer an operator files for (the cargo profile of their organisation)."""
    filer = selectors.filer_for(user) if user.is_operator else None
    if filer is None:
        raise PermissionDenied
    return filer


def is_filer_user(user: User, filer_id: int) -> bool:
    """Whether the account is a user of the filer's organisation."""
    return Filer.objects.filter(pk=filer_id, organisation__members__user_id=user.pk).exists()


@transaction.atomic
def filer_create(
    *,
    actor: User | None,
    name: str = "",
    trader_id: str = "",
    kind: str,
    carrier_code: str = "",
    country: str = "",
    administrator: User | None = None,
    administrations: Iterable[Administration] = (),
    organisation: Organisation | None = None,
) -> Filer:
    """Make an organisation a cargo filer: a new organisation (named, with its first administrator), or
    an existing one (an airline that files passenger lists starts filing air cargo) with its users."""
    if organisation is None:
        if administrator is None:
            raise ValidationError(_("A new filer needs its first administrator."))
        organisation = organisation_create(
            actor=actor,
            name=name,
            administrator=administrator,
            trader_id=trader_id,
            carrier_code=carrier_code,
            country=country,
            administrations=administrations,
        )
    elif Filer.objects.filter(organisation=organisation).exists():
        raise ValidationError(_("This organisation already files cargo manifests."))
    organisation_files(organisation=organisation, cargo=True)
    filer = Filer.objects.create(organisation=organisation, kind=kind)
    audit_record(actor=actor, action="cargo.filer.create", obj=filer, summary=organisation.name)
    return filer


@transaction.atomic
def filer_webhook_set(*, actor: User, url: str) -> str:
    """A filer's administrator sets (or with an empty URL removes) the webhook; returns the new signing
    secret, shown once."""
    filer = selectors.filer_admin_of(actor)
    if filer is None:
        raise PermissionDenied
    if url:
        check_url(url)
    filer.webhook_url = url
    filer.webhook_secret = secrets.token_hex(32) if url else ""
    filer.save(update_fields=["webhook_url", "webhook_secret", "updated_at"])
    audit_record(actor=actor, action="cargo.filer.webhook", obj=filer, summary=url[:200])
    return filer.webhook_secret


# --- Reading and checking a file ------------------------------------------------------------------------
#: The CSV/XLSX template is for small filers: a few thousand goods items at most (larger manifests come as
#: EDIFACT or XML, or through the API).
TABLE_LIMITS = UploadLimits(
    max_bytes=10 * 1024 * 1024,
    max_rows=5_001,
    max_blank_rows=200,
    max_columns=len(readers.table.COLUMNS) + 20,
    max_cell_chars=600,
)


def read_file(data: bytes, fmt: str = "auto") -> readers.ManifestResult:
    """Read a manifest file with the readers, validating AWMDS against the schema in the settings; a CSV
    or XLSX template is read into rows here (with the platform's bounds) and then by the table reader."""
    if fmt == "auto" and (detected := detect_format(data, family="cargo")) in ("csv", "xlsx"):
        fmt = detected
    if fmt in ("csv", "xlsx"):
        return read_table_file(data, fmt)
    schema = getattr(settings, "CARIBCLEAR_AWMDS_SCHEMA", "") or None
    return readers.read_manifest(data, fmt, awmds_schema=schema)


def read_table_file(data: bytes, fmt: str) -> readers.ManifestResult:
    try:
        rows = list(iter_rows(data, f"manifest.{fmt}", TABLE_LIMITS))
    except UploadRefused as exc:
        result = readers.ManifestResult(format=fmt)
        result.errors.append(Issue("file", exc.message, Where(row=1)))
        return result
    return readers.read_table(rows, fmt)


class _Ports:
    """Member administrations by UN/LOCODE (a member's code is its ISO country code); the active members
    are kept per process (`accounts.selectors.active_members`)."""

    def __init__(self) -> None:
        self.members = active_members()

    def administration(self, locode: str) -> Administration | None:
        return self.members.get(locode[:2].upper()) if len(locode) == 5 else None


def check_manifest(
    result: readers.ManifestResult, ports: _Ports | None = None
) -> tuple[list[Issue], list[Issue]]:
    """Errors and warnings of ours, beyond the reader's: each with where it was found."""
    errors: list[Issue] = []
    warnings: list[Issue] = []
    nomenclature = Nomenclature()
    if not nomenclature.loaded:
        warnings.append(
            Issue(
                "hs_not_loaded", "The HS nomenclature is not loaded: only the form of HS codes was checked."
            )
        )
    ports = ports or _Ports()
    for manifest in result.manifests:
        if not manifest.consignments:
            errors.append(Issue("no_consignments", "The manifest lists no consignment.", manifest.where))
        seen: set[tuple[str, str]] = set()
        member_cargo = False
        for cons in manifest.consignments:
            if not cons.bill_number:
                errors.append(
                    Issue("bill_number", "A consignment has no transport document number.", cons.where)
                )
            key = (cons.level, cons.bill_number)
            if key in seen:
                errors.append(
                    Issue(
                        "duplicate_bill",
                        f"Bill {cons.bill_number} is listed twice in this manifest.",
                        cons.where,
                    )
                )
            seen.add(key)
            discharge = cons.places.get("discharge", "")
            if discharge and ports.administration(discharge) is not None:
                member_cargo = True
            for item in cons.goods:
                problem = nomenclature.problem(item.hs_code)
                if problem:
                    errors.append(Issue("hs_code", f"Bill {cons.bill_number}: {problem}", item.where))
        if manifest.consignments and not member_cargo:
            warnings.append(
                Issue(
                    "no_member_discharge",
                    "No consignment is discharged at a member's port: no administration will assess it.",
                    manifest.where,
                )
            )
    return errors, warnings


# --- Filing ---------------------------------------------------------------------------------------------
def _mode(conveyance: readers.Conveyance, fmt: str) -> str:
    if fmt in ("xfwb", "xfzb", "xffm") or conveyance.mode == "air":
        return Mode.AIR
    return Mode.SEA


def _loading_at(conveyance: readers.Conveyance, mode: str) -> dt.datetime | None:
    for call in conveyance.itinerary:
        if call.function in ("loading", "departure") and call.departure:
            return call.departure
    if mode == Mode.AIR and conveyance.date:
        return conveyance.date
    return next((c.departure for c in conveyance.itinerary if c.departure), None)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value if timezone.is_aware(value) else value.replace(tzinfo=dt.UTC)


def _manifest_fields(manifest: readers.Manifest, fmt: str) -> dict[str, Any]:
    c = manifest.conveyance
    mode = _mode(c, fmt)
    return {
        "format": fmt,
        "mode": mode,
        "vessel_name": c.vessel_name[:120],
        "imo": c.imo[:10],
        "call_sign": c.call_sign[:20],
        "flag": c.flag[:2].upper(),
        "carrier_code": c.carrier_code[:10],
        "carrier_name": c.carrier_name[:200],
        "voyage": c.voyage[:40],
        "conveyance_date": _aware(c.date),
        "loading_at": _aware(_loading_at(c, mode)),
    }


def _consignment_fields(cons: readers.Consignment, ports: _Ports) -> dict[str, Any]:
    discharge = cons.places.get("discharge", "")[:5].upper()
    origin = cons.places.get("origin", "")
    return {
        "level": Level.HOUSE if cons.level == "house" else Level.MASTER,
        "bill_number": cons.bill_number[:70],
        "master_bill": cons.master_bill[:70] if cons.level == "house" else "",
        "document_code": cons.document_code[:6],
        "place_of_loading": cons.places.get("loading", "")[:5].upper(),
        "place_of_discharge": discharge,
        "place_of_delivery": cons.places.get("delivery", "")[:35],
        "origin_country": origin[:2].upper() if origin else cons.places.get("loading", "")[:2].upper(),
        "transhipments": [t[:5].upper() for t in cons.transhipments],
        "administration": ports.administration(discharge),
        "total_packages": cons.total_packages,
        "gross_mass_kg": cons.total_gross_mass_kg,
    }


#: The columns of a consignment's rows, as :func:`_child_rows` gives their values.
_PARTY_COLUMNS = ("consignment_id", "role", "name", "address", "country", "identifier")
_GOODS_COLUMNS = (
    "consignment_id",
    "sequence",
    "hs_code",
    "description",
    "package_count",
    "package_kind",
    "gross_mass_kg",
    "un_number",
    "value",
    "currency",
    "containers",
)
_CONTAINER_COLUMNS = ("consignment_id", "number", "size_type", "full", "seals")


def _prep(model: type[Any], name: str) -> Any:
    """The field's own conversion of a value for the database (JSON, decimals), as a bulk insert does it."""
    field, db = model._meta.get_field(name), connections[DEFAULT_DB_ALIAS]  # the connection, not its proxy
    return lambda value: field.get_db_prep_save(value, db)


def _child_rows(
    consignment_id: int, cons: readers.Consignment
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """A consignment's parties, goods items and containers as rows of their tables' columns (above)."""
    goods_mass, goods_value, goods_boxes = (
        _prep(GoodsItem, "gross_mass_kg"),
        _prep(GoodsItem, "value"),
        _prep(GoodsItem, "containers"),
    )
    seals = _prep(Container, "seals")
    parties = [
        (
            consignment_id,
            p.role if p.role in _ROLES else PartyRole.OTHER,
            p.name[:200],
            ", ".join(x for x in (p.address, p.postcode, p.city) if x)[:300],
            p.country[:2].upper(),
            p.identifier[:40],
        )
        for p in cons.parties
        if p.name
    ]
    goods = [
        (
            consignment_id,
            int(g.sequence) if g.sequence.isdigit() else n,
            g.hs_code.replace(".", "").replace(" ", "")[:10],
            g.description[:512],
            g.package_count,
            g.package_kind[:3],
            goods_mass(g.gross_mass_kg),
            g.un_number[:4],
            goods_value(g.value),
            g.currency[:3].upper(),
            goods_boxes(g.containers),
        )
        for n, g in enumerate(cons.goods, start=1)
    ]
    boxes = [
        (consignment_id, b.number.replace(" ", "")[:17], b.size_type[:4], b.full, seals(b.seals))
        for b in cons.containers
    ]
    return parties, goods, boxes


def _snapshot_json(manifest: readers.Manifest) -> dict[str, Any]:
    data = manifest.to_json()
    for cons in data["consignments"]:
        for item in cons["goods"]:
            item.pop("where", None)
        cons.pop("where", None)
    data.pop("where", None)
    return data


def _diff(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """What changed between two snapshots, in words an officer reads: per field of the conveyance and per
    consignment (added, removed, changed fields)."""
    changes: list[dict[str, Any]] = []
    for key in sorted(set(before["conveyance"]) | set(after["conveyance"])):
        if before["conveyance"].get(key) != after["conveyance"].get(key):
            changes.append(
                {
                    "where": "conveyance",
                    "field": key,
                    "from": before["conveyance"].get(key),
                    "to": after["conveyance"].get(key),
                }
            )
    old = {(c["level"], c["bill_number"]): c for c in before["consignments"]}
    new = {(c["level"], c["bill_number"]): c for c in after["consignments"]}
    for key in sorted(set(old) | set(new)):
        if key not in new:
            changes.append({"where": key[1], "field": "consignment", "from": "filed", "to": "removed"})
        elif key not in old:
            changes.append({"where": key[1], "field": "consignment", "from": None, "to": "added"})
        else:
            for name in sorted(set(old[key]) | set(new[key])):
                if old[key].get(name) != new[key].get(name):
                    changes.append(
                        {"where": key[1], "field": name, "from": old[key].get(name), "to": new[key].get(name)}
                    )
    return changes


def _new_declaration(consignment: Consignment, filed_at: dt.datetime) -> Declaration | None:
    if consignment.administration_id is None:
        return None
    return Declaration(
        kind=KEY,
        administration_id=consignment.administration_id,
        reference=consignment.mrn,
        version=consignment.version,
        created_at=filed_at,
    )


def _late(
    manifest: Manifest, administration_id: int | None, hours: dict[int | None, int] | None = None
) -> bool:
    """Filed after the administration's deadline for the mode; ``hours`` remembers the deadlines read (a
    filing's consignments go to a few administrations)."""
    if hours is None:
        hours = {}
    if administration_id not in hours:
        hours[administration_id] = deadline_hours(administration_id, manifest.mode)
    return is_late(filed_at=manifest.filed_at, loading_at=manifest.loading_at, hours=hours[administration_id])


def _same_voyage(manifest: Manifest) -> Q:
    """Filings of the same conveyance: the mode, and the voyage or flight number where it is given."""
    same = Q(manifest__mode=manifest.mode)
    if manifest.voyage:
        same &= Q(manifest__voyage__iexact=manifest.voyage)
    return same


def _master_elsewhere(manifest: Manifest, master_bill: str) -> Consignment | None:
    """The master bill a forwarder's house names, filed by the carrier in a filing of its own."""
    return (
        Consignment.objects.filter(_same_voyage(manifest), level=Level.MASTER, bill_number=master_bill)
        .exclude(status=Status.INVALIDATED)
        .exclude(manifest=manifest)
        .order_by("-manifest__filed_at", "-pk")
        .first()
    )


def _link_waiting_houses(manifest: Manifest, masters: Iterable[Consignment]) -> None:
    """Houses filed earlier by forwarders (same voyage: `_same_voyage`), waiting for these masters: linked
    now, by one UPDATE that finds them (the partial index of unlinked houses by master bill) and sets each
    one's master, the master of its bill in this manifest (one per bill: a manifest's bills are unique). No
    reading of the houses first: nearly always there is none, and a filing paid the ORM's building of a
    three-table query for it every time."""
    bills = sorted({m.bill_number for m in masters if m.level == Level.MASTER})
    if not bills:
        return
    q = connection.ops.quote_name
    table, manifests = q(Consignment._meta.db_table), q(Manifest._meta.db_table)
    same_voyage = f"SELECT {q('id')} FROM {manifests} WHERE {q('mode')} = %s"  # noqa: S608 - the models' names
    voyage: list[str] = []
    if manifest.voyage:  # as _same_voyage's iexact (on SQLite LIKE, as UPPER, folds ASCII letters only)
        same_voyage += f" AND UPPER({q('voyage')}) = UPPER(%s)"
        voyage = [manifest.voyage]
    sql = (
        f"UPDATE {table} SET {q('master_id')} = (SELECT m.{q('id')} FROM {table} AS m"  # noqa: S608 - the models' names
        f" WHERE m.{q('manifest_id')} = %s AND m.{q('level')} = %s"
        f" AND m.{q('bill_number')} = {table}.{q('master_bill')})"
        f" WHERE {q('level')} = %s AND {q('master_id')} IS NULL"
        f" AND {q('master_bill')} IN ({', '.join(['%s'] * len(bills))})"
        f" AND {q('status')} <> %s AND {q('manifest_id')} <> %s AND {q('manifest_id')} IN ({same_voyage})"
    )
    params: list[Any] = [manifest.pk, Level.MASTER, Level.HOUSE, *bills, Status.INVALIDATED, manifest.pk]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, manifest.mode, *voyage])


def _register_consignments(
    manifest: Manifest,
    items: list[readers.Consignment],
    ports: _Ports,
    warnings: list[Issue] | None = None,
    *,
    new: bool = False,
    queue: list[tuple[Any, dict[str, Any]]] | None = None,
) -> list[Consignment]:
    """Create consignments (masters first, then houses under them), their rows and their declarations.
    A house whose master is not in this filing is linked to the master the carrier filed apart (ICS2's
    multiple filing), or waits for it (a warning says so)."""
    created: list[Consignment] = []
    # A manifest registered just now has no consignments yet to look up.
    masters: dict[str, Consignment] = (
        {} if new else {c.bill_number: c for c in manifest.consignments.filter(level=Level.MASTER)}
    )
    ordered = sorted(items, key=lambda c: c.level == "house")
    rows: list[tuple[Consignment, readers.Consignment]] = []
    deadlines: dict[int | None, int] = {}
    for cons in ordered:
        fields = _consignment_fields(cons, ports)
        consignment = Consignment(
            manifest=manifest,
            mrn=new_mrn(fields["administration"].code if fields["administration"] else "XC"),
            status=Status.FILED,
            late=_late(
                manifest, fields["administration"].pk if fields["administration"] else None, deadlines
            ),
            **fields,
        )
        if consignment.level == Level.HOUSE and consignment.master_bill:
            consignment.master = masters.get(consignment.master_bill) or _master_elsewhere(
                manifest, consignment.master_bill
            )
            if consignment.master is None and warnings is not None:
                warnings.append(
                    Issue(
                        "master_not_filed",
                        f"House bill {consignment.bill_number}: master bill {consignment.master_bill} is "
                        "not filed yet; it is linked when the carrier files it.",
                        cons.where,
                    )
                )
        rows.append((consignment, cons))
        if consignment.level == Level.MASTER:
            masters[consignment.bill_number] = consignment
    # The declarations first (each consignment is stored pointing at its own), then the consignments:
    # masters first, so houses can point at them.
    declarations = [(c, _new_declaration(c, manifest.filed_at)) for c, _r in rows]
    made = [d for _c, d in declarations if d is not None]
    bulk.create(made)  # bulk_create for many; for an API filing's few, a statement of its own
    for c, declaration in declarations:
        if declaration is not None:
            c.declaration = declaration
    for level in (Level.MASTER, Level.HOUSE):
        batch = [c for c, _r in rows if c.level == level]
        for c in batch:
            if c.master is not None:
                c.master_id = c.master.pk
        bulk.create(batch)
    _create_children(rows)
    _transhipments(rows, ports)
    _check_on_commit(made, queue)
    _link_waiting_houses(manifest, (c for c, _r in rows))
    created.extend(c for c, _r in rows)
    return created


def _check_on_commit(
    declarations: list[Declaration], queue: list[tuple[Any, dict[str, Any]]] | None = None
) -> None:
    """After commit, queue the screening and assessment of a filing's new declarations, a batch of them
    per task (risk's ``declarations_check``: shared subjects screened once, facts and hits read for all),
    instead of one ``declaration_filed`` event each. One consignment alone is checked as any filed
    declaration is (risk's ``check_declaration_task``, which ``declaration_filed`` queues).

    With ``queue`` (a new manifest's tasks, queued together by the caller) the tasks are added to it
    instead."""
    if len(declarations) == 1:
        if queue is None:
            send_on_commit(declaration_filed, declarations[0])
        else:
            queue.append((check_declaration_task, {"declaration_id": declarations[0].pk}))  # reason: filed
        return
    declaration_ids = [d.pk for d in declarations]
    for start in range(0, len(declaration_ids), CHECK_BATCH):
        chunk = declaration_ids[start : start + CHECK_BATCH]
        if queue is None:
            transaction.on_commit(partial(check_declarations_task.enqueue, declaration_ids=chunk))
        else:
            queue.append((check_declarations_task, {"declaration_ids": chunk}))


def _create_children(rows: list[tuple[Consignment, readers.Consignment]]) -> None:
    """Store the consignments' parties, goods items and containers, in the file's order: as rows, not model
    instances (COPY on PostgreSQL, ``executemany`` on SQLite; a ship's filing has some 50,000 of them and
    nothing needs them as objects afterwards)."""
    parties: list[tuple[Any, ...]] = []
    goods: list[tuple[Any, ...]] = []
    boxes: list[tuple[Any, ...]] = []
    for consignment, cons in rows:
        p, g, b = _child_rows(consignment.pk, cons)
        parties += p
        goods += g
        boxes += b
    for model, columns, values in (
        (Party, _PARTY_COLUMNS, parties),
        (GoodsItem, _GOODS_COLUMNS, goods),
        (Container, _CONTAINER_COLUMNS, boxes),
    ):
        if values:
            bulk.insert(model._meta.db_table, columns, values)


def _transhipments(rows: list[tuple[Consignment, readers.Consignment]], ports: _Ports) -> None:
    through = Consignment.transhipment_administrations.through
    links = []
    for consignment, _cons in rows:
        admins = {a.pk for t in consignment.transhipments if (a := ports.administration(t)) is not None}
        admins.discard(consignment.administration_id)  # type: ignore[arg-type]
        links += [through(consignment_id=consignment.pk, administration_id=pk) for pk in sorted(admins)]
    through.objects.bulk_create(links, batch_size=1000)


def _port_calls(
    manifest: Manifest, conveyance: readers.Conveyance, ports: _Ports, *, new: bool = False
) -> list[PortCall]:
    if not new:  # a manifest registered just now has none to replace
        manifest.port_calls.all().delete()
    calls = [
        PortCall(
            manifest=manifest,
            sequence=n,
            locode=call.port[:5].upper(),
            function=call.function[:20],
            administration=ports.administration(call.port),
            arrival=_aware(call.arrival),
            departure=_aware(call.departure),
        )
        for n, call in enumerate(conveyance.itinerary, start=1)
    ]
    bulk.create(calls)
    return calls


def _add_discharge_calls(
    manifest: Manifest, consignments: Iterable[Consignment], *, known: set[str] | None = None
) -> None:
    """Ports of discharge not in the itinerary are added to it (with no times), so the worklist knows them.
    ``known``: the itinerary's ports when the caller has just stored them."""
    if known is None:
        known = set(manifest.port_calls.values_list("locode", flat=True))
    next_seq = len(known) + 1
    extra = []
    for c in consignments:
        if c.place_of_discharge and c.place_of_discharge not in known and c.administration_id:
            known.add(c.place_of_discharge)
            extra.append(
                PortCall(
                    manifest=manifest,
                    sequence=next_seq,
                    locode=c.place_of_discharge,
                    function="discharge",
                    administration_id=c.administration_id,
                )
            )
            next_seq += 1
    bulk.create(extra)


def _lrn(manifest: readers.Manifest) -> str:
    return (manifest.reference or manifest.message_reference or manifest.conveyance.voyage)[:70]


def manifest_file(*, actor: User, data: bytes, fmt: str = "auto", filer: Filer | None = None) -> Filed:
    """Read, check and register a manifest file (every message in it). A message whose LRN the filer has
    already filed is an amendment of that filing; BGM function 1 (cancellation) invalidates it."""
    filer = filer or filer_of(actor)
    return manifest_register(
        actor=actor, filer=filer, result=read_file(data, fmt), digest=hashlib.sha256(data).hexdigest()
    )


def manifest_register(*, actor: User, filer: Filer, result: readers.ManifestResult, digest: str) -> Filed:
    """Check and register what a reader (or the JSON API) produced; all errors at once, or nothing stored."""
    # A ship's filing builds some hundred thousand model instances that all live until it is stored: the
    # cyclic garbage collector is paused meanwhile, as the readers pause it (it would walk them again and
    # again for nothing).
    # One transaction, or a part of the caller's (the API's, with its Idempotency-Key claim) without a
    # savepoint of its own: a rejection is found before anything is written, and raised only once the
    # block is left normally, so the caller's transaction stays usable to answer it; any other error marks
    # the whole transaction for rollback, as it would the caller's.
    rejected: FilingRejected | None = None
    with collector_paused(), transaction.atomic(savepoint=False):
        try:
            return _manifest_register(actor, filer, result, digest)
        except FilingRejected as exc:
            rejected = exc
    raise rejected


def _manifest_register(actor: User, filer: Filer, result: readers.ManifestResult, digest: str) -> Filed:
    ports = _Ports()
    errors, warnings = check_manifest(result, ports) if result.manifests else ([], [])
    errors = list(result.errors) + errors
    warnings = list(result.warnings) + warnings
    if not result.manifests and not errors:
        errors.append(Issue("empty", "The file holds no manifest.", Where(line=1)))
    filed = Filed(format=result.format, warnings=warnings)
    # The filer's live filing of each LRN (read once, locked): amended, cancelled, or none (a new filing).
    live: dict[str, Manifest | None] = {}
    for message in result.manifests:
        lrn = _lrn(message)
        if not lrn:
            errors.append(
                Issue("lrn", "The manifest has no document number (the filer's reference).", message.where)
            )
            continue
        if lrn not in live:
            live[lrn] = _live_filing(filer, lrn)
        existing = live[lrn]
        if existing is not None:
            if message.function == "1":
                continue
            errors += _amendment_errors(existing, message, result.format)
    if errors:
        raise FilingRejected(errors, warnings, result.format)
    now = timezone.now()
    for message in result.manifests:
        lrn = _lrn(message)
        existing = live[lrn]
        if existing is not None and message.function == "1":
            manifest_invalidate(actor=actor, manifest=existing, reason=_("Cancelled by the filer's message."))
            filed.invalidated.append(existing)
            live[lrn] = None
        elif existing is not None:
            _amend(actor, existing, message, result.format, digest, warnings, ports, now)
            filed.amended.append(existing)
        else:
            manifest, consignments = _register(
                actor, filer, message, result.format, digest, warnings, ports, now
            )
            filed.manifests.append(manifest)
            filed.registered[manifest.pk] = consignments
            live[lrn] = manifest
    return filed


def _live_filing(filer: Filer, lrn: str) -> Manifest | None:
    """The filer's filing in force with this LRN (at most one: `cargo_lrn_unique_per_filer`), locked until
    the transaction ends, or None. Looked up by a plain statement (a new filing, nearly every time, finds
    none and reads nothing more); a filing found is then read whole."""
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {q('id')} FROM {q(Manifest._meta.db_table)} WHERE {q('filer_id')} = %s"  # noqa: S608 - the model's names
            f" AND {q('lrn')} = %s AND {q('status')} <> %s"
            f" ORDER BY {q('filed_at')} DESC, {q('id')} DESC LIMIT 1"
            + (" FOR UPDATE" if connection.features.has_select_for_update else ""),
            [filer.pk, lrn, ManifestStatus.INVALIDATED],
        )
        row = cursor.fetchone()
    return Manifest.objects.get(pk=row[0]) if row else None


def _amendment_errors(existing: Manifest, message: readers.Manifest, fmt: str) -> list[Issue]:
    errors: list[Issue] = []
    fields = _manifest_fields(message, fmt)
    for name, label in NON_AMENDABLE_MANIFEST.items():
        if (getattr(existing, name) or "") != (fields[name] or ""):
            errors.append(
                Issue(
                    "not_amendable",
                    f"The {label} of filing {existing.mrn} cannot be amended: invalidate it and file again.",
                    message.conveyance.where,
                )
            )
    filed = {(c.level, c.bill_number): c for c in existing.consignments.all()}
    for cons in message.consignments:
        old = filed.get((Level.HOUSE if cons.level == "house" else Level.MASTER, cons.bill_number))
        if old is None:
            continue
        new_place = cons.places.get("discharge", "")[:5].upper()
        if old.place_of_discharge != new_place:
            errors.append(
                Issue(
                    "not_amendable",
                    f"The place of discharge of bill {cons.bill_number} (MRN {old.mrn}) cannot be amended: "
                    "invalidate it and file again.",
                    cons.where,
                )
            )
        elif old.status not in AMENDABLE and old.status != Status.DRAFT:
            errors.append(
                Issue(
                    "not_amendable",
                    f"Bill {cons.bill_number} (MRN {old.mrn}) is {old.status}: it can no longer be amended.",
                    cons.where,
                )
            )
    return errors


def _register(
    actor: User,
    filer: Filer,
    message: readers.Manifest,
    fmt: str,
    digest: str,
    warnings: list[Issue],
    ports: _Ports,
    now: dt.datetime,
) -> tuple[Manifest, list[Consignment]]:
    fields = _manifest_fields(message, fmt)
    first_member = next(
        (a for call in message.conveyance.itinerary if (a := ports.administration(call.port)) is not None),
        None,
    ) or next(
        (
            a
            for c in message.consignments
            if (a := ports.administration(c.places.get("discharge", ""))) is not None
        ),
        None,
    )
    manifest = Manifest(
        filer=filer,
        account=actor,
        lrn=_lrn(message),
        mrn=new_mrn(first_member.code if first_member else "XC"),
        status=ManifestStatus.FILED,
        filed_at=now,
        **fields,
    )
    bulk.create(
        [manifest]
    )  # as Manifest.objects.create, by a statement of its own (no signal is listened to)
    calls = _port_calls(manifest, message.conveyance, ports, new=True)
    # The screening of the consignments and the filer's webhook: queued together, in one insert.
    queue: list[tuple[Any, dict[str, Any]]] = []
    consignments = _register_consignments(
        manifest, message.consignments, ports, warnings, new=True, queue=queue
    )
    _add_discharge_calls(manifest, consignments, known={c.locode for c in calls})
    bulk.create(
        [
            ManifestVersion(
                manifest=manifest,
                number=1,
                filed_at=now,
                account=actor,
                format=fmt,
                sha256=digest,
                snapshot=_snapshot_json(message),
                warnings=[w.to_json() for w in warnings],
            )
        ]
    )
    queue.append(
        (webhook_task, {"filer_id": filer.pk, "manifest_id": manifest.pk, "event": "manifest.registered"})
    )
    enqueue_with_transaction(queue)
    audit_record(
        actor=actor,
        action="cargo.manifest.file",
        obj=manifest,
        summary=f"{manifest.mrn} ({manifest.lrn}): {len(consignments)} consignments",
        data={"format": fmt, "sha256": digest, "consignments": len(consignments)},
    )
    return manifest, consignments


def _amend(
    actor: User,
    manifest: Manifest,
    message: readers.Manifest,
    fmt: str,
    digest: str,
    warnings: list[Issue],
    ports: _Ports,
    now: dt.datetime,
) -> None:
    previous = manifest.versions.order_by("-number").first()
    snapshot = _snapshot_json(message)
    changes = _diff(previous.snapshot, snapshot) if previous else []
    for name, value in _manifest_fields(message, fmt).items():
        setattr(manifest, name, value)
    manifest.version += 1
    MANIFEST_STATUS.move(manifest, ManifestStatus.AMENDED, actor=actor, note=f"version {manifest.version}")
    manifest.save()
    _port_calls(manifest, message.conveyance, ports)
    filed: dict[tuple[str, str], Consignment] = {
        (c.level, c.bill_number): c for c in manifest.consignments.select_related("declaration")
    }
    new_items: list[readers.Consignment] = []
    seen: set[tuple[str, str]] = set()
    changed_bills = {c["where"] for c in changes}
    for cons in message.consignments:
        key: tuple[str, str] = (Level.HOUSE if cons.level == "house" else Level.MASTER, cons.bill_number)
        seen.add(key)
        consignment = filed.get(key)
        if consignment is None:
            new_items.append(cons)
            continue
        if consignment.status == Status.INVALIDATED or cons.bill_number not in changed_bills:
            continue
        for name, value in _consignment_fields(cons, ports).items():
            setattr(consignment, name, value)
        consignment.version += 1
        CONSIGNMENT_STATUS.move(
            consignment, Status.AMENDED, actor=actor, note=f"manifest version {manifest.version}"
        )
        consignment.save()
        consignment.parties.all().delete()
        consignment.goods.all().delete()
        consignment.containers.all().delete()
        _create_children([(consignment, cons)])
        consignment.transhipment_administrations.clear()
        _transhipments([(consignment, cons)], ports)
        if consignment.declaration is not None:
            consignment.declaration.version = consignment.version
            consignment.declaration.save(update_fields=["version", "updated_at"])
            send_on_commit(declaration_amended, consignment.declaration)
    for key, consignment in filed.items():
        if key not in seen and consignment.status != Status.INVALIDATED:
            _invalidate_consignment(actor, consignment, _("Removed from the manifest by an amendment."))
    added = _register_consignments(manifest, new_items, ports, warnings) if new_items else []
    _add_discharge_calls(manifest, added)
    ManifestVersion.objects.create(
        manifest=manifest,
        number=manifest.version,
        filed_at=now,
        account=actor,
        format=fmt,
        sha256=digest,
        snapshot=snapshot,
        changes=changes,
        warnings=[w.to_json() for w in warnings],
    )
    notify_on_commit(manifest.filer_id, manifest.pk, "manifest.amended")
    audit_record(
        actor=actor,
        action="cargo.manifest.amend",
        obj=manifest,
        summary=f"{manifest.mrn} version {manifest.version}: {len(changes)} changes",
        data={"format": fmt, "sha256": digest, "changes": len(changes)},
    )


def _invalidate_consignment(actor: User, consignment: Consignment, reason: str) -> None:
    CONSIGNMENT_STATUS.move(consignment, Status.INVALIDATED, actor=actor, note=reason)
    consignment.save(update_fields=["status", "updated_at"])
    if consignment.declaration_id is not None:
        send_on_commit(declaration_cancelled, consignment.declaration)  # type: ignore[arg-type]


@transaction.atomic
def manifest_invalidate(*, actor: User, manifest: Manifest, reason: str) -> Manifest:
    """The filer withdraws a filing (to refile what cannot be amended): every consignment not yet released."""
    manifest = Manifest.objects.select_for_update().get(pk=manifest.pk)
    if not is_filer_user(actor, manifest.filer_id):
        raise PermissionDenied
    blocked = manifest.consignments.exclude(status__in=[*AMENDABLE, Status.INVALIDATED, Status.DRAFT])
    if blocked.exists():
        raise ValidationError(
            _("Some consignments have arrived or were released: this filing can no longer be invalidated.")
        )
    MANIFEST_STATUS.move(manifest, ManifestStatus.INVALIDATED, actor=actor, note=reason)
    manifest.invalidated_at, manifest.invalidation_reason = timezone.now(), reason[:500]
    manifest.save()
    for consignment in manifest.consignments.exclude(status=Status.INVALIDATED).select_related("declaration"):
        _invalidate_consignment(actor, consignment, reason)
    notify_on_commit(manifest.filer_id, manifest.pk, "manifest.invalidated")
    audit_record(actor=actor, action="cargo.manifest.invalidate", obj=manifest, summary=reason[:200])
    return manifest


# --- Officers' decisions --------------------------------------------------------------------------------
def _require_officer_of(actor: User, consignment: Consignment) -> None:
    if not actor.is_official or actor.administration_id != consignment.administration_id:
        raise PermissionDenied


@transaction.atomic
def consignment_refer(
    *, actor: User, consignment: Consignment, kind: str, question: str, deadline: dt.datetime | None = None
) -> Referral:
    """Refer a consignment: ask the filer for information (by a deadline), or order it not loaded, or held
    for inspection on arrival. The filer is told (JSON status, CUSRES)."""
    _require_officer_of(actor, consignment)
    if kind not in ReferralKind.values:
        raise ValidationError({"kind": _("Choose a kind of referral.")})
    if not question.strip():
        raise ValidationError({"question": _("Say what you ask or order.")})
    if kind == ReferralKind.INFORMATION and deadline is None:
        raise ValidationError({"deadline": _("Give the time by which the filer must answer.")})
    consignment = Consignment.objects.select_for_update().get(pk=consignment.pk)
    CONSIGNMENT_STATUS.move(consignment, Status.REFERRED, actor=actor, note=kind)
    consignment.save(update_fields=["status", "updated_at"])
    referral = Referral.objects.create(
        consignment=consignment, kind=kind, question=question.strip(), deadline=deadline, officer=actor
    )
    audit_record(
        actor=actor, action="cargo.referral.create", obj=referral, summary=f"{consignment.mrn} {kind}"
    )
    return referral


@transaction.atomic
def referral_answer(*, actor: User, referral: Referral, answer: str) -> Referral:
    """The filer answers a request for information; the consignment goes back to the officers."""
    referral = (
        Referral.objects.select_for_update().select_related("consignment__manifest").get(pk=referral.pk)
    )
    consignment = referral.consignment
    if not is_filer_user(actor, consignment.manifest.filer_id):
        raise PermissionDenied
    if referral.kind != ReferralKind.INFORMATION or referral.status != ReferralStatus.OPEN:
        raise ValidationError(_("This referral is not waiting for an answer."))
    if not answer.strip():
        raise ValidationError({"answer": _("Write your answer.")})
    referral.answer, referral.answered_at, referral.answered_by = answer.strip(), timezone.now(), actor
    referral.status = ReferralStatus.ANSWERED
    referral.save()
    if (
        consignment.status == Status.REFERRED
        and not consignment.referrals.filter(status=ReferralStatus.OPEN).exclude(pk=referral.pk).exists()
    ):
        CONSIGNMENT_STATUS.move(consignment, Status.ASSESSED, actor=actor, note="answered")
        consignment.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="cargo.referral.answer", obj=referral, summary=consignment.mrn)
    return referral


@transaction.atomic
def manifest_arrive(*, actor: User, manifest: Manifest, at: dt.datetime | None = None) -> int:
    """The conveyance arrived at the officer's port: the administration's open consignments are arrived."""
    if not actor.is_official:
        raise PermissionDenied
    count = 0
    for consignment in manifest.consignments.select_for_update().filter(
        administration_id=actor.administration_id or 0,
        status__in=[Status.FILED, Status.AMENDED, Status.ASSESSED, Status.REFERRED],
    ):
        CONSIGNMENT_STATUS.move(consignment, Status.ARRIVED, actor=actor)
        consignment.arrived_at = at or timezone.now()
        consignment.save(update_fields=["status", "arrived_at", "updated_at"])
        count += 1
    audit_record(actor=actor, action="cargo.manifest.arrive", obj=manifest, summary=f"{count} consignments")
    return count


def _close_referrals(consignment: Consignment) -> None:
    consignment.referrals.exclude(status=ReferralStatus.CLOSED).update(status=ReferralStatus.CLOSED)


@transaction.atomic
def consignment_examine(*, actor: User, consignment: Consignment, result: str, findings: str) -> Examination:
    """Record what an examination found; the risk criteria that fired are marked justified or not, which
    feeds their hit rates."""
    from caribclear.risk.choices import Disposition
    from caribclear.risk.models import Firing
    from caribclear.risk.services import firing_dispose

    _require_officer_of(actor, consignment)
    if result not in ExaminationResult.values:
        raise ValidationError({"result": _("Say whether anything was found.")})
    if result == ExaminationResult.FOUND and not findings.strip():
        raise ValidationError({"findings": _("Say what was found.")})
    consignment = Consignment.objects.select_for_update().get(pk=consignment.pk)
    CONSIGNMENT_STATUS.move(consignment, Status.INSPECTED, actor=actor, note=result)
    consignment.save(update_fields=["status", "updated_at"])
    examination = Examination.objects.create(
        consignment=consignment, result=result, findings=findings.strip(), officer=actor
    )
    disposition = Disposition.TRUE_MATCH if result == ExaminationResult.FOUND else Disposition.FALSE_POSITIVE
    if consignment.declaration_id is not None:
        firings = Firing.objects.filter(
            assessment__declaration_id=consignment.declaration_id,
            is_current=True,
            disposition=Disposition.PENDING,
        )
        for firing in firings:
            firing_dispose(actor=actor, firing=firing, disposition=disposition, note=findings.strip()[:500])
    notify_on_commit(consignment.manifest.filer_id, consignment.manifest_id, "consignment.inspected")
    audit_record(actor=actor, action="cargo.examine", obj=examination, summary=f"{consignment.mrn} {result}")
    return examination


@transaction.atomic
def consignment_release(*, actor: User, consignment: Consignment, note: str = "") -> Consignment:
    _require_officer_of(actor, consignment)
    consignment = Consignment.objects.select_for_update().get(pk=consignment.pk)
    CONSIGNMENT_STATUS.move(consignment, Status.RELEASED, actor=actor, note=note[:200])
    consignment.released_at = timezone.now()
    consignment.save(update_fields=["status", "released_at", "updated_at"])
    _close_referrals(consignment)
    notify_on_commit(consignment.manifest.filer_id, consignment.manifest_id, "consignment.released")
    audit_record(actor=actor, action="cargo.release", obj=consignment, summary=consignment.mrn)
    return consignment


def consignments_assessed(*, declaration_ids: list[int]) -> None:
    """Risk set the lanes of many consignments' declarations at once: the filed or amended ones are now
    assessed (as :func:`consignment_assessed` moves each), in one transaction (the garbage collector
    paused, as while registering)."""
    with collector_paused(), transaction.atomic():
        for start in range(0, len(declaration_ids), 1000):
            rows = list(
                Consignment.objects.select_for_update()
                .filter(
                    declaration_id__in=declaration_ids[start : start + 1000],
                    status__in=(Status.FILED, Status.AMENDED),
                )
                .only("pk", "status")
            )
            moved = CONSIGNMENT_STATUS.move_many(rows, Status.ASSESSED, note="risk assessment")
            # All moved to the same status at the same time: one UPDATE, not a CASE per row.
            Consignment.objects.filter(pk__in=[c.pk for c in moved]).update(
                status=Status.ASSESSED, updated_at=timezone.now()
            )


def consignment_assessed(*, declaration_id: int) -> None:
    """Risk assessed a consignment's declaration: a filed or amended consignment is now assessed."""
    consignment = Consignment.objects.filter(declaration_id=declaration_id).first()
    if consignment is None or consignment.status not in (Status.FILED, Status.AMENDED):
        return
    with transaction.atomic():
        consignment = Consignment.objects.select_for_update().get(pk=consignment.pk)
        if consignment.status in (Status.FILED, Status.AMENDED):
            CONSIGNMENT_STATUS.move(consignment, Status.ASSESSED, actor=None, note="risk assessment")
            consignment.save(update_fields=["status", "updated_at"])
