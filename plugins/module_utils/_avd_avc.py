# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Server-side video composition (AVC) of a room, as an entity of the ensure engine. Private to this collection.

``/room/avc/get_avc_setting`` is the only read, and its answer is undocumented and cut off in the source (Q-AVD-21):
it tells whether a composition runs (40051 when not) and, by the names of its keys, the composed stream's name
(``exporter_name``), size (``view_width``/``view_height``) and frame rate (``view_fps``). Those are compared; its
``view_bitrate`` is a boolean (Q-AVD-07), and the layout mode, the main video, the selected videos and the focus video
do not appear in it, so they are sent but never compared.
"""

from __future__ import annotations

import re

from ansible_collections.rtcops.conference.plugins.module_utils._avd_client import AvdApiError, AvdError, api_payload
from ansible_collections.rtcops.conference.plugins.module_utils._ensure import AlreadyExists, Field, Resource

ROOM_ABSENT_CODES = (40004, 40052)
ALREADY_STARTED_CODE = 40050
NOT_STARTED_CODE = 40051

# "宽 * 高", e.g. "1280 * 720" at avc/start, "1280*720" in the update_layout example.
RESOLUTION = re.compile(r'\s*([1-9][0-9]{0,4})\s*[*xX]\s*([1-9][0-9]{0,4})\s*')

VIDEO_SPEC = dict(
    video_name=dict(type='str', required=True),
    zorder=dict(type='int', required=True),
    x=dict(type='float', required=True),
    y=dict(type='float', required=True),
    w=dict(type='float', required=True),
    h=dict(type='float', required=True),
)

AVC_OPTIONS = dict(
    room_id=dict(type='str', required=True),
    state=dict(type='str', default='started', choices=['started', 'stopped']),
    enable_manual_avc=dict(type='bool'),
    max_video_number=dict(type='int'),
    layout_mode=dict(type='int', choices=[0, 1, 2]),
    video_name=dict(type='str'),
    video_framerate=dict(type='int'),
    video_bitrate=dict(type='int'),
    video_resolution=dict(type='str'),
    main_video_resource_id=dict(type='str'),
    videos=dict(type='list', elements='dict', options=VIDEO_SPEC),
    select_layout_mode=dict(type='int', choices=[0, 1]),
    focus_video=dict(type='str'),
    reapply=dict(type='bool', default=False),
)

# Compared against get_avc_setting; changed on a running composition by update_layout.
READABLE = ('video_name', 'video_resolution', 'video_framerate')
# The parameters of update_layout besides room_id.
LAYOUT_PARAMS = ('main_video_resource_id', 'layout_mode', 'video_name', 'video_framerate', 'video_bitrate',
                 'video_resolution')
START_PARAMS = ('enable_manual_avc', 'max_video_number', 'layout_mode', 'video_name', 'video_framerate', 'video_bitrate',
                'video_resolution')


def resolution(value):
    """``W*H`` for any spelling of a resolution the server accepts; None when it is not one."""
    match = RESOLUTION.fullmatch(value) if isinstance(value, str) else None
    return '%s*%s' % match.groups() if match else None


def _as_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def check_params(params):
    """What no request can fix: a message naming the option, or None. Runs before any request."""
    for name in ('room_id', 'video_name', 'video_resolution', 'main_video_resource_id', 'focus_video'):
        if params.get(name) is not None and not params[name].strip():
            return '%s must not be empty' % name
    if params.get('video_resolution') is not None and resolution(params['video_resolution']) is None:
        return 'video_resolution must be width*height, for example 1280*720, not %r' % params['video_resolution']
    for name in ('max_video_number', 'video_framerate', 'video_bitrate'):
        if params.get(name) is not None and params[name] < 1:
            return '%s must be a positive integer, not %s' % (name, params[name])
    if params.get('videos') is not None:
        if not params['videos']:
            return 'videos must hold at least one video (the API cannot select none)'
        names = [video['video_name'] for video in params['videos']]
        for index, video in enumerate(params['videos']):
            if not video['video_name'].strip():
                return 'videos[%d].video_name must not be empty' % index
            for key in ('x', 'y', 'w', 'h'):
                if not 0 <= video[key] <= 1:
                    return 'videos[%d].%s must be a fraction of the picture between 0 and 1, not %s' % (index, key, video[key])
        if len(set(names)) != len(names):
            return 'videos lists a video_name more than once'
    if params['state'] == 'stopped':
        started_only = [name for name in AVC_OPTIONS if name not in ('room_id', 'state', 'reapply') and params.get(name) is not None]
        if started_only:
            return '%s cannot be set with state=stopped' % ', '.join(started_only)
    return None


def read_avc(client, room_id):
    """The running composition's readable settings and the raw answer, or None when none runs.

    Raises AvdApiError when the room does not exist (40004 or 40052, depending on the server)."""
    try:
        body = client.call('/room/avc/get_avc_setting', {'room_id': room_id})
    except AvdApiError as exc:
        if exc.code == NOT_STARTED_CODE:
            return None
        raise
    data = api_payload(body)
    data = data if isinstance(data, dict) else {}
    state = {'room_id': room_id, 'setting': data}
    if data.get('exporter_name') is not None:
        state['video_name'] = str(data['exporter_name'])
    if data.get('view_width') is not None and data.get('view_height') is not None:
        state['video_resolution'] = resolution('%s*%s' % (_as_int(data['view_width']), _as_int(data['view_height'])))
    if data.get('view_fps') is not None:
        state['video_framerate'] = _as_int(data['view_fps'])
    return state


# Sent, never compared: get_avc_setting does not show them (Q-AVD-21).
WRITE_ONLY = ('layout_mode', 'video_bitrate', 'main_video_resource_id', 'videos', 'select_layout_mode', 'focus_video')


class Composition(Resource):
    """The composition of one room: "present" while it runs."""

    fields = dict(
        [(name, Field()) for name in ('video_name', 'video_framerate')]
        + [('video_resolution', Field(normalize=lambda value: resolution(value) or value))]
        + [(name, Field(readable=False, updatable=False)) for name in ('enable_manual_avc', 'max_video_number')]
        + [(name, Field(readable=False)) for name in WRITE_ONLY]
    )
    create_requires = ('max_video_number', 'layout_mode')

    def __init__(self, client, room_id, state='started'):
        self.client = client
        self.room_id = room_id
        self.state = state
        self.label = 'the composition of room %s' % room_id
        self.calls = []  # the writes sent, or that check mode would send, in order

    def find(self):
        try:
            return read_avc(self.client, self.room_id)
        except AvdApiError as exc:
            # No room, no composition: stopping is done; starting would fail, so fail before any write.
            if exc.code in ROOM_ABSENT_CODES and self.state == 'stopped':
                return None
            raise

    def _write(self, path, params, check_mode=False):
        self.calls.append(path)
        if not check_mode:
            params = dict(params, room_id=self.room_id)
            self.client.call(path, params, write=True, idempotent=path != '/room/avc/start')

    def media_calls(self, want, check_mode=False):
        """select_media and set_focus_video for what ``want`` holds: the steps after the layout."""
        if 'videos' in want:
            self._write('/room/avc/select_media', {'videos': want['videos'], 'layout_mode': want.get('select_layout_mode')},
                        check_mode)
        if 'focus_video' in want:
            self._write('/room/avc/set_focus_video', {'resource_id': want['focus_video']}, check_mode)

    def layout_call(self, want, check_mode=False):
        if 'main_video_resource_id' not in want:
            raise AvdError('main_video_resource_id must be set to change %s of a running composition: '
                           '/room/avc/update_layout requires it' % ', '.join(name for name in LAYOUT_PARAMS if name in want))
        self._write('/room/avc/update_layout', dict((name, want[name]) for name in LAYOUT_PARAMS if name in want), check_mode)

    def steps(self, have, want, check_mode):
        """The documented order: start, update_layout (the speaker layout's main video), select_media, focus."""
        if have is None:
            if want.get('layout_mode') == 0 and 'videos' not in want:
                raise AvdError('layout_mode=0 (fixed layout) needs videos: the server composes only selected videos')
            self._write('/room/avc/start', dict((name, want[name]) for name in START_PARAMS if name in want), check_mode)
            if 'main_video_resource_id' in want:
                self.layout_call(want, check_mode)
        else:
            self.layout_call(want, check_mode)
        self.media_calls(want, check_mode)

    def _after(self, want):
        state = read_avc(self.client, self.room_id)
        if state is None:
            raise AvdApiError('/room/avc/get_avc_setting', NOT_STARTED_CODE,
                              'composition of room %s not running right after it was started' % self.room_id)
        # What the read cannot show is reported as sent.
        state.update((name, value) for name, value in want.items() if not self.fields[name].readable)
        return state

    def create(self, want):
        try:
            self.steps(None, want, check_mode=False)
        except AvdApiError as exc:
            if exc.code != ALREADY_STARTED_CODE or self.calls != ['/room/avc/start']:
                raise
            # Another run started it meanwhile; the engine compares it like a running one.
            self.calls = []
            raise AlreadyExists(read_avc(self.client, self.room_id))
        return self._after(want)

    def update(self, have, want, changed):
        self.steps(have, want, check_mode=False)
        return self._after(want)

    def delete(self, have):
        try:
            self._write('/room/avc/stop', {})
        except AvdApiError as exc:
            if exc.code != NOT_STARTED_CODE:  # stopped meanwhile
                raise

    def predict(self, have, want):
        self.steps(have, want, check_mode=True)
        state = dict(have or {'room_id': self.room_id, 'setting': {}})
        state.update(want)
        return state
