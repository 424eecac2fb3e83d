"""Bulk writes (COPY on PostgreSQL, executemany on SQLite) store exactly what they are given: rows or a data
frame, empty strings apart from missing values, commas, quotes and line breaks, and upserts and updates
touch only the rows they name."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from django.utils import timezone

from caribclear.accounts.models import Administration
from caribclear.core import bulk
from caribclear.core.models import Declaration

pytestmark = pytest.mark.django_db

TABLE = Declaration._meta.db_table
COLUMNS = ["kind", "administration_id", "reference", "version", "created_at", "updated_at"]


def test_rows_and_frames_are_stored_as_given_and_upserts_and_updates_touch_only_their_rows(
    antigua: Administration,
) -> None:
    at = dt.datetime(2026, 11, 30, 22, 15, 7, 123456, tzinfo=dt.UTC)
    references = ["plain", 'a "quoted", comma', "two\nlines", "ünïcödé €"]
    bulk.insert(TABLE, COLUMNS, [("test.kind", antigua.pk, ref, 1, at, at) for ref in references])
    frame = pl.DataFrame(
        {
            "kind": ["test.frame"] * 3,
            "administration_id": [antigua.pk] * 3,
            "reference": ["", "x,y", 'q"t'],
            "version": [1, 2, 3],
            "created_at": [at] * 3,
            "updated_at": [at] * 3,
        }
    )
    bulk.insert(TABLE, COLUMNS, frame)
    stored = dict(Declaration.objects.values_list("reference", "version"))
    assert stored == {**dict.fromkeys(references, 1), "": 1, "x,y": 2, 'q"t': 3}
    assert Declaration.objects.get(reference="two\nlines").created_at == at

    # Upsert: one existing (kind, reference) changes its version, one new row appears, the rest stay.
    now = timezone.now()
    changes = pl.DataFrame(
        {
            "kind": ["test.frame", "test.frame"],
            "administration_id": [antigua.pk] * 2,
            "reference": ["x,y", "new"],
            "version": [9, 1],
            "created_at": [now] * 2,
            "updated_at": [now] * 2,
        }
    )
    bulk.upsert(TABLE, COLUMNS, changes, conflict=["kind", "reference"], update=["version", "updated_at"])
    stored = dict(Declaration.objects.filter(kind="test.frame").values_list("reference", "version"))
    assert stored == {"": 1, "x,y": 9, 'q"t': 3, "new": 1}
    assert Declaration.objects.get(reference="x,y").created_at == at  # not in ``update``: kept

    # Update by key: only the named rows.
    plain = Declaration.objects.get(reference="plain")
    quoted = Declaration.objects.get(reference='a "quoted", comma')
    bulk.update(TABLE, "id", ["version"], [(plain.pk, 5), (quoted.pk, 6)])
    assert dict(Declaration.objects.filter(kind="test.kind").values_list("reference", "version")) == {
        "plain": 5,
        'a "quoted", comma': 6,
        "two\nlines": 1,
        "ünïcödé €": 1,
    }
