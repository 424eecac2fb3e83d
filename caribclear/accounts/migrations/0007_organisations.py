# One organisation account for everyone who files (issue 12): cargo filers and passenger carriers become
# profiles of it (cargo 0004-0006, passengers 0002-0004 move their records and users here).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0006_partner_agencies'),
    ]

    operations = [
        migrations.CreateModel(
            name='Organisation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='created')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('name', models.CharField(max_length=200, verbose_name='name')),
                ('country', models.CharField(blank=True, max_length=2, verbose_name='country')),
                ('trader_id', models.CharField(blank=True, help_text='TIN or EORI-like number.', max_length=40, verbose_name='trader identifier')),
                ('carrier_code', models.CharField(blank=True, db_index=True, help_text="SCAC, IATA airline designator (BW) or the operator's own short code, as it sends it in its files.", max_length=12, verbose_name='carrier code')),
                ('files_cargo', models.BooleanField(default=False, verbose_name='files cargo manifests')),
                ('files_passenger_lists', models.BooleanField(default=False, verbose_name='files passenger lists')),
                ('administrations', models.ManyToManyField(blank=True, related_name='+', to='accounts.administration', verbose_name='files to')),
            ],
            options={
                'verbose_name': 'organisation',
                'verbose_name_plural': 'organisations',
                'ordering': ['name'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('trader_id', ''), _negated=True), fields=('trader_id',), name='organisation_trader_id_unique')],
            },
        ),
        migrations.CreateModel(
            name='OrganisationMember',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('is_admin', models.BooleanField(default=False, verbose_name='administrator of the organisation')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='members', to='accounts.organisation', verbose_name='organisation')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='organisation_memberships', to=settings.AUTH_USER_MODEL, verbose_name='user')),
            ],
            options={
                'verbose_name': "organisation's user",
                'verbose_name_plural': "organisations' users",
                'ordering': ['organisation', 'user'],
                'constraints': [models.UniqueConstraint(fields=('organisation', 'user'), name='organisation_member_once')],
            },
        ),
    ]
