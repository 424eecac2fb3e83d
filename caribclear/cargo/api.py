"""Cargo manifests API for carriers', agents' and forwarders' systems.

- ``POST /cargo/files?format=auto``: a manifest file as carriers send it (CUSCAR, IFCSUM, AWMDS, XFWB, XFZB,
  XFFM), as the request body or as the multipart field ``file``. ``Accept: application/edifact`` answers
  in UN/EDIFACT CUSRES instead of JSON.
- ``POST /cargo/manifests``: the same filing as JSON.
- ``GET /cargo/manifests/{mrn}``: the filing's status: each consignment's MRN, status, referrals, release.
- ``GET /cargo/manifests/{mrn}/cusres``: that status as CUSRES.
- ``POST /cargo/manifests/{mrn}/invalidate``; ``POST /cargo/referrals/{id}/answer``.

A filing whose LRN the filer has filed already is an amendment of it. Every POST needs an
``Idempotency-Key``: a retried filing is answered as the first time, never registered twice. A rejected
file or filing is a 422 problem whose ``errors`` each say where: line, segment (and its position in the
message) and element, or the JSON path.
"""

# No `from __future__ import annotations`: django-ninja reads the parameters' types at run time.
import datetime as dt
import hashlib
import json
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Field, File, Router, Schema
from ninja.files import UploadedFile

from caribclear.accounts.api_auth import operator_token
from caribclear.accounts.models import User
from caribclear.core.api_kit import BodyIn, Id, LongText, NoNul, Problem
from caribclear.core.problems import problem_response
from caribclear.core.uploads import UploadLimits, UploadRefused, read_upload
from caribclear.edifact.model import Where

from . import readers, selectors, services
from .readers.checks import check_manifest as reader_checks
from .responses import cusres_for_answer, cusres_for_rejection

router = Router(tags=["cargo manifests"], auth=operator_token)

FILE_LIMITS = UploadLimits(max_bytes=50 * 1024 * 1024)
Str = Annotated[str, Field(max_length=200), NoNul]
Code = Annotated[str, Field(max_length=17), NoNul]
Mrn = Annotated[str, Field(min_length=18, max_length=18, description="A movement reference number"), NoNul]
Mass = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=3, allow_inf_nan=False)]
Money = Annotated[Decimal, Field(ge=0, max_digits=16, decimal_places=2, allow_inf_nan=False)]
FileFormat = Literal["auto", "cuscar", "ifcsum", "awmds", "xfwb", "xfzb", "xffm"]


class CargoPortCallIn(BodyIn):
    port: Annotated[str, Field(min_length=5, max_length=5, description="UN/LOCODE"), NoNul]
    function: Literal["loading", "discharge", "call", "departure", "arrival", ""] = ""
    arrival: dt.datetime | None = None
    departure: dt.datetime | None = None


class CargoConveyanceIn(BodyIn):
    mode: Literal["sea", "air"]
    vessel_name: Str = ""
    imo: Annotated[str, Field(max_length=10), NoNul] = ""
    call_sign: Annotated[str, Field(max_length=20), NoNul] = ""
    flag: Annotated[str, Field(max_length=2), NoNul] = ""
    carrier_code: Annotated[str, Field(max_length=10), NoNul] = ""
    carrier_name: Str = ""
    voyage: Annotated[str, Field(max_length=40), NoNul] = Field("", description="Voyage or flight number")
    date: dt.datetime | None = None
    itinerary: list[CargoPortCallIn] = Field(default_factory=list, max_length=50)


class CargoPartyIn(BodyIn):
    role: Literal["consignor", "consignee", "notify", "carrier", "forwarder", "other"]
    name: Str
    address: Str = ""
    country: Annotated[str, Field(max_length=2), NoNul] = ""
    identifier: Annotated[str, Field(max_length=40), NoNul] = ""


class CargoGoodsItemIn(BodyIn):
    hs_code: Annotated[str, Field(max_length=12), NoNul]
    description: Annotated[str, Field(max_length=512), NoNul]
    package_count: int | None = Field(None, ge=0, le=10_000_000)
    package_kind: Annotated[str, Field(max_length=3), NoNul] = Field("", description="UN/ECE Rec. 21")
    gross_mass_kg: Mass | None = None
    un_number: Annotated[str, Field(max_length=4), NoNul] = ""
    value: Money | None = None
    currency: Annotated[str, Field(max_length=3), NoNul] = ""
    containers: list[Code] = Field(default_factory=list, max_length=50)


class CargoContainerIn(BodyIn):
    number: Code
    size_type: Annotated[str, Field(max_length=4), NoNul] = ""
    full: bool | None = None
    seals: list[Annotated[str, Field(max_length=35), NoNul]] = Field(default_factory=list, max_length=10)


