"""A phytosanitary certificate (type 18) as an IPPC ePhyto: UN/CEFACT SPS e-certificate XML.

Element names, nesting and order follow the UN/CEFACT SPSCertificate schema used by the IPPC ePhyto
Hub (rsm:SPSCertificate → SPSExchangedDocument + SPSConsignment, with ram: aggregates and udt: data
types). Codes: document TypeCode 851 (phytosanitary certificate), StatusCode 70 (issued), 40 when
withdrawn; transport ModeCode from UN/ECE Rec 19; measure units from UN/ECE Rec 20 (KGM…); countries
ISO 3166-1 alpha-2. The Hub's own code lists (statements, treatment types) are not bundled: treatments
are given as described text with TypeCode ZZZ (mutually defined), as several national systems do.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from backend.certificates import errors  # noqa: F401  (error codes registered)
from backend.certificates.catalog import PHYTOSANITARY, type_spec
from backend.certificates.content import CertificateContent, format_decimal
from backend.errors import DomainError

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:SPSCertificate:17",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:21",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:21",
}
for _prefix, _uri in NS.items():
    ET.register_namespace(_prefix, _uri)

TYPE_CODE_PHYTOSANITARY = "851"
STATUS_CODES = {"issued": "70", "replaced": "70", "withdrawn": "40"}
COUNTRY_NAMES = {"CN": "China"}


def _q(tag: str) -> str:
    prefix, local = tag.split(":")
    return f"{{{NS[prefix]}}}{local}"


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs) -> ET.Element:
    element = ET.SubElement(parent, _q(tag), {k: v for k, v in attrs.items() if v is not None})
    if text is not None:
        element.text = str(text)
    return element


def _datetime(parent: ET.Element, tag: str, iso_date: str) -> None:
    # ePhyto exchanges ISO 8601 date-times; certificates carry a date, so midnight China time.
    _add(_add(parent, tag), "udt:DateTimeString", f"{iso_date}T00:00:00+08:00")


def _party(parent: ET.Element, tag: str, party: dict) -> None:
    element = _add(parent, tag)
    _add(element, "ram:Name", party.get("name_en") or party.get("name_zh") or "")
    address = party.get("address_en") or party.get("address_zh")
    if address:
        address_el = _add(element, "ram:SpecifiedSPSAddress")
        _add(address_el, "ram:LineOne", address)
        if party.get("country_code"):
            _add(address_el, "ram:CountryID", party["country_code"])


def _country(parent: ET.Element, tag: str, code: str | None, name: str | None) -> ET.Element:
    element = _add(parent, tag)
    if code:
        _add(element, "ram:ID", code)
    if name:
        _add(element, "ram:Name", name, languageID="en")
    return element


def _exchanged_document(root: ET.Element, data: dict, status: str) -> None:
    spec = type_spec(PHYTOSANITARY)
    fields = data.get("fields", {})
    doc = _add(root, "rsm:SPSExchangedDocument")
    _add(doc, "ram:Name", spec.name_en, languageID="en")
    _add(doc, "ram:ID", data["certificate_no"])
    _add(doc, "ram:TypeCode", TYPE_CODE_PHYTOSANITARY)
    _add(doc, "ram:StatusCode", STATUS_CODES[status])
    _datetime(doc, "ram:IssueDateTime", data["issue_date"])
    issuer = _add(doc, "ram:IssuerSPSParty")
    issuer_name = f"{data['district_name_en']}, General Administration of Customs of the P.R. China"
    _add(issuer, "ram:Name", issuer_name)
    if fields.get("additional_declaration"):
        note = _add(doc, "ram:IncludedSPSNote")
        _add(note, "ram:Subject", "ADDITIONAL DECLARATION")
        _add(note, "ram:Content", fields["additional_declaration"], languageID="en")
    signatory = _add(doc, "ram:SignatorySPSAuthentication")
    _datetime(signatory, "ram:ActualDateTime", data["issue_date"])
    location = _add(signatory, "ram:IssueSPSLocation")
    _add(location, "ram:Name", data.get("issue_place_en") or data.get("issue_place_zh"))
    provider = _add(signatory, "ram:ProviderSPSParty")
    _add(provider, "ram:Name", data["district_name_en"])
    if data.get("signatory"):
        person = _add(provider, "ram:SpecifiedSPSPerson")
        _add(person, "ram:Name", data["signatory"])
    clause = _add(signatory, "ram:IncludedSPSClause")
    _add(clause, "ram:ID", "1")
    _add(clause, "ram:Content", spec.layout["statement_en"], languageID="en")


def _treatment(item: ET.Element, fields: dict) -> None:
    if not fields.get("treatment"):
        return
    process = _add(item, "ram:AppliedSPSProcess")
    _add(process, "ram:TypeCode", "ZZZ")
    if fields.get("treatment_date"):
        period = _add(process, "ram:CompletionSPSPeriod")
        _datetime(period, "ram:StartDateTime", fields["treatment_date"])
    for key, label in (("treatment", "Treatment"), ("chemical", "Chemical"),
                       ("duration_and_temperature", "Duration and temperature")):
        if fields.get(key):
            characteristic = _add(process, "ram:ApplicableSPSProcessCharacteristic")
            _add(characteristic, "ram:Description", f"{label}: {fields[key]}", languageID="en")


def _trade_line(parent: ET.Element, index: int, line: dict, data: dict) -> None:
    fields = data.get("fields", {})
    item = _add(parent, "ram:IncludedSPSTradeLineItem")
    _add(item, "ram:SequenceNumeric", str(index))
    _add(item, "ram:Description", line.get("description_en") or line["description_zh"], languageID="en")
    if line.get("description_en"):
        _add(item, "ram:CommonName", line["description_en"], languageID="en")
    _add(item, "ram:CommonName", line["description_zh"], languageID="zh")
    _add(item, "ram:ScientificName", line.get("scientific_name") or fields.get("botanical_name", ""))
    if line.get("net_weight") is not None:
        _add(item, "ram:NetWeightMeasure", format_decimal(line["net_weight"]),
             unitCode=line.get("weight_unit", "KGM"))
    if line.get("packages") is not None:
        package = _add(item, "ram:PhysicalSPSPackage")
        _add(package, "ram:LevelCode", "1")
        if line.get("package_kind"):
            _add(package, "ram:TypeCode", line["package_kind"])
        _add(package, "ram:ItemQuantity", str(line["packages"]))
    origin = _country(item, "ram:OriginSPSCountry", data.get("export_country_code", "CN"),
                      COUNTRY_NAMES.get(data.get("export_country_code", "CN")))
    place = line.get("origin_place") or fields.get("place_of_origin")
    if place:
        subdivision = _add(origin, "ram:SubordinateSPSCountrySubDivision")
        _add(subdivision, "ram:Name", place)
    _treatment(item, fields)


def _consignment(root: ET.Element, data: dict) -> None:
    consignment = _add(root, "rsm:SPSConsignment")
    _party(consignment, "ram:ConsignorSPSParty", data.get("consignor", {}))
    _party(consignment, "ram:ConsigneeSPSParty", data.get("consignee", {}))
    export_code = data.get("export_country_code", "CN")
    _country(consignment, "ram:ExportSPSCountry", export_code, COUNTRY_NAMES.get(export_code))
    _country(consignment, "ram:ImportSPSCountry", data.get("destination_country_code"),
             data.get("destination_country_en"))
    if data.get("port_of_destination"):
        unloading = _add(consignment, "ram:UnloadingBaseportSPSLocation")
        _add(unloading, "ram:Name", data["port_of_destination"])
    examination = _add(consignment, "ram:ExaminationSPSEvent")
    occurrence = _add(examination, "ram:OccurrenceSPSLocation")
    _add(occurrence, "ram:Name", data.get("issue_place_en") or data.get("issue_place_zh"))
    if data.get("transport_mode") or data.get("means_of_conveyance"):
        movement = _add(consignment, "ram:MainCarriageSPSTransportMovement")
        if data.get("transport_mode"):
            _add(movement, "ram:ModeCode", data["transport_mode"])
        if data.get("means_of_conveyance"):
            means = _add(movement, "ram:UsedSPSTransportMeans")
            _add(means, "ram:Name", data["means_of_conveyance"], languageID="en")
    item = _add(consignment, "ram:IncludedSPSConsignmentItem")
    for index, line in enumerate(data.get("goods", []), start=1):
        _trade_line(item, index, line, data)


def ephyto_xml(content: CertificateContent | dict, *, status: str = "issued") -> bytes:
    """UTF-8 ePhyto XML of a phytosanitary certificate's content; other types are refused."""
    data = content.to_dict() if isinstance(content, CertificateContent) else content
    if data.get("type_code") != PHYTOSANITARY:
        raise DomainError("certificate.not_phytosanitary")
    root = ET.Element(_q("rsm:SPSCertificate"))
    _exchanged_document(root, data, status)
    _consignment(root, data)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
