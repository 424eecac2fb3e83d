from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from caribclear.accounts.choices import Agency
from caribclear.core.models import TimeStampedModel

from .choices import Decision, Kind, PersonRole, Purpose, Status


def new_verification_token() -> str:
    return secrets.token_urlsafe(18)


class Notification(TimeStampedModel):
    """An advance notification of arrival at, or departure from, a member's port of entry.

    Owned by the operator account that filed it and by the administration of the port; the clearance
    record it becomes is shared with every member as voyage history.
    """

    reference = models.CharField(_("reference"), max_length=9, unique=True)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        on_delete=models.PROTECT,
        related_name="notifications",
    )
    vessel = models.ForeignKey(
        "vessels.Vessel", verbose_name=_("vessel"), on_delete=models.PROTECT, related_name="notifications"
    )
    kind = models.CharField(_("arrival or departure"), max_length=10, choices=Kind.choices)
    administration = models.ForeignKey(
        "accounts.Administration",
        verbose_name=_("administration"),
        on_delete=models.PROTECT,
        related_name="notifications",
    )
    port = models.ForeignKey(
        "reference.Port",
        verbose_name=_("port of entry"),
        on_delete=models.PROTECT,
        related_name="notifications",
    )
    expected_at = models.DateTimeField(_("expected date and time"))
    last_port = models.CharField(_("last port"), max_length=100, blank=True)
    last_port_country = CountryField(_("country of last port"), blank=True)
    next_port = models.CharField(_("next port"), max_length=100, blank=True)
    next_port_country = CountryField(_("country of next port"), blank=True)
    purpose = models.CharField(_("purpose of visit"), max_length=20, choices=Purpose.choices, blank=True)
    # None until the captain answers (a draft does not say "No" for them); every filing answers it.
    is_charter = models.BooleanField(_("on charter"), null=True, blank=True, default=None)
    # The arrival and departure of one short stay, filed together, point at each other.
    paired_with = models.OneToOneField(
        "self",
        verbose_name=_("filed together with"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(_("version"), default=0)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    verification_token = models.CharField(max_length=32, unique=True, default=new_verification_token)
    # Made at the first filing: what screening and risk know the notification by (clearance/declaration.py).
    declaration = models.OneToOneField(
        "core.Declaration",
        verbose_name=_("declaration"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="notification",
    )

    # Declaration. `declaration_answered` is set when the operator has answered every question of this
    # version (a notification started from the last voyage has to be answered again before it is filed).
    declaration_answered = models.BooleanField(_("declaration answered"), default=False)
    declares_firearms = models.BooleanField(_("firearms or ammunition on board"), default=False)
    declares_currency = models.BooleanField(_("currency above the threshold"), default=False)
    currency_amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, null=True, blank=True)
    currency_code = models.CharField(_("currency"), max_length=3, blank=True)
    declares_alcohol_tobacco = models.BooleanField(_("alcohol or tobacco above the allowance"), default=False)
    declares_animals = models.BooleanField(_("animals on board"), default=False)
    declares_plants_food = models.BooleanField(_("plants, fruit, meat or other food"), default=False)
    declares_goods_for_sale = models.BooleanField(_("goods for sale or trade"), default=False)
    declares_illness = models.BooleanField(_("illness or death on board"), default=False)
    declaration_details = models.TextField(_("details of what is declared"), blank=True)

    class Meta:
        ordering = ["-expected_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["administration", "status", "expected_at"]),
            # The queue's "all" and "expected" tabs: an administration's notifications by date.
            models.Index(fields=["administration", "expected_at"], name="clearance_notif_admin_expected"),
            models.Index(fields=["port", "status", "expected_at"]),
            models.Index(fields=["vessel", "expected_at"]),
            models.Index(fields=["account", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.get_kind_display()} {self.vessel.name}"


class UnfinishedNotification(TimeStampedModel):
    """A notification form saved as a draft before it has what a notification needs to exist (a vessel,
    arrival or departure, the port and the time): what was typed, kept for its author to finish.

    A notification gets its reference, administration and place in the officers' registries from its
    port and time, so until those are given the form is kept as typed; saving it complete makes the
    draft notification and removes this."""

    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        on_delete=models.CASCADE,
        related_name="unfinished_notifications",
    )
    data = models.JSONField(_("what was typed"), default=dict)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("unfinished draft")
        verbose_name_plural = _("unfinished drafts")

    def __str__(self) -> str:
        return f"{self.pk} {self.updated_at:%Y-%m-%d %H:%M}"

    def value(self, name: str) -> str:
        values = self.data.get(name) or [""]
        return str(values[-1])


class NotificationPerson(models.Model):
    """A person on board for one notification, with the travel document used, as filed."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="people_on_board")
    person = models.ForeignKey(
        "vessels.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="voyages"
    )
    document = models.ForeignKey(
        "vessels.TravelDocument",
        verbose_name=_("travel document"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    role = models.CharField(
        _("role on board"), max_length=10, choices=PersonRole.choices, default=PersonRole.CREW
    )

    class Meta:
        ordering = ["role", "person__surname"]
        verbose_name = _("person on board")
        verbose_name_plural = _("people on board")
        constraints = [
            models.UniqueConstraint(fields=["notification", "person"], name="person_once_per_notification"),
            models.UniqueConstraint(
                fields=["notification"],
                condition=Q(role=PersonRole.MASTER),
                name="one_master_per_notification",
            ),
        ]
        indexes = [models.Index(fields=["person", "notification"])]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"


class NotificationVersion(models.Model):
    """What the operator filed at each submission or amendment: the whole notification, frozen."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(_("filed"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    snapshot = models.JSONField(_("content"))
    changes = models.JSONField(_("changes from the previous version"), default=list, blank=True)

    class Meta:
        ordering = ["notification", "-number"]
        verbose_name = _("notification version")
        verbose_name_plural = _("notification versions")
        constraints = [
            models.UniqueConstraint(fields=["notification", "number"], name="unique_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.notification_id} v{self.number}"


class AgencyClearance(models.Model):
    """One agency's decision (customs, immigration, port health) on a notification."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="clearances")
    agency = models.CharField(_("agency"), max_length=20, choices=Agency.choices)
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    remarks = models.TextField(_("remarks"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["agency"]
        verbose_name = _("agency clearance")
        verbose_name_plural = _("agency clearances")
        constraints = [
            models.UniqueConstraint(fields=["notification", "agency"], name="one_decision_per_agency")
        ]

    def __str__(self) -> str:
        return f"{self.notification_id} {self.agency}: {self.decision}"
