"""AVD rooms and participants (avd.md sections 3.1-3.5, 3.7 and 4)."""
import re
import time

import pytest

OK = {"ret": 0, "msg": "success"}
CODE_OK = {"code": 200, "msg": "success"}
# The /room/read success example.
DOC_READ = {
    "ret": 0,
    "msg": "success",
    "data": {
        "enable_auto_avc": False,
        "enable_voice_activated": False,
        "user_id": "16",
        "enable_auto_cloud_recording": False,
        "topic": "room of 向",
    },
}


def test_create_as_in_the_example(client):
    body = client.api("/room/create", topic="no", enable_auto_cloud_recording="true", user_id="10", room_id="12345123456", enable_auto_avc="true")
    assert body == {"ret": 0, "msg": "success", "room_id": "12345123456"}
    assert client.api("/room/read", room_id="12345123456")["data"] == {
        "enable_auto_avc": True, "enable_voice_activated": False, "user_id": "10", "enable_auto_cloud_recording": True, "topic": "no",
    }


def test_read_as_in_the_example(client):
    client.api("/room/create", room_id="50000000000", user_id="16", topic="room of 向")
    assert client.api("/room/read", room_id="50000000000") == DOC_READ


def test_create_by_post_form(client):
    assert client.api("/room/create", method="POST", room_id="50000000000", user_id="16", topic="room of 向") == {**OK, "room_id": "50000000000"}
    assert client.api("/room/read", method="POST", room_id="50000000000") == DOC_READ


def test_create_generates_a_room_id_when_omitted(client):
    first = client.api("/room/create", user_id="1")
    second = client.api("/room/create", user_id="1", room_id="")
    for body in (first, second):
        assert body["ret"] == 0
        assert re.fullmatch(r"[1-9][0-9]{10}", body["room_id"])
    assert first["room_id"] != second["room_id"]
    assert client.api("/room/read", room_id=first["room_id"])["ret"] == 0


def test_create_existing_room_gives_40005(client):
    client.api("/room/create", room_id="12345123456", user_id="10")
    assert client.api("/room/create", room_id="12345123456", user_id="11") == {"ret": 40005, "msg": "room_id exists"}


def test_create_needs_user_id(client):
    assert client.api("/room/create", room_id="1") == {"ret": 40002, "msg": "args required or error: user_id"}
    assert client.api("/room/create", room_id="1", user_id="") == {"ret": 40002, "msg": "args required or error: user_id"}


@pytest.mark.parametrize("value", ["yes", "1", "0", "", "True ", "on"])
def test_booleans_are_exactly_true_or_false(client, value):
    assert client.api("/room/create", room_id="1", user_id="1", enable_auto_avc=value) == {
        "ret": 40002, "msg": "args required or error: enable_auto_avc"}
    client.api("/room/create", room_id="2", user_id="1")
    assert client.api("/room/update", room_id="2", enable_auto_cloud_recording=value) == {
        "ret": 40002, "msg": "args required or error: enable_auto_cloud_recording"}


def test_booleans_are_case_insensitive(client):
    client.api("/room/create", room_id="1", user_id="1", enable_auto_avc="TRUE", enable_voice_activated="True", enable_auto_cloud_recording="FALSE")
    data = client.api("/room/read", room_id="1")["data"]
    assert (data["enable_auto_avc"], data["enable_voice_activated"], data["enable_auto_cloud_recording"]) == (True, True, False)


def test_create_only_fields_are_stored_but_not_read(client):
    client.api("/room/create", room_id="1", user_id="1", resolution="1280*720", enable_transcode_video="true", enable_voice_activated="true")
    data = client.api("/room/read", room_id="1")["data"]
    assert set(data) == {"enable_auto_avc", "enable_voice_activated", "user_id", "enable_auto_cloud_recording", "topic"}
    stored = client.state()["rooms"]["1"]
    assert stored["resolution"] == "1280*720"
    assert stored["enable_transcode_video"] == "true"
    assert stored["enable_voice_activated"] is True


