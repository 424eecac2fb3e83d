"""The one reader of every table file the platform is sent (crew lists, watchlists, manifests...).

Every bound is checked before the expensive step it protects:

- bytes: at most `max_bytes` are read from the upload, never the whole stream first;
- XLSX: before openpyxl parses anything, the zip directory is checked (the sum of the members'
  uncompressed sizes and each member's compression ratio: a zip bomb is refused) and each worksheet's
  declared `<dimension ref="A1:EU1000000">` is read from its first bytes (a sheet declaring a million
  rows or 16,384 columns is refused in milliseconds);
- rows are streamed (openpyxl read-only mode, `csv.reader`), empty rows skipped, and reading stops
  past `max_rows` rows with content or `max_blank_rows` empty ones;
  openpyxl is also told the largest row and column to return, so a sheet whose declaration lies costs
  no more than one within the limits;
- cells: longer than `max_cell_chars` is refused (also the csv module's own field limit is caught);
- text: bytes that are neither UTF-8 nor Windows-1252, or that hold control characters (a binary
  file called .csv), are refused with a clear error.

Files too large to hold in memory (watchlists: a sanctions list is tens of megabytes) are streamed to disk
by `save_upload`, which stops at its byte limit, and checked from their first bytes by `check_text_head`
(text, not binary) and `check_xml_head` (no DOCTYPE or entity declarations: no entity expansion, no
external entities) before any reader parses them.

Every refusal is an `UploadRefused` with a translated message for the person who sent the file.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _


class UploadRefused(Exception):
    """The file is refused as a whole; `message` says why, for the person who sent it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TooManyRows(UploadRefused):
    """More rows with content than `limit`: callers may word it for what the rows are (people, entries)."""

    def __init__(self, message: str, *, limit: int) -> None:
        super().__init__(message)
        self.limit = limit


@dataclass(frozen=True)
class UploadLimits:
    max_bytes: int = 2 * 1024 * 1024
    max_rows: int = 1_000  # rows with content, the header included (empty rows are skipped) ...
    max_blank_rows: int = 100  # ... and at most this many empty rows among them
    max_columns: int = 100
    max_cell_chars: int = 1_000
    max_uncompressed_bytes: int = 50 * 1024 * 1024  # XLSX: all members of the zip together
    max_compression_ratio: int = 100  # XLSX: for any member larger than 1 MB uncompressed


Row = tuple[int, list[Any]]  # (row number as the spreadsheet shows it, cell values)

_CELL_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d{1,7})$")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([^\"]+)\"")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def read_upload(upload: IO[bytes], limits: UploadLimits) -> bytes:
    """The file's bytes, read no further than one byte past the limit."""
    data = upload.read(limits.max_bytes + 1)
    if len(data) > limits.max_bytes:
        raise UploadRefused(
            _("The file is larger than %(size)s. Split it into smaller files.")
            % {"size": _human_size(limits.max_bytes)}
        )
    return data


HEAD_BYTES = 64 * 1024  # what `check_text_head` and `check_xml_head` look at


def save_upload(upload: Any, target: Path, *, max_bytes: int) -> bytes:
    """Stream an uploaded file (Django's `UploadedFile`, or any binary stream) to `target`, refusing it as
    soon as it passes `max_bytes` (the partial file is removed). Returns its first `HEAD_BYTES` bytes."""
    chunks = upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(1024 * 1024), b"")
    written = 0
    head = b""
    try:
        with target.open("wb") as fh:
            for chunk in chunks:
                written += len(chunk)
                if written > max_bytes:
                    raise UploadRefused(
                        _("The file is larger than %(size)s. Split it into smaller files.")
                        % {"size": _human_size(max_bytes)}
                    )
                if len(head) < HEAD_BYTES:
                    head += chunk[: HEAD_BYTES - len(head)]
                fh.write(chunk)
    except UploadRefused:
        target.unlink(missing_ok=True)
        raise
    if not head.strip():
        raise UploadRefused(_("The file is empty."))
    return head


