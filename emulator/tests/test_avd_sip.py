"""AVD SIP gateways and accounts (avd.md sections 9 and 10)."""
import pytest

OK = {"ret": 0, "msg": "success"}


def test_gate_create_as_in_the_example(client):
    assert client.api("/sip/gate/create", name="334", url="121.41.102.126:50601") == {
        "msg": "success", "ret": 0, "url": "121.41.102.126:50601", "name": "334", "gate_id": 1}


def test_gate_update_read_list_as_in_the_examples(client):
    client.api("/sip/gate/create", name="334", url="121.41.102.126:50601")
    assert client.api("/sip/gate/update", sip_gate_id="1", name="coco", url="121.41.102.126:50603") == OK
    assert client.api("/sip/gate/read", sip_gate_id="1") == {"msg": "success", "id": 1, "ret": 0, "name": "coco", "url": "121.41.102.126:50603"}
    assert client.api("/sip/gate/list") == {"sip_gates": [{"url": "121.41.102.126:50603", "name": "coco", "gate_id": 1}], "msg": "success", "ret": 0}


def test_gate_url_is_unique_name_is_not(client):
    client.api("/sip/gate/create", name="a", url="10.0.0.1:5060")
    assert client.api("/sip/gate/create", name="b", url="10.0.0.1:5060") == {"ret": 40019, "msg": "sip gate url exists"}
    assert client.api("/sip/gate/create", name="a", url="10.0.0.2:5060")["gate_id"] == 2
    assert client.api("/sip/gate/update", sip_gate_id="2", name="a", url="10.0.0.1:5060") == {"ret": 40019, "msg": "sip gate url exists"}
    assert client.api("/sip/gate/update", sip_gate_id="2", name="c", url="10.0.0.2:5060") == OK


def test_gate_update_needs_every_field(client):
    client.api("/sip/gate/create", name="a", url="10.0.0.1:5060")
    assert client.api("/sip/gate/update", sip_gate_id="1", name="b") == {"ret": 40002, "msg": "args required or error: url"}
    assert client.api("/sip/gate/update", sip_gate_id="1", url="10.0.0.9:5060") == {"ret": 40002, "msg": "args required or error: name"}
    assert client.api("/sip/gate/update", name="b", url="x") == {"ret": 40002, "msg": "args required or error: sip_gate_id"}
    assert client.api("/sip/gate/read", sip_gate_id="1")["url"] == "10.0.0.1:5060"


def test_gate_create_needs_name_and_url(client):
    assert client.api("/sip/gate/create", url="10.0.0.1:5060") == {"ret": 40002, "msg": "args required or error: name"}
    assert client.api("/sip/gate/create", name="a") == {"ret": 40002, "msg": "args required or error: url"}


def test_unknown_gate_gives_40020(client):
    failure = {"ret": 40020, "msg": "no such sip_gate_id"}
    assert client.api("/sip/gate/read", sip_gate_id="3") == failure
    assert client.api("/sip/gate/update", sip_gate_id="3", name="coco", url="x:1") == failure
    assert client.api("/sip/gate/del", sip_gate_id="2") == failure


def test_gate_id_must_be_an_integer(client):
    assert client.api("/sip/gate/read", sip_gate_id="abc") == {"ret": 40002, "msg": "args required or error: sip_gate_id"}


def test_gate_delete_and_ids_are_never_reused(client):
    for number in range(1, 4):
        assert client.api("/sip/gate/create", name=f"g{number}", url=f"10.0.0.{number}:5060")["gate_id"] == number
    assert client.api("/sip/gate/del", sip_gate_id="2") == OK
    assert [gate["gate_id"] for gate in client.api("/sip/gate/list")["sip_gates"]] == [1, 3]
    assert client.api("/sip/gate/create", name="g4", url="10.0.0.2:5060")["gate_id"] == 4


def test_account_create_as_in_the_example(client):
    client.api("/sip/gate/create", name="334", url="121.41.102.126:50601")
    assert client.api("/sip/account/create", name="ceshi", password="123456", number="23", sip_gate_id="1") == {
        "account_id": 1, "msg": "success", "ret": 0, "name": "ceshi", "sip_gate_id": 1}


def test_account_read_as_in_the_example(client):
    client.api("/sip/gate/create", name="334", url="121.41.102.126:50601")
    client.api("/sip/account/create", name="ceshi", password="123456", number="23", sip_gate_id="1")
    assert client.api("/sip/account/update", account_id="1", name="xiangbin", password="123123", number="23") == OK
    # The example reads with sip_gate_id=12 an account of gateway 3 (Q-AVD-50).
    assert client.api("/sip/account/read", account_id="1", sip_gate_id="12") == {
        "recv_audio_codec": "PCMU",
        "ret": 0,
        "phone_name": "xiangbin",
        "gate_id": 1,
        "account_id": 1,
        "msg": "success",
        "password": "123123",
        "send_audio_codec": "PCMU",
        "phone_number": "23",
        "recv_video_codec": "H264",
        "name": "xiangbin",
        "send_video_codec": "H264",
    }


