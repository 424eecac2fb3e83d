"""Short reference codes with a check character (ISO 7064 MOD 37-36), e.g. ``K7PM-4QXB``.

A mistyped character or two swapped neighbours are caught by the check character, so an officer who
reads a code over the radio or types it from a phone screen finds the right record or none.
"""

from __future__ import annotations

import secrets

from stdnum.iso7064 import mod_37_36

# No 0/O, 1/I/L, 5/S, 8/B in the random part: they are misread on paper and on small screens.
ALPHABET = "2345679ACDEFGHJKMNPQRTUVWXYZ"
BODY_LENGTH = 7


class InvalidReference(ValueError):
    pass


def new_reference() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
    return format_reference(body + mod_37_36.calc_check_digit(body))


def format_reference(compact: str) -> str:
    return f"{compact[:4]}-{compact[4:]}"


def parse_reference(text: str) -> str:
    """Normalise what a person typed and verify the check character; return the formatted code."""
    compact = "".join(ch for ch in text.upper() if ch.isalnum())
    if len(compact) != BODY_LENGTH + 1:
        raise InvalidReference(f"A reference has {BODY_LENGTH + 1} letters and digits.")
    if not mod_37_36.is_valid(compact):
        raise InvalidReference("This reference is not valid: check the letters and digits.")
    return format_reference(compact)
