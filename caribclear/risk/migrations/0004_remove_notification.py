import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("risk", "0003_declaration_data")]

    operations = [
        migrations.RemoveField(model_name="assessment", name="notification"),
        migrations.AlterField(
            model_name="assessment",
            name="declaration",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE, related_name="risk_assessment", to="core.declaration"
            ),
        ),
        migrations.RenameField(
            model_name="assessment", old_name="notification_version", new_name="declaration_version"
        ),
    ]
