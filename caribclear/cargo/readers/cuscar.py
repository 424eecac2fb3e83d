"""UN/EDIFACT CUSCAR (D95B to D03B) and IFCSUM to manifests.

Both carry the same things in nearly the same segments, so one reader serves both: the header (BGM, DTM,
RFF, NAD carrier/agent, TDT with its LOC/DTM itinerary, EQD/SEL equipment), then one consignment per CNI
(RFF and DOC bill numbers, NAD parties, LOC places, EQD/SEL, CNT totals), each with goods items per GID
(PAC/GID packages, FTX+AAA description, PIA HS code, MEA gross mass, DGS UN number, MOA value, PCI marks,
SGP containers).
"""

from __future__ import annotations

from decimal import Decimal

from stdnum import imo as stdnum_imo

from caribclear.edifact.dates import parse_dtm
from caribclear.edifact.model import EdifactFile, Issue, Message, Segment, Where

from .checks import check_manifest, decimal_or_none, int_or_none
from .model import Consignment, Container, GoodsItem, Manifest, ManifestResult, Party, PortCall

PARTY_ROLES = {
    "CZ": "consignor",
    "OS": "consignor",
    "SE": "consignor",
    "CN": "consignee",
    "UC": "consignee",
    "NI": "notify",
    "N1": "notify",
    "CA": "carrier",
    "FW": "forwarder",
    "IM": "importer",
    "EX": "exporter",
    "GA": "agent",
    "AE": "agent",
    "CG": "agent",
    "MS": "sender",
    "DP": "delivery",
    "VW": "other",
}
PLACES = {
    "5": "departure",
    "7": "delivery",
    "8": "destination",
    "9": "loading",
    "11": "discharge",
    "12": "discharge",
    "13": "transhipment",
    "24": "entry",
    "27": "origin_country",
    "28": "destination_country",
    "35": "export_country",
    "60": "arrival",
    "76": "original_loading",
    "88": "receipt",
    "92": "call",
    "113": "origin",
    "125": "departure",
    "87": "arrival",
}
MASTER_DOCS = {"705", "706", "707", "710", "740", "741", "780", "785", "AWB", "MB", "BM"}
HOUSE_DOCS = {"714", "703", "BH", "HWB", "HAWB", "HBL"}
BILL_REFS = ("BM", "BH", "MB", "AWB", "AAM", "BN", "HWB", "CN")
MODES = {"1": "sea", "2": "rail", "3": "road", "4": "air", "5": "post", "8": "inland water"}
_KG = {
    "KGM": Decimal(1),
    "KG": Decimal(1),
    "K": Decimal(1),
    "KGS": Decimal(1),
    "": Decimal(1),
    "LBR": Decimal("0.45359237"),
    "LB": Decimal("0.45359237"),
    "L": Decimal("0.45359237"),
    "TNE": Decimal(1000),
    "MT": Decimal(1000),
}


def read_cargo_edifact(edi: EdifactFile, expected: str = "") -> ManifestResult:
    """Manifests from the CUSCAR and IFCSUM messages of an interchange file."""
    fmt = expected or "cuscar"
    result = ManifestResult(
        format=fmt, interchanges=edi.interchanges, warnings=list(edi.warnings), errors=list(edi.errors)
    )
    for message in edi.messages:
        kind = message.type or fmt.upper()
        if kind not in ("CUSCAR", "IFCSUM", "CUSREP", "IFTMCS"):
            result.warnings.append(
                Issue("not_manifest", f"A {kind} message was skipped.", message.segments[0].where())
            )
            continue
        manifest = _read_message(message, kind.lower(), result)
        result.manifests.append(manifest)
    if not result.manifests and not result.errors:
        where = Where(line=edi.interchanges[0].line) if edi.interchanges else Where()
        result.errors.append(Issue("no_manifest", "The file holds no CUSCAR or IFCSUM message.", where))
    return result


class _State:
    def __init__(self, manifest: Manifest) -> None:
        self.manifest = manifest
        self.consignment: Consignment | None = None
        self.item: GoodsItem | None = None
        self.container: Container | None = None
        self.call: PortCall | None = None
        self.in_tdt = False
        self.strict: set[int] = set()
        self.last_nad: Party | None = None


