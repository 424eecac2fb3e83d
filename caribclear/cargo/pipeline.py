"""The status pipelines of manifests and consignments (core pipelines over the data in ``choices``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from caribclear.core.pipeline import InvalidTransition, Pipeline

from .choices import MANIFEST_PIPELINE, PIPELINE

__all__ = ["CONSIGNMENT_STATUS", "MANIFEST_STATUS", "InvalidTransition"]

MANIFEST_STATUS = Pipeline(
    "status", MANIFEST_PIPELINE, message=_("This manifest is %(status)s: it cannot move to %(requested)s.")
)
CONSIGNMENT_STATUS = Pipeline(
    "status", PIPELINE, message=_("This consignment is %(status)s: it cannot move to %(requested)s.")
)
