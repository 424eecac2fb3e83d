"""Events of the screening app.

:data:`recheck_requested` is sent when a change of a list, lookout or intelligence alert means some
declarations must be screened (and so assessed) again. Screening does not know who assesses: the
orchestrator of "screen, then assess" (the risk app) receives it. Keyword arguments: ``declaration_ids``
(list of ids) and ``reason`` (a :class:`~caribclear.screening.choices.ScreeningReason`).
"""

from __future__ import annotations

from django.dispatch import Signal

recheck_requested = Signal()
