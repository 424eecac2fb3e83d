"""Writes of partner sharing: partner agencies and their agreements (kept by the secretariat), partner
analysts' accounts, and STIX bundles taken in as intel alerts."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stix2validator import ValidationOptions, validate_parsed_json

from caribclear.accounts.choices import OrganisationKind, Role
from caribclear.accounts.models import Administration, User
from caribclear.accounts.services import send_set_password_link
from caribclear.core.audit import audit_record
from caribclear.intel.choices import AlertSubject, PersonalField, Tlp
from caribclear.intel.services import alert_create

from . import stix
from .choices import Category, Received
from .models import PartnerAgreement, ReceivedObject

# ISO 3166 keeps these two-letter codes for users' own purposes; partner agencies take them in turn (the
# secretariat has XC). An organisation's code is two letters across the platform.
USER_ASSIGNED_CODES = [f"Q{c}" for c in "MNOPQRSTUVWXYZ"] + [f"X{c}" for c in "ABDEFGHIJKLMNOPQRSTUVWYZ"]


def _require_secretariat(actor: User) -> None:
    if not actor.is_secretariat:
        raise PermissionDenied


def _clean_terms(
    *, legal_basis: str, signed_on: dt.date | None, expires_on: dt.date | None, categories: Iterable[str]
) -> list[str]:
    errors: dict[str, str] = {}
    chosen = sorted(set(categories))
    if not legal_basis.strip():
        errors["legal_basis"] = _("State the treaty article or memorandum under which the agency receives.")
    if signed_on is None:
        errors["signed_on"] = _("Enter the date the agreement was signed.")
    elif expires_on is not None and expires_on < signed_on:
        errors["expires_on"] = _("The agreement cannot expire before it was signed.")
    if not chosen:
        errors["categories"] = _("Choose at least one category the agency may receive.")
    elif set(chosen) - set(Category.values):
        errors["categories"] = _("Unknown category.")
    if errors:
        raise ValidationError(errors)
    return chosen


@transaction.atomic
def partner_agency_create(
    *,
    actor: User,
    name: str,
    legal_basis: str,
    signed_on: dt.date | None,
    expires_on: dt.date | None,
    categories: Iterable[str],
) -> Administration:
    """The secretariat registers a partner agency (police, CARICOM IMPACS...) with its agreement."""
    _require_secretariat(actor)
    chosen = _clean_terms(
        legal_basis=legal_basis, signed_on=signed_on, expires_on=expires_on, categories=categories
    )
    if not name.strip():
        raise ValidationError({"name": _("Enter the agency's name.")})
    if Administration.organisations.filter(name__iexact=name.strip()).exists():
        raise ValidationError({"name": _("An organisation with this name already exists.")})
    taken = set(Administration.organisations.values_list("code", flat=True))
    code = next((c for c in USER_ASSIGNED_CODES if c not in taken), None)
    if code is None:
        raise ValidationError({"name": _("No code is left for another partner agency.")})
    agency = Administration.organisations.create(
        code=code, name=name.strip()[:100], languages="en", kind=OrganisationKind.PARTNER
    )
    assert signed_on is not None
    PartnerAgreement.objects.create(
        organisation=agency,
        legal_basis=legal_basis.strip(),
        signed_on=signed_on,
        expires_on=expires_on,
        categories=chosen,
        updated_by=actor,
    )
    audit_record(
        actor=actor,
        action="partners.agency_create",
        obj=agency,
        summary=f"Registered partner agency {agency.name} ({code})",
        data={"legal_basis": legal_basis.strip(), "categories": chosen},
    )
    return agency


@transaction.atomic
def partner_agreement_update(
    *,
    actor: User,
    agreement: PartnerAgreement,
    legal_basis: str,
    signed_on: dt.date | None,
    expires_on: dt.date | None,
    categories: Iterable[str],
) -> PartnerAgreement:
    """The secretariat changes an agreement's terms; a narrower one takes effect at the partner's next pull."""
    _require_secretariat(actor)
    chosen = _clean_terms(
        legal_basis=legal_basis, signed_on=signed_on, expires_on=expires_on, categories=categories
    )
    before = {"legal_basis": agreement.legal_basis, "categories": agreement.categories}
    assert signed_on is not None
    agreement.legal_basis = legal_basis.strip()
    agreement.signed_on = signed_on
    agreement.expires_on = expires_on
    agreement.categories = chosen
    agreement.updated_by = actor
    agreement.updated_at = timezone.now()
    agreement.save()
    audit_record(
        actor=actor,
        action="partners.agreement_update",
        obj=agreement.organisation,
        summary=f"Changed the agreement of {agreement.organisation.name}",
        data={"before": before, "after": {"legal_basis": agreement.legal_basis, "categories": chosen}},
    )
    return agreement


@transaction.atomic
def partner_account_create(
    *, actor: User, agency: Administration, email: str, first_name: str, last_name: str
) -> User:
    """The secretariat adds an analyst of a partner agency and e-mails a set-password link. The account
    signs in with two steps and can create a token with the TAXII scope only."""
    _require_secretariat(actor)
    if agency.kind != OrganisationKind.PARTNER:
        raise PermissionDenied
    email = User.objects.normalize_email(email).strip()
    if not email:
        raise ValidationError({"email": _("Enter an e-mail address.")})
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("An account with this e-mail address already exists.")})
    analyst = User(
        username=email.lower(),
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        role=Role.PARTNER,
        administration=agency,
        email_confirmed_at=timezone.now(),
    )
    analyst.set_unusable_password()
    analyst.full_clean(exclude=["password", "username"])
    analyst.save()
    audit_record(
        actor=actor,
        action="partners.account_create",
        obj=analyst,
        summary=f"Added user {analyst.pk} to {agency.name}",
    )
    transaction.on_commit(lambda: send_set_password_link(user=analyst))
    return analyst


# --- Taking in a partner's STIX bundle ----------------------------------------------------------------


@dataclass
class TakeInResult:
    created: list[Any] = field(default_factory=list)  # the alerts made
    skipped: list[str] = field(default_factory=list)  # STIX ids already taken in at this version
    problems: list[str] = field(default_factory=list)  # "where: what" lines, for the page


def _tlp_of(obj: dict[str, Any]) -> str:
    refs = set(obj.get("object_marking_refs", []))
    for label, id_ in stix.TLP_IDS.items():
        if id_ in refs:
            return {
                "CLEAR": Tlp.CLEAR,
                "GREEN": Tlp.GREEN,
                "AMBER": Tlp.AMBER,
                "AMBER+STRICT": Tlp.AMBER_STRICT,
            }.get(label, Tlp.RED)
    for label, id_ in stix.TLP1_IDS.items():
        if id_ in refs:
            return label
    return Tlp.AMBER  # unmarked: kept within the receiving administration


def _grade(obj: dict[str, Any]) -> tuple[str, str]:
    grading = obj.get("extensions", {}).get(stix.GRADING_EXTENSION, {})
    if (
        grading.get("source_evaluation") in ("1", "2", "3")
        and grading.get("intelligence_assessment") in "ABCDE"
    ):
        return grading["source_evaluation"], grading["intelligence_assessment"]
    confidence = obj.get("confidence")
    if not isinstance(confidence, int):
        return "2", "C"
    grade = next((g for g, floor in (("A", 80), ("B", 60), ("C", 40), ("D", 20)) if confidence >= floor), "E")
    return "2", grade  # an outside source this platform has not evaluated: "untested"


def _day(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def _subject(
    indicator: dict[str, Any], by_id: dict[str, dict[str, Any]], relations: list[dict[str, Any]]
) -> dict[str, Any]:
    """The alert's subject: the platform's own alert extension when the bundle carries it, else the person or
    organisation an indicator relates to."""
    facts = indicator.get("extensions", {}).get(stix.ALERT_EXTENSION, {})
    values: dict[str, Any] = {}
    if facts.get("subject_kind") in AlertSubject.values:
        values["subject_kind"] = facts["subject_kind"]
    for key in ("commodity", "action_requested", "identifiers", "surname", "given_names"):
        if isinstance(facts.get(key), str):
            values[key] = facts[key]
    for relation in relations:
        if relation.get("source_ref") != indicator["id"]:
            continue
        target = by_id.get(relation.get("target_ref", ""), {})
        if target.get("type") != "identity":
            continue
        if target.get("identity_class") == "individual":
            values.setdefault("subject_kind", AlertSubject.PERSON)
            values.setdefault("surname", target.get("name", "")[:150])
        elif target.get("identity_class") == "organization":
            values.setdefault("subject_kind", AlertSubject.COMPANY)
            values.setdefault("surname", target.get("name", "")[:150])
    values.setdefault("subject_kind", AlertSubject.PATTERN)
    return values


def validate_bundle(data: Any) -> list[str]:
    """OASIS' stix2-validator on the whole bundle: one line per error, naming the object."""
    if not isinstance(data, dict) or data.get("type") != "bundle":
        return [_('The file is not a STIX 2.1 bundle (a JSON object of type "bundle").')]
    results = validate_parsed_json(data, ValidationOptions(version="2.1"))
    problems = []
    for result in results if isinstance(results, list) else [results]:
        for error in result.errors:
            problems.append(f"{result.object_id or 'bundle'}: {error}")
    return problems