def _read_message(message: Message, fmt: str, result: ManifestResult) -> Manifest:
    unh = message.segments[0]
    manifest = Manifest(format=fmt, message_reference=message.reference, where=unh.where())
    st = _State(manifest)
    for seg in message.body():
        handler = _HANDLERS.get(seg.tag)
        if handler is not None:
            handler(seg, st, result)
    _check_totals(manifest, result)
    check_manifest(manifest, result.warnings, result.errors, strict_containers=st.strict)
    return manifest


def _bgm(seg: Segment, st: _State, result: ManifestResult) -> None:
    st.manifest.document_code = seg.get(1)
    st.manifest.reference = seg.get(2)
    st.manifest.function = seg.get(3)


def _dtm(seg: Segment, st: _State, result: ManifestResult) -> None:
    qualifier, value, fmt = seg.get(1, 1), seg.get(1, 2), seg.get(1, 3)
    parsed = parse_dtm(value, fmt)
    if parsed is None:
        if value and st.consignment is None:
            result.warnings.append(
                Issue("bad_date", f"Unreadable date/time {value!r}.", seg.where("DTM 1.2"))
            )
        return
    if st.consignment is not None:
        return
    conveyance = st.manifest.conveyance
    if qualifier in ("132", "178", "232"):  # arrival, estimated or actual
        if st.call is not None:
            st.call.arrival = parsed
        conveyance.date = conveyance.date or parsed
    elif qualifier in ("133", "186", "189", "136"):  # departure
        if st.call is not None:
            st.call.departure = parsed
        conveyance.date = conveyance.date or parsed


def _tdt(seg: Segment, st: _State, result: ManifestResult) -> None:
    if st.consignment is not None:
        return  # a pre-carriage TDT inside a consignment: the conveyance is the header's
    c = st.manifest.conveyance
    st.in_tdt = True
    st.call = None  # a DTM after TDT dates the conveyance, not the last place
    c.where = seg.where()
    c.voyage = c.voyage or seg.get(2).strip()
    mode = seg.get(3).strip()
    c.mode = c.mode or MODES.get(mode[:1], mode)
    c.carrier_code = c.carrier_code or seg.get(5, 1).strip()
    c.carrier_name = c.carrier_name or seg.get(5, 4).strip()
    ident, code_list, name, nationality = (
        seg.get(8, 1).strip(),
        seg.get(8, 2),
        seg.get(8, 4).strip(),
        seg.get(8, 5),
    )
    c.vessel_name = c.vessel_name or name
    c.flag = c.flag or nationality.strip().upper()
    if ident:
        digits = ident.upper().removeprefix("IMO").strip()
        if code_list == "146" or (len(digits) == 7 and digits.isdigit() and stdnum_imo.is_valid(digits)):
            c.imo = digits
        elif code_list == "103" or not c.call_sign:
            c.call_sign = ident


def _loc(seg: Segment, st: _State, result: ManifestResult) -> None:
    qualifier, place = seg.get(1), seg.get(2).strip().upper()
    function = PLACES.get(qualifier, f"loc_{qualifier}")
    if st.consignment is None:
        call = PortCall(port=place, function=function)
        st.manifest.conveyance.itinerary.append(call)
        st.call = call
        return
    if st.item is not None and qualifier in ("27", "113"):
        return  # origin of one item: kept on the consignment only when it has none
    if function == "transhipment":
        st.consignment.transhipments.append(place)
    else:
        st.consignment.places.setdefault(function, place)


def _rff(seg: Segment, st: _State, result: ManifestResult) -> None:
    qualifier, value = seg.get(1, 1).upper(), seg.get(1, 2).strip()
    if not value:
        return
    if st.consignment is None:
        st.manifest.declared_totals.setdefault(f"rff_{qualifier}", value)
        return
    cons = st.consignment
    cons.references.setdefault(qualifier, value)
    if qualifier in ("BH", "HWB") and cons.level == "master":
        # A house bill under the transport document named by CNI (or by an earlier master reference).
        cons.master_bill = cons.master_bill or cons.bill_number
        cons.bill_number = value
        cons.level = "house"
    elif qualifier in ("MB", "AWB") and cons.level == "house":
        cons.master_bill = cons.master_bill or value
    elif qualifier in BILL_REFS and not cons.bill_number:
        cons.bill_number = value
        if qualifier in HOUSE_DOCS:
            cons.level = "house"


