"""Declarations, generically: the registry of kinds and the events of their lifecycle.

A declaring app (clearance now; cargo and passengers next) registers ONE :class:`DeclarationKind` in one
place (its ``declaration.py``, wired in ``AppConfig.ready``). Screening and risk read declarations only
through it: they never import the declaring app.

A kind says:

- ``key`` (stored in ``Declaration.kind``), ``label``, and ``slug`` (its part of officers' URLs);
- ``load(ids)``: the declaring records behind declarations, fetched in one go;
- ``subjects(record)``: the people, vessels and companies to screen, with their identifiers;
- ``fact_specs`` and ``facts(record)``: what risk criteria may test (named, typed, labelled);
- ``declared_values(record)``: goods lines with declared values, for valuation (cargo; none by default);
- ``summary(record)`` (and ``summaries(ids)``): how an officer sees it (title, details, date, the URL of its
  page);
- ``checkable``, ``open_for_recheck`` and ``recent``: which declarations are screened and assessed;
- ``closed``: which are dealt with for good (screening's retention rule minimises their old hits).

Facts every kind shares but that come from an app above risk (the valuation score) are given by a
:class:`FactProvider` registered here (``register_fact_provider``, from that app's ``AppConfig.ready``):
risk adds ``shared_fact_specs()`` to every kind's fields and ``shared_facts(...)`` to every declaration's
facts, and so never imports the app that computes them.

The declaring app also creates the :class:`~caribclear.core.models.Declaration` row when it files a record
and sends :data:`declaration_filed`, :data:`declaration_amended` and :data:`declaration_cancelled` (with
:func:`send_on_commit`): whoever cares (risk: "screen, then assess") receives them.
"""

from __future__ import annotations

import datetime as dt
import logging
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.dispatch import Signal
from django.utils.functional import Promise

from .models import Declaration

logger = logging.getLogger(__name__)

# --- What a kind tells screening ------------------------------------------------------------------------
#: Kinds of subject (``Subject.kind``); screening labels them.
PERSON, VESSEL, OWNER, COMPANY = "person", "vessel", "owner", "company"


@dataclass(frozen=True)
class Subject:
    """One person, vessel or company of a declaration as screening needs it (plain data, no engine type).

    ``schema`` is "Person", "Vessel", "Organization" or "LegalEntity" (a person or company); ``identifiers``
    maps a kind ("passport", "imo", "mmsi", "call_sign", ...) to the numbers.
    """

    kind: str
    key: str
    label: str
    schema: str
    names: tuple[str, ...]
    birth_dates: tuple[str, ...] = ()
    nationalities: tuple[str, ...] = ()
    gender: str | None = None
    identifiers: dict[str, tuple[str, ...]] = field(default_factory=dict)


# --- What a kind tells risk -----------------------------------------------------------------------------
TEXT, NUMBER, DATE, BOOL, CHOICE, COUNTRY = "text", "number", "date", "bool", "choice", "country"
FACT_TYPES = (TEXT, NUMBER, DATE, BOOL, CHOICE, COUNTRY)


@dataclass(frozen=True)
class FactSpec:
    """A fact criteria may test. Every fact is a list of values (the nationalities of everyone on board);
    a condition holds when any value satisfies it."""

    name: str
    label: Promise | str
    type: str
    choices: tuple[tuple[str, Any], ...] = ()

    def __post_init__(self) -> None:
        if self.type not in FACT_TYPES:
            raise ValueError(f"unknown fact type {self.type!r}")


def fact(name: str, label: Promise | str, type_: str, choices: Iterable[tuple[Any, Any]] = ()) -> FactSpec:
    return FactSpec(name, label, type_, tuple((str(k), v) for k, v in choices))


Facts = dict[str, list[Any]]


@dataclass(frozen=True)
class Summary:
    """How an officer sees a declaration on screening and risk pages."""

    reference: str
    title: str  # e.g. "Arrival — Sea Breeze"
    details: str  # e.g. "St John's · 1 Dec 2026 14:00 · Submitted"
    url: str  # the declaring app's page for officers
    date: dt.datetime | None = None  # the date "test on recent" orders by


