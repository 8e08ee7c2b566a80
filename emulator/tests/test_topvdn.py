"""Topvdn device snapshots (snapshots.md section 3), over real HTTP."""
import base64
import hashlib
import re

import pytest
import requests

from rtcops_emulator import Emulator

DEVICE = 10000415
TOKEN = "10000415_0_1490680747_a830147b503b587dd524f4b11b8f96c2"
OTHER = 10000416
OTHER_TOKEN = "10000416_0_1490680747_00000000000000000000000000000000"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 4 + b"\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(200))
PUSHED = b"\xff\xd8\xff\xe1pushed frame" + b"\x01" * 100
RECORDED = b"\x89PNG\r\n\x1a\nrecorded" + b"\x02" * 100


def cover_url(emulator, client_id=DEVICE):
    """The 3.1 cover URL."""
    return f"{emulator.url}/v2/snapshots/{client_id}/cover"


def upload_url(emulator, client_id=DEVICE):
    """The 3.2 upload URL."""
    return f"{emulator.url}/v2/devices/{client_id}/snapshots"


def put_device(emulator, client_id=DEVICE, token=TOKEN, **images):
    """Create or replace a device through the control API; images are bytes or None."""
    body = {"client_id": client_id, "client_token": token}
    body.update({f"{kind}_image": base64.b64encode(data).decode() if data is not None else None for kind, data in images.items()})
    response = requests.post(f"{emulator.url}/_emulator/topvdn/devices", json=body, timeout=5)
    assert response.status_code == 200, response.text
    return response.json()


def state(emulator):
    """The Topvdn part of GET /_emulator/state."""
    return requests.get(f"{emulator.url}/_emulator/state", timeout=5).json()["topvdn"]


def get_cover(emulator, client_id=DEVICE, token=TOKEN, follow=False):
    """GET the cover; redirects are not followed unless asked."""
    params = {} if token is None else {"client_token": token}
    return requests.get(cover_url(emulator, client_id), params=params, allow_redirects=follow, timeout=5)


def upload(emulator, data, client_id=DEVICE, token=TOKEN, filename="cover.jpg"):
    """POST a multipart ``file`` part."""
    params = {} if token is None else {"client_token": token}
    return requests.post(upload_url(emulator, client_id), params=params, files={"file": (filename, data, "image/jpeg")}, timeout=5)


@pytest.fixture(name="devices")
def fixture_devices(emulator):
    """Two devices: DEVICE with a JPEG cover, OTHER without any image."""
    put_device(emulator, cover=JPEG)
    put_device(emulator, OTHER, OTHER_TOKEN)
    return emulator


def test_cover_is_the_binary_image(devices):
    response = get_cover(devices)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/jpeg"
    assert response.content == JPEG


def test_png_cover_has_the_png_content_type(emulator):
    put_device(emulator, cover=PNG)
    response = get_cover(emulator)
    assert (response.status_code, response.headers["Content-Type"], response.content) == (200, "image/png", PNG)


@pytest.mark.parametrize("client_id", ["abc", "12.5", "-1", "0x10"])
def test_cover_rejects_a_non_integer_client_id(devices, client_id):
    response = get_cover(devices, client_id)
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/json;charset=utf-8"
    assert response.json() == {"error": "client_id must be an integer"}


@pytest.mark.parametrize("token", [None, ""])
def test_cover_requires_the_token(devices, token):
    response = get_cover(devices, token=token)
    assert response.status_code == 400
    assert response.json() == {"error": "client_token is required"}


def test_cover_wrong_token_is_401(devices):
    response = get_cover(devices, token=TOKEN + "x")
    assert response.status_code == 401
    assert response.json() == {"error": "token verification failed"}


def test_cover_token_of_another_device_is_403(devices):
    assert get_cover(devices, OTHER, TOKEN).status_code == 403
    response = get_cover(devices, DEVICE, OTHER_TOKEN)
    assert response.status_code == 403
    assert response.json() == {"error": "no permission for this device"}
    # A device nobody configured: a valid token is still someone else's.
    assert get_cover(devices, 123, TOKEN).status_code == 403


def test_cover_of_a_device_without_any_image_is_404(devices):
    response = get_cover(devices, OTHER, OTHER_TOKEN)
    assert response.status_code == 404
    assert response.json() == {"error": "the device has no cover snapshot"}


