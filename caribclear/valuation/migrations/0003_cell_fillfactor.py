"""Room on each page of the cells for a row's next version: a refresh rewrites every cell a day's lines touch,
and with free space on the page PostgreSQL writes the new version there without a new entry in each index
(a HOT update: 92 % of the cells' updates in the 10-million-line bench). The lines are not given room: all
of a load's lines are scored at once, and no page could hold a new version of each (10 % were HOT at
fillfactor 90). SQLite has no such setting."""

from django.db import migrations


def fillfactor(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("ALTER TABLE valuation_cell SET (fillfactor = 70)")


def default_fillfactor(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("ALTER TABLE valuation_cell RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("valuation", "0002_mirror")]

    operations = [migrations.RunPython(fillfactor, default_fillfactor, elidable=False)]
