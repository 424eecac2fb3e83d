from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClearanceConfig(AppConfig):
    name = "caribclear.clearance"
    label = "clearance"
    verbose_name = _("Clearance")

    def ready(self) -> None:
        from . import visibility  # noqa: F401 - registers who may see this app's records
