"""AVD live streaming and mixed live streaming (avd.md section 6) over real HTTP."""
import json

import pytest

ROOM = "50000000000"
PUSH = "rtmp://121.41.119.216/live/2b5c9ad2-9897-4541-a15f-4fe12c14ae87"
OK = {"ret": 0, "msg": "success"}


@pytest.fixture(name="avd")
def fixture_avd(client):
    """A logged-in client and room 50000000000 with a meeting of two users."""
    client.login()
    assert client.api("/room/create", room_id=ROOM, user_id="owner")["ret"] == 0
    client.open_meeting(ROOM, {"user_id": "16", "user_name": "alice"}, {"user_id": "17", "user_name": "bob"})
    return client


def streams(client):
    """The streams of ``GET /_emulator/state``."""
    return client.state()["live_streams"]


def test_live_start_stop_and_the_codes_that_reveal_the_state(avd):
    """6.1/6.2: 40061 never started, 40060 while running (settings kept), 40065 once stopped."""
    assert avd.api("/room/live/stop", room_id=ROOM) == {"ret": 40061, "msg": "room hasn't start live"}
    assert avd.api("/room/live/start", room_id=ROOM, user_id="16", push_url=PUSH, hls_url="http://play/x.m3u8") == OK
    [stream] = streams(avd)
    assert stream["room_id"] == ROOM and stream["kind"] == "live" and stream["status"] == "running"
    assert (stream["user_id"], stream["push_url"], stream["hls_url"], stream["rtmp_url"]) == ("16", PUSH, "http://play/x.m3u8", None)
    # Started again, with the same or other settings: the running stream is kept.
    assert avd.api("/room/live/start", room_id=ROOM, user_id="17", push_url=PUSH + "x") == {"ret": 40060, "msg": "room has already start live"}
    assert len(streams(avd)) == 1
    assert avd.api("/room/live/stop", method="POST", room_id=ROOM) == OK
    assert [(s["status"], s["stopped_by"]) for s in streams(avd)] == [("stopped", "stop")]
    assert avd.api("/room/live/stop", room_id=ROOM) == {"ret": 40065, "msg": "room live has been stoped"}
    assert avd.api("/room/live/start", method="POST", room_id=ROOM, user_id="17", push_url=PUSH) == OK
    assert [s["status"] for s in streams(avd)] == ["stopped", "running"]


@pytest.mark.parametrize("missing", ["room_id", "user_id", "push_url"])
def test_live_start_required_parameters(avd, missing):
    """room_id, user_id and push_url are required (40002); nothing starts."""
    params = {"room_id": ROOM, "user_id": "16", "push_url": PUSH}
    params[missing] = ""
    assert avd.api("/room/live/start", **params)["ret"] == 40002
    assert streams(avd) == []


def test_live_start_needs_a_meeting_with_that_user(avd):
    """40004 unknown room, 40008 user not in the meeting, 40009 no meeting in progress."""
    assert avd.api("/room/live/start", room_id="49999999999", user_id="16", push_url=PUSH)["ret"] == 40004
    assert avd.api("/room/live/start", room_id=ROOM, user_id="99", push_url=PUSH) == {"ret": 40008, "msg": "user not in room"}
    assert avd.api("/room/create", room_id="50000000001", user_id="owner")["ret"] == 0
    assert avd.api("/room/live/start", room_id="50000000001", user_id="16", push_url=PUSH)["ret"] == 40009
    assert avd.api("/room/live/stop", room_id="49999999999")["ret"] == 40004
    assert avd.api("/room/live/stop")["ret"] == 40002
    assert streams(avd) == []


def test_service_down_refuses_starts(avd):
    """The control API takes the streaming service down: 40064 (live) and 40043 (mixed), as in the failure examples."""
    assert avd.control("POST", "/avd/live/config", {"service": "down"}).json() == {"service": "down"}
    assert avd.api("/room/live/start", room_id=ROOM, user_id="16", push_url=PUSH) == {"ret": 40064, "msg": "connect shut down, check live service"}
    assert avd.api("/room/mix_live/start", room_id=ROOM, push_url=PUSH) == {"ret": 40043, "msg": "Internal error or set error"}
    assert streams(avd) == []
    assert avd.control("POST", "/avd/live/config", {"service": "sideways"}).status_code == 400
    assert avd.control("GET", "/avd/live/config").json() == {"service": "down"}
    assert avd.control("POST", "/avd/live/config", {"service": "up"}).json() == {"service": "up"}
    assert avd.api("/room/live/start", room_id=ROOM, user_id="16", push_url=PUSH) == OK


