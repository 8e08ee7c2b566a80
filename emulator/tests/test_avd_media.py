"""AVD media players (avd.md section 8)."""
import pytest
import requests

OK = {"ret": 0, "msg": "success"}
ROOM = "50000000000"
NO_PLAYER = {"ret": 40081, "msg": "room doesn't have such play_id media"}
NO_MEDIA = {"ret": 40084, "msg": "have no media info"}


def upload(emulator, name, directory="/root"):
    response = requests.post(emulator.url + "/uploadfile", files={"file": (name, b"\0" * 64)}, data={"path": directory}, timeout=30)
    assert response.json()["ret"] == 0, response.text
    return f"{directory}/{name}"


@pytest.fixture(name="room")
def fixture_room(client):
    client.api("/room/create", room_id=ROOM, user_id="16")
    return ROOM


def create(client, name="realtime_play", **params):
    body = client.api("/media/create", room_id=ROOM, name=name, **params)
    assert set(body) == {"ret", "msg", "play_id"}, body
    return body["play_id"]


def info(client, play_id, url="/root/456.mp4"):
    return client.api("/media/get_media_info", room_id=ROOM, play_id=play_id, url=url)


def test_create_as_in_the_example(client, room):
    play_id = create(client, user_id="1", auto_publish_mock_audio="true")
    player = client.state()["media_players"][play_id]
    assert (player["room_id"], player["name"], player["user_id"], player["auto_publish_mock_audio"]) == (room, "realtime_play", "1", True)


def test_create_needs_room_and_name_and_a_room_that_exists(client, room):
    assert client.api("/media/create", room_id=room) == {"ret": 40002, "msg": "args required or error: name"}
    assert client.api("/media/create", name="p") == {"ret": 40002, "msg": "args required or error: room_id"}
    assert client.api("/media/create", room_id="59999999999", name="p")["ret"] == 40004
    assert client.api("/media/create", room_id=room, name="p", player_out_audio_codec="mp3") == {
        "ret": 40002, "msg": "args required or error: player_out_audio_codec"}
    assert client.api("/media/create", room_id=room, name="p", auto_publish_mock_audio="yes")["ret"] == 40002
    assert client.state()["media_players"] == {}


def test_second_player_of_the_same_name_already_exists(client, room):
    create(client, name="a")
    assert client.api("/media/create", room_id=room, name="a") == {"ret": 40080, "msg": "media has already exist"}
    create(client, name="b", player_out_audio_codec="opus")
    assert len(client.state()["media_players"]) == 2


def test_play_as_in_the_example(emulator, client, room):
    url = upload(emulator, "456.mp4")
    play_id = create(client)
    body = client.api("/media/play", method="POST", room_id=room, play_id=play_id, url=url, replay_times="0", enable_auto_close_stream="false")
    assert body == {**OK, "data": {"width": "960", "duration": 113347, "has_video": 1, "height": "540", "has_audio": 1}}
    player = client.state()["media_players"][play_id]
    assert (player["url"], player["status"], player["replay_times"], player["enable_auto_close_stream"]) == (url, 1, 0, False)


def test_play_needs_a_file_the_server_holds_or_a_stream(emulator, client, room):
    play_id = create(client)
    assert client.api("/media/play", room_id=room, play_id=play_id, url="/root/missing.mp4") == NO_MEDIA
    assert client.api("/media/play", room_id=room, play_id=play_id) == {"ret": 40002, "msg": "args required or error: url"}
    assert client.api("/media/play", room_id=room, play_id=play_id, url="rtmp://live.example/app/s", replay_times="-2")["ret"] == 40002
    assert client.api("/media/play", room_id=room, play_id=play_id, url="rtmp://live.example/app/s", replay_times="-1")["ret"] == 0
    mp3 = upload(emulator, "a.mp3")
    assert client.api("/media/play", room_id=room, play_id=play_id, url=mp3)["data"]["has_video"] == 0


def test_unknown_player_or_other_room_gives_40081(client, room):
    play_id = create(client)
    client.api("/room/create", room_id="50000000001", user_id="16")
    for path in ("/media/play", "/media/stop", "/media/pause", "/media/resume", "/media/replay", "/media/switch", "/media/get_media_info"):
        assert client.api(path, room_id=room, play_id="nope", url="/root/x.mp4") == NO_PLAYER, path
        assert client.api(path, room_id="50000000001", play_id=play_id, url="/root/x.mp4") == NO_PLAYER, path


