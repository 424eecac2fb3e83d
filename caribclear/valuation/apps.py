from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ValuationConfig(AppConfig):
    name = "caribclear.valuation"
    label = "valuation"
    verbose_name = _("Valuation risk")

    def ready(self) -> None:
        from caribclear.core.declarations import register_fact_provider

        from . import visibility  # noqa: F401 - registers who may see this app's records
        from .facts import ValuationFacts

        # The valuation score is a fact risk criteria of every kind may test; risk reads it through core.
        register_fact_provider(ValuationFacts())
