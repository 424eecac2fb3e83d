from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from caribclear.accounts.models import User
from caribclear.core import declarations
from caribclear.core.permissions import official_required, supervisor_required
from caribclear.screening.choices import ScreeningReason
from caribclear.screening.selectors import hits_for_declaration

from . import selectors, services
from .choices import Lane
from .conditions import describe_condition, fields_for
from .forms import (
    ConditionFormSet,
    CriterionForm,
    ExpectedRateForm,
    FiringDispositionForm,
    HitRuleForm,
    OverrideForm,
    PeriodForm,
    RandomSelectionForm,
    condition_formset,
    edited_conditions,
    operator_help,
)
from .tasks import check_declaration_task


def _next_or(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return default


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


@official_required
def declaration(request: HttpRequest, kind: str, reference: str) -> HttpResponse:
    """The risk panel of one declaration; POSTs here record dispositions, lane overrides, re-screening."""
    user: User = request.user  # type: ignore[assignment]
    declaration, registered, summary = selectors.declaration_for_official(user, kind, reference)
    here = reverse("risk:declaration", args=[registered.slug, declaration.reference])
    override_form = OverrideForm()
    bound: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "override":
                override_form = OverrideForm(request.POST)
                if override_form.is_valid():
                    services.lane_override(actor=user, declaration=declaration, **override_form.cleaned_data)
                    messages.success(request, _("The lane is changed; your reason is recorded."))
                    return redirect(_next_or(request, here))
            elif action == "dispose_hit":
                hit = next(
                    (h for h in hits_for_declaration(declaration.pk) if str(h.pk) == request.POST.get("hit")),
                    None,
                )
                if hit is None:
                    raise Http404
                bound = {"kind": "hit", "pk": hit.pk, "data": request.POST}
                hit.declaration = declaration
                services.hit_review(
                    actor=user,
                    hit=hit,
                    disposition=request.POST.get("disposition", ""),
                    note=request.POST.get("note", ""),
                )
                messages.success(request, _("Your review of the hit is recorded."))
                return redirect(_next_or(request, here))
            elif action == "resolve_referral":
                referral = selectors.referral_for(
                    user, declaration=declaration, pk=request.POST.get("referral")
                )
                bound = {"kind": "referral", "pk": referral.pk, "data": request.POST}
                services.referral_resolve(actor=user, referral=referral, note=request.POST.get("note", ""))
                messages.success(request, _("Your decision on the referral is recorded."))
                return redirect(_next_or(request, here))
            elif action == "dispose_firing":
                firing = selectors.firing_for(user, declaration=declaration, pk=request.POST.get("firing"))
                bound = {"kind": "firing", "pk": firing.pk, "data": request.POST}
                form = FiringDispositionForm(request.POST)
                if not form.is_valid():
                    raise ValidationError([str(e) for errors in form.errors.values() for e in errors])
                services.firing_dispose(actor=user, firing=firing, **form.cleaned_data)
                messages.success(request, _("Your review of the criterion is recorded."))
                return redirect(_next_or(request, here))
            elif action == "rescreen":
                check_declaration_task.enqueue(declaration_id=declaration.pk, reason=ScreeningReason.MANUAL)
                messages.success(request, _("The notification is being screened again."))
                return redirect(_next_or(request, here))
            else:
                raise Http404
        except ValidationError as error:
            if action == "override":
                override_form.add_error(None, error)
            else:
                bound["error"] = _errors(error)
        status = 400

    panel = selectors.risk_panel_for(declaration, user, summary=summary)
    for item in [*panel.hits, *panel.firings, *panel.referrals]:
        item_kind = (
            "hit"
            if hasattr(item, "entity_caption")
            else "referral"
            if hasattr(item, "referred_at")
            else "firing"
        )
        if bound.get("kind") == item_kind and bound.get("pk") == item.pk:
            # What the officer typed goes back into the form of this hit or criterion.
            setattr(item, "form_error", bound.get("error", ""))  # noqa: B010
            setattr(item, "form_note", bound["data"].get("note", ""))  # noqa: B010
            setattr(item, "form_disposition", bound["data"].get("disposition", ""))  # noqa: B010
    # After a failed review the page shows the error at the top, and the forms keep the page to return to.
    target = {"hit": "disposition", "firing": "disposition", "referral": "note"}
    extra_errors = (
        [(f"#{bound['kind']}-{bound['pk']}-{target[bound['kind']]}", bound["error"])]
        if bound.get("error")
        else []
    )
    return render(
        request,
        "risk/declaration.html",
        {
            "extra_errors": extra_errors,
            "next_url": _next_or(request, "") if request.method == "POST" else "",
            "declaration": declaration,
            "kind": registered,
            "summary": summary,
            "panel": panel,
            "override_form": override_form,
            "here": here,
        },
        status=status,
    )


# --- Criteria -------------------------------------------------------------------------------------------
@official_required
def criteria(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    labels = {k.key: k.label for k in declarations.kinds()}
    rows = [
        (
            criterion,
            [
                describe_condition(c, fields=fields_for(criterion.kind))
                for c in criterion.current_version.conditions
            ]
            if criterion.current_version
            else [],
            labels.get(criterion.kind, criterion.kind),
        )
        for criterion in selectors.criteria_for(user)
    ]
    return render(
        request,
        "risk/criteria.html",
        {"rows": rows, "selections": selectors.random_selections_for(user), "several_kinds": len(labels) > 1},
    )


def _criterion_page(
    request: HttpRequest,
    *,
    kind: declarations.DeclarationKind,
    form: CriterionForm,
    conditions: Any,
    criterion: Any = None,
    status: int = 200,
    tests: Any = None,
    focus: int | None = None,
) -> HttpResponse:
    return render(
        request,
        "risk/criterion_form.html",
        {
            "form": form,
            "conditions": conditions,
            "condition_errors": _condition_errors(conditions) if conditions.is_bound else [],
            "focus": focus,
            "max_conditions": conditions.max_num,
            "criterion": criterion,
            "tests": tests,
            "fired_count": sum(1 for t in tests if t.fired) if tests is not None else 0,
            "kind": kind,
            "fields": fields_for(kind.key).values(),
            "operator_help": operator_help(),
        },
        status=status,
    )


def _condition_errors(conditions: Any) -> list[tuple[str, str]]:
    """The conditions' errors for the page's error summary: (link to the condition, message)."""
    errors = [("#conditions", str(e)) for e in conditions.non_form_errors()]
    for i, cform in enumerate(conditions.forms, start=1):
        for error in cform.non_field_errors():
            errors.append(
                (f"#id_c-{i - 1}-field", _("Condition %(n)s: %(error)s") % {"n": i, "error": error})
            )
    return errors


@supervisor_required
def criterion_create(request: HttpRequest) -> HttpResponse:
    return _criterion_edit(request, None)


@supervisor_required
def criterion_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _criterion_edit(request, selectors.criterion_for(request.user, pk))  # type: ignore[arg-type]


def _kind_for_edit(request: HttpRequest, criterion: Any) -> declarations.DeclarationKind | None:
    """The kind a criterion applies to: its own, the one chosen, or the only one registered."""
    if criterion is not None:
        key = criterion.kind
    else:
        key = request.POST.get("kind") or request.GET.get("kind") or ""
        registered = declarations.kinds()
        if not key and len(registered) == 1:
            key = registered[0].key
    try:
        return declarations.kind_of(key)
    except declarations.UnknownKind:
        return None


def _criterion_edit(request: HttpRequest, criterion: Any) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    kind = _kind_for_edit(request, criterion)
    if kind is None:
        if criterion is not None:
            raise Http404
        return render(request, "risk/criterion_kind.html", {"kinds": declarations.kinds()})
    fields = fields_for(kind.key)
    version = criterion.current_version if criterion else None
    if request.method != "POST":
        initial = {}
        if version is not None:
            initial = {
                "name": version.name,
                "documentation": version.documentation,
                "lane": version.lane,
                "weight": version.weight,
                "valid_from": version.valid_from,
                "valid_until": version.valid_until,
                "is_active": version.is_active,
            }
        form = CriterionForm(initial=initial) if initial else CriterionForm()
        conditions = condition_formset(
            conditions=version.conditions if version else [], blank_rows=0 if version else 1, fields=fields
        )
        return _criterion_page(request, kind=kind, form=form, conditions=conditions, criterion=criterion)

    edited = edited_conditions(request.POST, request.POST.get("action", ""))
    if edited is not None:
        # "Add a condition" or "Remove": the page again with what was typed, nothing checked or saved.
        rows, focus = edited
        typed = {name: request.POST.get(name) for name in CriterionForm.base_fields}
        unbound = ConditionFormSet(initial=rows, prefix="c", form_kwargs={"fields": fields})
        if focus is not None:
            unbound.forms[focus].fields["field"].widget.attrs["autofocus"] = True
        return _criterion_page(
            request,
            kind=kind,
            form=CriterionForm(initial=typed),
            conditions=unbound,
            criterion=criterion,
            focus=focus,
        )
    form = CriterionForm(request.POST)
    conditions = condition_formset(request.POST, fields=fields)
    valid = form.is_valid() & conditions.is_valid()
    if valid and request.POST.get("action") == "test":
        tests = selectors.criterion_test(user=user, kind=kind.key, conditions=conditions.conditions())
        return _criterion_page(
            request, kind=kind, form=form, conditions=conditions, criterion=criterion, tests=tests
        )
    if valid:
        data = form.cleaned_data
        fields_data = {
            "name": data["name"],
            "documentation": data["documentation"],
            "conditions": conditions.conditions(),
            "lane": data["lane"],
            "weight": data["weight"],
            "valid_from": data["valid_from"],
            "valid_until": data["valid_until"],
            "is_active": data["is_active"],
        }
        try:
            if criterion is None:
                criterion = services.criterion_create(actor=user, kind=kind.key, **fields_data)
                messages.success(request, _("The criterion is saved and applies to the next notifications."))
            else:
                services.criterion_update(
                    actor=user, criterion=criterion, change_note=data["change_note"], **fields_data
                )
                messages.success(request, _("A new version of the criterion is saved."))
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            return redirect("risk:criterion", pk=criterion.pk)
    return _criterion_page(
        request, kind=kind, form=form, conditions=conditions, criterion=criterion, status=400
    )


@official_required
def criterion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    criterion = selectors.criterion_for(request.user, pk)  # type: ignore[arg-type]
    fields = fields_for(criterion.kind)
    versions = [
        (v, [describe_condition(c, fields=fields) for c in v.conditions])
        for v in selectors.criterion_versions(criterion)
    ]
    return render(request, "risk/criterion_detail.html", {"criterion": criterion, "versions": versions})


@official_required
def criterion_test(request: HttpRequest, pk: int) -> HttpResponse:
    """Which recent declarations of its kind the criterion's current version would fire on."""
    user: User = request.user  # type: ignore[assignment]
    criterion = selectors.criterion_for(user, pk)
    version = criterion.current_version
    assert version is not None
    try:
        days = max(1, min(365, int(request.GET.get("days", "30"))))
    except ValueError:
        days = 30
    tests = selectors.criterion_test(user=user, kind=criterion.kind, conditions=version.conditions, days=days)
    return render(
        request,
        "risk/criterion_test.html",
        {
            "criterion": criterion,
            "version": version,
            "descriptions": [
                describe_condition(c, fields=fields_for(criterion.kind)) for c in version.conditions
            ],
            "tests": tests,
            "fired_count": sum(1 for t in tests if t.fired),
            "days": days,
        },
    )


@supervisor_required
def random_selection(request: HttpRequest) -> HttpResponse:
    """Lane shares: the share of each kind of declaration expected in each lane, and random selection."""
    user: User = request.user  # type: ignore[assignment]
    posted = request.POST if request.method == "POST" else None
    which = request.POST.get("form") if posted else None
    form = RandomSelectionForm(
        posted if which != "expected" else None, initial={"from_lane": Lane.GREEN, "to_lane": Lane.YELLOW}
    )
    expected_form = ExpectedRateForm(
        posted if which == "expected" else None, initial={"lane": Lane.RED}, prefix="expected"
    )
    status = 200
    if posted is not None:
        bound = expected_form if which == "expected" else form
        if bound.is_valid():
            try:
                if bound is expected_form:
                    services.expected_rate_set(actor=user, **bound.cleaned_data)
                else:
                    services.random_selection_set(actor=user, **bound.cleaned_data)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    bound.add_error(field if field in bound.fields else None, errors)
            else:
                if bound is expected_form:
                    messages.success(request, _("The expected share is set."))
                else:
                    messages.success(request, _("Random selection is set."))
                return redirect("risk:random_selection")
        status = 400
    return render(
        request,
        "risk/random_selection.html",
        {
            "form": form,
            "expected_form": expected_form,
            "selections": selectors.random_selections_for(user),
            "expected": selectors.expected_rates_for(user),
            "kinds": {k.key: k.label for k in declarations.kinds()},
        },
        status=status,
    )


@official_required
def dashboard(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET or None)
    start, end = form.period()
    data = selectors.dashboard_for(request.user, start=start, end=end)  # type: ignore[arg-type]
    return render(request, "risk/dashboard.html", {"form": form, "data": data, "lanes": Lane.choices})


@official_required
def hit_rules(request: HttpRequest) -> HttpResponse:
    """Each list's rule for hits: the lane of a hit not yet reviewed and of a true match."""
    return render(request, "risk/hit_rules.html", {"rows": selectors.hit_rules_for(request.user)})  # type: ignore[arg-type]


@supervisor_required
def hit_rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    watchlist = selectors.hit_rule_list_for(user, pk)
    row = next(r for r in selectors.hit_rules_for(user) if r.watchlist.pk == watchlist.pk)
    form = HitRuleForm(
        request.POST or None,
        initial={"unreviewed_lane": row.unreviewed_lane, "true_match_lane": row.true_match_lane},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.hit_rule_set(actor=user, watchlist=watchlist, **form.cleaned_data)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(
                    request,
                    _("The rule for %(list)s is saved; open declarations with hits on it follow it now.")
                    % {"list": watchlist.name},
                )
                return redirect("risk:hit_rules")
        status = 400
    return render(request, "risk/hit_rule_form.html", {"form": form, "row": row}, status=status)
