# Step 1 of 3 making a carrier a profile of an accounts.Organisation: the link, nullable for now, and the
# code no longer unique here (it is the organisation's carrier code; unique again when going back).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0007_organisations'),
        ('passengers', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='carrier',
            name='organisation',
            field=models.OneToOneField(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='passenger_carrier', to='accounts.organisation', verbose_name='organisation'),
        ),
        migrations.AlterField(
            model_name='carrier',
            name='code',
            field=models.CharField(help_text="The airline designator (BW) or the operator's short code, as it sends it in its lists.", max_length=12, verbose_name='code'),
        ),
    ]
