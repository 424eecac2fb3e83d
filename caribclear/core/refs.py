"""Short reference codes with a check character (ISO 7064 MOD 37-2, a pure system), e.g. ``K7PM-4QXB``.

Every single mistyped character and every pair of swapped neighbours is caught by the check character,
so an officer who reads a code over the radio or types it from a phone screen finds the right record or
none. (The hybrid MOD 37-36 misses some swaps.) MOD 37-2 may give ``*`` as check character; such bodies
are drawn again, so every reference is letters and digits only.
"""

from __future__ import annotations

import secrets

from stdnum.iso7064 import mod_37_2

# No 0/O, 1/I/L, 5/S, 8/B in the random part: they are misread on paper and on small screens.
ALPHABET = "2345679ACDEFGHJKMNPQRTUVWXYZ"
BODY_LENGTH = 7


class InvalidReference(ValueError):
    pass


def new_reference() -> str:
    while True:
        body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
        check = mod_37_2.calc_check_digit(body)
        if check != "*":
            return format_reference(body + check)


def format_reference(compact: str) -> str:
    return f"{compact[:4]}-{compact[4:]}"


def parse_reference(text: str) -> str:
    """Normalise what a person typed and verify the check character; return the formatted code."""
    compact = "".join(ch for ch in text.upper() if ch.isalnum())
    if len(compact) != BODY_LENGTH + 1:
        raise InvalidReference(f"A reference has {BODY_LENGTH + 1} letters and digits.")
    if not mod_37_2.is_valid(compact):
        raise InvalidReference("This reference is not valid: check the letters and digits.")
    return format_reference(compact)
