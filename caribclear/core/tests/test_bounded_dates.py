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
