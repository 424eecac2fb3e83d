from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskConfig(AppConfig):
    name = "caribclear.risk"
    label = "risk"
    verbose_name = _("Risk")

    def ready(self) -> None:
        # Screen, then assess, every declaration filed or amended, and again when a list it uses changes.
        from . import visibility  # noqa: F401 - registers who may see this app's records
        from .receivers import connect

        connect()
