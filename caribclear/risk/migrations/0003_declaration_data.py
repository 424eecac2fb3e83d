"""Point every assessment at its notification's declaration (made here for the rare notification assessed
while it had none, e.g. a draft). Firings, overrides and dispositions hang off the assessment."""

from django.db import migrations
from django.db.models import OuterRef, Subquery

KIND = "clearance.notification"


def forwards(apps, schema_editor):
    Assessment = apps.get_model("risk", "Assessment")
    Declaration = apps.get_model("core", "Declaration")
    Notification = apps.get_model("clearance", "Notification")
    orphans = Notification.objects.filter(
        pk__in=Assessment.objects.values("notification_id"), declaration__isnull=True
    )
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
    Notification.objects.filter(
        pk__in=Assessment.objects.values("notification_id"), declaration__isnull=True
    ).update(
        declaration_id=Subquery(
            Declaration.objects.filter(kind=KIND, reference=OuterRef("reference")).values("pk")[:1]
        )
    )
    Assessment.objects.filter(declaration__isnull=True).update(
        declaration_id=Subquery(
            Notification.objects.filter(pk=OuterRef("notification_id")).values("declaration_id")[:1]
        )
    )


def backwards(apps, schema_editor):
    Assessment = apps.get_model("risk", "Assessment")
    Notification = apps.get_model("clearance", "Notification")
    Assessment.objects.update(
        notification_id=Subquery(
            Notification.objects.filter(declaration_id=OuterRef("declaration_id")).values("pk")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("risk", "0002_declaration_fields"),
        ("screening", "0005_declaration_data"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