def check_text_head(head: bytes) -> None:
    """The start of a text file (CSV, JSON lines, XML): refused if it is binary (a zip, a picture, random
    bytes) rather than UTF-8 or Windows-1252 text, so no reader is handed it."""
    refused = UploadRefused(_("This file is not a text file we can read (CSV, XML or JSON lines)."))
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        try:
            # The sample may end inside a character; otherwise it may be Windows-1252 (old OFAC files).
            whole = error.start >= len(head) - 3
            text = head[: error.start].decode("utf-8-sig") if whole else head.decode("cp1252")
        except UnicodeDecodeError:
            raise refused from None
    if _CONTROL.search(text):
        raise refused


_XML_DECLARATIONS = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_XML_ROOT = re.compile(rb"<[A-Za-z_]")  # the first element's start tag (not <?xml, <!-- or <!DOCTYPE)


def check_xml_head(head: bytes) -> None:
    """An XML file we parse must declare no document type or entities: those are how an XML file expands
    to gigabytes (nested entities) or makes the parser read other files (external entities). The lists
    we read never use them. Declarations can only come before the root element, so the head suffices."""
    check_text_head(head)
    root = _XML_ROOT.search(head)
    if _XML_DECLARATIONS.search(head[: root.start()] if root else head):
        raise UploadRefused(
            _("This XML file declares a document type or entities, which lists never need: it is refused.")
        )
    if root is None:
        raise UploadRefused(_("This file does not start as an XML document."))


def is_xlsx(data: bytes, name: str) -> bool:
    return name.lower().endswith(".xlsx") or data[:4] == b"PK\x03\x04"


def iter_rows(data: bytes, name: str, limits: UploadLimits) -> Iterator[Row]:
    """Rows of a CSV or XLSX file (by name, or by content for a zip), checked and streamed."""
    if is_xlsx(data, name):
        return iter_xlsx_rows(data, limits)
    return iter_csv_rows(data, limits)


# --- CSV ----------------------------------------------------------------------------------------------


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252; refused if neither, or if it holds control
    characters (a binary file is not a text table)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise UploadRefused(
                _("This file is not a text (CSV) file we can read: save it as CSV UTF-8 or as .xlsx.")
            ) from None
    if _CONTROL.search(text):
        raise UploadRefused(
            _("This file is not a text (CSV) file we can read: save it as CSV UTF-8 or as .xlsx.")
        )
    return text


def iter_csv_rows(data: bytes, limits: UploadLimits, *, delimiters: str = ",;\t") -> Iterator[Row]:
    text = decode_text(data)
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=delimiters)
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    return _bounded(_csv_rows(reader), limits)


def _csv_rows(reader: Any) -> Iterator[Row]:
    number = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            # The csv module's own limits (a field over 128 KiB, a NUL byte, an unclosed quote at the end).
            raise UploadRefused(
                _("Line %(line)s of the file cannot be read as CSV: %(reason)s")
                % {"line": reader.line_num, "reason": str(error)}
            ) from None
        number += 1
        yield number, row


# --- XLSX ---------------------------------------------------------------------------------------------


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + (ord(letter) - ord("A") + 1)
    return number


def declared_size(ref: str) -> tuple[int, int] | None:
    """(rows, columns) of a `<dimension ref>` such as `A1:EU1000000`; None if it cannot be read."""
    corners = ref.upper().split(":")
    parsed = [_CELL_REF.match(corner) for corner in corners]
    if not parsed or len(parsed) > 2 or not all(parsed):
        return None
    rows = [int(m.group(2)) for m in parsed if m]
    columns = [_column_number(m.group(1)) for m in parsed if m]
    return max(rows), max(columns)


