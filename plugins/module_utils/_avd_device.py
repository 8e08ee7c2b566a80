# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Device calls: a SIP/RTSP/H.323/PSTN/RTMP endpoint the server calls into a room. Private to this collection.

What the API can tell (avd.md section 11): ``/device/call`` answers with a ``call_id`` and the device's ``user_id``,
and ``/device/get_invite_status`` tells by ``call_id`` whether the call is inviting, in call, hung up or failed.
Nothing lists the devices of a room or reads a device's video, audio or focus. So this machine records, per server,
room and dialled address, the ids of the call it made and what it last set (``<cache_dir>/records/``); the record is
read back through get_invite_status before use and dropped when the server no longer knows the call.
"""

from __future__ import annotations

import time

from ansible_collections.rtcops.conference.plugins.module_utils._avd_client import AvdApiError, AvdError
from ansible_collections.rtcops.conference.plugins.module_utils._ensure import Field, Resource

LEDGER_KIND = 'device_calls'
INVITING, IN_CALL, HUNG_UP, FAILED = 0, 1, 2, 3
STATUS_WORDS = {INVITING: 'inviting', IN_CALL: 'in call', HUNG_UP: 'hung up', FAILED: 'invitation failed'}
ROOM_ABSENT_CODE = 40004
IN_ROOM_CODE = 40031
NO_INVITE_CODE = 40033
NO_CALL_RECORD_CODE = 40037

# The one call per setting and value; the API has no call that sets them together.
SETTING_CALLS = {
    ('video', 'open'): '/device/video/open',
    ('video', 'closed'): '/device/video/close',
    ('audio', 'muted'): '/device/audio/mute',
    ('audio', 'unmuted'): '/device/audio/unmute',
    ('focus', True): '/device/video/focus',
    ('focus', False): '/device/video/unfocus',
}
SETTINGS = ('video', 'audio', 'focus')
# Sent with /device/call only; the API cannot read them back nor change them on a call in progress.
CALL_OPTIONS = ('name', 'resolution_rate', 'frame_rate', 'video_rate', 'voice_multiple', 'call_from')


def record_key(room_id, url):
    return '%s %s' % (room_id, url)


def usable_record(value):
    return isinstance(value, dict) and all(isinstance(value.get(k), str) and value[k] for k in ('call_id', 'user_id'))


def invite_status(client, call_id):
    """The call's status as an int, or None when the server has no record of the call."""
    try:
        body = client.call('/device/get_invite_status', {'call_id': call_id})
    except AvdApiError as exc:
        if exc.code == NO_CALL_RECORD_CODE:
            return None
        raise
    try:
        return int(body.get('invite_status'))  # typed string, an int in the example
    except (TypeError, ValueError):
        raise AvdError('AVD call /device/get_invite_status returned invite_status %r, which is none of 0-3'
                       % (body.get('invite_status'),), '/device/get_invite_status') from None


class AddressInRoom(Exception):
    """/device/call answered 40031: the address is in the room, by a call this machine holds no record of."""


