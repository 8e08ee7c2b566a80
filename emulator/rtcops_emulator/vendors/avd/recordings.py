"""Recordings (avd.md section 5): mixed and desktop recording, status, file listings, transcoding, deletion.

The model (status progression, files) is in :mod:`.recording_store`.
"""
import posixpath
import secrets
import time
from urllib.parse import quote

from .. import control_route, json_response, route
from . import live, recording_store as store

# recordings: record_id -> record; recording_config: the delays set through the control API.
STATE = {"recordings": {}, "recording_config": {}}

NOT_STARTED = (40041, "room hasn't start mix_record")
NO_RECORD_ID = (40090, "no such record_id")
SET_ERROR = (40043, "Internal error or set error")
MIX_BOOLEANS = ("enable_audio_record", "enable_realtime_transcode", "enable_transcode", "enable_osdts_record",
                "enable_individual_record", "enable_save_mix", "enable_backup", "disable_user_name", "marking_video_by_id")
MIX_TEXT = ("user_id", "name", "video_resolution", "file_name", "osds", "audio_data_exporter_address")
MIX_INTEGERS = ("video_bitrate", "video_framerate", "audio_channels", "audio_samples")
MIX_JSON = ("videos", "audio_user_ids", "audio_mixer_users")
SAMPLES = {"pcm": (8000, 16000), "aac": (16000, 32000, 44100, 48000)}


def snapshot(state):
    """This group's part of ``GET /_emulator/state``."""
    now = time.time()
    return {
        "recordings": [
            {
                "record_id": record_id, "room_id": record["room_id"], "kind": record["kind"], "name": record["name"],
                "status": store.status(record, now), "transcode_status": store.transcode_status(record, now),
                "files": [{"path": entry["path"], "sha256": entry["sha256"], "size": entry["size"]} for entry in record["files"]],
            }
            for record_id, record in state["recordings"].items()
        ],
    }


# --- helpers ---------------------------------------------------------------------------------------------------


def _url(call, server_path):
    return f"{call.request.base_url}/attachment?file={quote(server_path, safe='/')}"


def _play_url(call, server_path):
    return f"{call.request.base_url}/videoPlayer?url={_url(call, server_path)}"


def _file_entry(call, record, entry):
    """A file as /room/mix_record/stop, /room/record/get and /room/desktop_record/get show it."""
    return {
        "download_url": _url(call, entry["path"]),
        "duration": store.duration_text(record),
        "play_url": _play_url(call, entry["path"]),
        "file_size": store.file_size_text(entry["size"]),
        "start_time": str(int(record["start_time"])),
        "end_time": str(int(record["stop_time"])),
        "room_id": record["room_id"],
        "file_type": entry["file_type"],
        "name": posixpath.basename(entry["path"]),
    }


def _total_size(record):
    return store.file_size_text(sum(entry["size"] for entry in record["files"]))


def _json_param(call, name, required=False):
    text = call.require(name) if required else call.param(name)
    if text in (None, ""):
        return None
    value = store.json_list(text)
    if value is None:
        call.missing(name)
    return value


def _integer_param(call, name):
    text = call.param(name)
    if text in (None, ""):
        return None
    if not (text.isascii() and text.isdigit()):
        call.missing(name)
    return int(text)


def _finished(call, room_id, kind=None):
    now = time.time()
    return [record for record in store.room_records(call.state, room_id, kind) if store.finished(record, now)]


def _new_record(call, room_id, kind, name, options):
    record_id = secrets.token_hex(16)
    delays = store.config(call.state)
    participants = [{"user_id": person["user_id"], "user_name": person["user_name"]}
                    for person in call.state["meetings"][room_id]["participants"]]
    call.state["recordings"][record_id] = {
        "record_id": record_id, "room_id": room_id, "kind": kind, "name": name, "options": options,
        "start_time": time.time(), "start_delay": delays["start_delay"], "stop_time": None, "stop_delay": None,
        "participants": participants, "files": [], "layout": {}, "transcode_time": None, "transcode_delay": None,
    }
    return record_id


