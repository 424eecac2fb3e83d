"""API for officials' systems: load assessed declaration lines, check a line, read valuation cases.

A check answers a score and an explanation, never a value to declare: the region's median, and the country
of origin's own reported export unit value (the mirror check, from a loaded UN Comtrade extract), appear
only inside the sentences a person reads, as evidence, beside the rules of Decision 6.1.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, File, Router, Schema
from ninja.files import UploadedFile

from caribclear.accounts.api_auth import official_token
from caribclear.accounts.models import User
from caribclear.core.api_kit import BodyIn, Id, Problem, ShortText, Text
from caribclear.core.problems import problem_response

from . import readers, selectors, services

router = Router(tags=["valuation"], auth=official_token)


def _official(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User) and user.is_official
    return user


class ValuationLineIn(BodyIn):
    declaration: Text(40)  # type: ignore[valid-type]
    line: Text(20)  # type: ignore[valid-type]
    date: dt.date
    hs_code: Text(14)  # type: ignore[valid-type]
    origin: Text(2)  # type: ignore[valid-type]
    quantity: Decimal | None = Field(None, description="Supplementary quantity; required unless net_mass_kg")
    unit: Text(20) = ""  # type: ignore[valid-type]
    net_mass_kg: Decimal | None = None
    value: Decimal = Field(description="Customs value of the line in `currency`")
    currency: Text(3)  # type: ignore[valid-type]
    importer: Text(40)  # type: ignore[valid-type]
    exporter: Text(120) = ""  # type: ignore[valid-type]
    incoterm: Text(3) = ""  # type: ignore[valid-type]
    description: Text(300) = ""  # type: ignore[valid-type]


class ValuationLinesIn(BodyIn):
    lines: list[ValuationLineIn] = Field(min_length=1, max_length=5000)
    check: bool = Field(False, description="Read and check only; store nothing")


class ValuationIssueOut(Schema):
    where: str
    message: str


class ValuationLoadOut(Schema):
    format: str
    declarations: int
    lines: int
    stored: int
    already_loaded: int
    warnings: list[ValuationIssueOut]
    errors: list[ValuationIssueOut]


class ValuationCheckOut(Schema):
    score: float = Field(description="Robust standard deviations below the region's median (0 if not below)")
    flagged: bool
    cell: str | None = Field(
        description="The level of the cell used (exporter, national, hs6_origin, hs6, hs4)"
    )
    explanation: str
    mirror: str | None = Field(
        description="What the country of origin itself reported exporting of the HS6 to the administration's "
        "country (UN Comtrade, FOB, USD per unit, period and extract), in words; null when no extract holds it"
    )


def _raw(line: ValuationLineIn, index: int) -> readers.RawLine:
    try:
        return readers.check_line(**line.dict(), where=f"lines.{index}")
    except readers.LineError as error:
        raise ValidationError({f"lines.{index}.{error.column}": error.message}) from None


@router.post("/lines", response=ValuationLoadOut, summary="Load assessed declaration lines")
def lines_load(request: HttpRequest, payload: ValuationLinesIn) -> dict:
    """All or nothing: any impossible line (or a missing exchange rate) rejects the call with a 422
    problem whose ``errors`` name each place (``lines.3.hs_code``) and what is wrong there."""
    user = _official(request)
    read = readers.ReadResult(format="api")
    for index, item in enumerate(payload.lines):
        try:
            read.lines.append(readers.check_line(**item.dict(), where=f"lines.{index}"))
        except readers.LineError as error:
            read.errors.append(readers.Issue(f"lines.{index}.{error.column}", error.message))
    read.declarations = len({line.declaration for line in read.lines})
    report = services.lines_store(
        actor=user,
        administration=user.administration,
        read=read,
        name="API",
        check=payload.check,
        source="api",
    )
    if not report.ok:
        problems: dict[str, list[str]] = {}
        for issue in report.errors:
            problems.setdefault(issue.where, []).append(issue.message)
        raise ValidationError(problems)
    return report.to_json()


class ValuationMirrorLoadOut(Schema):
    layout: str = Field(description="comtrade-plus (the current database) or comtrade-legacy")
    rows_read: int
    figures: int = Field(description="Export figures read (one per unit of a row's quantity, one per kg)")
    stored: int
    replaced: int = Field(description="Figures loaded before for the same exporter, HS6, period and unit")
    warnings: list[ValuationIssueOut]
    errors: list[ValuationIssueOut]


@router.post(
    "/comtrade",
    response={200: ValuationMirrorLoadOut, 422: Problem},
    url_name="valuation_comtrade_load",
    summary="Load a UN Comtrade extract (partner countries' exports to your country) for the mirror check",
)
def comtrade_load(request: HttpRequest, file: File[UploadedFile], check: bool = False) -> Any:
    """The CSV as UN Comtrade gives it (Comtrade+ or legacy), all or nothing; rows passed over (World,
    totals, re-exports, imports...) are counted in ``warnings``. A refused file is a 422 problem whose
    ``errors`` name each row and column (``field``: "row 12, column qty")."""
    user = _official(request)
    data = file.read(services.MIRROR_LIMITS.max_bytes + 1)
    if len(data) > services.MIRROR_LIMITS.max_bytes:
        report = services.MirrorReport(errors=[readers.Issue("file", "the file is larger than 50 MB")])
    else:
        report = services.mirror_load(
            actor=user, administration=user.administration, data=data, name=file.name or "", check=check
        )
    if not report.ok:
        return problem_response(
            request,
            status=422,
            type_="unreadable-file",
            title="The extract cannot be loaded",
            detail="; ".join(f"{e.where}: {e.message}" for e in report.errors[:20]),
            errors=[{"field": e.where, "message": e.message} for e in report.errors],
            warnings=[w.to_json() for w in report.warnings],
        )
    return report.to_json()


@router.post(
    "/check", response=ValuationCheckOut, summary="Check one line: valuation risk score and explanation"
)
def line_check(request: HttpRequest, payload: ValuationLineIn) -> dict:
    user = _official(request)
    raw = _raw(payload, 0)
    try:
        result = services.line_check(administration_id=user.administration_id, line=raw)  # type: ignore[arg-type]
    except ValueError as error:
        raise ValidationError({"currency": str(error)}) from None
    return {
        "score": result.score,
        "flagged": result.flagged,
        "cell": result.result.level,
        "explanation": result.explanation,
        "mirror": result.mirror_explanation or None,
    }


class ValuationCaseOut(Schema):
    id: int
    declaration: str
    line: str
    hs_code: str
    origin: str
    declared_value: Decimal
    currency: str
    importer: str
    score: float
    explanation: str
    mirror: str
    reason: str
    status: str
    deadline: dt.date | None
    answer: str
    outcome: str
    method: str
    determined_value: Decimal | None
    decision_reason: str
    created_at: dt.datetime
    decided_at: dt.datetime | None


def _case(case: object) -> dict:
    c = case
    return {
        "id": c.pk,  # type: ignore[attr-defined]
        "declaration": c.declaration_ref,  # type: ignore[attr-defined]
        "line": c.line_ref,  # type: ignore[attr-defined]
        **{
            k: getattr(c, k)
            for k in (
                "hs_code",
                "origin",
                "declared_value",
                "currency",
                "importer",
                "score",
                "explanation",
                "mirror",
                "reason",
                "status",
                "deadline",
                "answer",
                "outcome",
                "method",
                "determined_value",
                "decision_reason",
                "created_at",
                "decided_at",
            )
        },
    }


@router.get(
    "/cases", response=list[ValuationCaseOut], summary="The administration's valuation cases (newest first)"
)
def cases_list(request: HttpRequest, status: ShortText = "") -> list[dict]:
    user = _official(request)
    return [_case(c) for c in selectors.cases(user, status)[:200]]


@router.get("/cases/{case_id}", response=ValuationCaseOut, summary="One valuation case")
def case_detail(request: HttpRequest, case_id: Id) -> dict:
    user = _official(request)
    return _case(selectors.case(user, case_id))
