"""Server core: routing, methods, parameter parsing, keep-alive, request log and control API."""
import http.client
import socket

import pytest
import requests

from rtcops_emulator import Emulator


def test_url_and_ephemeral_port(emulator):
    assert emulator.url.startswith("http://127.0.0.1:")
    assert int(emulator.url.rsplit(":", 1)[1]) > 0
    assert emulator.ca_cert is None


def test_unknown_path_is_404(emulator):
    for path in ("/sdkapi/v2/room/nothing", "/room/create", "/sdkapi/v2/room/create/", "/"):
        response = requests.get(emulator.url + path, timeout=5)
        assert response.status_code == 404
        assert response.headers["Content-Type"] == "text/html"


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "HEAD"])
def test_unsupported_method_is_405(emulator, method):
    response = requests.request(method, emulator.url + "/sdkapi/v2/room/list", timeout=5)
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, POST"


def test_api_errors_are_http_200_json(emulator):
    response = requests.get(emulator.url + "/sdkapi/v2/room/read", params={"token": "x"}, timeout=5)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json;charset=utf-8"
    assert response.json() == {"ret": 40003, "msg": "access token check invalid"}


def test_post_body_and_query_string_are_merged(client):
    url = client.emulator.url + "/sdkapi/v2/room/create"
    response = client.session.post(url, params={"token": client.token, "room_id": "1"}, data={"user_id": "16", "topic": "from body"})
    assert response.json() == {"ret": 0, "msg": "success", "room_id": "1"}
    assert client.api("/room/read", room_id="1")["data"]["topic"] == "from body"


