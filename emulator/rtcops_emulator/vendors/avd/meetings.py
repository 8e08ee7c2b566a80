"""What happened in meetings: statistics and chat logs (avd.md sections 3.6 and 3.8) and their control endpoints.

The participants (section 4) live in rooms.py with the meetings in progress they belong to. Past meetings and chat
messages cannot be produced through the API, so a test seeds them through the control API.
"""
import time

from .. import control_route, json_response, route

# statistics: room_id -> past meetings, each {"start_time", "time_total", "<platform>_cnt", ...};
# chat: room_id -> sessions, each {"session_id": str, "messages": [...]}, in the order they were added.
STATE = {"statistics": {}, "chat": {}}

# The per-platform counters of /room/get_statistic, named as in its example (Q-AVD-08: the table says andronid_cnt).
PLATFORM_COUNTERS = ("ios_cnt", "pc_cnt", "other_cnt", "android_cnt", "box_cnt", "web_cnt")
# The numeric fields of a chat message as the example shows it (the undocumented id and status included, Q-AVD-10).
MESSAGE_NUMBERS = ("timestamp", "session_type", "message_type", "status")


def snapshot(state):
    """This group's part of ``GET /_emulator/state``."""
    return {"statistics": state["statistics"], "chat": state["chat"]}


def _epoch(call, name, required):
    """A time parameter: decimal Unix seconds as in every example (Q-AVD-40); anything else -> 40002."""
    value = call.require(name) if required else call.param(name, "")
    if value == "":
        return None
    if not (value.isascii() and value.isdigit()):
        call.missing(name)
    return int(value)


@route("GET|POST", "/sdkapi/v2/room/get_statistic")
def get_statistic(call):
    """3.6: counters over the meetings that started in [start_time, end_time] (the window's meaning is unstated,
    Q-AVD-69). The success answer has no ret/msg at all (Q-AVD-01)."""
    room_id = call.require("room_id")
    start = _epoch(call, "start_time", True)
    end = _epoch(call, "end_time", True)
    if room_id not in call.state["rooms"]:
        # The failure example's code and text, although 40003 is "access token invalid" in the table (Q-AVD-44).
        call.fail(40003, "no such room_id")
    held = [meeting for meeting in call.state["statistics"].get(room_id, []) if start <= meeting["start_time"] <= end]
    counters = {name: sum(meeting[name] for meeting in held) for name in PLATFORM_COUNTERS}
    return {
        "meeting_total": len(held),
        "ios_cnt": counters["ios_cnt"],
        "pc_cnt": counters["pc_cnt"],
        "user_cnt": sum(counters.values()),
        "other_cnt": counters["other_cnt"],
        "android_cnt": counters["android_cnt"],
        "time_total": sum(meeting["time_total"] for meeting in held),
        "box_cnt": counters["box_cnt"],
        "web_cnt": counters["web_cnt"],
    }


@route("GET|POST", "/sdkapi/v2/room/get_chat_message_log")
def get_chat_message_log(call):
    """3.8: the chat sessions of a room, each with its messages; fromId (camelCase, Q-AVD-39) and the time window
    filter the messages, and a session left without any is not shown."""
    if call.param("room_id", "") == "":
        call.fail(40002, "arg room_id required")  # the failure example's wording
    room_id = call.params["room_id"]
    sender = call.param("fromId", "")
    start = _epoch(call, "start_time", False)
    end = _epoch(call, "end_time", False)
    if room_id not in call.state["rooms"]:
        call.fail(40004, "no such room_id")
    sessions = []
    for session in call.state["chat"].get(room_id, []):
        messages = [
            message for message in session["messages"]
            if (not sender or message["fromId"] == sender)
            and (start is None or message["timestamp"] >= start)
            and (end is None or message["timestamp"] <= end)
        ]
        if messages:
            sessions.append({"session_id": session["session_id"], "messages": messages})
    return call.ok(data=sessions)


def _bad(text):
    return json_response({"error": text}, 400)


def _counter(entry, name, default=0):
    value = entry.get(name, default)
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


@control_route("POST", "/_emulator/avd/rooms/{room_id}/statistics")
def seed_statistics(vendor, request):
    """Record past meetings of a room: ``{"meetings": [{"start_time": <epoch s>, "time_total": n, "web_cnt": n,
    ...}]}``; counters left out are 0."""
    document = request.document
    entries = document.get("meetings") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        return _bad('body must be {"meetings": [{"start_time": ..., "time_total": ..., "<platform>_cnt": ...}]}')
    meetings = []
    for entry in entries:
        if not isinstance(entry, dict):
            return _bad("each meeting must be an object")
        meeting = {name: _counter(entry, name) for name in ("time_total",) + PLATFORM_COUNTERS}
        meeting["start_time"] = _counter(entry, "start_time", None)
        bad = sorted(name for name, value in meeting.items() if value is None)
        if bad:
            return _bad(f"not a non-negative integer: {', '.join(bad)}")
        meetings.append(meeting)
    room_id = request.path_args["room_id"]
    with vendor.transaction() as state:
        if room_id not in state["rooms"]:
            return json_response({"error": f"no such room: {room_id}"}, 404)
        held = state["statistics"].setdefault(room_id, [])
        held.extend(meetings)
        return json_response({"room_id": room_id, "meetings": held})


@control_route("POST", "/_emulator/avd/rooms/{room_id}/chat")
def seed_chat(vendor, request):
    """Add chat messages to a session of a room: ``{"session_id": "<epoch s>", "messages": [{"fromId": ...,
    "message": ..., "timestamp": ...}]}``. The session defaults to the meeting in progress (its start time, as the
    document defines session_id); messages sent to everyone (session_type 0) have the room as ``dst``."""
    document = request.document
    entries = document.get("messages") if isinstance(document, dict) else None
    if not isinstance(entries, list) or not all(isinstance(entry, dict) and entry.get("fromId") for entry in entries):
        return _bad('body must be {"session_id": ..., "messages": [{"fromId": ..., "message": ..., ...}]}')
    room_id = request.path_args["room_id"]
    with vendor.transaction() as state:
        if room_id not in state["rooms"]:
            return json_response({"error": f"no such room: {room_id}"}, 404)
        meeting = state["meetings"].get(room_id)
        session_id = str(document.get("session_id") or (meeting["create_time"] if meeting else int(time.time())))
        sessions = state["chat"].get(room_id, [])
        session = next((found for found in sessions if found["session_id"] == session_id), None)
        if session is None:
            session = {"session_id": session_id, "messages": []}
        next_id = 1 + max((message["id"] for found in sessions for message in found["messages"]), default=0)
        added = []
        for number, entry in enumerate(entries):
            private = entry.get("session_type", 0) == 1
            message = {
                "fromId": str(entry["fromId"]),
                "id": next_id + number,
                "status": entry.get("status", 0),
                "message": str(entry.get("message", "")),
                "timestamp": entry.get("timestamp", int(time.time())),
                "room_id": room_id,
                "session_type": entry.get("session_type", 0),
                "message_type": entry.get("message_type", 0),
                "fromName": str(entry.get("fromName", entry["fromId"])),
                "dst_name": str(entry.get("dst_name", "")) if private else "",
                "dst": str(entry.get("dst", "")) if private else room_id,
            }
            if any(not isinstance(message[name], int) or isinstance(message[name], bool) for name in MESSAGE_NUMBERS):
                return _bad(f"{', '.join(MESSAGE_NUMBERS)} must be integers")
            added.append(message)
        if session not in sessions:
            state["chat"][room_id] = sessions + [session]
        session["messages"].extend(added)
        return json_response({"room_id": room_id, "session": session})
