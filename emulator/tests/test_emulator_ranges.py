"""HTTP Range on the routes that serve files, and the switch that turns it off."""
import base64
import json

import pytest
import requests

from rtcops_emulator.ranges import span

# More than one 64 KiB read of the server, so a range starts and ends inside different reads.
FILE_DATA = bytes(range(256)) * 700 + b"tail"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 4 + b"\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 3


def control(emulator, method, path, body=None):
    """Call the control API; asserts success."""
    response = requests.request(method, f"{emulator.url}/_emulator{path}", json=body, timeout=5)
    assert response.status_code == 200, response.text
    return response.json()


def avd_file(emulator):
    """Each of these makes a file downloadable and returns its URL."""
    body = requests.post(emulator.url + "/uploadfile", files={"file": ("clip.mp4", FILE_DATA)}, timeout=5).json()
    return body["download_url"]


def topvdn_device(emulator, **images):
    control(emulator, "POST", "/topvdn/devices", {
        "client_id": 7, "client_token": "device-token", **{f"{kind}_image": base64.b64encode(data).decode() for kind, data in images.items()}})


def topvdn_cover(emulator):
    topvdn_device(emulator, cover=JPEG)
    return f"{emulator.url}/v2/snapshots/7/cover?client_token=device-token"


def topvdn_stream(emulator):
    topvdn_device(emulator, pushing=JPEG)
    return f"{emulator.url}/_topvdn/stream/7/latest.jpg"


def topvdn_record(emulator):
    topvdn_device(emulator, record=PNG)
    return f"{emulator.url}/_topvdn/record/7/latest.png"


def netless_object(emulator):
    control(emulator, "POST", "/netless/rooms", {"uuid": "room1", "scenes": ["/init"], "tokens": {"writer-token": "writer"}})
    response = requests.post(f"{emulator.url}/v5/rooms/room1/screenshots", json={"width": 64, "height": 48},
                             headers={"token": "writer-token"}, timeout=5)
    assert response.status_code == 201, response.text
    return response.json()["url"]


def wilddog_image(emulator):
    control(emulator, "POST", "/wilddog/apps", {"app_id": "app1", "admin_token": "admin-token", "rooms": {"r1": ["s1"]}})
    control(emulator, "POST", "/wilddog/config", {"image_delay": 0})
    body = requests.get(f"{emulator.url}/v2/snapshot", params={"appId": "app1", "roomId": "r1", "token": "admin-token"}, timeout=5).json()
    return body["url"][0]


def anyrtc_playlist(emulator):
    control(emulator, "POST", "/anyrtc/apps", {"app_id": "app1", "customer_id": "c1", "customer_certificate": "cert",
                                               "channels": {"ch1": ["123"]}})
    headers = {"Authorization": "Basic " + base64.b64encode(b"c1:cert").decode(), "Content-Type": "application/json;charset=utf-8"}
    base = f"{emulator.url}/v1/apps/app1/cloud_recording"

    def post(path, body):
        response = requests.post(base + path, data=json.dumps(body), headers=headers, timeout=5)
        assert response.status_code == 200, response.text
        return response.json()
    resource = post("/acquire", {"cname": "ch1", "uid": "9", "clientRequest": {}})["resourceId"]
    recording = {"recordingConfig": {"streamTypes": 2, "channelType": 0}, "recordingFileConfig": {"avFileType": ["hls"]},
                 "storageConfig": {"vendor": 2, "region": 3, "bucket": "bucket1", "accessKey": "a", "secretKey": "s"}}
    sid = post(f"/resourceid/{resource}/mode/mix/start", {"cname": "ch1", "uid": "9", "clientRequest": recording})["sid"]
    stopped = post(f"/resourceid/{resource}/sid/{sid}/mode/mix/stop", {"cname": "ch1", "uid": "9", "clientRequest": {}})
    return f"{emulator.url}/_anyrtc/storage/bucket1/{stopped['serverResponse']['fileList']}"


FILE_ROUTES = [avd_file, topvdn_cover, topvdn_stream, topvdn_record, netless_object, wilddog_image, anyrtc_playlist]


@pytest.mark.parametrize("make", FILE_ROUTES, ids=lambda make: make.__name__)
def test_every_file_route_answers_ranges(emulator, make):
    url = make(emulator)
    whole = requests.get(url, timeout=5)
    assert whole.status_code == 200 and whole.headers["Accept-Ranges"] == "bytes"
    total = len(whole.content)
    part = requests.get(url, headers={"Range": "bytes=5-"}, timeout=5)
    assert part.status_code == 206
    assert part.headers["Content-Range"] == f"bytes 5-{total - 1}/{total}"
    assert part.headers["Content-Type"] == whole.headers["Content-Type"]
    assert part.content == whole.content[5:]
    beyond = requests.get(url, headers={"Range": f"bytes={total}-"}, timeout=5)
    assert beyond.status_code == 416 and beyond.headers["Content-Range"] == f"bytes */{total}"


