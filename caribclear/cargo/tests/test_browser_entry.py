"""In real headless Chromium, on a phone and at a desk, with axe-core on every page: a small filer types a
manifest in the web form (errors beside the fields, what was typed kept) and sends the CSV template with
errors (each with its row and column), then right."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from caribclear.accounts.choices import Role
from caribclear.accounts.models import User
from caribclear.cargo import services
from caribclear.cargo.choices import FilerKind
from caribclear.cargo.models import Manifest
from caribclear.cargo.tests.test_table import as_csv, row
from caribclear.tests.browser import TEST_PASSWORD
from caribclear.tests.test_accessibility import axe_script, prepare, violations_on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _carrier(make_user: Callable[..., User]) -> User:
    carrier = make_user(role=Role.OPERATOR, email="ops@smallfeeder.example")
    services.filer_create(
        actor=None, name="Small Feeder", trader_id="BB77", kind=FilerKind.CARRIER, administrator=carrier
    )
    return carrier


def _sign_in(page: Any, base: str, user: User) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]:has-text('Continue')")
    page.wait_for_load_state()


def test_on_a_phone_a_filer_types_a_manifest_and_corrects_it(
    live_server: Any, new_page: Callable[..., Any], make_user: Callable[..., User]
) -> None:
    carrier = _carrier(make_user)
    script = axe_script()
    page = new_page()  # phone-sized
    prepare(page, script)
    _sign_in(page, live_server.url, carrier)
    page.goto(f"{live_server.url}/cargo/")
    page.click("text=Type a manifest")
    page.wait_for_url("**/cargo/new/")
    assert violations_on(page, script) == []

    departs = (dt.datetime.now() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")  # noqa: DTZ005
    page.fill("#id_manifest-manifest_reference", "SF-0042")
    page.fill("#id_manifest-vessel_or_aircraft", "SMALL FEEDER")
    page.fill("#id_manifest-voyage", "42S")
    page.fill("#id_manifest-port_of_loading", "DO-12")
    page.fill("#id_manifest-departure", departs)
    page.fill("#id_consignment-0-bill_number", "SF42-1")
    page.fill("#id_consignment-0-port_of_discharge", "BBBGI")
    page.fill("#id_consignment-0-consignor_name", "Ferreteria Caucedo SRL")
    page.fill("#id_consignment-0-consignee_name", "Island Hardware Ltd")
    page.fill("#id_consignment-0-hs_code", "732690")
    page.fill("#id_consignment-0-description", "general cargo")
    page.fill("#id_consignment-0-packages", "12")
    page.fill("#id_consignment-0-gross_mass_kg", "240")
    page.click("#file-manifest")
    page.wait_for_load_state()

    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert summary.locator("a[href='#id_manifest-port_of_loading']").is_visible()
    assert summary.locator("a[href='#id_consignment-0-description']").is_visible()
    assert page.locator("#id_consignment-0-description_error").is_visible()
    assert page.input_value("#id_consignment-0-description") == "general cargo"
    assert page.input_value("#id_manifest-voyage") == "42S"
    assert violations_on(page, script) == []
    assert not Manifest.objects.exists()

    page.fill("#id_manifest-port_of_loading", "DOCAU")
    page.fill("#id_consignment-0-description", "GALVANISED STEEL WIRE HOOKS")
    page.click("button:has-text('Add a consignment')")
    page.wait_for_load_state()
    assert page.input_value("#id_consignment-0-description") == "GALVANISED STEEL WIRE HOOKS"
    page.fill("#id_consignment-1-bill_number", "SF42-2")
    page.fill("#id_consignment-1-port_of_discharge", "AGSJO")
    page.fill("#id_consignment-1-consignor_name", "Arrocera del Cibao")
    page.fill("#id_consignment-1-consignee_name", "Antigua Foods")
    page.fill("#id_consignment-1-hs_code", "100630")
    page.fill("#id_consignment-1-description", "RICE, MILLED, IN BAGS OF 50 KG")
    page.fill("#id_consignment-1-packages", "400")
    page.fill("#id_consignment-1-gross_mass_kg", "20200")
    page.click("#file-manifest")
    page.wait_for_url("**/cargo/manifests/**")
    manifest = Manifest.objects.get()
    assert page.is_visible(f"text={manifest.mrn}")
    for consignment in manifest.consignments.all():
        assert page.is_visible(f"text={consignment.mrn}")
    assert violations_on(page, script) == []


def test_at_a_desk_a_filer_sends_the_template_with_errors_then_right(
    live_server: Any, new_page: Callable[..., Any], make_user: Callable[..., User], tmp_path: Path
) -> None:
    carrier = _carrier(make_user)
    script = axe_script()
    page = new_page(viewport={"width": 1366, "height": 900})
    prepare(page, script)
    _sign_in(page, live_server.url, carrier)
    page.goto(f"{live_server.url}/cargo/")
    with page.expect_download() as download:
        page.click("text=Download the template (Excel)")
    assert download.value.suggested_filename == "caribclear-cargo-manifest.xlsx"

    departs = (dt.datetime.now() + dt.timedelta(days=2)).strftime("%Y-%m-%d %H:%M")  # noqa: DTZ005
    bad = tmp_path / "manifest.csv"
    bad.write_bytes(as_csv(row(departure=departs), row(departure=departs, bill_number="B2", packages="x")))
    page.set_input_files("#id_file", str(bad))
    page.click("button:has-text('Send the file')")
    page.wait_for_load_state()
    assert page.is_visible("text=The file was not registered: 1 error")
    assert page.is_visible("text=row 3, column AF (packages)")
    assert violations_on(page, script) == []
    assert not Manifest.objects.exists()

    good = tmp_path / "manifest-right.csv"
    good.write_bytes(as_csv(row(departure=departs), row(departure=departs, bill_number="B2")))
    page.set_input_files("#id_file", str(good))
    page.click("button:has-text('Send the file')")
    page.wait_for_url("**/cargo/manifests/**")
    manifest = Manifest.objects.get()
    assert manifest.consignments.count() == 2 and page.is_visible(f"text={manifest.mrn}")
    assert violations_on(page, script) == []


def test_an_officer_sees_the_blue_lane_and_the_cargo_dashboard_without_axe_violations(
    live_server: Any,
    new_page: Callable[..., Any],
    make_user: Callable[..., User],
    officer: User,
    ship_file: Callable[..., bytes],
) -> None:
    from caribclear.risk.choices import Lane
    from caribclear.risk.services import criterion_create
    from caribclear.tests.browser import sign_in_official

    carrier = _carrier(make_user)
    supervisor = make_user(role=Role.SUPERVISOR, administration=officer.administration)
    criterion_create(
        actor=supervisor,
        kind="cargo.consignment",
        name="Loaded in DR: audit",
        lane=Lane.BLUE,
        weight=10,
        documentation="Audit the importer's books after release.",
        conditions=[{"field": "loading_country", "operator": "in", "values": ["DO"]}],
    )
    services.manifest_file(actor=carrier, data=ship_file(4))
    script = axe_script()
    page = new_page(viewport={"width": 1366, "height": 900})
    prepare(page, script)
    sign_in_official(page, live_server.url, officer)
    page.goto(f"{live_server.url}/officer/cargo/?lane=blue")
    assert page.locator(".tag-blue").first.is_visible()
    assert page.is_visible("text=Loaded in DR: audit")
    assert violations_on(page, script) == []
    page.goto(f"{live_server.url}/dashboards/")
    cargo = page.locator("#cargo")
    assert cargo.is_visible() and cargo.locator(".tag-blue").first.is_visible()
    assert violations_on(page, script) == []