class CargoConsignmentIn(BodyIn):
    bill_number: Annotated[str, Field(min_length=1, max_length=70), NoNul]
    level: Literal["master", "house"] = "master"
    master_bill: Annotated[str, Field(max_length=70), NoNul] = ""
    place_of_loading: Annotated[str, Field(max_length=5), NoNul] = ""
    place_of_discharge: Annotated[str, Field(min_length=5, max_length=5), NoNul]
    place_of_delivery: Annotated[str, Field(max_length=35), NoNul] = ""
    origin_country: Annotated[str, Field(max_length=2), NoNul] = ""
    transhipments: list[Annotated[str, Field(max_length=5), NoNul]] = Field(
        default_factory=list, max_length=10
    )
    parties: list[CargoPartyIn] = Field(default_factory=list, max_length=20)
    goods: list[CargoGoodsItemIn] = Field(min_length=1, max_length=999)
    containers: list[CargoContainerIn] = Field(default_factory=list, max_length=999)


class CargoManifestIn(BodyIn):
    lrn: Annotated[
        str, Field(min_length=1, max_length=70, description="Your reference, unique per filer"), NoNul
    ]
    conveyance: CargoConveyanceIn
    consignments: list[CargoConsignmentIn] = Field(min_length=1, max_length=20_000)


class CargoReferralOut(Schema):
    id: int
    kind: str
    status: str
    question: str
    deadline: str | None
    answer: str


class CargoConsignmentOut(Schema):
    bill_number: str
    level: str
    master_bill: str = Field("", description="A house bill's master bill.")
    master_linked: bool = Field(
        False, description="The master bill is registered (by this filer or, apart, by the carrier)."
    )
    mrn: str
    status: str
    late: bool
    assessed: bool
    place_of_discharge: str
    referrals: list[CargoReferralOut]
    released_at: str | None


class CargoManifestOut(Schema):
    mrn: str
    lrn: str
    status: str
    version: int
    filed_at: str
    warnings: list[dict[str, Any]]
    consignments: list[CargoConsignmentOut]


class CargoFilingOut(Schema):
    manifests: list[CargoManifestOut]


class CargoInvalidateIn(BodyIn):
    reason: Annotated[str, Field(min_length=1, max_length=500), NoNul]


class CargoAnswerIn(BodyIn):
    answer: LongText


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]


def _rejected(
    request: HttpRequest, exc: services.FilingRejected, *, edifact: bool, lrn: str = ""
) -> HttpResponse:
    if edifact:
        user = _user(request)
        filer = selectors.filer_for(user)
        data = cusres_for_rejection(
            lrn=lrn, errors=exc.errors, warnings=exc.warnings, recipient=filer.trader_id if filer else ""
        )
        return HttpResponse(data, status=422, content_type="application/edifact")
    return problem_response(
        request,
        status=422,
        type_="manifest-rejected",
        title="The manifest was not registered",
        detail=f"{len(exc.errors)} error(s): correct them all and send the filing again; nothing was stored.",
        errors=[
            {"field": str(e.where), "code": e.code, "message": e.message, "where": e.where.to_json()}
            for e in exc.errors
        ],
        warnings=[w.to_json() for w in exc.warnings],
        format=exc.format,
    )


def _filed(request: HttpRequest, filed: services.Filed, *, edifact: bool) -> HttpResponse:
    user = _user(request)
    warnings = [w.to_json() for w in filed.warnings]
    answers = [
        selectors.answer_json(user, m, warnings=warnings, registered=filed.registered.get(m.pk))
        for m in filed.manifests + filed.amended + filed.invalidated
    ]
    if edifact:
        filer = selectors.filer_for(user)
        data = b"".join(cusres_for_answer(a, recipient=filer.trader_id if filer else "") for a in answers)
        return HttpResponse(data, status=201, content_type="application/edifact")
    return JsonResponse({"manifests": answers}, status=201)


def _wants_edifact(request: HttpRequest) -> bool:
    return "application/edifact" in request.headers.get("Accept", "")


@router.post(
    "/files",
    response={201: CargoFilingOut, 413: Problem, 409: Problem},
    summary="File a manifest file (CUSCAR, IFCSUM, AWMDS, XFWB, XFZB, XFFM)",
)
def file_upload(
    request: HttpRequest, format: FileFormat = "auto", file: File[UploadedFile] | None = None
) -> Any:
    """Send the file as the request body, or as the multipart field ``file``."""
    user = _user(request)
    try:
        filer = services.filer_of(user)
    except PermissionDenied:
        return problem_response(
            request, status=409, type_="no-filer", detail="This account belongs to no filer."
        )
    try:
        if file is not None:
            data = read_upload(file, FILE_LIMITS)
        else:
            data = request.body
            if len(data) > FILE_LIMITS.max_bytes:
                raise UploadRefused("The file is larger than 50 MB. Split it into smaller files.")
    except UploadRefused as exc:
        return problem_response(request, status=413, type_="file-too-large", detail=exc.message)
    if not data:
        return problem_response(
            request, status=422, type_="manifest-rejected", detail="The request holds no file."
        )
    try:
        filed = services.manifest_file(actor=user, data=data, fmt=format, filer=filer)
    except services.FilingRejected as exc:
        return _rejected(request, exc, edifact=_wants_edifact(request))
    return _filed(request, filed, edifact=_wants_edifact(request))


