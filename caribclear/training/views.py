"""Training pages. Every page starts from a selector that restricts to what the reader may see."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from caribclear.accounts.models import User
from caribclear.accounts.services import send_set_password_link
from caribclear.core.csv_export import csv_response
from caribclear.core.permissions import login_required

from . import selectors, services
from .choices import INTAKE_STATUS, EnrolmentStatus, IntakeStatus
from .credentials import status_list_jwt
from .documents import certificate_pdf
from .forms import (
    CourseForm,
    EvaluationForm,
    ImportForm,
    IntakeForm,
    IntakeTutorsForm,
    NominateForm,
    ProgrammeForm,
    RequirementForm,
    ResultForm,
    RevokeForm,
    TutorForm,
)
from .moodle import COMPLETION, ImportRefused, match_export
from .signing import did_document


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not selectors.may_use_training(user):
        raise Http404
    return user


def _errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    intakes = selectors.intakes_for(user=user)
    context = {
        "open_intakes": intakes.filter(status__in=[IntakeStatus.OPEN, IntakeStatus.RUNNING]),
        "tutored": intakes.filter(tutors=user),
        "finished": intakes.filter(status=IntakeStatus.FINISHED)[:10] if user.is_secretariat else [],
        "record": selectors.career_record(user=user, official=user) if user.is_official else None,
        "programmes": selectors.programmes(user=user),
    }
    return render(request, "training/home.html", context)


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "training/catalogue.html",
        {"programmes": selectors.programmes(user=user), "courses": selectors.courses(user=user)},
    )


def _create(request: HttpRequest, form_class: Any, create: Any, title: Any, done: Any) -> HttpResponse:
    user = _user(request)
    if not user.is_secretariat:
        raise Http404
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            create(actor=user, **form.cleaned_data)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, done)
            return redirect("training:catalogue")
    return render(request, "training/create.html", {"form": form, "title": title})


@login_required
def course_new(request: HttpRequest) -> HttpResponse:
    return _create(request, CourseForm, services.course_create, _("Add a course"), _("The course is added."))


@login_required
def programme_new(request: HttpRequest) -> HttpResponse:
    return _create(
        request, ProgrammeForm, services.programme_create, _("Add a programme"), _("The programme is added.")
    )


@login_required
def intake_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not user.is_secretariat:
        raise Http404
    form = IntakeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            intake = services.intake_open(actor=user, **form.cleaned_data)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("The intake is open for nominations."))
            return redirect("training:intake", code=intake.code)
    return render(request, "training/intake_form.html", {"form": form})


def _intake_context(request: HttpRequest, user: User, code: str) -> dict[str, Any]:
    intake = selectors.intake_for(user=user, code=code)
    enrolments = selectors.enrolments_for(user=user).filter(intake=intake)
    return {
        "intake": intake,
        "enrolments": enrolments,
        "can_record": services.can_record_results(user, intake),
        "nominate_form": NominateForm(user=user, intake=intake)
        if user.is_administrator and intake.status == IntakeStatus.OPEN
        else None,
        "next_statuses": [IntakeStatus(s) for s in IntakeStatus.values if s in INTAKE_STATUS[intake.status]]
        if user.is_secretariat
        else [],
        "tutors_form": IntakeTutorsForm(initial={"tutors": list(intake.tutors.all())})
        if user.is_secretariat and intake.status != IntakeStatus.CANCELLED
        else None,
        "evaluations": selectors.evaluation_summary(user=user, intake=intake)
        if user.is_secretariat or services.can_record_results(user, intake)
        else None,
    }


@login_required
def intake_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    return render(request, "training/intake_detail.html", _intake_context(request, user, code))


@login_required
@require_POST
def intake_status(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    intake = selectors.intake_for(user=user, code=code)
    if not user.is_secretariat:
        raise Http404
    try:
        services.intake_set_status(actor=user, intake=intake, status=request.POST.get("status", ""))
    except (ValidationError, KeyError, ValueError):
        messages.error(request, _("That change of status is not possible."))
    return redirect("training:intake", code=intake.code)


@login_required
@require_POST
def intake_tutors(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    if not user.is_secretariat:
        raise Http404
    intake = selectors.intake_for(user=user, code=code)
    form = IntakeTutorsForm(request.POST)
    if form.is_valid():
        try:
            services.intake_set_tutors(actor=user, intake=intake, tutors=form.cleaned_data["tutors"])
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("The tutors are saved."))
            return redirect("training:intake", code=intake.code)
    context = _intake_context(request, user, code)
    context["tutors_form"] = form
    return render(request, "training/intake_detail.html", context, status=400)


@login_required
def tutors(request: HttpRequest) -> HttpResponse:
    """The secretariat's external tutors (of the partner university, of another academy): each signs in
    with their own account, set up from an e-mailed link, and records the results of their intakes."""
    user = _user(request)
    people = selectors.external_tutors(user=user)
    form = TutorForm(request.POST or None, initial={"language": user.language})
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                tutor = services.tutor_account_create(actor=user, **form.cleaned_data)
                transaction.on_commit(lambda: send_set_password_link(user=tutor))
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(
                request,
                _("%(email)s is added; a link to set a password is on its way.") % {"email": tutor.email},
            )
            return redirect("training:tutors")
    return render(
        request,
        "training/tutors.html",
        {"tutors": people, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def nominate(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    if not user.is_administrator:
        raise Http404
    intake = selectors.intake_for(user=user, code=code)
    form = NominateForm(request.POST or None, user=user, intake=intake)
    if request.method == "POST" and form.is_valid():
        try:
            services.enrolment_nominate(actor=user, intake=intake, official=form.cleaned_data["official"])
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("Nominated. The secretariat will confirm the place."))
            return redirect("training:intake", code=intake.code)
    context = _intake_context(request, user, code)
    context["nominate_form"] = form
    return render(request, "training/intake_detail.html", context, status=400 if form.errors else 200)


_ENROLMENT_ACTIONS = {
    "confirm": services.enrolment_confirm,
    "decline": services.enrolment_decline,
    "withdraw": services.enrolment_withdraw,
}


@login_required
@require_POST
def enrolment_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = _user(request)
    enrolment = selectors.enrolment_for(user=user, pk=pk)
    if action not in _ENROLMENT_ACTIONS:
        raise Http404
    try:
        enrolment = _ENROLMENT_ACTIONS[action](actor=user, enrolment=enrolment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except PermissionDenied:
        raise Http404 from None
    else:
        if enrolment.status == EnrolmentStatus.WAITLISTED:
            messages.warning(
                request, _("Every seat of this member is taken: the nomination is on the waiting list.")
            )
    return redirect("training:intake", code=enrolment.intake.code)


@login_required
def results(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    intake = selectors.intake_for(user=user, code=code)
    if not services.can_record_results(user, intake):
        raise Http404
    enrolments = list(
        selectors.enrolments_for(user=user).filter(intake=intake, status=EnrolmentStatus.CONFIRMED)
    )
    forms = {
        e.pk: ResultForm(
            request.POST or None,
            prefix=f"e{e.pk}",
            initial={"grade": e.grade, "days_attended": e.days_attended},
        )
        for e in enrolments
    }
    if request.method == "POST":
        saved = 0
        for enrolment in enrolments:
            form = forms[enrolment.pk]
            if not form.is_valid():
                continue
            if not form.has_changed():
                continue
            try:
                services.result_record(
                    actor=user,
                    enrolment=enrolment,
                    grade=form.cleaned_data["grade"],
                    days_attended=form.cleaned_data["days_attended"],
                )
                saved += 1
            except ValidationError as error:
                _errors(form, error)
        if not any(f.errors for f in forms.values()):
            messages.success(request, _("Results saved."))
            return redirect("training:intake", code=intake.code)
    rows = [(e, forms[e.pk]) for e in enrolments]
    return render(request, "training/results.html", {"intake": intake, "rows": rows})


@login_required
def results_import(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    intake = selectors.intake_for(user=user, code=code)
    if not services.can_record_results(user, intake):
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[tuple[int, str]] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = match_export(intake=intake, upload=upload, filename=upload.name)
        except ImportRefused as error:
            form.add_error("file", str(error))
        else:
            problems = report.problems
            if report.ok:
                try:
                    done = services.results_import(
                        actor=user,
                        intake=intake,
                        rows=report.rows,
                        source="moodle-completion" if report.kind == COMPLETION else "moodle",
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    if report.kind == COMPLETION:
                        messages.success(
                            request,
                            _(
                                "Completion report imported: %(completed)s of %(count)s participants "
                                "have completed the course."
                            )
                            % {"completed": report.completed, "count": len(done)},
                        )
                    else:
                        messages.success(request, _("%(count)s results imported.") % {"count": len(done)})
                    return redirect("training:intake", code=intake.code)
    status = 400 if (form.errors or problems) else 200
    return render(
        request, "training/import.html", {"intake": intake, "form": form, "problems": problems}, status=status
    )


@login_required
def evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    enrolment = selectors.enrolment_for(user=user, pk=pk)
    if enrolment.official_id != user.pk:
        raise Http404
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_submit(actor=user, enrolment=enrolment, **form.cleaned_data)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("Thank you for your evaluation."))
            return redirect("training:record")
    return render(request, "training/evaluate.html", {"enrolment": enrolment, "form": form})


@login_required
def record(request: HttpRequest, official_id: int | None = None) -> HttpResponse:
    user = _user(request)
    official = selectors.official_for_record(user=user, official_id=official_id or user.pk)
    context = {"official": official, **selectors.career_record(user=user, official=official)}
    if official.pk == user.pk:
        context["to_evaluate"] = [
            e
            for e in context["enrolments"]
            if e.status == EnrolmentStatus.CONFIRMED
            and e.intake.status in (IntakeStatus.RUNNING, IntakeStatus.FINISHED)
            and not hasattr(e, "evaluation")
        ]
    return render(request, "training/record.html", context)


@login_required
def record_csv(request: HttpRequest, official_id: int | None = None) -> HttpResponse:
    user = _user(request)
    official = selectors.official_for_record(user=user, official_id=official_id or user.pk)
    data = selectors.career_record(user=user, official=official)
    response, writer = csv_response(f"training-record-{official.pk}.csv")
    writer.writerow(["course", "intake", "starts_on", "ends_on", "status", "result", "grade", "hours"])
    for e in data["enrolments"]:
        writer.writerow(
            [
                e.intake.course.title,
                e.intake.code,
                e.intake.starts_on,
                e.intake.ends_on,
                e.status,
                e.outcome,
                e.grade if e.grade is not None else "",
                e.intake.course.hours,
            ]
        )
    return response


@login_required
def officials(request: HttpRequest) -> HttpResponse:
    """An administrator's officials, each with a link to their training record; and the requirements."""
    user = _user(request)
    if not user.is_administrator:
        raise Http404
    form = RequirementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.requirement_create(actor=user, **form.cleaned_data)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("Requirement saved."))
            return redirect("training:officials")
    people = selectors.officials_of(user=user)
    return render(
        request,
        "training/officials.html",
        {
            "officials": people,
            "requirements": selectors.requirements_for(user=user),
            "form": form,
        },
    )


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def credential_pdf(request: HttpRequest, token: str) -> HttpResponse:
    user = _user(request)
    credential = selectors.credential_for(user=user, token=token)
    return _pdf(certificate_pdf(credential), f"certificate-{credential.pk}.pdf")


