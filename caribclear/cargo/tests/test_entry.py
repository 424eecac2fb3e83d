"""The portal's web form and template downloads: what was typed is kept on errors, each error beside its
field, and a right form registers the manifest with MRNs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from caribclear.cargo.models import Manifest

pytestmark = pytest.mark.django_db

DEPARTS = (dt.datetime.now() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")  # noqa: DTZ005


def form_data(*consignments: dict[str, str], **manifest: str) -> dict[str, str]:
    data = {
        "manifest-manifest_reference": "FORM-001",
        "manifest-mode": "sea",
        "manifest-vessel_or_aircraft": "CARIB STAR",
        "manifest-imo": "9321483",
        "manifest-voyage": "12N",
        "manifest-port_of_loading": "DOCAU",
        "manifest-departure": DEPARTS,
        "consignment-TOTAL_FORMS": str(len(consignments)),
        "consignment-INITIAL_FORMS": "0",
        "consignment-MIN_NUM_FORMS": "1",
        "consignment-MAX_NUM_FORMS": "50",
        "action": "file",
    }
    data.update({f"manifest-{k}": v for k, v in manifest.items()})
    for n, cons in enumerate(consignments):
        base = {
            "bill_number": f"CS{n + 1}",
            "level": "master",
            "port_of_discharge": "BBBGI",
            "consignor_name": "Ferreteria Caucedo SRL",
            "consignee_name": "Island Hardware Ltd",
            "hs_code": "732690",
            "description": "GALVANISED STEEL WIRE HOOKS",
            "packages": "12",
            "gross_mass_kg": "240",
        }
        data.update({f"consignment-{n}-{k}": v for k, v in {**base, **cons}.items()})
    return data


def test_a_typed_manifest_is_registered_with_its_mrns(client_for, carrier_user, filer, barbados):
    response = client_for(carrier_user).post(reverse("cargo:new"), form_data({}, {"bill_number": "CS2"}))
    manifest = Manifest.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "cargo:manifest", args=[manifest.mrn]
    )
    assert manifest.format == "web" and manifest.vessel_name == "CARIB STAR"
    assert sorted(manifest.consignments.values_list("bill_number", flat=True)) == ["CS1", "CS2"]
    page = client_for(carrier_user).get(response["Location"]).content.decode()
    assert manifest.mrn in page and all(c.mrn in page for c in manifest.consignments.all())


def test_errors_are_beside_their_fields_and_what_was_typed_is_kept(client_for, carrier_user, filer):
    data = form_data(
        {"description": "general cargo", "packages": "twelve"},
        {"bill_number": "CS2", "container": "CSQU3054384", "consignee_name": ""},
        imo="1234568",
        port_of_loading="Santo Domingo",
    )
    response = client_for(carrier_user).post(reverse("cargo:new"), data)
    assert response.status_code == 422
    assert not Manifest.objects.exists()
    errors = {
        **{f"manifest-{k}": v for k, v in response.context["form"].errors.items()},
        **{
            f"consignment-{n}-{k}": v
            for n, sub in enumerate(response.context["formset"].forms)
            for k, v in sub.errors.items()
        },
    }
    assert set(errors) == {
        "manifest-imo",
        "manifest-port_of_loading",
        "consignment-0-description",
        "consignment-0-packages",
        "consignment-1-container",
        "consignment-1-consignee_name",
    }
    page = response.content.decode()
    assert (
        'value="Santo Domingo"' in page and 'value="general cargo"' in page and 'value="CSQU3054384"' in page
    )
    assert 'href="#id_consignment-1-container"' in page  # the error summary links to the field


def test_adding_and_removing_consignments_keeps_what_was_typed(client_for, carrier_user, filer):
    client = client_for(carrier_user)
    data = form_data({"bill_number": "FIRST"}, {"bill_number": "SECOND"}) | {"action": "add"}
    response = client.post(reverse("cargo:new"), data)
    assert response.status_code == 200 and len(response.context["formset"].forms) == 3
    assert 'value="SECOND"' in response.content.decode()
    data = form_data({"bill_number": "FIRST"}, {"bill_number": "SECOND"}) | {"action": "remove-0"}
    response = client.post(reverse("cargo:new"), data)
    forms = response.context["formset"].forms
    assert [f["bill_number"].value() for f in forms] == ["SECOND"]
    assert not Manifest.objects.exists()


def test_the_templates_are_downloaded_by_a_filer_only(client_for, carrier_user, filer, operator):
    response = client_for(carrier_user).get(reverse("cargo:template_xlsx"))
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert "attachment" in response["Content-Disposition"]
    csv_text = client_for(carrier_user).get(reverse("cargo:template_csv")).content.decode("utf-8-sig")
    assert csv_text.startswith("manifest_reference,mode,")
    assert client_for(operator).get(reverse("cargo:template_csv")).status_code == 404
    assert client_for(operator).get(reverse("cargo:new")).status_code == 404
