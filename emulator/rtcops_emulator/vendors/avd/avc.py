"""Server-side video composition, "AVC" (avd.md section 7): start, stop, layout, selected media, focus, settings.

What the document leaves open, and what the emulator does about it:

* Q-AVD-32: ``/room/avc/start`` marks ``enable_manual_avc``, ``max_video_number`` and ``layout_mode`` required while its
  example sends none of them, and says an omitted ``enable_manual_avc`` means automatic composition. The emulator
  follows the table for ``max_video_number`` and ``layout_mode`` (40002 when missing) and the description for
  ``enable_manual_avc`` (omitted = false).
* Q-AVD-31: ``layout_mode`` is 0/1/2 on start and update_layout, 0/1 on select_media; kept apart.
* Q-AVD-21: ``/room/avc/get_avc_setting`` is cut off in the source. The emulator answers with the keys of the example:
  ``view_width``/``view_height`` from ``video_resolution``, ``view_fps`` from ``video_framerate``, ``exporter_name``
  from ``video_name`` (the example's defaults 1920, 1080, 25 when none was sent), ``view_bitrate`` the boolean ``true``
  of the example (Q-AVD-07), a ``view_stream_id`` of its own and ``videos`` as an object (the example opens one)
  keyed by the selected videos' names. ``layoutMode`` is the example's ``Outgoing_View_Layout_Auto_Orato`` for the
  speaker layout (2); the strings for 0 and 1 are the emulator's own, the document has none.
* No endpoint is said to need a meeting in progress; none does here. A room that does not exist is 40004 (the
  start/stop failure examples), except on get_avc_setting, whose listed codes are 40051/40052.
* 40045 ("internal server error", the failure example of update_layout, select_media and set_focus_video) has no
  documented cause; tests inject it with the fault API.
* The site's meeting-control parameters (40053-40055) are driven by ``/_emulator/avd/avc/site``: ``force`` "close"
  refuses starts with 40053 and ends every composition, "open" refuses stops with 40055; ``params_set`` false makes
  every write answer 40054.
"""
import json
import re
import uuid

from .. import control_route, json_response, route

# avc: room_id -> composition of that room; avc_site: the site's meeting-control parameters.
STATE = {"avc": {}, "avc_site": {"force": None, "params_set": True}}

START_LAYOUTS = ("0", "1", "2")
SELECT_LAYOUTS = ("0", "1")
LAYOUT_NAMES = {0: "Outgoing_View_Layout_Fixed", 1: "Outgoing_View_Layout_Auto_Gallery", 2: "Outgoing_View_Layout_Auto_Orato"}
# "宽 * 高", e.g. "1280 * 720"; the update_layout example sends "1280*720".
RESOLUTION = re.compile(r"\s*([1-9][0-9]{0,4})\s*[*xX]\s*([1-9][0-9]{0,4})\s*")
VIDEO_KEYS = ("video_name", "zorder", "x", "y", "w", "h")


def snapshot(state):
    """This group's part of ``GET /_emulator/state``."""
    return {"avc": state["avc"], "avc_site": state["avc_site"]}


def _number(call, name, required=False, choices=None):
    """An integer parameter; malformed (or missing when required) -> 40002."""
    value = call.params.get(name, "")
    if value == "":
        if required:
            call.missing(name)
        return None
    value = value.strip()
    if not (value.isascii() and value.isdigit()) or (choices and value not in choices):
        call.missing(name)
    return int(value)


def _resolution(call):
    value = call.param("video_resolution")
    if value in (None, ""):
        return None
    if not RESOLUTION.fullmatch(value):
        call.missing("video_resolution")
    return value


def _room(call, absent_code=40004, absent_msg="no such room id"):
    """The room's id; a room that does not exist fails (and its composition, if any, is gone with it)."""
    room_id = call.require("room_id")
    if room_id not in call.state["rooms"]:
        call.state["avc"].pop(room_id, None)
        call.fail(absent_code, absent_msg)
    return room_id


def _site_ready(call):
    if not call.state["avc_site"]["params_set"]:
        call.fail(40054, "no site params set, check init")


def _composition(call, room_id):
    composition = call.state["avc"].get(room_id)
    if composition is None:
        call.fail(40051, "room hasn't set avc mode")
    return composition


def _video_settings(call):
    settings = {
        "video_name": call.param("video_name"),
        "video_framerate": _number(call, "video_framerate"),
        "video_bitrate": _number(call, "video_bitrate"),
        "video_resolution": _resolution(call),
    }
    return {name: value for name, value in settings.items() if value not in (None, "")}