def _mix_options(call):
    options = {name: call.boolean(name) for name in MIX_BOOLEANS if name in call.params}
    options.update({name: call.param(name) for name in MIX_TEXT if call.param(name) not in (None, "")})
    options.update({name: _integer_param(call, name) for name in MIX_INTEGERS if call.param(name) not in (None, "")})
    options.update({name: _json_param(call, name) for name in MIX_JSON if call.param(name) not in (None, "")})
    level = call.param("video_level")
    if level not in (None, ""):
        if level not in ("low", "middle", "high"):
            call.missing("video_level")
        options["video_level"] = level
    file_type = options.setdefault("audio_file_type", call.param("audio_file_type") or "mp3")
    codec = options.setdefault("audio_codec", call.param("audio_codec") or "aac")
    # Q-AVD-27: wav needs pcm, mp3 needs aac; the sample rates each codec supports.
    if file_type not in ("mp3", "wav"):
        call.missing("audio_file_type")
    if codec != {"mp3": "aac", "wav": "pcm"}[file_type]:
        call.missing("audio_codec")
    if options.get("audio_samples") is not None and options["audio_samples"] not in SAMPLES[codec]:
        call.missing("audio_samples")
    if options.get("audio_channels") is not None and options["audio_channels"] not in (1, 2):
        call.missing("audio_channels")
    if options.get("enable_osdts_record") and not options.get("videos"):
        call.missing("videos")  # "水印必须要传videos参数"
    if options.get("file_name") is not None and ("/" in options["file_name"] or options["file_name"] in (".", "..")):
        call.missing("file_name")
    # Q-AVD-28: audio_user_ids makes the recording audio-only (MP3, no MP4).
    options["audio_only"] = bool(options.get("audio_user_ids"))
    return options


def _running_mix(call, room_id):
    now = time.time()
    return [record for record in store.room_records(call.state, room_id, "mix") if store.running(record, now)]


def _targets(call, room_id):
    """Running mix recordings addressed by the optional record_id (40041 when none)."""
    targets = _running_mix(call, room_id)
    record_id = call.param("record_id")
    if record_id:
        targets = [record for record in targets if record["record_id"] == record_id]
    if not targets:
        call.fail(*NOT_STARTED)
    return targets


# --- mixed recording (5.1-5.5) ---------------------------------------------------------------------------------


@route("GET|POST", "/sdkapi/v2/room/mix_record/start")
def mix_record_start(call):
    """5.1: start a mixed-screen recording in a room in session; returns record_id (32 hex)."""
    room_id = call.require("room_id")
    options = _mix_options(call)
    room_id = store.meeting_room(call)
    if _running_mix(call, room_id) or live.mix_slot_taken(call.state, room_id):
        call.fail(40040, "room already has mix_record or mix_live")
    name = options.get("name") or time.strftime("%Y%m%d", time.gmtime()) + "mix_record"
    return call.ok(record_id=_new_record(call, room_id, "mix", name, options))


@route("GET|POST", "/sdkapi/v2/room/mix_record/stop")
def mix_record_stop(call):
    """5.2: stop the given (or every) running mixed recording of the room; ``data`` lists the produced files."""
    room_id = call.require("room_id")
    stream_type = call.param("stream_type")
    if stream_type not in (None, "", "audio", "video", "desktop"):
        call.missing("stream_type")
    produced = []
    for record in _targets(call, room_id):
        store.stop(call.state, call.vendor.data_dir, record)
        produced.extend(_file_entry(call, record, entry) for entry in record["files"])
    return call.ok(data=produced)


RECORD_TYPES = {"0": ("mp3", "wav", "mp4", "webm"), "1": ("mp4", "webm"), "2": ("mp3", "wav")}


@route("GET|POST", "/sdkapi/v2/room/mix_record/get")
def mix_record_get(call):
    """5.3: finished mixed recordings of the room (``download_url`` as in the example, Q-AVD-09)."""
    room_id = call.require("room_id")
    wanted = RECORD_TYPES.get(call.param("record_type") or "0")
    if wanted is None:
        call.missing("record_type")
    record_id = call.param("record_id")
    data = []
    for record in _finished(call, room_id, "mix"):
        if record_id and record["record_id"] != record_id:
            continue
        if not record["files"]:
            continue  # every file deleted with /room/delete_record: nothing left to list
        primary = record["files"][0]
        data.append({
            "download_url": _url(call, primary["path"]),
            "transcode_files": [
                {key: value for key, value in _file_entry(call, record, entry).items() if key in ("download_url", "duration", "file_size", "play_url")}
                for entry in record["files"] if entry["file_type"] in wanted
            ],
            "play_url": "",
            "file_size": _total_size(record),
            "start_time": str(int(record["start_time"])),
            "end_time": str(int(record["stop_time"])),
            "room_id": room_id,
            "file_type": primary["file_type"],
            "name": record["name"],
            "record_id": record["record_id"],
        })
    return call.ok(data=data)


@route("GET|POST", "/sdkapi/v2/room/mix_record/update_layout")
def mix_record_update_layout(call):
    """5.4: new video layout and/or audio users for every running mixed recording of the room (no record_id, Q-AVD-37)."""
    room_id = call.require("room_id")
    videos = _json_param(call, "videos")
    audio_user_ids = _json_param(call, "audio_user_ids")
    if videos is None and audio_user_ids is None:
        call.missing("videos")
    for record in _targets(call, room_id):
        if videos is not None:
            record["layout"]["videos"] = videos
        if audio_user_ids is not None:
            record["layout"]["audio_user_ids"] = audio_user_ids
    return call.ok()


