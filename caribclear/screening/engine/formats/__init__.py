"""Readers of watchlist and query files. Each returns engine :class:`~..model.Entity` records.

=========  ==========================================================================================
format     file
=========  ==========================================================================================
``ftm``    OpenSanctions / FollowTheMoney JSON lines (``entities.ftm.json``)
``ofac``   OFAC SDN legacy CSV (``sdn.csv``; ``alt.csv`` and ``add.csv`` are read from beside it)
``un``     UN Security Council consolidated list XML
``csl``    US Consolidated Screening List CSV
``csv``    an administration's own lookouts (see :mod:`.lookouts` for the columns)
=========  ==========================================================================================
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from pathlib import Path

from ..errors import InputError
from ..model import Entity, ListInfo
from .csl import read_csl
from .ftm import iter_ftm, read_ftm
from .lookouts import iter_lookouts, read_lookouts
from .ofac import read_ofac
from .un import read_un

FORMATS: dict[str, Callable[[Path], tuple[ListInfo, list[Entity]]]] = {
    "ftm": read_ftm,
    "ofac": read_ofac,
    "un": read_un,
    "csl": read_csl,
    "csv": read_lookouts,
}

__all__ = ["FORMATS", "detect_format", "iter_queries", "read_watchlist"]


def detect_format(path: Path) -> str:
    """Guess a list's format from its first bytes."""
    if not path.exists():
        raise InputError(path, "file not found")
    if not path.is_file():
        raise InputError(path, "not a file")
    with path.open("rb") as fh:
        head = fh.read(8192).decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if not head:
        raise InputError(path, "the file is empty")
    if head.startswith("{"):
        return "ftm"
    if head.startswith("<"):
        return "un"
    first = next(csv.reader(io.StringIO(head.splitlines()[0])), [])
    header = [c.strip().lower() for c in first]
    if "entity_number" in header and "source" in header:
        return "csl"
    if "id" in header and "name" in header:
        return "csv"
    if len(first) == 12 and first[0].strip().isdigit():
        return "ofac"
    raise InputError(
        path,
        "cannot tell the format (expected FollowTheMoney JSON lines, OFAC SDN CSV, UN XML, "
        "CSL CSV or a CSV with id,name columns); name it with the format option",
    )


def read_watchlist(path: Path, fmt: str | None = None) -> tuple[ListInfo, list[Entity]]:
    """Read a watchlist in ``fmt`` (one of :data:`FORMATS`), detected from the content when not given."""
    fmt = fmt or detect_format(path)
    reader = FORMATS.get(fmt)
    if reader is None:
        raise InputError(path, f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    return reader(path)


def iter_queries(path: Path) -> Iterator[Entity]:
    """Queries from FTM JSON lines or a CSV with ``id,name,birth_date,nationality,gender`` columns."""
    fmt = detect_format(path)
    if fmt == "ftm":
        for entity in iter_ftm(path):
            if entity is not None:
                yield entity
    elif fmt == "csv":
        yield from iter_lookouts(path)
    else:
        raise InputError(
            path, f"queries must be FollowTheMoney JSON lines or a CSV with id,name columns, not {fmt}"
        )
