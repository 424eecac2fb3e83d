"""Every page passes axe-core with no violation, for every kind of user.

The demo data is loaded, then each demo account (and a visitor who is not signed in) walks the platform from
its home page, following the links a person can click, as a crawler would: one page of each kind (one view
with one set of query keys), so a new page is checked as soon as a link leads to it. Each page gets the
axe-core script injected and run with its default rules; any violation fails, named with the page and the
offending elements.
"""

from __future__ import annotations

import json
import os
from collections import deque
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve

from caribclear.accounts.models import User
from caribclear.tests.browser import sign_in_official

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(
    os.environ.get(
        "CARIBCLEAR_AXE", Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
    )
)
DEMO_PASSWORD = "caribclear-demo"
# Pages per account: enough for every kind of page the demo links to, bounded so the walk stays quick.
MOST_PAGES = 60
# Links a crawler must not follow: they act (sign out) or leave the HTML pages (the API's own docs are
# third-party markup served by django-ninja; files are not pages).
SKIP_PREFIXES = ("/accounts/logout", "/api/", "/static/", "/media/", "/admin/")


def axe_script() -> str:
    if not AXE.exists():
        message = f"axe-core not found at {AXE}: run `npm ci` in the project folder (./dev test does)"
        if os.environ.get("CARIBCLEAR_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return AXE.read_text(encoding="utf-8")


def page_kind(url: str) -> str | None:
    """One key per kind of page: the view's route and the names of the query parameters."""
    parts = urlsplit(url)
    if parts.path.startswith(SKIP_PREFIXES):
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    keys = ",".join(sorted({key for key, _value in parse_qsl(parts.query)}))
    return f"{match.route}?{keys}"


# Content-Security-Policy violations of a page are recorded as they happen (issue 15, finding 11): a page
# that needed an inline script or style, or a file from elsewhere, fails the walk like an axe violation.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


def prepare(page: Any, script: str) -> None:
    """axe-core and the CSP listener go in as init scripts, which the page's own CSP does not govern
    (an injected <script> tag would be refused, as it should be)."""
    page.add_init_script(CSP_LISTENER)
    page.add_init_script(script)


def violations_on(page: Any, script: str) -> list[str]:
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(content=script)
    results = page.evaluate("async () => JSON.stringify((await axe.run(document)).violations)")
    found = [f"CSP {v}" for v in page.evaluate("() => window.__cspViolations || []")]
    for violation in json.loads(results):
        targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        found.append(f"{violation['impact']} {violation['id']}: {violation['help']} [{targets}]")
    return found


def walk(page: Any, base: str, script: str) -> tuple[int, dict[str, list[str]]]:
    """Follow links breadth-first from the home page; return how many pages were checked, and the
    violations of each page that has any."""
    seen: set[str] = set()
    queue: deque[str] = deque([f"{base}/"])
    problems: dict[str, list[str]] = {}
    visited = 0
    while queue and visited < MOST_PAGES:
        url = queue.popleft()
        kind = page_kind(url[len(base) :] if url.startswith(base) else url)
        if kind is None or kind in seen:
            continue
        seen.add(kind)
        # Ask first (with the page's cookies) whether it is a page at all: files start a download.
        head = page.request.get(url, max_redirects=0)
        headers = head.headers
        if "text/html" not in headers.get("content-type", "") or "attachment" in headers.get(
            "content-disposition", ""
        ):
            continue
        page.goto(url)
        visited += 1
        found = violations_on(page, script)
        if found:
            problems[urlsplit(url).path + ("?" + urlsplit(url).query if urlsplit(url).query else "")] = found
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            if href.startswith(base) and "#" not in href[len(base) :]:
                queue.append(href)
    return visited, problems


def sign_in_operator(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]:has-text('Continue')")
    page.wait_for_load_state()
    assert "/accounts/login" not in page.url


ACCOUNTS = [
    None,  # a visitor who is not signed in
    "skipper@yacht.demo",
    "cargo@feeder.demo",  # a carrier: the cargo portal
    "ops@caribbean-airlines.demo",  # an airline: passenger lists
    "customs@antigua.demo",
    "supervisor@antigua.demo",
    "admin@antigua.demo",
    "analyst@stlucia.demo",
    "programme@cclec.demo",  # the CCLEC secretariat: training records and partner agencies
]


def test_every_page_of_the_demo_passes_axe_core_for_every_kind_of_user(new_page, live_server, settings):
    script = axe_script()
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115 - closed with the process
    base = live_server.url
    report: list[str] = []
    for email in ACCOUNTS:
        page = new_page(viewport={"width": 1280, "height": 900})
        prepare(page, script)
        if email is not None:
            user = User.objects.get(email=email)
            if not user.needs_second_factor:
                sign_in_operator(page, base, email)
            else:
                sign_in_official(page, base, user, password=DEMO_PASSWORD)
        visited, problems = walk(page, base, script)
        # A sign-in that failed would leave a walk of the public pages only: every account sees more.
        assert visited >= (3 if email is None else 6), f"{email}: only {visited} pages reached"
        for path, found in problems.items():
            report.append(f"{email or 'visitor'} {path}:\n    " + "\n    ".join(found))
        page.context.close()
    assert not report, "axe-core violations:\n" + "\n".join(report)
