"""The regional pooling rule in force (set by CCLEC in ``settings.VALUATION_POOLING``)."""

from __future__ import annotations

from django.conf import settings

from .scoring import PoolingRule

DEFAULT = {"min_lines": 20, "min_importers": 3, "max_share": 0.5}


def pooling_rule() -> PoolingRule:
    values = {**DEFAULT, **getattr(settings, "VALUATION_POOLING", {})}
    return PoolingRule(int(values["min_lines"]), int(values["min_importers"]), float(values["max_share"]))


def reference_currency() -> str:
    return str(getattr(settings, "VALUATION_CURRENCY", "USD"))
