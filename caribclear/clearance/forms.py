"""Forms of the operator's pages. They parse what was typed; the services decide what is valid."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterator
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from caribclear.accounts.models import User
from caribclear.reference.models import Port
from caribclear.reference.timezones import port_localize, port_time, port_zone, zone_label
from caribclear.vessels import selectors as vessel_selectors
from caribclear.vessels.choices import PersonCategory
from caribclear.vessels.models import Person, TravelDocument, Vessel

from . import selectors
from .choices import Kind, PersonRole, Purpose, Status
from .expiry import document_expired, travel_day
from .models import Notification
from .services import DECLARATION_QUESTIONS, Aboard, check_complete, check_expected_at

VISIT = "visit"
YES_NO = [("yes", _("Yes")), ("no", _("No"))]
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
# Times are typed day first, as in every language shipped; ISO and the browsers' own forms are read too.
TYPED_FORMAT = "%d/%m/%Y %H:%M"
TYPED_INPUT_FORMATS = [
    TYPED_FORMAT,
    "%d/%m/%Y %H.%M",
    "%d-%m-%Y %H:%M",
    "%d.%m.%Y %H:%M",
    "%d/%m/%y %H:%M",
    "%Y-%m-%d %H:%M",
    DATETIME_FORMAT,
    "%Y-%m-%d %H:%M:%S",
]
NOT_ON_BOARD = ""
EXPIRING_DAYS = 183
MASTER_RANKS = {"master", "captain", "skipper", "capitán", "capitaine", "kapitein", "schipper"}


def _yes_no(label: Any, hint: Any = "", required: bool = False) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        help_text=hint,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        required=required,
        empty_value=None,
    )


class LocalDateTimeField(forms.DateTimeField):
    """A date and time typed as the port's clock reads it, in a plain text box people can type in (the
    browsers' date-time pickers differ by browser and show month-first dates to some). The value stays
    naive until the form knows the port (`NotificationForm.clean` puts it on the port's clock)."""

    def to_python(self, value: Any) -> dt.datetime | None:
        with timezone.override(dt.UTC):
            parsed = super().to_python(value)
        return parsed.replace(tzinfo=None) if parsed is not None else None

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dt.datetime):
            return value.strftime(TYPED_FORMAT)
        return value


def _datetime(label: Any, hint: Any, required: bool = True) -> LocalDateTimeField:
    return LocalDateTimeField(
        label=label,
        help_text=hint,
        required=required,
        input_formats=TYPED_INPUT_FORMATS,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "text", "placeholder": "24/12/2026 14:30"}
        ),
    )


def _localize(form: forms.Form, data: dict[str, Any], names: tuple[str, ...]) -> None:
    """Put each typed time on the chosen port's clock; without a port it cannot be read, so say so."""
    port = data.get("port")
    for name in names:
        value = data.get(name)
        if not isinstance(value, dt.datetime) or value.tzinfo is not None:
            continue
        if isinstance(port, Port):
            data[name] = port_localize(value, port)
        else:
            del data[name]
            if "port" not in form.errors:
                form.add_error(name, _("Choose the port of entry: the time is its local time."))


def port_label(port: Port, now: dt.datetime | None = None) -> str:
    """`St. John's (AGSJO), AST, UTC-4`; a port in a territory its administration clears for another
    (Martinique for France) names the territory: `Fort-de-France, Martinique (FRFDF), ...`."""
    assert port.administration is not None
    moment = now or timezone.now()
    place = port.name
    if str(port.country) != port.administration.code:
        place = f"{port.name}, {port.country.name}"
    return f"{place} ({port.locode}), {zone_label(port_zone(port), moment)}"


def port_choices() -> list[tuple[Any, Any]]:
    """Ports of entry grouped by member administration (named in the reader's language, in alphabetical
    order of that name), for a <select> with <optgroup>s; each port with its clock."""
    groups: dict[str, list[tuple[str, str]]] = {}
    now = timezone.now()
    for port in selectors.ports_of_entry():
        assert port.administration is not None
        groups.setdefault(port.administration.display_name, []).append((port.locode, port_label(port, now)))
    ordered = sorted(groups.items(), key=lambda item: collation_key(item[0]))
    return [("", _("Choose a port of entry")), *ordered]


