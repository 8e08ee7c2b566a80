"""Media players (avd.md section 8): ``/media/create`` ... ``/media/get_media_info``.

A player is a server-side participant of a room that plays a file held by the server (an upload) or a stream URL.
What the document leaves open, and what the emulator does about it:

* ``status`` values are unstated (Q-AVD-56). The emulator uses 0 created (nothing played yet), 1 playing,
  2 paused, 3 playback finished; clients must not rely on them.
* ``get_media_info`` requires ``url`` (Q-AVD-34) but describes the whole player: any non-empty value is accepted and
  every file the player has played is listed, in the order it last started them (``updated`` is whole seconds).
* Which player "already exists" (40080) is unstated: the emulator refuses a second player of the same ``name`` in a
  room.
* A server path the server does not hold (no upload there) has "no media data": 40084. A URL with a scheme
  (``rtmp://``, ``http://``) is a stream and is accepted as is.
* ``/media/switch`` without ``url`` (not marked required, Q-AVD-34) fails with the failure example's 40082.
* ``pause``/``resume``/``switch`` of a player that has played nothing fail with 40084; pausing a paused player or
  resuming a playing one succeeds (the only stated precondition is "the player has not been stopped").
"""
import posixpath
import time
import uuid

from .. import control_route, json_response, route

# media_players: play_id -> player (see _new_player); the files it played in "play_files".
STATE = {"media_players": {}}

CODECS = ("pcma", "pcmu", "opus", "g722")
IDLE, PLAYING, PAUSED, FINISHED = 0, 1, 2, 3
# Media facts of a file the server holds, as in the examples (a stream has no duration).
VIDEO_INFO = {"width": "960", "height": "540", "duration": 113347, "has_video": 1, "has_audio": 1}
AUDIO_INFO = {"width": "0", "height": "0", "duration": 207000, "has_video": 0, "has_audio": 1}
STREAM_INFO = {"width": "640", "height": "352", "duration": 0, "has_video": 1, "has_audio": 1}


def snapshot(state):
    """This group's part of ``GET /_emulator/state``."""
    return {"media_players": state["media_players"]}


def _media(call, url):
    """The media facts of ``url``: a stream URL, or a file the server holds (else 40084)."""
    if "://" in url:
        return dict(STREAM_INFO)
    path = posixpath.normpath(url) if url.startswith("/") else None
    if path is None or path not in call.state["uploads"]:
        call.fail(40084, "have no media info")
    return dict(AUDIO_INFO if path.lower().endswith(".mp3") else VIDEO_INFO)


def _player(call):
    """The player ``play_id`` of room ``room_id``; 40081 when the room has no such player."""
    room_id = call.require("room_id")
    play_id = call.require("play_id")
    player = call.state["media_players"].get(play_id)
    if player is None or player["room_id"] != room_id:
        call.fail(40081, "room doesn't have such play_id media")
    return player


def _start(call, player, url):
    """Start ``url`` on ``player`` from the beginning; returns the media facts (the ``data`` of the answer)."""
    info = _media(call, url)
    now = int(time.time())
    files = player["play_files"]
    entry = next((item for item in files if item["url"] == url), None)
    if entry is None:
        entry = {"play_count": 0, **info, "url": url, "created": now}
    else:
        files.remove(entry)
    entry["play_count"] += 1
    entry["updated"] = now
    files.append(entry)
    player["url"] = url
    player["status"] = PLAYING
    return info


