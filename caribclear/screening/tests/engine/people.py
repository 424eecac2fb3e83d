"""What the engine's name tests ask of an index: a person screened by name (and date of birth), and the
entities matched."""

from __future__ import annotations

from caribclear.screening.engine import DEFAULT_THRESHOLD, Entity, Index, Match


def screen(ix: Index, name: str, dob: str | None = None, threshold: float = DEFAULT_THRESHOLD) -> list[Match]:
    return ix.screen(Entity("q", "Person", (name,), (dob,) if dob else ()), threshold=threshold)


def ids(matches: list[Match]) -> list[str]:
    return [m.entity_id for m in matches]
