"""Database triggers that refuse UPDATE and DELETE on the audit trail, on SQLite and PostgreSQL."""

from django.db import migrations


def up(apps, schema_editor):
    from caribclear.core.db_triggers import install

    install(schema_editor.connection)


def down(apps, schema_editor):
    from caribclear.core.db_triggers import uninstall

    uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(up, down)]
