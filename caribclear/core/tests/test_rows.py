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


def test_a_row_of_two_tables_gives_the_instances_a_queryset_gives(antigua):
    declaration = Declaration.objects.create(kind="test.kind", administration=antigua, reference="R-ROWS-1")
    reader = RowModels.of((Declaration, "d"), (Administration, "a"))
    q = connection.ops.quote_name
    row = _one(
        f"SELECT {reader.select_list()}, 41 + 1 FROM {q(Declaration._meta.db_table)} d"
        f" INNER JOIN {q(Administration._meta.db_table)} a ON d.administration_id = a.id WHERE d.id = %s",
        [declaration.pk],
    )
    (read, administration), rest = reader.read(row)
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
    reader = RowModels.of((User, "u"), (Administration, "a"))
    q = connection.ops.quote_name
    row = _one(
        f"SELECT {reader.select_list()} FROM {q(User._meta.db_table)} u"
        f" LEFT OUTER JOIN {q(Administration._meta.db_table)} a ON u.administration_id = a.id WHERE u.id = %s",
        [operator.pk],
    )
    (user, administration), _rest = reader.read(row)
    assert isinstance(user, User) and user.email == "ops@rows.example"
    assert administration is None