@pytest.mark.parametrize("header, wanted", [
    ("bytes=1000-", slice(1000, None)),
    ("bytes=0-0", slice(0, 1)),
    ("bytes=65530-131080", slice(65530, 131081)),
    ("bytes=170000-999999999", slice(170000, None)),
    ("bytes=-4", slice(-4, None)),
    ("bytes=-999999999", slice(0, None)),
])
def test_range_of_a_file_on_disk(emulator, header, wanted):
    url = avd_file(emulator)
    response = requests.get(url, headers={"Range": header}, timeout=5)
    expected = FILE_DATA[wanted]
    first = wanted.start if wanted.start is not None and wanted.start >= 0 else len(FILE_DATA) - len(expected)
    assert response.status_code == 206
    assert response.content == expected
    assert response.headers["Content-Length"] == str(len(expected))
    assert response.headers["Content-Range"] == f"bytes {first}-{first + len(expected) - 1}/{len(FILE_DATA)}"


def test_head_with_a_range_announces_the_part(emulator):
    response = requests.head(avd_file(emulator), headers={"Range": "bytes=10-19"}, timeout=5)
    assert response.status_code == 206
    assert (response.headers["Content-Length"], response.headers["Content-Range"]) == ("10", f"bytes 10-19/{len(FILE_DATA)}")


@pytest.mark.parametrize("header", ["bytes=5-1", "bytes=1-2,5-6", "bytes=a-", "items=0-5", "bytes=", "bytes=-", "0-5"])
def test_malformed_or_multiple_ranges_are_ignored(emulator, header):
    response = requests.get(avd_file(emulator), headers={"Range": header}, timeout=5)
    assert (response.status_code, response.content) == (200, FILE_DATA)
    assert response.headers["Accept-Ranges"] == "bytes"


def test_if_range_gives_the_whole_file(emulator):
    response = requests.get(avd_file(emulator), headers={"Range": "bytes=5-", "If-Range": '"some-etag"'}, timeout=5)
    assert (response.status_code, response.content) == (200, FILE_DATA)


def test_errors_and_api_replies_have_no_ranges(emulator):
    missing = requests.get(emulator.url + "/attachment", params={"file": "/none.mp4"}, headers={"Range": "bytes=5-"}, timeout=5)
    assert missing.status_code == 404 and "Accept-Ranges" not in missing.headers
    token = requests.get(emulator.url + "/sdkapi/v2/app/get_token", params={"access_key": "demo_access", "secret_key": "demo_secret"},
                         headers={"Range": "bytes=5-"}, timeout=5)
    assert token.status_code == 200 and "Accept-Ranges" not in token.headers and token.json()["ret"] == 0


def test_switched_off_the_server_ignores_ranges_until_reset(emulator):
    url = avd_file(emulator)
    assert control(emulator, "GET", "/settings") == {"ranges": True}
    assert control(emulator, "POST", "/settings", {"ranges": False}) == {"ranges": False}
    response = requests.get(url, headers={"Range": "bytes=5-"}, timeout=5)
    assert (response.status_code, response.content) == (200, FILE_DATA)
    assert "Accept-Ranges" not in response.headers
    control(emulator, "POST", "/reset")
    assert control(emulator, "GET", "/settings") == {"ranges": True}
    assert requests.get(avd_file(emulator), headers={"Range": "bytes=5-"}, timeout=5).status_code == 206


@pytest.mark.parametrize("body", [{"ranges": "no"}, {"range": False}, [False], None])
def test_bad_settings_are_refused(emulator, body):
    response = requests.post(f"{emulator.url}/_emulator/settings", json=body, timeout=5)
    assert response.status_code == 400 and "error" in response.json()
    assert control(emulator, "GET", "/settings") == {"ranges": True}


def test_a_fault_damages_the_partial_reply(emulator):
    url = avd_file(emulator)
    control(emulator, "POST", "/faults", {"path": "/attachment", "kind": "short_length", "bytes": 3})
    response = requests.get(url, headers={"Range": "bytes=100-199"}, timeout=5)
    assert response.status_code == 206 and response.content == FILE_DATA[100:103]


@pytest.mark.parametrize("header, total, expected", [
    ("bytes=0-", 10, (0, 9)),
    ("bytes=3-5", 10, (3, 5)),
    ("bytes=3-50", 10, (3, 9)),
    ("bytes=-3", 10, (7, 9)),
    ("bytes=-30", 10, (0, 9)),
    ("Bytes = 3 - 5", 10, None),
    ("bytes= 3 - 5 ", 10, (3, 5)),
    ("BYTES=3-5", 10, (3, 5)),
    ("bytes=10-", 10, "unsatisfiable"),
    ("bytes=10-20", 10, "unsatisfiable"),
    ("bytes=-0", 10, "unsatisfiable"),
    ("bytes=0-", 0, "unsatisfiable"),
    ("bytes=-5", 0, "unsatisfiable"),
    ("bytes=5-3", 10, None),
    ("bytes=1-2,4-5", 10, None),
    ("bytes=x", 10, None),
    ("", 10, None),
    (None, 10, None),
])
def test_span(header, total, expected):
    assert span(header, total) == expected
