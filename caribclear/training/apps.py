from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "caribclear.training"
    label = "training"
    verbose_name = _("Training")

    def ready(self) -> None:
        from . import visibility  # noqa: F401 - registers who may see this app's records
