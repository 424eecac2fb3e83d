"""The one size limit the readers apply themselves.

Kept here, alone, so that it can give way to the platform's shared upload guard (``core/uploads.py``) once
that exists: callers that already checked the upload pass ``max_bytes=None``.
"""

from __future__ import annotations

from .model import ReadError

#: Largest file a reader accepts by default: a 6,000-passenger PAXLST is about 3 MB, a 10,000-consignment
#: CUSCAR about 15 MB.
MAX_BYTES = 64 * 1024 * 1024


def check_size(data: bytes, max_bytes: int | None = MAX_BYTES) -> None:
    if max_bytes is not None and len(data) > max_bytes:
        raise ReadError("too_large", f"The file has {len(data)} bytes; at most {max_bytes} are read.", None)
    if not data or not data.strip():
        raise ReadError("empty", "The file is empty.", None)
