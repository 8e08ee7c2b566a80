"""AVD devices (avd.md section 11) and the control routes that make a dialled address answer."""
import pytest

OK = {"ret": 0, "msg": "success"}
SIP = "sip:1001@192.168.3.104"


@pytest.fixture(name="room")
def fixture_room(client):
    assert client.api("/room/create", room_id="12345123456", user_id="16")["ret"] == 0
    return "12345123456"


def answer(client, **body):
    response = client.control("POST", "/avd/devices/answers", body)
    assert response.status_code == 200, response.text
    return response.json()


def dial(client, room, url=SIP, **params):
    return client.api("/device/call", name="sip", room_id=room, url=url, **params)


def test_call_as_in_the_example_then_connected_after_a_poll(client, room):
    # The example's spelling: "uri" instead of the table's "url" (Q-AVD-22).
    body = client.api("/device/call", name="sip", room_id=room, uri=SIP)
    assert body["ret"] == 0 and body["msg"] == "successs"
    assert body["call_id"] != body["user_id"]
    assert client.state()["device_calls"][body["call_id"]]["invite_status"] == 0
    assert client.api("/device/get_invite_status", call_id=body["call_id"]) == {**OK, "invite_status": 1}
    device = client.state()["device_calls"][body["call_id"]]
    assert (device["url"], device["room_id"], device["user_id"]) == (SIP, room, body["user_id"])
    assert (device["video_open"], device["audio_muted"], device["focused"]) == (True, False, False)


def test_call_parameters_are_checked(client, room):
    assert client.api("/device/call", room_id=room, url=SIP) == {"ret": 40002, "msg": "args required or error: name"}
    assert client.api("/device/call", name="x", url=SIP) == {"ret": 40002, "msg": "args required or error: room_id"}
    assert client.api("/device/call", name="x", room_id=room) == {"ret": 40002, "msg": "args required or error: url"}
    assert dial(client, "99999999999") == {"ret": 40004, "msg": "no such room_id"}
    assert dial(client, room, url="1001@192.168.3.104") == {"ret": 40032, "msg": "invalid address, check it correctly"}
    assert dial(client, room, resolution_rate="720") == {"ret": 40038, "msg": "not support this video_resolution"}
    assert dial(client, room, video_rate="5") == {
        "ret": 40038, "msg": "video_rate set too low or too high for 1M-4M properly"}
    assert dial(client, room, frame_rate="0") == {"ret": 40039, "msg": "not support this frame_rate"}
    assert dial(client, room, frame_rate="fast") == {"ret": 40002, "msg": "args required or error: frame_rate"}
    assert client.state()["device_calls"] == {}


def test_an_address_in_the_room_cannot_be_called_again(client, room):
    first = dial(client, room)
    assert dial(client, room) == {"ret": 40031, "msg": "user is in room"}
    client.api("/device/kick", room_id=room, user_id=first["user_id"])
    assert dial(client, room)["ret"] == 0


def test_rejection_on_dialling_fails_the_call(client, room):
    answer(client, url=SIP, answer="reject", code=40035, msg="connect shut down, invite refused or check service port")
    assert dial(client, room) == {"ret": 40035, "msg": "connect shut down, invite refused or check service port"}
    assert client.state()["device_calls"] == {}


def test_rejection_after_ringing_turns_the_status_to_failed(client, room):
    answer(client, url=SIP, answer="reject", after_polls=2)
    call_id = dial(client, room)["call_id"]
    assert [client.api("/device/get_invite_status", call_id=call_id)["invite_status"] for dummy in range(3)] == [0, 3, 3]
    assert dial(client, room)["ret"] == 0  # a failed call no longer occupies the address


def test_an_address_that_never_answers_keeps_inviting(client, room):
    answer(client, url=SIP, answer="never")
    call_id = dial(client, room)["call_id"]
    assert {client.api("/device/get_invite_status", call_id=call_id)["invite_status"] for dummy in range(5)} == {0}


def test_unknown_call_id_is_40037(client):
    assert client.api("/device/get_invite_status", call_id="nope") == {"ret": 40037, "msg": "no such call record"}
    assert client.api("/device/get_invite_status") == {"ret": 40002, "msg": "args required or error: call_id"}


def test_video_audio_focus_change_the_state(client, room):
    body = dial(client, room)
    client.api("/device/get_invite_status", call_id=body["call_id"])
    ids = {"room_id": room, "user_id": body["user_id"]}
    steps = [("/device/video/close", "video_open", False), ("/device/video/open", "video_open", True),
             ("/device/audio/mute", "audio_muted", True), ("/device/audio/unmute", "audio_muted", False),
             ("/device/video/focus", "focused", True), ("/device/video/unfocus", "focused", False)]
    for path, key, value in steps:
        assert client.api(path, **ids) == OK
        assert client.state()["device_calls"][body["call_id"]][key] is value, path


def test_device_endpoints_need_a_connected_device(client, room):
    answer(client, url=SIP, answer="never")
    body = dial(client, room)
    for path in ("/device/video/focus", "/device/video/unfocus", "/device/video/open", "/device/video/close",
                 "/device/audio/mute", "/device/audio/unmute"):
        assert client.api(path, room_id=room, user_id=body["user_id"]) == {
            "ret": 40033, "msg": "no invite info for this user_id"}, path
        assert client.api(path, room_id="99999999999", user_id=body["user_id"]) == {"ret": 40004, "msg": "no such room_id"}
        assert client.api(path, room_id=room) == {"ret": 40002, "msg": "args required or error: user_id"}


def test_kick_as_in_the_example_and_twice(client, room):
    body = dial(client, room)
    assert client.api("/device/kick", room_id=room, user_id=body["user_id"]) == {
        **OK, "call_id": body["call_id"], "user_id": body["user_id"]}
    assert client.api("/device/get_invite_status", call_id=body["call_id"])["invite_status"] == 2
    assert client.api("/device/kick", room_id=room, user_id=body["user_id"]) == {
        "ret": 40033, "msg": "no invite info for this user_id"}
    assert client.api("/device/kick", room_id="99999999999", user_id=body["user_id"]) == {
        "ret": 40004, "msg": "no such room_id"}


def test_far_end_hangs_up(client, room):
    body = dial(client, room)
    assert client.control("POST", f"/avd/devices/{body['call_id']}/hangup").status_code == 200
    assert client.api("/device/get_invite_status", call_id=body["call_id"])["invite_status"] == 2
    assert client.control("POST", "/avd/devices/nope/hangup").status_code == 404


def test_answers_control_route_rejects_malformed_bodies(client):
    for body in ({"url": SIP, "answer": "maybe"}, {"answer": "accept"}, {"url": SIP, "answer": "reject", "code": "x"}):
        assert client.control("POST", "/avd/devices/answers", body).status_code == 400
    assert client.state()["device_answers"] == {}


def test_device_calls_need_a_token(client, room):
    client.token = None
    assert dial(client, room, token="bad") == {"ret": 40003, "msg": "access token check invalid"}