def collation_key(text: str) -> str:
    """Sort as people read: accents and case do not move a name (Cuba, Curaçao, Dominica)."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()


def usual_roles(people: list[Person]) -> dict[int, str]:
    """Who is on board unless the captain says otherwise, on a new notification: the crew on the list
    (a captain files with the crew aboard and picks the passengers), the one whose rank is master,
    captain or skipper as master. Passengers change from trip to trip, so they start not on board."""
    crew = [person for person in people if person.category == PersonCategory.CREW]
    roles = {person.pk: str(PersonRole.CREW) for person in crew}
    masters = [person for person in crew if person.rank.strip().lower() in MASTER_RANKS]
    if len(masters) == 1:
        roles[masters[0].pk] = str(PersonRole.MASTER)
    return roles


def country_choices() -> list[tuple[str, Any]]:
    return [("", _("Choose a country")), *((code, name) for code, name in countries)]


def document_label(document: TravelDocument) -> str:
    label = f"{document.get_document_type_display()} {document.issuing_state} {document.number}"
    expiry = formats.date_format(document.expiry_date, "SHORT_DATE_FORMAT")
    if document.is_expired:
        return str(_("%(document)s (expired %(date)s)") % {"document": label, "date": expiry})
    return str(_("%(document)s (valid to %(date)s)") % {"document": label, "date": expiry})


class NotificationForm(forms.Form):
    """The whole notification on one page, in sections: voyage, people on board, declaration.

    For each of the operator's people there is a role choice (not on board, master, crew, passenger)
    and a choice of their travel documents, so nobody has to type a passport number twice.
    """

    vessel: forms.ModelChoiceField[Vessel] = forms.ModelChoiceField(
        label=_("Vessel"), queryset=Vessel.objects.none(), empty_label=_("Choose a vessel")
    )
    kind = forms.ChoiceField(
        label=_("What are you notifying?"),
        choices=[
            (Kind.ARRIVAL, _("Arrival")),
            (Kind.DEPARTURE, _("Departure")),
            (VISIT, _("Arrival and departure together (short stay, cleared in one visit)")),
        ],
        widget=forms.RadioSelect,
    )
    port = forms.ChoiceField(
        label=_("Port of entry"), help_text=_("Where you clear in or out."), choices=port_choices
    )
    expected_at = _datetime(
        _("Expected date and time"),
        _(
            "Arrival or departure, in the local time of the port. Day, month, year, then the time: for example 24/12/2026 14:30."
        ),
    )
    departs_at = _datetime(
        _("Departure date and time"),
        _("Only for a short stay filed together: when you leave, in the local time of the port."),
        required=False,
    )
    last_port = forms.CharField(label=_("Last port"), max_length=100, required=False)
    last_port_country = forms.ChoiceField(
        label=_("Country of last port"), choices=country_choices, required=False
    )
    next_port = forms.CharField(label=_("Next port"), max_length=100, required=False)
    next_port_country = forms.ChoiceField(
        label=_("Country of next port"), choices=country_choices, required=False
    )
    purpose = forms.ChoiceField(
        label=_("Purpose of visit"), choices=[("", _("Choose the purpose")), *Purpose.choices], required=False
    )
    is_charter = _yes_no(_("Is the vessel on charter?"))

    declares_firearms = _yes_no(
        _("Are there firearms, ammunition or flare guns on board?"),
        _("They must also be recorded on the vessel."),
    )
    declares_currency = _yes_no(
        _("Is there currency above the declaration threshold on board?"),
        _("Cash and monetary instruments worth more than the equivalent of 10,000 US dollars."),
    )
    currency_amount = forms.DecimalField(
        label=_("Amount of currency"), max_digits=14, decimal_places=2, min_value=0, required=False
    )
    currency_code = forms.CharField(
        label=_("Currency"), help_text=_("For example USD, EUR or XCD."), max_length=3, required=False
    )
    declares_alcohol_tobacco = _yes_no(_("Are there alcohol or tobacco above the duty-free allowance?"))
    declares_animals = _yes_no(_("Are there animals on board?"))
    declares_plants_food = _yes_no(_("Are there plants, fruit, meat or other food to declare?"))
    declares_goods_for_sale = _yes_no(_("Are there goods for sale or trade on board?"))
    declares_illness = _yes_no(_("Has anyone on board been ill, or died, during the voyage?"))
    declaration_details = forms.CharField(
        label=_("Details of what you declare"),
        help_text=_("Needed for illness, animals and goods for sale."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        required=False,
    )

    VOYAGE = (
        "vessel",
        "kind",
        "port",
        "expected_at",
        "departs_at",
        "last_port",
        "last_port_country",
        "next_port",
        "next_port_country",
        "purpose",
        "is_charter",
    )
    DECLARATION = (
        "declares_firearms",
        "declares_currency",
        "currency_amount",
        "currency_code",
        "declares_alcohol_tobacco",
        "declares_animals",
        "declares_plants_food",
        "declares_goods_for_sale",
        "declares_illness",
        "declaration_details",
    )

    def __init__(
        self,
        *args: Any,
        user: User,
        instance: Notification | None = None,
        submitting: bool = False,
        **kwargs: Any,
    ) -> None:
        self.user = user
        self.instance = instance
        self.submitting = submitting
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_from(instance)
        super().__init__(*args, **kwargs)
        self.fields["vessel"].queryset = vessel_selectors.vessels_for(user)  # type: ignore[attr-defined]
        if instance is not None:
            # A filed notification stays an arrival or a departure; a visit is only chosen when new.
            self.fields["kind"].choices = self.fields["kind"].choices[:2]  # type: ignore[attr-defined]
            del self.fields["departs_at"]
            if instance.status != Status.DRAFT:
                # An amendment keeps the vessel and the kind (see services.notification_amend).
                for name in ("vessel", "kind"):
                    self.fields[name].disabled = True
        self._name_the_clock()
        self.people: list[Person] = list(vessel_selectors.people_for(user))
        self.people_errors: list[str] = []
        on_board = {row.person_id: row for row in instance.people_on_board.all()} if instance else {}
        role_choices = [(NOT_ON_BOARD, _("Not on board")), *PersonRole.choices]
        usual = usual_roles(self.people) if instance is None else {}
        for person in self.people:
            row = on_board.get(person.pk)
            role_label = _("Role of %(name)s") % {"name": person.full_name}
            document_label_text = _("Travel document of %(name)s") % {"name": person.full_name}
            self.fields[f"role_{person.pk}"] = forms.ChoiceField(
                label=role_label,
                widget=forms.Select(attrs={"aria-label": role_label}),
                choices=role_choices,
                required=False,
                initial=row.role if row else usual.get(person.pk, NOT_ON_BOARD),
            )
            documents = list(person.documents.all())
            self.fields[f"document_{person.pk}"] = forms.ChoiceField(
                label=document_label_text,
                widget=forms.Select(attrs={"aria-label": document_label_text}),
                choices=[(str(d.pk), document_label(d)) for d in documents],
                required=False,
                initial=str(row.document_id) if row else (str(documents[0].pk) if documents else ""),
            )

    def _name_the_clock(self) -> None:
        """Once the port is known (a draft, an amendment, a post with errors), the time's hint says whose
        clock it is: "Local time at St. John's (AST, UTC-4)"."""
        locode = self.data.get("port") if self.is_bound else self.initial.get("port")
        port = selectors.ports_of_entry().filter(locode=locode).first() if locode else None
        if port is None:
            return
        clock = _("Local time at %(port)s (%(zone)s).") % {
            "port": port.name,
            "zone": zone_label(port_zone(port), timezone.now()),
        }
        for name in ("expected_at", "departs_at"):
            if name in self.fields:
                self.fields[name].help_text = f"{clock} {_('For example 24/12/2026 14:30.')}"

    # --- Parsing ---------------------------------------------------------------------------------

    def clean_port(self) -> Port | None:
        locode = self.cleaned_data.get("port") or ""
        port = selectors.ports_of_entry().filter(locode=locode).first()
        if port is None:
            raise ValidationError(_("Choose a port of entry of a member administration."))
        return port

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _localize(self, data, ("expected_at", "departs_at"))
        for name in ("expected_at", "departs_at"):
            if data.get(name) is not None:
                problem = check_expected_at(data[name]).get("expected_at")
                if problem:
                    self.add_error(name, problem)
        if data.get("kind") == VISIT and not data.get("departs_at"):
            self.add_error("departs_at", _("Enter when you leave: the departure is filed with the arrival."))
        if self.submitting:
            for name in (*DECLARATION_QUESTIONS, "is_charter"):
                if name in self.fields and data.get(name) is None and name not in self.errors:
                    self.add_error(name, _("Answer yes or no."))
        people: list[Aboard] = []
        roles: list[str] = []
        for person in self.people:
            role = data.get(f"role_{person.pk}") or NOT_ON_BOARD
            if role == NOT_ON_BOARD:
                continue
            roles.append(role)
            documents = {str(d.pk): d for d in person.documents.all()}
            document = documents.get(data.get(f"document_{person.pk}") or "")
            if document is None:
                self.add_error(
                    f"document_{person.pk}",
                    _("Choose a travel document for %(name)s, or add one to their details.")
                    % {"name": person.full_name},
                )
                continue
            people.append(Aboard(person=person, document=document, role=role))
        data["people"] = people
        if self.submitting:
            self._check_complete(data, roles)
        return data

    def _check_complete(self, data: dict[str, Any], roles: list[str]) -> None:
        """Every error of a filing in one round trip: the people and the declaration's consistency are
        checked by the same rules the services apply, even when other fields are still wrong."""
        masters = roles.count(PersonRole.MASTER)
        if not roles:
            self.people_errors.append(str(_("Add at least one person on board.")))
        elif masters == 0:
            self.people_errors.append(str(_("Say who is the master (captain).")))
        elif masters > 1:
            self.people_errors.append(str(_("Only one person on board can be the master.")))
        for message in self.people_errors:
            self.add_error(None, message)
        kind = data.get("kind")
        probe = Notification(
            kind=Kind.ARRIVAL if kind == VISIT else (kind or ""),
            purpose=data.get("purpose") or "",
            currency_amount=data.get("currency_amount"),
            currency_code=(data.get("currency_code") or "").strip(),
            declaration_details=data.get("declaration_details") or "",
        )
        vessel = data.get("vessel") or (self.instance.vessel if self.instance is not None else None)
        if vessel is not None:
            probe.vessel = vessel
        answers = {name: data.get(name) for name in DECLARATION_QUESTIONS}
        for name, value in answers.items():
            setattr(probe, name, bool(value))
        probe.declaration_answered = all(value is not None for value in answers.values())
        for field, message in check_complete(probe).items():
            if field in self.fields and field not in self.errors:
                self.add_error(field, message)

    def voyage_data(self) -> dict[str, Any]:
        """What the services take: model fields only; unanswered yes/no questions are left out."""
        data = self.cleaned_data
        result: dict[str, Any] = {
            name: data[name]
            for name in (
                "vessel",
                "port",
                "expected_at",
                "last_port",
                "last_port_country",
                "next_port",
                "next_port_country",
                "purpose",
                "currency_amount",
                "currency_code",
                "declaration_details",
            )
        }
        result["kind"] = Kind.ARRIVAL if data["kind"] == VISIT else data["kind"]
        for name in ("is_charter", *DECLARATION_QUESTIONS):
            if data.get(name) is not None:
                result[name] = data[name]
        return result

    @property
    def is_visit(self) -> bool:
        return self.cleaned_data.get("kind") == VISIT

    # --- Errors from the services -----------------------------------------------------------------

    def add_service_errors(self, error: ValidationError) -> None:
        """Put each error from a service beside its field; the rest go in the summary at the top."""
        if not hasattr(error, "error_dict"):
            for message in error.messages:
                self.add_error(None, message)
            return
        for field, messages in error.message_dict.items():
            for message in messages:
                if field in self.fields:
                    self.add_error(field, message)
                elif field == "people":
                    self.people_errors.append(message)
                    self.add_error(None, message)
                elif field == "declaration":
                    for name in DECLARATION_QUESTIONS:
                        if self.cleaned_data.get(name) is None and name not in self.errors:
                            self.add_error(name, _("Answer yes or no."))
                    self.add_error(None, message)
                else:
                    self.add_error(None, message)

    # --- Rendering by section ---------------------------------------------------------------------

    def section(self, names: tuple[str, ...]) -> Iterator[forms.BoundField]:
        return (self[name] for name in names if name in self.fields)

    def voyage_fields(self) -> Iterator[forms.BoundField]:
        return self.section(self.VOYAGE)

    def declaration_fields(self) -> Iterator[forms.BoundField]:
        return self.section(self.DECLARATION)

    def document_warnings(self) -> list[dict[str, Any]]:
        """Travel documents of the people chosen that are expired on the day of the voyage, or expire
        within EXPIRING_DAYS after it (several members want six months' validity), for the chosen port
        and date, by the same rule as the officer's page (`clearance/expiry.py`)."""
        cleaned = getattr(self, "cleaned_data", None)
        if cleaned is not None:
            port, when = cleaned.get("port"), cleaned.get("expected_at")
        elif self.instance is not None:
            port, when = self.instance.port, self.instance.expected_at
        else:
            return []
        if not isinstance(port, Port) or not isinstance(when, dt.datetime) or when.tzinfo is None:
            return []
        day = travel_day(when, port)
        warnings = []
        for row in self.people_rows():
            if not row["role"].value():
                continue
            chosen = str(row["document"].value() or "")
            document = next((d for d in row["person"].documents.all() if str(d.pk) == chosen), None)
            if document is None:
                continue
            expired = document_expired(document.expiry_date, day)
            if expired or document.expiry_date <= day + dt.timedelta(days=EXPIRING_DAYS):
                warnings.append({"person": row["person"], "document": document, "expired": expired})
        return warnings

    def people_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "person": person,
                "role": self[f"role_{person.pk}"],
                "document": self[f"document_{person.pk}"],
            }
            for person in self.people
        ]