def test_pushing_device_redirects_to_the_streaming_service(emulator):
    put_device(emulator, pushing=PUSHED, record=RECORDED, cover=JPEG)
    response = get_cover(emulator)
    assert response.status_code == 302
    assert response.headers["Location"] == f"{emulator.url}/_topvdn/stream/{DEVICE}/latest.jpg"
    followed = get_cover(emulator, follow=True)
    assert (followed.status_code, followed.headers["Content-Type"], followed.content) == (200, "image/jpeg", PUSHED)
    assert [hop.status_code for hop in followed.history] == [302]


def test_device_with_a_recording_snapshot_redirects_to_the_recording_region(emulator):
    put_device(emulator, record=RECORDED, cover=JPEG)
    response = get_cover(emulator)
    assert response.status_code == 302
    assert response.headers["Location"] == f"{emulator.url}/_topvdn/record/{DEVICE}/latest.png"
    followed = get_cover(emulator, follow=True)
    assert (followed.status_code, followed.headers["Content-Type"], followed.content) == (200, "image/png", RECORDED)


def test_redirect_targets_answer_404_without_an_image(devices):
    assert requests.get(f"{devices.url}/_topvdn/stream/{DEVICE}/latest.jpg", timeout=5).status_code == 404
    assert requests.get(f"{devices.url}/_topvdn/record/{OTHER}/latest.png", timeout=5).status_code == 404
    assert requests.get(f"{devices.url}/_topvdn/record/abc/latest.png", timeout=5).status_code == 404


def test_upload_replaces_the_cover(devices):
    response = upload(devices, PNG, filename="10000415.png")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json;charset=utf-8"
    first = response.json()["request_id"]
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    cover = get_cover(devices)
    assert (cover.headers["Content-Type"], cover.content) == ("image/png", PNG)
    second = upload(devices, PUSHED).json()["request_id"]
    assert second != first
    assert get_cover(devices).content == PUSHED
    view = state(devices)["devices"][str(DEVICE)]
    assert view == {"client_token": "***", "has_cover": True, "cover_sha256": hashlib.sha256(PUSHED).hexdigest(),
                    "pushing": False, "recording_snapshot": False, "uploads": 2}


def test_upload_gives_a_device_without_images_a_cover(devices):
    assert get_cover(devices, OTHER, OTHER_TOKEN).status_code == 404
    assert upload(devices, JPEG, OTHER, OTHER_TOKEN).status_code == 200
    assert get_cover(devices, OTHER, OTHER_TOKEN).content == JPEG


def test_uploaded_cover_is_only_the_last_resort(emulator):
    put_device(emulator, pushing=PUSHED)
    assert upload(emulator, JPEG).status_code == 200
    assert get_cover(emulator).status_code == 302
    assert state(emulator)["devices"][str(DEVICE)]["has_cover"] is True


@pytest.mark.parametrize("client_id, token, status", [
    ("abc", TOKEN, 400), (DEVICE, None, 400), (DEVICE, "", 400), (DEVICE, "wrong", 401), (OTHER, TOKEN, 403), (DEVICE, OTHER_TOKEN, 403),
])
def test_upload_parameter_and_token_errors(devices, client_id, token, status):
    assert upload(devices, PNG, client_id, token).status_code == status
    assert get_cover(devices).content == JPEG
    assert state(devices)["devices"][str(DEVICE)]["uploads"] == 0


def test_upload_without_a_usable_file_is_400(devices):
    url = upload_url(devices)
    params = {"client_token": TOKEN}
    no_file = requests.post(url, params=params, files={"other": ("a.jpg", JPEG)}, timeout=5)
    assert (no_file.status_code, no_file.json()) == (400, {"error": "file is required"})
    # The document's request message: an empty file part with filename="".
    boundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename=""\r\nContent-Type: \r\n\r\n\r\n'
            f"--{boundary}--\r\n").encode()
    empty = requests.post(url, params=params, data=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}, timeout=5)
    assert (empty.status_code, empty.json()) == (400, {"error": "file is required"})
    not_multipart = requests.post(url, params=params, data=JPEG, headers={"Content-Type": "image/jpeg"}, timeout=5)
    assert not_multipart.status_code == 400
    not_image = upload(devices, b"GIF89a not accepted")
    assert (not_image.status_code, not_image.json()) == (400, {"error": "file must be a JPEG or PNG image"})
    assert get_cover(devices).content == JPEG
    assert state(devices)["devices"][str(DEVICE)]["uploads"] == 0


def test_other_methods_are_405(devices):
    assert requests.post(cover_url(devices), params={"client_token": TOKEN}, timeout=5).status_code == 405
    assert requests.get(upload_url(devices), params={"client_token": TOKEN}, timeout=5).status_code == 405


