"""Screening runs and hits point at a declaration (``core.Declaration``), not at the yacht notification.

Three steps (0004 schema, 0005 data, 0006 schema) so that PostgreSQL never alters a table with rows
updated in the same transaction.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clearance", "0006_notification_declaration_data"),
        ("core", "0005_declaration"),
        ("screening", "0003_intel_alerts"),
    ]

    operations = [
        migrations.AddField(
            model_name="screeningrun",
            name="declaration",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="screening_runs",
                to="core.declaration",
            ),
        ),
        migrations.AddField(
            model_name="hit",
            name="declaration",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="screening_hits",
                to="core.declaration",
            ),
        ),
        migrations.AlterField(
            model_name="screeningrun",
            name="notification",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="screening_runs",
                to="clearance.notification",
            ),
        ),
        migrations.AlterField(
            model_name="hit",
            name="notification",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="screening_hits",
                to="clearance.notification",
            ),
        ),
        migrations.RemoveConstraint(model_name="hit", name="one_hit_per_pair"),
    ]
