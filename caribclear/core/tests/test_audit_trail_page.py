"""Issue 9, point 10: the audit trail names actions in words, filters by action, person and date range,
and groups what one request did."""

from __future__ import annotations

import ast
import datetime as dt
import pathlib
import re

import pytest
from django.utils import timezone, translation

from caribclear.core.audit import audit_record
from caribclear.core.audit_actions import ACTION_LABELS, action_label
from caribclear.core.context import RequestInfo, current_request

pytestmark = pytest.mark.django_db

ROOT = pathlib.Path(__file__).resolve().parents[2]
# Every app; an action without words still reads as "Cargo: manifest file", but the test asks for words.
NAMED_APPS = tuple(p.name for p in ROOT.iterdir() if (p / "apps.py").exists())


def _codes_in_source() -> set[str]:
    codes: set[str] = set()
    for app in NAMED_APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Call):
                    for keyword in node.keywords:
                        if keyword.arg != "action":
                            continue
                        for value in ast.walk(keyword.value):
                            if (
                                isinstance(value, ast.Constant)
                                and isinstance(value.value, str)
                                and re.fullmatch(r"[a-z_]+(\.[a-z_0-9]+)+", value.value)
                            ):
                                codes.add(value.value)
    return codes


def test_every_action_recorded_by_the_code_has_words():
    missing = sorted(_codes_in_source() - set(ACTION_LABELS))
    assert not missing, f"name these actions in core/audit_actions.py: {missing}"


def test_an_unnamed_action_still_reads_as_words():
    with translation.override("en"):
        assert action_label("notification.submit") == "Notification submitted"
        assert action_label("cargo.manifest_file") == "Cargo: manifest file"


@pytest.fixture
def supervisor(make_user, antigua):
    return make_user(role="supervisor", administration=antigua, agency="customs", email="sup@ag.example")


def test_actions_in_words_and_records_by_name(client_for, supervisor, officer):
    audit_record(actor=officer, action="travel_document.view", summary="looked at a passport")
    html = client_for(supervisor).get("/audit/").content.decode()
    assert "Travel document viewed" in html
    assert "travel_document.view" not in html.split("<table")[1]


def test_filter_by_action_person_and_dates(client_for, supervisor, officer, make_user, antigua):
    colleague = make_user(
        role="officer", administration=antigua, agency="immigration", email="imm@ag.example"
    )
    audit_record(actor=officer, action="clearance.decide", summary="customs decision")
    audit_record(actor=colleague, action="clearance.decide", summary="immigration decision")
    audit_record(actor=colleague, action="travel_document.view", summary="passport read")
    client = client_for(supervisor)
    page = client.get("/audit/").content.decode()
    # The person filter offers the people in the trail; the action filter every action, in words.
    assert f'<option value="{colleague.pk}">imm@ag.example</option>' in page
    assert '<option value="clearance.decide">Clearance decision recorded</option>' in page

    by_action = client.get("/audit/", {"action": "clearance.decide"}).content.decode()
    assert "customs decision" in by_action and "immigration decision" in by_action
    assert "passport read" not in by_action
    by_person = client.get("/audit/", {"who": colleague.pk}).content.decode()
    assert "immigration decision" in by_person and "passport read" in by_person
    assert "customs decision" not in by_person

    today = timezone.now().date()
    within = client.get(
        "/audit/",
        {
            "date_from": (today - dt.timedelta(days=1)).strftime("%d/%m/%Y"),
            "date_to": today.strftime("%d/%m/%Y"),
        },
    ).content.decode()
    assert "customs decision" in within
    before = client.get(
        "/audit/", {"date_to": (today - dt.timedelta(days=1)).strftime("%d/%m/%Y")}
    ).content.decode()
    assert "customs decision" not in before and "Nothing matches these filters." in before
    wrong = client.get("/audit/", {"date_from": "02/12/2026", "date_to": "01/12/2026"}).content.decode()
    assert "The end is before the start." in wrong and "error-summary" in wrong
    typo = client.get("/audit/", {"date_from": "31/02/2026"}).content.decode()
    assert "Enter the date as day, month, year: 14/09/2027." in typo and "customs decision" not in typo


def test_what_one_request_did_is_grouped(client_for, supervisor, officer):
    token = current_request.set(
        RequestInfo(
            request_id="a" * 32,
            client_request_id="",
            ip="127.0.0.1",
            user_agent="",
            method="POST",
            path="/officer/X/decide/",
        )
    )
    try:
        audit_record(actor=officer, action="clearance.decide", summary="first of the request")
        audit_record(actor=officer, action="status.change", summary="second of the request")
    finally:
        current_request.reset(token)
    audit_record(actor=officer, action="travel_document.view", summary="on its own")
    client = client_for(supervisor)
    html = client.get("/audit/").content.decode()
    assert html.count('class="request-group"') == 1
    group = html.split('class="request-group"')[1].split("</tbody>")[0]
    assert "One request did 2 things" in group and "POST /officer/X/decide/" in group
    assert "first of the request" in group and "second of the request" in group and "on its own" not in group
    only = client.get("/audit/", {"request": "a" * 32}).content.decode()
    assert "first of the request" in only and "on its own" not in only
