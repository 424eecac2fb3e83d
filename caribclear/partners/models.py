"""What partner sharing keeps beside intel's records (intel's own tables are not changed)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CenMark(models.Model):
    """The owner's decision that a seizure's non-personal part goes to the WCO's Customs Enforcement
    Network (as nCEN does: the full record stays national, only the non-personal part leaves)."""

    seizure = models.OneToOneField("intel.Seizure", on_delete=models.CASCADE, related_name="cen_mark")
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    marked_at = models.DateTimeField(_("marked for CEN"), default=timezone.now)

    class Meta:
        verbose_name = _("CEN mark")
        verbose_name_plural = _("CEN marks")

    def __str__(self) -> str:
        return f"CEN: {self.seizure_id}"
