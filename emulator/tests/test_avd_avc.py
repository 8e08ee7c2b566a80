"""AVD server-side video composition, AVC (avd.md section 7)."""
import json

import pytest

OK = {"ret": 0, "msg": "success"}
ROOM = "50000000000"
START = {"room_id": ROOM, "enable_manual_avc": "false", "max_video_number": "4", "layout_mode": "2"}
# The select_media example's videos, hand-corrected (Q-AVD-03: never copy the example literally).
VIDEOS = [
    {"video_name": "16_video1", "zorder": 0, "x": 0, "y": 0, "w": 1, "h": 1},
    {"video_name": "6_video1", "zorder": 1, "x": 0.7, "y": 0, "w": 0.3, "h": 0.3},
]


@pytest.fixture(name="room")
def fixture_room(client):
    client.api("/room/create", room_id=ROOM, user_id="16")
    return client


def test_start_then_settings_as_in_the_example(room):
    assert room.api("/room/avc/start", **START, video_name="test123", video_framerate="25", video_resolution="1920 * 1080") == OK
    body = room.api("/room/avc/get_avc_setting", room_id=ROOM)
    data = body.pop("data")
    assert body == OK
    stream_id = data.pop("view_stream_id")
    assert len(stream_id) == 36
    assert data == {
        "view_width": 1920, "layoutMode": "Outgoing_View_Layout_Auto_Orato", "exporter_name": "test123",
        "view_bitrate": True, "view_height": 1080, "room_id": ROOM, "view_fps": 25, "videos": {},
    }
    assert room.state()["avc"][ROOM]["max_video_number"] == 4


def test_start_by_post_without_enable_manual_avc_is_automatic(room):
    params = dict(START)
    del params["enable_manual_avc"]
    assert room.api("/room/avc/start", method="POST", **params) == OK
    assert room.state()["avc"][ROOM]["enable_manual_avc"] is False


@pytest.mark.parametrize("name, value", [
    ("max_video_number", None), ("max_video_number", "four"), ("layout_mode", None), ("layout_mode", "3"),
    ("enable_manual_avc", "yes"), ("video_framerate", "25fps"), ("video_resolution", "hd"),
])
def test_start_rejects_bad_parameters(room, name, value):
    params = dict(START, **{name: value})
    assert room.api("/room/avc/start", **params) == {"ret": 40002, "msg": f"args required or error: {name}"}
    assert room.state()["avc"] == {}


def test_start_in_a_missing_room_and_twice(room):
    assert room.api("/room/avc/start", **dict(START, room_id="1")) == {"ret": 40004, "msg": "no such room id"}
    assert room.api("/room/avc/start", **START) == OK
    assert room.api("/room/avc/start", **START) == {"ret": 40050, "msg": "room already has set avc mode"}


def test_calls_on_a_room_not_in_avc_mode(room):
    not_set = {"ret": 40051, "msg": "room hasn't set avc mode"}
    assert room.api("/room/avc/stop", room_id=ROOM) == not_set
    assert room.api("/room/avc/get_avc_setting", room_id=ROOM) == not_set
    assert room.api("/room/avc/update_layout", room_id=ROOM, main_video_resource_id="v") == not_set
    assert room.api("/room/avc/select_media", room_id=ROOM, videos=json.dumps(VIDEOS)) == not_set
    assert room.api("/room/avc/set_focus_video", room_id=ROOM, resource_id="v") == not_set
    assert room.api("/room/avc/get_avc_setting", room_id="1") == {"ret": 40052, "msg": "Internal error return: room not found"}
    assert room.api("/room/avc/stop", room_id="1") == {"ret": 40004, "msg": "no such room id"}


