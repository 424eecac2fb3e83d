# Step 2 of 3: every filer becomes (the cargo profile of) an organisation with its name, identifiers, the
# administrations it files to and its users with their administrator flag. Reversible: going back puts
# them on the filer again (every user of the organisation becomes a user of the filer, as the organisation's
# users filed for it) and deletes the organisations made here.

from django.db import migrations


def filers_to_organisations(apps, schema_editor):
    Filer = apps.get_model('cargo', 'Filer')
    FilerMember = apps.get_model('cargo', 'FilerMember')
    Organisation = apps.get_model('accounts', 'Organisation')
    OrganisationMember = apps.get_model('accounts', 'OrganisationMember')
    for filer in Filer.objects.filter(organisation__isnull=True).order_by('pk'):
        organisation = Organisation.objects.create(
            name=filer.name,
            country=filer.country,
            trader_id=filer.trader_id,
            carrier_code=filer.carrier_code.strip().upper(),
            files_cargo=True,
        )
        organisation.administrations.set(list(filer.administrations.all()))
        OrganisationMember.objects.bulk_create(
            OrganisationMember(organisation=organisation, user_id=member.user_id, is_admin=member.is_admin)
            for member in FilerMember.objects.filter(filer=filer).order_by('pk')
        )
        filer.organisation = organisation
        filer.save(update_fields=['organisation'])


def organisations_to_filers(apps, schema_editor):
    Filer = apps.get_model('cargo', 'Filer')
    FilerMember = apps.get_model('cargo', 'FilerMember')
    Organisation = apps.get_model('accounts', 'Organisation')
    OrganisationMember = apps.get_model('accounts', 'OrganisationMember')
    organisation_ids = []
    for filer in Filer.objects.filter(organisation__isnull=False).select_related('organisation').order_by('pk'):
        organisation = filer.organisation
        organisation_ids.append(organisation.pk)
        filer.name = organisation.name
        filer.country = organisation.country
        # The filer's identifier was required and unique: an organisation without one gets its own number.
        filer.trader_id = organisation.trader_id or f'ORG{organisation.pk}'
        filer.carrier_code = organisation.carrier_code[:4]
        filer.organisation = None
        filer.save()
        filer.administrations.set(list(organisation.administrations.all()))
        taken = set(FilerMember.objects.values_list('user_id', flat=True))  # one filer per user before
        for member in OrganisationMember.objects.filter(organisation=organisation).order_by('pk'):
            if member.user_id not in taken:
                FilerMember.objects.create(filer=filer, user_id=member.user_id, is_admin=member.is_admin)
                taken.add(member.user_id)
    # Organisations that also file passenger lists were given back to the carriers first (passengers 0003).
    Organisation.objects.filter(pk__in=organisation_ids).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('cargo', '0004_filer_organisation'),
    ]

    operations = [
        migrations.RunPython(filers_to_organisations, organisations_to_filers),
    ]
