"""Who may see intelligence: the rule, registered with the visibility layer.

For a reader U who is an official of member administration A (operators and anonymous users see nothing
at all), existence and non-personal fields of record R are visible when any of these holds:
  1. R is not TLP:RED and A owns R;
  2. R is TLP:CLEAR or TLP:GREEN (shared with every member of the region);
  3. R is TLP:AMBER and R is released to all members or to A;
  4. R is TLP:AMBER+STRICT and R is released to A by name ("all members" does not count);
  5. R is TLP:RED and U recorded R or is one of R's named recipients (TLP 2.0: RED is for the named people
     alone, not for their organisation: a colleague of the owning administration who is not named gets
     the same 404 as anyone else);
  6. R is not TLP:RED, belongs to an operation, and A takes part in that operation.
Any other record does not exist for U: every view answers 404.

For a reader U who is an analyst of partner agency P (police, CARICOM IMPACS...: an organisation of kind
"partner", never a member), R is visible when R is not TLP:RED and R's release list names P (whatever the
label: "all members" and the region-wide TLP:CLEAR and TLP:GREEN do not reach a partner), or R is TLP:RED
and U is one of its named recipients. A partner sees no operation and no access log. Personal fields follow
the same rule as for members (a legal basis and P in R.personal_released_to). What a partner may receive
under its agreement (its categories, the agreement's dates) narrows this further in `partners`.

Personal fields (see `intel/access.py` for which and how they are withheld) are visible only when R is
visible and either A owns R, or R states a legal basis and A is in R.personal_released_to. "view"
annotates each record with `personal_visible`; "aggregate" (charts, counts) does not, as aggregates never
show personal fields.

For an administration reading as a whole (the screening watchlists) rules 2 to 4 and 6 apply, and rule 1 for
records that are not RED: a TLP:RED record reaches no administration as a whole, so it is never screened
against (a hit would show it to whoever works the queue); a lookout meant for screening is AMBER or wider.

Around the records: operations are seen by their members; handling changes and who read a record (the
access log) by the owning administration; answers to a request for information by the asking
administration, and by each answering administration for its own.
"""

from __future__ import annotations

from typing import Any, cast

from django.db.models import BooleanField, Exists, ExpressionWrapper, Model, OuterRef, Q, QuerySet

from caribclear.core.visibility import (
    VIEW,
    administration_id,
    is_administration,
    is_official,
    is_partner,
    register,
    visible,
)

from .choices import PersonalField, RecordType, Tlp
from .models import (
    AccessLog,
    Alert,
    DisseminationChange,
    InformationAnswer,
    InformationRequest,
    Operation,
    Seizure,
    SeizureAttachment,
)

AGGREGATE = "aggregate"


def _m2m_ids(model: type[Model], field_name: str, column: str, value: int) -> QuerySet[Any]:
    """Ids of `model` rows whose M2M `field_name` holds `value` (an uncorrelated, hashable subquery)."""
    through = model._meta.get_field(field_name).remote_field.through  # type: ignore[union-attr]
    source = f"{model._meta.model_name}_id"
    return through.objects.filter(**{column: value}).values(source)


class _Probe(Exists):
    """An EXISTS that PostgreSQL tests record by record, each a probe of the subquery's index. Left to
    itself, the planner may instead hash the whole subquery first when it expects to test many records,
    and it expects that of any page whose filter it cannot see through (a partner's TAXII page: a hash of
    every record released to the partner, 100,000 rows and some 45 ms, to serve the 1,000 records of a
    page, which 1,000 probes test in about 3 ms). PostgreSQL never turns an EXISTS whose subquery has an
    OFFSET into a hashed ``IN`` (its planner's `simplify_EXISTS_query`), so ``OFFSET 0``, which changes
    no result, keeps the probes."""

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(compiler, connection, template="EXISTS(%(subquery)s OFFSET 0)", **extra_context)  # type: ignore[call-arg]


def _m2m_exists(model: type[Model], field_name: str, column: str, value: int) -> Exists:
    """Whether the record's M2M `field_name` holds `value`, correlated on the record: a probe of the
    through table's (record, value) index for each record tested (see `_Probe`), so a page or an
    `added_after` pull costs what its own records cost. The uncorrelated `pk IN (...)` form is always
    hashed: every record released to the partner, read on every request however few records it asks for."""
    through = model._meta.get_field(field_name).remote_field.through  # type: ignore[union-attr]
    source = f"{model._meta.model_name}_id"
    return _Probe(through.objects.filter(**{source: OuterRef("pk"), column: value}))


