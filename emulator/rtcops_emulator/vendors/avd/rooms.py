"""Rooms and participants (avd.md sections 3.1-3.5, 3.7 and 4) and the meeting control endpoint."""
import secrets
import time

from .. import control_route, json_response, route
from . import live, recording_store

# rooms: room_id -> stored settings; meetings: room_id -> meeting in progress.
STATE = {"rooms": {}, "meetings": {}}

ROOM_ID_DIGITS = 11
UPDATABLE_TEXT = ("topic", "user_id")
UPDATABLE_BOOLEANS = ("enable_auto_cloud_recording", "enable_auto_avc")


def snapshot(state):
    """This group's part of ``GET /_emulator/state``."""
    return {"rooms": state["rooms"], "meetings": state["meetings"]}


def _new_room_id(rooms):
    while True:
        room_id = str(10 ** (ROOM_ID_DIGITS - 1) + secrets.randbelow(9 * 10 ** (ROOM_ID_DIGITS - 1)))
        if room_id not in rooms:
            return room_id


@route("GET|POST", "/sdkapi/v2/room/create")
def create(call):
    """3.1: create a room."""
    room = {
        "user_id": call.require("user_id"),
        "topic": call.param("topic", ""),
        "enable_auto_cloud_recording": call.boolean("enable_auto_cloud_recording", False),
        "enable_voice_activated": call.boolean("enable_voice_activated", False),
        "enable_auto_avc": call.boolean("enable_auto_avc", False),
        "resolution": call.param("resolution"),
        # Typed "string" in the document; stored as sent and never returned (Q-AVD-25, Q-AVD-26).
        "enable_transcode_video": call.param("enable_transcode_video"),
    }
    rooms = call.state["rooms"]
    # Q-AVD-24: "required", yet "the server generates one if not filled in".
    room_id = call.param("room_id") or _new_room_id(rooms)
    if room_id in rooms:
        call.fail(40005, "room_id exists")
    rooms[room_id] = room
    return call.ok(room_id=room_id)


@route("GET|POST", "/sdkapi/v2/room/update")
def update(call):
    """3.2: update topic, owner, auto recording and AVC; omitted fields keep their value (Q-AVD-61)."""
    room_id = call.require("room_id")
    changes = {name: call.param(name) for name in UPDATABLE_TEXT if name in call.params}
    changes.update({name: call.boolean(name) for name in UPDATABLE_BOOLEANS if name in call.params})
    room = call.state["rooms"].get(room_id)
    if room is None:
        call.fail(40004, "no such room_id")
    room.update(changes)
    return call.ok()


@route("GET|POST", "/sdkapi/v2/room/del")
def delete(call):
    """3.3: delete a room; a meeting in progress there ends."""
    room_id = call.require("room_id")
    if call.state["rooms"].pop(room_id, None) is None:
        call.fail(40004, "no such room_id")
    call.state["meetings"].pop(room_id, None)
    recording_store.stop_room(call.state, call.vendor.data_dir, room_id)
    live.stop_room(call.state, room_id, "del")
    return call.ok()


@route("GET|POST", "/sdkapi/v2/room/read")
def read(call):
    """3.4: read a room; settings nested in "data" (Q-AVD-05), without room_id/resolution/transcoding (Q-AVD-25)."""
    room = call.state["rooms"].get(call.require("room_id"))
    if room is None:
        call.fail(40004, "no such room")
    return call.ok(data={
        "enable_auto_avc": room["enable_auto_avc"],
        "enable_voice_activated": room["enable_voice_activated"],
        "user_id": room["user_id"],
        "enable_auto_cloud_recording": room["enable_auto_cloud_recording"],
        "topic": room["topic"],
    })


@route("GET|POST", "/sdkapi/v2/room/close", envelope="code")
def close(call):
    """3.5: end the meeting in progress; everyone leaves, "including devices and recordings"."""
    room_id = call.require("room_id")
    if call.state["meetings"].pop(room_id, None) is None:
        call.fail(41005, "Internal server error:room not found or opened")
    recording_store.stop_room(call.state, call.vendor.data_dir, room_id)
    live.stop_room(call.state, room_id, "close")
    return call.ok()


@route("GET|POST", "/sdkapi/v2/room/list")
def list_meetings(call):
    """3.7: meetings in progress only (Q-AVD-68) with their users."""
    return call.ok(rooms=[
        {
            "room_id": room_id,
            "create_time": meeting["create_time"],
            "users": [
                {"node_id": person["node_id"], "user_name": person["user_name"], "user_id": person["user_id"]}
                for person in meeting["participants"]
            ],
        }
        for room_id, meeting in call.state["meetings"].items()
    ])


@route("GET|POST", "/sdkapi/v2/room/participate/kick", envelope="code")
def kick(call):
    """4.1: remove one user from the meeting."""
    room_id = call.require("room_id")
    user_id = call.require("user_id")
    if room_id not in call.state["rooms"]:
        call.fail(40004, "no such room_id")
    meeting = call.state["meetings"].get(room_id)
    if meeting is None:
        call.fail(40009, "room not open or not exist")
    remaining = [person for person in meeting["participants"] if person["user_id"] != user_id]
    if len(remaining) == len(meeting["participants"]):
        call.fail(40008, "user not in room")
    meeting["participants"] = remaining
    return call.ok()


@route("GET|POST", "/sdkapi/v2/room/participate/list", envelope="code")
def list_participants(call):
    """4.2: the participants of the meeting in progress, shaped like the example."""
    meeting = call.state["meetings"].get(call.require("room_id"))
    if meeting is None:
        call.fail(41005, "Internal server error:room not found")
    shown = ("user_name", "user_id", "status", "videos", "type", "audios", "user_data")
    return call.ok(participates=[
        {name: person[name] for name in shown if name in person} for person in meeting["participants"]
    ])


def _participant(entry, node_id):
    """A participant from the control API: only user_id is needed."""
    person = {
        "node_id": entry.get("node_id", node_id),
        "user_id": str(entry["user_id"]),
        "user_name": str(entry.get("user_name", entry["user_id"])),
        "type": entry.get("type", "web"),
        "status": entry.get("status", 1),
        "videos": entry.get("videos", []),
        "audios": entry.get("audios", []),
    }
    if "user_data" in entry:
        person["user_data"] = entry["user_data"]
    return person


def _entries(document):
    """The participants of an open request; None if the body is malformed."""
    if document is None:
        return []
    entries = document.get("participants", []) if isinstance(document, dict) else None
    if not isinstance(entries, list):
        return None
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("user_id") in (None, ""):
            return None
        if not isinstance(entry.get("node_id", 0), int):
            return None
    return entries


@control_route("POST", "/_emulator/avd/rooms/{room_id}/open")
def open_meeting(vendor, request):
    """Start a meeting in a room (or add people to the one in progress)."""
    entries = _entries(request.document)
    if entries is None:
        return json_response({"error": 'body must be {"participants": [{"user_id": ..., ...}, ...]}'}, 400)
    room_id = request.path_args["room_id"]
    with vendor.transaction() as state:
        if room_id not in state["rooms"]:
            return json_response({"error": f"no such room: {room_id}"}, 404)
        meeting = state["meetings"].setdefault(room_id, {"create_time": int(time.time()), "participants": []})
        people = meeting["participants"]
        for entry in entries:
            current = next((person for person in people if person["user_id"] == str(entry["user_id"])), None)
            if current is None:
                people.append(_participant(entry, max((person["node_id"] for person in people), default=0) + 1))
            else:
                people[people.index(current)] = _participant(entry, current["node_id"])
        return json_response({"room_id": room_id, **meeting})
