"""Writes for vessels, people, travel documents and weapons. Each one validates, saves and audits.

Every function takes the acting operator and refuses (as "not found") a record of another account, so a
caller that forgot to start from a selector still cannot touch someone else's data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Model, ProtectedError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from caribclear.accounts.models import User
from caribclear.core.audit import audit_record

from .identifiers import imo_number_compact, validate_imo_number
from .models import Person, TravelDocument, Vessel, Weapon

VESSEL_FIELDS = (
    "name",
    "vessel_type",
    "flag",
    "registration_number",
    "port_of_registry",
    "call_sign",
    "mmsi",
    "imo_number",
    "hull_id",
    "length_m",
    "gross_tonnage",
    "hull_colour",
    "masts",
    "engine",
    "owner_name",
    "owner_address",
    "owner_email",
    "owner_phone",
    "contact_name",
    "contact_phone",
    "contact_email",
)
PERSON_FIELDS = (
    "surname",
    "given_names",
    "sex",
    "date_of_birth",
    "place_of_birth",
    "nationality",
    "category",
    "rank",
    "port_of_embarkation",
    "port_of_disembarkation",
    "in_transit",
)
DOCUMENT_FIELDS = ("document_type", "number", "issuing_state", "expiry_date", "mrz")
WEAPON_FIELDS = ("kind", "make", "model", "serial_number", "calibre", "quantity")


def _require_operator(actor: User) -> None:
    if not getattr(actor, "is_operator", False):
        raise Http404


def _require_owner(actor: User, account_id: int) -> None:
    _require_operator(actor)
    if account_id != actor.pk:
        raise Http404


def _assign(instance: Model, data: Mapping[str, Any], allowed: Iterable[str]) -> list[str]:
    """Copy the allowed keys present in data onto the instance; return the names that changed."""
    changed = []
    for name in allowed:
        if name not in data:
            continue
        value = data[name]
        if isinstance(value, str):
            value = value.strip()
        model_field = instance._meta.get_field(name)
        if (
            value is None
            and isinstance(model_field, models.Field)
            and model_field.empty_strings_allowed
            and not model_field.null
        ):
            value = ""
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    return changed


def _upper_compact(text: str) -> str:
    return "".join(text.split()).upper()


# Vessels -------------------------------------------------------------------------------------------


def _validate_vessel(vessel: Vessel) -> None:
    vessel.registration_number = vessel.registration_number.strip().upper()
    vessel.call_sign = _upper_compact(vessel.call_sign)
    vessel.mmsi = "".join(vessel.mmsi.split())
    vessel.imo_number = imo_number_compact(vessel.imo_number)
    vessel.hull_id = _upper_compact(vessel.hull_id)
    errors: dict[str, list[str]] = {}
    try:
        # The IMO number is checked on its own below: one message, not "too long" beside "seven digits".
        vessel.full_clean(exclude=["account", "imo_number"])
    except ValidationError as error:
        errors.update(error.message_dict)
    if vessel.imo_number:
        try:
            validate_imo_number(vessel.imo_number)
        except ValidationError as error:
            errors["imo_number"] = error.messages
    if vessel.mmsi and "mmsi" not in errors and vessel.mmsi[0] not in "234567":
        errors.setdefault("mmsi", []).append(
            _("A ship's MMSI starts with its country's maritime identification digits (2 to 7), e.g. 3xx.")
        )
    if vessel.registration_number and "registration_number" not in errors:
        clash = (
            Vessel.objects.filter(
                account_id=vessel.account_id,
                flag=vessel.flag,
                registration_number__iexact=vessel.registration_number,
                is_archived=False,
            )
            .exclude(pk=vessel.pk)
            .exists()
        )
        if clash:
            errors.setdefault("registration_number", []).append(
                _("You already have a vessel with this flag and registration number.")
            )
    if errors:
        raise ValidationError(errors)


def vessel_create(*, actor: User, data: Mapping[str, Any]) -> Vessel:
    _require_operator(actor)
    with transaction.atomic():
        vessel = Vessel(account=actor)
        _assign(vessel, data, VESSEL_FIELDS)
        _validate_vessel(vessel)
        vessel.save()
        audit_record(
            actor=actor, action="vessels.vessel_create", obj=vessel, summary=""
        )  # the record id suffices: no names in the undeletable trail
    return vessel


def vessel_update(*, actor: User, vessel: Vessel, data: Mapping[str, Any]) -> Vessel:
    _require_owner(actor, vessel.account_id)
    with transaction.atomic():
        vessel = Vessel.objects.select_for_update().get(pk=vessel.pk)
        changed = _assign(vessel, data, VESSEL_FIELDS)
        _validate_vessel(vessel)
        if changed:
            vessel.save()
            audit_record(
                actor=actor,
                action="vessels.vessel_update",
                obj=vessel,
                summary="",  # the record id suffices: no names in the undeletable trail
                data={"changed": changed},
            )
    return vessel


def vessel_archive(*, actor: User, vessel: Vessel, archived: bool = True) -> Vessel:
    """Archive a vessel (hidden from lists and from new notifications) or bring it back."""
    _require_owner(actor, vessel.account_id)
    with transaction.atomic():
        vessel = Vessel.objects.select_for_update().get(pk=vessel.pk)
        if vessel.is_archived != archived:
            if not archived:
                vessel.is_archived = False
                _validate_vessel(vessel)
            vessel.is_archived = archived
            vessel.save(update_fields=["is_archived", "updated_at"])
            audit_record(
                actor=actor,
                action="vessels.vessel_archive" if archived else "vessels.vessel_restore",
                obj=vessel,
                summary="",  # the record id suffices: no names in the undeletable trail
            )
    return vessel


# Weapons -------------------------------------------------------------------------------------------


def _validate_weapon(weapon: Weapon) -> None:
    try:
        weapon.full_clean(exclude=["vessel"])
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None
    if weapon.kind == "firearm" and not weapon.serial_number:
        raise ValidationError({"serial_number": [_("Enter the serial number of the firearm.")]})


def weapon_add(*, actor: User, vessel: Vessel, data: Mapping[str, Any]) -> Weapon:
    _require_owner(actor, vessel.account_id)
    with transaction.atomic():
        weapon = Weapon(vessel=vessel)
        _assign(weapon, data, WEAPON_FIELDS)
        weapon.serial_number = weapon.serial_number.upper()
        _validate_weapon(weapon)
        weapon.save()
        audit_record(
            actor=actor,
            action="vessels.weapon_add",
            obj=weapon,
            summary=str(weapon),
            data={"vessel": vessel.pk},
        )
    return weapon


def weapon_update(*, actor: User, weapon: Weapon, data: Mapping[str, Any]) -> Weapon:
    _require_owner(actor, weapon.vessel.account_id)
    with transaction.atomic():
        # Fresh from the database: a form bound to the caller's instance has already changed it.
        weapon = Weapon.objects.select_for_update().select_related("vessel").get(pk=weapon.pk)
        changed = _assign(weapon, data, WEAPON_FIELDS)
        weapon.serial_number = weapon.serial_number.upper()
        _validate_weapon(weapon)
        if changed:
            weapon.save()
            audit_record(
                actor=actor,
                action="vessels.weapon_update",
                obj=weapon,
                summary=str(weapon),
                data={"vessel": weapon.vessel_id, "changed": changed},
            )
    return weapon


def weapon_remove(*, actor: User, weapon: Weapon) -> None:
    _require_owner(actor, weapon.vessel.account_id)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="vessels.weapon_remove",
            obj=weapon,
            summary=str(weapon),
            data={"vessel": weapon.vessel_id},
        )
        weapon.delete()


# People and travel documents -----------------------------------------------------------------------


def _validate_person(person: Person) -> None:
    errors: dict[str, list[str]] = {}
    try:
        person.full_clean(exclude=["account"])
    except ValidationError as error:
        errors.update(error.message_dict)
    if isinstance(person.date_of_birth, dt.date) and "date_of_birth" not in errors:
        if person.date_of_birth > timezone.localdate():
            errors["date_of_birth"] = [_("The date of birth must be in the past.")]
        elif person.date_of_birth.year < 1900:
            errors["date_of_birth"] = [_("Check the year of birth.")]
    if errors:
        raise ValidationError(errors)


def _validate_document(document: TravelDocument, *, date_of_birth: dt.date | None) -> None:
    document.number = _upper_compact(document.number)
    document.mrz = document.mrz.strip()
    errors: dict[str, list[str]] = {}
    try:
        document.full_clean(exclude=["person"])
    except ValidationError as error:
        errors.update(error.message_dict)
    if document.number and not document.number.isalnum() and "number" not in errors:
        errors["number"] = [_("A document number has only letters and digits.")]
    if (
        isinstance(document.expiry_date, dt.date)
        and isinstance(date_of_birth, dt.date)
        and document.expiry_date <= date_of_birth
        and "expiry_date" not in errors
    ):
        errors["expiry_date"] = [_("The expiry date must be after the date of birth.")]
    if document.person_id and "number" not in errors:
        clash = (
            TravelDocument.objects.filter(
                person_id=document.person_id, issuing_state=document.issuing_state, number=document.number
            )
            .exclude(pk=document.pk)
            .exists()
        )
        if clash:
            errors["number"] = [_("This person already has this document.")]
    if errors:
        raise ValidationError(errors)


def person_create(
    *, actor: User, data: Mapping[str, Any], documents: Iterable[Mapping[str, Any]] = ()
) -> Person:
    """Add a crew member or passenger, with any travel documents, in one go (all or nothing)."""
    _require_operator(actor)
    with transaction.atomic():
        person = Person(account=actor)
        _assign(person, data, PERSON_FIELDS)
        errors: dict[str, list[str]] = {}
        try:
            _validate_person(person)
        except ValidationError as error:
            errors.update(error.message_dict)
        prepared = []
        for index, doc_data in enumerate(documents):
            document = TravelDocument()
            _assign(document, doc_data, DOCUMENT_FIELDS)
            try:
                _validate_document(document, date_of_birth=person.date_of_birth)
            except ValidationError as error:
                for key, messages in error.message_dict.items():
                    name = f"documents.{index}.{key}"
                    errors.setdefault(name, []).extend(messages)
            prepared.append(document)
        if errors:
            raise ValidationError(errors)
        person.save()
        for document in prepared:
            document.person = person
            document.save()
        audit_record(
            actor=actor,
            action="vessels.person_create",
            obj=person,
            summary="",  # the record id suffices: no names in the undeletable trail
            data={"documents": [d.pk for d in prepared]},
        )
    return person


def person_update(*, actor: User, person: Person, data: Mapping[str, Any]) -> Person:
    _require_owner(actor, person.account_id)
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        changed = _assign(person, data, PERSON_FIELDS)
        _validate_person(person)
        if changed:
            person.save()
            audit_record(
                actor=actor,
                action="vessels.person_update",
                obj=person,
                summary="",  # the record id suffices: no names in the undeletable trail
                data={"changed": changed},
            )
    return person


def person_archive(*, actor: User, person: Person, archived: bool = True) -> Person:
    _require_owner(actor, person.account_id)
    with transaction.atomic():
        if person.is_archived != archived:
            person.is_archived = archived
            person.save(update_fields=["is_archived", "updated_at"])
            audit_record(
                actor=actor,
                action="vessels.person_archive" if archived else "vessels.person_restore",
                obj=person,
                summary="",  # the record id suffices: no names in the undeletable trail
            )
    return person


def document_add(*, actor: User, person: Person, data: Mapping[str, Any]) -> TravelDocument:
    _require_owner(actor, person.account_id)
    with transaction.atomic():
        document = TravelDocument(person=person)
        _assign(document, data, DOCUMENT_FIELDS)
        _validate_document(document, date_of_birth=person.date_of_birth)
        document.save()
        audit_record(
            actor=actor,
            action="vessels.document_add",
            obj=document,
            summary="",  # the record id suffices: no document numbers in the trail
            data={"person": person.pk},
        )
    return document


def document_update(*, actor: User, document: TravelDocument, data: Mapping[str, Any]) -> TravelDocument:
    _require_owner(actor, document.person.account_id)
    with transaction.atomic():
        document = TravelDocument.objects.select_for_update().select_related("person").get(pk=document.pk)
        changed = _assign(document, data, DOCUMENT_FIELDS)
        _validate_document(document, date_of_birth=document.person.date_of_birth)
        if changed:
            document.save()
            audit_record(
                actor=actor,
                action="vessels.document_update",
                obj=document,
                summary="",  # the record id suffices: no document numbers in the trail
                data={"person": document.person_id, "changed": changed},
            )
    return document


def document_remove(*, actor: User, document: TravelDocument) -> None:
    """Remove a document entered by mistake. One used on a notification stays (it is on record)."""
    _require_owner(actor, document.person.account_id)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="vessels.document_remove",
            obj=document,
            summary="",  # the record id suffices: no document numbers in the trail
            data={"person": document.person_id},
        )
        try:
            # A filing that used it protects it (vessels knows no declaring app: the PROTECT says so).
            document.delete()
        except ProtectedError:
            raise ValidationError(
                _(
                    "This document was used on a notification and stays on record. Add the new document instead."
                )
            ) from None


# Bulk import ---------------------------------------------------------------------------------------


@dataclass
class ImportRow:
    """One valid row of a crew or passenger list, ready to save."""

    row: int
    person: dict[str, Any]
    document: dict[str, Any] | None


@dataclass
class ImportOutcome:
    created: list[Person] = field(default_factory=list)
    updated: list[Person] = field(default_factory=list)
    documents_added: int = 0


def _match(actor: User, row: ImportRow) -> Person | None:
    """The existing person a row describes: same document (issuing state + number), else same name + DOB."""
    if row.document:
        by_document = (
            Person.objects.filter(
                account=actor,
                documents__issuing_state=row.document["issuing_state"],
                documents__number=_upper_compact(row.document["number"]),
            )
            .order_by("is_archived", "pk")
            .first()
        )
        if by_document is not None:
            return by_document
    return (
        Person.objects.filter(
            account=actor,
            surname__iexact=row.person["surname"].strip(),
            given_names__iexact=(row.person.get("given_names") or "").strip(),
            date_of_birth=row.person["date_of_birth"],
        )
        .order_by("is_archived", "pk")
        .first()
    )


def people_import(*, actor: User, rows: list[ImportRow], source: str = "") -> ImportOutcome:
    """Save a whole, already validated list in one transaction: everyone or no one.

    A row that describes someone already on the account updates that person (and adds the document if it is
    new), so uploading the same list twice creates no duplicates.
    """
    _require_operator(actor)
    outcome = ImportOutcome()
    with transaction.atomic():
        errors: dict[str, list[str]] = {}
        for row in rows:
            existing = _match(actor, row)
            try:
                if existing is None:
                    person = person_create(
                        actor=actor, data=row.person, documents=[row.document] if row.document else []
                    )
                    outcome.created.append(person)
                    outcome.documents_added += 1 if row.document else 0
                    continue
                if existing.is_archived:
                    existing = person_archive(actor=actor, person=existing, archived=False)
                person = person_update(actor=actor, person=existing, data=row.person)
                if row.document:
                    number = _upper_compact(row.document["number"])
                    document = person.documents.filter(
                        issuing_state=row.document["issuing_state"], number=number
                    ).first()
                    if document is None:
                        document_add(actor=actor, person=person, data=row.document)
                        outcome.documents_added += 1
                    else:
                        document_update(actor=actor, document=document, data=row.document)
                outcome.updated.append(person)
            except ValidationError as error:
                for key, messages in error.message_dict.items():
                    errors.setdefault(f"{row.row}:{key}", []).extend(messages)
        if errors:
            # Keys are "<row>:<field>". Nothing of this list is kept: the whole transaction rolls back.
            raise ValidationError(errors)
        audit_record(
            actor=actor,
            action="vessels.people_import",
            summary=f"{len(rows)} rows",  # not the file's name, which may name people
            data={
                "rows": len(rows),
                "created": [p.pk for p in outcome.created],
                "updated": [p.pk for p in outcome.updated],
            },
        )
    return outcome
