"""PostgreSQL indexes for the dashboards and search at a million seizures.

- A covering index on the seizure date with every column the visibility rule, the filters and the
  charts read, so aggregates and filtered counts are index-only scans of a narrow index instead of
  reading the wide rows (which carry text and search vectors).
- (administration, record) indexes on the release tables, so the visibility rule's subqueries are
  index-only.
- Prefix indexes for the person search (surname, given names) and an exact one for document numbers,
  matching what Django emits for `istartswith` / `iexact` on PostgreSQL: UPPER(column::text).
SQLite needs none of this at its scale; it keeps the indexes declared on the models.
"""

from django.db import migrations

STATEMENTS = [
    (
        "intel_seizure_released_by_admin",
        "CREATE INDEX IF NOT EXISTS intel_seizure_released_by_admin ON intel_seizure_released_to "
        "(administration_id, seizure_id)",
    ),
    (
        "intel_seizure_personal_by_admin",
        "CREATE INDEX IF NOT EXISTS intel_seizure_personal_by_admin ON intel_seizure_personal_released_to "
        "(administration_id, seizure_id)",
    ),
    (
        "intel_seizure_recipients_by_user",
        "CREATE INDEX IF NOT EXISTS intel_seizure_recipients_by_user ON intel_seizure_recipients (user_id, seizure_id)",
    ),
    (
        "intel_seizure_cover",
        "CREATE INDEX IF NOT EXISTS intel_seizure_cover ON intel_seizure (occurred_on) INCLUDE (id, owner_id, "
        "tlp, release_to_all, operation_id, commodity, route_origin, route_transit, route_destination, "
        "concealment_method, detection_method, port_id, estimated_value_usd)",
    ),
    (
        "intel_person_surname_prefix",
        "CREATE INDEX IF NOT EXISTS intel_person_surname_prefix ON intel_seizureperson "
        "(UPPER(surname::text) text_pattern_ops)",
    ),
    (
        "intel_person_given_prefix",
        "CREATE INDEX IF NOT EXISTS intel_person_given_prefix ON intel_seizureperson "
        "(UPPER(given_names::text) text_pattern_ops)",
    ),
    (
        "intel_person_document",
        "CREATE INDEX IF NOT EXISTS intel_person_document ON intel_seizureperson (UPPER(document_number::text))",
    ),
]


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        for _name, statement in STATEMENTS:
            schema_editor.execute(statement)


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        for name, _statement in STATEMENTS:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("intel", "0002_search_indexes")]

    operations = [migrations.RunPython(create, drop)]
