"""Where "screen, then assess" is started: the events of declarations and of screening, received here.

- A declaration filed or amended (:data:`caribclear.core.declarations.declaration_filed`,
  :data:`~caribclear.core.declarations.declaration_amended`, sent after commit) is checked in the background.
- A change of a list, lookout or intelligence alert (:data:`caribclear.screening.signals.recheck_requested`)
  checks the open declarations it concerns again.

Connected in :meth:`caribclear.risk.apps.RiskConfig.ready`.
"""

from __future__ import annotations

from typing import Any

from caribclear.core.declarations import declaration_amended, declaration_filed
from caribclear.screening.choices import ScreeningReason
from caribclear.screening.signals import recheck_requested


def check_filed(*, declaration_id: int, **_kwargs: Any) -> None:
    from .tasks import check_declaration_task

    check_declaration_task.enqueue(declaration_id=declaration_id, reason=ScreeningReason.FILED)


def check_again(*, declaration_ids: list[int], reason: str, **_kwargs: Any) -> None:
    from .tasks import check_declaration_task

    for declaration_id in declaration_ids:
        check_declaration_task.enqueue(declaration_id=declaration_id, reason=reason)


def connect() -> None:
    declaration_filed.connect(check_filed, dispatch_uid="risk_check_filed")
    declaration_amended.connect(check_filed, dispatch_uid="risk_check_amended")
    recheck_requested.connect(check_again, dispatch_uid="risk_check_again")
