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
        migrations.RemoveField(model_name='carrier', name='code'),
        migrations.RemoveField(model_name='carrier', name='name'),
        migrations.RemoveField(model_name='carrier', name='users'),
    ]
