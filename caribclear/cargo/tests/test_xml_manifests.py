"""ASYCUDA AWMDS (read, written, validated) and IATA Cargo-XML (XFWB real files, XFZB, XFFM)."""

from decimal import Decimal

import pytest

from caribclear.cargo.readers import NoCustomsOffice, read_manifest, validate_awmds, write_awmds
from caribclear.cargo.readers.checks import is_vague
from caribclear.edifact.detect import detect_format
from caribclear.edifact.tests.fixtures import SHARED, shared_file

AWMDS_XSD = SHARED / "asycuda" / "awmds.xsd"


def test_xfwb_lufthansa_consolidation_from_viracopos():
    result = read_manifest(shared_file("cargo-xml", "xfwb_example.xml"))
    assert result.format == "xfwb" and result.ok
    (manifest,) = result.manifests
    c = manifest.conveyance
    assert (c.mode, c.voyage, c.carrier_code) == ("air", "LH5050", "LH")
    assert [(p.port, p.function) for p in c.itinerary] == [("VCP", "departure"), ("FRA", "arrival")]
    (cons,) = manifest.consignments
    assert cons.bill_number == "020-68548340" and cons.places == {"loading": "VCP", "discharge": "CDG"}
    parties = {p.role: p for p in cons.parties}
    assert parties["consignor"].name == "SCHENKER DO BRASIL TRANSPORTES INTERNACIONAIS LTDA."
    assert parties["consignee"].identifier == "FR26311799456" and parties["consignee"].country == "FR"
    assert cons.total_packages == 4 and cons.total_gross_mass_kg == Decimal("36.9")
    # A consolidation: the goods are on the house waybills, which the filer is told to file.
    assert "consolidation" in {w.code for w in result.warnings}


def test_xfwb_with_us_acas_data_two_legs_and_trader_identifiers():
    result = read_manifest(shared_file("cargo-xml", "xfwb_acas_us.xml"))
    assert result.ok
    (manifest,) = result.manifests
    assert [(p.port, p.function) for p in manifest.conveyance.itinerary] == [
        ("ORK", "departure"),
        ("DUB", "arrival"),
        ("DUB", "departure"),
        ("AUH", "arrival"),
    ]
    (cons,) = manifest.consignments
    assert cons.bill_number == "888-11111111" and cons.places["discharge"] == "PVG"
    parties = {p.role: p for p in cons.parties}
    assert parties["consignor"].identifier == "IE1234567N"
    assert (
        parties["consignee"].identifier == "USCI1234567812345678X7"
        and parties["consignee"].city == "SHANGHAI"
    )
    (item,) = cons.goods
    assert item.gross_mass_kg == Decimal("1042.0") and item.package_count == 3
    assert (
        item.where.line
        and item.where.element
        and item.where.element.endswith("IncludedMasterConsignmentItem")
    )


XFZB = b"""<?xml version="1.0" encoding="UTF-8"?>
<rsm:HouseWaybill xmlns:rsm="iata:housewaybill:1" xmlns:ram="iata:datamodel:3">
  <rsm:MessageHeaderDocument><ram:ID>HWB-1</ram:ID><ram:TypeCode>703</ram:TypeCode></rsm:MessageHeaderDocument>
  <rsm:BusinessHeaderDocument><ram:ID>MIA12345</ram:ID></rsm:BusinessHeaderDocument>
  <rsm:MasterConsignment>
    <ram:TransportContractDocument><ram:ID>001-12345675</ram:ID></ram:TransportContractDocument>
    <ram:OriginLocation><ram:ID>MIA</ram:ID></ram:OriginLocation>
    <ram:FinalDestinationLocation><ram:ID>KIN</ram:ID></ram:FinalDestinationLocation>
    <ram:IncludedHouseConsignment>
      <ram:TransportContractDocument><ram:ID>MIA12345</ram:ID></ram:TransportContractDocument>
      <ram:GrossWeightMeasure unitCode="LBR">220</ram:GrossWeightMeasure>
      <ram:TotalPieceQuantity>2</ram:TotalPieceQuantity>
      <ram:ConsignorParty><ram:Name>PARTS DEPOT INC</ram:Name>
        <ram:PostalStructuredAddress><ram:CityName>MIAMI</ram:CityName><ram:CountryID>US</ram:CountryID></ram:PostalStructuredAddress>
      </ram:ConsignorParty>
      <ram:ConsigneeParty><ram:Name>KINGSTON MOTORS</ram:Name>
        <ram:PostalStructuredAddress><ram:CityName>KINGSTON</ram:CityName><ram:CountryID>JM</ram:CountryID></ram:PostalStructuredAddress>
      </ram:ConsigneeParty>
      <ram:IncludedHouseConsignmentItem>
        <ram:SequenceNumeric>1</ram:SequenceNumeric>
        <ram:TypeCode>870830</ram:TypeCode>
        <ram:GrossWeightMeasure unitCode="LBR">220</ram:GrossWeightMeasure>
        <ram:PieceQuantity>2</ram:PieceQuantity>
        <ram:NatureIdentificationTransportCargo><ram:Identification>BRAKE PADS FOR CARS</ram:Identification></ram:NatureIdentificationTransportCargo>
      </ram:IncludedHouseConsignmentItem>
    </ram:IncludedHouseConsignment>
  </rsm:MasterConsignment>
</rsm:HouseWaybill>
"""


