from django.db import migrations


def seed(apps, schema_editor):
    from caribclear.accounts.members import seed_members

    seed_members(apps.get_model("accounts", "Administration"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
