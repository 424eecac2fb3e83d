"""Every filed notification becomes a declaration (``core.Declaration``) that screening and risk point at:
the link here, the declarations in 0006 (a separate transaction, so PostgreSQL never alters a table with
rows updated in the same transaction)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clearance", "0004_versions_keep_person_names"),
        ("core", "0005_declaration"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="declaration",
            field=models.OneToOneField(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="notification",
                to="core.declaration",
                verbose_name="declaration",
            ),
        ),
    ]