def _member_q(model: type[Model], administration_id: int) -> Q:
    operations = Operation.members.through.objects.filter(administration_id=administration_id).values(
        "operation_id"
    )
    return (
        (Q(owner_id=administration_id) & ~Q(tlp=Tlp.RED))
        | Q(tlp__in=[Tlp.CLEAR, Tlp.GREEN])
        | Q(tlp=Tlp.AMBER, release_to_all=True)
        | Q(
            tlp__in=[Tlp.AMBER, Tlp.AMBER_STRICT],
            pk__in=_m2m_ids(model, "released_to", "administration_id", administration_id),
        )
        | (~Q(tlp=Tlp.RED) & Q(operation_id__in=operations))
    )


def _partner_q(model: type[Model], organisation_id: int, user_id: int) -> Q:
    return (~Q(tlp=Tlp.RED) & Q(_m2m_exists(model, "released_to", "administration_id", organisation_id))) | (
        Q(tlp=Tlp.RED) & Q(_m2m_exists(model, "recipients", "user_id", user_id))
    )


def visible_q(reader: Any, model: type[Model]) -> Q | None:
    """The condition for records of `model` that `reader` may see; None when the reader may see none."""
    own = administration_id(reader)
    if is_partner(reader) and own is not None:
        return _partner_q(model, own, reader.pk)
    if not is_official(reader) or own is None:
        return None
    condition = _member_q(model, own)
    if is_administration(reader):
        return condition
    named = Q(created_by_id=reader.pk) | Q(pk__in=_m2m_ids(model, "recipients", "user_id", reader.pk))
    return condition | (Q(tlp=Tlp.RED) & named)


def personal_q(reader: Any, model: type[Model]) -> Q | None:
    """The condition for records whose personal fields `reader` may see (on top of `visible_q`)."""
    own = administration_id(reader)
    if visible_q(reader, model) is None or own is None:
        return None
    return Q(owner_id=own) | (
        ~Q(legal_basis="") & Q(pk__in=_m2m_ids(model, "personal_released_to", "administration_id", own))
    )


@register(Seizure, actions=(VIEW, AGGREGATE))
@register(Alert, actions=(VIEW, AGGREGATE))
@register(InformationRequest, actions=(VIEW, AGGREGATE))
def disseminated_records(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    condition = visible_q(reader, qs.model)
    if condition is None:
        return qs.none()
    if action == AGGREGATE:
        return qs.filter(condition)
    personal = personal_q(reader, qs.model)
    assert personal is not None
    return cast(
        QuerySet[Any],
        qs.filter(condition).annotate(
            personal_visible=ExpressionWrapper(personal, output_field=BooleanField())
        ),
    )


@register(SeizureAttachment)
def attachments(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    """Files of seizures the reader may see, where the reader may see personal parts or the seizure does
    not flag its attachments as personal (the same test as `access.redact`)."""
    condition = visible_q(reader, Seizure)
    personal = personal_q(reader, Seizure)
    if condition is None or personal is None:
        return qs.none()
    shown = personal | ~Q(personal_fields__icontains=f'"{PersonalField.ATTACHMENTS.value}"')
    return qs.filter(seizure__in=Seizure._default_manager.filter(condition & shown).values("pk"))


@register(Operation)
def operations(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    own = administration_id(reader)
    if not is_official(reader) or own is None:
        return qs.none()
    return qs.filter(
        pk__in=Operation.members.through.objects.filter(administration_id=own).values("operation_id")
    )


@register(DisseminationChange)
def handling_changes(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    return qs.filter(owner_id=administration_id(reader)) if is_official(reader) else qs.none()


@register(InformationAnswer)
def answers(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    if not is_official(reader):
        return qs.none()
    own = administration_id(reader)
    return qs.filter(request__in=visible(reader, InformationRequest, AGGREGATE).values("pk")).filter(
        Q(request__owner_id=own) | Q(administration_id=own)
    )


_OWNED = {RecordType.SEIZURE: Seizure, RecordType.ALERT: Alert, RecordType.RFI: InformationRequest}


@register(AccessLog)
def access_log(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    """Who read what: the owning administration's to see, for its own records."""
    if not is_official(reader):
        return qs.none()
    own = administration_id(reader)
    condition = Q(pk__in=[])
    for record_type, model in _OWNED.items():
        # Correlated on the record's primary key: a record's few log rows are checked one by one,
        # instead of hashing every record the administration owns.
        owned = model._default_manager.filter(pk=OuterRef("record_id"), owner_id=own)
        condition |= Q(record_type=record_type) & Q(Exists(owned))
    return qs.filter(condition)
