"""Status pipelines: which moves a record's status may make, checked and recorded in one place.

A pipeline is data, ``{from_status: {to_status, ...}}``, written next to the status choices of the app
that owns the record (clearance's notifications, intel's requests for information; manifests next)::

    NOTIFICATION_STATUS = Pipeline("status", {Status.DRAFT: {Status.SUBMITTED, Status.CANCELLED}, ...})

    changed = NOTIFICATION_STATUS.move(notification, Status.SUBMITTED, actor=actor)

`move` refuses a move the pipeline does not list (`InvalidTransition`, a `ValidationError`, so a form
shows it as an error and the API answers it as problem JSON, never a 500), sets the field, and for a
move that changes the status writes one `StatusChange` row (the record's status history) and one event
on the audit trail. Saving the record stays with the service that moved it (it saves other fields with
it). Staying in the same status is allowed only where the pipeline lists it, and records nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .audit import audit_record, audit_records
from .models import StatusChange

M = TypeVar("M", bound=models.Model)

DEFAULT_MESSAGE = _("This record is %(status)s: it cannot move to %(requested)s.")


class InvalidTransition(ValidationError):
    """A status move the pipeline does not allow. `current` and `requested` are the raw values."""

    def __init__(self, current: str, requested: str, message: Any = None) -> None:
        self.current, self.requested = current, requested
        super().__init__(message or f"A record cannot go from {current!r} to {requested!r}.")


class Pipeline:
    """The allowed moves of one status field, as data, and the one way to make them."""

    def __init__(
        self,
        field: str,
        moves: Mapping[str, Iterable[str]],
        *,
        message: Any = DEFAULT_MESSAGE,
    ) -> None:
        self.field = field
        self.moves: dict[str, frozenset[str]] = {str(k): frozenset(map(str, v)) for k, v in moves.items()}
        unknown = set().union(*self.moves.values()) - set(self.moves)
        if unknown:
            raise ValueError(f"Statuses reached but not listed in the pipeline: {sorted(unknown)}")
        # `message` may use %(status)s (the current status, in words) and %(requested)s.
        self.message = message

    def __getitem__(self, status: str) -> frozenset[str]:
        return self.moves[status]

    def __iter__(self) -> Iterator[str]:
        return iter(self.moves)

    def items(self) -> Iterable[tuple[str, frozenset[str]]]:
        return self.moves.items()

    def allows(self, current: str, requested: str) -> bool:
        return requested in self.moves.get(current, frozenset())

    def reachable(self, start: str) -> set[str]:
        """Every status some path of allowed moves leads to from `start` (itself included)."""
        seen, todo = {start}, [start]
        while todo:
            for nxt in self.moves.get(todo.pop(), frozenset()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    def _label(self, record: models.Model, value: str) -> str:
        choices = dict(record._meta.get_field(self.field).flatchoices)  # type: ignore[union-attr]
        return str(choices.get(value, value))

    def check(self, record: models.Model, requested: str) -> None:
        """Raise InvalidTransition unless the record may move from its status to `requested`."""
        current = getattr(record, self.field)
        if not self.allows(current, requested):
            message = self.message % {
                "status": self._label(record, current),
                "requested": self._label(record, requested),
            }
            raise InvalidTransition(current, requested, message)

    def apply(self, record: models.Model, requested: str) -> bool:
        """Check and set the status without recording anything; whether it changed. For a record that
        is not stored yet; stored records move with `move`."""
        self.check(record, requested)
        changed = getattr(record, self.field) != requested
        setattr(record, self.field, requested)
        return changed

    def move(self, record: models.Model, requested: str, *, actor: Any, note: str = "") -> bool:
        """Check, set, and (if the status changed) write the status history and the audit trail; the
        caller saves the record in the same transaction. Returns whether the status changed."""
        previous = getattr(record, self.field)
        if not self.apply(record, requested):
            return False
        is_user = actor is not None and getattr(actor, "is_authenticated", False)
        StatusChange.objects.create(
            record_type=record._meta.label_lower,
            record_id=str(record.pk),
            field=self.field,
            from_status=previous,
            to_status=requested,
            actor=actor if is_user else None,
            note=note[:500],
        )
        audit_record(
            actor=actor,
            action="status.change",
            obj=record,
            summary=f"{self.field}: {previous} -> {requested}",
            data={"field": self.field, "from": previous, "to": requested, "note": note[:500]},
        )
        return True

    def move_many(self, records: Iterable[M], requested: str, *, note: str = "") -> list[M]:
        """``move`` for many records the system moves at once (no user): each checked and set, and for
        those whose status changed, the history rows and audit events written in one insert each. The
        caller saves the records; returns the ones that changed."""
        changed: list[tuple[M, str]] = []
        for record in records:
            previous = getattr(record, self.field)
            if self.apply(record, requested):
                changed.append((record, previous))
        StatusChange.objects.bulk_create(
            [
                StatusChange(
                    record_type=record._meta.label_lower,
                    record_id=str(record.pk),
                    field=self.field,
                    from_status=previous,
                    to_status=requested,
                    actor=None,
                    note=note[:500],
                )
                for record, previous in changed
            ],
            batch_size=1000,
        )
        audit_records(
            actor=None,
            action="status.change",
            items=[
                (
                    record,
                    f"{self.field}: {previous} -> {requested}",
                    {"field": self.field, "from": previous, "to": requested, "note": note[:500]},
                )
                for record, previous in changed
            ],
        )
        return [record for record, _previous in changed]


def status_history(record: models.Model) -> models.QuerySet[StatusChange]:
    """The record's status moves, oldest first."""
    return StatusChange.objects.filter(
        record_type=record._meta.label_lower, record_id=str(record.pk)
    ).order_by("at", "id")