def check_xlsx(data: bytes, limits: UploadLimits) -> None:
    """Refuses a workbook whose zip or declared sheet size is over the limits, without parsing it."""
    not_a_workbook = _("This file could not be read as an Excel workbook (.xlsx).")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise UploadRefused(not_a_workbook) from None
    with archive:
        members = archive.infolist()
        total = sum(member.file_size for member in members)
        too_big = _("The workbook unpacks to more than %(size)s. Split the list or save it as CSV.") % {
            "size": _human_size(limits.max_uncompressed_bytes)
        }
        if total > limits.max_uncompressed_bytes:
            raise UploadRefused(too_big)
        for member in members:
            if member.file_size > 1024 * 1024 and member.file_size > limits.max_compression_ratio * max(
                member.compress_size, 1
            ):
                raise UploadRefused(too_big)
        sheets = [m for m in members if re.fullmatch(r"xl/worksheets/[^/]+\.xml", m.filename)]
        if not sheets:
            raise UploadRefused(not_a_workbook)
        for sheet in sheets:
            try:
                with archive.open(sheet) as stream:
                    head = stream.read(16 * 1024)
            except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
                raise UploadRefused(not_a_workbook) from None
            match = _DIMENSION.search(head)
            size = declared_size(match.group(1).decode("ascii", "replace")) if match else None
            if size is None:
                continue  # no declaration: the streaming bounds below still apply
            rows, columns = size
            if rows > limits.max_rows + limits.max_blank_rows or columns > limits.max_columns:
                raise UploadRefused(
                    _(
                        "The sheet is declared %(rows)s rows by %(columns)s columns; at most %(max_rows)s "
                        "rows and %(max_columns)s columns can be read. Delete the unused rows and columns "
                        "or save the list as CSV."
                    )
                    % {
                        "rows": rows,
                        "columns": columns,
                        "max_rows": limits.max_rows + limits.max_blank_rows,
                        "max_columns": limits.max_columns,
                    }
                )


def iter_xlsx_rows(data: bytes, limits: UploadLimits) -> Iterator[Row]:
    check_xlsx(data, limits)
    return _bounded(_xlsx_rows(data, limits), limits)


def _xlsx_rows(data: bytes, limits: UploadLimits) -> Iterator[Row]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise UploadRefused(_("This file could not be read as an Excel workbook (.xlsx).")) from None
    try:
        if not workbook.worksheets:
            raise UploadRefused(_("This file could not be read as an Excel workbook (.xlsx)."))
        sheet = workbook.worksheets[0]
        # One row past the limit so that _bounded can tell "too many" from "exactly the limit"; columns
        # past the limit are cut off by openpyxl itself, whatever the sheet declares or holds.
        rows = sheet.iter_rows(
            min_row=1,
            max_row=limits.max_rows + limits.max_blank_rows + 1,
            max_col=limits.max_columns,
            values_only=True,
        )
        for number, row in enumerate(rows, start=1):
            yield number, list(row)
    except UploadRefused:
        raise
    except Exception:
        raise UploadRefused(_("This file could not be read as an Excel workbook (.xlsx).")) from None
    finally:
        workbook.close()


# --- Both ---------------------------------------------------------------------------------------------


def _is_blank(values: list[Any]) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in values)


def _bounded(rows: Iterator[Row], limits: UploadLimits) -> Iterator[Row]:
    """Yields the rows with content; refuses the file as soon as a limit is passed."""
    count = blanks = 0
    for number, values in rows:
        if _is_blank(values):
            blanks += 1
            if blanks > limits.max_blank_rows:
                raise UploadRefused(
                    _("The file has more than %(max)s empty rows; delete them and send it again.")
                    % {"max": limits.max_blank_rows}
                )
            continue
        count += 1
        if count > limits.max_rows:
            raise TooManyRows(
                _("The file has more than %(max)s rows; send at most %(max)s at a time.")
                % {"max": limits.max_rows},
                limit=limits.max_rows,
            )
        if len(values) > limits.max_columns:
            raise UploadRefused(
                _("Row %(row)s has more than %(max)s columns.") % {"row": number, "max": limits.max_columns}
            )
        for value in values:
            if isinstance(value, str) and len(value) > limits.max_cell_chars:
                raise UploadRefused(
                    _("Row %(row)s has a cell longer than %(max)s characters.")
                    % {"row": number, "max": limits.max_cell_chars}
                )
        yield number, values


def _human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} MB"
    return f"{size / 1024:g} KB"
