"""GIN indexes on the full-text vectors, on PostgreSQL only (SQLite searches the text columns)."""

from django.db import migrations

TABLES = ("intel_seizure", "intel_alert", "intel_informationrequest")


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        for column in ("search_vector", "personal_vector"):
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {table}_{column}_gin ON {table} USING gin ({column})")


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        for column in ("search_vector", "personal_vector"):
            schema_editor.execute(f"DROP INDEX IF EXISTS {table}_{column}_gin")


class Migration(migrations.Migration):
    dependencies = [("intel", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
