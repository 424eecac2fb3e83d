from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PassengersConfig(AppConfig):
    name = "caribclear.passengers"
    label = "passengers"
    verbose_name = _("Advance passenger information")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from caribclear.core import declarations

        from . import visibility  # noqa: F401 (registers the visibility rules)
        from .declaration import PassengerListKind
        from .retention import register_passenger_retention

        declarations.register(PassengerListKind())
        register_passenger_retention()