def test_xfzb_house_waybill_under_its_master():
    assert detect_format(XFZB) == "xfzb"
    result = read_manifest(XFZB)
    assert result.ok, result.errors
    (cons,) = result.consignments
    assert (cons.bill_number, cons.level, cons.master_bill) == ("MIA12345", "house", "001-12345675")
    assert cons.places == {"loading": "MIA", "discharge": "KIN"}
    (item,) = cons.goods
    assert (item.hs_code, item.description, item.package_count) == ("870830", "BRAKE PADS FOR CARS", 2)
    assert item.gross_mass_kg == Decimal("220") * Decimal("0.45359237")


XFFM = b"""<?xml version="1.0"?>
<FlightManifest xmlns="iata:flightmanifest:1">
  <MessageHeaderDocument><ID>FFM-BW600</ID><TypeCode>122</TypeCode></MessageHeaderDocument>
  <LogisticsTransportMovement>
    <ID>BW600</ID>
    <UsedLogisticsTransportMeans><Name>BW</Name></UsedLogisticsTransportMeans>
    <DepartureEvent><DepartureOccurrenceDateTime>2026-12-01T22:10:00</DepartureOccurrenceDateTime>
      <OccurrenceDepartureLocation><ID>JFK</ID></OccurrenceDepartureLocation></DepartureEvent>
  </LogisticsTransportMovement>
  <ArrivalEvent>
    <ScheduledOccurrenceDateTime>2026-12-02T03:40:00</ScheduledOccurrenceDateTime>
    <OccurrenceArrivalLocation><ID>POS</ID></OccurrenceArrivalLocation>
    <AssociatedTransportCargo>
      <TypeCode>ULD</TypeCode>
      <UtilizedUnitLoadTransportEquipment><ID>AKE12345BW</ID></UtilizedUnitLoadTransportEquipment>
      <IncludedMasterConsignment>
        <GrossWeightMeasure unitCode="KGM">350</GrossWeightMeasure>
        <TotalPieceQuantity>12</TotalPieceQuantity>
        <TransportContractDocument><ID>106-87654321</ID></TransportContractDocument>
        <OriginLocation><ID>JFK</ID></OriginLocation>
        <FinalDestinationLocation><ID>POS</ID></FinalDestinationLocation>
        <SummaryDescription>MOBILE PHONES</SummaryDescription>
      </IncludedMasterConsignment>
      <IncludedMasterConsignment>
        <GrossWeightMeasure unitCode="KGM">80</GrossWeightMeasure>
        <TransportContractDocument><ID>106-11111111</ID></TransportContractDocument>
        <SummaryDescription>FAK</SummaryDescription>
      </IncludedMasterConsignment>
    </AssociatedTransportCargo>
  </ArrivalEvent>
</FlightManifest>
"""


def test_xffm_flight_manifest_with_a_uld_and_a_vague_line():
    assert detect_format(XFFM) == "xffm"
    result = read_manifest(XFFM)
    (manifest,) = result.manifests
    assert (manifest.conveyance.voyage, manifest.conveyance.carrier_code) == ("BW600", "BW")
    assert [(p.port, p.function) for p in manifest.conveyance.itinerary] == [
        ("JFK", "departure"),
        ("POS", "arrival"),
    ]
    phones, fak = manifest.consignments
    assert phones.bill_number == "106-87654321" and phones.goods[0].description == "MOBILE PHONES"
    assert phones.containers[0].number == "AKE12345BW" and phones.containers[0].check_digit_ok is None
    assert [(e.code, e.where.line) for e in result.errors] == [
        ("vague_description", XFFM.decode().split("\n").index("      <IncludedMasterConsignment>", 20) + 1)
    ]
    assert fak.bill_number == "106-11111111"


