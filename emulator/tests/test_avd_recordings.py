"""AVD recordings (avd.md section 5) over real HTTP: life-cycle, status, files, transcoding, deletion."""
import hashlib
import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

FAST = {"start_delay": 0.2, "stop_delay": 0.3, "transcode_delay": 0.3}
NOT_STARTED = {"ret": 40041, "msg": "room hasn't start mix_record"}


@pytest.fixture(name="avd")
def fixture_avd(client):
    """A logged-in client, small delays, room 50000000000 with a meeting of two users."""
    client.login()
    assert client.control("POST", "/avd/recordings/config", FAST).json() == dict(FAST, stop_outcome="stopped", transcode_outcome="converted")
    assert client.api("/room/create", room_id="50000000000", user_id="owner")["ret"] == 0
    client.open_meeting("50000000000", {"user_id": "16", "user_name": "alice"}, {"user_id": "17", "user_name": "bob"})
    return client


def wait_status(client, record_id, expected, timeout=5):
    """Poll /room/record/status until ``expected``."""
    deadline = time.time() + timeout
    while True:
        reply = client.api("/room/record/status", record_id=record_id)
        if reply.get("record_status") == expected or time.time() > deadline:
            return reply
        time.sleep(0.05)


def download(url):
    """GET a download URL; returns the bytes."""
    response = requests.get(url, timeout=10)
    assert response.status_code == 200, url
    assert response.headers["Content-Type"] == "application/octet-stream"
    return response.content


def server_path(url):
    """The ``file`` parameter of an /attachment URL."""
    return parse_qs(urlsplit(url).query)["file"][0]


def test_mix_record_full_flow(avd, emulator):  # pylint: disable=too-many-locals
    """start -> 0 -> 1, stop -> 4 -> 2, then listings and checksummed downloads."""
    started = avd.api("/room/mix_record/start", room_id="50000000000", user_id="owner", enable_audio_record="true", name="demo")
    assert started["ret"] == 0 and started["msg"] == "success"
    record_id = started["record_id"]
    assert re.fullmatch(r"[0-9a-f]{32}", record_id)
    assert avd.api("/room/record/status", record_id=record_id) == {"ret": 0, "msg": "success", "record_status": 0}
    assert wait_status(avd, record_id, 1)["record_status"] == 1
    assert avd.api("/room/mix_record/start", room_id="50000000000") == {"ret": 40040, "msg": "room already has mix_record or mix_live"}
    # Files are not listed while recording.
    assert avd.api("/room/mix_record/get", room_id="50000000000") == {"ret": 0, "msg": "success", "data": []}

    stopped = avd.api("/room/mix_record/stop", room_id="50000000000", record_id=record_id, stream_type="video")
    assert stopped["ret"] == 0
    types = sorted(item["file_type"] for item in stopped["data"])
    assert types == ["mp3", "mp4"]
    for item in stopped["data"]:
        assert set(item) == {"download_url", "duration", "play_url", "file_size", "start_time", "end_time", "room_id", "file_type", "name"}
        assert item["download_url"].startswith(emulator.url + "/attachment?file=/home/data/recorder/files/")
        assert re.fullmatch(r"\d+\.\d{3}s", item["duration"]) and re.fullmatch(r"\d+\.\d{3}M", item["file_size"])
        assert item["start_time"].isdigit() and item["end_time"].isdigit()
        assert item["room_id"] == "50000000000"
        assert record_id in item["download_url"]
    assert avd.api("/room/record/status", record_id=record_id)["record_status"] == 4
    assert avd.api("/room/mix_record/get", room_id="50000000000")["data"] == []
    assert requests.get(stopped["data"][0]["download_url"], timeout=10).status_code == 404
    assert wait_status(avd, record_id, 2)["record_status"] == 2

    listed = avd.api("/room/mix_record/get", room_id="50000000000")
    assert listed["ret"] == 0 and len(listed["data"]) == 1
    entry = listed["data"][0]
    assert entry["record_id"] == record_id and entry["name"] == "demo" and entry["play_url"] == ""
    assert len(entry["transcode_files"]) == 2
    assert "down_url" not in entry and "download_url" in entry
    audio_only = avd.api("/room/mix_record/get", room_id="50000000000", record_type="2")["data"][0]["transcode_files"]
    assert [server_path(item["download_url"])[-4:] for item in audio_only] == [".mp3"]

    # Real files: the state dump's sha256 matches the download.
    state = avd.state()
    recorded = next(record for record in state["recordings"] if record["record_id"] == record_id)
    assert recorded["room_id"] == "50000000000" and recorded["kind"] == "mix" and recorded["status"] == 2
    assert len(recorded["files"]) == 2
    by_path = {item["path"]: item for item in recorded["files"]}
    for item in stopped["data"]:
        body = download(item["download_url"])
        dumped = by_path[server_path(item["download_url"])]
        assert hashlib.sha256(body).hexdigest() == dumped["sha256"] and len(body) == dumped["size"]
        assert 1024 <= len(body) <= 8192
        head = requests.head(item["download_url"], timeout=10)
        assert head.status_code == 200 and int(head.headers["Content-Length"]) == len(body)

    mp3 = avd.api("/room/record/get", room_id="50000000000")
    assert [item["file_type"] for item in mp3["data"]] == ["mp3"]
    assert set(mp3["data"][0]) == {"start_time", "end_time", "room_id", "play_url", "download_url", "file_type", "file_size", "name"}
    assert mp3["data"][0]["play_url"] == ""


