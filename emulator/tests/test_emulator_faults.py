"""Fault injection through POST /_emulator/faults."""
import hashlib
import http.client
import json
import socket
import time
from urllib.parse import urlencode, urlsplit

import pytest
import requests

from rtcops_emulator import server

CREATE = "/sdkapi/v2/sip/gate/create"
LIST = "/sdkapi/v2/sip/gate/list"
# Several pieces of the server's 64 KiB file reads, and not a multiple of them.
FILE_DATA = bytes(range(256)) * 700 + b"tail"


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


def test_delay(client, monkeypatch):
    pauses = []
    real_sleep = time.sleep

    def recording_sleep(seconds):
        pauses.append(seconds)
        real_sleep(seconds)

    # The server's pause is recorded rather than timed: a clock measured around the call depends on the machine.
    monkeypatch.setattr(server.time, "sleep", recording_sleep)
    inject(client, path="/sdkapi/v2/room/list", kind="delay", seconds=0.3)
    assert client.api("/room/list")["ret"] == 0
    assert 0.3 in pauses
    assert client.control("GET", "/faults").json() == {"faults": []}


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
    {"path": CREATE, "kind": "http_429", "retry_after": "1\r\nSet-Cookie: x=y"},
    ["not", "an", "object"],
    {"path": CREATE, "kind": "http_status"},
    {"path": CREATE, "kind": "http_status", "status": 418},
    {"path": CREATE, "kind": "http_status", "status": "502"},
    {"path": CREATE, "kind": "truncate", "bytes": -1},
    {"path": CREATE, "kind": "reset", "bytes": 1.5},
    {"path": CREATE, "kind": "short_length", "bytes": True},
    {"path": CREATE, "kind": "drip", "bytes_per_second": 0},
    {"path": CREATE, "kind": "drip", "bytes_per_second": "fast"},
    {"path": CREATE, "kind": "oversize", "size": 18},
    {"path": CREATE, "kind": "oversize", "size": "big"},
    {"path": CREATE, "kind": "redirect"},
    {"path": CREATE, "kind": "redirect", "location": ""},
    {"path": CREATE, "kind": "redirect", "location": "/x\r\nSet-Cookie: a=b"},
    {"path": CREATE, "kind": "redirect", "location": "/x", "status": 304},
])
def test_invalid_faults_are_refused(client, fault):
    response = client.control("POST", "/faults", fault)
    assert response.status_code == 400
    assert "error" in response.json()


def create_target(client, name="g", url="x:1"):
    """The request target of a gateway creation (query string included)."""
    return CREATE + "?" + urlencode({"token": client.token, "name": name, "url": url})


def uploaded(emulator, data=FILE_DATA):
    """Upload ``data`` through /uploadfile; returns the request target of its /attachment download."""
    body = requests.post(emulator.url + "/uploadfile", files={"file": ("clip.mp4", data)}, timeout=5).json()
    assert body["ret"] == 0, body
    parts = urlsplit(body["download_url"])
    return f"{parts.path}?{parts.query}"


def raw_get(emulator, target, method="GET"):
    """One request over a new socket, read without any HTTP library's help.

    Returns (status, headers, body, body_reads, ending): ``body_reads`` counts the reads that brought body bytes;
    ``ending`` is ``"complete"`` (Content-Length bytes arrived, connection open), ``"closed"`` (end of stream
    first) or ``"reset"`` (ConnectionResetError).
    """
    address = urlsplit(emulator.url)
    with socket.create_connection((address.hostname, address.port), timeout=10) as connection:
        connection.sendall(f"{method} {target} HTTP/1.1\r\nHost: {address.netloc}\r\n\r\n".encode("latin-1"))
        received, head, body_reads = b"", None, 0
        while True:
            try:
                data = connection.recv(65536)
            except ConnectionResetError:
                ending = "reset"
                break
            if not data:
                ending = "closed"
                break
            received += data
            if head is None and b"\r\n\r\n" in received:
                head, received = received.split(b"\r\n\r\n", 1)
                lines = head.decode("latin-1").split("\r\n")
                status = int(lines[0].split()[1])
                headers = {name.lower(): value.strip() for name, value in (line.split(":", 1) for line in lines[1:])}
                expected = 0 if method == "HEAD" else int(headers["content-length"])
                body_reads = 1 if received else 0
            elif head is not None:
                body_reads += 1
            if head is not None and len(received) >= expected:
                ending = "complete"
                break
    assert head is not None, "no complete reply head arrived"
    return status, headers, received, body_reads, ending


