"""Netless whiteboard screenshots (snapshots.md section 2), over real HTTP."""
import hashlib
import struct

import pytest
import requests

UUID = "faed3130727911ebaea37759ee91947c"
WRITER = "NETLESSSDK_writer_token"
ADMIN = "NETLESSROOM_admin_token"
READER = "NETLESSROOM_reader_token"
SIZE = {"width": 64, "height": 48}
ROOM = {
    "uuid": UUID, "scenes": ["/init", "/test/cover", "/test/page1", "/test/deeper/page"], "current_directory": "/test",
    "tokens": {WRITER: "writer", ADMIN: "admin", READER: "reader"}, "bucket": "docs-test", "storage_region": "oss-cn-hangzhou",
}


def control(emulator, method, path, body=None):
    """Call the control API."""
    return requests.request(method, f"{emulator.url}/_emulator{path}", json=body, timeout=5)


def shoot(emulator, body, kind="screenshots", uuid=UUID, **options):
    """POST one of the two screenshot APIs; options ``token`` (default WRITER, None = no header) and ``region``."""
    token = options.get("token", WRITER)
    headers = {} if token is None else {"token": token}
    if options.get("region") is not None:
        headers["region"] = options["region"]
    return requests.post(f"{emulator.url}/v5/rooms/{uuid}/{kind}", json=body, headers=headers, timeout=10)


