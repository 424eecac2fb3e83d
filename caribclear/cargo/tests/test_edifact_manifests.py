"""CUSCAR and IFCSUM: every real file of the shared fixtures, and manifests built as carriers send them."""

from decimal import Decimal

from caribclear.cargo.readers import read_manifest
from caribclear.edifact.tests.fixtures import shared_file


def test_cbp_cuscar_d03b_in_a_group_with_a_bom():
    result = read_manifest(shared_file("edifact", "cuscar_d03b_ung_group.edi"))
    assert result.format == "cuscar" and result.ok
    (manifest,) = result.manifests
    assert manifest.reference == "LOCKKH04112206" and manifest.document_code == "85"
    assert manifest.conveyance.carrier_code == "LOCK"
    assert (
        manifest.conveyance.date is not None and manifest.conveyance.date.isoformat() == "2004-12-30T12:00:00"
    )
    (cons,) = manifest.consignments
    assert (cons.bill_number, cons.level, cons.document_code) == ("KH041122106", "house", "714")
    assert {p.role: p.name for p in cons.parties} == {
        "consignee": "KATHY SMITH",
        "importer": "KATHY SMITH",
        "consignor": "KATHY SMITH",
    }
    consignee = next(p for p in cons.parties if p.role == "consignee")
    assert (consignee.address, consignee.city, consignee.country) == ("1234 MAIN STREET", "BELTSVILLE", "US")
    (item,) = cons.goods
    assert (item.description, item.package_count, item.package_kind) == ("IRON COIL SHEET METAL", 158, "COL")
    assert item.gross_mass_kg == Decimal(750) and item.containers == ["10000325"]
    (equipment,) = manifest.containers
    assert equipment.seals == ["SEALEQUNO001"] and equipment.check_digit_ok is None  # equipment, not a box
    assert {w.code for w in result.warnings} == {"package_kind", "no_hs_code"}


def test_cuscar_d99a_with_two_cargo_reports():
    result = read_manifest(shared_file("edifact", "cuscar_d99a_two_messages.edi"))
    assert result.ok
    assert [m.message_reference for m in result.manifests] == ["163477", "163478"]
    assert [m.reference for m in result.manifests] == [
        "MOL-EU2-HFA-012W-XXXX8896514-01",
        "MOL-EU2-HFA-012W-XXXX5086746-01",
    ]
    first, second = (m.consignments[0].goods[0] for m in result.manifests)
    assert first.description.startswith("HOT AIR BRUSH") and (first.package_count, first.package_kind) == (
        4375,
        "CT",
    )
    assert first.gross_mass_kg == Decimal("10062.5") and second.gross_mass_kg == Decimal(19950)
    assert [m.conveyance.itinerary[0].port for m in result.manifests] == ["CNYTN", "KRPUS"]
    assert result.manifests[1].consignments[0].places["origin"] == "TW"
    assert result.to_json()["counts"] == {
        "messages": 2,
        "consignments": 2,
        "goods_items": 2,
        "containers": 0,
        "parties": 2,
    }


def test_ifcsum_d01b_consolidation_summary():
    result = read_manifest(shared_file("edifact", "ifcsum_d01b.edi"))
    assert result.format == "ifcsum" and result.ok
    (manifest,) = result.manifests
    assert manifest.reference == "1000505549" and manifest.conveyance.mode == "sea"
    (cons,) = manifest.consignments
    assert cons.bill_number == "311447177" and cons.total_gross_mass_kg == Decimal("8.269")
    assert [g.description for g in cons.goods] == [
        "MAYB NAIL ForeverStrong 06 DeepRed 12",
        "MAYB Found. Dream Satin Liquid Sand 30",
    ]
    assert any(
        w.code == "count_mismatch" and w.where.segment == "UNT" and "787" in w.message
        for w in result.warnings
    )


CUSCAR = (
    "\ufeffUNA:+.? '\r\n"
    "UNB+UNOC:3+MSCAGENT:ZZ+BBCUSTOMS:ZZ+261201:0600+500'\r\n"
    "UNG+CUSCAR+MSCAGENT+BBCUSTOMS+261201:0600+G500+UN+D:96B'\r\n"
    "UNH+1+CUSCAR:D:96B:UN'\r\n"
    "BGM+785+MSC-EC612W+9'\r\n"
    "\tTDT+20+612W+1++MSC:172:166:MEDITERRANEAN SHIPPING CO+++9321483:146::MSC CARIBBEAN:PA'\r\n"
    "LOC+5+DOPOP'\r\nDTM+133:202612010800:203'\r\nLOC+60+BBBGI'\r\nDTM+132:202612031400:203'\r\n"
    "EQD+CN+CSQU3054383+45G1+2++5'\r\nSEL+SEAL0001+CA'\r\n"
    "EQD+CN+TGHU9876543+22G1+2++5'\r\n"
    "EQD+CN+MSCU1234566+22G1+2++4'\r\n"
    "CNI+1+MEDUDO123456'\r\n"
    "NAD+CZ+++BOTTLERS SA+AV 27 DE FEBRERO 100+SANTO DOMINGO++10101+DO'\r\n"
    "NAD+CN+BB12345678:ZZZ++RUM IMPORTERS LTD+BAY STREET 1+BRIDGETOWN++BB11000+BB'\r\n"
    "NAD+NI+++RUM IMPORTERS LTD'\r\n"
    "LOC+9+DOPOP'\r\nLOC+11+BBBGI'\r\nLOC+13+JMKIN'\r\n"
    "GID+1+1200:BX'\r\nFTX+AAA+++RUM IN GLASS BOTTLES 12X75CL'\r\nPIA+5+2208.40:HS'\r\n"
    "MEA+WT+G+KGM:18000'\r\nMOA+40:54000:USD'\r\nSGP+CSQU3054383'\r\n"
    "GID+2+10:PL'\r\nFTX+AAA+++GENERAL CARGO'\r\nMEA+WT+G+KGM:900'\r\n"
    "GID+3+4:DR'\r\nFTX+AAA+++ETHANOL'\r\nPIA+5+2207:HS'\r\nDGS+IMD+3+1170'\r\nMEA+WT+G+LBR:1000'\r\n"
    "CNI+2+MEDUDO123457'\r\nRFF+BH:HB-77'\r\nNAD+CN+++ISLAND TRADERS'\r\nGID+1+5:CT'\r\nFTX+AAA+++SAID TO CONTAIN:FAK'\r\n"
    "CNT+11:1219'\r\n"
    "UNT+41+1'\r\n"
    "UNE+1+G500'\r\n"
    "UNZ+1+500'\r\n"
)


