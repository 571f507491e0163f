"""口岸海关: the districts holding the port of exit read an e-record another district issued, and no more."""

from tests.authz_registry import OTHER_DISTRICT


def test_the_port_district_and_its_parent_read_others_do_not_and_nobody_there_acts(client, factories):
    record = factories.e_record(
        factories.enterprise(district_code=OTHER_DISTRICT),
        district_code=OTHER_DISTRICT,
        departure_port="CNHUA",
    )  # 皇岗, 5301
    url = f"/api/v1/e-records/{record.e_record_no}"

    def headers(role, district):
        return factories.headers(factories.user(role, district_code=district))

    port, parent = headers("reviewer", "5301"), headers("supervisor", "5300")
    for reader in (port, parent):
        read = client.get(url, headers=reader)
        assert read.status_code == 200 and read.get_json()["balance"][0]["remaining"] == "100000.000"
    assert client.get(url, headers=headers("reviewer", "5302")).status_code == 404  # 罗湖: not its port
    void = client.post(f"{url}/void", json={"reason": "口岸不能作废"}, headers=port)
    assert void.status_code == 403 and void.get_json()["error"] == "scope.read_only_district"
    # The application behind it stays the issuing district's.
    assert client.get(f"/api/v1/declarations/{record.declaration_id}", headers=port).status_code == 404
