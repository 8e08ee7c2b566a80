# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Room reads shared by the room modules. Private to this collection."""

from __future__ import annotations

from ansible_collections.rtcops.conference.plugins.module_utils._avd_client import AvdApiError, api_payload

ROOM_ABSENT_CODE = 40004
# Q-AVD-46: /room/close and /room/participate/list say "not found or not in session" with 41005.
NOT_IN_SESSION_CODE = 41005

# Settings /room/read returns (Q-AVD-25); room_id, resolution and enable_transcode_video are never returned.
READABLE_SETTINGS = ('topic', 'user_id', 'enable_auto_cloud_recording', 'enable_voice_activated', 'enable_auto_avc')
BOOLEAN_SETTINGS = ('enable_auto_cloud_recording', 'enable_voice_activated', 'enable_auto_avc')


def not_in_session(error):
    """41005 is also the generic internal error; only its text tells "room not found or not open" apart."""
    return error.code == ROOM_ABSENT_CODE or (error.code == NOT_IN_SESSION_CODE and 'not found' in (error.vendor_msg or '').lower())


def as_bool(value):
    if isinstance(value, str):
        return value.strip().lower() in ('true', '1', 'yes')
    return bool(value) if value is not None else None


def read_room(client, room_id):
    """The room's readable settings, or None when the room does not exist."""
    try:
        body = client.call('/room/read', {'room_id': room_id})
    except AvdApiError as exc:
        if exc.code == ROOM_ABSENT_CODE:
            return None
        raise
    data = api_payload(body) or {}
    room = {'room_id': room_id}
    for key in READABLE_SETTINGS:
        if key in data:
            room[key] = as_bool(data[key]) if key in BOOLEAN_SETTINGS else data[key]
    return room


def meetings_in_progress(client):
    """Every meeting in progress, as /room/list gives them (Q-AVD-06: the list is called rooms)."""
    rooms = client.call('/room/list').get('rooms') or []
    return [rooms] if isinstance(rooms, dict) else rooms


def meeting_of(client, room_id):
    for meeting in meetings_in_progress(client):
        if str(meeting.get('room_id')) == str(room_id):
            return meeting
    return None


def participants(client, room_id):
    """Participants of the meeting in progress in a room; an empty list when there is none."""
    try:
        body = client.call('/room/participate/list', {'room_id': room_id})
    except AvdApiError as exc:
        if not_in_session(exc):
            return []
        raise
    found = body.get('participates') or []
    return [found] if isinstance(found, dict) else found
