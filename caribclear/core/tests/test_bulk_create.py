"""`core.bulk.create` stores a few instances as `bulk_create` does: the same columns read back, the new ids
set on the instances (an automatic key from the database, a UUID key from its default), and many rows
left to `bulk_create`."""

from __future__ import annotations

from typing import Any

import pytest
from django_tasks_db.models import DBTaskResult, get_date_max

from caribclear.core import bulk
from caribclear.core.models import Declaration

pytestmark = pytest.mark.django_db

SKIP = {"id", "created_at", "updated_at", "enqueued_at"}  # the keys, and times taken when written


def _stored(model: Any, pk: Any) -> dict[str, Any]:
    row = model.objects.filter(pk=pk).values().get()
    return {k: v for k, v in row.items() if k not in SKIP}


def _declarations(antigua: Any, prefix: str, n: int) -> list[Declaration]:
    return [
        Declaration(kind="test.kind", administration=antigua, reference=f"{prefix}{k}", version=k + 1)
        for k in range(n)
    ]


def _tasks(n: int) -> list[DBTaskResult[Any, Any]]:
    return [
        DBTaskResult(
            args_kwargs={"args": [], "kwargs": {"n": k, "name": "Café"}},
            task_path="caribclear.cargo.tasks.webhook_task",
            queue_name="default",
            backend_name="default",
            run_after=get_date_max(),
        )
        for k in range(n)
    ]


def test_a_few_rows_are_stored_as_bulk_create_stores_them(antigua):
    made, reference = _declarations(antigua, "A", 3), _declarations(antigua, "B", 3)
    bulk.create(made)
    Declaration.objects.bulk_create(reference)
    assert all(d.pk is not None and not d._state.adding for d in made)
    assert len({d.pk for d in made}) == 3
    for ours, theirs in zip(made, reference, strict=True):
        mine, expected = _stored(Declaration, ours.pk), _stored(Declaration, theirs.pk)
        assert mine.pop("reference")[1:] == expected.pop("reference")[1:]
        assert mine == expected
        assert ours.updated_at is not None  # auto_now set on the instance, as bulk_create sets it

    tasks, reference_tasks = _tasks(2), _tasks(2)
    bulk.create(tasks)
    DBTaskResult.objects.bulk_create(reference_tasks)
    for task, reference_task in zip(tasks, reference_tasks, strict=True):
        assert _stored(DBTaskResult, task.pk) == _stored(DBTaskResult, reference_task.pk)
        assert task.enqueued_at is not None


def test_many_rows_go_through_bulk_create(antigua, django_assert_num_queries):
    many = _declarations(antigua, "M", bulk.FEW + 1)
    bulk.create(many)
    assert Declaration.objects.filter(reference__startswith="M").count() == bulk.FEW + 1
    assert all(d.pk is not None for d in many)
    with django_assert_num_queries(0):
        bulk.create([])  # nothing to write: no statement


def test_many_rows_inserted_without_their_ids_read_back_as_bulk_create_writes_them(antigua):
    """`core.bulk.insert_instances` (COPY on PostgreSQL): what a screening run's hits and a check's queued
    task are written with; every column as bulk_create stores it, defaults and JSON included."""
    made, reference = _declarations(antigua, "C", 250), _declarations(antigua, "D", 250)
    bulk.insert_instances(made)
    Declaration.objects.bulk_create(reference)
    assert all(not d._state.adding for d in made)
    ours = {d["reference"][1:]: d for d in Declaration.objects.filter(reference__startswith="C").values()}
    theirs = {d["reference"][1:]: d for d in Declaration.objects.filter(reference__startswith="D").values()}
    assert len(ours) == 250 and ours.keys() == theirs.keys()
    for key, row in ours.items():
        expected = theirs[key]
        assert {k: v for k, v in row.items() if k not in SKIP | {"reference"}} == {
            k: v for k, v in expected.items() if k not in SKIP | {"reference"}
        }
        assert row["updated_at"] is not None

    tasks = _tasks(3)
    bulk.insert_instances(tasks)  # a UUID key from its default, set on the instance
    for task in tasks:
        assert DBTaskResult.objects.get(pk=task.pk).args_kwargs["kwargs"]["name"] == "Café"
