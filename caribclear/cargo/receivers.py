"""A consignment becomes "assessed" when risk has set its lane (risk's Assessment saved, or many
assessments written at once: risk's ``lanes_set``), after commit."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save


def _assessed(sender: Any, instance: Any, update_fields: Any = None, **_kwargs: Any) -> None:
    from caribclear.core.models import Declaration

    from .declaration import KEY
    from .services import consignment_assessed

    if update_fields is not None and "lane" not in update_fields:
        return  # a save of other fields (the hits' lane and count): the lane was set by a save before
    if getattr(instance, "_cargo_assessed_scheduled", False):
        return  # saved again in the same assessment (created, then its lane set): one check after commit
    declaration_id = instance.declaration_id
    if instance._meta.get_field("declaration").is_cached(instance):
        # Risk saves the assessment with its declaration in hand: no query to learn the kind.
        if instance.declaration.kind != KEY:
            return
    elif not Declaration.objects.filter(pk=declaration_id, kind=KEY).exists():
        return
    instance._cargo_assessed_scheduled = True
    transaction.on_commit(lambda: consignment_assessed(declaration_id=declaration_id))


def _many_assessed(sender: Any, declaration_ids: list[int], **_kwargs: Any) -> None:
    from .services import consignments_assessed

    ids = list(declaration_ids)
    transaction.on_commit(lambda: consignments_assessed(declaration_ids=ids))


def connect() -> None:
    from caribclear.risk.models import Assessment
    from caribclear.risk.signals import lanes_set

    post_save.connect(_assessed, sender=Assessment, dispatch_uid="cargo_consignment_assessed")
    lanes_set.connect(_many_assessed, sender=Assessment, dispatch_uid="cargo_consignments_assessed")
