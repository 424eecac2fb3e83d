"""Writes on intelligence records: record, change dissemination (with a second official), answer, operate.

Creating a record sets its first label and release (the originator's judgement). Afterwards, narrowing
(a more restrictive label, fewer administrations, fewer personal releases) applies at once; downgrading
the label, widening the release or revealing personal fields waits for a second official: a supervisor
or administrator of the owning administration who did not ask for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from django.contrib.postgres.search import SearchVector
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from caribclear.accounts.models import Administration, User
from caribclear.core.audit import audit_record
from caribclear.core.pipeline import Pipeline
from caribclear.core.refs import new_reference

from .choices import (
    ALERT_PERSONAL_DEFAULT,
    RFI_PIPELINE,
    SEIZURE_PERSONAL_DEFAULT,
    TLP_RANK,
    ChangeStatus,
    PersonalField,
    RecordType,
    RfiStatus,
    Tlp,
)
from .models import (
    Alert,
    DisseminatedRecord,
    DisseminationChange,
    InformationAnswer,
    InformationRequest,
    Operation,
    Seizure,
    SeizureAttachment,
    SeizureCompany,
    SeizurePerson,
)

R = TypeVar("R", bound=DisseminatedRecord)

MODELS: dict[str, type[DisseminatedRecord]] = {
    RecordType.SEIZURE: Seizure,
    RecordType.ALERT: Alert,
    RecordType.RFI: InformationRequest,
}
DISSEMINATION_FIELDS = (
    "tlp",
    "release_to_all",
    "released_to",
    "personal_released_to",
    "recipients",
    "legal_basis",
    "personal_fields",
)


def _require_official(actor: User) -> int:
    """The actor's administration id; only officials of an administration write intelligence."""
    if not actor.is_official or actor.administration_id is None:
        raise PermissionDenied
    return actor.administration_id


def _unique_reference(model: type[DisseminatedRecord]) -> str:
    while True:
        reference = new_reference()
        if not model.objects.filter(reference=reference).exists():
            return reference


# --- Search text ------------------------------------------------------------------------------------
def _texts(record: DisseminatedRecord) -> tuple[str, str]:
    """(non-personal text, personal text) of a record, split by its personal fields."""
    flagged = set(record.personal_fields)
    public: list[str] = [record.reference]
    personal: list[str] = []

    def put(group: str, *parts: Any) -> None:
        (personal if group in flagged else public).extend(str(p) for p in parts if p)

    if isinstance(record, Seizure):
        vessel = record.vessel
        public += [
            record.description,
            record.get_commodity_display(),
            record.get_concealment_method_display(),
            record.port.name,
            record.port.locode,
            countries.name(record.route_origin) or "",
            countries.name(record.route_transit) or "",
            countries.name(record.route_destination) or "",
        ]
        for p in record.persons.all():
            put(PersonalField.PERSONS, p.surname, p.given_names, p.document_number)
        for c in record.companies.all():
            put(PersonalField.COMPANIES, c.name, c.registration_number)
        put(
            PersonalField.CONVEYANCE,
            record.conveyance_identity,
            *([vessel.name, vessel.registration_number, vessel.mmsi] if vessel is not None else []),
            *([f"IMO {vessel.imo_number}"] if vessel is not None and vessel.imo_number else []),
        )
        put(PersonalField.NARRATIVE, record.narrative)
    elif isinstance(record, Alert):
        public += [record.title, record.pattern, record.action_requested]
        put(PersonalField.SUBJECT, record.surname, record.given_names, record.identifiers)
        put(PersonalField.NARRATIVE, record.narrative)
    elif isinstance(record, InformationRequest):
        public.append(record.subject)
        put(PersonalField.NARRATIVE, record.question)
    return " ".join(str(p) for p in public if p), " ".join(personal)


def record_reindex(*, record: DisseminatedRecord) -> None:
    """Refresh the search columns (and, on PostgreSQL, the full-text vectors) of one record."""
    public, personal = _texts(record)
    model = type(record)
    model.objects.filter(pk=record.pk).update(search_text=public, personal_text=personal)
    if connection.vendor == "postgresql":
        model.objects.filter(pk=record.pk).update(
            search_vector=SearchVector("search_text", config="simple"),
            personal_vector=SearchVector("personal_text", config="simple"),
        )
    record.search_text, record.personal_text = public, personal


