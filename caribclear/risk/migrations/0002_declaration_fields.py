"""Assessments point at a declaration (``core.Declaration``), not at the yacht notification, and each
criterion names the kind of declaration it applies to (every existing one: the yacht notification).

Three steps (0002 schema, 0003 data, 0004 schema) so that PostgreSQL never alters a table with rows
updated in the same transaction.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clearance", "0006_notification_declaration_data"),
        ("core", "0005_declaration"),
        ("risk", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="criterion",
            name="kind",
            field=models.CharField(
                default="clearance.notification",
                help_text="The kind of declaration whose facts the conditions test.",
                max_length=64,
                verbose_name="applies to",
            ),
            preserve_default=False,
        ),
        migrations.AddIndex(
            model_name="criterion",
            index=models.Index(fields=["administration", "kind"], name="risk_criterion_admin_kind"),
        ),
        migrations.AddField(
            model_name="assessment",
            name="declaration",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="risk_assessment",
                to="core.declaration",
            ),
        ),
        migrations.AlterField(
            model_name="assessment",
            name="notification",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="risk_assessment",
                to="clearance.notification",
            ),
        ),
    ]
