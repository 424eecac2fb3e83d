"""Officers' reviews of hits: the listed person or thing, or a false positive."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caribclear.accounts.models import User
from caribclear.core.audit import audit_record

from ..choices import Disposition
from ..models import Hit


@transaction.atomic
def hit_dispose(*, actor: User, hit: Hit, disposition: str, note: str = "") -> Hit:
    """An officer of the declaration's administration says whether a hit is the listed person or not."""
    if not actor.is_official or hit.declaration.administration_id != actor.administration_id:
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
        summary=disposition,  # the hit's id suffices: no names in the undeletable trail
        data={
            "previous": previous,
            "disposition": disposition,
            "note": note,
            "declaration": hit.declaration_id,
        },
    )
    return hit
