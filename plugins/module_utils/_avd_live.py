# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Live streams of a room (avd.md section 6), which the API cannot read back (Q-AVD-57). Private to this collection.

No call says whether a room streams, nor where to. What a start or a stop answers is the only read-back: a start is
refused when the stream runs (40060 live, 40040 mixed: the room's one mix slot, shared with a mixed recording), a stop
when none runs (40061, 40065 live; 40041 mixed). So every run sends its start or its stop and lets the answer say
whether something changed. The settings a stream was started with are known only from this machine's record of the
starts it sent (``<cache_dir>/records/``); a stream started elsewhere runs with settings nobody can read.
"""

from __future__ import annotations

import hashlib
import numbers
import re
import time

from ansible_collections.rtcops.conference.plugins.module_utils._avd_client import AvdApiError, AvdError, AvdOutcomeUnknown

LEDGER_KIND = 'live_streams'

ALREADY_LIVE = 40060
NOT_LIVE = (40061, 40065)
MIX_SLOT_TAKEN = 40040
MIX_NOT_STARTED = 40041
# A stream exists only in a meeting in progress (6.1), so "the room is not in session" answers a stop too.
NOT_IN_SESSION = 40009

CALLS = {
    False: ('/room/live/start', '/room/live/stop'),
    True: ('/room/mix_live/start', '/room/mix_live/stop'),
}
# The settings a start sends, in the order results show them; push_url only as a fingerprint (it may hold a key).
SETTINGS = ('user_id', 'push_url_sha256', 'rtmp_url', 'hls_url', 'videos')
LAYOUT_KEYS = ('video_name', 'zorder', 'x', 'y', 'w', 'h')
URL = re.compile(r'^[A-Za-z][A-Za-z0-9+.-]*://[^\s/?#]+\S*$')


def fingerprint(url):
    return hashlib.sha256(url.encode('utf-8')).hexdigest()


def validate(p):
    """The first problem with the options, as a message naming the option (and never the push URL's value)."""
    if not p['room_id'].strip():
        return 'room_id must not be empty'
    mixed = p['mixed']
    if mixed and p['user_id'] is not None:
        return 'user_id applies only to mixed=false: a mixed stream shows the layout given in videos'
    if mixed and p['hls_url'] is not None:
        return 'hls_url applies only to mixed=false: /room/mix_live/start takes no HLS address'
    if not mixed and p['videos'] is not None:
        return 'videos applies only to mixed=true: a live stream shows the video of user_id'
    if p['state'] == 'stopped':
        given = [name for name in ('user_id', 'push_url', 'rtmp_url', 'hls_url', 'videos') if p[name] is not None]
        if given:
            return '%s apply only to state=started: a stop takes the room only' % ', '.join(given)
        return None
    if p['push_url'] is None or not p['push_url'].strip():
        return 'push_url is required with state=started'
    if not URL.match(p['push_url']):
        # The value is not quoted: a push URL often carries the stream key.
        return 'push_url must be an absolute URL such as rtmp://host/app/stream, without spaces'
    if not mixed and (p['user_id'] is None or not p['user_id'].strip()):
        return 'user_id is required with state=started and mixed=false: the stream shows that user\'s video'
    for name in ('rtmp_url', 'hls_url'):
        if p[name] is not None and not URL.match(p[name]):
            return '%s must be an absolute URL such as rtmp://host/app/stream, without spaces, got %r' % (name, p[name])
    if p['videos'] is not None:
        return validate_videos(p['videos'])
    return None


def validate_videos(videos):
    if not videos:
        return 'videos must hold at least one entry; leave it out for the server\'s layout'
    for index, video in enumerate(videos):
        where = 'videos[%d]' % index
        unknown = sorted(set(video) - set(LAYOUT_KEYS))
        if unknown:
            return '%s has unknown keys %s; the keys are %s' % (where, ', '.join(unknown), ', '.join(LAYOUT_KEYS))
        if not isinstance(video.get('video_name'), str) or not video['video_name'].strip():
            return '%s needs video_name, the name of a video such as <user_id>_video1' % where
        zorder = video.get('zorder')
        if zorder is not None and (isinstance(zorder, bool) or not isinstance(zorder, int) or zorder < 0):
            return '%s.zorder must be an integer of 0 or more, got %r' % (where, zorder)
        for key in ('x', 'y', 'w', 'h'):
            value = video.get(key)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value <= 1:
                return '%s.%s must be a number from 0 to 1 (a fraction of the picture), got %r' % (where, key, value)
    return None


def wanted(p):
    """The settings this task asks for; those left out are not compared (the stream keeps what it has)."""
    settings = {'user_id': p['user_id'], 'push_url_sha256': fingerprint(p['push_url']), 'rtmp_url': p['rtmp_url'],
                'hls_url': p['hls_url'], 'videos': p['videos']}
    return dict((name, value) for name, value in settings.items() if value is not None)


def differences(recorded, wanted_settings):
    """Names of the wanted settings the recorded stream was started with otherwise, in SETTINGS order."""
    return [name for name in SETTINGS if name in wanted_settings and recorded.get(name) != wanted_settings[name]]


def record_key(room_id, mixed):
    return '%s/%s' % (room_id, 'mix_live' if mixed else 'live')


def recorded_settings(ledger, key):
    entry = ledger.get(LEDGER_KIND, key)
    if isinstance(entry, dict) and isinstance(entry.get('settings'), dict):
        return entry['settings']
    return None


class Live:
    """One room's live stream (or mixed live stream) driven towards ``state``."""

    def __init__(self, module, ledger, recording_status=None):
        """``recording_status(record_id)``: the status of a mixed recording, to tell who holds the mix slot."""
        self.module = module
        self.p = module.params
        self.ledger = ledger
        self.recording_status = recording_status
        self.mixed = self.p['mixed']
        self.start_call, self.stop_call = CALLS[self.mixed]
        self.key = record_key(self.p['room_id'], self.mixed)
        self.sent = []
        self.verified = False
        self.warnings = []

    # -- calls ------------------------------------------------------------------------------------------------

    def _send(self, path, params, refusals):
        """Send a write; returns the refusal code among ``refusals``, or None when it was done.

        A start or a stop whose answer was lost is sent once more: the server refuses a repeat of one that arrived
        (already started, not started), so the repeat settles it. The result then counts as done by the first.
        """
        client = self.module.client
        self.sent.append(path)
        try:
            try:
                client.call(path, params, write=True)
                return None
            except AvdOutcomeUnknown:
                self.sent.append(path)
                try:
                    client.call(path, params, write=True)
                except AvdOutcomeUnknown:
                    raise AvdError('the answers to two calls of %s for room %s were lost; whether the room streams is '
                                   'unknown. Run the task again: the answer to a start or a stop settles it'
                                   % (path, self.p['room_id']), path) from None
                except AvdApiError as exc:
                    if exc.code in refusals:
                        return None
                    raise
                return None
        except AvdApiError as exc:
            if exc.code in refusals:
                return exc.code
            raise

    def _start(self, settings):
        p = self.p
        params = {'room_id': p['room_id'], 'push_url': p['push_url'], 'rtmp_url': p['rtmp_url']}
        if self.mixed:
            params['videos'] = p['videos']
        else:
            params.update(user_id=p['user_id'], hls_url=p['hls_url'])
        refused = self._send(self.start_call, params, (MIX_SLOT_TAKEN,) if self.mixed else (ALREADY_LIVE,))
        self.verified = True
        if refused is None:
            self.module.done.update(changed=True, sent=list(self.sent))
            if not self.ledger.put(LEDGER_KIND, self.key, {'settings': settings, 'started_at': int(time.time())}):
                self.warnings.append('the stream started but the local record in %s could not be written; the next '
                                     'run cannot compare its settings' % self.ledger.directory)
        return refused

    def _stop(self):
        refusals = (MIX_NOT_STARTED, NOT_IN_SESSION) if self.mixed else NOT_LIVE + (NOT_IN_SESSION,)
        refused = self._send(self.stop_call, {'room_id': self.p['room_id']}, refusals)
        self.verified = True
        if refused is None:
            self.module.done.update(changed=True, sent=list(self.sent))
        self.ledger.forget(LEDGER_KIND, self.key)
        return refused

    def _slot_holder(self):
        """The running mixed recording this machine started in the room, which would explain a 40040."""
        if self.recording_status is None:
            return None
        record_id = self.ledger.get('started_recordings', self.p['room_id'])
        if not record_id:
            return None
        try:
            status = self.recording_status(record_id)
        except AvdApiError:
            return None
        return record_id if status in (0, 1) else None

    # -- plans ------------------------------------------------------------------------------------------------

    def started(self):
        """Returns ``(changed, status, before_state, recorded, after_settings, differing)``."""
        p = self.p
        settings = wanted(p)
        recorded = recorded_settings(self.ledger, self.key)
        differing = differences(recorded, settings) if recorded is not None else []
        restart = p['force'] or bool(differing)
        if self.module.check_mode:
            before_state = 'running' if recorded is not None else 'unknown'
            if restart:
                return True, 'restarted', before_state, recorded, settings, differing
            if recorded is not None:
                return False, 'running', before_state, recorded, recorded, differing
            self.warnings.append(self._unknown_in_check_mode())
            return False, 'unknown', before_state, None, None, differing
        if restart:
            stopped = self._stop() is None
            refused = self._start(settings)
            if refused is not None:
                # Stopped, yet the start is refused: the mix slot is held by something else (a mixed recording).
                raise self._slot_error(refused)
            if stopped:
                return True, 'restarted', 'running', recorded, settings, differing
            return True, 'started', 'stopped', None, settings, differing
        refused = self._start(settings)
        if refused is None:
            # Without a record, or with one whose stream has ended (meeting closed, connection lost).
            return True, 'started', 'stopped', None, settings, differing
        if self.mixed and recorded is None:
            holder = self._slot_holder()
            if holder:
                raise self._slot_error(refused, holder)
        if recorded is None:
            self.warnings.append(self._running_elsewhere())
        return False, 'running', 'running', recorded, recorded, differing

    def stopped(self):
        """Returns ``(changed, status, before_state, recorded)``."""
        recorded = recorded_settings(self.ledger, self.key)
        if self.module.check_mode:
            if recorded is not None:
                return True, 'stopped', 'running', recorded
            self.warnings.append('check mode cannot tell whether room %s streams (the API has no call that says so); a '
                                 'real run sends %s and reports a change only if the server stops a stream'
                                 % (self.p['room_id'], self.stop_call))
            return False, 'unknown', 'unknown', recorded
        refused = self._stop()
        if refused is None:
            return True, 'stopped', 'running', recorded
        return False, 'not_running', 'stopped', None

    # -- messages ---------------------------------------------------------------------------------------------

    def _unknown_in_check_mode(self):
        return ('this machine has no record of a stream it started in room %s, and the API cannot tell whether one runs '
                'or where it goes; a real run sends %s and reports a change only if the server starts a stream (one '
                'already running is kept as it is, unless force=true)' % (self.p['room_id'], self.start_call))

    def _running_elsewhere(self):
        what = ('a mixed live stream or a mixed recording (the server answers 40040 for both and the API cannot tell '
                'which)' if self.mixed else 'a live stream')
        return ('room %s already has %s, started without a record on this machine, so its settings are unknown and were '
                'left as they are. Set force=true to stop it and start it with these settings'
                % (self.p['room_id'], what))

    def _slot_error(self, code, holder=None):
        if not self.mixed:
            return AvdError('%s was refused with code %s right after %s: room %s still streams. Run the task again'
                            % (self.start_call, code, self.stop_call, self.p['room_id']), self.start_call)
        who = ('the mixed recording %s (started from this machine)' % holder) if holder else 'a mixed recording'
        return AvdError('%s was refused with code %s: room %s has one mix slot, shared by mixed live streaming and '
                        'mixed recording, and %s holds it. Stop that recording first (rtcops.conference.avd_recording '
                        'with state=stopped)' % (self.start_call, code, self.p['room_id'], who), self.start_call)