def _doc(seg: Segment, st: _State, result: ManifestResult) -> None:
    if st.consignment is None:
        return
    code, number = seg.get(1, 1), seg.get(2, 1).strip()
    cons = st.consignment
    cons.document_code = cons.document_code or code
    if code in HOUSE_DOCS:
        cons.level = "house"
    if number:
        if cons.bill_number and cons.level == "house" and code in MASTER_DOCS:
            cons.master_bill = number
        else:
            cons.bill_number = number


def _cni(seg: Segment, st: _State, result: ManifestResult) -> None:
    st.item = None
    st.container = None
    st.call = None
    cons = Consignment(bill_number=seg.get(2, 1).strip(), where=seg.where())
    st.consignment = cons
    st.manifest.consignments.append(cons)


def _nad(seg: Segment, st: _State, result: ManifestResult) -> None:
    code = seg.get(1).upper()
    name_parts = [p.strip() for p in seg.components(4) if p.strip()]
    free = [p.strip() for p in seg.components(3) if p.strip()]
    name = " ".join(name_parts) or (free[0] if free else "")
    street = " ".join(p.strip() for p in seg.components(5) if p.strip())
    address = street or " ".join(free if name_parts else free[1:])
    party = Party(
        role=PARTY_ROLES.get(code, f"other:{code}"),
        name=name,
        address=address,
        city=seg.get(6).strip(),
        postcode=seg.get(8).strip(),
        country=seg.get(9).strip().upper(),
        identifier=seg.get(2, 1).strip(),
        where=seg.where(),
    )
    if st.consignment is None:
        st.manifest.parties.append(party)
        if party.role == "carrier":
            c = st.manifest.conveyance
            c.carrier_code = c.carrier_code or party.identifier
            c.carrier_name = c.carrier_name or party.name
    else:
        st.consignment.parties.append(party)


def _gid(seg: Segment, st: _State, result: ManifestResult) -> None:
    if st.consignment is None:
        cons = Consignment(where=seg.where())
        st.manifest.consignments.append(cons)
        st.consignment = cons
    item = GoodsItem(sequence=seg.get(1).strip(), where=seg.where())
    count, kind = seg.get(2, 1), seg.get(2, 2).strip().upper()
    item.package_count = int_or_none(count)
    item.package_kind = kind if len(kind) <= 3 else ""
    if item.package_count is None and seg.get(3, 1):
        item.package_count = int_or_none(seg.get(3, 1))
    st.consignment.goods.append(item)
    st.item = item
    st.container = None


def _pac(seg: Segment, st: _State, result: ManifestResult) -> None:
    if st.item is None:
        return
    count = int_or_none(seg.get(1))
    if count is not None and st.item.package_count is None:
        st.item.package_count = count
    kind = seg.get(3, 1).strip().upper()
    if kind and not st.item.package_kind:
        st.item.package_kind = kind


def _ftx(seg: Segment, st: _State, result: ManifestResult) -> None:
    if st.item is None or seg.get(1).upper() != "AAA":
        return
    text = " ".join(p.strip() for p in seg.components(4) if p.strip())
    st.item.description = f"{st.item.description} {text}".strip() if st.item.description else text


def _pia(seg: Segment, st: _State, result: ManifestResult) -> None:
    if st.item is None:
        return
    for element in range(2, len(seg.elements) + 1):
        number, kind = seg.get(element, 1).strip(), seg.get(element, 2).strip().upper()
        if number and kind in ("HS", "HST", "TAR", "CG", "CN") and not st.item.hs_code:
            st.item.hs_code = number