@login_required
def credential_badge(request: HttpRequest, token: str) -> HttpResponse:
    """The signed Open Badges 3.0 credential (VC-JWT), for the holder's wallet."""
    user = _user(request)
    credential = selectors.credential_for(user=user, token=token)
    response = HttpResponse(credential.signed_jwt, content_type="application/vc+jwt")
    response["Content-Disposition"] = f'attachment; filename="credential-{credential.pk}.jwt"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def credential_revoke(request: HttpRequest, token: str) -> HttpResponse:
    user = _user(request)
    if not user.is_secretariat:
        raise Http404
    credential = selectors.credential_for(user=user, token=token)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.credential_revoke(actor=user, credential=credential, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("The credential is revoked."))
            return redirect("training:record_of", official_id=credential.holder_id)
    return render(request, "training/revoke.html", {"credential": credential, "form": form})


@never_cache
def verify(request: HttpRequest, token: str) -> HttpResponse:
    """Public: only the holder's name, the credential, the issuer, the date and the status."""
    credential = selectors.credential_by_token(request.user, token)
    return render(
        request, "training/verify.html", {"credential": credential}, status=200 if credential else 404
    )


def status_list(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(status_list_jwt(), content_type="application/vc+jwt")
    response["Cache-Control"] = "public, max-age=60"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def did_json(request: HttpRequest) -> HttpResponse:
    response = JsonResponse(did_document(), content_type="application/did+json")
    response["Access-Control-Allow-Origin"] = "*"
    return response


@login_required
def figures(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    rows = selectors.regional_figures(user=user)
    if request.GET.get("format") == "csv":
        response, writer = csv_response("regional-training-figures.csv")
        writer.writerow(
            [
                "year",
                "member",
                "participants",
                "trained",
                "certified",
                "completion_rate",
                "pass_rate",
                "evaluations",
                "average_rating",
                "average_outcomes_achieved",
            ]
        )
        for r in rows:
            writer.writerow(
                [
                    r["year"],
                    r["administration"].name,
                    r["participants"],
                    r["trained"],
                    r["certified"],
                    r["completion_rate"],
                    "" if r["pass_rate"] is None else r["pass_rate"],
                    r["evaluations"],
                    "" if r["rating"] is None else r["rating"],
                    "" if r["outcomes_achieved"] is None else r["outcomes_achieved"],
                ]
            )
        return response
    return render(request, "training/figures.html", {"rows": rows, "chart": _bars(rows)})


def _bars(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Geometry of the SVG bar chart of officials certified per member and year (drawn by the template;
    training sits below dashboards, so it draws its one chart itself)."""
    top = max((r["certified"] for r in rows), default=0) or 1
    bars = [
        {
            "label": f"{r['administration'].name} {r['year']}",
            "value": r["certified"],
            "y": 6 + i * 28,
            "middle": 17 + i * 28,
            "width": max(1, round(360 * r["certified"] / top)),
            "end": 204 + max(1, round(360 * r["certified"] / top)),
        }
        for i, r in enumerate(rows)
    ]
    return {"bars": bars, "height": 6 + 28 * len(bars)}