def test_update_layout_select_focus_and_stop(room):
    room.api("/room/avc/start", **START)
    assert room.api("/room/avc/update_layout", room_id=ROOM, layout_mode="1", video_name="123",
                    video_resolution="1280*720", main_video_resource_id="16_3e7c") == OK
    assert room.api("/room/avc/select_media", room_id=ROOM, videos=json.dumps(VIDEOS), layout_mode="0") == OK
    assert room.api("/room/avc/set_focus_video", room_id=ROOM, resource_id="e94a_f25c") == OK
    composition = room.state()["avc"][ROOM]
    assert composition["layout_mode"] == 1
    assert composition["max_video_number"] == 4
    assert composition["main_video_resource_id"] == "16_3e7c"
    assert composition["videos"] == VIDEOS
    assert composition["select_layout_mode"] == 0
    assert composition["focus_video"] == "e94a_f25c"
    data = room.api("/room/avc/get_avc_setting", room_id=ROOM)["data"]
    assert (data["view_width"], data["view_height"], data["exporter_name"]) == (1280, 720, "123")
    assert data["videos"]["6_video1"] == {"zorder": 1, "x": 0.7, "y": 0, "w": 0.3, "h": 0.3}
    assert room.api("/room/avc/stop", room_id=ROOM) == OK
    assert room.state()["avc"] == {}


@pytest.mark.parametrize("params", [
    {},
    {"main_video_resource_id": "v", "layout_mode": "5"},
    {"main_video_resource_id": "v", "video_bitrate": "fast"},
])
def test_update_layout_rejects_bad_parameters(room, params):
    room.api("/room/avc/start", **START)
    assert room.api("/room/avc/update_layout", room_id=ROOM, **params)["ret"] == 40002


@pytest.mark.parametrize("videos", [
    None, "[", "{}", "[]", '[{"video_name": "a"}]', '[{"video_name": "a", "zorder": 0, "x": 0, "y": 0, "w": 2, "h": 1}]',
    '[{"video_name": "", "zorder": 0, "x": 0, "y": 0, "w": 1, "h": 1}]',
])
def test_select_media_rejects_bad_videos(room, videos):
    room.api("/room/avc/start", **START)
    assert room.api("/room/avc/select_media", room_id=ROOM, videos=videos) == {"ret": 40002, "msg": "args required or error: videos"}
    assert room.api("/room/avc/select_media", room_id=ROOM, videos=json.dumps(VIDEOS), layout_mode="2")["ret"] == 40002
    assert room.state()["avc"][ROOM]["videos"] is None


def test_site_forces_composition(room):
    assert room.control("POST", "/avd/avc/site", {"force": "sideways"}).status_code == 400
    assert room.control("POST", "/avd/avc/site", {"params_set": "no"}).status_code == 400
    room.api("/room/avc/start", **START)
    assert room.control("POST", "/avd/avc/site", {"force": "open"}).json() == {"force": "open", "params_set": True}
    assert room.api("/room/avc/stop", room_id=ROOM) == {"ret": 40055, "msg": "site has force open avc_mode"}
    room.control("POST", "/avd/avc/site", {"force": "close"})
    assert room.state()["avc"] == {}
    assert room.api("/room/avc/start", **START) == {"ret": 40053, "msg": "site has force close avc_mode"}
    room.control("POST", "/avd/avc/site", {"force": None, "params_set": False})
    assert room.api("/room/avc/start", **START) == {"ret": 40054, "msg": "no site params set, check init"}
    assert room.control("GET", "/avd/avc/site").json() == {"force": None, "params_set": False}


def test_deleted_room_loses_its_composition(room):
    room.api("/room/avc/start", **START)
    room.api("/room/del", room_id=ROOM)
    assert room.api("/room/avc/set_focus_video", room_id=ROOM, resource_id="v") == {"ret": 40004, "msg": "no such room id"}
    assert room.state()["avc"] == {}


def test_needs_a_token(client):
    client.token = None
    assert client.api("/room/avc/get_avc_setting", room_id=ROOM)["ret"] == 40002
    assert client.api("/room/avc/start", token="bogus", **START)["ret"] == 40003
