"""`core.rows.RowModels` makes instances of a plain statement's row that are the ones the ORM would have made:
every field's value as a queryset reads it (dates, times, JSON and UUIDs converted from what each database
returns), saved instances (not new ones), and no instance for the far side of an outer join that found none."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult, get_date_max

from caribclear.accounts.models import Administration, User
from caribclear.core.models import Declaration
from caribclear.core.rows import RowModels

pytestmark = pytest.mark.django_db


def _fields(instance: Any) -> dict[str, Any]:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def _one(sql: str, params: list[Any]) -> tuple[Any, ...]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    assert row is not None
    return row


def _with_administration(model: Any, pk: int, extra: str = "") -> tuple[list[Any], list[Any]]:
    """The instance of ``model`` with this key and its administration (an outer join), read by a plain
    statement through `RowModels`."""
    reader = RowModels.of((model, "m"), (Administration, "a"))
    q = connection.ops.quote_name
    return reader.read(
        _one(
            f"SELECT {reader.select_list()}{extra} FROM {q(model._meta.db_table)} m LEFT OUTER JOIN"
            f" {q(Administration._meta.db_table)} a ON m.administration_id = a.id WHERE m.id = %s",
            [pk],
        )
    )


def test_a_row_of_two_tables_gives_the_instances_a_queryset_gives(antigua):
    declaration = Declaration.objects.create(kind="test.kind", administration=antigua, reference="R-ROWS-1")
    (read, administration), rest = _with_administration(Declaration, declaration.pk, extra=", 41 + 1")
    expected = Declaration.objects.select_related("administration").get(pk=declaration.pk)
    assert isinstance(read, Declaration) and isinstance(administration, Administration)
    assert _fields(read) == _fields(expected)
    assert read.created_at.tzinfo is not None  # an aware time, on SQLite too (stored there as text)
    assert _fields(administration) == _fields(expected.administration)
    assert not read._state.adding and read._state.db == connection.alias
    assert rest == [42]
    read.reference = "R-ROWS-2"
    read.save(update_fields=["reference"])  # a saved instance: an UPDATE, not a second row
    assert Declaration.objects.filter(kind="test.kind").count() == 1


def test_json_and_uuid_columns_are_converted_as_the_orm_converts_them():
    task = DBTaskResult.objects.create(
        args_kwargs={"args": [1], "kwargs": {"name": "Café"}},
        task_path="caribclear.cargo.tasks.webhook_task",
        queue_name="default",
        backend_name="default",
        run_after=get_date_max(),
    )
    reader = RowModels.of((DBTaskResult, "t"))
    row = _one(
        f"SELECT {reader.select_list()} FROM {connection.ops.quote_name(DBTaskResult._meta.db_table)} t"
        " WHERE t.id = %s",
        [DBTaskResult._meta.pk.get_db_prep_value(task.pk, connection)],
    )
    (read,), rest = reader.read(row)
    assert rest == []
    assert isinstance(read, DBTaskResult)
    assert _fields(read) == _fields(DBTaskResult.objects.get(pk=task.pk))
    assert read.args_kwargs["kwargs"]["name"] == "Café"


def test_the_far_side_of_an_outer_join_that_found_nothing_is_none():
    operator = User.objects.create(username="ops@rows.example", email="ops@rows.example", role="operator")
    (user, administration), _rest = _with_administration(User, operator.pk)
    assert isinstance(user, User) and user.email == "ops@rows.example"
    assert administration is None
