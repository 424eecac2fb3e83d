from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntelConfig(AppConfig):
    name = "caribclear.intel"
    label = "intel"
    verbose_name = _("Intelligence")

    def ready(self) -> None:
        # Alerts feed screening: screening asks this source what each administration may match on.
        from caribclear.screening.alerts import register_alert_source

        from .screening import IntelAlerts

        register_alert_source(IntelAlerts())
        from . import visibility  # noqa: F401 - registers who may see this app's records