@route("GET|POST", "/sdkapi/v2/room/mix_record/update_audio_layout")
def mix_record_update_audio_layout(call):
    """5.5: audio channel layout of the given (or the running) mixed recording."""
    room_id = call.require("room_id")
    mixer_users = _json_param(call, "audio_mixer_users", required=True)
    for record in _targets(call, room_id):
        record["layout"]["audio_mixer_users"] = mixer_users
    # Key order of the example.
    return {"msg": "success", "ret": 0}


# --- status and MP3 files (5.6, 5.7) ---------------------------------------------------------------------------


@route("GET|POST", "/sdkapi/v2/room/record/status")
def record_status(call):
    """5.6 (Q-AVD-13): 0 started, 1 recording, 2 stopped normally, 3 abnormally, 4 stopping."""
    record = call.state["recordings"].get(call.require("record_id"))
    if record is None:
        call.fail(*NO_RECORD_ID)
    return call.ok(record_status=store.status(record))


@route("GET|POST", "/sdkapi/v2/room/record/get")
def record_get(call):
    """5.7: the MP3 files of the room's finished recordings."""
    room_id = call.require("room_id")
    record_id = call.param("record_id")
    data = []
    for record in _finished(call, room_id):
        if record_id and record["record_id"] != record_id:
            continue
        for entry in record["files"]:
            if entry["file_type"] == "mp3":
                shown = _file_entry(call, record, entry)
                data.append({"start_time": shown["start_time"], "end_time": shown["end_time"], "room_id": room_id, "play_url": "",
                             "download_url": shown["download_url"], "file_type": "mp3", "file_size": shown["file_size"], "name": shown["name"]})
    return call.ok(data=data)


# --- desktop recording (5.8-5.10) ------------------------------------------------------------------------------


@route("GET|POST", "/sdkapi/v2/room/desktop_record/start")
def desktop_record_start(call):
    """5.8: one desktop recording per room (Q-AVD-38); no record_id is returned."""
    call.require("room_id")
    if call.boolean("enable_realtime_transcode") is None:
        call.missing("enable_realtime_transcode")
    name = call.require("name")
    options = {"enable_realtime_transcode": call.boolean("enable_realtime_transcode"), "resource_id": call.param("resource_id")}
    room_id = store.meeting_room(call)
    if any(store.running(record) for record in store.room_records(call.state, room_id, "desktop")):
        call.fail(40040, "room already has desktop_record")
    _new_record(call, room_id, "desktop", name, options)
    return call.ok()


@route("GET|POST", "/sdkapi/v2/room/desktop_record/stop")
def desktop_record_stop(call):
    """5.9: stop the room's desktop recording."""
    room_id = call.require("room_id")
    records = [record for record in store.room_records(call.state, room_id, "desktop") if store.running(record)]
    if not records:
        call.fail(40041, "room hasn't start desktop_record")
    for record in records:
        store.stop(call.state, call.vendor.data_dir, record)
    return call.ok()


@route("GET|POST", "/sdkapi/v2/room/desktop_record/get")
def desktop_record_get(call):
    """5.10: files of the room's finished desktop recordings started with ``name``."""
    room_id = call.require("room_id")
    name = call.require("name")
    record_id = call.param("record_id")
    data = []
    for record in _finished(call, room_id, "desktop"):
        if record["name"] != name or (record_id and record["record_id"] != record_id):
            continue
        data.extend({**_file_entry(call, record, entry), "name": name} for entry in record["files"])
    return call.ok(data=data)


# --- listings across kinds (5.11, 5.12) -------------------------------------------------------------------------


def _timestamp(call, name):
    text = call.require(name)
    if not (text.isascii() and text.isdigit()):
        call.missing(name)
    return int(text)


@route("GET|POST", "/sdkapi/v2/room/get_record")
def get_record(call):
    """5.11: finished recordings of the room overlapping [record_start_time, record_end_time]; ``down_url`` (Q-AVD-09)."""
    room_id = call.require("room_id")
    begin = _timestamp(call, "record_start_time")
    end = _timestamp(call, "record_end_time")
    creator = call.param("record_creator_id")
    call.boolean("value_same_as_box")  # Q-AVD-41: only one format is documented; both values answer it.
    record_id = call.param("record_id")
    found = []
    for record in _finished(call, room_id):
        if int(record["start_time"]) > end or int(record["stop_time"]) < begin:
            continue
        if (record_id and record["record_id"] != record_id) or (creator and record["options"].get("user_id") != creator):
            continue
        found.append({
            "transcode_files": {
                "down_url": [_url(call, entry["path"]) for entry in record["files"]],
                "play_url": [_play_url(call, entry["path"]) for entry in record["files"]],
                "file_infos": [{"duration": store.duration_text(record), "file_size": store.file_size_text(entry["size"]),
                                "file_name": posixpath.basename(entry["path"])} for entry in record["files"]],
            },
            "record_type": "client",
            "creator_id": record["options"].get("user_id") or "nil",
            "file_size": _total_size(record),
            "start_time": str(int(record["start_time"])),
            "end_time": str(int(record["stop_time"])),
            "room_id": room_id,
            "down_url": _url(call, record["files"][0]["path"]) if record["files"] else "",
            "record_id": record["record_id"],
            "file_type": record["files"][0]["file_type"] if record["files"] else "",
        })
    return call.ok(record_files=found)


