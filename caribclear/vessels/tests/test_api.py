from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from caribclear.accounts.services import api_token_create
from caribclear.vessels.models import Person, Vessel

from .factories import make_person, make_vessel

pytestmark = pytest.mark.django_db

SPECIMEN_TD3 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"

VESSEL = {
    "name": "Sea Breeze",
    "vessel_type": "catamaran",
    "flag": "AG",
    "registration_number": "AG-77",
    "port_of_registry": "St. John's",
    "mmsi": "305123456",
    "length_m": "13.4",
    "owner_name": "Ana Skipper",
}
PERSON: dict[str, Any] = {
    "surname": "Skipper",
    "given_names": "Ana",
    "sex": "F",
    "date_of_birth": "1974-08-12",
    "nationality": "BB",
    "documents": [
        {"document_type": "P", "number": "R1234567", "issuing_state": "BB", "expiry_date": "2031-12-31"}
    ],
}


class Api:
    def __init__(self, client, user) -> None:
        _token, raw = api_token_create(user=user, name="test")
        self.client = client
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def get(self, path: str):
        return self.client.get(f"/api{path}", **self.auth)

    def post(self, path: str, body: dict, key: str | None = None):
        return self.client.post(
            f"/api{path}",
            json.dumps(body),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=key or str(uuid.uuid4()),
            **self.auth,
        )

    def patch(self, path: str, body: dict):
        return self.client.patch(
            f"/api{path}", json.dumps(body), content_type="application/json", **self.auth
        )


@pytest.fixture
def api(client, operator) -> Api:
    return Api(client, operator)


def test_vessel_create_list_get_update(api, operator):
    response = api.post("/vessels", VESSEL)
    assert response.status_code == 201, response.content
    vessel = response.json()
    assert vessel["flag"] == "AG" and vessel["mmsi"] == "305123456" and vessel["weapons"] == []
    assert [v["id"] for v in api.get("/vessels").json()] == [vessel["id"]]
    assert api.get(f"/vessels/{vessel['id']}").json()["name"] == "Sea Breeze"
    updated = api.patch(f"/vessels/{vessel['id']}", {"hull_colour": "Red", "is_archived": True}).json()
    assert updated["hull_colour"] == "Red" and updated["is_archived"]
    assert api.get("/vessels").json() == []
    assert len(api.get("/vessels?archived=true").json()) == 1
    weapon = api.post(
        f"/vessels/{vessel['id']}/weapons", {"kind": "firearm", "serial_number": "S1", "calibre": "12 ga"}
    )
    assert weapon.status_code == 201 and weapon.json()["serial_number"] == "S1"


def test_vessel_validation_problem_shape(api):
    response = api.post("/vessels", {**VESSEL, "mmsi": "12345", "flag": "QQ"})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422 and problem["type"].endswith("validation-error")
    assert {e["field"] for e in problem["errors"]} >= {"mmsi", "flag"}
    assert not Vessel.objects.exists()


def test_vessel_imo_number_is_normalised_and_shown(api):
    response = api.post("/vessels", {**VESSEL, "imo_number": "IMO 9074729"})
    assert response.status_code == 201, response.content
    vessel = response.json()
    assert vessel["imo_number"] == "9074729"
    assert api.get(f"/vessels/{vessel['id']}").json()["imo_number"] == "9074729"
    assert api.get("/vessels").json()[0]["imo_number"] == "9074729"
    cleared = api.patch(f"/vessels/{vessel['id']}", {"imo_number": None})
    assert cleared.status_code == 200 and cleared.json()["imo_number"] == ""
    assert api.post("/vessels", {**VESSEL, "registration_number": "AG-78"}).json()["imo_number"] == ""


def test_vessel_imo_number_with_a_wrong_check_digit_is_a_problem_naming_the_field(api):
    response = api.post("/vessels", {**VESSEL, "imo_number": "IMO 9074728"})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"].endswith("validation-error")
    assert [e["field"] for e in problem["errors"]] == ["imo_number"]
    assert "check digit" in problem["errors"][0]["message"]
    assert not Vessel.objects.exists()

    vessel = api.post("/vessels", {**VESSEL, "imo_number": "9187629"}).json()
    response = api.patch(f"/vessels/{vessel['id']}", {"imo_number": "9187620", "hull_colour": "Red"})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["imo_number"]
    kept = api.get(f"/vessels/{vessel['id']}").json()
    assert (kept["imo_number"], kept["hull_colour"]) == ("9187629", "")


