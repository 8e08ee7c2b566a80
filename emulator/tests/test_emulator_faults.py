"""Fault injection through POST /_emulator/faults."""
import time

import pytest
import requests

CREATE = "/sdkapi/v2/sip/gate/create"


def inject(client, **fault):
    """Add one fault; returns the pending faults."""
    response = client.control("POST", "/faults", fault)
    assert response.status_code == 200, response.text
    return response.json()


def gates(client):
    """The gateways in the emulator state."""
    return client.state()["sip_gates"]


@pytest.mark.parametrize("kind, status", [("http_429", 429), ("http_500", 500), ("http_503", 503)])
def test_http_errors_do_not_perform_the_operation(client, kind, status):
    inject(client, path=CREATE, kind=kind)
    response = client.session.get(client.emulator.url + CREATE, params={"token": client.token, "name": "g", "url": "x:1"})
    assert response.status_code == status
    assert gates(client) == []
    assert client.api("/sip/gate/create", name="g", url="x:1")["gate_id"] == 1


def test_retry_after_header(client):
    inject(client, path=CREATE, kind="http_429", retry_after=2)
    inject(client, path=CREATE, kind="http_503", retry_after="Wed, 21 Oct 2026 07:28:00 GMT")
    url, params = client.emulator.url + CREATE, {"token": client.token, "name": "g", "url": "x:1"}
    first, second = client.session.get(url, params=params), client.session.get(url, params=params)
    assert (first.status_code, first.headers["Retry-After"]) == (429, "2")
    assert (second.status_code, second.headers["Retry-After"]) == (503, "Wed, 21 Oct 2026 07:28:00 GMT")
    assert "Retry-After" not in client.session.get(url, params=params).headers


def test_ret_error(client):
    inject(client, path=CREATE, kind="ret", ret=41002)
    inject(client, path=CREATE, kind="ret", ret=40019, msg="custom text")
    assert client.api("/sip/gate/create", name="g", url="x:1") == {"ret": 41002, "msg": "mysql error"}
    assert client.api("/sip/gate/create", name="g", url="x:1") == {"ret": 40019, "msg": "custom text"}
    assert gates(client) == []


def test_ret_error_uses_the_code_envelope_where_documented(client):
    inject(client, path="/sdkapi/v2/room/close", kind="ret", ret=41003)
    assert client.api("/room/close", room_id="1") == {"code": 41003, "msg": "http server request timeout"}


def test_drop_before_does_not_perform_the_operation(client):
    inject(client, path=CREATE, kind="drop_before")
    with pytest.raises(requests.ConnectionError):
        client.api("/sip/gate/create", name="g", url="x:1")
    assert gates(client) == []


def test_drop_after_performs_the_operation(client):
    inject(client, path=CREATE, kind="drop_after")
    with pytest.raises(requests.ConnectionError):
        client.api("/sip/gate/create", name="g", url="x:1")
    assert gates(client) == [{"gate_id": 1, "name": "g", "url": "x:1"}]
    assert client.api("/sip/gate/create", name="g", url="x:1") == {"ret": 40019, "msg": "sip gate url exists"}


def test_delay(client):
    inject(client, path="/sdkapi/v2/room/list", kind="delay", seconds=0.3)
    started = time.perf_counter()
    assert client.api("/room/list")["ret"] == 0
    assert time.perf_counter() - started >= 0.3
    started = time.perf_counter()
    client.api("/room/list")
    assert time.perf_counter() - started < 0.3


def test_count_and_order(client):
    assert inject(client, path=CREATE, kind="http_503", count=2) == {"faults": [{"path": CREATE, "kind": "http_503", "count": 2}]}
    inject(client, path=CREATE, kind="ret", ret=41001)
    url = client.emulator.url + CREATE
    params = {"token": client.token, "name": "g", "url": "x:1"}
    assert [client.session.get(url, params=params).status_code for dummy in range(2)] == [503, 503]
    assert client.api("/sip/gate/create", name="g", url="x:1")["ret"] == 41001
    assert client.api("/sip/gate/list")["ret"] == 0
    assert client.api("/sip/gate/create", name="g", url="x:1")["ret"] == 0
    assert client.control("GET", "/faults").json() == {"faults": []}


def test_faults_only_hit_their_path_and_are_logged(client):
    inject(client, path=CREATE, kind="http_500")
    assert client.api("/sip/gate/list")["ret"] == 0
    client.control("DELETE", "/requests")
    client.session.get(client.emulator.url + CREATE, params={"token": client.token, "name": "g", "url": "x:1"})
    assert [entry["path"] for entry in client.control("GET", "/requests").json()] == [CREATE]


def test_a_pattern_matches_paths_with_unknown_ids(client):
    inject(client, path="/sdkapi/v2/sip/gate/*", kind="ret", ret=41002, count=2)
    assert client.api("/sip/gate/list")["ret"] == 41002
    assert client.api("/room/list")["ret"] == 0
    assert client.api("/sip/gate/create", name="g", url="x:1")["ret"] == 41002
    assert client.api("/sip/gate/list")["ret"] == 0


def test_clear_faults(client):
    inject(client, path=CREATE, kind="http_500", count=5)
    assert client.control("DELETE", "/faults").json() == {"ok": True}
    assert client.api("/sip/gate/create", name="g", url="x:1")["ret"] == 0


def test_upload_faults(emulator, client):
    inject(client, path="/uploadfile", kind="http_500")
    assert requests.post(emulator.url + "/uploadfile", files={"file": ("a.png", b"x" * 100_000)}, timeout=5).status_code == 500
    assert requests.post(emulator.url + "/uploadfile", files={"file": ("a.png", b"x")}, timeout=5).json()["ret"] == 0


@pytest.mark.parametrize("fault", [
    {"path": CREATE, "kind": "explode"},
    {"path": CREATE},
    {"kind": "http_500"},
    {"path": CREATE, "kind": "http_500", "count": 0},
    {"path": CREATE, "kind": "ret"},
    {"path": CREATE, "kind": "delay", "seconds": "soon"},
    {"path": CREATE, "kind": "http_429", "retry_after": [1]},
    ["not", "an", "object"],
])
def test_invalid_faults_are_refused(client, fault):
    response = client.control("POST", "/faults", fault)
    assert response.status_code == 400
    assert "error" in response.json()
