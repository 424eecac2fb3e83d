from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CargoConfig(AppConfig):
    name = "caribclear.cargo"
    label = "cargo"
    verbose_name = _("Advance cargo information")

    def ready(self) -> None:
        from caribclear.core.declarations import register
        from caribclear.core.start import register_start

        from . import receivers, selectors, visibility  # noqa: F401 - visibility rules; assessed consignments
        from .declaration import ConsignmentKind

        register(ConsignmentKind())
        receivers.connect()
        # A filer's user starts on the filer's manifests, not on My voyages.
        register_start(selectors.files_cargo, "cargo:home")
