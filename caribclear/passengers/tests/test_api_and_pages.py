"""The carriers' API (JSON, files, interactive answers as JSON and CUSRES) and the officers' pages."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from caribclear.accounts.choices import Role
from caribclear.accounts.models import Administration, User
from caribclear.accounts.services import api_token_create
from caribclear.core.models import AuditEvent
from caribclear.edifact.reader import read_interchanges
from caribclear.screening.models import Hit
from caribclear.screening.services import lookout_create

from .. import services
from ..models import ArrivalCheck, RetentionPolicy, Traveller, TravelList
from .factories import ANA, IVAN, JOHN, paxlst

pytestmark = pytest.mark.django_db


class Api:
    def __init__(self, user: User) -> None:
        _token, raw = api_token_create(user=user, name="test")
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    def get(self, path: str) -> Any:
        return self.client.get(path)

    def post(self, path: str, body: Any, key: str | None = None) -> Any:
        with _capture[0](execute=True):
            return self.client.post(
                path,
                json.dumps(body),
                content_type="application/json",
                HTTP_IDEMPOTENCY_KEY=key or str(uuid.uuid4()),
            )

    def upload(self, path: str, data: bytes, name: str = "list.edi") -> Any:
        with _capture[0](execute=True):
            response = self.client.post(
                path, {"file": SimpleUploadedFile(name, data)}, HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())
            )
        return response


@pytest.fixture
def carrier_user(make_user: Callable[..., User]) -> User:
    user = make_user(role=Role.OPERATOR, email="ops@bw.example")
    services.carrier_create(
        actor=None, name="Caribbean Airlines", code="BW", kind="airline", administrator=user
    )
    return user


@pytest.fixture
def bb_supervisor(make_user: Callable[..., User], barbados: Administration) -> User:
    return make_user(role=Role.SUPERVISOR, administration=barbados, email="sup@bb.example")


@pytest.fixture
def lookout(bb_supervisor: User) -> None:
    lookout_create(
        actor=bb_supervisor,
        kind="Person",
        name="Ivan Petrov",
        reason="Wanted for questioning",
        birth_date="1980-02-15",
        document_numbers="750012345",
    )


_capture: list[Any] = []


@pytest.fixture(autouse=True)
def _on_commit(django_capture_on_commit_callbacks: Any) -> Any:
    """Requests commit in production: run their after-commit work (screening, assessment) per request."""
    _capture[:] = [django_capture_on_commit_callbacks]
    yield
    _capture.clear()


FLIGHT = {
    "carrier": "BW",
    "number": "BW484",
    "departure_port": "POS",
    "departure_local": "2026-12-24T10:00:00",
    "arrival_port": "BGI",
    "arrival_local": "2026-12-24T11:00:00",
}


def traveller(surname: str, given: str, born: str, number: str, nationality: str = "TTO") -> dict[str, Any]:
    return {
        "surname": surname,
        "given_names": given,
        "date_of_birth": born,
        "nationality": nationality,
        "documents": [{"type": "P", "number": number, "issuing_state": nationality, "expiry": "2032-01-01"}],
    }


def test_a_carrier_files_json_and_resending_is_one_list(ports: None, carrier_user: User) -> None:
    api = Api(carrier_user)
    body = {"flight": FLIGHT, "travellers": [traveller("SMITH", "JOHN", "1975-01-01", "501234567", "GBR")]}
    response = api.post("/api/passengers/lists", body)
    assert response.status_code == 201, response.content
    ack = response.json()
    assert ack["administration"] == "BB" and ack["passengers"] == 1 and ack["filing"] == "original"
    again = api.post("/api/passengers/lists", body)
    assert again.json()["version"] == 2 and again.json()["changed"] == 0
    assert TravelList.objects.count() == 1 and Traveller.objects.count() == 1
    # Idempotency: the same key replays the first answer and files nothing.
    key = str(uuid.uuid4())
    first = api.post("/api/passengers/lists", body, key=key)
    replay = api.post("/api/passengers/lists", body, key=key)
    assert first.json() == replay.json() and TravelList.objects.get().version == 3
    detail = api.get(f"/api/passengers/lists/{ack['reference']}").json()
    assert detail["travellers"][0]["surname"] == "SMITH"
    assert api.get("/api/passengers/lists").json()["count"] == 1


def test_bad_input_is_problem_json_with_where(ports: None, carrier_user: User) -> None:
    api = Api(carrier_user)
    response = api.upload(
        "/api/passengers/lists/file",
        b"UNA:+.? 'UNB+UNOA:4+X+Y+261201:0900+1'UNH+1+PAXLST:D:05B:UN:IATA'BGM+745'NAD+FL'UNT+4+1'UNZ+1+1'",
    )
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["errors"] and any(
        "line" in e["where"] or "segment" in e["where"] for e in problem["errors"]
    )
    nowhere = {"flight": {**FLIGHT, "departure_port": "VIE", "arrival_port": "FRA"}, "travellers": []}
    response = api.post("/api/passengers/lists", nowhere)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "flight.arrival_port"
    response = api.post("/api/passengers/lists", {"flight": {"number": "X"}, "travellers": []})
    assert response.status_code == 422
    # A misspelt field is an error naming it, not ignored: a check-in sent with "document" (for
    # "documents") would otherwise be answered as for a passenger without a travel document.
    person = traveller("BAPTISTE", "MARIE", "1990-02-02", "TT1234567")
    person["document"] = person.pop("documents")[0]
    response = api.post("/api/passengers/boarding-checks", {"flight": FLIGHT, "travellers": [person]})
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
    (error,) = response.json()["errors"]
    assert error["field"] == "travellers.0.document" and error["message"].startswith("Unknown field")
    assert not Traveller.objects.exists()


def test_a_file_upload_and_the_acknowledgement_as_cusres(
    ports: None, carrier_user: User, lookout: None
) -> None:
    api = Api(carrier_user)
    response = api.upload("/api/passengers/lists/file", paxlst([ANA, IVAN]))
    assert response.status_code == 201, response.content
    reference = response.json()["lists"][0]["reference"]
    ack = api.get(f"/api/passengers/lists/{reference}/acknowledgement").json()
    answers = {a["surname"]: a for a in ack["answers"]}
    assert answers["PETROV"]["answer"] == "2Z" and answers["GARCIA MARQUEZ"]["answer"] == "0Z"
    cusres = api.get(f"/api/passengers/lists/{reference}/acknowledgement?format=cusres")
    assert cusres["Content-Type"] == "application/EDIFACT"
    (interchange,) = read_interchanges(cusres.content).interchanges
    codes = [s.get(1) for m in interchange.messages for s in m.body() if s.tag == "ERC"]
    assert sorted(codes) == ["0Z", "2Z", "WL"]


def test_interactive_boarding_check_json_and_cusres(
    ports: None, carrier_user: User, lookout: None, barbados: Administration
) -> None:
    RetentionPolicy.objects.create(administration=barbados, answer_within_ms=10_000)  # a slow test machine
    api = Api(carrier_user)
    body = {"flight": FLIGHT, "travellers": [traveller("PETROV", "IVAN", "1980-02-15", "750012345", "RUS")]}
    response = api.post("/api/passengers/boarding-checks", body)
    assert response.status_code == 200, response.content
    (answer,) = response.json()["answers"]
    assert answer["answer"] == "2Z" and answer["reasons"] == ["WL"] and not answer["default_answer"]
    response = api.post("/api/passengers/boarding-checks?format=cusres", body)
    assert b"ERC+2Z'" in response.content and b"PETROV" in response.content
    assert Traveller.objects.count() == 1


def test_another_carrier_and_a_yacht_operator_see_nothing(
    ports: None, carrier_user: User, make_user: Callable[..., User]
) -> None:
    reference = (
        Api(carrier_user).upload("/api/passengers/lists/file", paxlst([ANA])).json()["lists"][0]["reference"]
    )
    other = make_user(role=Role.OPERATOR, email="ops@li.example")
    services.carrier_create(actor=None, name="LIAT", code="LI", kind="airline", administrator=other)
    assert Api(other).get(f"/api/passengers/lists/{reference}").status_code == 404
    yacht = make_user(role=Role.OPERATOR, email="skipper@example.org")
    assert Api(yacht).get("/api/passengers/lists").status_code == 404


def test_officers_of_arrival_see_the_flight_and_the_hit_others_do_not(
    ports: None,
    carrier_user: User,
    lookout: None,
    bb_supervisor: User,
    make_user: Callable[..., User],
    antigua: Administration,
    client_for: Callable[[User], Client],
) -> None:
    Api(carrier_user).upload("/api/passengers/lists/file", paxlst([ANA, JOHN, IVAN]))
    travel_list = TravelList.objects.get()
    ivan = Traveller.objects.get(surname="PETROV")
    bb = client_for(make_user(role=Role.OFFICER, administration=travel_list.administration))
    page = bb.get(reverse("passengers:arrivals")).content.decode()
    assert "BW 484" in page and travel_list.reference in page
    page = bb.get(reverse("passengers:list", args=[travel_list.reference])).content.decode()
    assert "PETROV, IVAN" in page
    page = bb.get(reverse("passengers:traveller", args=[travel_list.reference, ivan.pk])).content.decode()
    assert "Ivan Petrov" in page and "Wanted for questioning" in page
    # nothing is chosen for the officer: a true match is a decision, not a default
    select = page[page.index('name="disposition"') :]
    select = select[: select.index("</select>")]
    assert '<option value="" selected>' in select and 'value="true_match" selected' not in select
    assert "date of birth 1980-02-15 vs 1980-02-15: identical" in page
    # the engine's reasons in the officer's language, names and dates as they were
    spanish = make_user(role=Role.OFFICER, administration=travel_list.administration, language="es")
    response = client_for(spanish).get(
        reverse("passengers:traveller", args=[travel_list.reference, ivan.pk]), HTTP_ACCEPT_LANGUAGE="es"
    )
    page = response.content.decode()
    assert "fecha de nacimiento 1980-02-15 frente a 1980-02-15: idénticas" in page
    assert "date of birth" not in page
    assert AuditEvent.objects.filter(action="passengers.read", object_id=str(ivan.pk)).exists()
    outcome = re.search(r'<select name="arrival-outcome".*?</select>', page, re.S)
    assert outcome is not None and '<option value="" selected>' in outcome.group(0)  # nothing chosen for them
    response = bb.post(
        reverse("passengers:traveller", args=[travel_list.reference, ivan.pk]),
        {
            "action": "arrival",
            "arrival-outcome": "",
            "arrival-notes": "Bag searched",
            "arrival-case_reference": "",
        },
    )
    body = response.content.decode()
    assert response.status_code == 422 and "Choose what happened when the traveller was met." in body
    assert "Bag searched" in body and not ArrivalCheck.objects.exists()
    response = bb.post(
        reverse("passengers:traveller", args=[travel_list.reference, ivan.pk]),
        {"action": "arrival", "arrival-outcome": "found", "arrival-notes": "", "arrival-case_reference": ""},
    )
    assert response.status_code == 422 and "Say what was found" in response.content.decode()
    response = bb.post(
        reverse("passengers:traveller", args=[travel_list.reference, ivan.pk]),
        {
            "action": "arrival",
            "arrival-outcome": "found",
            "arrival-notes": "Cash in lining",
            "arrival-case_reference": "SZ-1",
        },
    )
    assert response.status_code == 302 and ArrivalCheck.objects.get().outcome == "found"
    hit = Hit.objects.get()
    response = bb.post(
        reverse("risk:declaration", args=["passenger-lists", travel_list.reference]),
        {
            "action": "dispose_hit",
            "hit": hit.pk,
            "disposition": "true_match",
            "note": "Same passport",
            "next": "/",
        },
    )
    hit.refresh_from_db()
    assert hit.disposition == "true_match"
    # Trinidad and Tobago (departure) sees the list, not the hits; Antigua sees nothing.
    tt = client_for(make_user(role=Role.OFFICER, administration=Administration.objects.get(code="TT")))
    page = tt.get(reverse("passengers:list", args=[travel_list.reference])).content.decode()
    assert "PETROV" in page and "Wanted for questioning" not in page
    ag = client_for(make_user(role=Role.OFFICER, administration=antigua))
    assert ag.get(reverse("passengers:list", args=[travel_list.reference])).status_code == 404
    assert ag.get(reverse("passengers:traveller", args=[travel_list.reference, ivan.pk])).status_code == 404
    assert "BW 484" not in ag.get(reverse("passengers:arrivals")).content.decode()


def test_a_carrier_uploads_a_csv_on_the_page(
    ports: None, carrier_user: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(carrier_user)
    csv = (
        b"carrier,flight,departure_port,departure_time,arrival_port,arrival_time,surname,given_names,date_of_birth,"
        b"nationality,document_number,document_issuing_state,document_expiry\n"
        b"BW,BW484,POS,2026-12-24 10:00,BGI,2026-12-24 11:00,SMITH,JOHN,1975-01-01,GBR,501234567,GBR,2032-01-01\n"
    )
    response = client.post(
        reverse("passengers:upload"), {"file": SimpleUploadedFile("list.csv", csv), "format": "auto"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert TravelList.objects.get().travellers.get().surname == "SMITH"
    response = client.post(
        reverse("passengers:upload"),
        {"file": SimpleUploadedFile("list.csv", b"surname\nX\n"), "format": "csv"},
    )
    assert response.status_code == 422 and "column" in response.content.decode()
    home = client.get(reverse("passengers:home"))
    # The carrier's own list reads as its flight is known, carrier code and number.
    assert home.status_code == 200 and "BW 484" in home.content.decode()


def typed_list(**changes: str) -> dict[str, str]:
    data = {
        "number": "bw 484",
        "kind": "passengers",
        "vessel_name": "",
        "departure_port": "POS",
        "departure_date": "2026-12-24",
        "departure_time": "10:00",
        "arrival_port": "BGI",
        "arrival_date": "2026-12-24",
        "arrival_time": "11:00",
        "people-TOTAL_FORMS": "3",
        "people-INITIAL_FORMS": "0",
        "people-MIN_NUM_FORMS": "0",
        "people-MAX_NUM_FORMS": "300",
        "people-0-surname": "Petrov",
        "people-0-given_names": "Ivan",
        "people-0-gender": "M",
        "people-0-date_of_birth": "1980-02-15",
        "people-0-nationality": "rus",
        "people-0-document_type": "P",
        "people-0-document_number": "750012345",
        "people-0-document_issuing_state": "RUS",
        "people-0-document_expiry": "2031-05-01",
        "people-1-document_type": "P",
        "people-2-surname": "Smith",
        "people-2-given_names": "John",
        "people-2-date_of_birth": "1975-01-01",
        "people-2-nationality": "GBR",
        "people-2-document_type": "P",
        "people-2-document_number": "501234567",
        "people-2-document_issuing_state": "GBR",
        "people-2-document_expiry": "2032-01-01",
    }
    return data | changes


def test_a_carrier_without_a_system_types_its_list(
    ports: None, carrier_user: User, lookout: None, client_for: Callable[[User], Client]
) -> None:
    client = client_for(carrier_user)
    assert reverse("passengers:list_type") in client.get(reverse("passengers:home")).content.decode()
    page = client.get(reverse("passengers:list_type"))
    assert page.status_code == 200 and 'name="people-2-surname"' in page.content.decode()

    # Mistakes: each beside its field and in the summary at the top; everything typed stays.
    response = client.post(
        reverse("passengers:list_type"),
        typed_list(**{"arrival_port": "", "people-2-date_of_birth": "31/31/1975"}),
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "There is a problem" in html and 'href="#id_arrival_port"' in html
    assert 'href="#id_people-2-date_of_birth"' in html and "Person 3, Date of birth" in html
    for typed in ("Petrov", "750012345", "501234567", "31/31/1975", "bw 484"):
        assert typed in html
    assert not TravelList.objects.exists()

    # A port that is no member's is refused by the filing, beside the field.
    response = client.post(
        reverse("passengers:list_type"), typed_list(arrival_port="XXX", departure_port="YYY")
    )
    assert response.status_code == 422 and "is a port of a member administration" in response.content.decode()
    assert 'value="XXX"' in response.content.decode()

    # More rows keep what was typed and show no errors yet.
    response = client.post(reverse("passengers:list_type"), typed_list(more="1", arrival_port=""))
    html = response.content.decode()
    assert response.status_code == 200 and 'name="people-7-surname"' in html and "Petrov" in html
    assert "There is a problem" not in html

    with _capture[0](execute=True):
        response = client.post(reverse("passengers:list_type"), typed_list())
    travel_list = TravelList.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{travel_list.reference}/")
    assert travel_list.number == "484" and travel_list.administration.code == "BB"
    people = {t.surname: t for t in travel_list.travellers.all()}
    assert set(people) == {"PETROV", "SMITH"}  # the blank row is not a person
    assert people["PETROV"].documents.get().number == "750012345"
    assert Hit.objects.filter(subject_key=people["PETROV"].subject_key).exists()  # screened as any list
    # Typing the flight again replaces its list: one list, nobody twice.
    only_ivan = {k: v for k, v in typed_list().items() if not k.startswith("people-2-")}
    assert client.post(reverse("passengers:list_type"), only_ivan).status_code == 302
    assert TravelList.objects.count() == 1
    assert travel_list.travellers.filter(removed_in__isnull=True).count() == 1


def test_nothing_typed_is_not_a_list(
    ports: None, carrier_user: User, client_for: Callable[[User], Client]
) -> None:
    blank = {
        k: v for k, v in typed_list().items() if not k.startswith("people-") or k.endswith(("FORMS", "type"))
    }
    response = client_for(carrier_user).post(reverse("passengers:list_type"), blank)
    assert response.status_code == 422 and "Type at least one person." in response.content.decode()


def test_supervisor_pages(ports: None, bb_supervisor: User, client_for: Callable[[User], Client]) -> None:
    client = client_for(bb_supervisor)
    assert client.get(reverse("passengers:retention")).status_code == 200
    response = client.post(
        reverse("passengers:retention"),
        {
            "mask_after_months": "6",
            "delete_after_years": "5",
            "default_answer": "2Z",
            "answer_within_ms": "50",
        },
    )
    assert response.status_code == 422
    response = client.post(
        reverse("passengers:retention"),
        {
            "mask_after_months": "6",
            "delete_after_years": "5",
            "default_answer": "2Z",
            "answer_within_ms": "800",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("passengers:unmask_requests")).status_code == 200


def test_a_carriers_user_starts_on_the_passenger_lists_and_a_skipper_on_my_voyages(
    carrier_user: User, make_user: Callable[..., User], client_for: Callable[[User], Any]
) -> None:
    assert client_for(carrier_user).get("/").url == "/passengers/"
    skipper = make_user(role=Role.OPERATOR, email="skipper@example.org")
    assert client_for(skipper).get("/").url == "/voyages/"


def test_earlier_travel_is_shown_at_the_arrival_ports_time(
    ports: None, carrier_user: User, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    """The traveller's earlier flights into this administration, each arrival on the port's clock with its
    zone (Bridgetown: AST, UTC-4), not in UTC."""
    api = Api(carrier_user)
    smith = traveller("SMITH", "JOHN", "1975-01-01", "501234567", "GBR")
    earlier = {
        **FLIGHT,
        "number": "BW480",
        "arrival_local": "2026-12-20T23:30:00",
        "departure_local": "2026-12-20T22:30:00",
    }
    assert api.post("/api/passengers/lists", {"flight": earlier, "travellers": [smith]}).status_code == 201
    assert api.post("/api/passengers/lists", {"flight": FLIGHT, "travellers": [smith]}).status_code == 201
    now = TravelList.objects.get(number__endswith="484")
    officer = make_user(role=Role.OFFICER, administration=now.administration)
    current = Traveller.objects.get(travel_list=now)
    page = client_for(officer).get(reverse("passengers:traveller", args=[now.reference, current.pk]))
    html = page.content.decode()
    section = html[html.index("Earlier travel recorded by your administration") :]
    assert "480" in section and "20/12/2026 23:30 (AST, UTC-4)" in section  # 03:30 on the 21st in UTC


def test_check_ins_sent_as_bw_484_land_on_the_list_the_paxlst_filed_as_bw484(
    ports: None, carrier_user: User, barbados: Administration
) -> None:
    """A PAXLST's TDT says BW484 (read as BW's flight 484); the check-in system writes the number its own
    way: still one flight, one list, no passenger twice."""
    RetentionPolicy.objects.create(administration=barbados, answer_within_ms=10_000)  # a slow test machine
    api = Api(carrier_user)
    filed = api.upload("/api/passengers/lists/file", paxlst([ANA])).json()["lists"][0]["reference"]
    travel_list = TravelList.objects.get(reference=filed)
    departs = travel_list.legs[0]["departure_local"]
    for number in ("BW 484", "bw484", "484"):
        flight = {"carrier": "BW", "number": number, "departure_port": "POS", "departure_local": departs}
        body = {
            "flight": {**flight, "arrival_port": "BGI"},
            "travellers": [traveller("SMITH", "JOHN", "1975-01-01", "501234567", "GBR")],
        }
        response = api.post("/api/passengers/boarding-checks", body)
        assert response.status_code == 200, response.content
        assert response.json()["reference"] == filed, number
    assert TravelList.objects.count() == 1
    assert sorted(Traveller.objects.filter(travel_list=travel_list).values_list("surname", flat=True)) == [
        "GARCIA MARQUEZ",
        "SMITH",
    ]


def test_a_check_in_without_the_arrival_time_keeps_what_the_full_list_said(
    ports: None, carrier_user: User, barbados: Administration
) -> None:
    """A check-in system sends the flight's number, ports and departure only: the arrival time, the legs'
    times the PAXLST gave stay as they were, for a new passenger (the lean check-in) and for one whose
    document changed (the general filing)."""
    RetentionPolicy.objects.create(administration=barbados, answer_within_ms=10_000)  # a slow test machine
    api = Api(carrier_user)
    filed = api.upload("/api/passengers/lists/file", paxlst([ANA])).json()["lists"][0]["reference"]
    travel_list = TravelList.objects.get(reference=filed)
    arrival_at, legs = travel_list.arrival_at, travel_list.legs
    assert arrival_at is not None and legs[0]["arrival_local"]
    flight = {"carrier": "BW", "number": "BW484", "departure_port": "POS", "arrival_port": "BGI"}
    flight["departure_local"] = legs[0]["departure_local"]
    for person in (
        traveller("SMITH", "JOHN", "1975-01-01", "501234567", "GBR"),  # new on the list
        traveller("GARCIA MARQUEZ", "ANA MARIA", "1990-04-08", "TB7654321", "TTO"),  # a new passport
    ):
        response = api.post("/api/passengers/boarding-checks", {"flight": flight, "travellers": [person]})
        assert response.status_code == 200, response.content
        assert response.json()["reference"] == filed
        travel_list.refresh_from_db()
        assert (travel_list.arrival_at, travel_list.legs) == (arrival_at, legs)
    assert travel_list.version == 3
    ana = Traveller.objects.get(travel_list=travel_list, surname="GARCIA MARQUEZ")
    assert [d.number for d in ana.documents.all()] == ["TB7654321"]
