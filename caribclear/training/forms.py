from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from caribclear.accounts.choices import OFFICIAL_ROLES
from caribclear.accounts.models import User
from caribclear.core.forms import typed_date

from . import selectors
from .choices import Level, Mode
from .models import Course, Intake, Programme


def tutor_label(user: User) -> str:
    """A tutor as the secretariat picks one: name, and whose they are (an administration, or external)."""
    name = user.get_full_name() or user.email
    if user.administration_id is None:
        return f"{name} ({_('external tutor')})"
    return f"{name} ({user.administration})"


class TutorsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return tutor_label(obj)


class IntakeForm(forms.Form):
    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.objects.all())
    code = forms.CharField(label=_("Intake code"), max_length=30, help_text=_("For example MCE-2027-1."))
    starts_on = typed_date(_("Starts on"))
    ends_on = typed_date(_("Ends on"))
    mode = forms.ChoiceField(label=_("Mode"), choices=Mode.choices)
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    in_person_days = forms.IntegerField(label=_("In-person days"), min_value=0, max_value=365, initial=0)
    seats_per_member = forms.IntegerField(label=_("Seats per member"), min_value=1, max_value=100, initial=2)
    tutors = TutorsField(
        label=_("Tutors"),
        queryset=selectors.tutor_candidates(),
        required=False,
        help_text=_("External tutors are added on the Tutors page; officials of any member may tutor too."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The intake cannot end before it starts."))
        if data.get("mode") in (Mode.IN_PERSON, Mode.BLENDED) and not data.get("venue"):
            self.add_error("venue", _("Give the venue of the in-person days."))
        return data


class CourseForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    credits = forms.DecimalField(label=_("Credits"), min_value=0, max_value=100, decimal_places=1, initial=3)
    hours = forms.IntegerField(label=_("Hours of study"), min_value=0, max_value=2000, initial=45)
    pass_mark = forms.DecimalField(
        label=_("Pass mark (%)"), min_value=0, max_value=100, decimal_places=2, initial=50
    )
    learning_outcomes = forms.CharField(
        label=_("Learning outcomes"), widget=forms.Textarea, required=False, help_text=_("One per line.")
    )
    delivering_partner = forms.CharField(label=_("Delivering partner"), max_length=200, required=False)
    prerequisites = forms.ModelMultipleChoiceField(
        label=_("Prerequisites"), queryset=Course.objects.all(), required=False
    )

    modules = forms.CharField(
        label=_("Modules"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_(
            "One module per line, in order, with its hours after a semicolon: Readings and forum; 15"
        ),
    )

    def clean_learning_outcomes(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["learning_outcomes"].splitlines() if line.strip()]

    def clean_modules(self) -> list[tuple[str, int]]:
        modules, errors = [], []
        for number, line in enumerate(self.cleaned_data["modules"].splitlines(), start=1):
            if not line.strip():
                continue
            title, _sep, hours = line.rpartition(";") if ";" in line else (line, "", "0")
            title, hours = title.strip(), hours.strip() or "0"
            if not title or len(title) > 200 or not hours.isdigit() or int(hours) > 2000:
                errors.append(
                    _("Line %(line)s: give the module's title, a semicolon and its hours (0 to 2000).")
                    % {"line": number}
                )
                continue
            modules.append((title, int(hours)))
        if errors:
            raise forms.ValidationError(errors)
        return modules


class ProgrammeForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    title = forms.CharField(label=_("Title"), max_length=200)
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    delivering_partner = forms.CharField(label=_("Delivering partner"), max_length=200, required=False)
    required_credits = forms.DecimalField(
        label=_("Credits required"), min_value=0, max_value=500, decimal_places=1
    )
    minimum_grade = forms.DecimalField(
        label=_("Minimum grade in each course (%)"), min_value=0, max_value=100, decimal_places=2, initial=50
    )
    core = forms.ModelMultipleChoiceField(
        label=_("Core courses"), queryset=Course.objects.all(), required=False
    )
    electives = forms.ModelMultipleChoiceField(
        label=_("Elective courses"), queryset=Course.objects.all(), required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        core, electives = set(data.get("core") or []), set(data.get("electives") or [])
        if core & electives:
            self.add_error("electives", _("A course is either core or elective, not both."))
        if not core and not electives:
            self.add_error("core", _("Choose the programme's courses."))
        return data


class NominateForm(forms.Form):
    official: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Official"), queryset=User.objects.none()
    )

    def __init__(self, *args: Any, user: Any, intake: Intake, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["official"]
        field.queryset = selectors.nominable_officials(user=user, intake=intake)
        field.label_from_instance = lambda u: f"{u.get_full_name()} ({u.email})"


class IntakeTutorsForm(forms.Form):
    tutors = TutorsField(label=_("Tutors"), queryset=selectors.tutor_candidates(), required=False)


class TutorForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"))
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class ResultForm(forms.Form):
    grade = forms.DecimalField(
        label=_("Final grade (%)"), min_value=0, max_value=100, decimal_places=2, required=False
    )
    days_attended = forms.IntegerField(label=_("Days attended"), min_value=0, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Moodle gradebook export or course completion report"),
        help_text=_("CSV or XLSX, as Moodle downloads it. The kind of file is recognised by its columns."),
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


RATINGS = [(n, str(n)) for n in range(5, 0, -1)]


class EvaluationForm(forms.Form):
    outcomes_achieved = forms.TypedChoiceField(
        label=_("How far did you achieve the learning outcomes? (5 = fully)"),
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
    )
    rating = forms.TypedChoiceField(
        label=_("Overall rating of the course (5 = excellent)"),
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comments = forms.CharField(label=_("Comments"), widget=forms.Textarea, required=False, max_length=4000)


class RequirementForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=[(r.value, r.label) for r in OFFICIAL_ROLES])
    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.objects.all(), required=False)
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.all(), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("course")) == bool(data.get("programme")):
            self.add_error("course", _("Choose either a course or a programme."))
        return data
