from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .chain import chain_rows


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an audit record."""


def hash_field(label: Any) -> models.CharField[str, str]:
    return models.CharField(label, max_length=64, blank=True, default="", db_default="", editable=False)


class ChainedQuerySet(models.QuerySet[Any]):
    """The queryset of an append-only, hash-chained log (see `core.chain`)."""

    label = "The log"

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError(f"{self.label} is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{self.label} is append-only.")

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Any]:
        objs = list(objs)
        with transaction.atomic(using=self.db, savepoint=False):
            chain_rows(self.model, objs, self.db)
            return super().bulk_create(objs, *args, **kwargs)


class ChainedModel(models.Model):
    """An append-only row of a hash chain: saved once, never changed or deleted."""

    prev_hash = hash_field(_("hash of the previous row"))
    row_hash = hash_field(_("hash of this row"))

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError(f"{self._meta.verbose_name_plural} is append-only.")
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using, savepoint=False):
            chain_rows(type(self), [self], using)
            super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{self._meta.verbose_name_plural} is append-only.")


class AuditEventQuerySet(ChainedQuerySet):
    label = "The audit trail"


class AuditEvent(ChainedModel):
    """One thing an account did: who, when, to which record, from which request.

    Append-only: the model refuses updates and deletes, and database triggers (`db_triggers`) refuse
    them too, so not even raw SQL from the application can rewrite history; and hash-chained
    (`core.chain`), so rewriting it with the triggers dropped is found by `manage.py verify_logs`.
    """

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(_("who (as recorded)"), max_length=254, blank=True)
    administration_code = models.CharField(_("administration"), max_length=2, blank=True, db_index=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("record type"), max_length=64, blank=True)
    object_id = models.CharField(_("record id"), max_length=64, blank=True)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    client_request_id = models.CharField(_("client's request id"), max_length=64, blank=True)
    ip = models.CharField(_("IP address"), max_length=45, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    method = models.CharField(max_length=10, blank=True)
    path = models.CharField(max_length=500, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        base_manager_name = "objects"  # even Django's internal manager refuses to delete
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit trail")
        indexes = [models.Index(fields=["object_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action} {self.object_type}:{self.object_id}"


class IdempotencyRecord(models.Model):
    """The first response to an API POST with a given Idempotency-Key, replayed for every retry."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_content_type = models.CharField(max_length=100, blank=True)
    response_body = models.BinaryField(blank=True, default=b"")
    response_location = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="unique_idempotency_key_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"


class StatusChange(models.Model):
    """One move of a record's status (any app's record, by its kind and id): from, to, who, when, why.

    Written only by `core.pipeline.Pipeline.move`; read as the history of one record."""

    record_type = models.CharField(_("record type"), max_length=64)
    record_id = models.CharField(_("record id"), max_length=64)
    field = models.CharField(_("field"), max_length=40, default="status")
    from_status = models.CharField(_("from"), max_length=40, blank=True)
    to_status = models.CharField(_("to"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["record_type", "record_id", "at", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status history")
        indexes = [models.Index(fields=["record_type", "record_id", "at"], name="core_status_history_record")]

    def __str__(self) -> str:
        return f"{self.record_type}:{self.record_id} {self.field} {self.from_status} -> {self.to_status}"


class Declaration(models.Model):
    """Anything an administration receives, screens and assesses: a yacht notification, later a cargo
    consignment or a passenger on a list. Screening runs, hits and risk assessments point here, never at
    the declaring app's own record; ``kind`` names the registration (:mod:`caribclear.core.declarations`)
    that says how to read the record behind it.
    """

    kind = models.CharField(_("kind"), max_length=64)
    administration = models.ForeignKey(
        "accounts.Administration",
        verbose_name=_("administration"),
        on_delete=models.PROTECT,
        related_name="declarations",
    )
    reference = models.CharField(_("reference"), max_length=40)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("filed"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("declaration")
        verbose_name_plural = _("declarations")
        constraints = [
            models.UniqueConstraint(fields=["kind", "reference"], name="unique_declaration_reference")
        ]
        # An administration's declarations of one kind, newest first (worklists, "test on recent").
        indexes = [
            models.Index(fields=["administration", "kind", "-created_at"], name="core_decl_admin_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.reference}"


class RetentionSetting(models.Model):
    """An administration's own period for one retention rule (`core.retention`), overriding its default."""

    administration = models.ForeignKey(
        "accounts.Administration",
        verbose_name=_("administration"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    rule = models.CharField(_("retention rule"), max_length=60)
    days = models.PositiveIntegerField(_("kept for (days)"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("retention setting")
        verbose_name_plural = _("retention settings")
        constraints = [
            models.UniqueConstraint(fields=["administration", "rule"], name="one_retention_setting_per_rule")
        ]

    def __str__(self) -> str:
        return f"{self.administration_id} {self.rule}: {self.days}"


class WorkerHeartbeat(models.Model):
    """A background worker's proof of life (``manage.py worker`` writes it every few seconds): a job left
    running by a worker not seen for the lease is put back in the queue for another (core/jobs.py)."""

    worker_id = models.CharField(_("worker id"), max_length=64, unique=True)
    hostname = models.CharField(_("host name"), max_length=255)
    pid = models.PositiveIntegerField(_("process id"))
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    seen_at = models.DateTimeField(_("last seen at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}:{self.pid})"
