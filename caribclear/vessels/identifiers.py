"""Ship identifiers as people write them, and the checks that tell a real one from a typing mistake.

IMO ship identification number (SOLAS XI-1/3, IMO resolution A.1078(28)): seven digits, written with an
"IMO" prefix ("IMO 9074729"). The seventh digit is a check digit: the first six weighted 7, 6, 5, 4, 3, 2
and summed; the sum's last digit is the seventh digit (9074729: 63+0+35+16+21+4 = 139, check digit 9).
It catches every swap of two neighbouring digits and most, not all, single wrong digits (9094729 passes
too). python-stdnum's ``stdnum.imo`` computes it; this module keeps the project's messages and the one way
vessels, lookouts and searches clean what was typed.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from stdnum import imo as stdnum_imo

IMO_NUMBER_FORMAT_MESSAGE = _("An IMO number has seven digits, e.g. IMO 9074729.")
IMO_NUMBER_CHECK_DIGIT_MESSAGE = _(
    "This is not a valid IMO number: its last digit does not match the check digit of the first six. "
    "Check the number on the ship's certificate of registry."
)


def imo_number_compact(value: str | None) -> str:
    """The number as stored: "IMO 9074729", "imo9074729" and " 9074729 " all become "9074729".

    White space goes (also a tab or non-breaking space from a pasted cell), full-width digits become digits
    and a leading "IMO" prefix (any case) is dropped. Anything else is kept for the validator to refuse
    with a message, rather than silently changed into another number.
    """
    if not value:
        return ""
    return stdnum_imo.compact("".join(value.split()))


def validate_imo_number(value: str) -> None:
    """Django validator of a stored IMO number: seven digits with a matching check digit."""
    if not (len(value) == 7 and value.isascii() and value.isdigit()):
        raise ValidationError(IMO_NUMBER_FORMAT_MESSAGE, code="imo_number_format")
    if not stdnum_imo.is_valid(value):
        raise ValidationError(IMO_NUMBER_CHECK_DIGIT_MESSAGE, code="imo_number_check_digit")


def imo_number_q(text: str, field: str = "imo_number") -> Q:
    """A filter on ``field`` for an IMO number typed into a search box ("IMO 9074729" as well as the
    digits), or an empty filter when the text is not one."""
    number = imo_number_compact(text)
    return Q(**{field: number}) if number.isdigit() else Q()