def _to_reader(payload: CargoManifestIn) -> readers.Manifest:
    c = payload.conveyance
    conveyance = readers.Conveyance(
        mode=c.mode,
        vessel_name=c.vessel_name,
        imo=c.imo,
        call_sign=c.call_sign,
        flag=c.flag,
        carrier_code=c.carrier_code,
        carrier_name=c.carrier_name,
        voyage=c.voyage,
        date=c.date,
        itinerary=[readers.PortCall(p.port, p.function, p.arrival, p.departure) for p in c.itinerary],
        where=Where(element="conveyance"),
    )
    consignments = []
    for n, cons in enumerate(payload.consignments):
        path = f"consignments[{n}]"
        places = {"loading": cons.place_of_loading, "discharge": cons.place_of_discharge}
        if cons.place_of_delivery:
            places["delivery"] = cons.place_of_delivery
        if cons.origin_country:
            places["origin"] = cons.origin_country
        consignments.append(
            readers.Consignment(
                bill_number=cons.bill_number,
                level=cons.level,
                master_bill=cons.master_bill,
                places=places,
                transhipments=list(cons.transhipments),
                parties=[
                    readers.Party(
                        role=p.role,
                        name=p.name,
                        address=p.address,
                        country=p.country,
                        identifier=p.identifier,
                        where=Where(element=f"{path}.parties[{i}]"),
                    )
                    for i, p in enumerate(cons.parties)
                ],
                goods=[
                    readers.GoodsItem(
                        sequence=str(i + 1),
                        hs_code=g.hs_code,
                        description=g.description,
                        package_count=g.package_count,
                        package_kind=g.package_kind,
                        gross_mass_kg=g.gross_mass_kg,
                        un_number=g.un_number,
                        value=g.value,
                        currency=g.currency,
                        containers=list(g.containers),
                        where=Where(element=f"{path}.goods[{i}]"),
                    )
                    for i, g in enumerate(cons.goods)
                ],
                containers=[
                    readers.Container(
                        number=b.number,
                        size_type=b.size_type,
                        full=b.full,
                        seals=list(b.seals),
                        where=Where(element=f"{path}.containers[{i}]"),
                    )
                    for i, b in enumerate(cons.containers)
                ],
                where=Where(element=path),
            )
        )
    return readers.Manifest(
        format="json",
        reference=payload.lrn,
        conveyance=conveyance,
        consignments=consignments,
        where=Where(element=""),
    )


@router.post("/manifests", response={201: CargoFilingOut, 409: Problem}, summary="File a manifest as JSON")
def manifest_create(request: HttpRequest, payload: CargoManifestIn) -> Any:
    user = _user(request)
    try:
        filer = services.filer_of(user)
    except PermissionDenied:
        return problem_response(
            request, status=409, type_="no-filer", detail="This account belongs to no filer."
        )
    manifest = _to_reader(payload)
    result = readers.ManifestResult(format="json", manifests=[manifest])
    reader_checks(
        manifest,
        result.warnings,
        result.errors,
        strict_containers={id(b) for c in manifest.consignments for b in c.containers},
    )
    digest = hashlib.sha256(json.dumps(payload.dict(), default=str, sort_keys=True).encode()).hexdigest()
    try:
        filed = services.manifest_register(actor=user, filer=filer, result=result, digest=digest)
    except services.FilingRejected as exc:
        return _rejected(request, exc, edifact=False)
    return _filed(request, filed, edifact=False)


@router.get("/manifests/{mrn}", response=CargoManifestOut, summary="A filing's status and answers")
def manifest_status(request: HttpRequest, mrn: Mrn) -> Any:
    user = _user(request)
    return selectors.answer_json(user, selectors.manifest_for(user, mrn))


@router.get("/manifests/{mrn}/cusres", summary="A filing's status as UN/EDIFACT CUSRES")
def manifest_cusres(request: HttpRequest, mrn: Mrn) -> HttpResponse:
    user = _user(request)
    manifest = selectors.manifest_for(user, mrn)
    data = cusres_for_answer(selectors.answer_json(user, manifest), recipient=manifest.filer.trader_id)
    return HttpResponse(data, content_type="application/edifact")


@router.post(
    "/manifests/{mrn}/invalidate",
    response={200: CargoManifestOut, 409: Problem},
    summary="Invalidate a filing",
)
def manifest_invalidate(request: HttpRequest, mrn: Mrn, payload: CargoInvalidateIn) -> Any:
    user = _user(request)
    manifest = selectors.manifest_for(user, mrn)
    services.manifest_invalidate(actor=user, manifest=manifest, reason=payload.reason)
    return selectors.answer_json(user, selectors.manifest_for(user, mrn))


@router.post(
    "/referrals/{referral_id}/answer",
    response={200: CargoManifestOut, 409: Problem},
    summary="Answer a request for information",
)
def referral_answer(request: HttpRequest, referral_id: Id, payload: CargoAnswerIn) -> Any:
    user = _user(request)
    referral = selectors.referral_for_filer(user, referral_id)
    services.referral_answer(actor=user, referral=referral, answer=payload.answer)
    return selectors.answer_json(user, referral.consignment.manifest)