@pytest.mark.parametrize("status, title", [
    (400, "400 Bad Request"), (404, "404 Not Found"), (405, "405 Not Allowed"), (408, "408 Request Time-out"),
    (413, "413 Request Entity Too Large"), (500, "500 Internal Server Error"), (502, "502 Bad Gateway"),
    (503, "503 Service Temporarily Unavailable"), (504, "504 Gateway Time-out"),
])
def test_http_status_is_an_nginx_page_and_the_call_does_not_run(client, status, title):
    inject(client, path=CREATE, kind="http_status", status=status)
    response = client.session.get(client.emulator.url + create_target(client))
    assert response.status_code == status
    assert response.headers["Content-Type"] == "text/html"
    assert f"<title>{title}</title>" in response.text
    assert "Retry-After" not in response.headers
    assert gates(client) == []


def test_http_status_with_retry_after(client):
    inject(client, path=CREATE, kind="http_status", status=502, retry_after=7)
    response = client.session.get(client.emulator.url + create_target(client))
    assert (response.status_code, response.headers["Retry-After"]) == (502, "7")


def test_truncate_announces_the_full_length_sends_half_and_closes(client):
    inject(client, path=CREATE, kind="truncate")
    status, headers, body, dummy, ending = raw_get(client.emulator, create_target(client))
    assert status == 200 and ending == "closed"
    announced = int(headers["content-length"])
    assert len(body) == announced // 2 < announced
    assert gates(client) == [{"gate_id": 1, "name": "g", "url": "x:1"}], "the call ran before its reply was cut"


def test_truncate_of_a_file_sends_its_first_bytes(emulator, client):
    target = uploaded(emulator)
    inject(client, path="/attachment", kind="truncate", bytes=70_000)
    status, headers, body, dummy, ending = raw_get(emulator, target)
    assert (status, int(headers["content-length"]), ending) == (200, len(FILE_DATA), "closed")
    assert body == FILE_DATA[:70_000]


def test_truncate_never_sends_the_whole_body(emulator, client):
    target = uploaded(emulator, b"0123456789")
    inject(client, path="/attachment", kind="truncate", bytes=1000)
    dummy, headers, body, dummy, ending = raw_get(emulator, target)
    assert (headers["content-length"], body, ending) == ("10", b"012345678", "closed")


def test_reset_sends_part_of_the_file_then_a_tcp_reset(emulator, client):
    target = uploaded(emulator)
    inject(client, path="/attachment", kind="reset", bytes=1000)
    status, headers, body, dummy, ending = raw_get(emulator, target)
    assert (status, int(headers["content-length"]), ending) == (200, len(FILE_DATA), "reset")
    assert FILE_DATA.startswith(body) and len(body) <= 1000


def test_reset_runs_the_call(client):
    inject(client, path=CREATE, kind="reset")
    with pytest.raises((requests.ConnectionError, requests.exceptions.ChunkedEncodingError)):
        client.api("/sip/gate/create", name="g", url="x:1")
    assert gates(client) == [{"gate_id": 1, "name": "g", "url": "x:1"}]