def test_request_log_masks_the_client_token(devices):
    requests.delete(f"{devices.url}/_emulator/requests", timeout=5)
    get_cover(devices)
    upload(devices, PNG)
    log = requests.get(f"{devices.url}/_emulator/requests", timeout=5).json()
    assert log == [
        {"method": "GET", "path": f"/v2/snapshots/{DEVICE}/cover", "params": {"client_token": "***"}},
        {"method": "POST", "path": f"/v2/devices/{DEVICE}/snapshots", "params": {"client_token": "***"}},
    ]
    assert TOKEN not in str(log)


def test_state_masks_tokens_and_reset_clears_devices(devices):
    put_device(devices, OTHER, OTHER_TOKEN, record=RECORDED)
    view = state(devices)
    assert view == {"devices": {
        str(DEVICE): {"client_token": "***", "has_cover": True, "cover_sha256": hashlib.sha256(JPEG).hexdigest(), "pushing": False,
                      "recording_snapshot": False, "uploads": 0},
        str(OTHER): {"client_token": "***", "has_cover": False, "cover_sha256": None, "pushing": False, "recording_snapshot": True, "uploads": 0},
    }}
    assert TOKEN not in str(view)
    assert requests.post(f"{devices.url}/_emulator/reset", timeout=5).json() == {"ok": True}
    assert state(devices) == {"devices": {}}
    assert get_cover(devices).status_code == 401


def test_replacing_a_device_replaces_its_images_and_token(devices):
    upload(devices, PNG)
    put_device(devices, token="new-token", pushing=PUSHED)
    assert get_cover(devices).status_code == 401
    assert get_cover(devices, token="new-token").status_code == 302
    assert state(devices)["devices"][str(DEVICE)] == {"client_token": "***", "has_cover": False, "cover_sha256": None, "pushing": True,
                                                      "recording_snapshot": False, "uploads": 0}
    assert requests.get(f"{devices.url}/_topvdn/record/{DEVICE}/latest.png", timeout=5).status_code == 404


@pytest.mark.parametrize("body, message", [
    ([], "body must be"),
    ({"client_id": "x1", "client_token": "t"}, "client_id must be a non-negative integer"),
    ({"client_id": True, "client_token": "t"}, "client_id must be a non-negative integer"),
    ({"client_id": 1, "client_token": ""}, "client_token must be a non-empty string"),
    ({"client_id": 1, "client_token": "t", "cover_image": "not base64!"}, "cover_image is not valid base64"),
    ({"client_id": 1, "client_token": "t", "pushing_image": base64.b64encode(b"text").decode()}, "pushing_image is not a JPEG or PNG image"),
    ({"client_id": 1, "client_token": TOKEN}, f"client_token already belongs to device {DEVICE}"),
])
def test_control_api_rejects_bad_devices(devices, body, message):
    response = requests.post(f"{devices.url}/_emulator/topvdn/devices", json=body, timeout=5)
    assert response.status_code == 400
    assert response.json()["error"].startswith(message)


def test_faults_match_the_literal_request_path(devices):
    faults = f"{devices.url}/_emulator/faults"
    path = f"/v2/snapshots/{DEVICE}/cover"
    requests.post(faults, json={"path": path, "kind": "http_503"}, timeout=5)
    requests.post(faults, json={"path": path, "kind": "ret", "ret": 500}, timeout=5)
    requests.post(faults, json={"path": f"/v2/devices/{DEVICE}/snapshots", "kind": "drop_before"}, timeout=5)
    assert get_cover(devices, OTHER, OTHER_TOKEN).status_code == 404
    assert get_cover(devices).status_code == 503
    failed = get_cover(devices)
    assert (failed.status_code, failed.json()) == (500, {"error": "internal system error"})
    assert get_cover(devices).status_code == 200
    with pytest.raises(requests.ConnectionError):
        upload(devices, PNG)
    assert state(devices)["devices"][str(DEVICE)]["uploads"] == 0


def test_devices_and_images_survive_a_restart_with_a_state_file(tmp_path):
    state_file = tmp_path / "state.json"
    with Emulator(state_file=str(state_file)) as emulator:
        put_device(emulator, record=RECORDED)
        upload(emulator, PNG)
    with Emulator(state_file=str(state_file)) as emulator:
        assert get_cover(emulator, follow=True).content == RECORDED
        assert state(emulator)["devices"][str(DEVICE)]["uploads"] == 1


def test_large_upload_streams_in_pieces(devices):
    data = JPEG + bytes(3 * 1024 * 1024)
    assert upload(devices, data).status_code == 200
    cover = get_cover(devices)
    assert (cover.headers["Content-Length"], hashlib.sha256(cover.content).hexdigest()) == (str(len(data)), hashlib.sha256(data).hexdigest())