def png_size(data):
    """(width, height) from a PNG's IHDR, after checking the signature."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.fixture(name="room")
def fixture_room(emulator):
    """The room of ROOM."""
    response = control(emulator, "POST", "/netless/rooms", ROOM)
    assert response.status_code == 200, response.text
    return emulator


def test_single_screenshot_defaults_to_init(room):
    response = shoot(room, SIZE)
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == {"url", "key", "bucket", "region"}
    assert body["key"] == f"room_cover/2811/{UUID}/init.png"
    assert body["bucket"] == "docs-test"
    assert body["region"] == "oss-cn-hangzhou"
    assert body["url"] == f"{room.url}/_storage/docs-test/{body['key']}"
    image = requests.get(body["url"], timeout=5)
    assert image.status_code == 200 and image.headers["Content-Type"] == "image/png"
    assert png_size(image.content) == (64, 48)
    head = requests.head(body["url"], timeout=5)
    assert head.status_code == 200 and int(head.headers["Content-Length"]) == len(image.content)


@pytest.mark.parametrize("region", ["cn-hz", "us-sv"])
def test_region_header_does_not_change_the_storage_region(room, region):
    response = shoot(room, {**SIZE, "path": "/test/cover"}, region=region)
    assert response.status_code == 201
    assert response.json()["region"] == "oss-cn-hangzhou"
    assert response.json()["key"] == f"room_cover/2811/{UUID}/test/cover.png"


def test_list_of_a_directory(room):
    response = shoot(room, {"width": 640, "height": 480, "path": "/test"}, "screenshot-list", token=ADMIN)
    assert response.status_code == 201, response.text
    body = response.json()
    assert [item["key"] for item in body] == [f"room_cover/2811/{UUID}/test/cover.png", f"room_cover/2811/{UUID}/test/page1.png"]
    for item in body:
        assert item["bucket"] == "docs-test" and item["region"] == "oss-cn-hangzhou"
        assert png_size(requests.get(item["url"], timeout=5).content) == (640, 480)


def test_list_without_path_uses_the_current_directory(room):
    response = shoot(room, SIZE, "screenshot-list")
    assert response.status_code == 201
    assert [item["key"].rsplit("/", 2)[-2:] for item in response.json()] == [["test", "cover.png"], ["test", "page1.png"]]
    root = shoot(room, {**SIZE, "path": "/"}, "screenshot-list").json()
    assert [item["key"] for item in root] == [f"room_cover/2811/{UUID}/init.png"]


def test_untouched_scene_is_identical_and_touched_scene_differs(room):
    def fetch(path="/test/page1", size=None):
        url = shoot(room, {**(size or SIZE), "path": path}).json()["url"]
        return requests.get(url, timeout=5).content

    first = fetch()
    assert fetch() == first
    other = fetch("/test/cover")
    assert other != first
    assert fetch(size={"width": 65, "height": 48}) != first
    touched = control(room, "POST", f"/netless/rooms/{UUID}/scenes/touch", {"path": "/test/page1"})
    assert touched.json() == {"path": "/test/page1", "version": 2}
    changed = fetch()
    assert changed != first
    assert png_size(changed) == (64, 48)
    assert fetch("/test/cover") == other
    state = control(room, "GET", "/state").json()["netless"]
    assert state["rooms"][UUID]["screenshots_taken"] == 6
    stored = {item["key"]: item for item in state["stored"]}
    assert stored[f"room_cover/2811/{UUID}/test/page1.png"]["sha256"] == hashlib.sha256(changed).hexdigest()


@pytest.mark.parametrize("kwargs,body,status", [
    ({"region": "eu-west"}, SIZE, 400),
    ({"region": ""}, SIZE, 400),
    ({}, {"height": 48}, 400),
    ({}, {"width": 64}, 400),
    ({}, {"width": "64", "height": 48}, 400),
    ({}, {"width": 0, "height": 48}, 400),
    ({}, {"width": 64.5, "height": 48}, 400),
    ({}, {"width": True, "height": 48}, 400),
    ({}, {**SIZE, "path": "init"}, 400),
    ({}, [640, 480], 400),
    ({"token": None}, SIZE, 401),
    ({"token": "NETLESSSDK_unknown"}, SIZE, 401),
    ({"token": READER}, SIZE, 403),
    ({"uuid": "no-such-room"}, SIZE, 404),
    ({}, {**SIZE, "path": "/nothing"}, 404),
    ({}, {**SIZE, "path": "/test"}, 404),
])
def test_failures_have_a_status_and_message(room, kwargs, body, status):
    for kind in ("screenshots", "screenshot-list"):
        if kind == "screenshot-list" and isinstance(body, dict) and body.get("path") in ("/nothing", "/test"):
            continue
        response = shoot(room, body, kind, **kwargs)
        assert response.status_code == status, (kind, response.text)
        assert isinstance(response.json()["message"], str) and response.json()["message"]


def test_list_of_an_unknown_directory_is_404(room):
    response = shoot(room, {**SIZE, "path": "/nothing"}, "screenshot-list")
    assert response.status_code == 404 and response.json()["message"]


def test_unknown_storage_object_is_404(room):
    response = requests.get(f"{room.url}/_storage/docs-test/room_cover/2811/{UUID}/init.png", timeout=5)
    assert response.status_code == 404 and "message" in response.json()


def test_log_masks_the_token_and_state_masks_tokens(room):
    control(room, "DELETE", "/requests")
    shoot(room, {**SIZE, "path": "/test/cover"})
    log = control(room, "GET", "/requests").json()
    assert log == [{"method": "POST", "path": f"/v5/rooms/{UUID}/screenshots", "params": {**SIZE, "path": "/test/cover"}}]
    text = control(room, "GET", "/state").text + control(room, "GET", "/requests").text
    assert WRITER not in text and ADMIN not in text and READER not in text
    view = control(room, "GET", "/state").json()["netless"]["rooms"][UUID]
    assert view["tokens"] == [{"token": "***", "permission": "writer"}, {"token": "***", "permission": "admin"},
                              {"token": "***", "permission": "reader"}]
    assert [scene["path"] for scene in view["scenes"]] == ROOM["scenes"]


def test_reset_forgets_rooms_and_files(room):
    url = shoot(room, SIZE).json()["url"]
    assert control(room, "POST", "/reset").json() == {"ok": True}
    assert control(room, "GET", "/state").json()["netless"] == {"rooms": {}, "stored": []}
    assert requests.get(url, timeout=5).status_code == 404
    assert shoot(room, SIZE).status_code == 404


@pytest.mark.parametrize("kind", ["http_503", "ret"])
def test_faults_on_the_literal_paths(room, kind):
    path = f"/v5/rooms/{UUID}/screenshot-list"
    fault = {"path": path, "kind": kind, "ret": 429, "msg": "slow down"}
    assert control(room, "POST", "/faults", fault).status_code == 200
    response = shoot(room, SIZE, "screenshot-list")
    if kind == "ret":
        assert (response.status_code, response.json()) == (429, {"message": "slow down"})
    else:
        assert response.status_code == 503
    assert shoot(room, SIZE, "screenshot-list").status_code == 201
    assert control(room, "GET", "/state").json()["netless"]["rooms"][UUID]["screenshots_taken"] == 2


@pytest.mark.parametrize("body", [
    {"scenes": ["/init"]},
    {"uuid": "a/b"},
    {"uuid": "r", "scenes": ["init"]},
    {"uuid": "r", "scenes": ["/a", "/a"]},
    {"uuid": "r", "scenes": ["/../x"]},
    {"uuid": "r", "tokens": {"t": "owner"}},
    {"uuid": "r", "bucket": "../up"},
])
def test_control_rejects_bad_rooms(emulator, body):
    response = control(emulator, "POST", "/netless/rooms", body)
    assert response.status_code == 400 and response.json()["error"]


def test_touch_unknown_room_or_scene(room):
    assert control(room, "POST", "/netless/rooms/nope/scenes/touch", {"path": "/init"}).status_code == 404
    assert control(room, "POST", f"/netless/rooms/{UUID}/scenes/touch", {"path": "/none"}).status_code == 404
    assert control(room, "POST", f"/netless/rooms/{UUID}/scenes/touch", {"path": "x"}).status_code == 400
