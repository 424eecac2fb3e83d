"""Issue 15, finding 11: a strict Content-Security-Policy and a Permissions-Policy on every kind of page.
(The browser walk of tests/test_accessibility.py also fails on any CSP violation a page causes.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from caribclear.conftest import sign_in

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2]


def directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.strip() for part in policy.split(";") if part.strip()}


def assert_strict(response) -> None:
    csp = directives(response)
    assert csp["default-src"] == "default-src 'self'"
    assert csp["script-src"] == "script-src 'self'"
    assert csp["object-src"] == "object-src 'none'"
    assert csp["frame-ancestors"] == "frame-ancestors 'none'"
    assert csp["base-uri"] == "base-uri 'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"].replace(
        "style-src 'self' 'unsafe-inline'", ""
    )
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    permissions = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in permissions


@pytest.mark.parametrize(
    ("who", "url"),
    [
        (None, "/"),
        (None, "/accounts/login/"),
        (None, "/accounts/register/"),
        (None, "/no-such-page/"),
        (None, "/api/openapi.json"),
        (None, "/api/no-such-endpoint"),
        (None, "/healthz"),
        ("operator", "/voyages/"),
        ("operator", "/vessels/"),
        ("operator", "/accounts/security/"),
        ("operator", "/accounts/tokens/"),
        ("officer", "/officer/"),
        ("officer", "/intel/"),
        ("officer", "/dashboards/"),
        ("officer", "/dashboards/?format=csv"),
    ],
)
def test_every_kind_of_response_carries_a_strict_policy(client, request, who, url):
    if who is not None:
        sign_in(client, request.getfixturevalue(who))
    response = client.get(url)
    assert response.status_code < 500
    assert_strict(response)
    assert directives(response)["style-src"] == "style-src 'self'"


def test_only_the_api_documentation_may_use_inline_styles(client):
    response = client.get("/api/docs")
    assert_strict(response)
    assert directives(response)["style-src"] == "style-src 'self' 'unsafe-inline'"


def test_no_template_has_inline_script_or_style():
    offenders = []
    checked = 0
    pattern = re.compile(
        r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")|<style|\sstyle=|\son[a-z]+=", re.I
    )
    for template in TEMPLATES.rglob("templates/**/*.html"):
        text = template.read_text()
        checked += 1
        if pattern.search(text):
            offenders.append(str(template.relative_to(TEMPLATES)))
    assert checked > 40
    assert not offenders
