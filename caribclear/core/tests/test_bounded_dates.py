"""Issue 15, finding 6: dates out of any sensible range are a field error, never a 500."""

import pytest
from django import forms

from caribclear.conftest import sign_in
from caribclear.core.forms import BoundedDateField

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/officer/?tab=all&date_to=9999-12-31",
        "/officer/?tab=all&date_from=0001-01-01",
        "/dashboards/?date_to=9999-12-31",
        "/dashboards/?date_from=0001-01-01&date_to=9999-12-31",
    ],
)
def test_far_dates_in_filters_are_field_errors_not_500(client, make_user, antigua, url):
    supervisor = make_user(role="supervisor", administration=antigua, agency="customs")
    response = sign_in(client, supervisor).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a date in 2100 or earlier." in html or "Enter a date in 1900 or later." in html


@pytest.mark.parametrize("value", ["0", "9999-12-31", "1899-12-31", "2101-01-01"])
def test_the_shared_date_field_refuses_dates_outside_1900_to_2100(value):
    class Form(forms.Form):
        day = BoundedDateField()

    form = Form({"day": value})
    assert not form.is_valid()
    assert form.errors["day"]


def test_the_shared_date_field_takes_ordinary_dates():
    class Form(forms.Form):
        day = BoundedDateField()

    form = Form({"day": "2026-12-01"})
    assert form.is_valid(), form.errors


@pytest.mark.parametrize("value", ["0", "9999-12-31", "0001-01-01", "1e9"])
def test_api_date_filters_out_of_range_or_numeric_are_422_problems(make_user, antigua, value):
    """Issue 15, finding 6: `0` was taken as 1970-01-01; a far date is a 422 naming the parameter."""
    from django.test import Client

    from caribclear.accounts.services import api_token_create

    official = make_user(role="supervisor", administration=antigua, agency="customs")
    _token, raw = api_token_create(user=official, name="dates", second_factor=True)
    response = Client().get("/api/intel/seizures", {"date_to": value}, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == ["date_to"]


@pytest.mark.parametrize("value", [0, "0", 1700000000, "9999-12-31T00:00:00Z", "1899-12-31T23:00:00Z"])
def test_api_times_in_bodies_out_of_range_or_numeric_are_422_problems(operator, value):
    import json

    from django.test import Client

    from caribclear.accounts.services import api_token_create

    _token, raw = api_token_create(user=operator, name="dates")
    response = Client().post(
        "/api/notifications",
        json.dumps({"vessel_id": 1, "kind": "arrival", "port": "AGSJO", "expected_at": value}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
        HTTP_IDEMPOTENCY_KEY=f"date-{value}",
    )
    assert response.status_code == 422
    assert "expected_at" in [e["field"] for e in response.json()["errors"]]


def test_api_kit_dates_take_iso_text_and_date_objects():
    import datetime as dt

    from pydantic import TypeAdapter

    from caribclear.core.api_kit import Date, DateTime

    assert TypeAdapter(Date).validate_python("2026-12-03") == dt.date(2026, 12, 3)
    assert TypeAdapter(Date).validate_python(dt.date(2026, 12, 3)) == dt.date(2026, 12, 3)
    moment = TypeAdapter(DateTime).validate_python("2026-12-03T14:30:00-04:00")
    assert moment.utcoffset() == dt.timedelta(hours=-4)
