from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClearanceConfig(AppConfig):
    name = "caribclear.clearance"
    label = "clearance"
    verbose_name = _("Clearance")

    def ready(self) -> None:
        # The yacht notification is a kind of declaration: screened and assessed through its registration.
        from caribclear.core.declarations import register

        from .declaration import NotificationKind

        register(NotificationKind())
        from .retention import register_clearance_retention

        register_clearance_retention()
        from . import visibility  # noqa: F401 - registers who may see this app's records