def test_download_url_uses_client_host(avd, emulator):
    """download_url is built from the Host the client used."""
    record_id = avd.api("/room/mix_record/start", room_id="50000000000")["record_id"]
    avd.api("/room/mix_record/stop", room_id="50000000000")
    wait_status(avd, record_id, 2)
    port = urlsplit(emulator.url).port
    other = f"http://localhost:{port}"
    reply = requests.get(other + "/sdkapi/v2/room/mix_record/get", params={"token": avd.token, "room_id": "50000000000"}, timeout=10).json()
    url = reply["data"][0]["transcode_files"][0]["download_url"]
    assert url.startswith(other + "/attachment?file=")
    assert download(url)


def test_mix_record_errors(avd):
    """40002, 40004, 40009, 40040, 40041, 40090 and the layout updates."""
    assert avd.api("/room/mix_record/start", room_id="404")["ret"] == 40004
    avd.api("/room/create", room_id="60000000000", user_id="x")
    assert avd.api("/room/mix_record/start", room_id="60000000000") == {"ret": 40009, "msg": "room not open or not exist"}
    assert avd.api("/room/mix_record/start")["ret"] == 40002
    assert avd.api("/room/mix_record/start", room_id="50000000000", enable_audio_record="yes")["ret"] == 40002
    assert avd.api("/room/mix_record/start", room_id="50000000000", audio_file_type="wav")["ret"] == 40002
    assert avd.api("/room/mix_record/start", room_id="50000000000", video_level="ultra")["ret"] == 40002
    assert avd.api("/room/mix_record/start", room_id="50000000000", videos="not json")["ret"] == 40002
    assert avd.api("/room/mix_record/stop", room_id="50000000000") == {**NOT_STARTED, "ret": 40041}
    assert avd.api("/room/mix_record/update_layout", room_id="50000000000", videos="[]") == NOT_STARTED
    assert avd.api("/room/mix_record/update_audio_layout", room_id="50000000000", audio_mixer_users="[]") == NOT_STARTED
    assert avd.api("/room/record/status", record_id="0" * 32) == {"ret": 40090, "msg": "no such record_id"}
    assert avd.api("/room/record/status")["ret"] == 40002
    record_id = avd.api("/room/mix_record/start", room_id="50000000000")["record_id"]
    assert avd.api("/room/mix_record/stop", room_id="50000000000", record_id="f" * 32) == NOT_STARTED
    assert avd.api("/room/mix_record/update_layout", room_id="50000000000")["ret"] == 40002
    layout = '[{"video_name": "E59D90E5B8AD", "order": 0, "x": 0, "y": 0, "w": 1, "h": 2}]'
    assert avd.api("/room/mix_record/update_layout", room_id="50000000000", videos=layout) == {"ret": 0, "msg": "success"}
    mixer = '[{"user_id":"16","channel":1}]'
    assert avd.api("/room/mix_record/update_audio_layout", room_id="50000000000", audio_mixer_users=mixer, record_id=record_id) == {"msg": "success", "ret": 0}
    assert avd.api("/room/mix_record/update_audio_layout", room_id="50000000000")["ret"] == 40002
    # Without record_id every running mixed recording of the room stops.
    assert avd.api("/room/mix_record/stop", room_id="50000000000", method="POST")["ret"] == 0
    assert avd.api("/room/record/status", record_id=record_id)["record_status"] == 4


