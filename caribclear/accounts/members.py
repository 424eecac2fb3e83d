"""The CCLEC member administrations, as the product seeds them (names and ISO 3166 codes are facts).

The Netherlands Antilles membership is held today by the customs administrations of Curaçao and
Sint Maarten, so 38 memberships give 39 administrations.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class Member(NamedTuple):
    name: str
    code: str
    languages: str
    note: str = ""


_ANTILLES = (
    "One of the two successors of the Netherlands Antilles membership "
    "(the Netherlands Antilles was dissolved in 2010)."
)

MEMBERS: tuple[Member, ...] = (
    Member("Anguilla", "AI", "en"),
    Member("Antigua and Barbuda", "AG", "en"),
    Member("Aruba", "AW", "nl;pap"),
    Member("Bahamas", "BS", "en"),
    Member("Barbados", "BB", "en"),
    Member("Belize", "BZ", "en"),
    Member("Bermuda", "BM", "en"),
    Member("British Virgin Islands", "VG", "en"),
    Member("Cayman Islands", "KY", "en"),
    Member("Canada", "CA", "en;fr"),
    Member("Colombia", "CO", "es"),
    Member("Costa Rica", "CR", "es"),
    Member("Cuba", "CU", "es"),
    Member("Dominica", "DM", "en"),
    Member("Dominican Republic", "DO", "es"),
    Member("France", "FR", "fr"),
    Member("Grenada", "GD", "en"),
    Member("Guatemala", "GT", "es"),
    Member("Guyana", "GY", "en"),
    Member("Haiti", "HT", "fr;ht"),
    Member("Honduras", "HN", "es"),
    Member("Jamaica", "JM", "en"),
    Member("Mexico", "MX", "es"),
    Member("Montserrat", "MS", "en"),
    Member("Nicaragua", "NI", "es"),
    Member("Panama", "PA", "es"),
    Member("Saint Kitts and Nevis", "KN", "en"),
    Member("Saint Lucia", "LC", "en"),
    Member("Saint Vincent and the Grenadines", "VC", "en"),
    Member("Spain", "ES", "es"),
    Member("Suriname", "SR", "nl"),
    Member("Netherlands", "NL", "nl"),
    Member("Curaçao", "CW", "nl;pap;en", _ANTILLES),
    Member("Sint Maarten", "SX", "nl;en", _ANTILLES),
    Member("Trinidad and Tobago", "TT", "en"),
    Member("Turks and Caicos Islands", "TC", "en"),
    Member("United Kingdom", "GB", "en"),
    Member("United States of America", "US", "en"),
    Member("Venezuela", "VE", "es"),
)


def seed_members(administration_model: Any) -> int:
    """Create or update every member; returns how many were created. Used by a data migration."""
    created = 0
    for member in MEMBERS:
        _obj, was_created = administration_model.objects.update_or_create(
            code=member.code,
            defaults={"name": member.name, "languages": member.languages, "note": member.note},
        )
        created += int(was_created)
    return created


# The CCLEC secretariat: an organisation beside the members, never one of them. Its code is from the
# ISO 3166 user-assigned range (X*), so it cannot clash with a country's.
SECRETARIAT = Member("CCLEC Secretariat", "XC", "en;es;fr;nl")


def seed_secretariat(administration_model: Any) -> None:
    """Create the secretariat (kind 'secretariat'). Used by a data migration and after test flushes."""
    administration_model._base_manager.update_or_create(
        code=SECRETARIAT.code,
        defaults={"name": SECRETARIAT.name, "languages": SECRETARIAT.languages, "kind": "secretariat"},
    )
