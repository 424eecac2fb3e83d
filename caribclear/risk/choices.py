from django.db import models
from django.utils.translation import gettext_lazy as _


class Lane(models.TextChoices):
    GREEN = "green", _("Green (no inspection)")
    # ASYCUDA's blue lane: released without a check, and selected for post-clearance audit.
    BLUE = "blue", _("Blue (post-clearance audit)")
    YELLOW = "yellow", _("Yellow (documentary check)")
    RED = "red", _("Red (physical inspection)")


#: Lanes from the least to the most severe.
LANE_ORDER = (Lane.GREEN, Lane.BLUE, Lane.YELLOW, Lane.RED)


def lane_rank(lane: str) -> int:
    return [str(v) for v in LANE_ORDER].index(lane)


def worst_lane(lanes: list[str]) -> str:
    return max(lanes, key=lane_rank) if lanes else Lane.GREEN


class Disposition(models.TextChoices):
    PENDING = "pending", _("Not yet reviewed")
    TRUE_MATCH = "true_match", _("Justified (something found or confirmed)")
    FALSE_POSITIVE = "false_positive", _("False positive (nothing found)")