def test_audio_only_and_individual_files(avd):
    """audio_user_ids gives only an MP3; individual/backup files are named as documented."""
    record_id = avd.api("/room/mix_record/start", room_id="50000000000", audio_user_ids='["16"]', file_name="talk")["record_id"]
    files = avd.api("/room/mix_record/stop", room_id="50000000000")["data"]
    assert [item["name"] for item in files] == ["talk.mp3"]
    wait_status(avd, record_id, 2)
    record_id = avd.api("/room/mix_record/start", room_id="50000000000", enable_individual_record="true", enable_backup="true",
                        enable_realtime_transcode="true")["record_id"]
    names = [item["name"] for item in avd.api("/room/mix_record/stop", room_id="50000000000")["data"]]
    assert names[0].endswith(".tms") and "alice_16_v1.mp4" in names and "bob_17_a1.mp3" in names
    wait_status(avd, record_id, 2)
    entry = avd.api("/room/mix_record/get", room_id="50000000000", record_id=record_id)["data"][0]
    assert entry["file_type"] == "tms" and entry["download_url"].endswith(".tms")


def test_close_and_delete_room_stop_recordings(avd):
    """/room/close and /room/del stop the room's recordings."""
    record_id = avd.api("/room/mix_record/start", room_id="50000000000")["record_id"]
    assert avd.api("/room/desktop_record/start", room_id="50000000000", enable_realtime_transcode="true", name="screen")["ret"] == 0
    assert avd.api("/room/close", room_id="50000000000") == {"code": 200, "msg": "success"}
    assert avd.api("/room/record/status", record_id=record_id)["record_status"] in (2, 4)
    assert avd.api("/room/desktop_record/stop", room_id="50000000000") == {"ret": 40041, "msg": "room hasn't start desktop_record"}
    wait_status(avd, record_id, 2)
    assert len(avd.api("/room/desktop_record/get", room_id="50000000000", name="screen")["data"]) == 1
    avd.open_meeting("50000000000", {"user_id": "16"})
    second = avd.api("/room/mix_record/start", room_id="50000000000")["record_id"]
    assert avd.api("/room/del", room_id="50000000000")["ret"] == 0
    assert wait_status(avd, second, 2)["record_status"] == 2
    # Recordings outlive the room.
    assert len(avd.api("/room/mix_record/get", room_id="50000000000")["data"]) == 2


