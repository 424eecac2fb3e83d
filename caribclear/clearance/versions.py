"""Reading the versions a notification was filed in: each version's snapshot as the records it froze,
what changed since the version before, and every field and value in words, as the captain entered them.

The snapshot is written by `services.versions.snapshot`. A version is shown as unsaved model instances
(a `Notification` for the voyage and declaration, a `Vessel`, `Weapon`s and `NotificationPerson` rows
with their `Person` and `TravelDocument`), so one template shows a filed version and a record alike.
Versions filed before the snapshot kept the vessel's details, each person's sex and each weapon's make,
model and calibre lack them: `FiledVersion.lacks` says so, and the page shows the current record there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from caribclear.reference.models import Port
from caribclear.reference.timezones import datetime_text, port_zone
from caribclear.vessels.choices import DocumentType, Sex, VesselType, WeaponKind
from caribclear.vessels.models import Person, TravelDocument, Vessel, Weapon

from .choices import Kind, PersonRole, Purpose
from .models import Notification, NotificationPerson, NotificationVersion

# Fields of the voyage and the declaration a snapshot keeps (the same as services.SNAPSHOT_FIELDS).
VOYAGE_FIELDS = (
    "kind",
    "expected_at",
    "last_port",
    "last_port_country",
    "next_port",
    "next_port_country",
    "purpose",
    "is_charter",
    "declares_firearms",
    "declares_currency",
    "declares_alcohol_tobacco",
    "declares_animals",
    "declares_plants_food",
    "declares_goods_for_sale",
    "declares_illness",
    "currency_amount",
    "currency_code",
    "declaration_details",
)

FIELD_LABELS: dict[str, Any] = {
    "people": _("people on board"),
    "people.role": _("role on board"),
    "people.document": _("travel document"),
    "weapons": _("firearms and weapons on board"),
    "declaration": _("declaration"),
    "departs_at": _("departure date and time"),
}
_MODELS: dict[str, type[models.Model]] = {"vessel": Vessel, "people": Person}
_CHOICES: dict[str, dict[str, Any]] = {
    "kind": dict(Kind.choices),
    "purpose": dict(Purpose.choices),
    "role": dict(PersonRole.choices),
    "sex": dict(Sex.choices),
    "vessel_type": dict(VesselType.choices),
    "type": dict(DocumentType.choices),
}
_COUNTRIES = frozenset({"flag", "nationality", "issuing_state", "last_port_country", "next_port_country"})
_DATES = frozenset({"date_of_birth", "expiry_date"})


def field_label(name: str) -> Any:
    """The label of a field as the captain's form shows it: `expected_at`, `vessel.flag`,
    `people.date_of_birth`."""
    if name in FIELD_LABELS:
        return FIELD_LABELS[name]
    prefix, _dot, rest = name.rpartition(".")
    model = _MODELS.get(prefix, Notification)
    try:
        return getattr(model._meta.get_field(rest), "verbose_name", rest)
    except FieldDoesNotExist:
        return name


def words(name: str, value: Any, zone: dt.tzinfo | None = None) -> Any:
    """A stored value (a code, an ISO date, True) as people read it; a time on the clock of `zone` (the
    port's) with the zone written after it, or in UTC saying so."""
    name = name.rpartition(".")[2]
    if value is None or value == "":
        return ""
    if isinstance(value, bool) or value in ("True", "False"):
        return _("Yes") if value in (True, "True") else _("No")
    raw = str(value)
    if name == "expected_at":
        try:
            moment = dt.datetime.fromisoformat(raw)
        except ValueError:
            return raw
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        return datetime_text(moment, zone or dt.UTC)
    if name in _DATES:
        try:
            return formats.date_format(dt.date.fromisoformat(raw), "DATE_FORMAT")
        except ValueError:
            return raw
    if name in _CHOICES:
        return _CHOICES[name].get(raw, raw)
    if name in _COUNTRIES:
        return countries.name(raw) or raw
    if name in ("people", "role"):
        for code, label in _CHOICES["role"].items():
            raw = raw.replace(f"({code})", f"({label})")
    if name == "weapons":
        for code, label in WeaponKind.choices:
            raw = raw.replace(code, str(label))
    return raw


@dataclass(frozen=True)
class Change:
    label: Any
    old: Any
    new: Any


def version_changes(version: NotificationVersion) -> list[Change]:
    """A version's changes in words: the field's label, and the old and new values as people read them."""
    result = []
    zone = port_zone(version.notification.port) if version.notification_id else None
    for c in version.changes:
        name = c.get("field", "")
        label = field_label(name)
        if c.get("person"):
            label = _("%(field)s of %(person)s") % {"field": label, "person": c["person"]}
        old, new = words(name, c.get("old"), zone), words(name, c.get("new"), zone)
        result.append(Change(label=label, old=old, new=new))
    return result


# --- A version as the records it froze -------------------------------------------------------------


@dataclass
class FiledPerson:
    """One person on board as filed, and what changed for them since the version before."""

    entry: NotificationPerson
    changed: dict[str, Change] = field(default_factory=dict)
    is_new: bool = False


@dataclass
class FiledVersion:
    """What the officer sees of one version: the records as filed, and what changed since the one before.
    `version` is None for a notification with no version kept (its current records are shown)."""

    version: NotificationVersion | None
    versions: list[NotificationVersion]
    filed: Notification
    vessel: Vessel
    weapons: list[Weapon]
    people: list[FiledPerson]
    changes: list[Change] = field(default_factory=list)
    changed: dict[str, Change] = field(default_factory=dict)
    vessel_changed: dict[str, Change] = field(default_factory=dict)
    weapons_changed: Change | None = None
    removed: list[str] = field(default_factory=list)
    lacks: list[Any] = field(default_factory=list)

    @property
    def is_latest(self) -> bool:
        return self.version is None or self.version.number == self.versions[0].number


def _date(raw: Any) -> Any:
    """A stored ISO date as a date; None if the snapshot has none (the page then shows it blank)."""
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError:
        return None


def _value_of(notification: Notification, name: str, raw: Any) -> Any:
    if name == "expected_at":
        try:
            return dt.datetime.fromisoformat(str(raw))
        except ValueError:
            return notification.expected_at
    if name == "currency_amount" and raw is not None:
        try:
            return Decimal(str(raw))
        except InvalidOperation:
            return None
    return raw


def _filed_notification(notification: Notification, data: dict[str, Any]) -> Notification:
    """An unsaved copy of the notification with the voyage and declaration as filed."""
    filed = Notification(
        pk=notification.pk,
        reference=notification.reference,
        status=notification.status,
        **{name: getattr(notification, name) for name in VOYAGE_FIELDS},
    )
    filed.port = notification.port
    filed.vessel = notification.vessel
    for name in VOYAGE_FIELDS:
        if name in data:
            setattr(filed, name, _value_of(notification, name, data[name]))
    port = data.get("port")
    if isinstance(port, dict) and port.get("locode") != notification.port.locode:
        filed.port = Port(
            locode=port.get("locode", ""), name=port.get("name", ""), country=port["locode"][:2]
        )
    return filed


def _filed_vessel(current: Vessel, details: dict[str, Any]) -> Vessel:
    vessel = Vessel(pk=current.pk, account_id=current.account_id)
    for f in Vessel._meta.concrete_fields:
        if f.attname not in ("id", "account_id"):
            setattr(vessel, f.attname, details.get(f.attname, getattr(current, f.attname)))
    if details.get("length_m") is not None:
        vessel.length_m = Decimal(str(details["length_m"]))
    return vessel


def _filed_entry(person: dict[str, Any]) -> NotificationPerson:
    surname = person.get("surname")
    given_names = person.get("given_names", "")
    if surname is None:  # a snapshot kept only "SURNAME, Given names"
        surname, _comma, given_names = str(person.get("name", "")).partition(", ")
    someone = Person(
        pk=person["person_id"],
        surname=surname,
        given_names=given_names,
        sex=person.get("sex", ""),
        date_of_birth=_date(person.get("date_of_birth")),
        nationality=person.get("nationality", ""),
    )
    document = person.get("document") or {}
    travel_document = TravelDocument(
        pk=document.get("id"),
        person=someone,
        document_type=document.get("type", ""),
        number=document.get("number", ""),
        issuing_state=document.get("issuing_state", ""),
        expiry_date=_date(document.get("expiry_date")),
    )
    return NotificationPerson(person=someone, document=travel_document, role=person.get("role", ""))


_ROLE_RANK: dict[str, int] = {PersonRole.MASTER: 0, PersonRole.CREW: 1}


def _ordered(entries: list[NotificationPerson]) -> list[NotificationPerson]:
    return sorted(
        entries,
        key=lambda e: (_ROLE_RANK.get(e.role, 2), e.person.surname.upper(), e.person.given_names.upper()),
    )


def _change(name: str, old: Any, new: Any, zone: dt.tzinfo | None = None) -> Change:
    return Change(label=field_label(name), old=words(name, old, zone), new=words(name, new, zone))


def _person_changes(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Change]:
    changed = {
        name: _change(f"people.{name}", old[name], new[name])
        for name in ("surname", "given_names", "sex", "date_of_birth", "nationality", "role")
        if name in old and name in new and old[name] != new[name]
    }
    old_document, new_document = old.get("document") or {}, new.get("document") or {}
    for name in ("type", "number", "issuing_state", "expiry_date"):
        if old_document.get(name) != new_document.get(name):
            changed[f"document_{name}"] = _change(name, old_document.get(name), new_document.get(name))
    return changed


def filed_version(notification: Notification, number: int | None = None) -> FiledVersion:
    """The notification as filed in version `number` (default: the latest), with what changed since the
    version before marked. Uses the prefetched `versions`, `people_on_board` and `vessel__weapons`.
    Raises LookupError for a version the notification does not have."""
    versions = sorted(notification.versions.all(), key=lambda v: -v.number)
    current_people = list(notification.people_on_board.all())
    current_weapons = list(notification.vessel.weapons.all())
    if not versions:
        if number is not None:
            raise LookupError(number)
        return FiledVersion(
            version=None,
            versions=[],
            filed=notification,
            vessel=notification.vessel,
            weapons=current_weapons,
            people=[FiledPerson(entry=entry) for entry in current_people],
        )
    chosen = versions[0] if number is None else next((v for v in versions if v.number == number), None)
    if chosen is None:
        raise LookupError(number)
    data: dict[str, Any] = chosen.snapshot or {}
    previous = next((v for v in versions if v.number < chosen.number), None)
    before: dict[str, Any] = (previous.snapshot or {}) if previous is not None else {}
    lacks: list[Any] = []

    filed = _filed_notification(notification, data)
    if "expected_at" not in data:
        lacks.append(_("the voyage and the declaration"))
    details = data.get("vessel_details")
    if details is None:
        lacks.append(_("the vessel's details"))
    vessel = _filed_vessel(notification.vessel, details or {})
    weapons_kept = data.get("weapons")
    if weapons_kept is None or any("make" not in w for w in weapons_kept):
        lacks.append(_("the make, model and calibre of the weapons"))
        weapons = current_weapons
    else:
        weapons = [
            Weapon(
                vessel=vessel,
                kind=w.get("kind", ""),
                make=w.get("make", ""),
                model=w.get("model", ""),
                serial_number=w.get("serial_number", ""),
                calibre=w.get("calibre", ""),
                quantity=w.get("quantity", 1),
            )
            for w in weapons_kept
        ]
    if "people" in data:
        entries = _ordered([_filed_entry(p) for p in data["people"]])
        if any("sex" not in p for p in data["people"]):
            lacks.append(_("each person's sex"))
    else:
        lacks.append(_("the people on board"))
        entries = current_people

    result = FiledVersion(
        version=chosen,
        versions=versions,
        filed=filed,
        vessel=vessel,
        weapons=weapons,
        people=[FiledPerson(entry=entry) for entry in entries],
        changes=version_changes(chosen),
        lacks=lacks,
    )
    if previous is None:
        return result
    result.changed = {
        name: _change(name, before[name], data[name], port_zone(notification.port))
        for name in VOYAGE_FIELDS
        if name in before and name in data and before[name] != data[name]
    }
    old_port, new_port = before.get("port"), data.get("port")
    if isinstance(old_port, dict) and isinstance(new_port, dict) and old_port != new_port:
        result.changed["port"] = _change("port", old_port.get("name"), new_port.get("name"))
    old_vessel = before.get("vessel_details") or {}
    result.vessel_changed = {
        name: _change(f"vessel.{name}", old_vessel[name], value)
        for name, value in (details or {}).items()
        if name in old_vessel and old_vessel[name] != value
    }
    if "people" in before and "people" in data:
        old_people = {p["person_id"]: p for p in before["people"]}
        new_people = {p["person_id"]: p for p in data["people"]}
        for person in result.people:
            old = old_people.get(person.entry.person.pk)
            if old is None:
                person.is_new = True
            else:
                person.changed = _person_changes(old, new_people[person.entry.person.pk])
        result.removed = [p["name"] for pid, p in old_people.items() if pid not in new_people]
    old_weapons = before.get("weapons")
    if (
        old_weapons is not None
        and weapons_kept is not None
        and all("make" in w for w in [*old_weapons, *weapons_kept])
        and old_weapons != weapons_kept
    ):
        result.weapons_changed = next((c for c in result.changes if c.label == FIELD_LABELS["weapons"]), None)
    return result
