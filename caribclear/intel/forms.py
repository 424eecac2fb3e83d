from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from caribclear.accounts.choices import OrganisationKind
from caribclear.accounts.models import Administration, User
from caribclear.core.forms import (
    TypedDateInput,
    bound_objects,
    bound_value,
    bounded_formfield,
    typed_date,
)

from .choices import (
    ALERT_PERSONAL_DEFAULT,
    SEIZURE_PERSONAL_DEFAULT,
    Commodity,
    PersonalField,
    RfiStatus,
    Tlp,
)
from .models import Alert, InformationRequest, Operation, Seizure, SeizureCompany, SeizurePerson

DATE = TypedDateInput()
DISSEMINATION = (
    "tlp",
    "source_reliability",
    "information_grade",
    "handling_code",
    "handling_conditions",
    "release_to_all",
    "legal_basis",
    "review_on",
)

SEIZURE_PERSONAL_CHOICES = [(c.value, c.label) for c in PersonalField if c != PersonalField.SUBJECT]
ALERT_PERSONAL_CHOICES = [(c.value, c.label) for c in (PersonalField.SUBJECT, PersonalField.NARRATIVE)]


def _members(exclude: Administration | None = None) -> Any:
    qs = Administration.objects.filter(is_active=True)
    return qs.exclude(pk=exclude.pk) if exclude else qs


def _members_and_partners(exclude: Administration) -> Any:
    """Who a record may be released to: the other members, and the partner agencies (police, IMPACS...)
    that the secretariat registered, which then read it over TAXII as their agreement allows."""
    kinds = [OrganisationKind.MEMBER, OrganisationKind.PARTNER]
    return Administration.organisations.filter(is_active=True, kind__in=kinds).exclude(pk=exclude.pk)


def _names(items: Any) -> str:
    return ", ".join(str(item) for item in items)


