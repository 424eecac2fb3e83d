"""Manifest readers: CUSCAR, IFCSUM (UN/EDIFACT), ASYCUDA World AWMDS, IATA Cargo-XML XFWB/XFZB/XFFM.

``read_manifest(data, format="auto")`` is the entry point the cargo app and the ``import_manifest``
command use; it never raises on bad input: the result carries the errors, each with where it was found.
"""

from __future__ import annotations

from pathlib import Path

from caribclear.edifact.detect import detect_format
from caribclear.edifact.gcpause import collector_paused
from caribclear.edifact.limits import MAX_BYTES, check_size
from caribclear.edifact.model import Issue, ReadError, Where, issue_for
from caribclear.edifact.reader import read_interchanges

from .awmds import NoCustomsOffice, read_awmds, validate_awmds, write_awmds
from .cargoxml import READERS as XML_READERS
from .cuscar import read_cargo_edifact
from .model import Consignment, Container, Conveyance, GoodsItem, Manifest, ManifestResult, Party, PortCall
from .table import Record, read_records, read_table, template_rows
from .xmltree import parse_xml

FORMATS = ("auto", "cuscar", "ifcsum", "awmds", "xfwb", "xfzb", "xffm")

__all__ = [
    "FORMATS",
    "Consignment",
    "Container",
    "Conveyance",
    "GoodsItem",
    "Manifest",
    "ManifestResult",
    "NoCustomsOffice",
    "Party",
    "PortCall",
    "Record",
    "read_manifest",
    "read_records",
    "read_table",
    "template_rows",
    "validate_awmds",
    "write_awmds",
]


def _read_manifest(
    data: bytes,
    format: str = "auto",
    *,
    awmds_schema: str | Path | None = None,
    max_bytes: int | None = MAX_BYTES,
) -> ManifestResult:
    """Read a cargo manifest file. ``awmds_schema``: UNCTAD's AWMDS XSD, to validate AWMDS files against."""
    fmt = format.lower()
    if fmt not in FORMATS:
        result = ManifestResult(format=fmt)
        result.errors.append(
            Issue("format", f"Unknown format {format!r}; one of {', '.join(FORMATS)}.", Where())
        )
        return result
    try:
        check_size(data, max_bytes)
        if fmt == "auto":
            fmt = detect_format(data, family="cargo")
        if fmt in ("cuscar", "ifcsum"):
            return read_cargo_edifact(read_interchanges(data, max_bytes=None), fmt)
        if fmt in ("awmds", *XML_READERS):
            result = ManifestResult(format=fmt)
            root = parse_xml(data)
            if fmt == "awmds":
                if root.tag != "Awmds":
                    raise ReadError(
                        "xml_root", f"An AWMDS file begins with <Awmds>, not <{root.tag}>.", root.where()
                    )
                result.errors.extend(validate_awmds(data, awmds_schema))
                read_awmds(root, result)
            else:
                XML_READERS[fmt](root, result)
            return result
        if fmt in ("csv", "xlsx"):
            raise ReadError(
                "format",
                f"A {fmt.upper()} manifest is read from its rows (read_table): the caller reads the table.",
                Where(line=1),
            )
        raise ReadError("format", f"This looks like a {fmt} file, not a cargo manifest.", Where(line=1))
    except Exception as exc:  # a ReadError says why; anything else must not become a 500 either
        result = ManifestResult(format=fmt)
        result.errors.append(issue_for(exc))
        return result


def read_manifest(
    data: bytes,
    format: str = "auto",
    *,
    awmds_schema: str | Path | None = None,
    max_bytes: int | None = MAX_BYTES,
) -> ManifestResult:
    """Read a cargo manifest file. ``awmds_schema``: UNCTAD's AWMDS XSD, to validate AWMDS files against.

    Never raises on bad input: the result's ``errors`` say why a file is rejected, each with where."""
    with collector_paused():
        return _read_manifest(data, format, awmds_schema=awmds_schema, max_bytes=max_bytes)