def _integer(call, name, default):
    value = call.param(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        call.missing(name)
    if number < -1:
        call.missing(name)
    return number


@route("GET|POST", "/sdkapi/v2/media/create")
def create(call):
    """8.1: create a player in a room; ``play_id`` at top level (Q-AVD-05)."""
    room_id = call.require("room_id")
    name = call.require("name")
    mock_audio = call.boolean("auto_publish_mock_audio", False)
    codec = call.param("player_out_audio_codec")
    if codec is not None and codec not in CODECS:
        call.missing("player_out_audio_codec")
    if room_id not in call.state["rooms"]:
        call.fail(40004, "no such room id")
    players = call.state["media_players"]
    if any(player["room_id"] == room_id and player["name"] == name for player in players.values()):
        call.fail(40080, "media has already exist")
    play_id = str(uuid.uuid4())
    players[play_id] = {
        "room_id": room_id, "name": name, "user_id": call.param("user_id", ""), "auto_publish_mock_audio": mock_audio,
        "player_out_audio_codec": codec, "created": int(time.time()), "status": IDLE, "url": None,
        "replay_times": 0, "enable_auto_close_stream": True, "play_files": [],
    }
    return call.ok(play_id=play_id)


@route("GET|POST", "/sdkapi/v2/media/play")
def play(call):
    """8.2: play a file or stream; the media facts nested in ``data`` (Q-AVD-05)."""
    url = call.require("url")
    player = _player(call)
    replay_times = _integer(call, "replay_times", 0)
    auto_close = call.boolean("enable_auto_close_stream", True)
    info = _start(call, player, url)
    player["replay_times"] = replay_times
    player["enable_auto_close_stream"] = auto_close
    return call.ok(data=info)


@route("GET|POST", "/sdkapi/v2/media/stop")
def stop(call):
    """8.3: stop playback and close the player."""
    _player(call)
    del call.state["media_players"][call.params["play_id"]]
    return call.ok()


def _played(call):
    player = _player(call)
    if player["status"] == IDLE:
        call.fail(40084, "have no media info")
    return player


@route("GET|POST", "/sdkapi/v2/media/pause")
def pause(call):
    """8.4: pause playback (a paused or finished player stays as it is)."""
    player = _played(call)
    if player["status"] == PLAYING:
        player["status"] = PAUSED
    return call.ok()


@route("GET|POST", "/sdkapi/v2/media/resume")
def resume(call):
    """8.5: resume paused playback (a finished one does not start again: that is replay)."""
    player = _played(call)
    if player["status"] == PAUSED:
        player["status"] = PLAYING
    return call.ok()


@route("GET|POST", "/sdkapi/v2/media/replay")
def replay(call):
    """8.6: play again from the start, the given file or the current one."""
    player = _player(call)
    url = call.param("url") or player["url"]
    if not url:
        call.fail(40084, "have no media info")
    return call.ok(data=_start(call, player, url))


@route("GET|POST", "/sdkapi/v2/media/switch")
def switch(call):
    """8.7: switch to another file; ``url`` is not marked required, but there is nothing to switch to without it."""
    player = _played(call)
    url = call.param("url")
    if not url:
        call.fail(40082, "Internal error or set error")
    return call.ok(data=_start(call, player, url))


@route("GET|POST", "/sdkapi/v2/media/get_media_info")
def get_media_info(call):
    """8.8: the player and the files it played, as a one-element ``data`` list (Q-AVD-06, Q-AVD-56)."""
    call.require("url")
    player = _player(call)
    if not player["play_files"]:
        call.fail(40084, "have no media info")
    return call.ok(data=[{
        "created": player["created"],
        "room_id": player["room_id"],
        "play_id": call.params["play_id"],
        "user_id": player["user_id"],
        "name": player["name"],
        "play_files": [dict(entry) for entry in player["play_files"]],
        "status": player["status"],
    }])


# --- control API -----------------------------------------------------------------------------------------------


@control_route("POST", "/_emulator/avd/media/{play_id}/finish")
def finish(vendor, request):
    """End the playback of a player as if its file had played to the end."""
    play_id = request.path_args["play_id"]
    with vendor.transaction() as state:
        player = state["media_players"].get(play_id)
        if player is None:
            return json_response({"error": f"no such player: {play_id}"}, 404)
        if player["status"] == IDLE:
            return json_response({"error": f"player {play_id} has played nothing"}, 409)
        player["status"] = FINISHED
        return json_response({"play_id": play_id, **player})