def test_desktop_record(avd, emulator):
    """one desktop recording per room, its files found by name."""
    assert avd.api("/room/desktop_record/start", room_id="50000000000", name="screen")["ret"] == 40002
    assert avd.api("/room/desktop_record/start", room_id="50000000000", enable_realtime_transcode="true")["ret"] == 40002
    assert avd.api("/room/desktop_record/stop", room_id="50000000000")["ret"] == 40041
    assert avd.api("/room/desktop_record/start", room_id="50000000000", enable_realtime_transcode="false", name="screen") == {"ret": 0, "msg": "success"}
    assert avd.api("/room/desktop_record/start", room_id="50000000000", enable_realtime_transcode="false", name="other")["ret"] == 40040
    # A mixed recording may run next to the desktop recording.
    assert avd.api("/room/mix_record/start", room_id="50000000000")["ret"] == 0
    assert avd.api("/room/desktop_record/stop", room_id="50000000000") == {"ret": 0, "msg": "success"}
    desktop = next(record for record in avd.state()["recordings"] if record["kind"] == "desktop")
    wait_status(avd, desktop["record_id"], 2)
    data = avd.api("/room/desktop_record/get", room_id="50000000000", name="screen")["data"]
    assert len(data) == 1 and data[0]["name"] == "screen" and data[0]["file_type"] == "mp4"
    assert data[0]["play_url"] == emulator.url + "/videoPlayer?url=" + data[0]["download_url"]
    assert hashlib.sha256(download(data[0]["download_url"])).hexdigest() == avd.state()["recordings"][0]["files"][0]["sha256"]
    assert avd.api("/room/desktop_record/get", room_id="50000000000", name="other")["data"] == []


def test_get_record_and_list(avd):
    """/room/get_record (time range, down_url) and /room/get_record_list."""
    begin = int(time.time())
    record_id = avd.api("/room/mix_record/start", room_id="50000000000", user_id="owner", enable_audio_record="true")["record_id"]
    avd.api("/room/mix_record/stop", room_id="50000000000")
    wait_status(avd, record_id, 2)
    end = int(time.time()) + 1
    reply = avd.api("/room/get_record", room_id="50000000000", record_start_time=str(begin), record_end_time=str(end), value_same_as_box="true")
    assert reply["ret"] == 0 and len(reply["record_files"]) == 1
    found = reply["record_files"][0]
    assert found["record_id"] == record_id and found["creator_id"] == "owner" and found["room_id"] == "50000000000"
    assert isinstance(found["transcode_files"]["down_url"], list) and len(found["transcode_files"]["file_infos"]) == 2
    assert "download_url" not in found and download(found["down_url"])
    assert avd.api("/room/get_record", room_id="50000000000", record_start_time="1", record_end_time="2")["record_files"] == []
    assert avd.api("/room/get_record", room_id="50000000000", record_start_time=str(begin), record_end_time=str(end),
                   record_creator_id="nobody")["record_files"] == []
    assert avd.api("/room/get_record", room_id="50000000000", record_start_time="x", record_end_time="2")["ret"] == 40002
    listed = avd.api("/room/get_record_list")
    assert listed["ret"] == 0 and len(listed["data"]) == 1
    assert listed["data"][0]["file_size"] == "" and listed["data"][0]["transcode_files"] == {} and "down_url" in listed["data"][0]


def test_transcode(avd):
    """/room/record/transfer and /transcode/query progression."""
    record_id = avd.api("/room/mix_record/start", room_id="50000000000")["record_id"]
    assert avd.api("/room/record/transfer", room_id="50000000000", record_id=record_id) == {"ret": 40043, "msg": "Internal error or set error"}
    avd.api("/room/mix_record/stop", room_id="50000000000")
    wait_status(avd, record_id, 2)
    assert avd.api("/transcode/query", room_id="50000000000", record_id=record_id) == {"ret": 0, "msg": "success", "status": 0}
    assert avd.api("/room/record/transfer", room_id="50000000000", record_id=record_id) == {"ret": 0, "msg": "success"}
    assert avd.api("/transcode/query", room_id="50000000000", record_id=record_id)["status"] == 1
    time.sleep(0.4)
    assert avd.api("/transcode/query", room_id="50000000000", record_id=record_id)["status"] == 2
    assert avd.api("/transcode/query", room_id="1", record_id=record_id)["ret"] == 40090
    assert avd.api("/room/record/transfer", room_id="50000000000")["ret"] == 40002