def _screen_again_on_commit(record: DisseminatedRecord) -> None:
    """An alert feeds screening: after commit, pending notifications it may (no longer) hit are re-screened."""
    if isinstance(record, Alert):
        from caribclear.screening.tasks import intel_alert_rescreen_on_commit

        intel_alert_rescreen_on_commit(alert_id=record.pk)


# --- Dissemination ----------------------------------------------------------------------------------
def _clean_dissemination(
    *,
    owner_id: int,
    tlp: str,
    personal_released_to: Sequence[Administration],
    legal_basis: str,
    recipients: Sequence[User],
    personal_fields: Sequence[str],
) -> None:
    errors: dict[str, str] = {}
    if tlp not in TLP_RANK:
        errors["tlp"] = _("Choose a TLP label.")
    if personal_released_to and not legal_basis.strip():
        errors["legal_basis"] = _("State the legal basis before releasing personal data.")
    if any(a.pk == owner_id for a in personal_released_to):
        errors["personal_released_to"] = _("Your own administration always sees its records.")
    if tlp == Tlp.RED and not recipients:
        errors["recipients"] = _("TLP:RED needs at least one named recipient.")
    if any(not u.is_official for u in recipients):
        errors["recipients"] = _("Named recipients must be officials.")
    unknown = set(personal_fields) - set(PersonalField.values)
    if unknown:
        errors["personal_fields"] = _("Unknown personal field.")
    if errors:
        raise ValidationError(errors)


def _apply_dissemination(record: DisseminatedRecord, values: dict[str, Any]) -> None:
    record.tlp = values["tlp"]
    record.release_to_all = values["release_to_all"]
    record.legal_basis = values["legal_basis"]
    record.personal_fields = list(values["personal_fields"])
    record.save(update_fields=["tlp", "release_to_all", "legal_basis", "personal_fields", "updated_at"])
    record.released_to.set(values["released_to"])
    record.personal_released_to.set(values["personal_released_to"])
    record.recipients.set(values["recipients"])
    record_reindex(record=record)
    _screen_again_on_commit(record)


def _snapshot(record: DisseminatedRecord) -> dict[str, Any]:
    return {
        "tlp": record.tlp,
        "release_to_all": record.release_to_all,
        "released_to": sorted(record.released_to.values_list("pk", flat=True)),
        "personal_released_to": sorted(record.personal_released_to.values_list("pk", flat=True)),
        "recipients": sorted(record.recipients.values_list("pk", flat=True)),
        "legal_basis": record.legal_basis,
        "personal_fields": sorted(record.personal_fields),
    }


