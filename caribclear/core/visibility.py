"""The visibility layer: the one place that decides what an account may see of each kind of record.

Each app registers, in its own `<app>/visibility.py` (imported from its `AppConfig.ready`), a rule for
each of its models: a function that takes the reader and a queryset and returns the queryset restricted
to what the reader may see for an action ("view" unless the rule declares others, e.g. intel's
"aggregate" for charts or clearance's "history" for voyage history shown as a summary). Every list,
detail, search, export, dashboard, API endpoint and background task starts from it:

    visible(user, Vessel)                          # restrict first ...
    visible(user, Vessel).filter(name__icontains=q)  # ... then look up
    get_visible_or_404(user, Notification, reference=ref)  # missing and forbidden: the same 404

The reader is an account (`accounts.User`, anonymous included) or, for background work done on behalf
of a whole administration (screening a notification against the lists it may use), an
`accounts.Administration`: it sees what any official of it sees, less what is addressed to named
people only. Rules are restrict-first querysets, never per-row checks, so a list costs one query.

A model nobody registered is an error, not "everything": the URL-walking test and the default-manager
test in `caribclear/tests/` make sure no page reads a model around this layer.

`core` imports no app: the registry knows models only as the apps register them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import MultipleObjectsReturned, ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.http import Http404

M = TypeVar("M", bound=Model)

VIEW = "view"

# rule(reader, queryset, action) -> the queryset restricted to what the reader may see for the action.
Rule = Callable[[Any, QuerySet[Any], str], QuerySet[Any]]


@dataclass(frozen=True)
class Registration:
    model: type[Model]
    rule: Rule
    actions: frozenset[str]


_REGISTRY: dict[type[Model], Registration] = {}


class NotRegistered(LookupError):
    """A model was read through the layer without a rule: register one in its app's visibility.py."""


def register(model: type[Model], *, actions: Iterable[str] = (VIEW,)) -> Callable[[Rule], Rule]:
    """Register the rule deciding which records of `model` a reader may see (a decorator).

    Registering a model twice replaces its rule (apps register once, from `AppConfig.ready`)."""

    def decorator(rule: Rule) -> Rule:
        _REGISTRY[model] = Registration(model=model, rule=rule, actions=frozenset(actions))
        return rule

    return decorator


def registration(model: type[Model]) -> Registration:
    try:
        return _REGISTRY[model]
    except KeyError:
        raise NotRegistered(
            f"{model._meta.label} has no visibility rule: register one with "
            f"caribclear.core.visibility.register in {model._meta.app_config.name}.visibility "
            "(imported from the app's AppConfig.ready)."
        ) from None


def registered_models() -> list[type[Model]]:
    return sorted(_REGISTRY, key=lambda m: m._meta.label)


def restrict(reader: Any, queryset: QuerySet[M], action: str = VIEW) -> QuerySet[M]:
    """`queryset` restricted to the records `reader` may see for `action` (restrict first, then look up)."""
    entry = registration(queryset.model)
    if action not in entry.actions:
        raise ValueError(
            f"{queryset.model._meta.label} has no visibility action {action!r} "
            f"(registered: {', '.join(sorted(entry.actions))})."
        )
    return entry.rule(reader, queryset, action)


def visible(reader: Any, model: type[M], action: str = VIEW) -> QuerySet[M]:
    """Every record of `model` that `reader` may see for `action`."""
    return restrict(reader, model._default_manager.all(), action)


def get_visible_or_404(
    reader: Any, source: type[M] | QuerySet[M], /, *, action: str = VIEW, **lookup: Any
) -> M:
    """One record the reader may see; Http404 when it is missing or not theirs to see (the same answer).

    `source` is a model, or a queryset of it (to add select_related/prefetch); either way it is restricted
    here. A lookup matching several records is a 404 too: an ambiguous address shows nothing."""
    queryset = source if isinstance(source, QuerySet) else source._default_manager.all()
    restricted = restrict(reader, queryset, action)
    try:
        return restricted.get(**lookup)
    except (ObjectDoesNotExist, MultipleObjectsReturned, ValueError):
        raise Http404 from None


# --- Who the reader is ----------------------------------------------------------------------------------
# Rules read the reader through these, so an account and an administration acting as a whole are alike.


def is_administration(reader: Any) -> bool:
    return getattr(reader, "_meta", None) is not None and reader._meta.label == "accounts.Administration"


def is_signed_in(reader: Any) -> bool:
    return bool(getattr(reader, "is_authenticated", False))


def is_operator(reader: Any) -> bool:
    return is_signed_in(reader) and bool(getattr(reader, "is_operator", False))


def is_official(reader: Any) -> bool:
    """An official with an administration, or an administration itself (background work)."""
    if is_administration(reader):
        return True
    return (
        is_signed_in(reader)
        and bool(getattr(reader, "is_official", False))
        and administration_id(reader) is not None
    )


def is_partner(reader: Any) -> bool:
    """An analyst of a partner agency (an organisation of kind "partner"): sees only what is released to
    the agency, and no operational record."""
    return (
        not is_administration(reader)
        and is_signed_in(reader)
        and bool(getattr(reader, "is_partner", False))
        and administration_id(reader) is not None
    )


def is_supervisor(reader: Any) -> bool:
    return is_official(reader) and bool(getattr(reader, "is_supervisor", False))


def administration_id(reader: Any) -> int | None:
    """The administration an official (or an administration itself) acts for; None for anyone else."""
    if is_administration(reader):
        return int(reader.pk)
    value = getattr(reader, "administration_id", None)
    return int(value) if value is not None else None


# --- Core's own records -----------------------------------------------------------------------------------


def register_core_rules() -> None:
    """Core's own kinds of record (called from CoreConfig.ready, like every app's visibility module)."""
    from .models import AuditEvent

    @register(AuditEvent)
    def audit_events(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
        """A supervisor or administrator reads what officials of their own administration did;
        other administrations' trails are not theirs to see."""
        administration = getattr(reader, "administration", None)
        if administration is None or not is_supervisor(reader):
            return qs.none()
        return qs.filter(administration_code=administration.code)
