# Step 3 of 3: the filer is a profile of its organisation; who it is and its users are the organisation's.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cargo', '0005_filers_to_organisations'),
    ]

    operations = [
        migrations.AlterField(
            model_name='filer',
            name='organisation',
            field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='cargo_filer', to='accounts.organisation', verbose_name='organisation'),
        ),
        migrations.AlterModelOptions(
            name='filer',
            options={'ordering': ['organisation__name'], 'verbose_name': 'filer', 'verbose_name_plural': 'filers'},
        ),
        # A default first, so that going back can add the columns again to filled tables (step 2 fills them).
        migrations.AlterField(
            model_name='filer',
            name='name',
            field=models.CharField(default='', max_length=200, verbose_name='name'),
        ),
        migrations.AlterField(
            model_name='filer',
            name='trader_id',
            field=models.CharField(default='', help_text='TIN or EORI-like number.', max_length=40, verbose_name='trader identifier'),
        ),
        migrations.RemoveField(model_name='filer', name='administrations'),
        migrations.RemoveField(model_name='filer', name='carrier_code'),
        migrations.RemoveField(model_name='filer', name='country'),
        migrations.RemoveField(model_name='filer', name='name'),
        migrations.RemoveField(model_name='filer', name='trader_id'),
        migrations.DeleteModel(name='FilerMember'),
    ]
