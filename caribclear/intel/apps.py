from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntelConfig(AppConfig):
    name = "caribclear.intel"
    label = "intel"
    verbose_name = _("Intelligence")

    def ready(self) -> None:
        from . import visibility  # noqa: F401 - registers who may see this app's records
