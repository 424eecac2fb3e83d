"""The API kit every app's `api.py` builds on: shared field types, the problem schema, paging, and the
OpenAPI document's common parts (error responses and the Idempotency-Key header), written once.

- Types: `Id` (a database id: 1 to 2**63-1), `Text(n)` / `ShortText` / `LongText` (bounded, no NUL
  characters: `NoNul`), `Reference` (a reference code such as K7PM-4QXB, typed in any case, with or without dash),
  `Date` and `DateTime` (ISO 8601 text only, years 1900 to 2100: `0` or `9999-12-31` is a 422, not 1970-01-01
  or an overflow later).
- Paging: `LimitOffset`, django-ninja's limit/offset paginator with bounded `limit` and `offset` (a huge
  offset is a 422 problem, not a database overflow); use `@paginate(LimitOffset)` and return a queryset,
  or `Mapped(queryset, fn)` when each page must be turned into answers after slicing.
- `ProblemApi`: the NinjaAPI whose OpenAPI document lists, on every operation, the problem JSON responses
  it may give (401, 404, 422; 400 and 409 on POST) and declares `Idempotency-Key` on every POST (the
  header `core.idempotency.IdempotencyMiddleware` requires). An operation adds its own codes with
  `response={..., 409: Problem}`.

Authentication by role is declared on each router with the auth classes of `accounts.api_auth`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from typing import Annotated, Any, Generic, TypeVar

from django.db.models import QuerySet
from ninja import Field, NinjaAPI, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import AfterValidator, BeforeValidator, ConfigDict

from .problems import PROBLEM_CONTENT_TYPE

MAX_ID = 2**63 - 1  # the largest value of a 64-bit primary key
MAX_LIMIT = 200  # the most items one page may hold
MAX_OFFSET = 1_000_000  # deeper than anyone pages; bounded so the database never sees an overflowing number


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


#: Refuses NUL characters, which no database stores: `Annotated[str, Field(max_length=n), NoNul]`.
NoNul = AfterValidator(_no_nul)

Id = Annotated[int, Field(ge=1, le=MAX_ID, description="A record's id")]

# Dates a caller sends: the years people mean (as `core.forms.BoundedDateField`); pydantic alone would
# take the number 0 as 1970-01-01 and 9999-12-31 as a date whose "day after" overflows.
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)


def _iso_text(value: Any) -> Any:
    """Dates and times come as ISO 8601 text (or, from Python callers, as date objects): a number is refused
    rather than read as seconds since 1970."""
    if isinstance(value, bool | int | float) or (
        isinstance(value, str) and value.strip().lstrip("+-").isdigit()
    ):
        raise ValueError("must be an ISO 8601 date (YYYY-MM-DD) or time, not a number")
    return value


def _in_years(value: dt.date) -> dt.date:
    day = value.date() if isinstance(value, dt.datetime) else value
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValueError("must be between 1900-01-01 and 2100-12-31")
    return value


Date = Annotated[
    dt.date,
    BeforeValidator(_iso_text),
    AfterValidator(_in_years),
    Field(description="An ISO 8601 date (YYYY-MM-DD) between 1900-01-01 and 2100-12-31"),
]
DateTime = Annotated[
    dt.datetime,
    BeforeValidator(_iso_text),
    AfterValidator(_in_years),
    Field(description="An ISO 8601 date and time (e.g. 2026-12-03T14:30:00-04:00) between 1900 and 2100"),
]


def Text(max_length: int, **field: Any) -> Any:
    """A string of at most `max_length` characters, without NUL characters: `name: Text(100)` (mypy wants
    `# type: ignore[valid-type]` there; a module-level alias `Annotated[str, Field(...), NoNul]` needs none)."""
    return Annotated[str, Field(max_length=max_length, **field), NoNul]


ShortText = Annotated[str, Field(max_length=200), NoNul]
LongText = Annotated[str, Field(max_length=4000), NoNul]
Reference = Annotated[
    str,
    Field(
        min_length=1,
        max_length=20,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9 -]*$",
        description="A reference code such as K7PM-4QXB (case and dashes do not matter)",
    ),
]


class BodyIn(Schema):
    """What a client sends in a request's body. A field the schema does not have is an error (422, naming
    the field), not ignored: a carrier's system that sends ``document`` for ``documents`` must learn it from
    the first answer, not get an answer that took the passenger for one without a document."""

    model_config = ConfigDict(extra="forbid")


# --- Problems (RFC 9457) ----------------------------------------------------------------------------


class ProblemFieldError(Schema):
    field: str = Field(description="The field in error, dotted for nested fields; empty for the request")
    message: str


class Problem(Schema):
    """RFC 9457 problem details, the shape of every error (`application/problem+json`)."""

    type: str = Field(description="A URI naming the kind of problem, or about:blank")
    title: str
    status: int
    detail: str | None = None
    instance: str | None = Field(None, description="The path of the request")
    request_id: str | None = Field(
        None, description="The X-Request-ID of the request, also in the audit trail"
    )
    errors: list[ProblemFieldError] | None = Field(None, description="One entry per field in error")


PROBLEM_DESCRIPTIONS = {
    400: "The Idempotency-Key header is missing or too long",
    401: "No valid API token was sent (none, unknown, revoked or expired)",
    403: "The token lacks the scope this operation needs (`read`, `file` or `intel`)",
    404: "No such record or endpoint, or not one the caller may see (never 403: it would say it exists)",
    409: "The record's status does not allow this",
    422: "The request is not valid: `errors` names each field",
}
POST_CONFLICT = (
    "A request with this Idempotency-Key is still running, or the record's status does not allow this"
)


def problems_for(method: str, *, authenticated: bool, has_input: bool) -> list[int]:
    """The problem statuses an operation may answer: 404 always (no such record, or another role's
    endpoint), 401 and 403 (scope) with a token, 422 with parameters or a body, 400 and 409 on POST (Idempotency-Key)."""
    codes = [404]
    if authenticated:
        codes += [401, 403]
    if has_input or method == "post":
        codes.append(422)
    if method == "post":
        codes += [400, 409]
    return sorted(codes)


IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": True,
    "description": (
        "A unique key per request (for example a UUID): a retry with the same key and body gets the first "
        "answer again (`Idempotent-Replayed: true`) and never creates a second record; the same key with "
        "another body is a 422, a retry while the first is still running a 409."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
}


class ProblemApi(NinjaAPI):
    """A NinjaAPI whose OpenAPI document carries the problem responses and the Idempotency-Key header."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.update(_problem_components())
        for path in schema.get("paths", {}).values():
            for method, operation in path.items():
                _document_operation(method, operation)
        return schema


