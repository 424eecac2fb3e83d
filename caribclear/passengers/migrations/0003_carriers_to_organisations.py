# Step 2 of 3: every carrier becomes (the passenger profile of) an organisation. A carrier whose code is a
# cargo filer's carrier code joins that filer's organisation (an airline that also files air cargo is one
# organisation, with one set of users, and the filer's name, which is the one going back gives the carrier);
# any other gets an organisation of its own. Its users become the
# organisation's users (the first of them its administrator, where the organisation had none, so someone
# can manage the others). Reversible: going back puts name, code and users on the carrier again and deletes
# the organisations made here (a cargo filer's organisation stays for cargo's own step back).

from django.db import migrations


def carriers_to_organisations(apps, schema_editor):
    Carrier = apps.get_model('passengers', 'Carrier')
    Organisation = apps.get_model('accounts', 'Organisation')
    OrganisationMember = apps.get_model('accounts', 'OrganisationMember')
    for carrier in Carrier.objects.filter(organisation__isnull=True).order_by('pk'):
        code = carrier.code.strip().upper()
        organisation = (
            Organisation.objects.filter(carrier_code=code, files_cargo=True, passenger_carrier__isnull=True)
            .order_by('pk')
            .first()
        )
        if organisation is None:
            organisation = Organisation.objects.create(name=carrier.name, carrier_code=code)
        organisation.files_passenger_lists = True
        organisation.save(update_fields=['files_passenger_lists'])
        has_admin = OrganisationMember.objects.filter(organisation=organisation, is_admin=True).exists()
        members = set(OrganisationMember.objects.filter(organisation=organisation).values_list('user_id', flat=True))
        for user_id in carrier.users.order_by('pk').values_list('pk', flat=True):
            if user_id in members:
                continue
            OrganisationMember.objects.create(organisation=organisation, user_id=user_id, is_admin=not has_admin)
            has_admin = True
            members.add(user_id)
        carrier.organisation = organisation
        carrier.save(update_fields=['organisation'])


def organisations_to_carriers(apps, schema_editor):
    Carrier = apps.get_model('passengers', 'Carrier')
    Organisation = apps.get_model('accounts', 'Organisation')
    OrganisationMember = apps.get_model('accounts', 'OrganisationMember')
    own = []
    codes = set()
    for carrier in Carrier.objects.filter(organisation__isnull=False).select_related('organisation').order_by('pk'):
        organisation = carrier.organisation
        code = (organisation.carrier_code or f'C{carrier.pk}')[:12]
        if code in codes:  # the code was unique per carrier before
            code = f'{code[:8]}{carrier.pk}'[:12]
        codes.add(code)
        carrier.name = organisation.name[:120]
        carrier.code = code
        carrier.organisation = None
        carrier.save()
        carrier.users.set(
            list(OrganisationMember.objects.filter(organisation=organisation).values_list('user_id', flat=True))
        )
        if organisation.files_cargo:
            organisation.files_passenger_lists = False
            organisation.save(update_fields=['files_passenger_lists'])
        else:
            own.append(organisation.pk)
    Organisation.objects.filter(pk__in=own).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('passengers', '0002_carrier_organisation'),
        ('cargo', '0005_filers_to_organisations'),
    ]

    operations = [
        migrations.RunPython(carriers_to_organisations, organisations_to_carriers),
    ]