def test_openapi_documents_the_imo_number(api):
    schemas = api.client.get("/api/openapi.json").json()["components"]["schemas"]
    for name in ("VesselIn", "VesselPatchIn", "VesselOut"):
        assert "imo_number" in schemas[name]["properties"], name
    assert "check digit" in schemas["VesselIn"]["properties"]["imo_number"]["description"]


def test_person_create_with_documents_get_update(api):
    response = api.post("/people", PERSON)
    assert response.status_code == 201, response.content
    person = response.json()
    assert person["documents"][0]["number"] == "R1234567" and not person["documents"][0]["is_expired"]
    assert api.get(f"/people/{person['id']}").json()["surname"] == "Skipper"
    assert [p["id"] for p in api.get("/people").json()] == [person["id"]]
    updated = api.patch(
        f"/people/{person['id']}", {"rank": "Master", "place_of_birth": "Speightstown"}
    ).json()
    assert updated["rank"] == "Master" and updated["place_of_birth"] == "Speightstown"
    document = api.post(
        f"/people/{person['id']}/documents",
        {"document_type": "I", "number": "ID99", "issuing_state": "BB", "expiry_date": "2019-01-01"},
    )
    assert document.status_code == 201 and document.json()["is_expired"] is True


def test_person_document_error_names_the_document_field(api):
    body = {**PERSON, "documents": [{**PERSON["documents"][0], "number": "R-12/34"}]}
    response = api.post("/people", body)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["documents.0.number"]
    assert not Person.objects.exists()


def test_retried_post_creates_one_record(api):
    key = str(uuid.uuid4())
    first = api.post("/vessels", VESSEL, key=key)
    second = api.post("/vessels", VESSEL, key=key)
    assert first.status_code == second.status_code == 201
    assert second["Idempotent-Replayed"] == "true"
    assert first.json() == second.json()
    assert Vessel.objects.count() == 1
    key = str(uuid.uuid4())
    api.post("/people", PERSON, key=key)
    api.post("/people", PERSON, key=key)
    assert Person.objects.count() == 1


def test_post_without_idempotency_key_is_refused(client, operator):
    _token, raw = api_token_create(user=operator, name="t")
    response = client.post(
        "/api/vessels",
        json.dumps(VESSEL),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 400
    assert not Vessel.objects.exists()


def test_other_accounts_records_are_404(api, client, make_user, officer):
    other = make_user()
    vessel = make_vessel(other)
    person = make_person(other)
    for path, change in (
        (f"/vessels/{vessel.pk}", {"name": "x"}),
        (f"/people/{person.pk}", {"surname": "x"}),
    ):
        response = api.get(path)
        assert response.status_code == 404
        assert response.json()["type"].endswith("not-found")
        assert api.patch(path, change).status_code == 404
    assert api.post(f"/vessels/{vessel.pk}/weapons", {"serial_number": "X"}).status_code == 404
    assert api.post(f"/people/{person.pk}/documents", PERSON["documents"][0]).status_code == 404
    assert api.get("/vessels").json() == [] and api.get("/people").json() == []
    official = Api(client, officer)
    assert official.get(f"/vessels/{vessel.pk}").status_code == 404
    assert official.get("/people").status_code == 404
    vessel.refresh_from_db()
    assert vessel.weapons.count() == 0


def test_mrz_parse(api):
    response = api.post("/mrz/parse", {"mrz": SPECIMEN_TD3})
    assert response.status_code == 200
    data = response.json()
    assert data["surname"] == "ERIKSSON" and data["document_number"] == "L898902C3"
    assert data["date_of_birth"] == "1974-08-12" and data["is_expired"] is True
    assert data["issuing_state"] is None and data["issuing_state_code"] == "UTO"


def test_mrz_parse_check_digit_problem(api):
    response = api.post("/mrz/parse", {"mrz": SPECIMEN_TD3.replace("7408122F", "7408123F")})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"].endswith("mrz-check-digit")
    assert problem["errors"] == [
        {
            "field": "date_of_birth",
            "message": problem["errors"][0]["message"],
            "line": 2,
            "position": 20,
            "expected": "2",
            "found": "3",
        }
    ]
    assert "date of birth" in problem["detail"]
    response = api.post("/mrz/parse", {"mrz": "P<UTO"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "format"


def test_unauthenticated(client):
    assert client.get("/api/vessels").status_code == 401