def test_pause_resume_and_a_player_that_played_nothing(emulator, client, room):
    url = upload(emulator, "456.mp4")
    play_id = create(client)
    for path in ("/media/pause", "/media/resume", "/media/switch"):
        assert client.api(path, room_id=room, play_id=play_id, url=url) == NO_MEDIA, path
    assert info(client, play_id) == NO_MEDIA
    client.api("/media/play", room_id=room, play_id=play_id, url=url)
    assert client.api("/media/pause", room_id=room, play_id=play_id) == OK
    assert client.state()["media_players"][play_id]["status"] == 2
    assert client.api("/media/pause", room_id=room, play_id=play_id) == OK
    assert client.api("/media/resume", room_id=room, play_id=play_id) == OK
    assert client.state()["media_players"][play_id]["status"] == 1
    assert client.api("/media/resume", room_id=room, play_id=play_id) == OK


def test_switch_and_get_media_info(emulator, client, room):
    first, second = upload(emulator, "456.mp4"), upload(emulator, "test.mp4")
    play_id = create(client, user_id="6a1a4a3e-1ba0-4e7f-af78-f6617d49e85f")
    client.api("/media/play", room_id=room, play_id=play_id, url=first)
    assert client.api("/media/switch", room_id=room, play_id=play_id) == {"ret": 40082, "msg": "Internal error or set error"}
    assert client.api("/media/switch", room_id=room, play_id=play_id, url="/root/none.mp4") == NO_MEDIA
    assert client.api("/media/switch", room_id=room, play_id=play_id, url=second)["data"]["has_video"] == 1
    assert client.api("/media/get_media_info", room_id=room, play_id=play_id) == {"ret": 40002, "msg": "args required or error: url"}
    body = info(client, play_id, second)
    assert set(body) == {"ret", "msg", "data"} and isinstance(body["data"], list) and len(body["data"]) == 1
    player = body["data"][0]
    assert {key: player[key] for key in ("room_id", "play_id", "user_id", "name", "status")} == {
        "room_id": room, "play_id": play_id, "user_id": "6a1a4a3e-1ba0-4e7f-af78-f6617d49e85f", "name": "realtime_play", "status": 1}
    assert isinstance(player["created"], int)
    assert [(entry["url"], entry["play_count"]) for entry in player["play_files"]] == [(first, 1), (second, 1)]
    assert set(player["play_files"][0]) == {"play_count", "duration", "has_audio", "updated", "width", "url", "has_video", "height", "created"}
    # Switching back starts the first file again: it is counted twice and listed last.
    client.api("/media/switch", room_id=room, play_id=play_id, url=first)
    assert [(entry["url"], entry["play_count"]) for entry in info(client, play_id)["data"][0]["play_files"]] == [(second, 1), (first, 2)]


def test_replay_after_the_end(emulator, client, room):
    url = upload(emulator, "456.mp4")
    play_id = create(client)
    assert client.api("/media/replay", room_id=room, play_id=play_id) == NO_MEDIA
    client.api("/media/play", room_id=room, play_id=play_id, url=url)
    finished = client.control("POST", f"/avd/media/{play_id}/finish")
    assert finished.status_code == 200 and finished.json()["status"] == 3
    assert client.api("/media/resume", room_id=room, play_id=play_id) == OK
    assert client.state()["media_players"][play_id]["status"] == 3
    assert client.api("/media/replay", room_id=room, play_id=play_id)["data"]["duration"] == 113347
    assert client.state()["media_players"][play_id]["status"] == 1
    assert info(client, play_id)["data"][0]["play_files"][0]["play_count"] == 2


def test_finish_control_errors(client, room):
    play_id = create(client)
    assert client.control("POST", f"/avd/media/{play_id}/finish").status_code == 409
    assert client.control("POST", "/avd/media/nope/finish").status_code == 404


def test_stop_closes_the_player(emulator, client, room):
    url = upload(emulator, "456.mp4")
    play_id = create(client)
    client.api("/media/play", room_id=room, play_id=play_id, url=url)
    assert client.api("/media/stop", room_id=room, play_id=play_id) == OK
    assert client.state()["media_players"] == {}
    assert client.api("/media/stop", room_id=room, play_id=play_id) == NO_PLAYER
    assert info(client, play_id) == NO_PLAYER
    # Its name is free again.
    create(client)


def test_every_call_needs_a_token(client, room):
    client.token = "bm90LWEtdG9rZW4="
    for path in ("/media/create", "/media/play", "/media/stop", "/media/get_media_info"):
        assert client.api(path, room_id=room, name="p", play_id="x", url="/root/x.mp4")["ret"] == 40003, path
