"""Regional lookouts: entered by officials, each shared as its administration decides."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caribclear.accounts.models import Administration, User
from caribclear.core.audit import audit_record
from caribclear.core.refs import new_reference
from caribclear.vessels.identifiers import imo_number_compact, validate_imo_number

from .. import tasks
from ..choices import Sharing, SourceFormat
from ..engine import Entity
from ..engine.dates import parse_partial
from ..models import Lookout, Watchlist
from .watchlists import _check_sharing


def lookout_list_for(administration: Administration) -> Watchlist:
    """The administration's own list of lookouts, created the first time it is needed."""
    watchlist, _created = Watchlist.objects.get_or_create(
        owner=administration,
        source_format=SourceFormat.LOOKOUTS,
        defaults={
            "name": _("Lookouts of %(administration)s") % {"administration": administration.name},
            "sharing": Sharing.ALL,
            "description": _("Lookouts entered by officials; each lookout says whom it is shared with."),
        },
    )
    return watchlist


def _lines(values: Iterable[str] | str) -> str:
    if isinstance(values, str):
        values = values.splitlines()
    return "\n".join(v.strip() for v in values if v and v.strip())


def _validate_lookout(fields: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    if not fields["name"].strip():
        errors["name"] = _("Give the name to look out for.")
    if not fields["reason"].strip():
        errors["reason"] = _("Say why officers should look out for this: they see it when it matches.")
    if fields["birth_date"] and parse_partial(fields["birth_date"]) is None:
        errors["birth_date"] = _("Write the date of birth as YYYY-MM-DD, YYYY-MM or YYYY.")
    if fields["valid_until"] and fields["valid_from"] and fields["valid_until"] < fields["valid_from"]:
        errors["valid_until"] = _("The lookout must end after it starts.")
    if fields["imo_number"]:
        try:
            validate_imo_number(fields["imo_number"])  # seven digits and the check digit, as on vessels
        except ValidationError as error:
            errors["imo_number"] = error.messages[0]
    if fields["mmsi"] and not (fields["mmsi"].isdigit() and len(fields["mmsi"]) == 9):
        errors["mmsi"] = _("An MMSI has exactly nine digits.")
    if errors:
        raise ValidationError(errors)


_LOOKOUT_FIELDS = (
    "kind",
    "name",
    "aliases",
    "birth_date",
    "nationalities",
    "gender",
    "document_numbers",
    "flag",
    "imo_number",
    "mmsi",
    "call_sign",
    "reason",
    "valid_from",
    "valid_until",
    "sharing",
    "source",
)


def _lookout_fields(
    *,
    kind: str,
    name: str,
    reason: str,
    aliases: Iterable[str] | str,
    birth_date: str,
    nationalities: Iterable[str],
    gender: str,
    document_numbers: Iterable[str] | str,
    flag: str,
    imo_number: str,
    mmsi: str,
    call_sign: str,
    valid_from: dt.date | None,
    valid_until: dt.date | None,
    sharing: str,
    source: str,
) -> dict[str, Any]:
    if kind not in ("Person", "Vessel", "Organization"):
        raise ValidationError({"kind": _("Choose a person, a vessel or an organisation.")})
    return {
        "kind": kind,
        "name": name.strip(),
        "aliases": _lines(aliases),
        "birth_date": (birth_date or "").strip(),
        "nationalities": sorted({str(c).upper() for c in nationalities if c}),
        "gender": gender or "",
        "document_numbers": _lines(document_numbers),
        "flag": flag or "",
        "imo_number": imo_number_compact(imo_number),
        "mmsi": (mmsi or "").strip(),
        "call_sign": (call_sign or "").strip().upper(),
        "reason": reason.strip(),
        "valid_from": valid_from or timezone.localdate(),
        "valid_until": valid_until,
        "sharing": sharing,
        "source": source[:100],
    }


@transaction.atomic
def lookout_create(
    *,
    actor: User,
    kind: str,
    name: str,
    reason: str,
    aliases: Iterable[str] | str = (),
    birth_date: str = "",
    nationalities: Iterable[str] = (),
    gender: str = "",
    document_numbers: Iterable[str] | str = (),
    flag: str = "",
    imo_number: str = "",
    mmsi: str = "",
    call_sign: str = "",
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
    sharing: str = Sharing.ALL,
    shared_with: Sequence[Administration] = (),
    source: str = "",
) -> Lookout:
    """An official of an administration enters a lookout; it is screened from the moment it commits.

    ``kind`` is "Person", "Vessel" or "Organization"; ``sharing`` "all", "named" (then ``shared_with``)
    or "own". ``source`` says where it came from (e.g. "intel alert ABCD-1234"). Raises ValidationError.
    """
    if not actor.is_official or actor.administration is None:
        raise PermissionDenied
    fields = _lookout_fields(
        kind=kind,
        name=name,
        reason=reason,
        aliases=aliases,
        birth_date=birth_date,
        nationalities=nationalities,
        gender=gender,
        document_numbers=document_numbers,
        flag=flag,
        imo_number=imo_number,
        mmsi=mmsi,
        call_sign=call_sign,
        valid_from=valid_from,
        valid_until=valid_until,
        sharing=sharing,
        source=source,
    )
    _validate_lookout(fields)
    _check_sharing(sharing, shared_with, actor.administration)
    lookout = Lookout.objects.create(
        reference=new_reference(),
        watchlist=lookout_list_for(actor.administration),
        administration=actor.administration,
        created_by=actor,
        **fields,
    )
    lookout.shared_with.set(shared_with if sharing == Sharing.NAMED else [])
    audit_record(
        actor=actor,
        action="lookout.create",
        obj=lookout,
        summary=lookout.reference,  # the reference suffices: no names in the undeletable trail
        data={"kind": kind, "sharing": sharing, "shared_with": [a.code for a in shared_with]},
    )
    tasks.rescreen_on_commit(lookout_id=lookout.pk)
    return lookout


@transaction.atomic
def lookout_update(
    *, actor: User, lookout: Lookout, shared_with: Sequence[Administration] | None = None, **changes: Any
) -> Lookout:
    """Change a lookout of the actor's administration (each change a new revision; audited).

    ``changes`` are the fields of :func:`lookout_create` to change; ``shared_with`` None keeps the named
    administrations. Open declarations of whoever used it before or uses it now are screened again.
    """
    if not actor.is_official or lookout.administration_id != actor.administration_id:
        raise PermissionDenied
    lookout = Lookout.objects.select_for_update().get(pk=lookout.pk)
    unknown = set(changes) - set(_LOOKOUT_FIELDS)
    if unknown:
        raise TypeError(f"unknown lookout fields: {sorted(unknown)}")
    current = {f: getattr(lookout, f) for f in _LOOKOUT_FIELDS}
    current["nationalities"] = [str(c) for c in lookout.nationalities]
    current["flag"] = str(lookout.flag or "")
    fields = _lookout_fields(**(current | changes))
    _validate_lookout(fields)
    named_before = list(lookout.shared_with.all())
    if shared_with is None:
        shared_with = named_before
    _check_sharing(fields["sharing"], shared_with, actor.administration)
    before_sharing = (lookout.sharing, sorted(a.pk for a in named_before))
    before = {
        k: (str(v) if not isinstance(v, list) else v) for k, v in current.items() if str(fields[k]) != str(v)
    }
    for key, value in fields.items():
        setattr(lookout, key, value)
    lookout.revision += 1
    lookout.save()
    lookout.shared_with.set(shared_with if fields["sharing"] == Sharing.NAMED else [])
    audit_record(
        actor=actor,
        action="lookout.update",
        obj=lookout,
        summary=f"{lookout.reference} revision {lookout.revision}",
        data={"changed": sorted(before), "before": before, "revision": lookout.revision},
    )
    tasks.rescreen_on_commit(
        lookout_id=lookout.pk, also_administrations=_administrations_before(before_sharing, lookout)
    )
    return lookout


def _administrations_before(before: tuple[str, list[int]], lookout: Lookout) -> list[int]:
    """Administrations that used a lookout before a sharing change (their hits must be withdrawn)."""
    sharing, named = before
    if sharing == Sharing.ALL:
        return list(Administration.objects.values_list("pk", flat=True))
    return sorted({lookout.administration_id, *(named if sharing == Sharing.NAMED else [])})


@transaction.atomic
def lookout_withdraw(*, actor: User, lookout: Lookout, reason: str) -> Lookout:
    if not actor.is_official or lookout.administration_id != actor.administration_id:
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the lookout is withdrawn.")})
    lookout = Lookout.objects.select_for_update().get(pk=lookout.pk)
    if lookout.withdrawn_at is not None:
        return lookout
    lookout.withdrawn_at = timezone.now()
    lookout.revision += 1
    lookout.save(update_fields=["withdrawn_at", "revision", "updated_at"])
    audit_record(
        actor=actor,
        action="lookout.withdraw",
        obj=lookout,
        summary=lookout.reference,
        data={"reason": reason},
    )
    tasks.rescreen_on_commit(lookout_id=lookout.pk)
    return lookout


def lookout_entity(lookout: Lookout) -> Entity:
    identifiers: dict[str, tuple[str, ...]] = {}
    if lookout.document_list:
        identifiers["passport"] = tuple(lookout.document_list)
    for kind, value in (
        ("imo", lookout.imo_number),
        ("mmsi", lookout.mmsi),
        ("call_sign", lookout.call_sign),
    ):
        if value:
            identifiers[kind] = (value,)
    nationalities = tuple(str(c) for c in lookout.nationalities)
    if lookout.kind == "Vessel" and lookout.flag:
        nationalities = (str(lookout.flag),)
    return Entity(
        id=lookout.entity_id,
        schema=lookout.kind,  # type: ignore[arg-type]
        names=tuple(dict.fromkeys([lookout.name, *lookout.alias_list])),
        birth_dates=(lookout.birth_date,) if lookout.birth_date else (),
        nationalities=nationalities,
        gender=lookout.gender or None,
        identifiers=identifiers,
        details={"reason": lookout.reason},
    )
