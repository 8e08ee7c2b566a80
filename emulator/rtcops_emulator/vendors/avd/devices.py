"""Devices (avd.md section 11): calling SIP/RTSP/H.323/PSTN/RTMP endpoints into a room, and what happens to the call.

A call is asynchronous (Q-AVD-58): ``/device/call`` answers with a ``call_id`` and the device's ``user_id`` at once,
and ``/device/get_invite_status`` tells 0 inviting, 1 in call, 2 hung up, 3 invitation failed. How a dialled address
answers is set through the control API (``POST /_emulator/avd/devices/answers``): it accepts (the default), rejects, or
never answers, after a number of status polls, so that tests see the "inviting" state without timing anything.

What the document leaves open, decided here and stated once: a connected device starts with its video open, its audio
unmuted and no focus; the address must start with one of the documented kinds (sip, rtsp, 323, pstn, rtmp); an
address already inviting or in call in a room is "user is in room" (40031); the device endpoints other than
``/device/call`` act on a connected device only (40033 otherwise, as the focus example shows), except
``/device/kick``, which also cancels an invitation still ringing.
"""
import uuid

from .. import control_route, json_response, route

# device_calls: call_id -> call; device_answers: dialled address -> how it answers.
STATE = {"device_calls": {}, "device_answers": {}}

INVITING, IN_CALL, HUNG_UP, FAILED = 0, 1, 2, 3
ANSWERS = ("accept", "reject", "never")
DEFAULT_ANSWER = {"answer": "accept", "after_polls": 1}
# "设备地址主要是sip,rtsp,323,pstn,rtmp": the kinds of address the server can dial.
ADDRESS_PREFIXES = ("sip:", "sips:", "rtsp://", "rtmp://", "h323:", "323:", "pstn:", "tel:")
RESOLUTIONS = ("640", "1080", "1280")
VIDEO_RATES = range(1, 5)  # 40038: "video_rate set too low or too high for 1M-4M properly"
FRAME_RATES = range(1, 61)


def snapshot(state):
    """This group's part of ``GET /_emulator/state``."""
    return {"device_calls": state["device_calls"], "device_answers": state["device_answers"]}


def _integer(call, name):
    value = call.param(name)
    if value is None:
        return None
    if not (value.isascii() and value.isdigit()):
        call.missing(name)
    return int(value)


def _active(state, room_id):
    return [c for c in state["device_calls"].values() if c["room_id"] == room_id and c["invite_status"] in (INVITING, IN_CALL)]


@route("GET|POST", "/sdkapi/v2/device/call")
def device_call(call):
    """11.1: invite a device; the table says ``url``, the example sends ``uri`` (Q-AVD-22): either is accepted."""
    name = call.require("name")
    room_id = call.require("room_id")
    url = call.param("url") or call.param("uri") or ""
    if url == "":
        call.missing("url")
    resolution = call.param("resolution_rate")
    frame_rate = _integer(call, "frame_rate")
    video_rate = _integer(call, "video_rate")
    voice_multiple = _integer(call, "voice_multiple")
    if room_id not in call.state["rooms"]:
        call.fail(40004, "no such room_id")
    if not url.lower().startswith(ADDRESS_PREFIXES):
        call.fail(40032, "invalid address, check it correctly")
    if resolution is not None and resolution not in RESOLUTIONS:
        call.fail(40038, "not support this video_resolution")
    if video_rate is not None and video_rate not in VIDEO_RATES:
        call.fail(40038, "video_rate set too low or too high for 1M-4M properly")
    if frame_rate is not None and frame_rate not in FRAME_RATES:
        call.fail(40039, "not support this frame_rate")
    if any(c["url"] == url for c in _active(call.state, room_id)):
        call.fail(40031, "user is in room")
    answer = call.state["device_answers"].get(url, DEFAULT_ANSWER)
    if answer["answer"] == "reject" and answer.get("code"):
        # A refusal the server learns while dialling is the call's own answer.
        call.fail(answer["code"], answer.get("msg") or "invite failed or internal error append msg")
    call_id, user_id = str(uuid.uuid4()), str(uuid.uuid4())
    call.state["device_calls"][call_id] = {
        "call_id": call_id, "user_id": user_id, "room_id": room_id, "name": name, "url": url,
        "requested_user_id": call.param("user_id"), "resolution_rate": resolution, "frame_rate": frame_rate,
        "video_rate": video_rate, "voice_multiple": voice_multiple, "call_from": call.param("call_from"),
        "answer": answer["answer"], "polls_left": answer.get("after_polls", 0),
        "invite_status": INVITING, "video_open": False, "audio_muted": False, "focused": False,
    }
    _settle(call.state["device_calls"][call_id], polled=False)
    return {"ret": 0, "msg": "successs", "call_id": call_id, "user_id": user_id}