def _mea(seg: Segment, st: _State, result: ManifestResult) -> None:
    purpose, what = seg.get(1).upper(), seg.get(2, 1).upper()
    unit, value = seg.get(3, 1).upper(), seg.get(3, 2)
    if purpose not in ("WT", "AAE", "AAI") or what not in ("G", "AAB", "", "WT"):
        return
    number = decimal_or_none(value)
    if number is None or unit not in _KG:
        return
    kg = number * _KG[unit]
    if st.item is not None:
        st.item.gross_mass_kg = kg
    elif st.consignment is not None:
        st.consignment.total_gross_mass_kg = kg


def _dgs(seg: Segment, st: _State, result: ManifestResult) -> None:
    if st.item is not None:
        st.item.un_number = seg.get(3, 1).strip()  # DGS: regulation, C205 hazard class, C234 UNDG number


def _moa(seg: Segment, st: _State, result: ManifestResult) -> None:
    if st.item is None or seg.get(1, 1) not in ("38", "39", "40", "44", "146"):
        return
    st.item.value = decimal_or_none(seg.get(1, 2))
    st.item.currency = seg.get(1, 3).strip().upper()


def _pci(seg: Segment, st: _State, result: ManifestResult) -> None:
    if st.item is not None:
        marks = " ".join(p.strip() for p in seg.components(2) if p.strip())
        st.item.marks = f"{st.item.marks} {marks}".strip()


def _sgp(seg: Segment, st: _State, result: ManifestResult) -> None:
    if st.item is not None and seg.get(1, 1).strip():
        st.item.containers.append(seg.get(1, 1).strip().upper().replace(" ", ""))


def _eqd(seg: Segment, st: _State, result: ManifestResult) -> None:
    qualifier = seg.get(1).upper()
    status = seg.get(6).strip()
    container = Container(
        number=seg.get(2, 1).strip(),
        size_type=seg.get(3, 1).strip().upper(),
        full=True if status == "5" else False if status == "4" else None,
        where=seg.where("EQD 2.1"),
    )
    if qualifier == "CN":
        st.strict.add(id(container))
    target = st.consignment.containers if st.consignment is not None else st.manifest.containers
    target.append(container)
    st.container = container


def _sel(seg: Segment, st: _State, result: ManifestResult) -> None:
    if st.container is not None and seg.get(1).strip():
        st.container.seals.append(seg.get(1).strip())


def _cnt(seg: Segment, st: _State, result: ManifestResult) -> None:
    qualifier, value = seg.get(1, 1), seg.get(1, 2).strip()
    if st.consignment is None:
        st.manifest.declared_totals[f"cnt_{qualifier}"] = value
        return
    if qualifier == "11":
        st.consignment.total_packages = int_or_none(value)
    elif qualifier == "7":
        st.consignment.total_gross_mass_kg = decimal_or_none(value)


_HANDLERS = {
    "BGM": _bgm,
    "DTM": _dtm,
    "TDT": _tdt,
    "LOC": _loc,
    "RFF": _rff,
    "DOC": _doc,
    "CNI": _cni,
    "NAD": _nad,
    "GID": _gid,
    "PAC": _pac,
    "FTX": _ftx,
    "PIA": _pia,
    "MEA": _mea,
    "DGS": _dgs,
    "MOA": _moa,
    "PCI": _pci,
    "SGP": _sgp,
    "EQD": _eqd,
    "SEL": _sel,
    "CNT": _cnt,
}


def _check_totals(manifest: Manifest, result: ManifestResult) -> None:
    totals = manifest.declared_totals
    packages = sum(g.package_count or 0 for c in manifest.consignments for g in c.goods)
    declared = int_or_none(totals.get("cnt_11", ""))
    if declared is not None and declared != packages:
        result.warnings.append(
            Issue(
                "count_mismatch",
                f"CNT+11 says {declared} packages; the goods items add up to {packages}.",
                manifest.where,
            )
        )
    for cons in manifest.consignments:
        if cons.total_packages is not None:
            actual = sum(g.package_count or 0 for g in cons.goods)
            if actual and actual != cons.total_packages:
                result.warnings.append(
                    Issue(
                        "count_mismatch",
                        f"Consignment {cons.bill_number or '?'}: CNT+11 says {cons.total_packages} packages; its items add up to {actual}.",
                        cons.where,
                    )
                )