def _problem_components() -> dict[str, Any]:
    definitions = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    components: dict[str, Any] = dict(definitions.pop("$defs", {}))
    components["Problem"] = definitions
    return components


def _document_operation(method: str, operation: dict[str, Any]) -> None:
    # django-ninja keys responses by int; JSON keys are strings: one kind of key, so none appears twice.
    responses = {str(code): response for code, response in operation.get("responses", {}).items()}
    operation["responses"] = responses
    has_input = bool(operation.get("parameters") or operation.get("requestBody"))
    for code in problems_for(method, authenticated=bool(operation.get("security")), has_input=has_input):
        responses[str(code)] = {
            "description": POST_CONFLICT if (code, method) == (409, "post") else PROBLEM_DESCRIPTIONS[code],
            "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
    # Problems an operation declared itself (response={409: Problem}) are served as problem JSON too.
    for key, response in responses.items():
        content = response.get("content", {})
        if int(key) >= 400 and "application/json" in content:
            response["content"] = {PROBLEM_CONTENT_TYPE: content["application/json"]}
            response["description"] = PROBLEM_DESCRIPTIONS.get(int(key), response.get("description", ""))
    if method == "post":
        parameters = operation.setdefault("parameters", [])
        if not any(p.get("in") == "header" and p.get("name") == "Idempotency-Key" for p in parameters):
            parameters.append(dict(IDEMPOTENCY_KEY))


# --- Paging ------------------------------------------------------------------------------------------


class PageInput(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description="How many items (at most 200)")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="How many items to skip")


class LimitOffset(LimitOffsetPagination):
    """`?limit=` (1 to 200, 50 by default) and `?offset=` (0 to 1,000,000); answers `{count, items}`."""

    Input = PageInput  # type: ignore[assignment]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)


T = TypeVar("T")


class Mapped(Generic[T]):
    """A queryset whose page is turned into answers only after slicing: `fn` gets the page's records
    (so it may log exactly the records read, or build dicts) and returns one answer per record."""

    def __init__(self, queryset: QuerySet[Any], fn: Callable[[list[Any]], Sequence[T]]) -> None:
        self.queryset = queryset
        self.fn = fn

    def all(self) -> Mapped[T]:
        return self  # the paginator counts through .all().count()

    def count(self) -> int:
        return self.queryset.count()

    def __getitem__(self, page: slice) -> Sequence[T]:
        return self.fn(list(self.queryset[page]))

    def __iter__(self) -> Iterator[T]:
        return iter(self.fn(list(self.queryset)))
