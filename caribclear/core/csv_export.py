"""The one CSV writer of every export: no cell can start a spreadsheet formula.

A cell that a spreadsheet would read as a formula (it starts with `=`, `+`, `-` or `@`, possibly after
spaces or line breaks, or it starts with a tab or a carriage return, which some spreadsheets skip) is
written with a leading apostrophe, which spreadsheets show as text. Numbers stay numbers: an int, a
float or a Decimal cannot carry a formula. Everything else is turned into text first, so a value of
any type is neutralised the same way (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Protocol

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@")
CONTROL_STARTS = ("\t", "\r", "\n")


class _Writable(Protocol):
    def write(self, s: str, /) -> Any: ...


def neutralise(value: Any) -> Any:
    """The cell as it is safe to write: a number unchanged, anything else as text, with an apostrophe
    in front if a spreadsheet would otherwise evaluate it."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return value
    text = "" if value is None else str(value)
    if text.startswith(CONTROL_STARTS) or text.lstrip(" \t\r\n").startswith(FORMULA_STARTS):
        return "'" + text
    return text


class SafeCsvWriter:
    """`csv.writer` with every cell of every row neutralised."""

    def __init__(self, stream: _Writable, **fmtparams: Any) -> None:
        self._writer = csv.writer(stream, **fmtparams)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream: _Writable, **fmtparams: Any) -> SafeCsvWriter:
    return SafeCsvWriter(stream, **fmtparams)


def csv_response(filename: str) -> tuple[HttpResponse, SafeCsvWriter]:
    """An attachment response and the writer that fills it."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response, SafeCsvWriter(response)
