"""Imported watchlists: creating them, changing who may use them, importing a new version of the file."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from caribclear.accounts.models import Administration, User
from caribclear.core.audit import audit_record

from .. import selectors, tasks
from ..choices import FILE_FORMATS, Sharing
from ..engine import Entity, InputError, read_watchlist
from ..models import Watchlist, WatchlistEntry, WatchlistVersion
from .entities import content_hash, entity_to_data, file_sha256, search_name

#: Entries listed in a version's diff, per kind (the counts are always complete).
DIFF_LISTED = 2000


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

    Open declarations of whoever used it before or uses it now are screened again.
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
        tasks.rescreen_on_commit(watchlist_id=watchlist.pk, also_administrations=used_before)
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
    except (UnicodeDecodeError, ValueError, KeyError, csv.Error) as error:
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
        tasks.rescreen_on_commit(watchlist_id=watchlist.pk)
    return version
