"""Writes of the risk app: criteria and their versions, random selection, assessing declarations,
officers' lane overrides and dispositions.

The check of a declaration (``declaration_check``) is the one place that orchestrates "screen, then
assess": run in the background after a declaration is filed or amended, and again when a list it was
screened against changes (see :mod:`caribclear.risk.receivers`): screen (screening app), then evaluate the
criteria of its kind, draw the random selection and set the lane.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from caribclear.accounts.choices import Role
from caribclear.accounts.models import User
from caribclear.core import declarations
from caribclear.core.audit import audit_deferred, audit_record, audit_records
from caribclear.core.mail import mail_user
from caribclear.core.models import Declaration
from caribclear.edifact.gcpause import collector_paused
from caribclear.screening.choices import Disposition as HitDisposition
from caribclear.screening.choices import ScreeningReason
from caribclear.screening.models import Hit, Watchlist
from caribclear.screening.services import declaration_screen, declarations_screen, hit_dispose

from . import hits as hit_rules
from .choices import Disposition, Lane, lane_rank, worst_lane
from .conditions import ConditionError, evaluate, fields_for, hit_facts, validate_condition
from .models import (
    Assessment,
    Criterion,
    CriterionVersion,
    ExpectedRate,
    Firing,
    HitRule,
    LaneOverride,
    RandomSelection,
    Referral,
)
from .signals import lanes_set


# --- Criteria -------------------------------------------------------------------------------------------
def criterion_kind(kind: str | None) -> str:
    """The kind of declaration a new criterion applies to: the one given, or the only one registered."""
    keys = [k.key for k in declarations.kinds()]
    if kind is None and len(keys) == 1:
        return keys[0]
    if kind not in keys:
        raise ValidationError({"kind": _("Choose what the criterion applies to.")})
    return kind


def _clean_criterion(
    *,
    kind: str,
    name: str,
    documentation: str,
    conditions: list[dict[str, Any]],
    lane: str,
    weight: int,
    valid_from: dt.date | None,
    valid_until: dt.date | None,
) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    if not name.strip():
        errors["name"] = _("Give the criterion a name.")
    if not documentation.strip():
        errors["documentation"] = _("Say what the officer should check when it fires.")
    if lane not in Lane.values:
        errors["lane"] = _("Choose a lane.")
    if not 1 <= int(weight) <= 100:
        errors["weight"] = _("The weight is between 1 and 100.")
    valid_from = valid_from or timezone.localdate()
    if valid_until and valid_until < valid_from:
        errors["valid_until"] = _("The criterion must end after it starts.")
    clean: list[dict[str, Any]] = []
    if not conditions:
        errors["conditions"] = _("Add at least one condition.")
    for i, condition in enumerate(conditions, start=1):
        try:
            clean.append(validate_condition(condition, fields=fields_for(kind)))
        except ConditionError as error:
            errors.setdefault("conditions", _("Condition %(n)s: %(error)s") % {"n": i, "error": error})
    if errors:
        raise ValidationError(errors)
    return {
        "name": name.strip(),
        "documentation": documentation.strip(),
        "conditions": clean,
        "lane": lane,
        "weight": int(weight),
        "valid_from": valid_from,
        "valid_until": valid_until,
    }


def _require_supervisor(actor: User) -> int:
    """The supervisor's administration id; PermissionDenied for anyone else."""
    if not actor.is_supervisor or actor.administration_id is None:
        raise PermissionDenied
    return actor.administration_id


