"""Searches for people kept out of URLs (issue 15, finding 9).

A name or a passport number typed into a search must not end up in a URL: URLs are written to every web
server's and proxy's access log, the browser's history and the Referer header of the next request. A page
whose search takes personal data posts its form; the view keeps what was asked in the session under a
short random id and redirects to `?search=<id>` (post, redirect, get: back, reload and paging work, and
the link is useless to anyone else, since the terms live in that session only). Filters that are not
personal (status, dates, port) may still come in the URL, so links to a filtered list keep working; the
personal fields are never read from it.

    data = search_data(request, scope="officer.queue", personal=("person",))
    ...
    search_id = search_save(request, scope="officer.queue", data=request.POST)
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from django.http import HttpRequest, QueryDict

SESSION_KEY = "saved_searches"
SEARCH_PARAM = "search"
KEPT_PER_SCOPE = 20  # the newest searches of each page; older ids then show the unfiltered list
MAX_VALUE_LENGTH = 200  # a search field longer than this is cut (the forms' own limits are shorter)
IGNORED = frozenset({"csrfmiddlewaretoken", "page", SEARCH_PARAM})


def _values(data: Mapping[str, Any], name: str) -> list[str]:
    getlist = getattr(data, "getlist", None)
    values = getlist(name) if getlist is not None else [data[name]]
    return [str(v)[:MAX_VALUE_LENGTH] for v in values if v is not None][:20]


def search_save(request: HttpRequest, *, scope: str, data: Mapping[str, Any]) -> str:
    """Keep a search's fields in the session; the id to put in the URL instead of them."""
    saved = {name: _values(data, name) for name in data if name not in IGNORED}
    searches: dict[str, dict[str, Any]] = dict(request.session.get(SESSION_KEY) or {})
    mine = dict(searches.get(scope) or {})
    search_id = secrets.token_urlsafe(9)
    mine[search_id] = saved
    for old in list(mine)[: max(0, len(mine) - KEPT_PER_SCOPE)]:
        del mine[old]
    searches[scope] = mine
    request.session[SESSION_KEY] = searches
    return search_id


def saved_search(request: HttpRequest, *, scope: str) -> dict[str, list[str]] | None:
    """The fields of the search the URL names (`?search=<id>`), if this session saved it."""
    search_id = request.GET.get(SEARCH_PARAM, "")
    if not search_id:
        return None
    saved = (request.session.get(SESSION_KEY) or {}).get(scope, {}).get(search_id)
    return dict(saved) if isinstance(saved, dict) else None


def search_data(request: HttpRequest, *, scope: str, personal: Iterable[str]) -> QueryDict:
    """What the page filters by: the URL's filters without the personal fields, then the saved search the
    URL names on top."""
    data = request.GET.copy()
    for name in (*personal, SEARCH_PARAM):
        data.pop(name, None)
    for name, values in (saved_search(request, scope=scope) or {}).items():
        data.setlist(name, values)
    return data


def url_query(request: HttpRequest, *, personal: Iterable[str], **replace: str) -> QueryDict:
    """The current URL's query without the page number and any personal field (links to other pages and
    tabs of the same search), with `replace` set."""
    query = request.GET.copy()
    for name in (*personal, "page"):
        query.pop(name, None)
    for name, value in replace.items():
        if value:
            query[name] = value
        else:
            query.pop(name, None)
    return query