def test_chunked_form_body(client):
    body = f"token={requests.utils.quote(client.token, safe='')}&room_id=2&user_id=3".encode()
    response = client.session.post(client.emulator.url + "/sdkapi/v2/room/create", data=iter([body[:10], body[10:]]),
                                   headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.json()["room_id"] == "2"


def test_values_are_url_decoded(client):
    client.api("/room/create", room_id="r 1", user_id="16", topic="a+b&c=d/é")
    assert client.api("/room/read", room_id="r 1")["data"]["topic"] == "a+b&c=d/é"


def test_keep_alive_calls_share_one_connection(client):
    # Counted, not timed: a connection per call (or the ~40 ms Nagle stall that makes clients give up on keep-alive)
    # shows in the count; the speed itself is measured by benchmarks/bench_emulator.py.
    client.api("/app/get_licence_info")
    before = client.emulator.connections_accepted()
    for dummy in range(200):
        assert client.api("/app/get_licence_info")["ret"] == 0
    assert client.emulator.connections_accepted() == before
    assert before >= 1


def test_one_connection_serves_many_requests(emulator):
    port = int(emulator.url.rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    for dummy in range(3):
        connection.request("GET", "/sdkapi/v2/room/list")
        response = connection.getresponse()
        assert response.getheader("Connection") is None
        assert b"40002" in response.read()
    connection.close()


def test_stop_closes_keep_alive_connections():
    emulator = Emulator().start()
    session = requests.Session()
    assert session.get(emulator.url + "/sdkapi/v2/room/list", timeout=5).status_code == 200
    url = emulator.url
    emulator.stop()
    with pytest.raises(requests.ConnectionError):
        session.get(url + "/sdkapi/v2/room/list", timeout=5)


def test_request_log_masks_secrets(client):
    client.control("DELETE", "/requests")
    client.login()
    client.api("/sip/gate/create", name="g", url="x:1")
    client.api("/sip/account/create", name="a", password="secret", number="1", sip_gate_id="1")
    client.session.get(client.emulator.url + "/nowhere", params={"a": "b"})
    client.control("GET", "/state")
    assert client.control("GET", "/requests").json() == [
        {"method": "GET", "path": "/sdkapi/v2/app/get_token", "params": {"access_key": "demo_access", "secret_key": "***"}},
        {"method": "GET", "path": "/sdkapi/v2/sip/gate/create", "params": {"name": "g", "url": "x:1", "token": "***"}},
        {"method": "GET", "path": "/sdkapi/v2/sip/account/create",
         "params": {"name": "a", "password": "***", "number": "1", "sip_gate_id": "1", "token": "***"}},
        {"method": "GET", "path": "/nowhere", "params": {"a": "b"}},
    ]
    assert client.control("DELETE", "/requests").json() == {"ok": True}
    assert client.control("GET", "/requests").json() == []


def test_request_log_records_post_body_parameters(client):
    client.control("DELETE", "/requests")
    client.api("/room/list", method="POST")
    assert client.control("GET", "/requests").json() == [{"method": "POST", "path": "/sdkapi/v2/room/list", "params": {"token": "***"}}]


def test_state_shape(client):
    client.api("/room/create", room_id="1", user_id="16", topic="t")
    client.open_meeting("1", {"user_id": "16", "user_name": "x", "type": "web"})
    client.api("/sip/gate/create", name="g", url="x:1")
    client.api("/sip/account/create", name="a", password="p", number="8001", sip_gate_id="1")
    client.api("/app/apply_file_permit", licence_cert="c")
    state = client.control("GET", "/state").json()
    assert set(state) == {"avd", "topvdn", "netless", "wilddog", "anyrtc"}
    avd = state["avd"]
    assert avd["rooms"] == {"1": {"user_id": "16", "topic": "t", "enable_auto_cloud_recording": False, "enable_voice_activated": False,
                                  "enable_auto_avc": False, "resolution": None, "enable_transcode_video": None}}
    assert list(avd["meetings"]) == ["1"]
    assert isinstance(avd["meetings"]["1"]["create_time"], int)
    assert [(person["user_id"], person["user_name"], person["type"]) for person in avd["meetings"]["1"]["participants"]] == [("16", "x", "web")]
    assert avd["sip_gates"] == [{"gate_id": 1, "name": "g", "url": "x:1"}]
    assert avd["sip_accounts"] == [{"account_id": 1, "sip_gate_id": 1, "name": "a", "number": "8001", "password": "p"}]
    assert avd["file_permits"] == ["c"]
    assert avd["uploads"] == []
    assert avd["tokens_issued"] == 1


def test_reset(client):
    old_token = client.token
    client.api("/room/create", room_id="1", user_id="16")
    client.api("/sip/gate/create", name="g", url="x:1")
    upload = requests.post(client.emulator.url + "/uploadfile", files={"file": ("a.png", b"x")}, timeout=5).json()
    client.control("POST", "/faults", {"path": "/sdkapi/v2/room/list", "kind": "http_500"})
    assert client.control("POST", "/reset").json() == {"ok": True}
    assert client.state() == {"rooms": {}, "meetings": {}, "sip_gates": [], "sip_accounts": [], "file_permits": [], "uploads": [], "tokens_issued": 0,
                              "recordings": [], "statistics": {}, "chat": {}, "device_calls": {}, "device_answers": {},
                              "avc": {}, "avc_site": {"force": None, "params_set": True}, "live_config": {"service": "up"},
                              "live_streams": [], "media_players": {}}
    assert client.control("GET", "/requests").json() == []
    assert client.control("GET", "/faults").json() == {"faults": []}
    assert client.api("/room/list", token=old_token) == {"ret": 40003, "msg": "access token check invalid"}
    client.login()
    assert client.api("/sip/gate/create", name="g", url="x:1")["gate_id"] == 1
    assert requests.get(upload["download_url"], timeout=5).status_code == 404


def test_unknown_control_path(emulator):
    response = requests.get(emulator.url + "/_emulator/nothing", timeout=5)
    assert response.status_code == 404
    assert "error" in response.json()
    assert requests.get(emulator.url + "/_emulator/reset", timeout=5).status_code == 405


def test_control_body_must_be_json(emulator):
    response = requests.post(emulator.url + "/_emulator/faults", data=b"{not json", timeout=5)
    assert response.status_code == 400


def test_bad_content_length_is_400(emulator):
    port = int(emulator.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        connection.sendall(b"POST /sdkapi/v2/room/list HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n")
        assert connection.recv(65536).startswith(b"HTTP/1.1 400 ")