@transaction.atomic
def bundle_take_in(
    *, actor: User, source: Administration, content: bytes, via: str = Received.UPLOAD
) -> TakeInResult:
    """Take a partner's STIX 2.1 bundle in: checked whole with stix2-validator (nothing is kept from a bundle
    with errors), then each indicator becomes an intel alert of the actor's administration, with the source's
    TLP marking (unmarked: TLP:AMBER, kept within the administration), a grading from the bundle's 3x5x2
    extension or its confidence (source "untested"), its validity, and the person or company it relates to
    as the alert's personal subject. An indicator already taken in is skipped. The alerts feed screening
    as every alert does."""
    receiver = actor.administration_id
    if not actor.is_supervisor or receiver is None:
        raise PermissionDenied
    if source.kind != OrganisationKind.PARTNER:
        raise ValidationError({"source": _("Choose the partner agency the bundle came from.")})
    result = TakeInResult()
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        result.problems.append(_("The file is not JSON: %(error)s") % {"error": error})
        return result
    result.problems = validate_bundle(data)
    if result.problems:
        return result
    objects = [o for o in data.get("objects", []) if isinstance(o, dict)]
    by_id = {o["id"]: o for o in objects if "id" in o}
    relations = [o for o in objects if o.get("type") == "relationship"]
    known = dict(
        ReceivedObject.objects.filter(
            administration_id=receiver,
            stix_id__in=[o["id"] for o in objects if o.get("type") == "indicator"],
        ).values_list("stix_id", "stix_modified")
    )
    today = timezone.localdate()
    for indicator in (o for o in objects if o.get("type") == "indicator"):
        if indicator["id"] in known:
            result.skipped.append(indicator["id"])
            continue
        valid_from = _day(indicator.get("valid_from")) or today
        valid_until = _day(indicator.get("valid_until")) or valid_from + dt.timedelta(days=365)
        reliability, grade = _grade(indicator)
        tlp = _tlp_of(indicator)
        subject = _subject(indicator, by_id, relations)
        pattern = "\n".join(p for p in (indicator.get("description", ""), indicator.get("pattern", "")) if p)
        fields = {
            "title": (indicator.get("name") or indicator["id"])[:200],
            "pattern": pattern,
            "valid_from": valid_from,
            "valid_until": max(valid_until, valid_from),
            "tlp": tlp,
            "source_reliability": reliability,
            "information_grade": grade,
            "handling_code": "C",
            "handling_conditions": (
                _("Received from %(source)s; share further only as the source's TLP allows.")
                % {"source": source.name}
            )[:500],
            "personal_fields": [PersonalField.SUBJECT.value, PersonalField.NARRATIVE.value],
            "narrative": _("Received from %(source)s as STIX object %(id)s.")
            % {"source": source.name, "id": indicator["id"]},
            **{
                k: v
                for k, v in subject.items()
                if k in ("subject_kind", "surname", "given_names", "identifiers", "action_requested")
            },
        }
        commodity = subject.get("commodity", "")
        if commodity:
            fields["commodity"] = commodity
        try:
            alert = alert_create(actor=actor, fields=fields, recipients=[actor] if tlp == Tlp.RED else [])
        except ValidationError as error:
            raise ValidationError(
                _("%(id)s could not become an alert: %(error)s")
                % {"id": indicator["id"], "error": " ".join(error.messages)}
            ) from None
        modified = dt.datetime.fromisoformat(indicator["modified"].replace("Z", "+00:00"))
        ReceivedObject.objects.create(
            administration_id=receiver,
            source=source,
            stix_id=indicator["id"],
            stix_modified=modified,
            tlp=tlp,
            alert=alert,
            received_via=via,
            received_by=actor,
        )
        result.created.append(alert)
    if not result.created and not result.skipped:
        result.problems.append(_("The bundle holds no indicator to take in."))
    audit_record(
        actor=actor,
        action="partners.bundle_take_in",
        obj=source,
        summary=f"Took in {len(result.created)} indicators from {source.name}",
        data={"created": [a.reference for a in result.created], "skipped": result.skipped},
    )
    return result
