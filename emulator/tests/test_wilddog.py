"""Wilddog cloud snapshot (snapshots.md section 1), over real HTTP."""
import re
import time

import pytest
import requests

APP = "wildrtc"
TOKEN = "wilddog-admin-token-secret"
APP_BODY = {"app_id": APP, "admin_token": TOKEN, "rooms": {"112233": ["172007562460416770", "766799604921847300"], "empty-room": []}}
FAST = {"rate_window": 1, "image_delay": 0.5}


def control(emulator, method, path, body=None):
    """Call the control API."""
    return requests.request(method, f"{emulator.url}/_emulator{path}", json=body, timeout=5)


def snapshot(emulator, **params):
    """``GET /v2/snapshot``; returns the response after checking the status and content type."""
    response = requests.get(f"{emulator.url}/v2/snapshot", params=params, timeout=5)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/json;charset=utf-8"
    return response.json()


def good(emulator, room="112233", app=APP):
    """A snapshot call with the right token."""
    return snapshot(emulator, appId=app, roomId=room, token=TOKEN)


@pytest.fixture(name="app")
def fixture_app(emulator):
    """The app of APP_BODY, with fast timing."""
    response = control(emulator, "POST", "/wilddog/apps", APP_BODY)
    assert response.status_code == 200, response.text
    assert response.json() == {"app_id": APP, "admin_token": "***", "rooms": APP_BODY["rooms"], "snapshot_requests": 0}
    assert control(emulator, "POST", "/wilddog/config", FAST).json() == FAST
    return emulator


def wait_ready(url, timeout=5.0):
    """Poll until the image answers 200; returns the response."""
    deadline = time.monotonic() + timeout
    while True:
        response = requests.get(url, timeout=5)
        if response.status_code == 200 or time.monotonic() > deadline:
            return response
        time.sleep(0.05)


def test_success_shape_and_file_names(app):
    """Success shape and file names."""
    before = int(time.time() * 1000)
    body = good(app)
    after = int(time.time() * 1000)
    assert set(body) == {"code", "url"} and body["code"] == 0
    assert len(body["url"]) == 2
    pattern = re.compile(re.escape(app.url) + r"/_wilddog/download/(\d{8})/wildrtc/112233@wildrtc_(\d+)_(\d{13})\.jpg$")
    found = [pattern.match(url) for url in body["url"]]
    assert all(found), body["url"]
    assert [match.group(2) for match in found] == APP_BODY["rooms"]["112233"]
    stamps = {int(match.group(3)) for match in found}
    assert len(stamps) == 1 and before <= stamps.pop() <= after
    assert body["url"][0].startswith("http://")


def test_images_404_before_the_delay_then_jpeg(app):
    """Images 404 before the delay then jpeg."""
    control(app, "POST", "/wilddog/config", {"image_delay": 0.6})
    urls = good(app)["url"]
    early = requests.get(urls[0], timeout=5)
    assert early.status_code == 404
    state = control(app, "GET", "/state").json()["wilddog"]
    assert [image["ready"] for image in state["images"]] == [False, False]
    assert {image["url_path"] for image in state["images"]} == {url[len(app.url):] for url in urls}
    images = [wait_ready(url) for url in urls]
    for image in images:
        assert image.status_code == 200 and image.headers["Content-Type"] == "image/jpeg"
        assert image.content[:3] == b"\xff\xd8\xff" and image.content.endswith(b"\xff\xd9")
    assert images[0].content != images[1].content
    assert requests.get(urls[0], timeout=5).content == images[0].content
    head = requests.head(urls[0], timeout=5)
    assert head.status_code == 200 and int(head.headers["Content-Length"]) == len(images[0].content)
    state = control(app, "GET", "/state").json()["wilddog"]
    assert [image["ready"] for image in state["images"]] == [True, True]
    assert requests.get(urls[0].replace(".jpg", "9.jpg"), timeout=5).status_code == 404


def test_default_delay_is_a_few_seconds(emulator):
    """Default delay is a few seconds."""
    control(emulator, "POST", "/wilddog/apps", APP_BODY)
    assert control(emulator, "GET", "/wilddog/config").json() == {"rate_window": 30, "image_delay": 3}
    url = good(emulator)["url"][0]
    assert requests.get(url, timeout=5).status_code == 404


@pytest.mark.parametrize("params", [
    {"roomId": "112233", "token": TOKEN},
    {"appId": APP, "token": TOKEN},
    {"appId": APP, "roomId": "112233"},
    {"appId": APP, "roomId": "112233", "token": ""},
    {"appId": "other-app", "roomId": "112233", "token": TOKEN},
])
def test_invalid_parameter(app, params):
    """Invalid parameter."""
    assert snapshot(app, **params) == {"code": 41201, "message": "Invalid parameter."}


