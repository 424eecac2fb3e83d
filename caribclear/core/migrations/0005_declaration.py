import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_seed_members"),
        ("core", "0004_status_history"),
    ]

    operations = [
        migrations.CreateModel(
            name="Declaration",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(max_length=64, verbose_name="kind")),
                ("reference", models.CharField(max_length=40, verbose_name="reference")),
                ("version", models.PositiveIntegerField(default=1, verbose_name="version")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="filed")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                (
                    "administration",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="declarations",
                        to="accounts.administration",
                        verbose_name="administration",
                    ),
                ),
            ],
            options={
                "verbose_name": "declaration",
                "verbose_name_plural": "declarations",
                "ordering": ["-created_at", "-id"],
                "indexes": [
                    models.Index(fields=["administration", "kind", "-created_at"], name="core_decl_admin_kind")
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("kind", "reference"), name="unique_declaration_reference")
                ],
            },
        ),
    ]
