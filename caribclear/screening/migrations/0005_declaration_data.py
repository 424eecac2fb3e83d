"""Point every screening run and hit at its notification's declaration (made here for the rare notification
screened while it had none, e.g. a draft)."""

from django.db import migrations
from django.db.models import OuterRef, Subquery

KIND = "clearance.notification"


def _declarations_for(apps, notification_ids) -> None:
    Declaration = apps.get_model("core", "Declaration")
    Notification = apps.get_model("clearance", "Notification")
    orphans = Notification.objects.filter(pk__in=notification_ids, declaration__isnull=True)
    Declaration.objects.bulk_create(
        [
            Declaration(
                kind=KIND,
                administration_id=n.administration_id,
                reference=n.reference,
                version=n.version,
                created_at=n.submitted_at or n.created_at,
            )
            for n in orphans
        ],
        batch_size=2000,
    )
    Notification.objects.filter(pk__in=notification_ids, declaration__isnull=True).update(
        declaration_id=Subquery(
            Declaration.objects.filter(kind=KIND, reference=OuterRef("reference")).values("pk")[:1]
        )
    )


def forwards(apps, schema_editor):
    Notification = apps.get_model("clearance", "Notification")
    for name in ("ScreeningRun", "Hit"):
        model = apps.get_model("screening", name)
        missing = model.objects.filter(notification__declaration__isnull=True).values("notification_id")
        _declarations_for(apps, missing)
        model.objects.filter(declaration__isnull=True).update(
            declaration_id=Subquery(
                Notification.objects.filter(pk=OuterRef("notification_id")).values("declaration_id")[:1]
            )
        )


def backwards(apps, schema_editor):
    Notification = apps.get_model("clearance", "Notification")
    for name in ("ScreeningRun", "Hit"):
        apps.get_model("screening", name).objects.update(
            notification_id=Subquery(
                Notification.objects.filter(declaration_id=OuterRef("declaration_id")).values("pk")[:1]
            )
        )


class Migration(migrations.Migration):
    dependencies = [("screening", "0004_declaration_fields")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
