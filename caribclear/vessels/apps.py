from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VesselsConfig(AppConfig):
    name = "caribclear.vessels"
    label = "vessels"
    verbose_name = _("Vessels and people")

    def ready(self) -> None:
        from . import visibility  # noqa: F401 - registers who may see this app's records
