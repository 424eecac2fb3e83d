"""Issue 15, findings 2 and 6: a crew upload is bounded before it is read; bad files are clear errors."""

from __future__ import annotations

import io
import os
import re
import time
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from caribclear.core.uploads import UploadLimits, UploadRefused, check_xlsx, iter_rows
from caribclear.vessels.imports import UPLOAD_LIMITS, ImportErrors, read_people_file
from caribclear.vessels.models import Person

from .test_imports import CREW_HEADER, CREW_ROWS, csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db


def upload(client, data: bytes, name: str):
    return client.post(
        reverse("vessels:people_upload"),
        {"category": "crew", "file": SimpleUploadedFile(name, data)},
        follow=True,
    )


def rewrite_sheet(data: bytes, change) -> bytes:
    """The same workbook with its first sheet's XML passed through `change` (as an attacker would)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = change(content)
            target.writestr(item.filename, content)
    return out.getvalue()


def two_cells_declared(ref: str) -> bytes:
    workbook = Workbook()
    workbook.active["A1"] = "Family name"
    workbook.active["B2"] = "Doe"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return rewrite_sheet(
        buffer.getvalue(),
        lambda xml: re.sub(rb'<dimension ref="[^"]+"', f'<dimension ref="{ref}"'.encode(), xml),
    )


def measure(action):
    tracemalloc.start()
    started = time.perf_counter()
    try:
        action()
    finally:
        elapsed = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return elapsed, peak


@pytest.mark.parametrize("ref", ["A1:EU1000000", "A1:XFD1", "A1:XFD1048576"])
def test_a_small_workbook_declaring_a_huge_sheet_is_refused_before_parsing(ref):
    data = two_cells_declared(ref)
    assert len(data) < 6_000  # a few kilobytes on the wire

    def read():
        with pytest.raises(ImportErrors) as caught:
            read_people_file(io.BytesIO(data), name="crew.xlsx", category="crew")
        assert "declared" in str(caught.value)

    elapsed, peak = measure(read)
    assert elapsed < 0.5, elapsed
    assert peak < 2 * 1024 * 1024, peak


def lying_sheet(far: bytes) -> bytes:
    """A crew header, no size declaration, and `far` rows appended (as an attacker would write them)."""

    def change(xml: bytes) -> bytes:
        return re.sub(rb"<dimension[^>]*/>", b"", xml).replace(b"</sheetData>", far + b"</sheetData>")

    workbook = Workbook()
    workbook.active.append(CREW_HEADER)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return rewrite_sheet(buffer.getvalue(), change)


def test_a_sheet_that_lies_about_its_width_is_cut_at_the_column_limit():
    data = lying_sheet(b'<row r="2"><c r="XFD2" t="inlineStr"><is><t>far right</t></is></c></row>')
    rows: list = []
    elapsed, peak = measure(lambda: rows.extend(iter_rows(data, "crew.xlsx", UPLOAD_LIMITS)))
    assert rows[0][1][: len(CREW_HEADER)] == CREW_HEADER
    assert all(len(values) <= UPLOAD_LIMITS.max_columns for _n, values in rows)
    assert not any("far" in str(v) for _n, values in rows for v in values)
    assert elapsed < 1 and peak < 5 * 1024 * 1024, (elapsed, peak)


def test_a_sheet_that_lies_about_its_length_stops_at_the_row_limit():
    data = lying_sheet(b'<row r="1000000"><c r="A1000000" t="inlineStr"><is><t>far down</t></is></c></row>')

    def read():
        with pytest.raises(ImportErrors) as caught:
            read_people_file(io.BytesIO(data), name="crew.xlsx", category="crew")
        assert "empty rows" in str(caught.value)

    elapsed, peak = measure(read)
    assert elapsed < 1 and peak < 5 * 1024 * 1024, (elapsed, peak)


def test_a_zip_bomb_is_refused_from_the_zip_directory():
    def padded(xml: bytes) -> bytes:  # 30 MB of blanks that compress to a few kilobytes
        return xml.replace(b"</worksheet>", b" " * (30 * 1024 * 1024) + b"</worksheet>")

    data = rewrite_sheet(xlsx_bytes(CREW_HEADER, CREW_ROWS), padded)
    assert len(data) < 200_000
    with pytest.raises(UploadRefused) as caught:
        check_xlsx(data, UPLOAD_LIMITS)
    assert "unpacks to more than" in caught.value.message
    ratio_only = UploadLimits(max_uncompressed_bytes=100 * 1024 * 1024)
    with pytest.raises(UploadRefused):
        check_xlsx(data, ratio_only)


def test_random_bytes_as_a_crew_csv_are_a_clear_error_not_a_500(operator, client_for):
    client = client_for(operator)
    for seed in range(5):
        noise = os.urandom(4096) if seed else bytes(range(256)) * 8
        response = upload(client, noise, "crew.csv")
        assert response.status_code == 200
        assert "not a text (CSV) file" in response.content.decode()
    assert not Person.objects.exists()


def test_a_csv_field_of_one_and_a_half_megabytes_is_a_clear_error_not_a_500(operator, client_for):
    rows = [list(CREW_ROWS[0])]
    rows[0][1] = "A" * 1_500_000
    response = upload(client_for(operator), csv_bytes(CREW_HEADER, rows), "crew.csv")
    assert response.status_code == 200
    assert "cannot be read as CSV" in response.content.decode() or "longer than" in response.content.decode()
    rows[0][1] = "A" * 5_000  # under the csv module's own limit: our cell limit speaks
    response = upload(client_for(operator), csv_bytes(CREW_HEADER, rows), "crew.csv")
    assert "a cell longer than 500 characters" in response.content.decode()
    assert not Person.objects.exists()


def test_rows_are_streamed_and_reading_stops_past_the_limit():
    body = b"".join(b"D%d,F\n" % n for n in range(150_000))  # 1.3 MB, 150,000 rows

    def read():
        with pytest.raises(ImportErrors) as caught:
            read_people_file(io.BytesIO(b"Family name,Gender\n" + body), name="crew.csv", category="crew")
        assert "more than 500 people" in str(caught.value)

    elapsed, _peak = measure(read)
    assert elapsed < 1, elapsed


def test_a_file_over_the_byte_limit_is_refused_without_reading_it_all():
    class Endless(io.RawIOBase):
        served = 0

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:
            buffer[: len(buffer)] = b"x" * len(buffer)
            self.served += len(buffer)
            return len(buffer)

    stream = Endless()
    with pytest.raises(ImportErrors) as caught:
        read_people_file(io.BufferedReader(stream), name="crew.csv", category="crew")
    assert "larger than 2 MB" in str(caught.value)
    assert stream.served < 3 * 1024 * 1024