def test_meeting_end_and_drop_stop_the_streams(avd):
    """/room/close, /room/del and a dropped connection stop streams; a later stop says so (40065 / 40041)."""
    assert avd.api("/room/live/start", room_id=ROOM, user_id="16", push_url=PUSH) == OK
    assert avd.api("/room/mix_live/start", room_id=ROOM, push_url=PUSH) == OK
    assert avd.api("/room/close", room_id=ROOM) == {"code": 200, "msg": "success"}
    assert [(s["kind"], s["status"], s["stopped_by"]) for s in streams(avd)] == [("live", "stopped", "close"), ("mix_live", "stopped", "close")]
    assert avd.api("/room/live/stop", room_id=ROOM)["ret"] == 40065
    assert avd.api("/room/mix_live/stop", room_id=ROOM)["ret"] == 40041

    avd.open_meeting(ROOM, {"user_id": "16"})
    assert avd.api("/room/live/start", room_id=ROOM, user_id="16", push_url=PUSH) == OK
    dropped = avd.control("POST", f"/avd/rooms/{ROOM}/live/live/drop")
    assert dropped.status_code == 200 and dropped.json()["stopped_by"] == "dropped"
    assert avd.control("POST", f"/avd/rooms/{ROOM}/live/live/drop").status_code == 404
    assert avd.control("POST", f"/avd/rooms/{ROOM}/live/other/drop").status_code == 400
    assert avd.api("/room/live/stop", room_id=ROOM)["ret"] == 40065

    assert avd.api("/room/live/start", room_id=ROOM, user_id="16", push_url=PUSH) == OK
    assert avd.api("/room/del", room_id=ROOM)["ret"] == 0
    assert streams(avd)[-1]["stopped_by"] == "del"


def test_mix_live_shares_the_mix_slot_with_mixed_recording(avd):
    """One mix slot per room: 40040 for a mixed live stream and a mixed recording alike; live is another slot."""
    videos = [{"video_name": "16_video1", "zorder": 0, "x": 0, "y": 0, "w": 1, "h": 1}]
    assert avd.api("/room/mix_live/stop", room_id=ROOM) == {"ret": 40041, "msg": "room hasn't start mix_record or mix_live"}
    assert avd.api("/room/mix_live/start", room_id=ROOM, push_url=PUSH, videos=json.dumps(videos), rtmp_url="rtmp://play/x") == OK
    [stream] = streams(avd)
    assert (stream["kind"], stream["videos"], stream["rtmp_url"], stream["status"]) == ("mix_live", videos, "rtmp://play/x", "running")
    assert avd.api("/room/mix_live/start", room_id=ROOM, push_url=PUSH) == {"ret": 40040, "msg": "room already has mix_record or mix_live"}
    assert avd.api("/room/mix_record/start", room_id=ROOM) == {"ret": 40040, "msg": "room already has mix_record or mix_live"}
    # The single-user live stream is another slot.
    assert avd.api("/room/live/start", room_id=ROOM, user_id="16", push_url=PUSH) == OK
    assert avd.api("/room/mix_live/stop", room_id=ROOM) == {"ret": 0, "msg": "success", "data": {}}
    assert avd.api("/room/live/stop", room_id=ROOM) == OK

    started = avd.api("/room/mix_record/start", room_id=ROOM)
    assert started["ret"] == 0
    assert avd.api("/room/mix_live/start", room_id=ROOM, push_url=PUSH) == {"ret": 40040, "msg": "room already has mix_record or mix_live"}
    assert avd.api("/room/mix_record/stop", room_id=ROOM, record_id=started["record_id"])["ret"] == 0
    assert avd.api("/room/mix_live/start", room_id=ROOM, push_url=PUSH) == OK


@pytest.mark.parametrize("videos", ["not json", "{}", "[1]", '[{"zorder": 0}]'])
def test_mix_live_videos_must_be_a_layout(avd, videos):
    """videos is a JSON array of objects naming a video (Q-AVD-29), else 40002."""
    assert avd.api("/room/mix_live/start", room_id=ROOM, push_url=PUSH, videos=videos)["ret"] == 40002
    assert streams(avd) == []


def test_mix_live_start_checks(avd):
    """6.3/6.4: required parameters, unknown room (the 6.4 example's wording), no meeting."""
    assert avd.api("/room/mix_live/start", room_id=ROOM)["ret"] == 40002
    assert avd.api("/room/mix_live/start", push_url=PUSH)["ret"] == 40002
    assert avd.api("/room/mix_live/start", room_id="49999999999", push_url=PUSH)["ret"] == 40004
    assert avd.api("/room/mix_live/stop", room_id="49999999999") == {"ret": 40004, "msg": "no such room"}
    assert avd.api("/room/create", room_id="50000000001", user_id="owner")["ret"] == 0
    assert avd.api("/room/mix_live/start", room_id="50000000001", push_url=PUSH)["ret"] == 40009


def test_token_is_required(avd):
    """A bad token is 40003 like everywhere."""
    assert avd.api("/room/live/start", token="nope", room_id=ROOM, user_id="16", push_url=PUSH)["ret"] == 40003
    assert avd.api("/room/mix_live/stop", token="nope", room_id=ROOM)["ret"] == 40003


def test_state_resets(avd, client):
    """/_emulator/reset forgets the streams and brings the service back up."""
    assert avd.api("/room/live/start", room_id=ROOM, user_id="16", push_url=PUSH) == OK
    assert client.control("POST", "/reset").status_code in (200, 204)
    assert client.state()["live_streams"] == [] and client.state()["live_config"] == {"service": "up"}
