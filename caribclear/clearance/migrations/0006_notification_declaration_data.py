"""A declaration (``core.Declaration``) for every filed notification, linked to it."""

from django.db import migrations
from django.db.models import OuterRef, Subquery

KIND = "clearance.notification"
BATCH = 2000


def declarations_for_notifications(apps, notifications) -> int:
    """Make the declaration of each notification in a queryset that has none, and link them."""
    Declaration = apps.get_model("core", "Declaration")
    Notification = apps.get_model("clearance", "Notification")
    rows = notifications.filter(declaration__isnull=True).values_list(
        "pk", "reference", "administration_id", "version", "submitted_at", "created_at"
    )
    made, batch = 0, []
    for _pk, reference, administration_id, version, submitted_at, created_at in rows.iterator(chunk_size=BATCH):
        batch.append(
            Declaration(
                kind=KIND,
                administration_id=administration_id,
                reference=reference,
                version=version,
                created_at=submitted_at or created_at,
            )
        )
        if len(batch) >= BATCH:
            made += len(Declaration.objects.bulk_create(batch))
            batch = []
    if batch:
        made += len(Declaration.objects.bulk_create(batch))
    Notification.objects.filter(pk__in=notifications.filter(declaration__isnull=True).values("pk")).update(
        declaration_id=Subquery(
            Declaration.objects.filter(kind=KIND, reference=OuterRef("reference")).values("pk")[:1]
        )
    )
    return made


def forwards(apps, schema_editor):
    Notification = apps.get_model("clearance", "Notification")
    declarations_for_notifications(apps, Notification.objects.exclude(status="draft"))


def backwards(apps, schema_editor):
    Declaration = apps.get_model("core", "Declaration")
    Notification = apps.get_model("clearance", "Notification")
    Notification.objects.update(declaration=None)
    # A plain DELETE, not the ORM's cascade: going back, the historical state still lists models of apps
    # whose tables are already gone (cargo, passengers), which the cascade would query. Whatever still
    # points at these declarations in a table that exists is refused by its foreign key at commit.
    queryset = Declaration.objects.filter(kind=KIND)
    queryset._raw_delete(queryset.db)


class Migration(migrations.Migration):
    dependencies = [("clearance", "0005_notification_declaration")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