def test_a_container_ship_manifest_with_everything_a_person_checks():
    result = read_manifest(CUSCAR.encode("utf-8"))
    (manifest,) = result.manifests
    c = manifest.conveyance
    assert (c.vessel_name, c.imo, c.flag, c.voyage, c.mode) == (
        "MSC CARIBBEAN",
        "9321483",
        "PA",
        "612W",
        "sea",
    )
    assert (c.carrier_code, c.carrier_name) == ("MSC", "MEDITERRANEAN SHIPPING CO")
    assert [(p.port, p.function) for p in c.itinerary] == [("DOPOP", "departure"), ("BBBGI", "arrival")]
    assert c.itinerary[1].arrival is not None and c.itinerary[1].arrival.isoformat() == "2026-12-03T14:00:00"
    first, second = manifest.consignments
    assert first.bill_number == "MEDUDO123456"
    assert first.places == {"loading": "DOPOP", "discharge": "BBBGI"} and first.transhipments == ["JMKIN"]
    consignee = next(p for p in first.parties if p.role == "consignee")
    assert (consignee.name, consignee.identifier, consignee.country) == (
        "RUM IMPORTERS LTD",
        "BB12345678",
        "BB",
    )
    rum, _cargo, ethanol = first.goods
    assert (rum.hs_code, rum.value, rum.currency, rum.containers) == (
        "220840",
        Decimal(54000),
        "USD",
        ["CSQU3054383"],
    )
    assert ethanol.un_number == "1170" and ethanol.gross_mass_kg == Decimal("453.59237")
    boxes = {ct.number: ct for ct in manifest.containers}
    assert boxes["CSQU3054383"].seals == ["SEAL0001"] and boxes["CSQU3054383"].full is True
    assert boxes["MSCU1234566"].full is False and boxes["MSCU1234566"].check_digit_ok
    # What is wrong: a bad check digit, two vague descriptions, a 4-digit HS code.
    errors = {(e.code, e.where.line) for e in result.errors}
    text = CUSCAR.removeprefix("\ufeff").split("\r\n")
    assert errors == {
        ("container_check_digit", text.index("EQD+CN+TGHU9876543+22G1+2++5'") + 1),
        ("vague_description", text.index("GID+2+10:PL'") + 1),
        ("hs_code", text.index("GID+3+4:DR'") + 1),
        ("vague_description", text.index("GID+1+5:CT'") + 1),
    }
    bad_box = next(e for e in result.errors if e.code == "container_check_digit")
    assert "TGHU9876543" in bad_box.message and "2" in bad_box.message
    assert (second.level, second.bill_number, second.master_bill) == ("house", "HB-77", "MEDUDO123457")
    assert not result.ok
    data = result.to_json()
    assert data["counts"]["containers"] == 3 and data["counts"]["goods_items"] == 4
    assert all("where" in e and e["where"]["line"] for e in data["errors"])
    assert [(g["bill_number"], g["hs_code"]) for g in data["goods_items"]] == [
        ("MEDUDO123456", "220840"),
        ("MEDUDO123456", ""),
        ("MEDUDO123456", "2207"),
        ("HB-77", ""),
    ]


def test_the_same_manifest_without_the_group_and_with_a_wrong_count_is_read_with_warnings():
    text = CUSCAR.replace("UNG+CUSCAR+MSCAGENT+BBCUSTOMS+261201:0600+G500+UN+D:96B'\r\n", "").replace(
        "UNE+1+G500'\r\n", ""
    )
    text = text.replace("UNT+41+1", "UNT+40+1").replace("UNH+1+CUSCAR:D:96B:UN", "UNH+1+:D:96B:UN")
    result = read_manifest(text.encode(), "cuscar")
    assert len(result.manifests) == 1
    codes = {w.code for w in result.warnings}
    assert {"count_mismatch", "unh_type_empty"} <= codes
