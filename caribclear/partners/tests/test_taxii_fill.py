"""The cache of served objects filled when records change (so a partner's first pull reads stored JSON),
the objects written by stix2 in one pass, and the access log of a page written as plain rows: each gives
what the slower way gave, on SQLite and on PostgreSQL."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from django.db import transaction

from caribclear.core.chain import canonical, verify_chain
from caribclear.intel.access import log_read_entries
from caribclear.intel.choices import ReadVia
from caribclear.intel.models import AccessLog, Seizure
from caribclear.intel.selectors import seizure_queryset
from caribclear.partners import stix, stix_cache
from caribclear.partners.models import StixCache

from . import test_taxii_cache
from .test_taxii import pull, region, world  # noqa: F401 (world: the fixture)
from .test_taxii_cache import individuals

pytestmark = pytest.mark.django_db(transaction=True)
both = test_taxii_cache.both  # the fixture: a seizure released to two members, its persons to one


def stored(record: Seizure) -> dict[bool, tuple[Any, ...]]:
    return {
        row.personal: (
            row.record_updated_at,
            row.stix_json,
            row.ids,
            row.markings,
            row.fields,
            row.personal_shown,
        )
        for row in StixCache.objects.filter(record_type="seizure", record_id=record.pk, language="en")
    }


def test_filled_entries_are_what_a_pull_builds_and_the_next_pull_builds_nothing(both, monkeypatch):
    record = both["both"]
    bb, kn = region(both, both["bb"]), region(both, both["kn"])
    StixCache.objects.all().delete()
    pull(bb)  # built for Barbados (persons released to it) ...
    pull(kn)  # ... and for St Kitts (not), as a pull builds them
    built = stored(record)
    assert set(built) == {False, True}
    StixCache.objects.all().delete()
    assert stix_cache.fill("seizure") == Seizure.objects.count()
    assert stored(record) == built

    def no_building(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a filled record was built again")

    monkeypatch.setattr(stix, "record_objects", no_building)
    assert individuals(pull(bb), record) == ["Jacques Moreau"]
    assert individuals(pull(kn), record) == []  # each reader still gets their own view
    assert stix_cache.fill("seizure") == 0  # nothing left to build


def test_saving_a_record_fills_its_objects_after_the_commit(both):
    record = both["both"]
    with transaction.atomic():
        record.description = "engines, cocaine in the cowling"
        record.save()
        assert stored(record).get(False, (None,))[0] != record.updated_at  # not before the commit
    entries = stored(record)
    assert entries[False][0] == entries[True][0] == record.updated_at
    assert "engines, cocaine in the cowling" in entries[True][1]
    assert "Jacques Moreau" in entries[True][1] and "Jacques Moreau" not in entries[False][1]


def test_objects_are_written_as_serialize_writes_them_and_shared_ones_are_the_same(both):
    record: Any = seizure_queryset().get(pk=both["both"].pk)
    record.personal_visible = True
    _entry, first = stix_cache.build(None, record)
    stix._SHARED.clear()
    _entry, again = stix_cache.build(None, record)
    assert [stix.dumps(o) for o in first] == [stix.dumps(o) for o in again]
    for obj in first:
        expected = json.dumps(stix.serialize(obj), separators=(",", ":"), ensure_ascii=False)
        assert stix.dumps(obj) == expected


def test_the_access_log_of_a_page_is_the_rows_and_chain_the_model_writes(both):
    reader = both["bb"]
    record = both["both"]
    with transaction.atomic():
        AccessLog.objects.create(user=reader, record_type="seizure", record_id=1, via=ReadVia.DETAIL)
        log_read_entries(
            reader,
            [("seizure", record.pk, True, ["persons", "reference"]), ("seizure", 7, False, ["ñandú"])],
            via=ReadVia.API,
        )
        AccessLog.objects.create(user=reader, record_type="seizure", record_id=2, via=ReadVia.DETAIL)
    assert log_read_entries(reader, [], via=ReadVia.API) == 0
    assert verify_chain(AccessLog).ok
    rows = list(AccessLog.objects.order_by("pk"))
    assert [(r.record_id, r.via, r.personal_shown, r.fields) for r in rows[-4:]] == [
        (1, ReadVia.DETAIL, False, []),
        (record.pk, ReadVia.API, True, ["persons", "reference"]),
        (7, ReadVia.API, False, ["ñandú"]),
        (2, ReadVia.DETAIL, False, []),
    ]
    page = rows[-3:-1]
    assert page[0].at == page[1].at and page[0].administration_id == reader.administration_id
    # Every link is the hash of the row as the model's canonical form has it.
    for row in rows:
        assert row.row_hash == hashlib.sha256(row.prev_hash.encode() + canonical(row)).hexdigest()


def test_a_large_fill_refreshes_the_planners_statistics(both, monkeypatch):
    """After a first fill of a whole collection the planner must know the cache is no longer empty, or it
    reads each page's stored objects by scanning every entry (seen at 100,000 records with autovacuum off:
    200 ms a page instead of 1 ms)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's statistics (SQLite's planner keeps none here)")
    StixCache.objects.all().delete()

    def estimated_rows() -> float:
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [StixCache._meta.db_table])
            return float(cursor.fetchone()[0])

    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {StixCache._meta.db_table}")
    assert estimated_rows() <= 0
    monkeypatch.setattr(stix_cache, "ANALYZE_AFTER", 1)
    assert stix_cache.fill("seizure") >= 1
    assert estimated_rows() >= StixCache.objects.count() > 0
