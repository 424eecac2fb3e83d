"""The address a request came from, read from a trusted proxy's header when one is configured.

Behind a reverse proxy every request arrives from the proxy's address. Set
`CARIBCLEAR_TRUSTED_PROXY_HEADER` (for example `X-Forwarded-For`) and `CARIBCLEAR_TRUSTED_PROXY_COUNT`
(how many proxies of yours stand in front of the application, default 1): the client is the address the
outermost of them saw, counted from the right of the header, since everything to its left was written by
the client and may be invented. Without the setting, the header is ignored and `REMOTE_ADDR` is used.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(candidate: str) -> str:
    candidate = candidate.strip()
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return ""


def client_ip(request: HttpRequest) -> str:
    remote = _valid(request.META.get("REMOTE_ADDR", "") or "")
    header = getattr(settings, "CARIBCLEAR_TRUSTED_PROXY_HEADER", "")
    count = getattr(settings, "CARIBCLEAR_TRUSTED_PROXY_COUNT", 1)
    if not header or count < 1:
        return remote
    value = request.headers.get(header, "")
    hops = [hop for hop in (part.strip() for part in value.split(",")) if hop]
    if len(hops) < count:
        # Fewer entries than proxies: the request did not pass through all of them; trust nothing in it.
        return remote
    return _valid(hops[-count]) or remote


def axes_client_ip(request: HttpRequest) -> str:
    """AXES_CLIENT_IP_CALLABLE: the lock-out counts addresses the same way as the audit trail."""
    return client_ip(request)
