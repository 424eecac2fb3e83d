"""The WCO CEN export: only seizures the owner marked, only their non-personal part."""

from __future__ import annotations

import csv
import io

import pytest

from caribclear.accounts.choices import Role
from caribclear.intel.choices import ReadVia, Tlp
from caribclear.intel.models import AccessLog
from caribclear.intel.tests.factories import PERSON, seizure_make
from caribclear.partners.cen import COLUMNS

pytestmark = pytest.mark.usefixtures("ports")


@pytest.fixture
def analyst(make_user, antigua):
    return make_user(role=Role.SUPERVISOR, administration=antigua, email="analyst@ag.example")


def rows(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_file_holds_the_marked_seizures_non_personal_part_only(analyst, client_for):
    marked = seizure_make(actor=analyst, tlp=Tlp.AMBER, description="cocaine bricks")
    seizure_make(actor=analyst, tlp=Tlp.GREEN, description="not marked")
    client = client_for(analyst)
    assert client.post(f"/partners/cen/{marked.reference}/mark/").status_code == 302
    response = client.get("/partners/cen.csv")
    text = response.content.decode()
    assert response["Content-Disposition"].startswith('attachment; filename="cen-seizures-AG-')
    assert [r["National reference"] for r in rows(response)] == [marked.reference]
    row = rows(response)[0]
    assert list(row) == [column for column, _field in COLUMNS]
    assert (row["Country"], row["Place (UN/LOCODE)"], row["Commodity category"], row["Quantity"]) == (
        "AG",
        "AGSJO",
        "drugs",
        "12.500",
    )
    assert (row["Route: country of departure"], row["Conveyance type"]) == ("VE", "vessel")
    for personal in (
        PERSON["surname"],
        PERSON["given_names"],
        PERSON["document_number"],
        "Heron Charters",
        "Blue Heron",
        "admitted ownership",
        "not marked",
    ):
        assert personal not in text
    logged = AccessLog.objects.filter(user=analyst, via=ReadVia.EXPORT)
    assert [(r.record_id, r.personal_shown) for r in logged] == [(marked.pk, False)]


def test_unmarking_takes_a_seizure_out_and_red_cannot_be_marked(analyst, client_for):
    seizure = seizure_make(actor=analyst, tlp=Tlp.AMBER)
    red = seizure_make(actor=analyst, tlp=Tlp.RED, recipients=[analyst])
    client = client_for(analyst)
    client.post(f"/partners/cen/{seizure.reference}/mark/")
    client.post(f"/partners/cen/{seizure.reference}/unmark/")
    assert rows(client.get("/partners/cen.csv")) == []
    response = client.post(f"/partners/cen/{red.reference}/mark/", follow=True)
    assert "A TLP:RED seizure cannot go to CEN." in response.content.decode()
    assert rows(client.get("/partners/cen.csv")) == []


def test_only_the_owners_supervisors_mark_and_export(analyst, make_user, antigua, barbados, client_for):
    seizure = seizure_make(actor=analyst, tlp=Tlp.GREEN)
    officer = make_user(role=Role.OFFICER, administration=antigua)
    other = make_user(role=Role.SUPERVISOR, administration=barbados)
    assert client_for(officer).get("/partners/cen/").status_code == 404
    assert client_for(officer).post(f"/partners/cen/{seizure.reference}/mark/").status_code == 404
    assert client_for(other).post(f"/partners/cen/{seizure.reference}/mark/").status_code == 404
    client_for(analyst).post(f"/partners/cen/{seizure.reference}/mark/")
    assert rows(client_for(other).get("/partners/cen.csv")) == []
    page = client_for(analyst).get("/partners/cen/").content.decode()
    assert seizure.reference in page and "Goes to CEN" in page