@dataclass(frozen=True)
class DeclaredValue:
    """One goods line of a declaration as valuation reads it (plain data: valuation imports no declaring app).

    ``hs_code`` is the declared tariff code as digits (6 or more); ``quantity`` is in ``unit`` (a UN/ECE
    Recommendation 20 code or a plain unit name such as "kg", "l", "u"); ``value`` is the declared value of
    the line in ``currency`` (ISO 4217); ``net_mass_kg`` when given; ``origin`` an ISO 3166 alpha-2 code.
    ``line`` names the line for an officer ("item 3", "B/L MSCU123 item 2").
    """

    line: str
    hs_code: str
    description: str
    origin: str
    quantity: Decimal | None
    unit: str
    value: Decimal
    currency: str
    net_mass_kg: Decimal | None = None
    incoterm: str = ""
    importer_id: str = ""
    exporter_id: str = ""
    date: dt.date | None = None


class DeclarationKind(ABC):
    """Subclass and register one per declaring app. Every method takes the declaring record from ``load``."""

    key: str = ""
    label: Promise | str = ""
    slug: str = ""
    fact_specs: tuple[FactSpec, ...] = ()

    @abstractmethod
    def load(self, declaration_ids: Iterable[int]) -> dict[int, Any]:
        """The declaring records of these declarations, by declaration id, ready for ``subjects``,
        ``facts`` and ``summary`` (related rows fetched)."""
        raise NotImplementedError

    @abstractmethod
    def subjects(self, record: Any) -> list[Subject]:
        raise NotImplementedError

    @abstractmethod
    def facts(self, record: Any) -> Facts:
        raise NotImplementedError

    @abstractmethod
    def summary(self, record: Any) -> Summary:
        raise NotImplementedError

    def summaries(self, declaration_ids: Iterable[int]) -> dict[int, Summary]:
        """The summaries of declarations, by id; override to fetch less than ``load`` does."""
        return {pk: self.summary(record) for pk, record in self.load(declaration_ids).items()}

    def declared_values(self, record: Any) -> list[DeclaredValue]:
        """The goods lines with a declared value (cargo filings); none for kinds that carry no goods values.
        The valuation app checks these and gives risk a valuation score as a fact."""
        return []

    def checkable(self, record: Any) -> bool:
        """Whether it is screened and assessed now (filed, not withdrawn)."""
        return True

    def open_for_recheck(self, administration_ids: Sequence[int]) -> list[int]:
        """Ids of the declarations of these administrations still to be dealt with, which a change of a
        watchlist must screen again."""
        return []

    def closed(self, declaration_ids: Sequence[int]) -> list[int]:
        """Of these declarations, the ones dealt with for good (cleared, refused, cancelled): screening may
        minimise their hits once the administration's retention period is over. None by default, so a
        kind that does not say keeps its hits (or minimises them itself, as passenger lists do)."""
        return []

    def recent(self, administration_id: int, *, since: dt.datetime, limit: int) -> list[int]:
        """Ids of the administration's declarations since a time, newest first ("test on recent")."""
        return list(
            Declaration.objects.filter(
                administration_id=administration_id, kind=self.key, created_at__gte=since
            )
            .order_by("-created_at", "-pk")
            .values_list("pk", flat=True)[:limit]
        )


class FactProvider(ABC):
    """Facts of every kind of declaration computed by an app risk may not import (valuation): its
    ``fact_specs`` are offered to criteria of every kind, its ``facts`` added to each declaration's."""

    key: str = ""
    fact_specs: tuple[FactSpec, ...] = ()

    @abstractmethod
    def facts(self, kind: DeclarationKind, declaration: Declaration, record: Any) -> Facts:
        """The facts for one declaration (its kind, row and declaring record, as ``load`` gives it)."""
        raise NotImplementedError


_providers: dict[str, FactProvider] = {}


def register_fact_provider(provider: FactProvider) -> FactProvider:
    if not provider.key:
        raise ValueError("a fact provider needs a key")
    _providers[provider.key] = provider
    return provider


def unregister_fact_provider(key: str) -> None:
    _providers.pop(key, None)


def shared_fact_specs() -> tuple[FactSpec, ...]:
    """The fields every kind shares through the registered providers."""
    return tuple(spec for key in sorted(_providers) for spec in _providers[key].fact_specs)