def test_invalid_token(app):
    """Invalid token."""
    assert snapshot(app, appId=APP, roomId="112233", token="wrong") == {"code": 41202, "message": "Invalid token."}
    # Rejected calls do not use up the window.
    assert good(app)["code"] == 0


def test_room_not_exist_and_no_stream(app):
    """Room not exist and no stream."""
    assert good(app, room="nope") == {"code": 41203, "message": "Room not exist."}
    time.sleep(1.05)
    assert good(app, room="empty-room") == {"code": 41204, "message": "No stream in this room."}


def test_frequency_limit_per_app_then_success_after_the_window(app):
    """Frequency limit per app then success after the window."""
    other = {"app_id": "second", "admin_token": "t2", "rooms": {"r": ["s"]}}
    assert control(app, "POST", "/wilddog/apps", other).status_code == 200
    assert good(app)["code"] == 0
    assert good(app) == {"code": 41205, "message": "Frequency exceeded."}
    assert good(app, room="empty-room")["code"] == 41205
    assert snapshot(app, appId="second", roomId="r", token="t2")["code"] == 0
    time.sleep(1.05)
    assert good(app)["code"] == 0
    assert control(app, "GET", "/state").json()["wilddog"]["apps"][APP]["snapshot_requests"] == 2


def test_default_window_is_30_seconds(emulator):
    """Default window is 30 seconds."""
    control(emulator, "POST", "/wilddog/apps", APP_BODY)
    control(emulator, "POST", "/wilddog/config", {"image_delay": 0})
    assert good(emulator)["code"] == 0
    assert good(emulator)["code"] == 41205


def test_state_reset_and_masking(app):
    """State reset and masking."""
    urls = good(app)["url"]
    state = control(app, "GET", "/state").json()["wilddog"]
    assert state["apps"] == {APP: {"admin_token": "***", "rooms": APP_BODY["rooms"], "snapshot_requests": 1}}
    assert len(state["images"]) == 2
    log = control(app, "GET", "/requests").json()
    assert log[-1] == {"method": "GET", "path": "/v2/snapshot", "params": {"appId": APP, "roomId": "112233", "token": "***"}}
    for text in (control(app, "GET", "/state").text, control(app, "GET", "/requests").text):
        assert TOKEN not in text
    assert control(app, "POST", "/reset").json() == {"ok": True}
    state = control(app, "GET", "/state").json()["wilddog"]
    assert state == {"apps": {}, "images": [], "config": {"rate_window": 30, "image_delay": 3}}
    assert requests.get(urls[0], timeout=5).status_code == 404
    assert good(app)["code"] == 41201


@pytest.mark.parametrize("body", [
    None, [], {"admin_token": "t"}, {"app_id": "a b", "admin_token": "t"}, {"app_id": "a", "admin_token": ""},
    {"app_id": "a", "admin_token": "t", "rooms": {"r": "s"}}, {"app_id": "a", "admin_token": "t", "rooms": {"r": ["s", "s"]}},
    {"app_id": "a", "admin_token": "t", "rooms": {"r": ["s/x"]}},
])
def test_control_app_validation(emulator, body):
    """Control app validation."""
    assert control(emulator, "POST", "/wilddog/apps", body).status_code == 400


@pytest.mark.parametrize("body", [None, {"rate_window": -1}, {"image_delay": "1"}, {"image_delay": True}, {"other": 1}])
def test_control_config_validation(emulator, body):
    """Control config validation."""
    assert control(emulator, "POST", "/wilddog/config", body).status_code == 400


def test_faults_on_snapshot_and_download(app):
    """Faults on snapshot and download."""
    control(app, "POST", "/faults", {"path": "/v2/snapshot", "kind": "ret", "ret": 41206})
    assert good(app) == {"code": 41206, "message": "Server internal error."}
    control(app, "POST", "/faults", {"path": "/v2/snapshot", "kind": "http_503"})
    assert requests.get(f"{app.url}/v2/snapshot", params={"appId": APP, "roomId": "112233", "token": TOKEN}, timeout=5).status_code == 503
    urls = good(app)["url"]
    assert wait_ready(urls[0]).status_code == 200
    path = urls[0][len(app.url):]
    control(app, "POST", "/faults", {"path": path, "kind": "http_500"})
    assert requests.get(urls[0], timeout=5).status_code == 500
    control(app, "POST", "/faults", {"path": path, "kind": "ret", "ret": 403})
    assert requests.get(urls[0], timeout=5).status_code == 403
    control(app, "POST", "/faults", {"path": path, "kind": "drop_before"})
    with pytest.raises(requests.ConnectionError):
        requests.get(urls[0], timeout=5)
    assert requests.get(urls[0], timeout=5).status_code == 200


def test_wrong_method(app):
    """Wrong method."""
    assert requests.post(f"{app.url}/v2/snapshot", timeout=5).status_code == 405