@transaction.atomic
def criterion_create(
    *,
    actor: User,
    name: str,
    documentation: str,
    conditions: list[dict[str, Any]],
    lane: str,
    weight: int = 10,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
    is_active: bool = True,
    kind: str | None = None,
) -> Criterion:
    """A supervisor writes a criterion for their administration (version 1), for one kind of declaration
    (``kind`` may be left out while only one kind is registered)."""
    administration_id = _require_supervisor(actor)
    kind = criterion_kind(kind)
    fields = _clean_criterion(
        kind=kind,
        name=name,
        documentation=documentation,
        conditions=conditions,
        lane=lane,
        weight=weight,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    criterion = Criterion.objects.create(administration_id=administration_id, kind=kind)
    version = CriterionVersion.objects.create(
        criterion=criterion,
        number=1,
        is_active=is_active,
        created_by=actor,
        change_note=_("Created"),
        **fields,
    )
    criterion.current_version = version
    criterion.save(update_fields=["current_version", "updated_at"])
    audit_record(
        actor=actor,
        action="risk.criterion_create",
        obj=criterion,
        summary=fields["name"],
        data={"version": 1, "kind": kind, **_jsonable(fields), "is_active": is_active},
    )
    return criterion


def _jsonable(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in fields.items()}


@transaction.atomic
def criterion_update(
    *,
    actor: User,
    criterion: Criterion,
    name: str,
    documentation: str,
    conditions: list[dict[str, Any]],
    lane: str,
    weight: int,
    valid_from: dt.date | None,
    valid_until: dt.date | None,
    is_active: bool,
    change_note: str = "",
) -> CriterionVersion:
    """Every edit is a new version; earlier versions stay as they were (firings point at them)."""
    _require_supervisor(actor)
    if criterion.administration_id != actor.administration_id:
        raise PermissionDenied
    criterion = Criterion.objects.select_for_update().get(pk=criterion.pk)
    fields = _clean_criterion(
        kind=criterion.kind,
        name=name,
        documentation=documentation,
        conditions=conditions,
        lane=lane,
        weight=weight,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    previous = criterion.current_version
    number = (criterion.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = CriterionVersion.objects.create(
        criterion=criterion,
        number=number,
        is_active=is_active,
        created_by=actor,
        change_note=change_note.strip()[:300],
        **fields,
    )
    criterion.current_version = version
    criterion.save(update_fields=["current_version", "updated_at"])
    audit_record(
        actor=actor,
        action="risk.criterion_update",
        obj=criterion,
        summary=f"{fields['name']} v{number}",
        data={
            "version": number,
            "previous_version": previous.number if previous else None,
            "change_note": change_note,
            **_jsonable(fields),
            "is_active": is_active,
        },
    )
    return version


# --- Random selection -----------------------------------------------------------------------------------
@transaction.atomic
@transaction.atomic
def expected_rate_set(*, actor: User, kind: str, lane: str, rate: Decimal | None) -> ExpectedRate | None:
    """Set (or, with no rate, remove) the share of ``kind`` declarations expected to end in ``lane``. The
    expected shares of one kind's lanes add up to at most 100 per cent."""
    administration_id = _require_supervisor(actor)
    kind = criterion_kind(kind)
    if lane not in Lane.values:
        raise ValidationError({"lane": _("Choose a lane.")})
    current = (
        ExpectedRate.objects.select_for_update()
        .filter(administration_id=administration_id, kind=kind, lane=lane)
        .first()
    )
    before = str(current.rate) if current else None
    if rate is None:
        if current is None:
            return None
        current.delete()
        expected = None
    else:
        rate = Decimal(rate)
        if not Decimal(0) <= rate <= Decimal(100):
            raise ValidationError({"rate": _("The share is between 0 and 100 per cent.")})
        others = sum(
            ExpectedRate.objects.filter(administration_id=administration_id, kind=kind)
            .exclude(lane=lane)
            .values_list("rate", flat=True),
            Decimal(0),
        )
        if others + rate > 100:
            raise ValidationError(
                {
                    "rate": _(
                        "The other lanes already expect %(others)s%% of these declarations: this lane can "
                        "expect at most %(left)s%%."
                    )
                    % {"others": others, "left": Decimal(100) - others}
                }
            )
        expected = current or ExpectedRate(administration_id=administration_id, kind=kind, lane=lane)
        expected.rate = rate
        expected.save()
    audit_record(
        actor=actor,
        action="risk.expected_rate_set",
        obj=expected or actor.administration,
        summary=f"{kind} {lane} {rate if rate is not None else '-'}",
        data={"kind": kind, "lane": lane, "before": before, "rate": None if rate is None else str(rate)},
    )
    return expected


def random_selection_set(
    *, actor: User, from_lane: str, to_lane: str, rate: Decimal, is_active: bool = True
) -> RandomSelection:
    """Set the share of ``from_lane`` notifications sent to ``to_lane``. A new rate starts a new seed."""
    administration_id = _require_supervisor(actor)
    if (
        from_lane not in Lane.values
        or to_lane not in Lane.values
        or lane_rank(to_lane) <= lane_rank(from_lane)
    ):
        raise ValidationError({"to_lane": _("Random selection sends notifications to a stricter lane.")})
    rate = Decimal(rate)
    if not Decimal(0) <= rate <= Decimal(100):
        raise ValidationError({"rate": _("The share is between 0 and 100 per cent.")})
    selection = (
        RandomSelection.objects.select_for_update()
        .filter(administration_id=administration_id, from_lane=from_lane)
        .first()
    )
    before: dict[str, Any] | None = None
    if selection is None:
        selection = RandomSelection(administration_id=administration_id, from_lane=from_lane)
    else:
        before = {"to_lane": selection.to_lane, "rate": str(selection.rate), "is_active": selection.is_active}
    if before is None or Decimal(str(before["rate"])) != rate or before["to_lane"] != to_lane:
        selection.seed = secrets.token_hex(16)
        selection.sequence = 0
    selection.to_lane, selection.rate, selection.is_active = to_lane, rate, is_active
    selection.save()
    audit_record(
        actor=actor,
        action="risk.random_selection_set",
        obj=selection,
        summary=f"{from_lane} -> {to_lane} {rate}%",
        # The seed is recorded so an auditor can reproduce every draw.
        data={
            "before": before,
            "to_lane": to_lane,
            "rate": str(rate),
            "is_active": is_active,
            "seed": selection.seed,
        },
    )
    return selection


def random_draw(*, seed: str, sequence: int, rate: Decimal, block: int = RandomSelection.BLOCK) -> bool:
    """Whether the ``sequence``-th notification is selected: exactly ``rate`` % of every block of numbers."""
    selected_per_block = int((Decimal(rate) * block / 100).to_integral_value())
    block_number, position = divmod(sequence, block)
    positions = random.Random(f"{seed}:{block_number}").sample(range(block), selected_per_block)
    return position in set(positions)


class _Selections:
    """The random selections a batch of assessments draws from: each (administration, lane) row locked and
    read once, its sequence moved on in memory for every draw, and saved once (:meth:`save`). The draws are
    those one-at-a-time assessments in the same order would make."""

    def __init__(self) -> None:
        self.rows: dict[tuple[int, str], RandomSelection | None] = {}
        self.drawn: set[tuple[int, str]] = set()

    def get(self, administration_id: int, lane: str) -> RandomSelection | None:
        key = (administration_id, lane)
        if key not in self.rows:
            self.rows[key] = (
                RandomSelection.objects.select_for_update()
                .filter(administration_id=administration_id, from_lane=lane, is_active=True)
                .first()
            )
        return self.rows[key]

    def save(self) -> None:
        for key in sorted(self.drawn):
            selection = self.rows[key]
            if selection is not None:
                selection.save(update_fields=["sequence", "updated_at"])


def _random_selection(
    assessment: Assessment, criteria_lane: str, selections: _Selections | None = None
) -> tuple[str, bool]:
    """Draw once per notification and lane; a re-assessment in the same lane keeps the earlier draw."""
    if assessment.random_from_lane == criteria_lane and assessment.random_sequence is not None:
        selection = assessment.random_selection
        to_lane = selection.to_lane if selection else criteria_lane
        return (to_lane if assessment.random_selected else criteria_lane), assessment.random_selected
    if selections is None:
        selection = (
            RandomSelection.objects.select_for_update()
            .filter(administration_id=assessment.administration_id, from_lane=criteria_lane, is_active=True)
            .first()
        )
    else:
        selection = selections.get(assessment.administration_id, criteria_lane)
    if selection is None:
        assessment.random_selection, assessment.random_from_lane = None, ""
        assessment.random_sequence, assessment.random_selected = None, False
        return criteria_lane, False
    sequence = selection.sequence
    selection.sequence += 1
    if selections is None:
        selection.save(update_fields=["sequence", "updated_at"])
    else:
        selections.drawn.add((assessment.administration_id, criteria_lane))
    selected = random_draw(seed=selection.seed, sequence=sequence, rate=selection.rate)
    assessment.random_selection, assessment.random_from_lane = selection, criteria_lane
    assessment.random_sequence, assessment.random_selected = sequence, selected
    return (selection.to_lane if selected else criteria_lane), selected


# --- Assessing declarations ----------------------------------------------------------------------------
def criteria_in_force(administration_id: int, kind: str, on: dt.date | None = None) -> list[CriterionVersion]:
    day = on or timezone.localdate()
    versions = CriterionVersion.objects.filter(
        criterion__administration_id=administration_id,
        criterion__kind=kind,
        criterion__current_version=F("pk"),
    ).select_related("criterion")
    return [v for v in versions.order_by("criterion_id") if v.in_force(day)]


def declaration_facts(declaration: Declaration, record: Any, hits: list[Hit]) -> dict[str, list[Any]]:
    """Every field's values for one declaration: its kind's facts and what screening found."""
    kind_facts = declarations.kind_of(declaration.kind).facts(record)
    return kind_facts | declarations.shared_facts(declaration, record) | hit_facts(hits)


def _firing(firing: Firing | None, assessment: Assessment, version: Any, detail: Any) -> Firing:
    """A criterion's firing on an assessment: the earlier one brought up to date, or a new one (unsaved:
    one assessment saves it, a batch writes many at once)."""
    if firing is None:
        return Firing(
            assessment=assessment,
            criterion_id=version.criterion_id,
            version=version,
            lane=version.lane,
            weight=version.weight,
            detail=detail,
        )
    firing.version, firing.lane, firing.weight, firing.detail, firing.is_current = (
        version,
        version.lane,
        version.weight,
        detail,
        True,
    )
    return firing


@transaction.atomic
def declaration_assess(*, declaration: Declaration) -> Assessment:
    """Evaluate the administration's criteria in force for the declaration's kind, draw random selection,
    and set the lane."""
    declaration = Declaration.objects.get(pk=declaration.pk)
    record = declarations.record_of(declaration)
    hits = list(Hit.objects.filter(declaration=declaration, is_current=True))
    facts = declaration_facts(declaration, record, hits) if record is not None else hit_facts(hits)
    fields = fields_for(declaration.kind)
    fired: list[tuple[CriterionVersion, str]] = []
    for version in criteria_in_force(declaration.administration_id, declaration.kind):
        ok, detail = evaluate(version.conditions, facts, fields=fields)
        if ok:
            fired.append((version, detail))
    criteria_lane = worst_lane([v.lane for v, _detail in fired])
    assessment, created = Assessment.objects.select_for_update().get_or_create(
        declaration=declaration,
        defaults={
            "administration_id": declaration.administration_id,
            "criteria_lane": criteria_lane,
            "lane": criteria_lane,
        },
    )
    before = None if created else {"lane": assessment.lane, "criteria_lane": assessment.criteria_lane}
    lane, selected = _random_selection(assessment, criteria_lane)
    assessment.criteria_lane, assessment.lane = criteria_lane, lane
    assessment.score = sum(v.weight for v, _detail in fired)
    assessment.assessed_at = timezone.now()
    assessment.declaration_version = declaration.version
    assessment.save()

    existing = {f.criterion_id: f for f in assessment.firings.all()}
    for version, detail in fired:
        _firing(existing.pop(version.criterion_id, None), assessment, version, detail).save()
    if existing:
        Firing.objects.filter(pk__in=[f.pk for f in existing.values()]).update(is_current=False)
    _refresh_hits(assessment)
    audit_record(
        actor=None,
        action="risk.assess",
        obj=declaration,
        summary=f"{declaration.reference}: lane {assessment.final_lane}",
        data={
            "before": before,
            "criteria_lane": criteria_lane,
            "lane": lane,
            "fired": [[v.criterion_id, v.number, v.lane, v.weight] for v, _d in fired],
            "random_selection": assessment.random_selection_id,
            "random_sequence": assessment.random_sequence,
            "random_selected": selected,
            "hits_lane": assessment.hits_lane,
            "open_hits": assessment.open_hits,
        },
    )
    return assessment


def _refresh_hits(assessment: Assessment) -> Assessment:
    """Set the lane the watchlist hits require and the count of hits not yet reviewed (saved)."""
    state = hit_rules.hits_state(assessment.declaration_id, assessment.administration_id)
    if (assessment.hits_lane, assessment.open_hits) != (state.lane, len(state.open_hits)):
        assessment.hits_lane, assessment.open_hits = state.lane, len(state.open_hits)
        assessment.save(update_fields=["hits_lane", "open_hits", "updated_at"])
    return assessment


def _assessment_of(declaration: Declaration) -> Assessment:
    """The declaration's assessment, locked; made (green, no criterion evaluated) if screening ran alone."""
    assessment = Assessment.objects.select_for_update().filter(declaration=declaration).first()
    if assessment is None:
        assessment = Assessment.objects.create(
            declaration=declaration,
            administration_id=declaration.administration_id,
            criteria_lane=Lane.GREEN,
            lane=Lane.GREEN,
        )
    return assessment


def declaration_check(*, declaration_id: int, reason: str = ScreeningReason.FILED) -> Assessment | None:
    """Screen a declaration, then assess it: the one place that does both. A declaration its kind does not
    check now (a cancelled notification) or whose kind is not registered is left alone."""
    declaration = Declaration.objects.filter(pk=declaration_id).first()
    if declaration is None:
        return None
    try:
        kind = declarations.kind_of(declaration.kind)
    except declarations.UnknownKind:
        return None
    # The record is loaded once for the three steps (the check, screening's subjects, the criteria's facts).
    # The collector is paused as for a batch: a ship's passenger list is one declaration of thousands of
    # subjects, whose objects all live to the end of the check (a third of its time went to collections).
    with declarations.records_remembered(), collector_paused():
        record = declarations.record_of(declaration)
        if record is None or not kind.checkable(record):
            return None
        declaration_screen(declaration=declaration, reason=reason)
        return declaration_assess(declaration=declaration)


# --- Checking many declarations at once (a ship's manifest) ----------------------------------------------
#: Declarations checked per transaction by :func:`declarations_check`.
CHECK_BATCH = 1000


def _kind_facts(batch: Sequence[Declaration], records: dict[int, Any]) -> dict[int, dict[str, list[Any]]]:
    """Each declaration's facts of its kind: read for all at once where the kind can (``facts_many``, with
    its look-ups of earlier filings batched), else one record at a time."""
    by_kind: dict[str, list[Declaration]] = {}
    for declaration in batch:
        if records.get(declaration.pk) is not None:
            by_kind.setdefault(declaration.kind, []).append(declaration)
    facts: dict[int, dict[str, list[Any]]] = {}
    for key, group in by_kind.items():
        kind = declarations.kind_of(key)
        facts_many = getattr(kind, "facts_many", None)
        if facts_many is not None:
            facts |= facts_many({d.pk: records[d.pk] for d in group})
        else:
            facts |= {d.pk: kind.facts(records[d.pk]) for d in group}
    return facts


def _chunks(ids: list[int], size: int = 1000) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


@transaction.atomic
def declarations_assess(*, batch: Sequence[Declaration], records: dict[int, Any]) -> dict[int, Assessment]:
    """Assess many declarations as :func:`declaration_assess` assesses each (the same criteria, facts,
    random draws in the same order, lanes, firings and audit events), with their hits, assessments,
    firings and earlier filings read in a few queries and the results written in bulk. ``records`` are
    the declarations' records by id (their kinds' ``load``). Sends :data:`lanes_set` once it is done."""
    batch = sorted(batch, key=lambda d: d.pk)
    ids = [d.pk for d in batch]
    hits_of: dict[int, list[Hit]] = {pk: [] for pk in ids}
    existing: dict[int, Assessment] = {}
    for chunk in _chunks(ids):
        for hit in (
            Hit.objects.filter(declaration_id__in=chunk, is_current=True)
            .select_related("watchlist")
            .order_by("-score", "pk")
        ):
            hits_of[hit.declaration_id].append(hit)
        for assessment in (
            Assessment.objects.select_for_update(of=("self",))
            .filter(declaration_id__in=chunk)
            .select_related("random_selection")
        ):
            existing[assessment.declaration_id] = assessment
    kind_facts = _kind_facts(batch, records)
    rules: dict[int, dict[int, hit_rules.Rule]] = {}
    for administration_id in {d.administration_id for d in batch}:
        watchlists = {
            h.watchlist_id: h.watchlist
            for d in batch
            if d.administration_id == administration_id
            for h in hits_of[d.pk]
        }
        rules[administration_id] = hit_rules.rules_for(administration_id, watchlists.values())
    in_force: dict[tuple[int, str], list[CriterionVersion]] = {}
    selections = _Selections()
    now = timezone.now()
    made: list[tuple[Declaration, Assessment, list[tuple[CriterionVersion, str]], dict[str, Any] | None]] = []
    for declaration in batch:
        record = records.get(declaration.pk)
        hits = hits_of[declaration.pk]
        facts = hit_facts(hits)
        if record is not None:
            facts = kind_facts[declaration.pk] | declarations.shared_facts(declaration, record) | facts
        fields = fields_for(declaration.kind)
        key = (declaration.administration_id, declaration.kind)
        if key not in in_force:
            in_force[key] = criteria_in_force(*key)
        fired: list[tuple[CriterionVersion, str]] = []
        for version in in_force[key]:
            ok, detail = evaluate(version.conditions, facts, fields=fields)
            if ok:
                fired.append((version, detail))
        criteria_lane = worst_lane([v.lane for v, _detail in fired])
        found = existing.get(declaration.pk)
        before = None
        if found is None:
            assessment = Assessment(
                declaration=declaration,
                administration_id=declaration.administration_id,
                criteria_lane=criteria_lane,
                lane=criteria_lane,
            )
        else:
            assessment = found
            assessment.declaration = declaration
            before = {"lane": assessment.lane, "criteria_lane": assessment.criteria_lane}
        lane, _selected = _random_selection(assessment, criteria_lane, selections)
        assessment.criteria_lane, assessment.lane = criteria_lane, lane
        assessment.score = sum(v.weight for v, _detail in fired)
        assessment.assessed_at = assessment.updated_at = now
        assessment.declaration_version = declaration.version
        state = hit_rules.state_of(
            [h for h in hits if hit_rules.counts(h)], rules[declaration.administration_id]
        )
        assessment.hits_lane, assessment.open_hits = state.lane, len(state.open_hits)
        made.append((declaration, assessment, fired, before))
    selections.save()
    Assessment.objects.bulk_create([a for _d, a, _f, before in made if before is None], batch_size=500)
    Assessment.objects.bulk_update(
        [a for _d, a, _f, before in made if before is not None],
        [
            "criteria_lane",
            "lane",
            "score",
            "assessed_at",
            "updated_at",
            "declaration_version",
            "random_selection",
            "random_from_lane",
            "random_sequence",
            "random_selected",
            "hits_lane",
            "open_hits",
        ],
        batch_size=500,
    )
    _write_firings(made)
    audit_records(
        actor=None,
        action="risk.assess",
        items=[
            (
                declaration,
                f"{declaration.reference}: lane {assessment.final_lane}",
                {
                    "before": before,
                    "criteria_lane": assessment.criteria_lane,
                    "lane": assessment.lane,
                    "fired": [[v.criterion_id, v.number, v.lane, v.weight] for v, _d in fired],
                    "random_selection": assessment.random_selection_id,
                    "random_sequence": assessment.random_sequence,
                    "random_selected": assessment.random_selected,
                    "hits_lane": assessment.hits_lane,
                    "open_hits": assessment.open_hits,
                },
            )
            for declaration, assessment, fired, before in made
        ],
    )
    lanes_set.send(sender=Assessment, declaration_ids=ids)
    return {d.pk: a for d, a, _f, _b in made}


def _write_firings(
    made: list[tuple[Declaration, Assessment, list[tuple[CriterionVersion, str]], dict[str, Any] | None]],
) -> None:
    """The criteria that fired, as :func:`declaration_assess` keeps them: a firing per criterion and
    assessment, brought up to date when it fires again, no longer current when it does not."""
    earlier: dict[tuple[int, int], Firing] = {}
    for chunk in _chunks([a.pk for _d, a, _f, before in made if before is not None]):
        for row in Firing.objects.filter(assessment_id__in=chunk):
            earlier[(row.assessment_id, row.criterion_id)] = row
    new: list[Firing] = []
    again: list[Firing] = []
    for _declaration, assessment, fired, _before in made:
        for version, detail in fired:
            key = (assessment.pk, version.criterion_id)
            firing = _firing(earlier.pop(key, None), assessment, version, detail)
            (new if firing.pk is None else again).append(firing)
    Firing.objects.bulk_create(new, batch_size=1000)
    Firing.objects.bulk_update(again, ["version", "lane", "weight", "detail", "is_current"], batch_size=500)
    for chunk in _chunks([f.pk for f in earlier.values()]):
        Firing.objects.filter(pk__in=chunk).update(is_current=False)


def declarations_check(
    *, declaration_ids: Iterable[int], reason: str = ScreeningReason.FILED
) -> dict[int, Assessment]:
    """Screen, then assess, many declarations (a ship's manifest) as :func:`declaration_check` does each,
    :data:`CHECK_BATCH` at a time, each batch in one transaction: their records loaded once per batch,
    shared subjects screened once, facts and hits read for all, results written in bulk. Declarations
    gone, of a kind not registered, or that their kind does not check now are left alone."""
    ids = sorted(set(declaration_ids))
    assessed: dict[int, Assessment] = {}
    for chunk in _chunks(ids, CHECK_BATCH):
        # A batch builds tens of thousands of model instances that live until it ends: the cyclic garbage
        # collector, paused while it runs, would otherwise walk them (and the screening indexes the worker
        # keeps, millions of objects) hundreds of times for nothing, some 40% of the batch's time.
        with collector_paused():
            assessed |= _check_batch(chunk, reason)
    return assessed


def _check_batch(chunk: list[int], reason: str) -> dict[int, Assessment]:
    """One batch of :func:`declarations_check`, in one transaction."""
    batch = list(Declaration.objects.filter(pk__in=chunk).select_related("administration"))
    by_kind: dict[str, list[Declaration]] = {}
    for declaration in batch:
        by_kind.setdefault(declaration.kind, []).append(declaration)
    records: dict[int, Any] = {}
    checkable: list[Declaration] = []
    for key, group in by_kind.items():
        try:
            kind = declarations.kind_of(key)
        except declarations.UnknownKind:
            continue
        loaded = kind.load([d.pk for d in group])
        for declaration in group:
            record = loaded.get(declaration.pk)
            if record is not None and kind.checkable(record):
                records[declaration.pk] = record
                checkable.append(declaration)
    if not checkable:
        return {}
    # The batch's audit events (screening's and assessing's) are written together at its end: the audit
    # chain's lock, which its first append takes until the commit, then covers the write and the commit,
    # not the screening and assessing, so a second worker's batch is held up only that long.
    with transaction.atomic(), audit_deferred():
        declarations_screen(batch=checkable, records=records, reason=reason)
        return declarations_assess(batch=checkable, records=records)


# --- Officers' decisions --------------------------------------------------------------------------------
def _require_official_of(actor: User, declaration: Declaration) -> None:
    if not actor.is_official or actor.administration_id != declaration.administration_id:
        raise PermissionDenied


@transaction.atomic
def lane_override(*, actor: User, declaration: Declaration, lane: str, reason: str) -> Assessment:
    """An officer sets the lane; the reason is required and the change is kept and audited."""
    _require_official_of(actor, declaration)
    if lane not in Lane.values:
        raise ValidationError({"lane": _("Choose a lane.")})
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for changing the lane.")})
    assessment = _refresh_hits(_assessment_of(declaration))
    previous = assessment.final_lane
    if lane == previous:
        raise ValidationError({"lane": _("The declaration is already in this lane.")})
    if assessment.hits_lane and lane_rank(lane) < lane_rank(assessment.hits_lane):
        raise ValidationError(
            {
                "lane": _(
                    "The watchlist hits keep this declaration in the %(lane)s lane at least: review the hits "
                    "first (a true match stays in it)."
                )
                % {"lane": Lane(assessment.hits_lane).label}
            }
        )
    assessment.override_lane, assessment.override_reason = lane, reason
    assessment.overridden_by, assessment.overridden_at = actor, timezone.now()
    assessment.save()
    LaneOverride.objects.create(
        assessment=assessment, from_lane=previous, to_lane=lane, reason=reason, by=actor
    )
    audit_record(
        actor=actor,
        action="risk.lane_override",
        obj=declaration,
        summary=f"{previous} -> {lane}",
        data={"from": previous, "to": lane, "reason": reason},
    )
    return assessment


@transaction.atomic
def firing_dispose(*, actor: User, firing: Firing, disposition: str, note: str) -> Firing:
    """An officer records whether a criterion that fired was justified (audited)."""
    _require_official_of(actor, firing.assessment.declaration)
    if disposition not in (Disposition.TRUE_MATCH, Disposition.FALSE_POSITIVE):
        raise ValidationError({"disposition": _("Choose justified or false positive.")})
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Write a note: what did you find?")})
    firing = Firing.objects.select_for_update().get(pk=firing.pk)
    previous = firing.disposition
    firing.disposition, firing.disposition_note = disposition, note
    firing.disposed_by, firing.disposed_at = actor, timezone.now()
    firing.save()
    audit_record(
        actor=actor,
        action="risk.firing_dispose",
        obj=firing,
        summary=disposition,
        data={
            "previous": previous,
            "disposition": disposition,
            "note": note,
            "criterion": firing.criterion_id,
        },
    )
    return firing


# --- Watchlist hits: reviews, referrals to a supervisor, each list's rule ---------------------------
def _supervisors_of(administration_id: int) -> list[User]:
    return list(
        User.objects.filter(
            administration_id=administration_id,
            role__in=(Role.SUPERVISOR, Role.ADMINISTRATOR),
            is_active=True,
        ).order_by("pk")
    )


def send_referral_email(*, referral_id: int) -> None:
    """Tell the administration's supervisors, each in their language, that a declaration waits for them."""
    referral = Referral.objects.select_related("declaration", "referred_by", "hit__watchlist").get(
        pk=referral_id
    )
    declaration = referral.declaration
    try:
        registered = declarations.kind_of(declaration.kind)
    except declarations.UnknownKind:
        return
    record = declarations.record_of(declaration)
    summary = registered.summary(record) if record is not None else None
    link = settings.SITE_URL + (
        summary.url if summary else reverse("risk:declaration", args=[registered.slug, declaration.reference])
    )
    for supervisor in _supervisors_of(referral.administration_id):
        with translation.override(supervisor.language or settings.LANGUAGE_CODE):
            subject = _("%(reference)s referred to a supervisor: a watchlist hit is a true match") % {
                "reference": declaration.reference
            }
        mail_user(
            user=supervisor,
            subject=subject,
            template="risk/email/referred.txt",
            context={"referral": referral, "declaration": declaration, "summary": summary, "link": link},
        )


@transaction.atomic
def hit_review(*, actor: User, hit: Hit, disposition: str, note: str) -> Hit:
    """An official records whether a hit is the listed person or thing, with a note (screening keeps it),
    and the declaration's lane follows. A true match refers the declaration to a supervisor."""
    previous = Hit.objects.only("disposition").get(pk=hit.pk).disposition
    hit = hit_dispose(actor=actor, hit=hit, disposition=disposition, note=note)
    declaration = Declaration.objects.get(pk=hit.declaration_id)
    _refresh_hits(_assessment_of(declaration))
    if disposition == HitDisposition.TRUE_MATCH and previous != HitDisposition.TRUE_MATCH:
        referral = Referral.objects.create(
            declaration=declaration,
            administration_id=declaration.administration_id,
            hit=hit,
            reason=_("%(subject)s is %(listed)s on %(list)s (score %(score)s). %(note)s")
            % {
                "subject": hit.subject_label,
                "listed": hit.entity_caption,
                "list": hit.watchlist.name,
                "score": f"{hit.score:.2f}",
                "note": hit.disposition_note,
            },
            referred_by=actor,
        )
        audit_record(
            actor=actor,
            action="risk.referral_open",
            obj=declaration,
            summary=f"{declaration.reference}: hit {hit.pk}",  # no names in the undeletable trail
            data={"hit": hit.pk, "referral": referral.pk},
        )
        transaction.on_commit(lambda: send_referral_email(referral_id=referral.pk))
    return hit


@transaction.atomic
def referral_resolve(*, actor: User, referral: Referral, note: str) -> Referral:
    """A supervisor of the declaration's administration records their decision on a referral; the
    declaration may then be cleared (once every hit is reviewed)."""
    if not actor.is_supervisor or actor.administration_id != referral.administration_id:
        raise PermissionDenied
    note = note.strip()
    if not note:
        raise ValidationError({"resolution": _("Write your decision: what should the officers do?")})
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.resolved_at is not None:
        raise ValidationError({"resolution": _("A supervisor has decided on this referral already.")})
    referral.resolution, referral.resolved_by, referral.resolved_at = note, actor, timezone.now()
    referral.save(update_fields=["resolution", "resolved_by", "resolved_at"])
    audit_record(
        actor=actor,
        action="risk.referral_resolve",
        obj=referral.declaration,
        summary=f"referral {referral.pk}",  # the note (kept on the referral) may name people
        data={"referral": referral.pk},
    )
    return referral


@transaction.atomic
def hit_rule_set(*, actor: User, watchlist: Watchlist, unreviewed_lane: str, true_match_lane: str) -> HitRule:
    """A supervisor sets their administration's rule for one list's hits; the open declarations with hits
    on it take the new lanes at once."""
    administration_id = _require_supervisor(actor)
    errors = {}
    strict = (Lane.YELLOW, Lane.RED)
    if unreviewed_lane not in strict:
        errors["unreviewed_lane"] = _("A hit not yet reviewed puts the declaration in yellow or red.")
    if true_match_lane not in strict:
        errors["true_match_lane"] = _("A true match puts the declaration in yellow or red.")
    if errors:
        raise ValidationError(errors)
    rule = (
        HitRule.objects.select_for_update()
        .filter(administration_id=administration_id, watchlist=watchlist)
        .first()
    )
    before = None
    if rule is None:
        rule = HitRule(administration_id=administration_id, watchlist=watchlist)
    else:
        before = {"unreviewed_lane": rule.unreviewed_lane, "true_match_lane": rule.true_match_lane}
    rule.unreviewed_lane, rule.true_match_lane, rule.changed_by = unreviewed_lane, true_match_lane, actor
    rule.save()
    open_ids = [pk for kind in declarations.kinds() for pk in kind.open_for_recheck([administration_id])]
    affected = (
        Hit.objects.filter(watchlist=watchlist, is_current=True, declaration_id__in=open_ids)
        .values_list("declaration_id", flat=True)
        .distinct()
    )
    refreshed = 0
    for assessment in Assessment.objects.select_for_update().filter(declaration_id__in=list(affected)):
        _refresh_hits(assessment)
        refreshed += 1
    audit_record(
        actor=actor,
        action="risk.hit_rule_set",
        obj=rule,
        summary=f"{watchlist.name}: {unreviewed_lane} / {true_match_lane}",
        data={
            "watchlist": watchlist.pk,
            "before": before,
            "unreviewed_lane": unreviewed_lane,
            "true_match_lane": true_match_lane,
            "declarations_updated": refreshed,
        },
    )
    return rule