def test_awmds_written_from_a_cuscar_is_valid_against_unctads_schema_and_reads_back():
    source = read_manifest(shared_file("edifact", "cuscar_d03b_ung_group.edi")).manifests[0]
    source.containers = []
    xml = write_awmds(source, customs_office="BBBGI")
    assert validate_awmds(xml, AWMDS_XSD) == []
    assert detect_format(xml) == "awmds"
    back = read_manifest(xml, awmds_schema=AWMDS_XSD)
    assert back.errors == []
    (manifest,) = back.manifests
    assert manifest.customs_office == "BBBGI"
    (cons,) = manifest.consignments
    assert cons.bill_number == "KH041122106"
    assert {p.role for p in cons.parties} >= {"consignor", "consignee"}
    (item,) = cons.goods
    assert (item.description, item.package_count, item.gross_mass_kg) == (
        "IRON COIL SHEET METAL",
        158,
        Decimal(750),
    )


def test_awmds_with_containers_and_values_round_trips_and_checks_container_numbers():
    from caribclear.cargo.tests.test_edifact_manifests import CUSCAR

    source = read_manifest(CUSCAR.encode()).manifests[0]
    cons = source.consignments[0]
    cons.containers, source.containers = source.containers, []
    xml = write_awmds(source, customs_office="BBBGI")
    assert validate_awmds(xml, AWMDS_XSD) == []
    back = read_manifest(xml, awmds_schema=AWMDS_XSD)
    # AWMDS has no HS code element (the writer keeps it in the description): only these come back.
    assert {e.code for e in back.errors} == {"container_check_digit", "vague_description"}
    first = back.manifests[0].consignments[0]
    assert [c.number for c in first.containers] == ["CSQU3054383", "TGHU9876543", "MSCU1234566"]
    assert first.goods[0].value == Decimal(54000) and first.goods[0].currency == "USD"
    assert back.manifests[0].conveyance.imo == "9321483"


def test_an_awmds_that_breaks_the_schema_is_rejected_with_the_element():
    bad = b"<Awmds><General_segment><General_segment_id><Customs_office_code>TOOLONG</Customs_office_code></General_segment_id></General_segment></Awmds>"
    result = read_manifest(bad, "awmds", awmds_schema=AWMDS_XSD)
    assert not result.ok
    schema_errors = [e for e in result.errors if e.code == "awmds_schema"]
    assert schema_errors and any("Customs_office_code" in (e.where.element or "") for e in schema_errors)


def test_without_a_configured_schema_awmds_is_read_without_validation():
    source = read_manifest(shared_file("edifact", "cuscar_d99a_two_messages.edi")).manifests[0]
    xml = write_awmds(source, customs_office="TTPOS")
    assert validate_awmds(xml, None) == []
    assert read_manifest(xml).manifests[0].consignments[0].goods[0].gross_mass_kg == Decimal("10062.5")


def test_the_awmds_writer_refuses_a_manifest_without_a_customs_office():
    source = read_manifest(shared_file("edifact", "cuscar_d99a_two_messages.edi")).manifests[0]
    assert source.customs_office == ""
    with pytest.raises(NoCustomsOffice, match="customs office"):
        write_awmds(source)
    with pytest.raises(NoCustomsOffice):
        write_awmds(source, customs_office="   ")
    source.customs_office = "TTPOS"
    assert b"<Customs_office_code>TTPOS</Customs_office_code>" in write_awmds(source)


def test_xml_that_is_not_well_formed_names_the_line():
    result = read_manifest(b"<?xml version='1.0'?>\n<Waybill>\n  <ID>1</Waybil>\n", "auto")
    (error,) = result.errors
    assert error.code == "xml_syntax" and error.where.line == 3


def test_xml_with_entities_is_refused():
    bomb = b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "xxxxxxxx">]><Waybill>&x;</Waybill>'
    result = read_manifest(bomb)
    assert [e.code for e in result.errors] == ["xml_dtd"]


@pytest.mark.parametrize(
    ("text", "vague"),
    [
        ("GENERAL CARGO", True),
        ("FAK", True),
        ("Said to contain: 20 pallets", True),
        ("STC 20 PALLETS FAK", True),
        ("consolidated cargo as per attached manifest", True),
        ("Parts", True),
        ("", True),
        ("STC 20 PALLETS OF LADIES SHOES", False),
        ("SPARE PARTS FOR MARINE ENGINES", False),
        ("IRON COIL SHEET METAL", False),
        ("RUM IN GLASS BOTTLES 12X75CL", False),
    ],
)
def test_vague_descriptions(text, vague):
    assert is_vague(text) is vague
