"""AVD system / app endpoints and authentication (avd.md sections 1.3, 2 and 13)."""
import base64
import re
import time

import requests

from rtcops_emulator import Emulator

API = "/sdkapi/v2"
# The document's request example: /app/get_token?access_key=demo_access&secret_key=demo_secret
DOC_KEYS = {"access_key": "demo_access", "secret_key": "demo_secret"}
# The /app/get_system_info example value, hard-wrapped in the document.
DOC_SYS_INFO = (
    "462ce9ef42ab3d1ea6a73542247d6504f54f8276e2574c3c6f00f3584b13328cbe98b2ac3a21348"
    "fa08704443c437354ee30897ae9574f5436b561b89d4d518782e30edb038d43bfebccfbde792c7bc"
    "00f50f6ee950ccd35778b8af3c0fbca83d32ac6556a87b945b31c2782701c9fd9bed7807abfadc9"
    "da459a45f7021f148"
)
DOC_LICENCE_CERT = "8dcd523e767cfc3d$5dbf28f2a1c3b973$7f454a7d3b5d2086"
TOKEN_INVALID = {"ret": 40003, "msg": "access token check invalid"}


def test_get_token_success_has_ret_and_token_only(emulator, connect):
    body = connect(emulator).api("/app/get_token", **DOC_KEYS)
    assert set(body) == {"ret", "token"}
    assert body["ret"] == 0


def test_tokens_look_base64_and_need_url_encoding(emulator, connect):
    client = connect(emulator)
    tokens = {client.api("/app/get_token", **DOC_KEYS)["token"] for dummy in range(20)}
    assert len(tokens) == 20
    for token in tokens:
        assert re.fullmatch(r"[A-Za-z0-9+/]+=+", token)
        assert "+" in token and "/" in token
        base64.b64decode(token, validate=True)


def test_post_get_token_with_form_body(emulator, connect):
    body = connect(emulator).api("/app/get_token", method="POST", **DOC_KEYS)
    assert body["ret"] == 0


def test_wrong_keys_give_40001(emulator, connect):
    client = connect(emulator)
    for keys in ({"access_key": "demo_access", "secret_key": "nope"}, {"access_key": "nope", "secret_key": "demo_secret"}):
        assert client.api("/app/get_token", **keys) == {"ret": 40001, "msg": "Authenticate failed, access_key or secret_key error"}


def test_missing_keys_give_40002_naming_the_parameter(emulator, connect):
    client = connect(emulator)
    assert client.api("/app/get_token", access_key="demo_access") == {"ret": 40002, "msg": "args required or error: secret_key"}
    assert client.api("/app/get_token", secret_key="demo_secret") == {"ret": 40002, "msg": "args required or error: access_key"}


def test_configured_keys(connect):
    with Emulator(access_key="ak", secret_key="sk") as emulator:
        client = connect(emulator)
        assert client.api("/app/get_token", **DOC_KEYS)["ret"] == 40001
        assert client.api("/app/get_token", access_key="ak", secret_key="sk")["ret"] == 0


def test_missing_token_gives_40002(emulator, connect):
    assert connect(emulator).api("/room/list") == {"ret": 40002, "msg": "args required or error: token"}


def test_unknown_token_gives_40003(emulator, connect):
    assert connect(emulator).api("/room/list", token="ZDA0NDI0ZGE0Yjc0OWU2ODZmZjg2YTgxYzhjMWUyNjdkNDViZTM5YQ==") == TOKEN_INVALID


def test_unencoded_token_is_rejected(client):
    # A raw "+" in a query string decodes to a space (Q-AVD-30).
    url = f"{client.emulator.url}{API}/room/list?token={client.token}"
    assert requests.get(url, timeout=5).json() == TOKEN_INVALID
    assert client.api("/room/list")["ret"] == 0


def test_several_tokens_are_valid_at_once(emulator, connect):
    client = connect(emulator)
    first = client.api("/app/get_token", **DOC_KEYS)["token"]
    second = client.api("/app/get_token", **DOC_KEYS)["token"]
    assert client.api("/room/list", token=first)["ret"] == 0
    assert client.api("/room/list", token=second)["ret"] == 0