@route("GET|POST", "/sdkapi/v2/room/avc/start")
def start(call):
    """7.1: start composition mode."""
    room_id = _room(call)
    manual = call.boolean("enable_manual_avc", False)
    max_videos = _number(call, "max_video_number", required=True)
    layout = _number(call, "layout_mode", required=True, choices=START_LAYOUTS)
    settings = _video_settings(call)
    _site_ready(call)
    if call.state["avc_site"]["force"] == "close":
        call.fail(40053, "site has force close avc_mode")
    if room_id in call.state["avc"]:
        call.fail(40050, "room already has set avc mode")
    call.state["avc"][room_id] = {
        "enable_manual_avc": manual, "max_video_number": max_videos, "layout_mode": layout, **settings,
        "main_video_resource_id": None, "videos": None, "select_layout_mode": None, "focus_video": None,
        "view_stream_id": str(uuid.uuid4()),
    }
    return call.ok()


@route("GET|POST", "/sdkapi/v2/room/avc/stop")
def stop(call):
    """7.2: stop composition mode."""
    room_id = _room(call)
    _site_ready(call)
    _composition(call, room_id)
    if call.state["avc_site"]["force"] == "open":
        call.fail(40055, "site has force open avc_mode")
    del call.state["avc"][room_id]
    return call.ok()


@route("GET|POST", "/sdkapi/v2/room/avc/update_layout")
def update_layout(call):
    """7.3: change the layout of a running composition; omitted settings keep their value."""
    room_id = _room(call)
    main_video = call.require("main_video_resource_id")
    layout = _number(call, "layout_mode", choices=START_LAYOUTS)
    settings = _video_settings(call)
    _site_ready(call)
    composition = _composition(call, room_id)
    composition.update(settings, main_video_resource_id=main_video)
    if layout is not None:
        composition["layout_mode"] = layout
    return call.ok()


def _videos(call):
    """``videos``: a JSON array of {video_name, zorder, x, y, w, h} (Q-AVD-29); anything else -> 40002."""
    try:
        videos = json.loads(call.require("videos"))
    except ValueError:
        call.missing("videos")
    if not isinstance(videos, list) or not videos:
        call.missing("videos")
    for video in videos:
        if not isinstance(video, dict) or not isinstance(video.get("video_name"), str) or not video["video_name"]:
            call.missing("videos")
        for key in VIDEO_KEYS[1:]:
            value = video.get(key)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                call.missing("videos")
        if not all(0 <= video[key] <= 1 for key in ("x", "y", "w", "h")):
            call.missing("videos")
    return [{key: video[key] for key in VIDEO_KEYS} for video in videos]


@route("GET|POST", "/sdkapi/v2/room/avc/select_media")
def select_media(call):
    """7.4: choose and place the composed videos."""
    room_id = _room(call)
    videos = _videos(call)
    layout = _number(call, "layout_mode", choices=SELECT_LAYOUTS)
    _site_ready(call)
    composition = _composition(call, room_id)
    composition["videos"] = videos
    if layout is not None:
        composition["select_layout_mode"] = layout
    return call.ok()


@route("GET|POST", "/sdkapi/v2/room/avc/set_focus_video")
def set_focus_video(call):
    """7.5: make one video the focus; there is no way to unset it."""
    room_id = _room(call)
    resource_id = call.require("resource_id")
    _site_ready(call)
    _composition(call, room_id)["focus_video"] = resource_id
    return call.ok()


@route("GET|POST", "/sdkapi/v2/room/avc/get_avc_setting")
def get_avc_setting(call):
    """7.6: the running composition, shaped like the (truncated) example; see the module docstring."""
    room_id = _room(call, 40052, "Internal error return: room not found")
    composition = _composition(call, room_id)
    match = RESOLUTION.fullmatch(composition.get("video_resolution") or "1920*1080")
    videos = composition["videos"] or []
    return call.ok(data={
        "view_width": int(match.group(1)),
        "layoutMode": LAYOUT_NAMES[composition["layout_mode"]],
        "exporter_name": composition.get("video_name", ""),
        "view_bitrate": True,
        "view_height": int(match.group(2)),
        "room_id": room_id,
        "view_fps": composition.get("video_framerate", 25),
        "view_stream_id": composition["view_stream_id"],
        "videos": {video["video_name"]: {key: video[key] for key in VIDEO_KEYS[1:]} for video in videos},
    })


# --- control API -----------------------------------------------------------------------------------------------


@control_route("GET|POST", "/_emulator/avd/avc/site")
def site(vendor, request):
    """The site's meeting-control parameters: ``force`` (null, "open", "close") and ``params_set``. GET reads them."""
    with vendor.transaction() as state:
        if request.method == "GET":
            return json_response(state["avc_site"])
        document = request.document
        if (not isinstance(document, dict) or set(document) - {"force", "params_set"}
                or document.get("force", None) not in (None, "open", "close")
                or not isinstance(document.get("params_set", True), bool)):
            return json_response({"error": 'body must be {"force": null|"open"|"close", "params_set": true|false}'}, 400)
        state["avc_site"].update(document)
        if state["avc_site"]["force"] == "close":
            state["avc"].clear()
        return json_response(state["avc_site"])