def test_short_length_looks_complete_and_keeps_the_connection(emulator, client):
    target = uploaded(emulator)
    inject(client, path="/attachment", kind="short_length", bytes=100)
    address = urlsplit(emulator.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    try:
        connection.request("GET", target)
        short = connection.getresponse()
        assert (short.status, short.getheader("Content-Length"), short.read()) == (200, "100", FILE_DATA[:100])
        connection.request("GET", target)
        assert connection.getresponse().read() == FILE_DATA
    finally:
        connection.close()


def test_short_length_of_a_json_reply_defaults_to_half(client):
    client.api("/sip/gate/create", name="g", url="x:1")
    whole = client.session.get(client.emulator.url + LIST, params={"token": client.token}).content
    inject(client, path=LIST, kind="short_length")
    status, headers, body, dummy, ending = raw_get(client.emulator, LIST + "?" + urlencode({"token": client.token}))
    assert (status, ending) == (200, "complete")
    assert int(headers["content-length"]) == len(body) == len(whole) // 2
    assert body == whole[:len(whole) // 2]


def test_corrupt_file_has_the_same_length_and_other_bytes(emulator, client):
    target = uploaded(emulator)
    inject(client, path="/attachment", kind="corrupt")
    response = requests.get(emulator.url + target, timeout=5)
    assert response.status_code == 200
    assert len(response.content) == len(FILE_DATA)
    assert hashlib.sha256(response.content).digest() != hashlib.sha256(FILE_DATA).digest()
    assert requests.get(emulator.url + target, timeout=5).content == FILE_DATA


def test_corrupt_json_reply_runs_the_call(client):
    inject(client, path=CREATE, kind="corrupt")
    response = client.session.get(client.emulator.url + create_target(client))
    intact = json.dumps({"ret": 0, "msg": "success", "gate_id": 1}).encode()
    assert response.status_code == 200
    assert len(response.content) == int(response.headers["Content-Length"])
    assert response.content != intact
    assert gates(client) == [{"gate_id": 1, "name": "g", "url": "x:1"}]


def test_drip_sends_the_whole_reply_in_many_pieces(emulator, client):
    target = uploaded(emulator, bytes(range(200)))
    inject(client, path="/attachment", kind="drip", bytes_per_second=400)
    status, headers, body, body_reads, ending = raw_get(emulator, target)
    assert (status, ending, body) == (200, "complete", bytes(range(200)))
    assert headers["content-length"] == "200"
    assert body_reads >= 3


def test_drip_of_a_json_reply(client):
    client.api("/sip/gate/create", name="g", url="x:1")
    whole = client.session.get(client.emulator.url + LIST, params={"token": client.token}).content
    inject(client, path=LIST, kind="drip", bytes_per_second=1000)
    assert client.session.get(client.emulator.url + LIST, params={"token": client.token}).content == whole


def test_oversize_is_valid_json_of_the_size_and_the_call_does_not_run(client):
    inject(client, path=CREATE, kind="oversize", size=300_000)
    response = client.session.get(client.emulator.url + create_target(client))
    assert (response.status_code, response.headers["Content-Type"]) == (200, "application/json;charset=utf-8")
    assert len(response.content) == 300_000
    document = response.json()
    assert document["code"] == 0 and set(document["pad"]) == {"a"}
    assert gates(client) == []


def test_oversize_default_is_ten_mebibytes(client):
    inject(client, path=LIST, kind="oversize")
    response = client.session.get(client.emulator.url + LIST, params={"token": client.token}, stream=True)
    assert response.headers["Content-Length"] == str(10 * 1024 * 1024)
    assert sum(len(chunk) for chunk in response.iter_content(1 << 20)) == 10 * 1024 * 1024


def test_html_200_is_a_web_page_and_the_call_does_not_run(client):
    inject(client, path=CREATE, kind="html_200")
    response = client.session.get(client.emulator.url + create_target(client))
    assert (response.status_code, response.headers["Content-Type"]) == (200, "text/html")
    assert response.text.startswith("<!DOCTYPE html>")
    with pytest.raises(ValueError):
        response.json()
    assert gates(client) == []


@pytest.mark.parametrize("extra, status, title", [
    ({}, 302, "302 Found"),
    ({"status": 301}, 301, "301 Moved Permanently"),
    ({"status": 303}, 303, "303 See Other"),
    ({"status": 307}, 307, "307 Temporary Redirect"),
    ({"status": 308}, 308, "308 Permanent Redirect"),
])
def test_redirect(client, extra, status, title):
    inject(client, path=CREATE, kind="redirect", location="https://login.example.net/portal?from=x", **extra)
    response = client.session.get(client.emulator.url + create_target(client), allow_redirects=False)
    assert response.status_code == status
    assert response.headers["Location"] == "https://login.example.net/portal?from=x"
    assert f"<title>{title}</title>" in response.text
    assert gates(client) == []


def test_short_length_on_a_head_request(emulator, client):
    target = uploaded(emulator)
    inject(client, path="/attachment", kind="short_length", bytes=5)
    status, headers, body, dummy, ending = raw_get(emulator, target, method="HEAD")
    assert (status, headers["content-length"], body, ending) == (200, "5", b"", "complete")


def test_the_new_kinds_are_listed_with_their_fields(client):
    inject(client, path="/a", kind="truncate", bytes=3)
    inject(client, path="/b", kind="drip")
    inject(client, path="/c", kind="oversize", size=100)
    inject(client, path="/d", kind="redirect", location="/x", count=2)
    inject(client, path="/e", kind="http_status", status=504, retry_after="5")
    assert client.control("GET", "/faults").json()["faults"] == [
        {"path": "/a", "kind": "truncate", "count": 1, "bytes": 3},
        {"path": "/b", "kind": "drip", "count": 1, "bytes_per_second": 16},
        {"path": "/c", "kind": "oversize", "count": 1, "size": 100},
        {"path": "/d", "kind": "redirect", "count": 2, "location": "/x", "status": 302},
        {"path": "/e", "kind": "http_status", "count": 1, "status": 504, "retry_after": "5"},
    ]
