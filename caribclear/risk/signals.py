"""Events of the risk app for the apps above it."""

from __future__ import annotations

from django.dispatch import Signal

#: Sent (sender: Assessment) with ``declaration_ids`` when many declarations' lanes were set at once
#: (:func:`caribclear.risk.services.declarations_assess` writes its assessments in bulk, so no
#: ``post_save`` of each is sent); inside the transaction that wrote them.
lanes_set = Signal()