def _answer(value: bool | None) -> str:
    """The radio button's value; "" while unanswered (a draft never answers "No" for the captain)."""
    if value is None:
        return ""
    return "yes" if value else "no"


def initial_from(notification: Notification) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "vessel": notification.vessel_id,
        "kind": notification.kind,
        "port": notification.port.locode,
        "expected_at": port_time(notification.expected_at, notification.port).strftime(TYPED_FORMAT),
        "last_port": notification.last_port,
        "last_port_country": str(notification.last_port_country),
        "next_port": notification.next_port,
        "next_port_country": str(notification.next_port_country),
        "purpose": notification.purpose,
        "is_charter": _answer(notification.is_charter),
        "currency_amount": notification.currency_amount,
        "currency_code": notification.currency_code,
        "declaration_details": notification.declaration_details,
    }
    if notification.declaration_answered:
        for name in DECLARATION_QUESTIONS:
            initial[name] = _answer(getattr(notification, name))
    return initial


class StartFromLastVoyageForm(forms.Form):
    """Start a new notification with the people and ports of a vessel's last voyage."""

    vessel: forms.ModelChoiceField[Vessel] = forms.ModelChoiceField(
        label=_("Vessel"), queryset=Vessel.objects.none(), empty_label=_("Choose a vessel")
    )
    kind = forms.ChoiceField(
        label=_("What are you notifying?"),
        choices=[(Kind.ARRIVAL, _("Arrival")), (Kind.DEPARTURE, _("Departure"))],
        widget=forms.RadioSelect,
        initial=Kind.ARRIVAL,
    )
    port = forms.ChoiceField(label=_("Port of entry"), choices=port_choices)
    expected_at = _datetime(
        _("Expected date and time"),
        _("In the local time of the port. For example 24/12/2026 14:30."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vessel"].queryset = selectors.vessels_with_a_voyage(user)  # type: ignore[attr-defined]

    clean_port = NotificationForm.clean_port

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _localize(self, data, ("expected_at",))
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        help_text=_("For example: plans changed, or filed twice."),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
