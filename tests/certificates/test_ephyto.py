"""A phytosanitary certificate exported as UN/CEFACT SPS (IPPC ePhyto) XML."""

import xml.etree.ElementTree as ET

import pytest

from backend.certificates.ephyto import NS, ephyto_xml
from backend.certificates.service import issue_certificate
from backend.errors import DomainError
from tests.certificates_shared.samples import sample_content


@pytest.fixture
def xml_root():
    certificate = issue_certificate(actor=None, content=sample_content("18"))
    data = ephyto_xml(certificate.content)
    assert data.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    return certificate, ET.fromstring(data)


def text(root, path):
    element = root.find(path, NS)
    assert element is not None, path
    return element.text


def test_root_and_exchanged_document(xml_root):
    certificate, root = xml_root
    assert root.tag == f"{{{NS['rsm']}}}SPSCertificate"
    assert [child.tag.split("}")[1] for child in root] == ["SPSExchangedDocument", "SPSConsignment"]
    doc = "rsm:SPSExchangedDocument"
    assert text(root, f"{doc}/ram:ID") == certificate.certificate_no
    assert text(root, f"{doc}/ram:TypeCode") == "851"
    assert text(root, f"{doc}/ram:StatusCode") == "70"
    assert text(root, f"{doc}/ram:IssueDateTime/udt:DateTimeString").startswith("2026-06-12T")
    assert "Shenzhen Customs" in text(root, f"{doc}/ram:IssuerSPSParty/ram:Name")
    assert text(root, f"{doc}/ram:IncludedSPSNote/ram:Content") == (
        "The consignment is free from Bactrocera dorsalis."
    )
    signatory = f"{doc}/ram:SignatorySPSAuthentication"
    assert text(root, f"{signatory}/ram:IssueSPSLocation/ram:Name") == "Shenzhen"
    assert text(root, f"{signatory}/ram:ProviderSPSParty/ram:SpecifiedSPSPerson/ram:Name") == "王检 WANG Jian"
    assert "free from the quarantine pests" in text(root, f"{signatory}/ram:IncludedSPSClause/ram:Content")


def test_consignment_parties_countries_transport_in_schema_order(xml_root):
    _, root = xml_root
    consignment = root.find("rsm:SPSConsignment", NS)
    assert [child.tag.split("}")[1] for child in consignment] == [
        "ConsignorSPSParty", "ConsigneeSPSParty", "ExportSPSCountry", "ImportSPSCountry",
        "UnloadingBaseportSPSLocation", "ExaminationSPSEvent", "MainCarriageSPSTransportMovement",
        "IncludedSPSConsignmentItem",
    ]
    consignor = text(consignment, "ram:ConsignorSPSParty/ram:Name")
    assert consignor == "Shenzhen Lvyuan Fruit & Vegetable I/E Co., Ltd."
    assert text(consignment, "ram:ConsigneeSPSParty/ram:Name") == "Fresh Asia Trading Pte. Ltd."
    assert text(consignment, "ram:ExportSPSCountry/ram:ID") == "CN"
    assert text(consignment, "ram:ImportSPSCountry/ram:ID") == "SG"
    assert text(consignment, "ram:ImportSPSCountry/ram:Name") == "Singapore"
    assert text(consignment, "ram:MainCarriageSPSTransportMovement/ram:ModeCode") == "1"
    assert "COSCO PRIDE" in text(
        consignment, "ram:MainCarriageSPSTransportMovement/ram:UsedSPSTransportMeans/ram:Name"
    )


def test_trade_line_items_carry_names_weight_packages_origin_and_treatment(xml_root):
    _, root = xml_root
    item = root.find("rsm:SPSConsignment/ram:IncludedSPSConsignmentItem/ram:IncludedSPSTradeLineItem", NS)
    assert text(item, "ram:SequenceNumeric") == "1"
    assert text(item, "ram:ScientificName") == "Litchi chinensis"
    names = {el.get("languageID"): el.text for el in item.findall("ram:CommonName", NS)}
    assert names == {"en": "Fresh litchi", "zh": "鲜荔枝"}
    weight = item.find("ram:NetWeightMeasure", NS)
    assert (weight.text, weight.get("unitCode")) == ("8000.5", "KGM")
    assert text(item, "ram:PhysicalSPSPackage/ram:ItemQuantity") == "1600"
    assert text(item, "ram:PhysicalSPSPackage/ram:TypeCode") == "CT"
    assert text(item, "ram:OriginSPSCountry/ram:ID") == "CN"
    assert text(item, "ram:OriginSPSCountry/ram:SubordinateSPSCountrySubDivision/ram:Name") == "广东增城"
    process = item.find("ram:AppliedSPSProcess", NS)
    started = text(process, "ram:CompletionSPSPeriod/ram:StartDateTime/udt:DateTimeString")
    assert started.startswith("2026-06-10")
    characteristics = process.findall("ram:ApplicableSPSProcessCharacteristic/ram:Description", NS)
    descriptions = [el.text for el in characteristics]
    assert "Treatment: 冷处理 Cold treatment" in descriptions
    tags = [child.tag.split("}")[1] for child in item]
    assert tags.index("NetWeightMeasure") < tags.index("PhysicalSPSPackage") < tags.index("OriginSPSCountry")
    assert tags[-1] == "AppliedSPSProcess"


def test_withdrawn_status_and_other_types_refused():
    content = sample_content("18", certificate_no="530026180000009").to_dict()
    root = ET.fromstring(ephyto_xml(content, status="withdrawn"))
    assert text(root, "rsm:SPSExchangedDocument/ram:StatusCode") == "40"
    with pytest.raises(DomainError) as refused:
        ephyto_xml(sample_content("11", certificate_no="530026110000001"))
    assert refused.value.error == "certificate.not_phytosanitary"
