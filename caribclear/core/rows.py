"""Model instances made from a row of a statement written once, as the ORM makes them.

A few reads run on every request or check-in (an API token with its account, an operator's cargo filer, the
flight's list a check-in locks). Building their query through the ORM each time cost several times what
running it costs, so each is written once per process and run as a plain statement. What the ORM would
still do for such a row is here: apply the database's converters to each column (the backend's, then the
field's: dates from SQLite's text, decimals, JSON) and make each model's instance with ``from_db``, so the
instances are the ones a queryset would have given (``_state.adding`` false, ``refresh_from_db`` and
``save(update_fields=...)`` working).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection
from django.db.models import Model
from django.db.models.expressions import Col

_Converter = Callable[[Any, Any, Any], Any]


class RowModels:
    """The columns of one or more models side by side in a statement, in order, and the instances made of a
    row of it. Columns after the models' (a count, say) are left to the caller: ``read`` returns them."""

    def __init__(self, parts: Sequence[tuple[type[Model], Sequence[Col]]]) -> None:
        self._parts: list[tuple[type[Model], int, int, list[str], int]] = []
        self._cols: list[Col] = []
        for model, cols in parts:
            start = len(self._cols)
            self._cols.extend(cols)
            names = [col.target.attname for col in cols]
            pk_at = names.index(model._meta.pk.attname)
            self._parts.append((model, start, len(self._cols), names, pk_at))
        self._converters: dict[str, list[tuple[int, Col, list[_Converter]]]] = {}

    @classmethod
    def of(cls, *models: tuple[type[Model], str]) -> RowModels:
        """Every concrete field of each model, read from the table under the alias given with it."""
        return cls(
            [(model, [f.get_col(alias) for f in model._meta.concrete_fields]) for model, alias in models]
        )

    @property
    def width(self) -> int:
        """How many columns the models take at the start of a row."""
        return len(self._cols)

    def select_list(self) -> str:
        """The models' columns for a SELECT, ``alias.column`` each, quoted for this database."""
        q = connection.ops.quote_name
        return ", ".join(f"{col.alias}.{q(col.target.column)}" for col in self._cols)

    def _for(self, vendor: str) -> list[tuple[int, Col, list[_Converter]]]:
        found = self._converters.get(vendor)
        if found is None:
            found = []
            for n, col in enumerate(self._cols):
                functions = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
                if functions:
                    found.append((n, col, functions))
            self._converters[vendor] = found
        return found

    def read(self, row: Sequence[Any]) -> tuple[list[Model | None], list[Any]]:
        """Each model's instance made of the row (None for a model whose primary key is NULL: the far side
        of an outer join that found nothing), and the columns after the models', as read."""
        values = list(row[: self.width])
        for n, col, functions in self._for(connection.vendor):
            for function in functions:
                values[n] = function(values[n], col, connection)
        instances: list[Model | None] = []
        for model, start, end, names, pk_at in self._parts:
            part = values[start:end]
            instances.append(None if part[pk_at] is None else model.from_db(connection.alias, names, part))
        return instances, list(row[self.width :])
