"""PostgreSQL: a covering index by place and date, for dashboards and reports of chosen members."""

from django.db import migrations

NAME = "intel_seizure_place_cover"
SQL = (
    f"CREATE INDEX IF NOT EXISTS {NAME} ON intel_seizure (port_id, occurred_on) INCLUDE (id, owner_id, tlp, "
    "release_to_all, operation_id, commodity, route_origin, route_transit, route_destination, concealment_method, "
    "detection_method, estimated_value_usd)"
)


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SQL)


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("intel", "0003_covering_and_person_indexes")]

    operations = [migrations.RunPython(create, drop)]
