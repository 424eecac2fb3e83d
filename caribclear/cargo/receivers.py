"""A consignment becomes "assessed" when risk has set its lane (risk's Assessment saved after commit)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save


def _assessed(sender: Any, instance: Any, **_kwargs: Any) -> None:
    from caribclear.core.models import Declaration

    from .declaration import KEY
    from .services import consignment_assessed

    declaration_id = instance.declaration_id
    if not Declaration.objects.filter(pk=declaration_id, kind=KEY).exists():
        return
    transaction.on_commit(lambda: consignment_assessed(declaration_id=declaration_id))


def connect() -> None:
    from caribclear.risk.models import Assessment

    post_save.connect(_assessed, sender=Assessment, dispatch_uid="cargo_consignment_assessed")
