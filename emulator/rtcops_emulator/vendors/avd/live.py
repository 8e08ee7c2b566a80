"""Live streaming and mixed live streaming (avd.md section 6) and their control endpoints.

A room has at most one live stream (one user's video, ``/room/live/*``) and one mixed-screen stream
(``/room/mix_live/*``) at a time. A mixed live stream holds the room's one mix slot, which it shares with a mixed
recording: either refuses to start while the other runs (40040, "room already has mix_record or mix_live").

There is no endpoint that reads a stream back (Q-AVD-57): only the errors of a start (already started) and a stop
(not started / already stopped) reveal it. Every stream ever started stays in ``state["live_streams"]`` so that a
test can see each start and stop; ``GET /_emulator/state`` shows them with their status.

A stream stops when it is stopped, when the meeting ends (``/room/close``, ``/room/del``: "everyone leaves") or when
the control API drops it (the streaming service lost the connection). Stopping one that has stopped answers 40065
("room live has been stoped"); one that never started in the room, 40061.
"""
import time

from .. import control_route, json_response, route
from . import recording_store

# live_streams: every stream started, oldest first; live_config: the streaming service as the control API sets it.
STATE = {"live_streams": [], "live_config": {"service": "up"}}

KINDS = ("live", "mix_live")
SERVICE_STATES = ("up", "down")


def snapshot(state):
    """This group's part of ``GET /_emulator/state``."""
    return {
        "live_streams": [dict(stream, status="running" if stream["stopped_at"] is None else "stopped")
                         for stream in state["live_streams"]],
        "live_config": dict(state["live_config"]),
    }


def running(state, room_id, kind):
    """The running stream of ``kind`` in the room, else None."""
    for stream in state["live_streams"]:
        if stream["room_id"] == room_id and stream["kind"] == kind and stream["stopped_at"] is None:
            return stream
    return None


def mix_slot_taken(state, room_id):
    """Whether a mixed live stream holds the room's mix slot (used by /room/mix_record/start)."""
    return running(state, room_id, "mix_live") is not None


def stop_room(state, room_id, reason):
    """The meeting ended: every running stream of the room stops."""
    for kind in KINDS:
        stream = running(state, room_id, kind)
        if stream is not None:
            _stop(stream, reason)


def _stop(stream, reason):
    stream["stopped_at"] = time.time()
    stream["stopped_by"] = reason


def _videos(call):
    """The optional ``videos`` layout: a JSON array of objects that name a video (Q-AVD-29)."""
    text = call.param("videos")
    if text in (None, ""):
        return None
    videos = recording_store.json_list(text)
    if videos is None or not all(isinstance(video, dict) and video.get("video_name") for video in videos):
        call.missing("videos")
    return videos


def _new_stream(call, room_id, kind, **settings):
    stream = {"room_id": room_id, "kind": kind, "started_at": time.time(), "stopped_at": None, "stopped_by": None}
    stream.update(settings)
    call.state["live_streams"].append(stream)


def _service_up(call):
    return call.state["live_config"]["service"] == "up"


# --- live streaming (6.1, 6.2) ---------------------------------------------------------------------------------


@route("GET|POST", "/sdkapi/v2/room/live/start")
def live_start(call):
    """6.1: stream one user's video of a meeting in progress to ``push_url``."""
    call.require("room_id")
    user_id = call.require("user_id")
    push_url = call.require("push_url")
    room_id = recording_store.meeting_room(call)
    if running(call.state, room_id, "live") is not None:
        call.fail(40060, "room has already start live")
    if not any(person["user_id"] == user_id for person in call.state["meetings"][room_id]["participants"]):
        call.fail(40008, "user not in room")
    if not _service_up(call):
        # The wording of the endpoint's failure example.
        call.fail(40064, "connect shut down, check live service")
    _new_stream(call, room_id, "live", user_id=user_id, push_url=push_url, rtmp_url=call.param("rtmp_url"),
                hls_url=call.param("hls_url"), videos=None)
    # The table lists "data"; the success example has none.
    return call.ok()


@route("GET|POST", "/sdkapi/v2/room/live/stop")
def live_stop(call):
    """6.2: stop the room's live stream (40065 when it has stopped already, 40061 when none was started)."""
    room_id = call.require("room_id")
    if room_id not in call.state["rooms"]:
        call.fail(40004, "no such room id")
    stream = running(call.state, room_id, "live")
    if stream is None:
        if any(old["room_id"] == room_id and old["kind"] == "live" for old in call.state["live_streams"]):
            call.fail(40065, "room live has been stoped")
        call.fail(40061, "room hasn't start live")
    _stop(stream, "stop")
    return call.ok()


# --- mixed live streaming (6.3, 6.4) ---------------------------------------------------------------------------


def _mix_recording_runs(state, room_id):
    return any(recording_store.running(record) for record in recording_store.room_records(state, room_id, "mix"))


@route("GET|POST", "/sdkapi/v2/room/mix_live/start")
def mix_live_start(call):
    """6.3: stream the room's mixed screen to ``push_url``; it takes the mix slot a mixed recording also needs."""
    call.require("room_id")
    push_url = call.require("push_url")
    videos = _videos(call)
    room_id = recording_store.meeting_room(call)
    if running(call.state, room_id, "mix_live") is not None or _mix_recording_runs(call.state, room_id):
        call.fail(40040, "room already has mix_record or mix_live")
    if not _service_up(call):
        # The wording of the endpoint's failure example (Q-AVD-45).
        call.fail(40043, "Internal error or set error")
    _new_stream(call, room_id, "mix_live", user_id=None, push_url=push_url, rtmp_url=call.param("rtmp_url"),
                hls_url=None, videos=videos)
    return call.ok()


@route("GET|POST", "/sdkapi/v2/room/mix_live/stop")
def mix_live_stop(call):
    """6.4: stop the room's mixed live stream; ``data`` is ``{}`` as in the example."""
    room_id = call.require("room_id")
    if room_id not in call.state["rooms"]:
        call.fail(40004, "no such room")
    stream = running(call.state, room_id, "mix_live")
    if stream is None:
        call.fail(40041, "room hasn't start mix_record or mix_live")
    _stop(stream, "stop")
    return call.ok(data={})


# --- control API -----------------------------------------------------------------------------------------------


@control_route("GET|POST", "/_emulator/avd/live/config")
def set_config(vendor, request):
    """``{"service": "up"|"down"}``: a service that is down refuses every start (40064 live, 40043 mixed)."""
    with vendor.transaction() as state:
        if request.method == "POST":
            document = request.document
            if not isinstance(document, dict) or set(document) != {"service"} or document["service"] not in SERVICE_STATES:
                return json_response({"error": 'body must be {"service": "up"} or {"service": "down"}'}, 400)
            state["live_config"] = {"service": document["service"]}
        return json_response(dict(state["live_config"]))


@control_route("POST", "/_emulator/avd/rooms/{room_id}/live/{kind}/drop")
def drop(vendor, request):
    """The streaming service lost the room's ``live`` or ``mix_live`` stream: it stops without a stop call."""
    kind = request.path_args["kind"]
    if kind not in KINDS:
        return json_response({"error": f"kind must be one of {', '.join(KINDS)}"}, 400)
    with vendor.transaction() as state:
        stream = running(state, request.path_args["room_id"], kind)
        if stream is None:
            return json_response({"error": f"no running {kind} stream in room {request.path_args['room_id']}"}, 404)
        _stop(stream, "dropped")
        return json_response(dict(stream, status="stopped"))