class DisseminationMixin(forms.Form):
    """Label, release and personal-data release, shared by every record's form."""

    released_to = forms.ModelMultipleChoiceField(
        label=_("Released to"),
        queryset=Administration.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For TLP:AMBER and TLP:AMBER+STRICT. Your own administration always sees its records."),
    )
    personal_released_to = forms.ModelMultipleChoiceField(
        label=_("Personal data released to"),
        queryset=Administration.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only with a legal basis."),
    )
    recipients = forms.CharField(
        label=_("Named recipients (TLP:RED)"),
        required=False,
        help_text=_("E-mail addresses of officials, separated by commas."),
    )

    def setup_dissemination(self, administration: Administration) -> None:
        self.fields["released_to"].queryset = _members_and_partners(administration)  # type: ignore[attr-defined]
        self.fields["personal_released_to"].queryset = _members_and_partners(  # type: ignore[attr-defined]
            administration
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        tlp = data.get("tlp")
        named = data.get("released_to")
        if tlp == Tlp.AMBER and not named and not data.get("release_to_all") and "released_to" in data:
            self.add_error(
                "released_to",
                _(
                    "TLP:AMBER is released to nobody: tick the administrations under “Released to”, "
                    "or choose TLP:AMBER+STRICT to keep it to your administration."
                ),
            )
        if tlp == Tlp.AMBER_STRICT and not named and data.get("release_to_all") and "released_to" in data:
            self.add_error(
                "released_to",
                _(
                    "TLP:AMBER+STRICT is released by name only (“all member administrations” does "
                    "not count): tick the administrations under “Released to”."
                ),
            )
        return data

    def sharing_summary(self) -> list[str]:
        """What saving would share, in plain words: who sees the record, and who its personal parts."""
        tlp = bound_value(self["tlp"])
        if not tlp:
            return []
        to_all = bool(bound_value(self["release_to_all"])) if "release_to_all" in self.fields else False
        named = bound_objects(self["released_to"])
        operation = bound_value(self["operation"]) if "operation" in self.fields else None
        label = Tlp(tlp).value
        if tlp in (Tlp.CLEAR, Tlp.GREEN) or (tlp == Tlp.AMBER and to_all):
            who = gettext("every member administration")
        elif tlp == Tlp.RED:
            recipients = [
                e.strip()
                for e in str(self.data.get("recipients", "") or self.initial.get("recipients", "")).split(",")
            ]
            recipients = [e for e in recipients if e]
            who = (
                gettext("your administration and the named recipients %(names)s")
                % {"names": ", ".join(recipients)}
                if recipients
                else gettext("your administration only (no named recipient yet)")
            )
        elif named:
            who = gettext("your administration and %(names)s") % {"names": _names(named)}
        elif tlp == Tlp.AMBER:
            who = ""
        else:
            who = gettext("your administration only")
        lines = [
            gettext("%(label)s: visible to %(who)s.") % {"label": f"TLP:{label}", "who": who}
            if who
            else gettext("%(label)s: released to nobody yet. Tick the administrations under “Released to”.")
            % {"label": f"TLP:{label}"}
        ]
        if operation is not None and tlp != Tlp.RED:
            lines.append(
                gettext("Also visible to the members of operation %(operation)s.")
                % {"operation": getattr(operation, "code", operation)}
            )
        names = dict(self.fields["personal_fields"].choices)  # type: ignore[attr-defined]
        personal = [str(names.get(v, v)) for v in bound_value(self["personal_fields"]) or []]
        personal_to = bound_objects(self["personal_released_to"])
        if not personal:
            lines.append(
                gettext("Personal fields: none marked; every part is shown to whoever sees the record.")
            )
        elif personal_to:
            lines.append(
                ngettext(
                    "Personal field (%(fields)s): released to %(names)s.",
                    "Personal fields (%(fields)s): released to %(names)s.",
                    len(personal),
                )
                % {"fields": ", ".join(personal), "names": _names(personal_to)}
            )
        else:
            lines.append(
                ngettext(
                    "Personal field (%(fields)s): none released; only your administration sees it.",
                    "Personal fields (%(fields)s): none released; only your administration sees them.",
                    len(personal),
                )
                % {"fields": ", ".join(personal)}
            )
        return lines

    def clean_recipients(self) -> list[User]:
        emails = [e.strip() for e in self.cleaned_data.get("recipients", "").split(",") if e.strip()]
        users = list(User.objects.filter(email__in=emails, is_active=True))
        found = {u.email.lower() for u in users}
        missing = [e for e in emails if e.lower() not in found]
        if missing or any(not u.is_official for u in users):
            raise forms.ValidationError(_("Each named recipient must be the e-mail address of an official."))
        return users


class SeizureForm(DisseminationMixin, forms.ModelForm):
    personal_fields = forms.MultipleChoiceField(
        label=_("Treat as personal"),
        choices=SEIZURE_PERSONAL_CHOICES,
        required=False,
        initial=SEIZURE_PERSONAL_DEFAULT,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Shown only to your administration and to those personal data is released to."),
    )
    photo = forms.FileField(label=_("Photo or document (optional)"), required=False)
    photo_caption = forms.CharField(label=_("Caption"), max_length=200, required=False)

    class Meta:
        formfield_callback = bounded_formfield
        model = Seizure
        fields = [
            "occurred_on",
            "port",
            "latitude",
            "longitude",
            "detection_method",
            "concealment_method",
            "commodity",
            "description",
            "quantity",
            "unit",
            "estimated_value_usd",
            "route_origin",
            "route_transit",
            "route_destination",
            "conveyance",
            "conveyance_identity",
            "narrative",
            "operation",
            *DISSEMINATION,
        ]
        widgets = {"occurred_on": DATE, "review_on": DATE, "narrative": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assert user.administration is not None
        self.setup_dissemination(user.administration)
        from caribclear.reference.models import Port

        self.fields["port"].queryset = Port.objects.ports_of_entry().order_by("name")  # type: ignore[attr-defined]
        self.fields["operation"].queryset = Operation.objects.filter(  # type: ignore[attr-defined]
            members=user.administration_id
        )

    def record_fields(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["personal_fields"] = self.cleaned_data["personal_fields"]
        return data


class PersonForm(forms.ModelForm):
    class Meta:
        formfield_callback = bounded_formfield
        model = SeizurePerson
        fields = ["surname", "given_names", "date_of_birth", "nationality", "document_number", "role"]
        widgets = {"date_of_birth": DATE}


class CompanyForm(forms.ModelForm):
    class Meta:
        formfield_callback = bounded_formfield
        model = SeizureCompany
        fields = ["name", "country", "registration_number"]


PersonFormSet = forms.formset_factory(PersonForm, extra=2)
CompanyFormSet = forms.formset_factory(CompanyForm, extra=1)


class AlertForm(DisseminationMixin, forms.ModelForm):
    personal_fields = forms.MultipleChoiceField(
        label=_("Treat as personal"),
        choices=ALERT_PERSONAL_CHOICES,
        required=False,
        initial=ALERT_PERSONAL_DEFAULT,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        formfield_callback = bounded_formfield
        model = Alert
        fields = [
            "subject_kind",
            "title",
            "commodity",
            "surname",
            "given_names",
            "date_of_birth",
            "nationality",
            "identifiers",
            "pattern",
            "narrative",
            "action_requested",
            "valid_from",
            "valid_until",
            "operation",
            *DISSEMINATION,
        ]
        widgets = {
            "date_of_birth": DATE,
            "valid_from": DATE,
            "valid_until": DATE,
            "review_on": DATE,
            "pattern": forms.Textarea(attrs={"rows": 3}),
            "narrative": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assert user.administration is not None
        self.setup_dissemination(user.administration)
        self.fields["operation"].queryset = Operation.objects.filter(  # type: ignore[attr-defined]
            members=user.administration_id
        )

    def record_fields(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["personal_fields"] = self.cleaned_data["personal_fields"]
        return data


class HandlingForm(DisseminationMixin, forms.Form):
    tlp = forms.ChoiceField(label=_("TLP label"), choices=Tlp.choices)
    release_to_all = forms.BooleanField(label=_("Released to all member administrations"), required=False)
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=300, required=False)
    personal_fields = forms.MultipleChoiceField(
        label=_("Treat as personal"),
        choices=PersonalField.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(label=_("Why"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(
        self, *args: Any, administration: Administration, personal_choices: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.setup_dissemination(administration)
        self.fields["personal_fields"].choices = personal_choices  # type: ignore[attr-defined]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Words"), required=False, max_length=200)
    commodity = forms.ChoiceField(
        label=_("Commodity"), choices=[("", _("Any")), *Commodity.choices], required=False
    )
    origin = forms.ChoiceField(label=_("Origin"), choices=[("", _("Any")), *list(countries)], required=False)
    destination = forms.ChoiceField(
        label=_("Destination"), choices=[("", _("Any")), *list(countries)], required=False
    )
    date_from = typed_date(_("From"), required=False)
    date_to = typed_date(_("To"), required=False)
    person = forms.CharField(label=_("Person"), required=False, max_length=200)
    vessel = forms.CharField(label=_("Vessel"), required=False, max_length=200)


class AlertSearchForm(forms.Form):
    q = forms.CharField(label=_("Words"), required=False, max_length=200)
    current = forms.BooleanField(label=_("Current only"), required=False)


class InformationRequestForm(forms.ModelForm):
    addressed_to = forms.ModelMultipleChoiceField(
        label=_("Ask"), queryset=Administration.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    include_personal = forms.BooleanField(
        label=_("The question contains personal data they may see"), required=False
    )

    class Meta:
        formfield_callback = bounded_formfield
        model = InformationRequest
        fields = ["subject", "question", "deadline", "tlp", "legal_basis"]
        widgets = {"deadline": DATE, "question": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assert user.administration is not None
        self.fields["addressed_to"].queryset = _members(user.administration)  # type: ignore[attr-defined]
        tlp = self.fields["tlp"]
        assert isinstance(tlp, forms.ChoiceField)
        tlp.choices = [(Tlp.AMBER, Tlp.AMBER.label), (Tlp.AMBER_STRICT, Tlp.AMBER_STRICT.label)]

    def sharing_summary(self) -> list[str]:
        """Who will see the request, and whether its question's personal data goes with it."""
        tlp = bound_value(self["tlp"]) or Tlp.AMBER
        addressed = bound_objects(self["addressed_to"])
        if not addressed:
            return [
                gettext("Addressed to nobody yet: tick the administrations under “%(label)s”.")
                % {"label": self.fields["addressed_to"].label}
            ]
        names = _names(addressed)
        lines = [
            gettext("%(label)s: visible to %(who)s.")
            % {"label": f"TLP:{tlp}", "who": gettext("your administration and %(names)s") % {"names": names}}
        ]
        if bound_value(self["include_personal"]):
            lines.append(gettext("Personal data in the question: released to %(names)s.") % {"names": names})
        else:
            lines.append(
                gettext("Personal data in the question: none released; write the question without it.")
            )
        return lines


class AnswerForm(forms.Form):
    text = forms.CharField(label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 5}))


class RfiStatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(s.value, s.label) for s in (RfiStatus.OPEN, RfiStatus.CLOSED, RfiStatus.WITHDRAWN)]
    )


class OperationForm(forms.ModelForm):
    members = forms.ModelMultipleChoiceField(
        label=_("Participating administrations"),
        queryset=Administration.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        formfield_callback = bounded_formfield
        model = Operation
        fields = ["code", "name", "description", "starts_on", "ends_on"]
        widgets = {"starts_on": DATE, "ends_on": DATE, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = _members(user.administration)  # type: ignore[attr-defined]
