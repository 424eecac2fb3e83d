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
- `decisions`: the officer's `clearance_decide` and the e-mail that tells the operator;
- `receipts`: the e-mail that tells the captain their notification was received;
- `unfinished`: a draft kept as typed before it has a vessel, kind, port and time.

Status moves go through the notification's pipeline (`clearance.pipeline.NOTIFICATION_STATUS`), which
records each in the status history and the audit trail.

A notification is a declaration (`clearance/declaration.py`): its first filing makes its
`core.Declaration`, and each filing, amendment and cancellation sends `declaration_filed`,
`declaration_amended` or `declaration_cancelled` (`caribclear.core.declarations`) after commit, robustly: a
receiver that raises is logged and does not stop the others, nor undo the filing.
"""

from ..expiry import expired_on_board as expired_documents
from .decisions import clearance_decide, send_decision_email
from .filing import (
    DECLARATION_FIELDS,
    DECLARATION_QUESTIONS,
    EDITABLE_FIELDS,
    VOYAGE_FIELDS,
    Aboard,
    check_complete,
    check_expected_at,
    check_people,
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
from .receipts import send_receipt_email, send_receipt_task
from .unfinished import unfinished_discard, unfinished_save
from .versions import SNAPSHOT_FIELDS, changes_between, snapshot

__all__ = [
    "DECLARATION_FIELDS",
    "DECLARATION_QUESTIONS",
    "EDITABLE_FIELDS",
    "SNAPSHOT_FIELDS",
    "VOYAGE_FIELDS",
    "Aboard",
    "changes_between",
    "check_complete",
    "check_expected_at",
    "check_people",
    "check_port",
    "clearance_decide",
    "expired_documents",
    "last_voyage",
    "notification_amend",
    "notification_cancel",
    "notification_create",
    "notification_start_from_last_voyage",
    "notification_submit",
    "notification_update",
    "send_decision_email",
    "send_receipt_email",
    "send_receipt_task",
    "snapshot",
    "unfinished_discard",
    "unfinished_save",
    "visit_file",
]
