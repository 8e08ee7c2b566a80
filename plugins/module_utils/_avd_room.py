# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Rooms: reads shared by the room modules, and the room entity. Private to this collection."""

from __future__ import annotations

from ansible_collections.rtcops.conference.plugins.module_utils._avd_client import AvdApiError, api_payload
from ansible_collections.rtcops.conference.plugins.module_utils._ensure import AlreadyExists, Field, Resource

ROOM_ABSENT_CODE = 40004
ROOM_EXISTS_CODE = 40005
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


# The options of a room, shared by avd_room and avd_environment (which adds its own ``state`` choices).
ROOM_OPTIONS = dict(
    room_id=dict(type='str', required=True),
    topic=dict(type='str'),
    user_id=dict(type='str'),
    enable_auto_cloud_recording=dict(type='bool'),
    enable_voice_activated=dict(type='bool'),
    enable_auto_avc=dict(type='bool'),
    resolution=dict(type='str'),
    enable_transcode_video=dict(type='bool'),
    recreate=dict(type='bool', default=False),
)
UPDATABLE = ('topic', 'user_id', 'enable_auto_cloud_recording', 'enable_auto_avc')
WRITE_ONLY = ('resolution', 'enable_transcode_video')
# Rooms cannot be listed (Q-AVD-68): the rooms this collection created or saw are kept in the cache, so that a purge
# and an export know at least those.
LEDGER_KIND = 'rooms'
_UNREAD = object()


class Room(Resource):
    """A room, identified by its id; ``current`` is its state when the caller has read it already.

    ``read_back``: read the room again after a write, or trust the server's success answer (avd_environment).
    """

    read_back = True

    fields = {
        'room_id': Field(),
        'topic': Field(),
        'user_id': Field(),
        'enable_auto_cloud_recording': Field(normalize=as_bool),
        'enable_auto_avc': Field(normalize=as_bool),
        'enable_voice_activated': Field(updatable=False, normalize=as_bool),
        'resolution': Field(readable=False, updatable=False),
        'enable_transcode_video': Field(readable=False, updatable=False),
    }
    create_requires = ('user_id',)

    def __init__(self, client, room_id, current=_UNREAD):
        self.client = client
        self.room_id = room_id
        self.label = 'room %s' % room_id
        self._current = current

    def find(self):
        current, self._current = self._current, _UNREAD
        return read_room(self.client, self.room_id) if current is _UNREAD else current

    def create(self, want):
        try:
            self.client.call('/room/create', want, write=True, verify=lambda: read_room(self.client, self.room_id))
        except AvdApiError as exc:
            existing = read_room(self.client, self.room_id) if exc.code == ROOM_EXISTS_CODE else None
            if existing is None:
                raise
            raise AlreadyExists(existing)
        if not self.read_back:
            return self.predict(None, want)
        room = read_room(self.client, self.room_id)
        if room is None:
            raise AvdApiError('/room/read', ROOM_ABSENT_CODE, 'room %s not found right after it was created' % self.room_id)
        # The write-only settings cannot be read back; report what was sent.
        room.update((key, want[key]) for key in WRITE_ONLY if key in want)
        return room

    def update(self, have, want, changed):
        # Q-AVD-61: whether /room/update resets omitted settings is unstated, so every updatable setting is sent.
        state = dict(have, **want)
        params = dict((key, state[key]) for key in UPDATABLE if state.get(key) is not None)
        params['room_id'] = self.room_id
        self.client.call('/room/update', params, write=True, idempotent=True)
        return (read_room(self.client, self.room_id) if self.read_back else None) or state

    def delete(self, have):
        try:
            self.client.call('/room/del', {'room_id': self.room_id}, write=True, idempotent=True)
        except AvdApiError as exc:
            if exc.code != ROOM_ABSENT_CODE:
                raise
