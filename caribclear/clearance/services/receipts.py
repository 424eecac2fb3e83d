"""The captain's receipt: an e-mail in their language for each version filed with an administration
(the submission, and each amendment)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from caribclear.core.mail import mail_user

from ..expiry import expired_on_board
from ..models import Notification


def send_receipt_email(*, notification_id: int) -> None:
    """Reference, port, time on the port's clock, who reviews it and what happens next."""
    notification = Notification.objects.select_related(
        "account", "vessel", "port", "administration", "paired_with"
    ).get(pk=notification_id)
    operator = notification.account
    with translation.override(operator.language):
        subject = _("%(reference)s %(vessel)s: received by %(administration)s") % {
            "reference": notification.reference,
            "vessel": notification.vessel.name,
            "administration": notification.administration.display_name,
        }
    mail_user(
        user=operator,
        subject=subject,
        template="clearance/email/submitted.txt",
        context={
            "operator": operator,
            "notification": notification,
            "expired": expired_on_board(notification),
            "link": settings.SITE_URL
            + reverse("clearance:notification_detail", args=[notification.reference]),
        },
    )


@task()
def send_receipt_task(notification_id: int) -> None:
    """The receipt, sent by a background worker after the filing commits (retried by running it again)."""
    send_receipt_email(notification_id=notification_id)
