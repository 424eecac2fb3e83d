"""Writes on notifications and clearances. Every write: validate, transition, audit, side effects on commit.

One module per subject; every public name is importable from here:

- `filing`: what an operator files (`Aboard`, the editable fields) and the rules a filing must meet
  (`check_port`, `check_expected_at`, ...);
- `notifications`: the operator's services: `notification_create` and `notification_update` (drafts),
  `notification_submit`, `notification_amend` (after submission, while no agency has decided),
  `notification_cancel`, `visit_file` (the arrival and departure of a short stay, filed together and
  paired) and `notification_start_from_last_voyage`;
- `versions`: every submission and amendment freezes the whole notification in a `NotificationVersion`
  with the list of what changed since the version before (`snapshot`, `changes_between`);
- `decisions`: the officer's `clearance_decide` and the e-mail that tells the operator.

Status moves go through the notification's pipeline (`clearance.pipeline.NOTIFICATION_STATUS`), which
records each in the status history and the audit trail.

Hooks for other capabilities (screening, risk): append a callable to `notification_submitted_hooks`::

    from caribclear.clearance.services import notification_submitted_hooks
    notification_submitted_hooks.append(lambda notification_id: screen_task.enqueue(notification_id))

Each hook is called with the notification's id after the transaction that submitted or amended it has
committed (`transaction.on_commit`), once per submission or amendment. A hook that raises is logged and
does not stop the others, nor undo the submission. Register hooks once, e.g. in an AppConfig.ready().
"""

from ..expiry import expired_on_board as expired_documents
from .decisions import clearance_decide, send_decision_email
from .filing import (
    DECLARATION_FIELDS,
    DECLARATION_QUESTIONS,
    EDITABLE_FIELDS,
    VOYAGE_FIELDS,
    Aboard,
    check_expected_at,
    check_port,
)
from .notifications import (
    last_voyage,
    notification_amend,
    notification_cancel,
    notification_create,
    notification_start_from_last_voyage,
    notification_submit,
    notification_update,
    visit_file,
)
from .versions import SNAPSHOT_FIELDS, changes_between, notification_submitted_hooks, snapshot

__all__ = [
    "DECLARATION_FIELDS",
    "DECLARATION_QUESTIONS",
    "EDITABLE_FIELDS",
    "SNAPSHOT_FIELDS",
    "VOYAGE_FIELDS",
    "Aboard",
    "changes_between",
    "check_expected_at",
    "check_port",
    "clearance_decide",
    "expired_documents",
    "last_voyage",
    "notification_amend",
    "notification_cancel",
    "notification_create",
    "notification_start_from_last_voyage",
    "notification_submit",
    "notification_submitted_hooks",
    "notification_update",
    "send_decision_email",
    "snapshot",
    "visit_file",
]
