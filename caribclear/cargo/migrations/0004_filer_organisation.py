# Step 1 of 3 making a cargo filer a profile of an accounts.Organisation: the link, nullable for now, and
# the trader identifier no longer unique here (it is the organisation's; unique again when going back).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0007_organisations'),
        ('cargo', '0003_party_name_any_case'),
    ]

    operations = [
        migrations.AddField(
            model_name='filer',
            name='organisation',
            field=models.OneToOneField(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='cargo_filer', to='accounts.organisation', verbose_name='organisation'),
        ),
        migrations.AlterField(
            model_name='filer',
            name='trader_id',
            field=models.CharField(help_text='TIN or EORI-like number.', max_length=40, verbose_name='trader identifier'),
        ),
    ]