def test_update_as_in_the_example(client):
    client.api("/room/create", room_id="12345123456", user_id="10", topic="no", enable_auto_cloud_recording="true", enable_auto_avc="true")
    assert client.api("/room/update", topic="nothing_test", enable_auto_cloud_recording="false", user_id="0", room_id="12345123456") == OK
    assert client.api("/room/read", room_id="12345123456")["data"] == {
        "enable_auto_avc": True, "enable_voice_activated": False, "user_id": "0", "enable_auto_cloud_recording": False, "topic": "nothing_test",
    }


def test_update_ignores_create_only_fields(client):
    client.api("/room/create", room_id="1", user_id="1", resolution="640*480")
    assert client.api("/room/update", room_id="1", enable_voice_activated="true", resolution="1280*720", enable_transcode_video="true") == OK
    stored = client.state()["rooms"]["1"]
    assert (stored["enable_voice_activated"], stored["resolution"], stored["enable_transcode_video"]) == (False, "640*480", None)


def test_update_can_empty_the_topic(client):
    client.api("/room/create", room_id="1", user_id="1", topic="x")
    client.api("/room/update", room_id="1", topic="")
    assert client.api("/room/read", room_id="1")["data"]["topic"] == ""


def test_unknown_room(client):
    assert client.api("/room/update", room_id="12345123456", topic="x") == {"ret": 40004, "msg": "no such room_id"}
    assert client.api("/room/del", room_id="12345123456") == {"ret": 40004, "msg": "no such room_id"}
    assert client.api("/room/read", room_id="50000000000") == {"ret": 40004, "msg": "no such room"}


def test_room_id_is_required(client):
    for path in ("/room/update", "/room/del", "/room/read"):
        assert client.api(path) == {"ret": 40002, "msg": "args required or error: room_id"}
    for path in ("/room/close", "/room/participate/list"):
        assert client.api(path) == {"code": 40002, "msg": "args required or error: room_id"}


def test_delete(client):
    client.api("/room/create", room_id="12345123456", user_id="10")
    assert client.api("/room/del", room_id="12345123456") == OK
    assert client.api("/room/read", room_id="12345123456")["ret"] == 40004
    assert client.api("/room/create", room_id="12345123456", user_id="10")["ret"] == 0


def test_delete_ends_the_meeting(client):
    client.api("/room/create", room_id="1", user_id="1")
    client.open_meeting("1", {"user_id": "16"})
    assert client.api("/room/del", room_id="1") == OK
    assert client.api("/room/list")["rooms"] == []
    assert client.state()["meetings"] == {}


def test_close_not_in_session(client):
    failure = {"code": 41005, "msg": "Internal server error:room not found or opened"}
    assert client.api("/room/close", room_id="50000000000") == failure
    client.api("/room/create", room_id="50000000000", user_id="1")
    assert client.api("/room/close", room_id="50000000000") == failure


def test_close_ends_the_meeting_but_keeps_the_room(client):
    client.api("/room/create", room_id="50000000000", user_id="1")
    client.open_meeting("50000000000", {"user_id": "16"}, {"user_id": "17"})
    assert client.api("/room/close", room_id="50000000000") == CODE_OK
    assert client.api("/room/list") == {**OK, "rooms": []}
    assert client.api("/app/get_licence_info")["active_usernum"] == 0
    assert client.api("/room/read", room_id="50000000000")["ret"] == 0
    assert client.api("/room/close", room_id="50000000000")["code"] == 41005