def test_account_read_needs_sip_gate_id(client):
    client.api("/sip/gate/create", name="334", url="x:1")
    client.api("/sip/account/create", name="a", password="p", number="23", sip_gate_id="1")
    assert client.api("/sip/account/read", account_id="1") == {"ret": 40002, "msg": "args required or error: sip_gate_id"}


def test_account_create_needs_an_existing_gate(client):
    assert client.api("/sip/account/create", name="ceshi", password="123456", number="23", sip_gate_id="3") == {"ret": 40020, "msg": "no such sip_gate"}


@pytest.mark.parametrize("missing", ["name", "password", "number", "sip_gate_id"])
def test_account_create_needs_every_field(client, missing):
    client.api("/sip/gate/create", name="334", url="x:1")
    params = {"name": "a", "password": "p", "number": "23", "sip_gate_id": "1"}
    del params[missing]
    assert client.api("/sip/account/create", **params) == {"ret": 40002, "msg": f"args required or error: {missing}"}


def test_account_number_is_unique(client):
    client.api("/sip/gate/create", name="334", url="x:1")
    client.api("/sip/gate/create", name="335", url="x:2")
    client.api("/sip/account/create", name="a", password="p", number="23", sip_gate_id="1")
    client.api("/sip/account/create", name="b", password="p", number="24", sip_gate_id="1")
    duplicate = {"ret": 40021, "msg": "phone number has already exist"}
    assert client.api("/sip/account/create", name="c", password="p", number="23", sip_gate_id="2") == duplicate
    assert client.api("/sip/account/update", account_id="2", name="b", password="p", number="23") == duplicate
    assert client.api("/sip/account/update", account_id="1", name="a2", password="p2", number="23") == OK


@pytest.mark.parametrize("missing", ["account_id", "name", "password", "number"])
def test_account_update_needs_every_field(client, missing):
    client.api("/sip/gate/create", name="334", url="x:1")
    client.api("/sip/account/create", name="a", password="p", number="23", sip_gate_id="1")
    params = {"account_id": "1", "name": "b", "password": "q", "number": "24"}
    del params[missing]
    assert client.api("/sip/account/update", **params) == {"ret": 40002, "msg": f"args required or error: {missing}"}


def test_account_gateway_cannot_change(client):
    client.api("/sip/gate/create", name="334", url="x:1")
    client.api("/sip/gate/create", name="335", url="x:2")
    client.api("/sip/account/create", name="a", password="p", number="23", sip_gate_id="1")
    assert client.api("/sip/account/update", account_id="1", name="a", password="p", number="23", sip_gate_id="2") == OK
    assert client.api("/sip/account/read", account_id="1", sip_gate_id="2")["gate_id"] == 1


def test_unknown_account_gives_40022(client):
    failure = {"ret": 40022, "msg": "no such account_id"}
    assert client.api("/sip/account/update", account_id="7", name="ceshi", password="123456", number="23") == failure
    assert client.api("/sip/account/read", account_id="7", sip_gate_id="12") == failure
    assert client.api("/sip/account/del", account_id="7") == failure


def test_account_delete(client):
    client.api("/sip/gate/create", name="334", url="x:1")
    client.api("/sip/account/create", name="a", password="p", number="23", sip_gate_id="1")
    assert client.api("/sip/account/del", account_id="1") == OK
    assert client.api("/sip/account/read", account_id="1", sip_gate_id="1")["ret"] == 40022
    assert client.api("/sip/account/create", name="a", password="p", number="23", sip_gate_id="1")["account_id"] == 2


def test_gate_and_account_ids_have_separate_counters(client):
    assert client.api("/sip/gate/create", name="g", url="x:1")["gate_id"] == 1
    assert client.api("/sip/gate/create", name="g", url="x:2")["gate_id"] == 2
    assert client.api("/sip/account/create", name="a", password="p", number="1", sip_gate_id="2")["account_id"] == 1
    assert client.api("/sip/gate/create", name="g", url="x:3")["gate_id"] == 3
    assert client.api("/sip/account/create", name="a", password="p", number="2", sip_gate_id="1")["account_id"] == 2


def test_there_is_no_account_list_endpoint(client):
    response = client.session.get(client.emulator.url + "/sdkapi/v2/sip/account/list", params={"token": client.token})
    assert response.status_code == 404


def test_deleting_a_gate_keeps_its_accounts(client):
    client.api("/sip/gate/create", name="g", url="x:1")
    client.api("/sip/account/create", name="a", password="p", number="23", sip_gate_id="1")
    assert client.api("/sip/gate/del", sip_gate_id="1") == OK
    assert client.api("/sip/account/read", account_id="1", sip_gate_id="1")["gate_id"] == 1
    assert client.state()["sip_accounts"] == [{"account_id": 1, "sip_gate_id": 1, "name": "a", "number": "23", "password": "p"}]
