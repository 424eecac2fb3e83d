import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("screening", "0005_declaration_data")]

    operations = [
        migrations.RemoveField(model_name="screeningrun", name="notification"),
        migrations.RemoveField(model_name="hit", name="notification"),
        migrations.AlterField(
            model_name="screeningrun",
            name="declaration",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="screening_runs", to="core.declaration"
            ),
        ),
        migrations.AlterField(
            model_name="hit",
            name="declaration",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="screening_hits", to="core.declaration"
            ),
        ),
        migrations.RenameField(
            model_name="screeningrun", old_name="notification_version", new_name="declaration_version"
        ),
        migrations.AlterField(
            model_name="screeningrun",
            name="declaration_version",
            field=models.PositiveIntegerField(verbose_name="declaration version"),
        ),
        migrations.AlterField(
            model_name="hit",
            name="subject_kind",
            field=models.CharField(
                choices=[
                    ("person", "Person on board"),
                    ("vessel", "Vessel"),
                    ("owner", "Vessel owner"),
                    ("company", "Company"),
                ],
                max_length=10,
                verbose_name="who or what matched",
            ),
        ),
        migrations.AddConstraint(
            model_name="hit",
            constraint=models.UniqueConstraint(
                fields=("declaration", "watchlist", "entity_id", "subject_key"), name="one_hit_per_pair"
            ),
        ),
        migrations.AddIndex(
            model_name="screeningrun",
            index=models.Index(fields=["declaration", "-started_at"], name="screening_run_decl_started"),
        ),
        migrations.AddIndex(
            model_name="screeningrun",
            index=models.Index(fields=["administration", "started_at"], name="screening_run_admin_started"),
        ),
    ]
