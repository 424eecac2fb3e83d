"""Intelligence alerts as screening reads them, from whichever app owns them (the intel app registers itself
in its ``AppConfig.ready``). Screening never imports that app: it asks the registered source, which applies
the owner's release rules, for the alerts an administration may match on.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

from caribclear.accounts.models import Administration


@dataclass(frozen=True)
class AlertRecord:
    """A current alert as an administration may match on it: the names, date of birth, nationality and
    identifiers are empty where the owner's release does not let it see the subject."""

    reference: str
    subject_kind: str  # "person", "vessel", "company" (anything else is not screened)
    title: str
    names: tuple[str, ...]
    date_of_birth: dt.date | None
    nationality: str
    identifiers: tuple[str, ...]
    owner: str
    tlp: str


class AlertSource(ABC):
    """What the owner of intelligence alerts tells screening."""

    @abstractmethod
    def alerts(self, administration: Administration, *, on: dt.date) -> list[AlertRecord]:
        """The alerts in force on a day that the administration may match on."""
        raise NotImplementedError

    @abstractmethod
    def fingerprint(self, administration: Administration, *, on: dt.date) -> tuple[Any, ...]:
        """A cheap key that changes whenever those alerts change; its second item is how many there are."""
        raise NotImplementedError

    @abstractmethod
    def reference_of(self, alert_id: int) -> str | None:
        raise NotImplementedError

    @abstractmethod
    def administrations_seeing_subject(self, alert_id: int) -> list[int]:
        """Ids of the administrations that may now match on an alert's subject."""
        raise NotImplementedError


_source: list[AlertSource] = []


def register_alert_source(source: AlertSource) -> None:
    _source[:] = [source]


def alert_source() -> AlertSource | None:
    return _source[0] if _source else None
