"""Officer services: an agency's decision on a notification, and the e-mail that tells the operator."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from caribclear.accounts.models import User
from caribclear.core.audit import audit_record
from caribclear.core.mail import mail_user
from caribclear.risk.hits import release_blockers

from ..choices import DECIDABLE, DECIDED, Decision, Status
from ..models import AgencyClearance, Notification
from ..pipeline import NOTIFICATION_STATUS, overall_status, required_agencies


def send_decision_email(*, notification_id: int) -> None:
    """Tell the operator, in their own language, what the agencies decided and what to do next."""
    notification = Notification.objects.select_related("account", "vessel", "port", "administration").get(
        pk=notification_id
    )
    operator = notification.account
    with translation.override(operator.language):
        subject = _("%(reference)s %(vessel)s: %(status)s") % {
            "reference": notification.reference,
            "vessel": notification.vessel.name,
            "status": notification.get_status_display(),
        }
    mail_user(
        user=operator,
        subject=subject,
        template="clearance/email/decided.txt",
        context={
            "operator": operator,
            "notification": notification,
            "Status": Status,
            "clearances": notification.clearances.all(),
            "link": settings.SITE_URL
            + reverse("clearance:notification_detail", args=[notification.reference]),
        },
    )


@transaction.atomic
def clearance_decide(
    *, actor: User, notification: Notification, decision: str, remarks: str = ""
) -> AgencyClearance:
    """An officer records their agency's decision; the notification's status follows from all of them."""
    if not actor.is_official or actor.administration_id != notification.administration_id or not actor.agency:
        raise PermissionDenied
    notification = Notification.objects.select_for_update().get(pk=notification.pk)
    if notification.status not in DECIDABLE:
        raise ValidationError(
            _("This notification is %(status)s: there is nothing to decide.")
            % {"status": notification.get_status_display()}
        )
    if decision not in (Decision.CLEARED, Decision.REFUSED, Decision.REFERRED):
        raise ValidationError({"decision": _("Choose cleared, refused or referred for inspection.")})
    remarks = remarks.strip()
    if decision != Decision.CLEARED and not remarks:
        raise ValidationError({"remarks": _("Give the reason: the operator and other officers will see it.")})
    if decision == Decision.CLEARED and notification.declaration_id is not None:
        # Watchlist hits not yet reviewed, or a true match waiting for a supervisor, stop every agency.
        blockers = release_blockers(notification.declaration_id, notification.administration_id)
        if blockers:
            raise ValidationError({"decision": blockers})

    clearance, _created = AgencyClearance.objects.get_or_create(
        notification=notification, agency=actor.agency
    )
    previous = clearance.decision
    clearance.decision = decision
    clearance.remarks = remarks
    clearance.decided_by = actor
    clearance.decided_at = timezone.now()
    clearance.save()

    decisions = dict(notification.clearances.values_list("agency", "decision"))
    new_status = overall_status(decisions, required_agencies(notification))
    changed = NOTIFICATION_STATUS.move(
        notification, new_status, actor=actor, note=f"{actor.agency}: {decision}"
    )
    notification.decided_at = clearance.decided_at if new_status in DECIDED else None
    notification.save(update_fields=["status", "decided_at", "updated_at"])
    audit_record(
        actor=actor,
        action="clearance.decide",
        obj=notification,
        summary=f"{actor.agency}: {previous} -> {decision}",
        data={
            "agency": actor.agency,
            "decision": decision,
            "previous": previous,
            "remarks": remarks,
            "status": new_status,
        },
    )
    if changed and new_status in DECIDED:
        transaction.on_commit(lambda: send_decision_email(notification_id=notification.pk))
    return clearance