def _settle(device, polled):
    """Move a ringing call on: each status poll brings the answer one step closer."""
    if device["invite_status"] != INVITING or device["answer"] == "never":
        return
    if polled:
        device["polls_left"] -= 1
    if device["polls_left"] > 0:
        return
    if device["answer"] == "accept":
        device.update(invite_status=IN_CALL, video_open=True, audio_muted=False, focused=False)
    else:
        device["invite_status"] = FAILED


@route("GET|POST", "/sdkapi/v2/device/get_invite_status")
def invite_status(call):
    """11.9: the state of a call; an unknown call_id is 40037 "no such call record" (Q-AVD-44)."""
    device = call.state["device_calls"].get(call.require("call_id"))
    if device is None:
        call.fail(40037, "no such call record")
    _settle(device, polled=True)
    return call.ok(invite_status=device["invite_status"])


def _device(call, connected_only=True):
    room_id = call.require("room_id")
    user_id = call.require("user_id")
    if room_id not in call.state["rooms"]:
        call.fail(40004, "no such room_id")
    wanted = (IN_CALL,) if connected_only else (INVITING, IN_CALL)
    for device in call.state["device_calls"].values():
        if device["room_id"] == room_id and device["user_id"] == user_id and device["invite_status"] in wanted:
            return device
    call.fail(40033, "no invite info for this user_id")


@route("GET|POST", "/sdkapi/v2/device/kick")
def kick(call):
    """11.2: hang up; answers with the call's ids as the example does."""
    device = _device(call, connected_only=False)
    device.update(invite_status=HUNG_UP, focused=False)
    return call.ok(call_id=device["call_id"], user_id=device["user_id"])


def _setter(path, doc, **changes):
    @route("GET|POST", path)
    def handler(call):
        _device(call).update(changes)
        return call.ok()
    handler.__name__ = path.strip("/").replace("/", "_")
    handler.__doc__ = doc
    return handler


focus = _setter("/sdkapi/v2/device/video/focus", "11.3: make the device's video the focus.", focused=True)
unfocus = _setter("/sdkapi/v2/device/video/unfocus", "11.4: cancel the focus.", focused=False)
video_open = _setter("/sdkapi/v2/device/video/open", "11.5: open the device's video.", video_open=True)
video_close = _setter("/sdkapi/v2/device/video/close", "11.6: close the device's video.", video_open=False)
audio_mute = _setter("/sdkapi/v2/device/audio/mute", "11.7: mute the device.", audio_muted=True)
audio_unmute = _setter("/sdkapi/v2/device/audio/unmute", "11.8: unmute the device.", audio_muted=False)


@control_route("POST", "/_emulator/avd/devices/answers")
def set_answer(vendor, request):
    """How a dialled address answers: ``{"url", "answer": accept|reject|never, "after_polls", "code", "msg"}``.

    ``reject`` with a ``code`` fails ``/device/call`` itself with that code and ``msg``; without one the call is
    accepted and its status turns to 3 (failed) after ``after_polls`` polls.
    """
    body = request.document
    if not isinstance(body, dict) or not isinstance(body.get("url"), str) or body.get("answer") not in ANSWERS \
            or not isinstance(body.get("after_polls", 0), int) or not isinstance(body.get("code", 0), int):
        return json_response({"error": 'body must be {"url": str, "answer": accept|reject|never, '
                                       '"after_polls": int, "code": int, "msg": str}'}, 400)
    answer = {"answer": body["answer"], "after_polls": body.get("after_polls", DEFAULT_ANSWER["after_polls"])}
    if body.get("code"):
        answer.update(code=body["code"], msg=str(body.get("msg", "")))
    with vendor.transaction() as state:
        state["device_answers"][body["url"]] = answer
    return json_response(answer)


@control_route("POST", "/_emulator/avd/devices/{call_id}/hangup")
def hang_up(vendor, request):
    """The far end hangs up on its own: the call's status turns to 2."""
    with vendor.transaction() as state:
        device = state["device_calls"].get(request.path_args["call_id"])
        if device is None:
            return json_response({"error": "no such call"}, 404)
        device.update(invite_status=HUNG_UP, focused=False)
        return json_response(device)