@route("GET|POST", "/sdkapi/v2/room/get_record_list")
def get_record_list(call):
    """5.12: every finished recording on the server, unpaged (Q-AVD-62), shaped like the example."""
    now = time.time()
    return call.ok(data=[
        {
            "start_time": str(int(record["start_time"])),
            "end_time": str(int(record["stop_time"])),
            "record_type": "server",
            "room_id": record["room_id"],
            "down_url": _url(call, record["files"][0]["path"]) if record["files"] else "",
            "file_type": record["files"][0]["file_type"] if record["files"] else "",
            "file_size": "",
            "transcode_files": {},
        }
        for record in call.state["recordings"].values() if store.finished(record, now)
    ])


# --- transcoding (5.13, 5.14) ----------------------------------------------------------------------------------


def _room_record(call):
    room_id = call.require("room_id")
    record = call.state["recordings"].get(call.require("record_id"))
    if record is None or record["room_id"] != room_id:
        call.fail(*NO_RECORD_ID)
    return record


@route("GET|POST", "/sdkapi/v2/room/record/transfer")
def record_transfer(call):
    """5.13: transcode a finished recording; converting -> done after ``transcode_delay``."""
    record = _room_record(call)
    if not store.finished(record):
        call.fail(*SET_ERROR)
    if store.transcode_status(record) != store.CONVERTING:
        record["transcode_time"] = time.time()
        record["transcode_delay"] = store.config(call.state)["transcode_delay"]
        record["transcode_outcome"] = store.config(call.state)["transcode_outcome"]
    return call.ok()


@route("GET|POST", "/sdkapi/v2/transcode/query")
def transcode_query(call):
    """5.14 (Q-AVD-15): 0 not converted, 1 converting, 2 done, 3 failed."""
    return call.ok(status=store.transcode_status(_room_record(call)))


# --- deletion (5.15, 5.16) -------------------------------------------------------------------------------------


@route("GET|POST", "/sdkapi/v2/room/del_record")
def del_record(call):
    """5.15: delete every recording of the room that is no longer running (Q-AVD-63)."""
    room_id = call.require("room_id")
    for record in store.room_records(call.state, room_id):
        if not store.running(record):
            store.delete_files(call.vendor.data_dir, record["files"])
            del call.state["recordings"][record["record_id"]]
    return call.ok()


@route("GET|POST", "/sdkapi/v2/room/delete_record")
def delete_record(call):
    """5.16 (fragment only, Q-AVD-18): delete one file of a finished recording by its server path."""
    room_id = call.require("room_id")
    server_path = call.require("url")
    server_path = posixpath.normpath(server_path) if server_path.startswith("/") else None
    for record in _finished(call, room_id):
        kept = [entry for entry in record["files"] if entry["path"] != server_path]
        if len(kept) != len(record["files"]):
            store.delete_files(call.vendor.data_dir, [entry for entry in record["files"] if entry["path"] == server_path])
            record["files"] = kept
            return call.ok()
    return call.fail(40094, "no such record")


# --- control API -----------------------------------------------------------------------------------------------


@control_route("GET|POST", "/_emulator/avd/recordings/config")
def set_config(vendor, request):
    """Delays (seconds) of the asynchronous steps and how they end; omitted keys keep their value. GET reads them."""
    if request.method == "GET":
        with vendor.transaction() as state:
            return json_response(store.config(state))
    document = request.document
    if not isinstance(document, dict) or set(document) - set(store.DEFAULT_CONFIG):
        return json_response({"error": f"body must be an object with keys among {sorted(store.DEFAULT_CONFIG)}"}, 400)
    for name, value in document.items():
        if name in store.OUTCOMES:
            if value not in store.OUTCOMES[name]:
                return json_response({"error": f"{name} must be one of {', '.join(store.OUTCOMES[name])}"}, 400)
        elif isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 86400:
            return json_response({"error": f"{name} must be a number of seconds between 0 and 86400"}, 400)
    with vendor.transaction() as state:
        state["recording_config"] = {**store.config(state), **{name: value if name in store.OUTCOMES else float(value)
                                                               for name, value in document.items()}}
        return json_response(store.config(state))
