"""PostgreSQL: the date covering index also carries the personal-data rule's columns (legal basis,
personal fields), so a page of search results is chosen from the index alone before its rows are read."""

from django.db import migrations

OLD = (
    "CREATE INDEX IF NOT EXISTS intel_seizure_cover ON intel_seizure (occurred_on) INCLUDE (id, owner_id, "
    "tlp, release_to_all, operation_id, commodity, route_origin, route_transit, route_destination, "
    "concealment_method, detection_method, port_id, estimated_value_usd)"
)
NEW = (
    "CREATE INDEX IF NOT EXISTS intel_seizure_cover ON intel_seizure (occurred_on) INCLUDE (id, owner_id, "
    "tlp, release_to_all, operation_id, commodity, route_origin, route_transit, route_destination, "
    "concealment_method, detection_method, port_id, estimated_value_usd, legal_basis, personal_fields)"
)


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS intel_seizure_cover")
        schema_editor.execute(NEW)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS intel_seizure_cover")
        schema_editor.execute(OLD)


class Migration(migrations.Migration):
    dependencies = [("intel", "0004_seizure_place_cover")]

    operations = [migrations.RunPython(forwards, backwards)]