class DeviceCall(Resource):
    """The call leg of one dialled address into one room.

    ``waiter(call_id, url)`` waits for a ringing call to be answered and returns its final status.
    """

    fields = {
        'video': Field(),
        'audio': Field(),
        'focus': Field(),
        'name': Field(readable=False, updatable=False),
        'resolution_rate': Field(readable=False, updatable=False),
        'frame_rate': Field(readable=False, updatable=False),
        'video_rate': Field(readable=False, updatable=False),
        'voice_multiple': Field(readable=False, updatable=False),
        'call_from': Field(readable=False, updatable=False),
    }

    def __init__(self, client, ledger, room_id, url, waiter):
        self.client = client
        self.ledger = ledger
        self.room_id = room_id
        self.url = url
        self.key = record_key(room_id, url)
        self.label = 'device %s in room %s' % (url, room_id)
        self.waiter = waiter
        self.record = None

    def _state(self, record):
        state = {'room_id': self.room_id, 'url': self.url, 'call_id': record['call_id'], 'user_id': record['user_id']}
        state.update((name, record.get(name)) for name in SETTINGS)
        return state

    def find(self):
        record = self.ledger.get(LEDGER_KIND, self.key)
        if not usable_record(record):
            return None
        status = invite_status(self.client, record['call_id'])
        if status == INVITING:
            # A call this machine made is still ringing (an earlier run timed out): its answer decides.
            status = self.waiter(record['call_id'], self.url)
        if status != IN_CALL:
            self.ledger.forget(LEDGER_KIND, self.key)
            return None
        self.record = record
        return self._state(record)

    def create(self, want):
        params = dict((name, want[name]) for name in CALL_OPTIONS if name in want)
        params.setdefault('name', self.url)
        params.update(room_id=self.room_id, url=self.url)
        try:
            # A lost answer is not replayed: a second call would ring the device twice, and only 40031 would tell.
            body = self.client.call('/device/call', params, write=True, idempotent=False)
        except AvdApiError as exc:
            if exc.code == IN_ROOM_CODE:
                raise AddressInRoom() from None
            raise
        record = {'call_id': str(body.get('call_id') or ''), 'user_id': str(body.get('user_id') or '')}
        if not usable_record(record):
            raise AvdError('AVD call /device/call succeeded but returned no call_id or user_id', '/device/call')
        # Recorded before the wait: a run that times out leaves a call the next run finds and waits for.
        self.ledger.put(LEDGER_KIND, self.key, record)
        status = self.waiter(record['call_id'], self.url)
        if status != IN_CALL:
            self.ledger.forget(LEDGER_KIND, self.key)
            raise AvdError('the device %s did not join room %s: /device/get_invite_status reports %s (%s); the API '
                           'gives no reason' % (self.url, self.room_id, status, STATUS_WORDS.get(status, 'unknown')),
                           '/device/get_invite_status')
        self.record = record
        # What a fresh call's video, audio and focus are is undocumented: every one the user set is sent.
        return self.update(self._state(record), want, [name for name in SETTINGS if name in want])

    def update(self, have, want, changed):
        record = dict(self.record)
        for name in changed:
            if name not in SETTINGS:
                continue
            self.client.call(SETTING_CALLS[(name, want[name])], {'room_id': self.room_id, 'user_id': record['user_id']},
                             write=True, idempotent=True)
            record[name] = want[name]
            self.ledger.put(LEDGER_KIND, self.key, record)
        self.record = record
        return self._state(record)

    def delete(self, have):
        try:
            self.client.call('/device/kick', {'room_id': self.room_id, 'user_id': have['user_id']}, write=True,
                             idempotent=True)
        except AvdApiError as exc:
            # Hung up or the room went away since the status was read: the call is gone either way.
            if exc.code not in (NO_INVITE_CODE, ROOM_ABSENT_CODE):
                raise
        self.ledger.forget(LEDGER_KIND, self.key)

    def predict(self, have, want):
        state = dict(have or {'room_id': self.room_id, 'url': self.url, 'call_id': None, 'user_id': None})
        state.update((name, want[name]) for name in SETTINGS if name in want)
        return state


def wait_for_answer(module, client, waiting_class):
    """A ``waiter`` for DeviceCall: polls every poll_interval until the call leaves "inviting", or times out."""
    p = module.params

    def waiter(call_id, url):
        waiting = waiting_class(module)
        while True:
            status = invite_status(client, call_id)
            if status is None:
                raise AvdError('the server lost the call to %s (40037 no such call record) while it was ringing' % url,
                               '/device/get_invite_status')
            if status != INVITING:
                waiting.done('waiting for %s to answer' % url)
                return status
            if not waiting.allows(p['poll_interval']):
                module.done.update(call_id=call_id)
                raise AvdError(waiting.timed_out('the device %s did not answer' % url, 'invite_status 0, inviting'),
                               '/device/get_invite_status')
            time.sleep(p['poll_interval'])
    return waiter