def test_list_shows_meetings_in_progress_only(client):
    for room_id in ("5000000000", "70000000000", "idle"):
        client.api("/room/create", room_id=room_id, user_id="1")
    before = int(time.time())
    client.open_meeting("5000000000", {"user_id": "16", "user_name": "向"}, {"user_id": "5688e7d115824dc0991c4b4478ff6fd0", "user_name": "web"})
    client.open_meeting("70000000000", {"user_id": "cd44494032044786a507d48c9481ccdb", "user_name": "web"})
    body = client.api("/room/list")
    assert body["ret"] == 0 and body["msg"] == "success"
    rooms = {room["room_id"]: room for room in body["rooms"]}
    assert set(rooms) == {"5000000000", "70000000000"}
    for room in rooms.values():
        assert set(room) == {"room_id", "create_time", "users"}
        assert isinstance(room["create_time"], int) and before <= room["create_time"] <= time.time()
    users = rooms["5000000000"]["users"]
    assert [(user["user_name"], user["user_id"]) for user in users] == [("向", "16"), ("web", "5688e7d115824dc0991c4b4478ff6fd0")]
    assert all(set(user) == {"node_id", "user_name", "user_id"} and isinstance(user["node_id"], int) for user in users)
    assert len({user["node_id"] for user in users}) == 2


def test_participate_list_as_in_the_example(client):
    client.api("/room/create", room_id="50000000000", user_id="16")
    person = {
        "user_name": "向",
        "user_id": "16",
        "status": 1,
        "videos": [{"level": 0, "status": "published", "id": "16_5996d976", "type": "video", "ctype": "unknown",
                    "name": "Webcam C170 (046d:082b)", "description": ""}],
        "type": "web",
        "audios": [{"type": "Audio", "status": "init", "name": "默认 - 麦克风", "id": "16_default"}],
    }
    client.open_meeting("50000000000", person)
    assert client.api("/room/participate/list", room_id="50000000000") == {"code": 200, "msg": "success", "participates": [person]}


def test_participate_list_not_in_session(client):
    failure = {"code": 41005, "msg": "Internal server error:room not found"}
    assert client.api("/room/participate/list", room_id="50000000000") == failure
    client.api("/room/create", room_id="50000000000", user_id="1")
    assert client.api("/room/participate/list", room_id="50000000000") == failure


def test_kick(client):
    client.api("/room/create", room_id="500000000000", user_id="1")
    client.open_meeting("500000000000", {"user_id": "16"}, {"user_id": "17"})
    assert client.api("/room/participate/kick", room_id="500000000000", user_id="16") == CODE_OK
    assert [person["user_id"] for person in client.api("/room/participate/list", room_id="500000000000")["participates"]] == ["17"]
    assert client.api("/room/participate/kick", room_id="500000000000", user_id="16") == {"code": 40008, "msg": "user not in room"}


def test_kick_errors(client):
    assert client.api("/room/participate/kick", room_id="500000000000", user_id="16") == {"code": 40004, "msg": "no such room_id"}
    client.api("/room/create", room_id="500000000000", user_id="1")
    assert client.api("/room/participate/kick", room_id="500000000000", user_id="16") == {"code": 40009, "msg": "room not open or not exist"}
    assert client.api("/room/participate/kick", room_id="500000000000") == {"code": 40002, "msg": "args required or error: user_id"}


def test_open_control_needs_an_existing_room(client):
    response = client.control("POST", "/avd/rooms/404/open", {"participants": []})
    assert response.status_code == 404
    assert "error" in response.json()


def test_open_control_rejects_bad_bodies(client):
    client.api("/room/create", room_id="1", user_id="1")
    for body in ({"participants": {}}, {"participants": [{"user_name": "no id"}]}, ["x"]):
        assert client.control("POST", "/avd/rooms/1/open", body).status_code == 400


def test_open_control_adds_to_a_meeting_in_progress(client):
    client.api("/room/create", room_id="1", user_id="1")
    first = client.open_meeting("1", {"user_id": "16"})
    second = client.open_meeting("1", {"user_id": "17"}, {"user_id": "16", "user_name": "renamed"})
    assert second["create_time"] == first["create_time"]
    users = client.api("/room/list")["rooms"][0]["users"]
    assert [(user["user_id"], user["user_name"]) for user in users] == [("16", "renamed"), ("17", "17")]