def test_delete_one_file_and_all(avd):
    """/room/delete_record (one file, 40094) and /room/del_record (all, running kept)."""
    record_id = avd.api("/room/mix_record/start", room_id="50000000000", enable_audio_record="true")["record_id"]
    files = avd.api("/room/mix_record/stop", room_id="50000000000")["data"]
    # Not yet finished: nothing to delete.
    assert avd.api("/room/delete_record", room_id="50000000000", url=server_path(files[0]["download_url"])) == {"ret": 40094, "msg": "no such record"}
    wait_status(avd, record_id, 2)
    path = server_path(files[0]["download_url"])
    assert avd.api("/room/delete_record", room_id="50000000000", url=path) == {"ret": 0, "msg": "success"}
    assert avd.api("/room/delete_record", room_id="50000000000", url=path)["ret"] == 40094
    assert avd.api("/room/delete_record", room_id="50000000000")["ret"] == 40002
    assert requests.get(files[0]["download_url"], timeout=10).status_code == 404
    assert download(files[1]["download_url"])
    listed = avd.api("/room/mix_record/get", room_id="50000000000", record_id=record_id)
    assert listed["ret"] == 0 and len(listed["data"]) == 1
    assert avd.api("/room/delete_record", room_id="50000000000", url=server_path(files[1]["download_url"]))["ret"] == 0
    # The recording's last file is gone: it is no longer listed, and listing still answers.
    assert avd.api("/room/mix_record/get", room_id="50000000000", record_id=record_id) == {"ret": 0, "msg": "success", "data": []}
    running = avd.api("/room/mix_record/start", room_id="50000000000")["record_id"]
    assert avd.api("/room/del_record", room_id="50000000000") == {"ret": 0, "msg": "success"}
    assert avd.api("/room/record/status", record_id=record_id)["ret"] == 40090
    assert avd.api("/room/record/status", record_id=running)["record_status"] in (0, 1)
    assert avd.api("/room/del_record", room_id="99")["ret"] == 0


def test_config_control_and_token(client):
    """control API validation, the state dump and token checks."""
    assert client.control("POST", "/avd/recordings/config", {"start_delay": -1}).status_code == 400
    assert client.control("POST", "/avd/recordings/config", {"bogus": 1}).status_code == 400
    assert client.control("POST", "/avd/recordings/config", [1]).status_code == 400
    assert client.control("POST", "/avd/recordings/config", {"stop_delay": 0}).json() == {
        "start_delay": 1.0, "stop_delay": 0.0, "transcode_delay": 3.0, "stop_outcome": "stopped", "transcode_outcome": "converted"}
    assert client.control("POST", "/avd/recordings/config", {"stop_outcome": "crashed"}).status_code == 400
    assert client.control("POST", "/avd/recordings/config", {"transcode_outcome": 3}).status_code == 400
    assert client.control("GET", "/avd/recordings/config").json()["stop_delay"] == 0.0
    assert client.state()["recordings"] == []
    assert client.api("/room/mix_record/start", token="", room_id="1")["ret"] == 40002
    assert client.api("/room/record/status", token="bad", record_id="1")["ret"] == 40003


def test_a_recording_can_stop_abnormally_and_a_transcoding_fail(avd):
    """Statuses 3 of /room/record/status and /transcode/query, through the control API's outcomes."""
    assert avd.control("POST", "/avd/recordings/config", {"stop_outcome": "abnormal"}).json()["stop_outcome"] == "abnormal"
    broken = avd.api("/room/mix_record/start", room_id="50000000000")["record_id"]
    assert avd.api("/room/mix_record/stop", room_id="50000000000", record_id=broken)["ret"] == 0
    wait_status(avd, broken, 3)
    assert avd.api("/room/mix_record/get", room_id="50000000000", record_id=broken)["data"] == []
    avd.control("POST", "/avd/recordings/config", {"stop_outcome": "stopped", "transcode_outcome": "failed"})
    fine = avd.api("/room/mix_record/start", room_id="50000000000")["record_id"]
    avd.api("/room/mix_record/stop", room_id="50000000000", record_id=fine)
    wait_status(avd, fine, 2)
    assert avd.api("/room/record/transfer", room_id="50000000000", record_id=fine)["ret"] == 0
    time.sleep(0.5)
    assert avd.api("/transcode/query", room_id="50000000000", record_id=fine)["status"] == 3
