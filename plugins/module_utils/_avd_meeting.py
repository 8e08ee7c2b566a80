# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Meetings: removing a participant, statistics and chat logs. Private to this collection."""

from __future__ import annotations

from ansible_collections.rtcops.conference.plugins.module_utils._avd_client import AvdApiError, api_payload
from ansible_collections.rtcops.conference.plugins.module_utils._avd_room import not_in_session

USER_NOT_IN_ROOM_CODE = 40008
ROOM_NOT_OPEN_CODE = 40009

# The counters of /room/get_statistic under the names this collection returns, each with the names the server may
# use for it: the example says android_cnt, the table andronid_cnt (Q-AVD-08).
STATISTIC_COUNTERS = (
    ('meeting_total', ('meeting_total',)),
    ('user_cnt', ('user_cnt',)),
    ('time_total', ('time_total',)),
    ('web_cnt', ('web_cnt',)),
    ('pc_cnt', ('pc_cnt',)),
    ('ios_cnt', ('ios_cnt',)),
    ('android_cnt', ('android_cnt', 'andronid_cnt')),
    ('box_cnt', ('box_cnt',)),
    ('other_cnt', ('other_cnt',)),
)

# Chat message keys: the server's camelCase names (Q-AVD-39) mapped explicitly to this collection's snake_case.
MESSAGE_KEYS = (
    ('id', 'id'),
    ('fromId', 'from_id'),
    ('fromName', 'from_name'),
    ('message', 'message'),
    ('timestamp', 'timestamp'),
    ('room_id', 'room_id'),
    ('session_type', 'session_type'),
    ('message_type', 'message_type'),
    ('dst', 'dst'),
    ('dst_name', 'dst_name'),
    ('status', 'status'),
)
# Numbers the document types as int although an example may give them as strings (Q-AVD-07).
MESSAGE_NUMBERS = ('id', 'timestamp', 'session_type', 'message_type', 'status')
PRIVATE_SESSION = 1


def as_int(value):
    """An integer from an int or a decimal string; anything else is kept as the server gave it."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip('-').isdigit():
        return int(value.strip())
    return value


def as_list(value):
    """Q-AVD-06: a list where one is expected, also when the server gives a single object or nothing."""
    if value is None:
        return []
    return [value] if isinstance(value, dict) else list(value)


def find_participant(people, user_id):
    for person in people:
        if str(person.get('user_id')) == str(user_id):
            return person
    return None


def kick(client, room_id, user_id):
    """Remove a user from the meeting in progress; False when the server says the user (or the meeting) is not
    there any more, for instance because the user left between the read and the kick."""
    try:
        # A kick repeated after a lost answer is harmless: it meets 40008 and counts as done.
        client.call('/room/participate/kick', {'room_id': room_id, 'user_id': user_id}, write=True, idempotent=True)
    except AvdApiError as exc:
        if exc.code in (USER_NOT_IN_ROOM_CODE, ROOM_NOT_OPEN_CODE) or not_in_session(exc):
            return False
        raise
    return True


def normalize_statistics(payload):
    """The counters under one set of names, as integers; a counter the server left out is absent."""
    found = {}
    for name, server_names in STATISTIC_COUNTERS:
        for server_name in server_names:
            if server_name in payload:
                found[name] = as_int(payload[server_name])
                break
    return found


def read_statistics(client, room_id, start_time, end_time):
    """(normalised counters, raw answer) of /room/get_statistic; the answer has no envelope (Q-AVD-01)."""
    body = client.call('/room/get_statistic', {'room_id': room_id, 'start_time': start_time, 'end_time': end_time})
    raw = api_payload(body)
    return normalize_statistics(raw if isinstance(raw, dict) else {}), raw


def normalize_message(message, session_id):
    found = {'session_id': as_int(session_id)}
    for server_name, name in MESSAGE_KEYS:
        if server_name in message:
            value = message[server_name]
            found[name] = as_int(value) if name in MESSAGE_NUMBERS else value
    found['private'] = found.get('session_type') == PRIVATE_SESSION
    return found


def normalize_chat(sessions):
    """Every message of every session, flat and in time order, with its session's id (the meeting's start time)."""
    messages = []
    for session in as_list(sessions):
        if not isinstance(session, dict):
            continue
        for message in as_list(session.get('messages')):
            if isinstance(message, dict):
                messages.append(normalize_message(message, session.get('session_id')))
    return sorted(messages, key=_time_order)


def _time_order(message):
    """Sort key: timed messages by time; those without a usable timestamp after them, in the server's order (the
    sort is stable)."""
    timestamp = message.get('timestamp')
    if isinstance(timestamp, int) and not isinstance(timestamp, bool):
        return (0, timestamp)
    return (1, 0)


def read_chat(client, room_id, sender=None, start_time=None, end_time=None):
    """(normalised messages, raw sessions) of /room/get_chat_message_log."""
    params = {'room_id': room_id, 'fromId': sender, 'start_time': start_time, 'end_time': end_time}
    raw = api_payload(client.call('/room/get_chat_message_log', params))
    return normalize_chat(raw), raw
