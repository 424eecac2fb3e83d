"""Records that go into the engine and the matches that come out of it.

Everything here is plain data: the importers in :mod:`caribclear.screening.engine.formats` produce
:class:`Entity` records, the index screens an :class:`Entity` query and returns :class:`Match` records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

#: ``LegalEntity`` is a person or an organisation, when the list does not say which (FollowTheMoney's term).
Schema = Literal["Person", "Vessel", "Organization", "LegalEntity"]
SCHEMAS: tuple[Schema, ...] = ("Person", "Vessel", "Organization", "LegalEntity")

#: Identifier kinds the engine compares. Other kinds are kept on the record but not scored.
IDENTIFIER_KINDS: tuple[str, ...] = ("passport", "national_id", "imo", "mmsi", "call_sign")


@dataclass(frozen=True, slots=True)
class Entity:
    """A watchlist entry or a query.

    ``birth_dates`` hold ISO 8601 dates, possibly partial (``"1971"``, ``"1971-05"``, ``"1971-05-23"``).
    ``nationalities`` hold ISO 3166 alpha-2 codes when known, otherwise the country as written.
    ``identifiers`` map a kind (see :data:`IDENTIFIER_KINDS`) to its values, e.g. ``{"imo": ["9187629"]}``.
    ``gender`` is ``"male"``, ``"female"`` or ``None``.
    """

    id: str
    schema: Schema
    names: tuple[str, ...]
    birth_dates: tuple[str, ...] = ()
    nationalities: tuple[str, ...] = ()
    gender: str | None = None
    identifiers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Free details for people reading the list (programmes, remarks, vessel flag...). Not scored.
    details: dict[str, str] = field(default_factory=dict)

    @property
    def caption(self) -> str:
        """The name to show first."""
        return self.names[0] if self.names else self.id


@dataclass(frozen=True, slots=True)
class Evidence:
    """One reason that moved a score, with its effect in score points (positive raises it)."""

    kind: str
    effect: float
    detail: str


@dataclass(frozen=True, slots=True)
class Match:
    """A watchlist entity that matched a query."""

    entity_id: str
    score: float
    explanation: str
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True, slots=True)
class ListInfo:
    """Metadata about an imported list."""

    source: str
    format: str
    published: str | None = None
    entity_count: int = 0
    #: Records of kinds the engine does not screen (aircraft, addresses, sanctions...).
    skipped: int = 0
