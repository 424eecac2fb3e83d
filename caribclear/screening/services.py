"""Writes of the screening app: importing lists, lookouts, screening notifications, dispositions of hits.

The engine (``caribclear.screening.engine``) does the matching; this module stores what it reads, keeps
built indexes in a per-process cache keyed by list versions, and records hits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caribclear.accounts.models import Administration, User
from caribclear.clearance.choices import Status
from caribclear.clearance.models import Notification
from caribclear.core.audit import audit_record
from caribclear.core.refs import new_reference
from caribclear.intel.selectors import Lookout as IntelLookout
from caribclear.vessels.identifiers import imo_number_compact, validate_imo_number

from . import selectors
from .choices import FILE_FORMATS, Disposition, ScreeningReason, Sharing, SourceFormat, SubjectKind
from .engine import Entity, Evidence, Index, InputError, Match, read_watchlist
from .engine.dates import parse_partial
from .engine.index import IDENTIFIER_FLOOR
from .engine.normalize import name_tokens, normalize_identifier
from .models import Hit, Lookout, ScreeningRun, Watchlist, WatchlistEntry, WatchlistVersion

logger = logging.getLogger(__name__)
T = TypeVar("T")

#: Notifications still to be cleared, which a list change screens again.
PENDING_STATUSES = (Status.SUBMITTED, Status.IN_PROGRESS)
#: At most this many matches per person or vessel and list.
MATCH_LIMIT = 10
#: Entries listed in a version's diff, per kind (the counts are always complete).
DIFF_LISTED = 2000


# --- Entities as stored ---------------------------------------------------------------------------------
def entity_to_data(entity: Entity) -> dict[str, Any]:
    return {
        "id": entity.id,
        "schema": entity.schema,
        "names": list(entity.names),
        "birth_dates": list(entity.birth_dates),
        "nationalities": list(entity.nationalities),
        "gender": entity.gender,
        "identifiers": {kind: list(values) for kind, values in sorted(entity.identifiers.items())},
        "details": dict(sorted(entity.details.items())),
    }


def entity_from_data(data: dict[str, Any]) -> Entity:
    return Entity(
        id=data["id"],
        schema=data["schema"],
        names=tuple(data.get("names", ())),
        birth_dates=tuple(data.get("birth_dates", ())),
        nationalities=tuple(data.get("nationalities", ())),
        gender=data.get("gender"),
        identifiers={kind: tuple(values) for kind, values in data.get("identifiers", {}).items()},
        details=dict(data.get("details", {})),
    )


def content_hash(data: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def search_name(names: Iterable[str]) -> str:
    return " | ".join(" ".join(name_tokens(name)) for name in names)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- Watchlists -----------------------------------------------------------------------------------------
def _check_sharing(sharing: str, shared_with: Sequence[Administration], owner: Administration | None) -> None:
    if sharing not in Sharing.values:
        raise ValidationError({"sharing": _("Choose who may screen against it.")})
    if sharing == Sharing.NAMED and not shared_with:
        raise ValidationError({"shared_with": _("Name at least one member administration.")})
    if sharing == Sharing.OWN and owner is None:
        raise ValidationError({"sharing": _("A regional list cannot be kept to one administration.")})


@transaction.atomic
def watchlist_create(
    *,
    actor: User | None,
    name: str,
    source_format: str,
    owner: Administration | None,
    sharing: str = Sharing.ALL,
    shared_with: Sequence[Administration] = (),
    threshold: Decimal | float = Decimal("0.80"),
    description: str = "",
) -> Watchlist:
    """Create a list. Officials create lists of their own administration; the command line any list."""
    if actor is not None and (
        not actor.is_supervisor or owner is None or owner.pk != actor.administration_id
    ):
        raise PermissionDenied
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the list a name.")})
    if Watchlist.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": _("A list with this name already exists.")})
    if source_format not in FILE_FORMATS:
        raise ValidationError({"source_format": _("Choose the format of the file.")})
    _check_sharing(sharing, shared_with, owner)
    watchlist = Watchlist.objects.create(
        name=name,
        source_format=source_format,
        owner=owner,
        sharing=sharing,
        threshold=Decimal(str(threshold)),
        description=description,
    )
    if sharing == Sharing.NAMED:
        watchlist.shared_with.set(shared_with)
    audit_record(
        actor=actor,
        action="watchlist.create",
        obj=watchlist,
        summary=name,
        data={"format": source_format, "owner": owner.code if owner else "", "sharing": sharing},
    )
    return watchlist


@transaction.atomic
def watchlist_update(
    *,
    actor: User,
    watchlist: Watchlist,
    sharing: str,
    shared_with: Sequence[Administration] = (),
    threshold: Decimal | float,
    is_active: bool,
) -> Watchlist:
    """The owner administration's supervisor changes who may use a list, its threshold, or pauses it.

    Pending notifications of whoever used it before or uses it now are screened again.
    """
    if not actor.is_supervisor or watchlist.owner_id is None or watchlist.owner_id != actor.administration_id:
        raise PermissionDenied
    if watchlist.is_intel and sharing != Sharing.OWN:
        raise ValidationError(
            {"sharing": _("Intelligence alerts are shared by the intelligence release of each alert.")}
        )
    _check_sharing(sharing, shared_with, watchlist.owner)
    threshold = Decimal(str(threshold))
    if not Decimal("0.5") <= threshold <= Decimal(1):
        raise ValidationError({"threshold": _("The threshold is between 0.50 and 1.00.")})
    watchlist = Watchlist.objects.select_for_update().get(pk=watchlist.pk)
    used_before = selectors.administrations_using(watchlist=watchlist)
    before = {
        "sharing": watchlist.sharing,
        "shared_with": sorted(watchlist.shared_with.values_list("code", flat=True)),
        "threshold": str(watchlist.threshold),
        "is_active": watchlist.is_active,
    }
    watchlist.sharing, watchlist.threshold, watchlist.is_active = sharing, threshold, is_active
    watchlist.save(update_fields=["sharing", "threshold", "is_active", "updated_at"])
    watchlist.shared_with.set(shared_with if sharing == Sharing.NAMED else [])
    after = {
        "sharing": sharing,
        "shared_with": sorted(a.code for a in shared_with) if sharing == Sharing.NAMED else [],
        "threshold": str(threshold),
        "is_active": is_active,
    }
    audit_record(
        actor=actor,
        action="watchlist.update",
        obj=watchlist,
        summary=watchlist.name,
        data={"before": before, "after": after},
    )
    if before != after:
        _rescreen_on_commit(watchlist_id=watchlist.pk, also_administrations=used_before)
    return watchlist


def _diff_rows(ids: Iterable[str], captions: dict[str, str]) -> list[list[str]]:
    return [[entity_id, captions.get(entity_id, "")] for entity_id in sorted(ids)[:DIFF_LISTED]]


@transaction.atomic
def watchlist_import(
    *, actor: User | None, watchlist: Watchlist, path: Path, file_name: str = ""
) -> WatchlistVersion:
    """Read a list file with the engine and store it as the list's new version.

    Entries are compared by the source's entity id and a hash of their content, so the version records
    what was added, changed and removed. A file with no change still makes a version (it shows the list
    was checked), but screens nothing again.
    """
    if watchlist.is_lookouts:
        raise ValidationError(_("Lookouts are entered in CaribClear, not imported."))
    if actor is not None and (not actor.is_supervisor or watchlist.owner_id != actor.administration_id):
        raise PermissionDenied
    try:
        info, entities = read_watchlist(path, watchlist.source_format)
    except InputError as error:
        raise ValidationError({"file": str(error)}) from error
    except (UnicodeDecodeError, ValueError, KeyError) as error:
        raise ValidationError(
            {
                "file": _("This file cannot be read as %(format)s.")
                % {"format": watchlist.get_source_format_display()}
            }
        ) from error
    if not entities:
        raise ValidationError({"file": _("The file holds no person, vessel or organisation to screen.")})

    watchlist = Watchlist.objects.select_for_update().get(pk=watchlist.pk)
    new: dict[str, tuple[Entity, dict[str, Any], str]] = {}
    for entity in entities:
        data = entity_to_data(entity)
        new[entity.id] = (entity, data, content_hash(data))
    old = dict(watchlist.entries.values_list("entity_id", "content_hash"))
    old_captions = dict(watchlist.entries.values_list("entity_id", "caption"))
    added = [i for i in new if i not in old]
    removed = [i for i in old if i not in new]
    changed = [i for i in new if i in old and old[i] != new[i][2]]
    captions = {i: new[i][0].caption[:300] for i in new} | {i: old_captions[i] for i in removed}

    last = watchlist.versions.order_by("-number").first()
    version = WatchlistVersion.objects.create(
        watchlist=watchlist,
        number=(last.number + 1) if last else 1,
        file_name=(file_name or path.name)[:255],
        file_hash=file_sha256(path),
        published=info.published or "",
        entity_count=len(new),
        skipped_count=info.skipped,
        added_count=len(added),
        changed_count=len(changed),
        removed_count=len(removed),
        diff={
            "added": _diff_rows(added, captions),
            "changed": _diff_rows(changed, captions),
            "removed": _diff_rows(removed, captions),
        },
        imported_by=actor,
    )
    if removed:
        for start in range(0, len(removed), 500):
            watchlist.entries.filter(entity_id__in=removed[start : start + 500]).delete()
    if changed:
        rows = {e.entity_id: e for e in watchlist.entries.filter(entity_id__in=changed)}
        for entity_id in changed:
            entity, data, digest = new[entity_id]
            row = rows[entity_id]
            row.schema, row.caption, row.data, row.content_hash = (
                entity.schema,
                entity.caption[:300],
                data,
                digest,
            )
            row.search_name = search_name(entity.names)
            row.changed_in = version
        WatchlistEntry.objects.bulk_update(
            rows.values(),
            ["schema", "caption", "data", "content_hash", "search_name", "changed_in"],
            batch_size=500,
        )
    WatchlistEntry.objects.bulk_create(
        (
            WatchlistEntry(
                watchlist=watchlist,
                entity_id=entity_id,
                schema=new[entity_id][0].schema,
                caption=new[entity_id][0].caption[:300],
                search_name=search_name(new[entity_id][0].names),
                data=new[entity_id][1],
                content_hash=new[entity_id][2],
                added_in=version,
                changed_in=version,
            )
            for entity_id in added
        ),
        batch_size=500,
    )
    watchlist.current_version = version
    watchlist.save(update_fields=["current_version", "updated_at"])
    audit_record(
        actor=actor,
        action="watchlist.import",
        obj=watchlist,
        summary=f"v{version.number}: +{len(added)} ~{len(changed)} -{len(removed)}",
        data={
            "version": version.number,
            "file": version.file_name,
            "sha256": version.file_hash,
            "entries": len(new),
            "added": len(added),
            "changed": len(changed),
            "removed": len(removed),
        },
    )
    if version.has_changes:
        _rescreen_on_commit(watchlist_id=watchlist.pk)
    return version


# --- Lookouts -------------------------------------------------------------------------------------------
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
        summary=f"{lookout.reference} {lookout.name}",
        data={"kind": kind, "sharing": sharing, "shared_with": [a.code for a in shared_with]},
    )
    _rescreen_on_commit(lookout_id=lookout.pk)
    return lookout


@transaction.atomic
def lookout_update(
    *, actor: User, lookout: Lookout, shared_with: Sequence[Administration] | None = None, **changes: Any
) -> Lookout:
    """Change a lookout of the actor's administration (each change a new revision; audited).

    ``changes`` are the fields of :func:`lookout_create` to change; ``shared_with`` None keeps the named
    administrations. Pending notifications of whoever used it before or uses it now are screened again.
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
    _rescreen_on_commit(
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
    _rescreen_on_commit(lookout_id=lookout.pk)
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


# --- The index cache ------------------------------------------------------------------------------------
class IndexCache:
    """Built engine indexes, keyed by what they were built from (a list version, a set of lookout revisions,
    the fingerprint of the intelligence alerts an administration sees).

    A key never changes meaning: a new version or revision makes a new key, so an entry is never stale;
    the least recently used ones are dropped beyond ``size``.
    """

    def __init__(self, size: int = 16) -> None:
        self.size = size
        self._items: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._lock = threading.Lock()
        self.builds = 0

    def get(self, key: tuple[Any, ...], build: Callable[[], T]) -> T:
        with self._lock:
            index = self._items.get(key)
            if index is not None:
                self._items.move_to_end(key)
                return index
        index = build()
        with self._lock:
            self.builds += 1
            self._items[key] = index
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return index

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


index_cache = IndexCache()


def _lookouts_index(lookouts: list[Lookout]) -> Index:
    return Index.build(lookout_entity(lk) for lk in lookouts)


def _version_index(watchlist: Watchlist) -> Index:
    version = watchlist.current_version
    assert version is not None
    # The hash and time make the key unique even if a rolled-back import's row id is used again.
    return index_cache.get(
        ("version", watchlist.pk, version.pk, version.file_hash, version.imported_at.isoformat()),
        lambda: Index.build(
            entity_from_data(data)
            for data in WatchlistEntry.objects.filter(watchlist_id=watchlist.pk)
            .order_by("pk")
            .values_list("data", flat=True)
            .iterator(chunk_size=2000)
        ),
    )


# --- Intelligence alerts --------------------------------------------------------------------------------
_ALERT_SCHEMAS = {"person": "Person", "vessel": "Vessel", "company": "Organization"}
_DIGITS = frozenset("0123456789")


def intel_list_for(administration: Administration) -> Watchlist:
    """The administration's own "Intelligence alerts" list, under which hits on alerts are recorded.

    It holds nothing itself: which alerts it screens is decided, each time, by the intel app's release of
    each alert. It is never shared (another administration sees alerts through its own list).
    """
    watchlist, _created = Watchlist.objects.get_or_create(
        owner=administration,
        source_format=SourceFormat.INTEL,
        defaults={
            "name": _("Intelligence alerts of %(administration)s") % {"administration": administration.name},
            "sharing": Sharing.OWN,
            "description": _(
                "Current intelligence alerts and lookouts that this administration may see, screened with "
                "the names and identifiers their release lets it see. Each hit shows the alert's reference."
            ),
        },
    )
    return watchlist


def _vessel_identifier(value: str) -> tuple[str, str]:
    """(kind, number) of a vessel identifier written freely: "IMO 9187629", "MMSI 232001234", a call sign."""
    cleaned = normalize_identifier("call_sign", value)
    for prefix in ("IMO", "MMSI"):
        if cleaned.startswith(prefix) and set(cleaned[len(prefix) :]) <= _DIGITS:
            cleaned = cleaned[len(prefix) :]
    if len(cleaned) == 7 and set(cleaned) <= _DIGITS:
        return "imo", cleaned
    if len(cleaned) == 9 and set(cleaned) <= _DIGITS:
        return "mmsi", cleaned
    return "call_sign", cleaned


def intel_lookout_entity(lookout: IntelLookout) -> Entity | None:
    """An intelligence alert as the engine sees it; None when there is nothing the reader may match on
    (a pattern, or a subject whose personal details are not released to this administration)."""
    schema = _ALERT_SCHEMAS.get(lookout.subject_kind)
    if schema is None or not (lookout.names or lookout.identifiers):
        return None
    identifiers: dict[str, list[str]] = {}
    for value in lookout.identifiers:
        kind, number = _vessel_identifier(value) if schema == "Vessel" else ("passport", value)
        identifiers.setdefault(kind, []).append(number)
    return Entity(
        id=lookout.reference,
        schema=schema,  # type: ignore[arg-type]
        names=lookout.names,
        birth_dates=(lookout.date_of_birth.isoformat(),) if lookout.date_of_birth else (),
        nationalities=(lookout.nationality,) if lookout.nationality else (),
        identifiers={kind: tuple(values) for kind, values in identifiers.items()},
        details={"title": lookout.title, "owner": lookout.owner, "tlp": lookout.tlp},
    )


@dataclass(frozen=True)
class IntelIndex:
    """The alerts an administration may match on, built once per fingerprint of what it may see."""

    index: Index  # alerts with a name the reader may see
    by_identifier: dict[tuple[str, str], tuple[str, ...]]  # alerts known by identifiers only
    alerts: dict[str, IntelLookout]

    @classmethod
    def build(cls, lookouts: Iterable[IntelLookout]) -> IntelIndex:
        named: list[Entity] = []
        by_identifier: dict[tuple[str, str], list[str]] = {}
        alerts: dict[str, IntelLookout] = {}
        for lookout in lookouts:
            entity = intel_lookout_entity(lookout)
            if entity is None:
                continue
            alerts[lookout.reference] = lookout
            if entity.names:
                named.append(entity)
                continue
            for kind, values in entity.identifiers.items():
                for value in values:
                    key = (kind, normalize_identifier(kind, value))
                    if key[1]:
                        by_identifier.setdefault(key, []).append(entity.id)
        return cls(
            index=Index.build(named),
            by_identifier={key: tuple(dict.fromkeys(ids)) for key, ids in by_identifier.items()},
            alerts=alerts,
        )

    def __len__(self) -> int:
        return len(self.alerts)

    def screen(self, query: Entity, threshold: float) -> list[Match]:
        """Named alerts through the engine; alerts known only by identifiers on an identical number."""
        matches = self.index.screen(query, threshold=threshold, limit=MATCH_LIMIT)
        found = {m.entity_id for m in matches}
        for kind, values in query.identifiers.items():
            for value in values:
                number = normalize_identifier(kind, value)
                for reference in self.by_identifier.get((kind, number), ()):
                    if reference in found or threshold > IDENTIFIER_FLOOR:
                        continue
                    found.add(reference)
                    detail = f"same identifier: {kind} {number}"
                    matches.append(
                        Match(
                            entity_id=reference,
                            score=IDENTIFIER_FLOOR,
                            explanation=f"alert {reference} scored {IDENTIFIER_FLOOR:.2f}; {detail}",
                            evidence=(Evidence("identifier", IDENTIFIER_FLOOR, detail),),
                        )
                    )
        matches.sort(key=lambda m: (-m.score, m.entity_id))
        return matches[:MATCH_LIMIT]


def _intel_index(administration: Administration) -> tuple[tuple[Any, ...], IntelIndex] | None:
    """The administration's alerts index, rebuilt only when what it may see changes; None if none."""
    day = timezone.localdate()
    fingerprint = selectors.intel_alerts_fingerprint(administration, on=day)
    if not fingerprint[1]:
        return None
    index = index_cache.get(
        ("intel", administration.pk, *fingerprint),
        lambda: IntelIndex.build(selectors.intel_lookouts(administration, on=day)),
    )
    return fingerprint, index


# --- Screening notifications ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Subject:
    kind: str
    key: str
    label: str
    query: Entity


_GENDERS = {"F": "female", "M": "male"}


def notification_subjects(notification: Notification) -> list[Subject]:
    """The people on board and the vessel of a notification as engine queries."""
    subjects: list[Subject] = []
    on_board = (
        notification.people_on_board.select_related("person", "document")
        .prefetch_related("person__documents")
        .order_by("pk")
    )
    for np in on_board:
        person = np.person
        identifiers: dict[str, tuple[str, ...]] = {}
        numbers = [n for n in [np.document.number if np.document_id else ""] if n]
        numbers += [d.number for d in person.documents.all() if d.number and d.number not in numbers]
        if numbers:
            identifiers["passport"] = tuple(numbers)
        names = [f"{person.surname}, {person.given_names}".strip(", ")]
        subjects.append(
            Subject(
                kind=SubjectKind.PERSON,
                key=f"person:{person.pk}",
                label=person.full_name,
                query=Entity(
                    id=f"person:{person.pk}",
                    schema="Person",
                    names=tuple(names),
                    birth_dates=(person.date_of_birth.isoformat(),) if person.date_of_birth else (),
                    nationalities=(str(person.nationality),) if person.nationality else (),
                    gender=_GENDERS.get(person.sex),
                    identifiers=identifiers,
                ),
            )
        )
    vessel = notification.vessel
    vessel_ids: dict[str, tuple[str, ...]] = {}
    for kind, attr in (("imo", "imo_number"), ("mmsi", "mmsi"), ("call_sign", "call_sign")):
        value = getattr(vessel, attr, "")
        if value:
            vessel_ids[kind] = (str(value),)
    subjects.append(
        Subject(
            kind=SubjectKind.VESSEL,
            key=f"vessel:{vessel.pk}",
            label=vessel.name,
            query=Entity(
                id=f"vessel:{vessel.pk}",
                schema="Vessel",
                names=(vessel.name,),
                nationalities=(str(vessel.flag),) if vessel.flag else (),
                identifiers=vessel_ids,
            ),
        )
    )
    if vessel.owner_name.strip():
        # The registered owner, person or company: sanctions often name the owner, not the yacht.
        subjects.append(
            Subject(
                kind=SubjectKind.OWNER,
                key=f"owner:{vessel.pk}",
                label=vessel.owner_name,
                query=Entity(id=f"owner:{vessel.pk}", schema="LegalEntity", names=(vessel.owner_name,)),
            )
        )
    return subjects


def _matches(index: Index, subjects: list[Subject], threshold: float) -> list[tuple[Subject, Any]]:
    return [
        (subject, match)
        for subject in subjects
        for match in index.screen(subject.query, threshold=threshold, limit=MATCH_LIMIT)
    ]


def _evidence(match: Any) -> list[dict[str, Any]]:
    return [{"kind": e.kind, "effect": e.effect, "detail": e.detail} for e in match.evidence]


@transaction.atomic
def notification_screen(*, notification: Notification, reason: str = ScreeningReason.FILED) -> ScreeningRun:
    """Screen a notification's people and vessel against every list its administration may use.

    Hits already found keep their disposition; a hit no longer found is kept but marked as not current.
    """
    started = time.monotonic()
    notification = Notification.objects.select_related("vessel", "administration").get(pk=notification.pk)
    administration = notification.administration
    subjects = notification_subjects(notification)
    results: list[tuple[Watchlist, Subject, Any, int | None, int | None, str]] = []
    used: list[list[Any]] = []

    for watchlist in selectors.imported_watchlists_for_screening(administration):
        version = watchlist.current_version
        used.append([watchlist.pk, f"v{version.number}" if version else ""])
        pairs = _matches(_version_index(watchlist), subjects, float(watchlist.threshold))
        if not pairs:
            continue
        rows = {
            entity_id: (pk, caption)
            for entity_id, pk, caption in WatchlistEntry.objects.filter(
                watchlist=watchlist, entity_id__in={m.entity_id for _s, m in pairs}
            ).values_list("entity_id", "pk", "caption")
        }
        for subject, match in pairs:
            pk, caption = rows.get(match.entity_id, (None, ""))
            results.append((watchlist, subject, match, pk, None, caption))

    lookouts = list(selectors.lookouts_in_force(administration).select_related("watchlist").order_by("pk"))
    by_list: dict[int, list[Lookout]] = {}
    for lookout in lookouts:
        by_list.setdefault(lookout.watchlist_id, []).append(lookout)
    for lookout_list in by_list.values():
        watchlist = lookout_list[0].watchlist
        if not watchlist.is_active:
            continue
        revisions = tuple((lk.pk, lk.revision, lk.updated_at.isoformat()) for lk in lookout_list)
        used.append([watchlist.pk, hashlib.sha256(repr(revisions).encode()).hexdigest()[:16]])
        index = index_cache.get(
            ("lookouts", watchlist.pk, revisions),
            partial(_lookouts_index, lookout_list),
        )
        by_entity = {lk.entity_id: lk for lk in lookout_list}
        for subject, match in _matches(index, subjects, float(watchlist.threshold)):
            lk = by_entity[match.entity_id]
            results.append((watchlist, subject, match, None, lk.pk, lk.name))

    intel = _intel_index(administration)
    if intel is not None and len(intel[1]):
        fingerprint, alerts = intel
        watchlist = intel_list_for(administration)
        if watchlist.is_active:
            used.append([watchlist.pk, hashlib.sha256(repr(fingerprint).encode()).hexdigest()[:16]])
            threshold = float(watchlist.threshold)
            for subject in subjects:
                for match in alerts.screen(subject.query, threshold):
                    results.append(
                        (watchlist, subject, match, None, None, alerts.alerts[match.entity_id].title)
                    )

    run = ScreeningRun.objects.create(
        notification=notification,
        administration=administration,
        reason=reason,
        notification_version=notification.version,
        subject_count=len(subjects),
        lists=used,
    )
    existing = {
        (h.watchlist_id, h.entity_id, h.subject_key): h for h in Hit.objects.filter(notification=notification)
    }
    seen: set[tuple[int, str, str]] = set()
    for watchlist, subject, match, entry_id, lookout_id, caption in results:
        key = (watchlist.pk, match.entity_id, subject.key)
        if key in seen:
            continue
        seen.add(key)
        values = {
            "entry_id": entry_id,
            "lookout_id": lookout_id,
            "alert_reference": match.entity_id if watchlist.is_intel else "",
            "entity_caption": (caption or match.entity_id)[:300],
            "subject_kind": subject.kind,
            "subject_label": subject.label[:300],
            "score": Decimal(str(match.score)).quantize(Decimal("0.0001")),
            "explanation": match.explanation,
            "evidence": _evidence(match),
            "is_current": True,
            "last_run": run,
        }
        hit = existing.get(key)
        if hit is None:
            Hit.objects.create(
                notification=notification,
                watchlist=watchlist,
                entity_id=match.entity_id,
                subject_key=subject.key,
                **values,
            )
        else:
            for field, value in values.items():
                setattr(hit, field, value)
            hit.save()
    gone = [h.pk for k, h in existing.items() if k not in seen and h.is_current]
    if gone:
        Hit.objects.filter(pk__in=gone).update(is_current=False)
    run.hit_count = len(seen)
    run.duration_ms = int((time.monotonic() - started) * 1000)
    run.save(update_fields=["hit_count", "duration_ms"])
    audit_record(
        actor=None,
        action="screening.run",
        obj=notification,
        summary=f"{len(subjects)} screened, {len(seen)} hits",
        data={"reason": reason, "lists": used, "hits": len(seen), "no_longer_matching": len(gone)},
    )
    return run


# --- Re-screening ---------------------------------------------------------------------------------------
def pending_notifications(administration_ids: Iterable[int]) -> list[int]:
    """Notifications still to be cleared and expected in the future, of the given administrations."""
    return list(
        Notification.objects.filter(
            administration_id__in=list(administration_ids),
            status__in=PENDING_STATUSES,
            expected_at__gte=timezone.now(),
        )
        .order_by("expected_at", "pk")
        .values_list("pk", flat=True)
    )


def _rescreen_on_commit(
    *,
    watchlist_id: int | None = None,
    lookout_id: int | None = None,
    also_administrations: Sequence[int] = (),
) -> None:
    from .tasks import rescreen_task

    def enqueue() -> None:
        rescreen_task.enqueue(
            watchlist_id=watchlist_id, lookout_id=lookout_id, also_administrations=list(also_administrations)
        )

    transaction.on_commit(enqueue)


def notifications_rescreen(
    *,
    watchlist_id: int | None = None,
    lookout_id: int | None = None,
    also_administrations: Sequence[int] = (),
) -> list[int]:
    """After a list or lookout changed: queue the pending notifications that use it to be checked again."""
    from caribclear.risk.tasks import check_notification_task

    administration_ids = set(also_administrations)
    if lookout_id is not None:
        lookout = Lookout.objects.get(pk=lookout_id)
        administration_ids |= set(selectors.administrations_using(lookout=lookout))
    if watchlist_id is not None:
        watchlist = Watchlist.objects.get(pk=watchlist_id)
        administration_ids |= set(selectors.administrations_using(watchlist=watchlist))
    ids = pending_notifications(administration_ids)
    for notification_id in ids:
        check_notification_task.enqueue(notification_id=notification_id, reason=ScreeningReason.LIST_CHANGED)
    logger.info("re-screening %d pending notifications", len(ids))
    return ids


def intel_alert_rescreen_on_commit(*, alert_id: int) -> None:
    """An intelligence alert was issued or its content or release changed (the intel app calls this inside
    its transaction): once it commits, the pending notifications it may now hit, or no longer hits, are
    screened again in the background."""
    from .tasks import rescreen_intel_alert_task

    transaction.on_commit(lambda: rescreen_intel_alert_task.enqueue(alert_id=alert_id))


def notifications_rescreen_for_alert(*, alert_id: int) -> list[int]:
    """Queue the pending notifications of the administrations an alert now screens for (they may see its
    subject) and of those with a current hit on it, to be checked again."""
    from caribclear.risk.tasks import check_notification_task

    ids = pending_notifications(selectors.administrations_screening_alert(alert_id))
    for notification_id in ids:
        check_notification_task.enqueue(notification_id=notification_id, reason=ScreeningReason.LIST_CHANGED)
    logger.info("re-screening %d pending notifications after intelligence alert %s", len(ids), alert_id)
    return ids


# --- Dispositions ---------------------------------------------------------------------------------------
@transaction.atomic
def hit_dispose(*, actor: User, hit: Hit, disposition: str, note: str = "") -> Hit:
    """An officer of the notification's administration says whether a hit is the listed person or not."""
    if not actor.is_official or hit.notification.administration_id != actor.administration_id:
        raise PermissionDenied
    if disposition not in (Disposition.TRUE_MATCH, Disposition.FALSE_POSITIVE):
        raise ValidationError({"disposition": _("Choose true match or false positive.")})
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Write a note: what did you check?")})
    hit = Hit.objects.select_for_update().get(pk=hit.pk)
    previous = hit.disposition
    hit.disposition, hit.disposition_note = disposition, note
    hit.disposed_by, hit.disposed_at = actor, timezone.now()
    hit.save(update_fields=["disposition", "disposition_note", "disposed_by", "disposed_at"])
    audit_record(
        actor=actor,
        action="screening.hit_dispose",
        obj=hit,
        summary=f"{hit.subject_label} ~ {hit.entity_caption}: {disposition}",
        data={
            "previous": previous,
            "disposition": disposition,
            "note": note,
            "notification": hit.notification_id,
        },
    )
    return hit
