from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "caribclear.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django_tasks.signals import task_finished

        from .db_triggers import reinstall_after_migrate
        from .metrics import observe_task_finished
        from .retention_rules import register_core_retention
        from .visibility import register_core_rules

        register_core_rules()
        register_core_retention()

        task_finished.connect(observe_task_finished, dispatch_uid="core_job_failure_metric")
        post_migrate.connect(reinstall_after_migrate, sender=self, dispatch_uid="core_audit_triggers")
