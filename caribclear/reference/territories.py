"""Which member administration clears craft in which territory (ISO 3166 alpha-2)."""

from __future__ import annotations

# Territories without a CCLEC membership of their own, cleared by a member's administration.
CLEARED_BY: dict[str, str] = {
    "MQ": "FR",  # Martinique
    "GP": "FR",  # Guadeloupe
    "MF": "FR",  # Saint-Martin
    "BL": "FR",  # Saint-Barthélemy
    "GF": "FR",  # French Guiana
    "PR": "US",  # Puerto Rico
    "VI": "US",  # US Virgin Islands
    "BQ": "NL",  # Bonaire, Sint Eustatius and Saba
}


def administration_code_for(country: str) -> str:
    return CLEARED_BY.get(country.upper(), country.upper())