def shared_facts(declaration: Declaration, record: Any) -> Facts:
    """The providers' facts for one declaration; a provider that fails is logged and gives nothing (the
    declaration is still assessed on everything else)."""
    try:
        kind = kind_of(declaration.kind)
    except UnknownKind:
        return {}
    facts: Facts = {}
    for key in sorted(_providers):
        try:
            facts |= _providers[key].facts(kind, declaration, record)
        except Exception:
            logger.exception("fact provider %s failed on declaration %s", key, declaration.pk)
    return facts


class UnknownKind(LookupError):
    pass


_kinds: dict[str, DeclarationKind] = {}


def register(kind: DeclarationKind) -> DeclarationKind:
    """Register a kind (once; registering the same key again replaces it, so reloads are harmless)."""
    if not kind.key or not kind.slug:
        raise ValueError("a declaration kind needs a key and a slug")
    clash = next((k for k in _kinds.values() if k.slug == kind.slug and k.key != kind.key), None)
    if clash is not None:
        raise ValueError(f"slug {kind.slug!r} is already used by {clash.key!r}")
    _kinds[kind.key] = kind
    return kind


def unregister(key: str) -> None:
    _kinds.pop(key, None)


@contextmanager
def registered(kind: DeclarationKind) -> Iterator[DeclarationKind]:
    """Register a kind for the length of a block (tests)."""
    previous = _kinds.get(kind.key)
    register(kind)
    try:
        yield kind
    finally:
        if previous is None:
            unregister(kind.key)
        else:
            _kinds[kind.key] = previous


def kinds() -> list[DeclarationKind]:
    return sorted(_kinds.values(), key=lambda k: k.key)


def kind_of(key: str) -> DeclarationKind:
    try:
        return _kinds[key]
    except KeyError:
        raise UnknownKind(key) from None


def kind_by_slug(slug: str) -> DeclarationKind:
    for kind in _kinds.values():
        if kind.slug == slug:
            return kind
    raise UnknownKind(slug)


#: Records loaded inside ``records_remembered()``, by declaration id (None outside such a block).
_remembered: ContextVar[dict[int, Any] | None] = ContextVar("declaration_records", default=None)


@contextmanager
def records_remembered() -> Iterator[None]:
    """Within the block, ``record_of`` loads each declaration's record once: a check screens and then
    assesses the same record, which nothing changes in between (screening writes hits, not the record).
    Only for such short blocks; a record changed inside the block would be seen as it was first loaded."""
    token = _remembered.set({})
    try:
        yield
    finally:
        _remembered.reset(token)


def record_of(declaration: Declaration) -> Any:
    """The declaring record behind one declaration (None if it is gone)."""
    cache = _remembered.get()
    if cache is not None and declaration.pk in cache:
        return cache[declaration.pk]
    record = kind_of(declaration.kind).load([declaration.pk]).get(declaration.pk)
    if cache is not None:
        cache[declaration.pk] = record
    return record


def records_of(declarations: Iterable[Declaration]) -> dict[int, Any]:
    """The declaring records behind many declarations, one query set per kind, by declaration id."""
    by_kind: dict[str, list[int]] = {}
    for declaration in declarations:
        by_kind.setdefault(declaration.kind, []).append(declaration.pk)
    records: dict[int, Any] = {}
    for key, ids in by_kind.items():
        if key in _kinds:
            records.update(_kinds[key].load(ids))
    return records


# --- Events ---------------------------------------------------------------------------------------------
#: Sent after commit with ``declaration_id`` and ``kind`` (sender: Declaration).
declaration_filed = Signal()
declaration_amended = Signal()
declaration_cancelled = Signal()


def send_robust(signal: Signal, *, declaration_id: int, kind: str) -> None:
    """Send a declaration event to every receiver; a receiver that raises is logged, the others still run."""
    for receiver, result in signal.send_robust(sender=Declaration, declaration_id=declaration_id, kind=kind):
        if isinstance(result, Exception):
            logger.error(
                "receiver %r failed on declaration %s (%s)",
                receiver,
                declaration_id,
                kind,
                exc_info=(type(result), result, result.__traceback__),
            )


def send_on_commit(signal: Signal, declaration: Declaration) -> None:
    """Send a declaration event once the current transaction commits (never if it rolls back)."""
    declaration_id, kind = declaration.pk, declaration.kind
    transaction.on_commit(lambda: send_robust(signal, declaration_id=declaration_id, kind=kind))
