from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskConfig(AppConfig):
    name = "caribclear.risk"
    label = "risk"
    verbose_name = _("Risk")

    def ready(self) -> None:
        # Screen and assess every notification after it is submitted or amended (the clearance hook runs
        # after commit, with the notification's id).
        from caribclear.clearance.services import notification_submitted_hooks

        from . import visibility  # noqa: F401 - registers who may see this app's records
        from .services import notification_submitted

        if notification_submitted not in notification_submitted_hooks:
            notification_submitted_hooks.append(notification_submitted)
