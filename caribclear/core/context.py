"""The request a piece of code runs for, so services can audit without being handed the request."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestInfo:
    request_id: str
    ip: str
    user_agent: str
    method: str
    path: str


current_request: contextvars.ContextVar[RequestInfo | None] = contextvars.ContextVar(
    "caribclear_current_request", default=None
)
