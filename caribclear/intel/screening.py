"""Intelligence alerts as a source of screening: the intel app's release rules decide what each
administration may match on. Registered in :meth:`caribclear.intel.apps.IntelConfig.ready`; screening reads
it through :mod:`caribclear.screening.alerts` and never imports this app."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, fields
from typing import Any

from django.db.models import Count, Max, Sum

from caribclear.accounts.models import Administration
from caribclear.screening.alerts import AlertRecord, AlertSource

from .access import visible_to_administration
from .choices import PersonalField
from .models import Alert
from .selectors import active_lookouts

_RECORD_FIELDS = {f.name for f in fields(AlertRecord)}


class IntelAlerts(AlertSource):
    def alerts(self, administration: Administration, *, on: dt.date) -> list[AlertRecord]:
        return [
            AlertRecord(**{k: v for k, v in asdict(lookout).items() if k in _RECORD_FIELDS})
            for lookout in active_lookouts(administration=administration, on=on)
        ]

    def fingerprint(self, administration: Administration, *, on: dt.date) -> tuple[Any, ...]:
        """One aggregate query over the same visibility rule as :meth:`alerts`: the day (validity windows),
        how many alerts, the sum of their ids (one leaving as another arrives) and the latest change (every
        change of an alert's content or release saves it)."""
        totals = (
            visible_to_administration(
                administration, Alert.objects.filter(valid_from__lte=on, valid_until__gte=on)
            )
            .order_by()
            .aggregate(count=Count("pk"), ids=Sum("pk"), last=Max("updated_at"))
        )
        last = totals["last"]
        return (on.isoformat(), totals["count"], totals["ids"] or 0, last.isoformat() if last else "")

    def reference_of(self, alert_id: int) -> str | None:
        return Alert.objects.filter(pk=alert_id).values_list("reference", flat=True).first()

    def administrations_seeing_subject(self, alert_id: int) -> list[int]:
        ids = []
        for administration in Administration.objects.order_by("pk"):
            row = (
                visible_to_administration(administration, Alert.objects.filter(pk=alert_id))
                .values_list("personal_visible", "personal_fields")
                .first()
            )
            if row is not None and (row[0] or PersonalField.SUBJECT not in row[1]):
                ids.append(administration.pk)
        return ids
