from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "caribclear.partners"
    label = "partners"
    verbose_name = _("Sharing with partners")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from caribclear.intel.models import Alert, Seizure

        from . import tasks, visibility  # noqa: F401 - registers who may see this app's records

        for model in (Seizure, Alert):
            post_save.connect(
                tasks.record_saved, sender=model, dispatch_uid=f"stix_cache_fill_{model.__name__}"
            )
