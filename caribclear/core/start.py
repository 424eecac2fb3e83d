"""Where a signed-in operator starts: the portal of the work they file.

A yacht operator starts on My voyages (the default). An app whose operators file something else (a cargo
filer's manifests, a carrier's passenger lists) registers a test and its page in its `AppConfig.ready`;
the first registered test an account passes decides its start page. `core` names no app: the pages are
URL names the apps give.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

DEFAULT_OPERATOR_START = "clearance:home"

_starts: list[tuple[Callable[[Any], bool], str]] = []


def register_start(test: Callable[[Any], bool], url_name: str) -> None:
    """An operator for whom `test(user)` is true starts on `url_name`."""
    if (test, url_name) not in _starts:
        _starts.append((test, url_name))


def operator_start(user: Any) -> str:
    """The URL name of the operator's start page."""
    for test, url_name in _starts:
        if test(user):
            return url_name
    return DEFAULT_OPERATOR_START
