"""Signed webhooks to a filer's system: every answer (registration, amendment, invalidation, referral,
release, examination) is POSTed as JSON to the filer's URL after commit, signed with HMAC-SHA256 over
``<timestamp>.<body>`` with the filer's secret (``X-CaribClear-Signature: t=<unix time>,v1=<hex>``), so
the receiver can check who sent it and refuse replays. Only public HTTPS addresses are called."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import socket
import time
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 10


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def check_url(url: str) -> None:
    """A webhook URL must be HTTPS to a public address (no loopback, private or link-local address)."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise ValidationError({"webhook_url": _("Give an https:// address.")})
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 443)}
    except (socket.gaierror, UnicodeError):
        raise ValidationError({"webhook_url": _("This host name does not resolve.")}) from None
    for address in addresses:
        ip = ipaddress.ip_address(str(address).split("%")[0])
        if not ip.is_global:
            raise ValidationError({"webhook_url": _("The address must be reachable on the internet.")})


def deliver(*, url: str, secret: str, event: str, payload: dict[str, Any]) -> int | None:
    """POST one event; the HTTP status, or None when it could not be delivered (logged)."""
    body = json.dumps({"event": event, "data": payload}, default=str, sort_keys=True).encode()
    timestamp = int(time.time())
    try:
        check_url(url)
        request = urllib.request.Request(  # noqa: S310 - https only, checked above
            url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "User-Agent": "CaribClear-Webhooks/1",
                "X-CaribClear-Event": event,
                "X-CaribClear-Signature": signature(secret, timestamp, body),
            },
        )
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return int(response.status)
    except Exception as exc:  # a filer's server that fails must not fail the filing
        logger.warning("webhook %s to %s failed: %s", event, url, exc)
        return None
