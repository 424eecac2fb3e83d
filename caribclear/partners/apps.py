from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "caribclear.partners"
    label = "partners"
    verbose_name = _("Sharing with partners")

    def ready(self) -> None:
        from . import visibility  # noqa: F401 - registers who may see this app's records