def widening_reasons(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Why a change needs a second official (empty when it only narrows what is shared)."""
    reasons = []
    if TLP_RANK[after["tlp"]] < TLP_RANK[before["tlp"]]:
        reasons.append(_("the label is downgraded"))
    if after["release_to_all"] and not before["release_to_all"]:
        reasons.append(_("the record is released to all members"))
    if set(after["released_to"]) - set(before["released_to"]):
        reasons.append(_("the release is widened"))
    if set(after["recipients"]) - set(before["recipients"]):
        reasons.append(_("named recipients are added"))
    if set(after["personal_released_to"]) - set(before["personal_released_to"]):
        reasons.append(_("personal data is released to more administrations"))
    if set(before["personal_fields"]) - set(after["personal_fields"]):
        reasons.append(_("fields stop being treated as personal"))
    if after["legal_basis"] != before["legal_basis"] and after["personal_released_to"]:
        reasons.append(_("the legal basis for personal data changes"))
    return reasons


def _values(snapshot: dict[str, Any]) -> dict[str, Any]:
    return {
        **snapshot,
        # `organisations`: a release may name partner agencies beside members.
        "released_to": list(Administration.organisations.filter(pk__in=snapshot["released_to"])),
        "personal_released_to": list(
            Administration.organisations.filter(pk__in=snapshot["personal_released_to"])
        ),
        "recipients": list(User.objects.filter(pk__in=snapshot["recipients"])),
    }


@transaction.atomic
def dissemination_change_request(
    *,
    actor: User,
    record: DisseminatedRecord,
    tlp: str,
    release_to_all: bool,
    released_to: Iterable[Administration],
    personal_released_to: Iterable[Administration],
    recipients: Iterable[User],
    legal_basis: str,
    personal_fields: Iterable[str],
    reason: str,
) -> DisseminationChange:
    """Ask to change how a record is shared. Narrowing applies now; widening waits for a second official."""
    _require_official(actor)
    if actor.administration_id != record.owner_id:
        raise PermissionDenied
    released_to, personal_released_to, recipients = (
        list(released_to),
        list(personal_released_to),
        list(recipients),
    )
    personal_fields = sorted(set(personal_fields))
    _clean_dissemination(
        owner_id=record.owner_id,
        tlp=tlp,
        personal_released_to=personal_released_to,
        legal_basis=legal_basis,
        recipients=recipients,
        personal_fields=personal_fields,
    )
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the handling changes.")})
    record = type(record).objects.select_for_update().get(pk=record.pk)
    before = _snapshot(record)
    after = {
        "tlp": tlp,
        "release_to_all": bool(release_to_all),
        "released_to": sorted(a.pk for a in released_to),
        "personal_released_to": sorted(a.pk for a in personal_released_to),
        "recipients": sorted(u.pk for u in recipients),
        "legal_basis": legal_basis.strip(),
        "personal_fields": personal_fields,
    }
    if before == after:
        raise ValidationError(_("Nothing changes."))
    widening = widening_reasons(before, after)
    change = DisseminationChange.objects.create(
        record_type=type(record).record_type,
        record_id=record.pk,
        owner_id=record.owner_id,
        requested_by=actor,
        reason=reason.strip(),
        before=before,
        proposed=after,
        status=ChangeStatus.PENDING if widening else ChangeStatus.APPLIED,
    )
    if not widening:
        change.decided_at = timezone.now()
        change.save(update_fields=["decided_at"])
        _apply_dissemination(record, _values(after))
    audit_record(
        actor=actor,
        action="intel.dissemination_change_requested" if widening else "intel.dissemination_narrowed",
        obj=record,
        summary=reason[:200],
        data={"change": change.pk, "before": before, "after": after},
    )
    return change


def _can_decide(actor: User, change: DisseminationChange) -> bool:
    return (
        actor.is_supervisor
        and actor.administration_id == change.owner_id
        and actor.pk != change.requested_by_id
    )


@transaction.atomic
def dissemination_change_approve(*, actor: User, change: DisseminationChange) -> DisseminationChange:
    """A second official (supervisor or administrator of the owner, not the requester) approves and applies."""
    change = DisseminationChange.objects.select_for_update().get(pk=change.pk)
    if not _can_decide(actor, change):
        raise PermissionDenied
    if change.status != ChangeStatus.PENDING:
        raise ValidationError(_("This change has already been decided."))
    record = MODELS[change.record_type].objects.select_for_update().get(pk=change.record_id)
    if _snapshot(record) != change.before:
        raise ValidationError(_("The record's handling changed since this was asked; ask again."))
    _apply_dissemination(record, _values(change.proposed))
    change.status, change.decided_by, change.decided_at = ChangeStatus.APPROVED, actor, timezone.now()
    change.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    audit_record(
        actor=actor,
        action="intel.dissemination_change_approved",
        obj=record,
        data={"change": change.pk, "after": change.proposed},
    )
    return change


@transaction.atomic
def dissemination_change_reject(*, actor: User, change: DisseminationChange) -> DisseminationChange:
    change = DisseminationChange.objects.select_for_update().get(pk=change.pk)
    if not _can_decide(actor, change):
        raise PermissionDenied
    if change.status != ChangeStatus.PENDING:
        raise ValidationError(_("This change has already been decided."))
    change.status, change.decided_by, change.decided_at = ChangeStatus.REJECTED, actor, timezone.now()
    change.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    audit_record(actor=actor, action="intel.dissemination_change_rejected", obj=change)
    return change


# --- Records ----------------------------------------------------------------------------------------
def _create_record(
    model: type[R],
    *,
    actor: User,
    fields: dict[str, Any],
    released_to: Iterable[Administration],
    personal_released_to: Iterable[Administration],
    recipients: Iterable[User],
    default_personal: Sequence[str],
) -> R:
    administration_id = _require_official(actor)
    released_to, personal_released_to, recipients = (
        list(released_to),
        list(personal_released_to),
        list(recipients),
    )
    fields = dict(fields)
    fields.setdefault("personal_fields", list(default_personal))
    operation = fields.get("operation")
    if operation is not None and not operation.members.filter(pk=administration_id).exists():
        raise ValidationError({"operation": _("Your administration does not take part in this operation.")})
    _clean_dissemination(
        owner_id=administration_id,
        tlp=fields.get("tlp", ""),
        personal_released_to=personal_released_to,
        legal_basis=fields.get("legal_basis", ""),
        recipients=recipients,
        personal_fields=fields["personal_fields"],
    )
    record = model(reference=_unique_reference(model), owner_id=administration_id, created_by=actor, **fields)
    record.full_clean(exclude=["reference"])
    record.save()
    record.released_to.set([a for a in released_to if a.pk != actor.administration_id])
    record.personal_released_to.set(personal_released_to)
    record.recipients.set(recipients)
    return record


@transaction.atomic
def seizure_create(
    *,
    actor: User,
    fields: dict[str, Any],
    released_to: Iterable[Administration] = (),
    personal_released_to: Iterable[Administration] = (),
    recipients: Iterable[User] = (),
    persons: Iterable[dict[str, Any]] = (),
    companies: Iterable[dict[str, Any]] = (),
    files: Iterable[tuple[UploadedFile, str]] = (),
) -> Seizure:
    """Record a seizure of the actor's administration, with linked persons, companies and files."""
    seizure = _create_record(
        Seizure,
        actor=actor,
        fields=fields,
        released_to=released_to,
        personal_released_to=personal_released_to,
        recipients=recipients,
        default_personal=SEIZURE_PERSONAL_DEFAULT,
    )
    for person in persons:
        row = SeizurePerson(seizure=seizure, **person)
        row.full_clean(exclude=["seizure"])
        row.save()
    for company in companies:
        row_c = SeizureCompany(seizure=seizure, **company)
        row_c.full_clean(exclude=["seizure"])
        row_c.save()
    for upload, caption in files:
        SeizureAttachment.objects.create(seizure=seizure, file=upload, caption=caption, uploaded_by=actor)
    record_reindex(record=seizure)
    audit_record(
        actor=actor,
        action="intel.seizure_recorded",
        obj=seizure,
        summary=f"{seizure.reference} {seizure.commodity}",
    )
    return seizure


@transaction.atomic
def alert_create(
    *,
    actor: User,
    fields: dict[str, Any],
    released_to: Iterable[Administration] = (),
    personal_released_to: Iterable[Administration] = (),
    recipients: Iterable[User] = (),
    rescreen: bool = True,
) -> Alert:
    """Issue an alert or lookout; when current, it feeds the screening watchlists (`active_lookouts`).
    A caller issuing many alerts at once passes `rescreen=False` and calls `alerts_rescreen_on_commit`
    once for all of them."""
    alert = _create_record(
        Alert,
        actor=actor,
        fields=fields,
        released_to=released_to,
        personal_released_to=personal_released_to,
        recipients=recipients,
        default_personal=ALERT_PERSONAL_DEFAULT,
    )
    record_reindex(record=alert)
    audit_record(actor=actor, action="intel.alert_issued", obj=alert, summary=alert.reference)
    if rescreen:
        _screen_again_on_commit(alert)
    return alert


def alerts_rescreen_on_commit(*, alert_ids: Sequence[int]) -> None:
    """Many alerts issued in one transaction (a partner's bundle taken in): once it commits, one re-screen
    of the open declarations of every administration any of them screens for, instead of one per alert."""
    from caribclear.screening.selectors import administrations_screening_alert
    from caribclear.screening.tasks import rescreen_task

    ids = list(alert_ids)

    def enqueue() -> None:
        administrations = sorted({a for pk in ids for a in administrations_screening_alert(pk)})
        if administrations:
            rescreen_task.enqueue(also_administrations=administrations)

    if ids:
        transaction.on_commit(enqueue)


@transaction.atomic
def information_request_create(
    *,
    actor: User,
    fields: dict[str, Any],
    addressed_to: Iterable[Administration],
    legal_basis: str = "",
    include_personal: bool = False,
) -> InformationRequest:
    """Ask other administrations for information: released (TLP:AMBER) to exactly those addressed."""
    addressed = [a for a in addressed_to if a.pk != actor.administration_id]
    if not addressed:
        raise ValidationError({"addressed_to": _("Choose at least one other administration.")})
    if fields.get("deadline") and fields["deadline"] < timezone.localdate():
        raise ValidationError({"deadline": _("The deadline cannot be in the past.")})
    fields = {**fields, "tlp": fields.get("tlp") or Tlp.AMBER, "legal_basis": legal_basis}
    rfi = _create_record(
        InformationRequest,
        actor=actor,
        fields=fields,
        released_to=addressed,
        personal_released_to=addressed if include_personal else [],
        recipients=[],
        default_personal=[PersonalField.NARRATIVE],
    )
    record_reindex(record=rfi)
    audit_record(actor=actor, action="intel.rfi_sent", obj=rfi, summary=rfi.subject[:200])
    return rfi


# The moves of a request's status (`choices.RFI_PIPELINE`), checked and recorded by the core pipeline.
RFI_STATUS = Pipeline(
    "status", RFI_PIPELINE, message=gettext_lazy("A request that is %(status)s cannot move to that status.")
)


@transaction.atomic
def information_request_answer(*, actor: User, rfi: InformationRequest, text: str) -> InformationAnswer:
    """An official of an addressed administration answers."""
    administration_id = _require_official(actor)
    rfi = InformationRequest.objects.select_for_update().get(pk=rfi.pk)
    if not rfi.released_to.filter(pk=administration_id).exists():
        raise PermissionDenied
    if not text.strip():
        raise ValidationError({"text": _("Write the answer.")})
    RFI_STATUS.move(rfi, RfiStatus.ANSWERED, actor=actor)
    rfi.save(update_fields=["status", "updated_at"])
    answer = InformationAnswer.objects.create(
        request=rfi, administration_id=administration_id, author=actor, text=text.strip()
    )
    audit_record(actor=actor, action="intel.rfi_answered", obj=rfi)
    return answer


@transaction.atomic
def information_request_set_status(
    *, actor: User, rfi: InformationRequest, status: str
) -> InformationRequest:
    """The asking administration closes or withdraws its request (or reopens an answered one)."""
    _require_official(actor)
    if actor.administration_id != rfi.owner_id:
        raise PermissionDenied
    rfi = InformationRequest.objects.select_for_update().get(pk=rfi.pk)
    RFI_STATUS.move(rfi, status, actor=actor)
    rfi.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="intel.rfi_status", obj=rfi, data={"status": status})
    return rfi


@transaction.atomic
def operation_create(
    *,
    actor: User,
    code: str,
    name: str,
    description: str,
    starts_on: dt.date,
    ends_on: dt.date,
    members: Iterable[Administration],
) -> Operation:
    """A supervisor opens an operation led by their administration, with the invited members."""
    if not actor.is_supervisor or actor.administration is None:
        raise PermissionDenied
    lead_id = _require_official(actor)
    operation = Operation(
        code=code,
        name=name,
        description=description,
        starts_on=starts_on,
        ends_on=ends_on,
        lead_id=lead_id,
        created_by=actor,
    )
    operation.full_clean()
    operation.save()
    operation.members.set({*members, actor.administration})
    audit_record(actor=actor, action="intel.operation_opened", obj=operation, summary=name)
    return operation
