"""Structured logs: one JSON object per line, each carrying the request it was written for.

`RequestIdFilter` adds the platform's request id (the `X-Request-ID` of the answer, the one the audit
trail and problem JSON carry) and the client's own `X-Request-ID`, when it sent one, to every record
written while a request runs; `JsonFormatter` writes the record and any `extra=` fields as JSON.
`RequestContextMiddleware` writes one `caribclear.access` line per request.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from .context import current_request

# The attributes every LogRecord has; anything else on a record came through `extra=` and is written too.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}


class RequestIdFilter(logging.Filter):
    """Adds `request_id` (and `client_request_id`) of the request being served, if any."""

    def filter(self, record: logging.LogRecord) -> bool:
        info = current_request.get()
        if info is not None and not hasattr(record, "request_id"):
            record.request_id = info.request_id
            if info.client_request_id:
                record.client_request_id = info.client_request_id
        return True


class JsonFormatter(logging.Formatter):
    """`{"time": ..., "level": ..., "logger": ..., "message": ..., <extra fields>}`, one line, UTC time."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)
