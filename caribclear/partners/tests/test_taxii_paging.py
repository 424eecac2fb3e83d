"""TAXII paging by the date added (the record's `updated_at`) and the record's id: each page starts after
the last record the previous one served, so records added, changed or withdrawn between two requests are
neither skipped nor served twice at one version, `added_after` is strict at its boundary, and a later page
is the same query as the first (no OFFSET). On SQLite and, with DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.db.models import Value
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from caribclear.accounts.choices import Role
from caribclear.accounts.services import api_token_create
from caribclear.intel.choices import Tlp
from caribclear.intel.models import Seizure
from caribclear.intel.services import dissemination_change_request
from caribclear.intel.tests.factories import seizure_make
from caribclear.partners import taxii
from caribclear.reference.services import ports_of_entry_seed

pytestmark = pytest.mark.django_db

TAXII = "application/taxii+json;version=2.1"


@pytest.fixture
def shelf(make_user, antigua, barbados) -> dict[str, Any]:
    """Six seizures of Antigua released to Barbados, changed one after the other, and a Barbados reader."""
    ports_of_entry_seed()
    analyst = make_user(role=Role.SUPERVISOR, administration=antigua, email="analyst@ag.example")
    reader = make_user(role=Role.OFFICER, administration=barbados, email="officer@bb.example")
    records = [
        seizure_make(actor=analyst, tlp=Tlp.AMBER, released_to=[barbados], description=f"lot {i}")
        for i in range(6)
    ]
    start = timezone.now() - dt.timedelta(hours=1)
    for i, record in enumerate(records):
        Seizure.objects.filter(pk=record.pk).update(updated_at=start + dt.timedelta(seconds=i))
    client = Client()
    token = api_token_create(user=reader, name="TAXII", second_factor=True)[1]
    headers = {"Accept": TAXII, "Authorization": f"Bearer {token}"}
    found = client.get("/taxii2/api/collections/", headers=headers).json()["collections"]
    (region,) = [c for c in found if c["title"].startswith("Seizures shared with")]
    return {
        "analyst": analyst,
        "barbados": barbados,
        "records": records,
        "client": client,
        "headers": headers,
        "url": f"/taxii2/api/collections/{region['id']}/",
        "start": start,
    }


def page(shelf: dict[str, Any], endpoint: str = "objects", **params: Any) -> Any:
    response = shelf["client"].get(f"{shelf['url']}{endpoint}/", params, headers=shelf["headers"])
    assert response.status_code == 200, response.content
    return response


def references(body: dict[str, Any]) -> list[str]:
    return [
        o["external_references"][0]["external_id"] for o in body.get("objects", []) if o["type"] == "incident"
    ]


def pull_rest(shelf: dict[str, Any], token: str, **params: Any) -> list[str]:
    """The references served by the pages from `token` on, one record a page (limit 1)."""
    served: list[str] = []
    while True:
        body = page(shelf, limit=1, next=token, **params).json()
        served += references(body)
        assert len(references(body)) <= 1
        if not body["more"]:
            return served
        token = body["next"]


def refs(records: list[Seizure]) -> list[str]:
    return [r.reference for r in records]


def test_records_added_and_changed_between_pages_are_served_once_each_after_the_others(shelf):
    r = shelf["records"]
    first = page(shelf, limit=1).json()
    assert references(first) == [r[0].reference] and first["more"]
    later = seizure_make(
        actor=shelf["analyst"], tlp=Tlp.AMBER, released_to=[shelf["barbados"]], description="new"
    )
    # r[3] changes after the new record was made: it comes again after it, at its new version.
    Seizure.objects.filter(pk=r[3].pk).update(updated_at=timezone.now() + dt.timedelta(seconds=1))
    rest = pull_rest(shelf, first["next"])
    assert rest == [*refs([r[1], r[2], r[4], r[5]]), later.reference, r[3].reference]


def test_a_release_withdrawn_between_pages_is_not_served_on_the_next_ones(shelf):
    r = shelf["records"]
    first = page(shelf, limit=1).json()
    dissemination_change_request(
        actor=shelf["analyst"],
        record=r[2],
        tlp=Tlp.AMBER,
        release_to_all=False,
        released_to=[],
        personal_released_to=[],
        recipients=[],
        legal_basis="",
        personal_fields=r[2].personal_fields,
        reason="Investigation under way",
    )
    assert pull_rest(shelf, first["next"]) == refs([r[1], r[3], r[4], r[5]])


def test_records_changed_at_the_same_moment_are_paged_by_their_id(shelf):
    r = shelf["records"]
    Seizure.objects.filter(pk__in=[x.pk for x in r]).update(updated_at=shelf["start"])
    first = page(shelf, limit=1).json()
    served = references(first) + pull_rest(shelf, first["next"])
    assert served == refs(sorted(r, key=lambda x: x.pk))
    manifest = page(shelf, "manifest", limit=4).json()
    rest = page(shelf, "manifest", limit=4, next=manifest["next"]).json()
    ids = [e["id"] for e in manifest["objects"] + rest["objects"]]
    assert len(ids) == len(set(ids)) == 6 and not rest["more"]


def test_added_after_is_strict_at_its_boundary_and_the_headers_give_the_next_mark(shelf):
    r = shelf["records"]
    t = shelf["start"]
    for i, record in enumerate(r):  # a microsecond apart
        Seizure.objects.filter(pk=record.pk).update(updated_at=t + dt.timedelta(microseconds=i))
    mark = taxii._stamp(t + dt.timedelta(microseconds=2))
    response = page(shelf, added_after=mark)
    assert references(response.json()) == refs(r[3:])
    assert response["X-TAXII-Date-Added-First"] == taxii._stamp(t + dt.timedelta(microseconds=3))
    assert response["X-TAXII-Date-Added-Last"] == taxii._stamp(t + dt.timedelta(microseconds=5))
    manifest = page(shelf, "manifest", added_after=mark).json()
    assert [e["date_added"] for e in manifest["objects"]] == [
        taxii._stamp(t + dt.timedelta(microseconds=i)) for i in (3, 4, 5)
    ]
    # The last page's mark serves nothing until something changes, then just that.
    assert page(shelf, added_after=response["X-TAXII-Date-Added-Last"]).json() == {"more": False}
    Seizure.objects.filter(pk=r[1].pk).update(updated_at=timezone.now())
    assert references(page(shelf, added_after=response["X-TAXII-Date-Added-Last"]).json()) == [r[1].reference]


def test_added_after_and_paging_together(shelf):
    r = shelf["records"]
    mark = taxii._stamp(shelf["start"] + dt.timedelta(seconds=1))
    first = page(shelf, limit=1, added_after=mark).json()
    assert references(first) == [r[2].reference]
    assert pull_rest(shelf, first["next"], added_after=mark) == refs(r[3:])


def test_a_later_page_is_the_same_query_as_the_first(shelf):
    body = page(shelf, limit=1).json()
    counts = []
    for _page in range(4):
        with CaptureQueriesContext(connection) as queries:
            body = page(shelf, limit=1, next=body["next"]).json()
        assert not any("OFFSET" in q["sql"].upper() for q in queries.captured_queries)
        counts.append(len(queries.captured_queries))
    assert len(set(counts)) == 1, counts


@pytest.mark.parametrize(
    "token",
    [
        "abc",
        "MTA",
        "bm90IGEgZGF0ZXwx",
        "MjAyNi0wMS0wMVQwMDowMDowMCswMDowMHwtMQ",
        "MjAyNi0wMS0wMVQwMDowMDowMHwx",
    ],
)
def test_a_next_token_the_server_did_not_give_is_refused(shelf, token):
    # An old offset, not a date, a negative id, a date without its zone.
    response = shelf["client"].get(f"{shelf['url']}objects/", {"next": token}, headers=shelf["headers"])
    assert response.status_code == 400
    assert response.json()["title"] == "Bad paging"


def test_an_object_s_version_is_written_as_its_modified_even_when_the_fraction_ends_in_zeros(shelf):
    record = shelf["records"][0]
    moment = shelf["start"].replace(microsecond=123450)  # stix2 writes .12345Z, not .123450Z
    Seizure.objects.filter(pk=record.pk).update(updated_at=moment, created_at=moment - dt.timedelta(days=1))
    (incident,) = [o for o in page(shelf, limit=1).json()["objects"] if o["type"] == "incident"]
    assert incident["modified"].endswith(".12345Z")
    versions = page(shelf, f"objects/{incident['id']}/versions").json()["versions"]
    assert versions == [incident["modified"]]
    found = page(shelf, f"objects/{incident['id']}", **{"match[version]": taxii._stamp(moment)}).json()
    assert found["objects"] == [incident]


@pytest.mark.parametrize("limit", [1, 2, 3, 4, 5, 6, 7, 9])
def test_a_pages_records_are_read_in_steps_and_none_is_left_out(shelf, limit):
    """A page's records are read half a page at a time (`taxii._windows`): stepping until the limit or
    the end gives exactly the first `limit` records in date-added order, and says whether more follow."""
    ordered = Seizure.objects.order_by("updated_at", "pk")
    expected = list(ordered.values_list("pk", flat=True))[:limit]
    steps = list(taxii._windows(ordered.annotate(personal_visible=Value(False)), limit))
    assert [m.pk for window, _more in steps for m in window] == expected
    assert all(more for _window, more in steps[:-1])
    assert steps[-1][1] == (limit < ordered.count())
    assert len(steps) <= 2 or limit < taxii.STEP_PART * 2


def test_a_record_dated_after_a_transaction_still_open_waits_for_it_to_end(shelf):
    """A record is dated when it is saved, not when its transaction commits; so a page serves only records
    dated before the oldest transaction still open began, and a partner's next `added_after` cannot pass
    over a record committed later with an earlier date."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has one writer at a time and nothing to wait for")
    import psycopg

    settings = connection.settings_dict
    other = psycopg.connect(
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
        dbname=settings["NAME"],
    )
    try:
        other.execute("SELECT 1")  # another writer's transaction, open from now on
        record = seizure_make(
            actor=shelf["analyst"], tlp=Tlp.AMBER, released_to=[shelf["barbados"]], description="while open"
        )
        served = references(page(shelf).json())
        assert served == refs(shelf["records"])  # dated before it began: served; the new one waits
        other.commit()
    finally:
        other.close()
    assert references(page(shelf).json()) == [*refs(shelf["records"]), record.reference]
