# Step 3 of 3: the carrier is a profile of its organisation; its name, code and users are the organisation's.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('passengers', '0003_carriers_to_organisations'),
    ]

    operations = [
        migrations.AlterField(
            model_name='carrier',
            name='organisation',
            field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='passenger_carrier', to='accounts.organisation', verbose_name='organisation'),
        ),
        migrations.AlterModelOptions(
            name='carrier',
            options={'ordering': ['organisation__name'], 'verbose_name': 'carrier', 'verbose_name_plural': 'carriers'},
        ),
        # A default first, so that going back can add the columns again to filled tables (step 2 fills them).
        migrations.AlterField(
            model_name='carrier',
            name='name',
            field=models.CharField(default='', max_length=120, verbose_name='name'),
        ),
        migrations.AlterField(
            model_name='carrier',
            name='code',
            field=models.CharField(default='', help_text="The airline designator (BW) or the operator's short code, as it sends it in its lists.", max_length=12, verbose_name='code'),
        ),
        migrations.RemoveField(model_name='carrier', name='code'),
        migrations.RemoveField(model_name='carrier', name='name'),
        migrations.RemoveField(model_name='carrier', name='users'),
    ]
