from django.db import models
from django.utils.translation import gettext_lazy as _

from caribclear.core.pipeline import Pipeline


class Level(models.TextChoices):
    CERTIFICATE = "certificate", _("Certificate")
    DIPLOMA = "diploma", _("Diploma")
    REGIONAL_COURSE = "regional", _("Regional course")


class Mode(models.TextChoices):
    ONLINE = "online", _("Online")
    IN_PERSON = "in_person", _("In person")
    BLENDED = "blended", _("Blended")


class IntakeStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    OPEN = "open", _("Open for nominations")
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")
    CANCELLED = "cancelled", _("Cancelled")


# The intake's pipeline: which statuses may follow each one.
INTAKE_STATUS = Pipeline(
    "status",
    {
        IntakeStatus.PLANNED: (IntakeStatus.OPEN, IntakeStatus.CANCELLED),
        IntakeStatus.OPEN: (IntakeStatus.RUNNING, IntakeStatus.CANCELLED),
        IntakeStatus.RUNNING: (IntakeStatus.FINISHED,),
        IntakeStatus.FINISHED: (),
        IntakeStatus.CANCELLED: (),
    },
    message=_("An intake that is %(status)s cannot become %(requested)s."),
)


class EnrolmentStatus(models.TextChoices):
    NOMINATED = "nominated", _("Nominated")
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waiting list")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# A place on an intake, from nomination to confirmation (or the waiting list, a refusal, a withdrawal).
ENROLMENT_STATUS = Pipeline(
    "status",
    {
        EnrolmentStatus.NOMINATED: (
            EnrolmentStatus.CONFIRMED,
            EnrolmentStatus.WAITLISTED,
            EnrolmentStatus.DECLINED,
            EnrolmentStatus.WITHDRAWN,
        ),
        EnrolmentStatus.WAITLISTED: (
            EnrolmentStatus.CONFIRMED,
            EnrolmentStatus.DECLINED,
            EnrolmentStatus.WITHDRAWN,
        ),
        EnrolmentStatus.CONFIRMED: (EnrolmentStatus.WITHDRAWN,),
        EnrolmentStatus.DECLINED: (),
        EnrolmentStatus.WITHDRAWN: (),
    },
    message=_("A nomination that is %(status)s cannot become %(requested)s."),
)


class Outcome(models.TextChoices):
    PENDING = "pending", _("In progress")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Not passed")


class CredentialKind(models.TextChoices):
    COURSE = "course", _("Course")
    PROGRAMME = "programme", _("Programme")
