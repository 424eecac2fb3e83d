from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    name = "caribclear.screening"
    label = "screening"
    verbose_name = _("Screening")

    def ready(self) -> None:
        from . import visibility  # noqa: F401 - registers who may see this app's records
        from .retention import register_screening_retention

        register_screening_retention()
