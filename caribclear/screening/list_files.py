"""Uploaded watchlist files, guarded before the engine reads them (`core.uploads`).

A list file is too large to hold in memory the way a crew list is, so it is streamed to a temporary
directory and refused as soon as it passes its format's byte limit; its first bytes must be text (CSV,
JSON lines, XML: a binary file is refused), and an XML file must declare no document type or entities
(the UN reader builds the whole tree in memory, so its limit is the tightest). Each refusal names the
field of the form it concerns.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

from caribclear.core.uploads import UploadRefused, check_text_head, check_xml_head, save_upload

from .choices import SourceFormat

MB = 1024 * 1024

# The largest file of each format accepted through the web form. The published lists are far smaller
# (UN consolidated list about 2 MB, OFAC sdn.csv about 5 MB, the US CSL about 20 MB); a larger
# FollowTheMoney export is imported with `manage.py import_watchlist`.
DEFAULT_LIMITS: dict[str, int] = {
    SourceFormat.UN: 50 * MB,
    SourceFormat.OFAC: 50 * MB,
    SourceFormat.CSL: 100 * MB,
    SourceFormat.CSV: 50 * MB,
    SourceFormat.FTM: 200 * MB,
}


def max_bytes_for(fmt: str) -> int:
    limits = {**DEFAULT_LIMITS, **getattr(settings, "CARIBCLEAR_WATCHLIST_MAX_BYTES", {})}
    return limits.get(fmt, 50 * MB)


def save_list_files(directory: Path, fmt: str, files: dict[str, Any]) -> tuple[Path, str]:
    """Write the uploaded files where the engine's reader expects them, each checked; return the list
    file's path and its name as sent. Raises `ValidationError` naming the form field of the file refused."""
    main = files["file"]
    assert main is not None
    if fmt == SourceFormat.OFAC:
        names = {"file": "sdn.csv", "alt_file": "alt.csv", "add_file": "add.csv"}
    else:
        names = {"file": "list" + Path(main.name or "").suffix.lower()[:10]}
    for key, target in names.items():
        upload = files.get(key)
        if upload is None:
            continue
        try:
            head = save_upload(upload, directory / target, max_bytes=max_bytes_for(fmt))
            if fmt == SourceFormat.UN:
                check_xml_head(head)
            else:
                check_text_head(head)
        except UploadRefused as refused:
            raise ValidationError({key: refused.message}) from None
    return directory / names["file"], main.name or names["file"]
