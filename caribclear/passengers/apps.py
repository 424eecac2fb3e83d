from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PassengersConfig(AppConfig):
    name = "caribclear.passengers"
    label = "passengers"
    verbose_name = _("Advance passenger information")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from caribclear.core import declarations
        from caribclear.core.start import register_start

        from . import selectors, visibility  # noqa: F401 (registers the visibility rules)
        from .declaration import PassengerListKind
        from .retention import register_passenger_retention

        declarations.register(PassengerListKind())
        register_passenger_retention()
        # A carrier's user starts on the carrier's passenger lists, not on My voyages.
        register_start(selectors.files_passenger_lists, "passengers:home")
