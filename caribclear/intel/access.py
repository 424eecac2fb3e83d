"""What a reader sees of an intelligence record, and the log of every read.

Which records a reader may see at all, and whose personal parts, is the rule in `intel/visibility.py`
(registered with the visibility layer in `core/visibility.py`); `visible_records()` applies it. This
module decides which fields of a visible record are shown (`redact()`) and writes every read that shows
a record to the access log (`log_reads()`); `read()` does both, and every list, detail page, search,
export, API call, map and chart of intelligence goes through it.

Personal fields are the parts of R listed in R.personal_fields (linked persons, companies, conveyance
identity, narrative, photos and documents, the subject of an alert). A reader who may not see them is
told that they are withheld. Parts not listed as personal are shown to everyone who may see the record.

Searching follows the same rule: text from personal parts only matches for readers who may see them,
so a search cannot reveal a personal detail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import connections, router, transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from caribclear.accounts.models import Administration
from caribclear.core import bulk
from caribclear.core.chain import canonical_content, chain_contents
from caribclear.core.context import current_request
from caribclear.core.visibility import VIEW, restrict

from .choices import PersonalField, ReadVia
from .models import AccessLog, Alert, DisseminatedRecord, InformationRequest, Seizure
from .visibility import AGGREGATE, personal_q

R = TypeVar("R", bound=DisseminatedRecord)


def visible_records(user: Any, qs: QuerySet[R], *, with_personal: bool = True) -> QuerySet[R]:
    """Restrict `qs` to what `user` may see, annotated with `personal_visible` for each record.

    Aggregates (charts, counts) pass `with_personal=False`: they never show personal fields.
    """
    return restrict(user, qs, VIEW if with_personal else AGGREGATE)


def visible_to_administration(administration: Administration, qs: QuerySet[R]) -> QuerySet[R]:
    """Restrict `qs` to what a whole administration may see (never TLP:RED: that is for named people)."""
    return restrict(administration, qs)


def can_see_personal(user: Any, record: DisseminatedRecord) -> bool:
    annotated = getattr(record, "personal_visible", None)
    if annotated is not None:
        return bool(annotated)
    personal = personal_q(user, type(record))
    if personal is None:
        return False
    return type(record)._default_manager.filter(personal, pk=record.pk).exists()


# --- Redaction ---------------------------------------------------------------------------------------
Getter = Callable[[Any], Any]


def _choice(name: str) -> dict[str, Getter]:
    return {
        name: lambda r: getattr(r, name),
        f"{name}_label": lambda r: str(getattr(r, f"get_{name}_display")()) if getattr(r, name) else "",
    }


def _country(name: str) -> dict[str, Getter]:
    return {
        name: lambda r: getattr(r, name).code or "",
        f"{name}_label": lambda r: str(getattr(r, name).name or ""),
    }


def _common() -> dict[str, Getter]:
    return {
        "reference": lambda r: r.reference,
        "owner": lambda r: r.owner.code,
        "owner_label": lambda r: r.owner.name,
        **_choice("tlp"),
        **_choice("source_reliability"),
        **_choice("information_grade"),
        **_choice("handling_code"),
        "grading": lambda r: f"{r.source_reliability}{r.information_grade}{r.handling_code}",
        "handling_conditions": lambda r: r.handling_conditions,
        "release_to_all": lambda r: r.release_to_all,
        "released_to": lambda r: sorted(a.code for a in r.released_to.all()),
        "legal_basis": lambda r: r.legal_basis,
        "review_on": lambda r: r.review_on,
        "personal_fields": lambda r: list(r.personal_fields),
        "operation": lambda r: r.operation.name if r.operation_id else "",
        "created_at": lambda r: r.created_at,
    }


@dataclass(frozen=True)
class Spec:
    public: dict[str, Getter]
    groups: dict[str, dict[str, Getter]]


SPECS: dict[type[Model], Spec] = {
    Seizure: Spec(
        public={
            **_common(),
            "occurred_on": lambda r: r.occurred_on,
            "port": lambda r: r.port.locode,
            "port_label": lambda r: str(r.port),
            "latitude": lambda r: r.latitude,
            "longitude": lambda r: r.longitude,
            **_choice("detection_method"),
            **_choice("concealment_method"),
            **_choice("commodity"),
            "description": lambda r: r.description,
            "quantity": lambda r: r.quantity,
            **_choice("unit"),
            "estimated_value_usd": lambda r: r.estimated_value_usd,
            **_country("route_origin"),
            **_country("route_transit"),
            **_country("route_destination"),
            **_choice("conveyance"),
        },
        groups={
            PersonalField.PERSONS: {
                "persons": lambda r: [
                    {
                        "surname": p.surname,
                        "given_names": p.given_names,
                        "date_of_birth": p.date_of_birth,
                        "nationality": p.nationality.code or "",
                        "document_number": p.document_number,
                        "role": p.role,
                    }
                    for p in r.persons.all()
                ]
            },
            PersonalField.COMPANIES: {
                "companies": lambda r: [
                    {
                        "name": c.name,
                        "country": c.country.code or "",
                        "registration_number": c.registration_number,
                    }
                    for c in r.companies.all()
                ]
            },
            PersonalField.CONVEYANCE: {
                "conveyance_identity": lambda r: r.conveyance_identity,
                "vessel_id": lambda r: r.vessel_id,
                "vessel_label": lambda r: str(r.vessel) if r.vessel_id else "",
            },
            PersonalField.NARRATIVE: {"narrative": lambda r: r.narrative},
            PersonalField.ATTACHMENTS: {
                "attachments": lambda r: [
                    {"id": a.pk, "caption": a.caption or a.file.name.rsplit("/", 1)[-1]}
                    for a in r.attachments.all()
                ]
            },
        },
    ),
    Alert: Spec(
        public={
            **_common(),
            **_choice("subject_kind"),
            "title": lambda r: r.title,
            **_choice("commodity"),
            "pattern": lambda r: r.pattern,
            "action_requested": lambda r: r.action_requested,
            "valid_from": lambda r: r.valid_from,
            "valid_until": lambda r: r.valid_until,
        },
        groups={
            PersonalField.SUBJECT: {
                "surname": lambda r: r.surname,
                "given_names": lambda r: r.given_names,
                "date_of_birth": lambda r: r.date_of_birth,
                **_country("nationality"),
                "identifiers": lambda r: r.identifiers,
            },
            PersonalField.NARRATIVE: {"narrative": lambda r: r.narrative},
        },
    ),
    InformationRequest: Spec(
        public={
            **_common(),
            "subject": lambda r: r.subject,
            "deadline": lambda r: r.deadline,
            **_choice("status"),
            "seizure": lambda r: r.seizure.reference if r.seizure_id else "",
        },
        groups={PersonalField.NARRATIVE: {"question": lambda r: r.question}},
    ),
}


@dataclass
class RecordView:
    """What one reader may see of one record: plain values, and the personal parts withheld."""

    record_type: str
    pk: int
    data: dict[str, Any]
    withheld: list[str] = field(default_factory=list)
    personal_shown: bool = False

    @property
    def withheld_labels(self) -> list[str]:
        return [str(PersonalField(g).label) for g in self.withheld]

    def __getattr__(self, name: str) -> Any:
        # Templates read `view.commodity_label`; anything not shown is simply absent.
        data = self.__dict__.get("data", {})
        if name in data:
            return data[name]
        raise AttributeError(name)


def redact(user: Any, record: DisseminatedRecord, *, only: Sequence[str] | None = None) -> RecordView:
    """The view of `record` for `user`. `record` must come from `visible_records(user, ...)`.

    `only` limits the view to some fields (a list page shows a few columns; the log records just those).
    """
    spec = SPECS[type(record)]
    personal = can_see_personal(user, record)
    flagged = set(record.personal_fields)
    wanted = set(only) if only is not None else None
    data: dict[str, Any] = {}
    withheld: list[str] = []
    personal_shown = False

    def take(getters: dict[str, Getter]) -> None:
        for name, getter in getters.items():
            if wanted is None or name in wanted:
                data[name] = getter(record)

    take(spec.public)
    for group, getters in spec.groups.items():
        if group in flagged and not personal:
            withheld.append(group)
            continue
        before = len(data)
        take(getters)
        if group in flagged and len(data) > before:
            personal_shown = True
    return RecordView(
        record_type=str(type(record).record_type),
        pk=record.pk,
        data=data,
        withheld=withheld,
        personal_shown=personal_shown,
    )


def log_reads(user: Any, views: Iterable[RecordView], *, via: str = ReadVia.DETAIL) -> int:
    """Write one access-log row per record shown to `user`. Returns the number of rows written."""
    return log_read_entries(
        user,
        [
            (
                view.record_type,
                view.pk,
                view.personal_shown,
                sorted(k for k in view.data if not k.endswith("_label")),
            )
            for view in views
        ],
        via=via,
    )


def log_read_entries(
    user: Any, entries: Iterable[tuple[str, int, bool, Sequence[str]]], *, via: str = ReadVia.DETAIL
) -> int:
    """Write one access-log row per record shown to `user`, each given as (record type, id, whether
    personal fields were shown, the fields shown): for readers that keep what a view held (the TAXII
    server's cache of served objects) instead of redacting again. Returns the number of rows written.

    The rows of one call are one read (one moment) and go in as plain values: their links of the chain
    are hashed from the same content `core.chain.canonical` hashes (`_canonical_read`), and the rows are
    written in one COPY on PostgreSQL (`core.bulk.insert`), one `executemany` on SQLite."""
    info = current_request.get()
    at = timezone.now()
    common = {
        "at": at.astimezone(dt.UTC).isoformat(),
        "user_id": user.pk,
        "administration_id": getattr(user, "administration_id", None),
        "via": str(via),
        "request_id": info.request_id if info else "",
        "ip": info.ip if info else "",
    }
    reads = [(str(t), int(pk), bool(shown), [str(f) for f in fields]) for t, pk, shown, fields in entries]
    if not reads:
        return 0
    meta = AccessLog._meta
    alias = router.db_for_write(AccessLog)
    connection = connections[alias]
    at_db = meta.get_field("at").get_db_prep_value(at, connection)
    fields_field = meta.get_field("fields")
    with transaction.atomic(using=alias, savepoint=False):
        links = chain_contents(
            AccessLog,
            (_canonical_read(common, t, pk, shown, fields) for t, pk, shown, fields in reads),
            alias,
        )
        bulk.insert(
            meta.db_table,
            _READ_COLUMNS,
            [
                (
                    at_db,
                    common["user_id"],
                    common["administration_id"],
                    record_type,
                    pk,
                    common["via"],
                    shown,
                    fields_field.get_db_prep_value(fields, connection),
                    common["request_id"],
                    common["ip"],
                    prev_hash,
                    row_hash,
                )
                for (record_type, pk, shown, fields), (prev_hash, row_hash) in zip(reads, links, strict=True)
            ],
        )
    return len(reads)


_READ_COLUMNS = (
    "at",
    "user_id",
    "administration_id",
    "record_type",
    "record_id",
    "via",
    "personal_shown",
    "fields",
    "request_id",
    "ip",
    "prev_hash",
    "row_hash",
)


def _canonical_read(
    common: dict[str, Any], record_type: str, pk: int, shown: bool, fields: list[str]
) -> bytes:
    """What `core.chain.canonical` makes of the access-log row of one read (every concrete field but the
    id and the hashes, as stable JSON), without building the row."""
    return canonical_content(
        {**common, "record_type": record_type, "record_id": pk, "personal_shown": shown, "fields": fields}
    )


def read(
    user: Any, records: Iterable[DisseminatedRecord], *, via: str, only: Sequence[str] | None = None
) -> list[RecordView]:
    """Redact and log in one step: what every read path calls."""
    views = [redact(user, record, only=only) for record in records]
    log_reads(user, views, via=via)
    return views