def test_expire_control_invalidates_every_token(emulator, connect):
    client = connect(emulator)
    tokens = [client.api("/app/get_token", **DOC_KEYS)["token"] for dummy in range(2)]
    assert client.control("POST", "/avd/tokens/expire").json() == {"expired": 2}
    for token in tokens:
        assert client.api("/sip/gate/list", token=token) == TOKEN_INVALID
        assert client.api("/room/close", token=token, room_id="1") == {"code": 40003, "msg": "access token check invalid"}
    assert client.login()
    assert client.api("/sip/gate/list")["ret"] == 0


def test_token_ttl(connect):
    with Emulator(token_ttl=0.5) as emulator:
        client = connect(emulator)
        client.login()
        assert client.api("/room/list")["ret"] == 0
        time.sleep(0.7)
        assert client.api("/room/list") == TOKEN_INVALID


def test_tokens_issued_counts_successful_get_token_calls(client):
    client.api("/app/get_token", access_key="demo_access", secret_key="bad")
    client.login()
    assert client.state()["tokens_issued"] == 2


def test_get_licence_info(client):
    assert client.api("/app/get_licence_info") == {"ret": 0, "msg": "success", "active_usernum": 0, "max_users": 500}
    client.api("/room/create", room_id="1", user_id="1")
    client.api("/room/create", room_id="2", user_id="1")
    client.open_meeting("1", {"user_id": "16"}, {"user_id": "17"})
    client.open_meeting("2", {"user_id": "18"})
    assert client.api("/app/get_licence_info")["active_usernum"] == 3


def test_max_users_is_configurable(connect):
    with Emulator(max_users=20) as emulator:
        client = connect(emulator)
        client.login()
        assert client.api("/app/get_licence_info")["max_users"] == 20


def test_get_system_info_returns_the_documented_value(client):
    assert client.api("/app/get_system_info") == {"ret": 0, "msg": "success", "sys_info": DOC_SYS_INFO}


def test_file_permits(client):
    assert client.api("/app/apply_file_permit", licence_cert=DOC_LICENCE_CERT) == {"ret": 0, "msg": "success"}
    assert client.api("/app/apply_file_permit", licence_cert=DOC_LICENCE_CERT) == {"ret": 0, "msg": "success"}
    assert client.api("/app/apply_file_permit", licence_cert="other") == {"ret": 0, "msg": "success"}
    assert client.state()["file_permits"] == [DOC_LICENCE_CERT, "other"]
    assert client.api("/app/delete_file_permit", licence_cert=DOC_LICENCE_CERT) == {"ret": 0, "msg": "success"}
    assert client.api("/app/delete_file_permit", licence_cert="never applied") == {"ret": 0, "msg": "success"}
    assert client.state()["file_permits"] == ["other"]


def test_file_permit_needs_licence_cert(client):
    assert client.api("/app/apply_file_permit") == {"ret": 40002, "msg": "args required or error: licence_cert"}
    assert client.api("/app/delete_file_permit") == {"ret": 40002, "msg": "args required or error: licence_cert"}


def test_get_key_licence(client):
    client.api("/room/create", room_id="1", user_id="1")
    client.open_meeting("1", {"user_id": "a", "type": "web"}, {"user_id": "b", "type": "web"},
                        {"user_id": "c", "type": "android"}, {"user_id": "d", "type": "avd_record"})
    assert client.api("/app/get_key_licence", access_key="demo_access") == {
        "detail": {"avd_record": {"count": 1}, "web": {"count": 2}, "android": {"count": 1}},
        "msg": "success",
        "info": {},
        "usernum": 4,
        "ret": 0,
    }
    assert client.api("/app/get_key_licence", access_key="someone_else") == {"detail": {}, "msg": "success", "info": {}, "usernum": 0, "ret": 0}
    assert client.api("/app/get_key_licence") == {"ret": 40002, "msg": "args required or error: access_key"}
