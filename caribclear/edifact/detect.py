"""Which format a file is in, from its first bytes (for ``--format auto``)."""

from __future__ import annotations

import re

from .text import decode

_XML_ROOT = re.compile(r"<(?![?!])(?:[\w.-]+:)?([\w.-]+)")
_ROOTS = {
    "awmds": "awmds",
    "waybill": "xfwb",
    "housewaybill": "xfzb",
    "housemanifest": "xfzb",
    "flightmanifest": "xffm",
}
_UNH_TYPE = re.compile(r"UNH.{1,40}?(PAXLST|CUSCAR|IFCSUM|CUSRES|CUSREP|IFTMCS)")


def detect_format(data: bytes, family: str = "") -> str:
    """One of paxlst, cuscar, ifcsum, cusres, awmds, xfwb, xfzb, xffm, xml, xlsx, csv.

    ``family`` ("passengers" or "cargo") decides an EDIFACT file whose UNH names no message type and
    whose content says nothing either.
    """
    if data[:4] == b"PK\x03\x04":
        return "xlsx"
    head = decode(data[:65536])
    stripped = head.lstrip("\ufeff \t\r\n")
    if stripped.startswith("<"):
        body = re.sub(r"<\?.*?\?>|<!--.*?-->", "", stripped, flags=re.DOTALL)
        m = _XML_ROOT.search(body)
        return _ROOTS.get(m.group(1).lower(), "xml") if m else "xml"
    flat = head.replace("\r", "").replace("\n", "")
    if "UNB" in flat or re.search(r"UNA.{6}", flat) or "UNH" in flat:
        m = _UNH_TYPE.search(flat)
        if m:
            found = m.group(1).lower()
            return "cuscar" if found in ("cusrep", "iftmcs") else found
        for kind in ("PAXLST", "CUSCAR", "IFCSUM"):
            if re.search(r"UNG.{1,3}" + kind, flat):
                return kind.lower()
        if re.search(r"NAD.(FL|FM|DDT|DDU)\b", flat):
            return "paxlst"
        if re.search(r"(CNI|EQD|GID).", flat):
            return "ifcsum" if "IFCSUM" in flat else "cuscar"
        return "paxlst" if family == "passengers" else "cuscar"
    return "csv"
