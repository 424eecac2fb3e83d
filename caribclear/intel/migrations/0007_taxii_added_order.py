"""The order of TAXII's "date added" (a record's last change, then its id): pages of a collection and
`added_after` pulls are range reads of these indexes (partners.taxii)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("intel", "0006_access_log_hash_chain")]

    operations = [
        migrations.AddIndex(
            model_name="alert",
            index=models.Index(fields=["updated_at", "id"], name="intel_alert_added"),
        ),
        migrations.AddIndex(
            model_name="seizure",
            index=models.Index(fields=["updated_at", "id"], name="intel_seizure_added"),
        ),
    ]
