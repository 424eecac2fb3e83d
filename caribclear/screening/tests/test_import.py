"""Importing the real list files, and what a re-import shows as added, changed and removed."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from caribclear.core.models import AuditEvent
from caribclear.screening.choices import Sharing, SourceFormat
from caribclear.screening.models import Watchlist, WatchlistEntry
from caribclear.screening.services import watchlist_create, watchlist_import

from .helpers import WATCHLISTS, ofac_copy

pytestmark = pytest.mark.django_db


def test_ofac_import_then_reimport_shows_added_changed_and_removed(tmp_path: Path) -> None:
    sdn = ofac_copy(tmp_path)
    out = StringIO()
    call_command("import_watchlist", "--name", "OFAC SDN", "--format", "ofac", str(sdn), stdout=out)
    watchlist = Watchlist.objects.get(name="OFAC SDN")
    first = watchlist.current_version
    assert first is not None and first.number == 1
    assert watchlist.owner is None and watchlist.sharing == Sharing.ALL
    assert first.entity_count == watchlist.entries.count() > 8000
    assert first.added_count == first.entity_count and first.removed_count == 0
    assert len(first.file_hash) == 64
    assert "version 1" in out.getvalue()
    orejuela = watchlist.entries.get(entity_id="ofac-4107")
    assert orejuela.schema == "Person" and "1939-01-31" in orejuela.data["birth_dates"]
    assert "T321642" in orejuela.data["identifiers"]["passport"]
    assert "rodriguez" in orejuela.search_name
    # vessels come in with their identifiers
    assert watchlist.entries.filter(schema="Vessel").exists()

    # A new file: one entry dropped, one renamed, one new.
    lines = sdn.read_text(encoding="utf-8").splitlines(keepends=True)
    # (the file ends with an MS-DOS end-of-file character, kept last)
    kept = [line for line in lines if not line.startswith("4106,") and line.strip() != "\x1a"]
    kept = [
        line.replace("RODRIGUEZ OREJUELA, Miguel Angel", "RODRIGUEZ OREJUELA, Miguel Angelo") for line in kept
    ]
    kept.append(
        '999999,"TESTLISTED, Newperson","individual","SDNT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"DOB 1970."\n'
    )
    kept.append("\x1a")
    sdn.write_text("".join(kept), encoding="utf-8")
    out = StringIO()
    call_command("import_watchlist", "--name", "OFAC SDN", "--format", "ofac", str(sdn), stdout=out)
    watchlist.refresh_from_db()
    second = watchlist.current_version
    assert second is not None and second.number == 2
    assert (second.added_count, second.changed_count, second.removed_count) == (1, 1, 1)
    assert second.diff["added"] == [["ofac-999999", "TESTLISTED, Newperson"]]
    assert second.diff["removed"] == [["ofac-4106", "HERRERA BUITRAGO, Helmer"]]
    assert second.diff["changed"][0][0] == "ofac-4108"
    assert "+ ofac-999999 TESTLISTED, Newperson" in out.getvalue()
    assert "- ofac-4106" in out.getvalue()
    assert not watchlist.entries.filter(entity_id="ofac-4106").exists()
    changed = watchlist.entries.get(entity_id="ofac-4108")
    assert changed.changed_in == second and changed.added_in == first
    assert watchlist.entries.get(entity_id="ofac-4107").changed_in == first
    assert AuditEvent.objects.filter(action="watchlist.import", object_id=str(watchlist.pk)).count() == 2

    # The same file again: a version that records the check, and no change.
    call_command("import_watchlist", "--name", "OFAC SDN", "--format", "ofac", str(sdn), stdout=StringIO())
    third = Watchlist.objects.get(pk=watchlist.pk).current_version
    assert third is not None and third.number == 3 and not third.has_changes
    assert third.file_hash == second.file_hash


def test_un_xml_and_csl_imports() -> None:
    un = watchlist_create(actor=None, name="UN consolidated", source_format=SourceFormat.UN, owner=None)
    version = watchlist_import(actor=None, watchlist=un, path=WATCHLISTS / "UN_consolidated.xml")
    assert version.entity_count == un.entries.count() > 900
    assert version.published.startswith("20")
    assert un.entries.filter(schema="Person").exists() and un.entries.filter(schema="Organization").exists()

    csl = watchlist_create(actor=None, name="CSL", source_format=SourceFormat.CSL, owner=None)
    version = watchlist_import(actor=None, watchlist=csl, path=WATCHLISTS / "csl.csv")
    assert version.entity_count == csl.entries.count() > 100
    vessel = csl.entries.filter(schema="Vessel").first()
    assert vessel is not None and vessel.data["identifiers"]


def test_a_file_in_the_wrong_format_is_refused_and_nothing_is_stored(tmp_path: Path) -> None:
    un = watchlist_create(actor=None, name="UN", source_format=SourceFormat.UN, owner=None)
    bad = tmp_path / "list.xml"
    bad.write_text("id,name\n1,Somebody\n", encoding="utf-8")
    with pytest.raises(ValidationError):
        watchlist_import(actor=None, watchlist=un, path=bad)
    assert not un.versions.exists() and not WatchlistEntry.objects.exists()


def test_command_refuses_a_format_different_from_the_list(tmp_path: Path) -> None:
    watchlist_create(actor=None, name="CSL", source_format=SourceFormat.CSL, owner=None)
    with pytest.raises(CommandError, match="csl list"):
        call_command(
            "import_watchlist", "--name", "CSL", "--format", "un", str(WATCHLISTS / "UN_consolidated.xml")
        )


def test_command_creates_a_list_owned_and_shared_with_named_members(
    tmp_path: Path, antigua, barbados
) -> None:
    path = tmp_path / "lookouts.csv"
    path.write_text("id,name,birth_date,nationality\nAG-1,Jane Example,1980,JM\n", encoding="utf-8")
    call_command(
        "import_watchlist",
        "--name",
        "Antigua local",
        "--format",
        "csv",
        "--owner",
        "AG",
        "--sharing",
        "named",
        "--shared-with",
        "BB",
        str(path),
        stdout=StringIO(),
    )
    watchlist = Watchlist.objects.get(name="Antigua local")
    assert watchlist.owner == antigua and list(watchlist.shared_with.all()) == [barbados]
    assert watchlist.entries.get().caption == "Jane Example"
