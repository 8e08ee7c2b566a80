#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: avd_live
short_description: Start and stop the live stream of a meeting on an AVD conference server
version_added: 0.1.0
description:
  - Streams a meeting in progress to an RTMP (or other) push address, and stops it. With O(mixed=false) the stream
    shows one user's video (C(/room/live/start), C(/room/live/stop)); with O(mixed=true) the room's mixed screen, in
    the layout O(videos) gives (C(/room/mix_live/start), C(/room/mix_live/stop)).
  - B(The API cannot read a stream back.) No call says whether a room streams or where to. The only read-back is
    the answer to a start or a stop. A start is refused while the stream runs (code 40060; 40040 for a mixed stream)
    and a stop while none runs (40061 or 40065; 40041 for a mixed stream). So every run sends its start or its stop,
    and C(changed) is V(true) only when the server accepted it, that is when a stream was started or stopped.
    A refusal of that kind is the state already wanted, so it is no change and no failure.
  - B(Settings are known only from this machine's record.) After a start, the module writes the settings it sent
    into a file under O(cache_dir) (one per O(server_url), readable only by its owner). The push URL is kept only
    as a SHA-256 fingerprint. Running the task again with the same settings is no change. With a different
    push URL (or any other setting you set that differs from the record), the stream is stopped and started again
    (RV(status=restarted)), and the diff shows which settings differ. Settings you leave out are not compared.
  - B(A stream without a record is kept as it is.) On a machine with no record (a fresh CI runner, another
    controller), a start answered "already started" is no change, with a warning that its settings are unknown.
    Set O(force=true) to stop it and start it with the task's settings.
  - B(Mixed streams share a slot with mixed recordings.) A room has one mix slot for a mixed live stream and a
    mixed recording (code 40040 for either). When the refusal can be explained by a running mixed recording this
    machine started (see M(rtcops.conference.avd_recording)), the task fails and says so. Otherwise the API cannot
    tell a mixed stream from a mixed recording, and the task warns.
  - A stream ends when the meeting ends. A re-run then starts it again (a change).
author:
  - rtcops developers (@rtcops)
options:
  room_id:
    description:
      - Number of the room. Its meeting must be in progress to start a stream.
    type: str
    required: true
  state:
    description:
      - V(started) makes the room stream with these settings. V(stopped) stops the room's stream.
    type: str
    choices: [started, stopped]
    default: started
  mixed:
    description:
      - V(false) streams the video of O(user_id) (C(/room/live/*)). V(true) streams the mixed screen
        (C(/room/mix_live/*)).
      - A room can have one stream of each kind at the same time. The O(state) applies to the kind chosen here.
    type: bool
    default: false
  user_id:
    description:
      - The user whose video is streamed. Required with O(state=started) and O(mixed=false). Not used with O(mixed=true).
      - The user must be in the meeting (code 40008 otherwise).
    type: str
  push_url:
    description:
      - The address the server pushes the stream to, for example C(rtmp://live.example.com/app/stream).
        Required with O(state=started).
      - Push URLs often carry a stream key, so it is handled like a secret (C(no_log)). Results, diffs and the
        local record hold only its SHA-256 fingerprint.
    type: str
  rtmp_url:
    description:
      - The RTMP address viewers play the stream from. The server is told it; it does not change the stream.
    type: str
  hls_url:
    description:
      - The HLS address viewers play the stream from. Only with O(mixed=false).
    type: str
  videos:
    description:
      - Layout of a mixed stream, one entry per video. Only with O(mixed=true). Left out, the server lays out the
        videos.
      - Each entry has C(video_name) (required, such as C(<user_id>_video1)), and optionally C(zorder) (an integer
        of 0 or more) and C(x), C(y), C(w), C(h) (fractions of the picture from 0 to 1).
    type: list
    elements: dict
  force:
    description:
      - With O(state=started), stop the stream and start it again with these settings, whatever the record says.
        Reports a change.
      - Use it when the stream was started from another machine or by hand, whose settings are unknown.
    type: bool
    default: false
extends_documentation_fragment:
  - rtcops.conference.avd
  - ansible.builtin.action_common_attributes
  - rtcops.conference.attributes
attributes:
  check_mode:
    support: full
    details:
      - Nothing is sent. The prediction comes from the local record. With a record, a start with the same settings
        is no change, other settings a restart, and a stop a change. Without a record the API cannot tell whether
        a stream runs. RV(status) is then V(unknown), C(changed) is V(false) and the task warns.
  diff_mode:
    support: full
    details:
      - Shows whether the room streams (V(running), V(stopped) or V(unknown)) and the settings of the stream as the
        local record knows them, before and after. The push URL appears only as its fingerprint.
notes:
  - The record is a JSON file under C(<cache_dir>/records/). Deleting it makes this machine forget the settings of
    the streams it started; it never stops a stream.
  - A started stream keeps running until it is stopped or the meeting ends. A play that fails halfway may leave
    one running; run a task with O(state=stopped) to end it.
  - When the answer to a start or a stop is lost, it is sent once more. The server refuses a repeat of one that
    arrived, which settles the outcome.
seealso:
  - module: rtcops.conference.avd_recording
    description: Mixed recordings, which share the mix slot with mixed live streams.
  - module: rtcops.conference.avd_room
    description: The rooms whose meetings are streamed.
'''

EXAMPLES = r'''
- name: Stream the speaker's video to the CDN
  rtcops.conference.avd_live:
    server_url: https://avd.example.com:9610
    access_key: "{{ vault_avd_access_key }}"
    secret_key: "{{ vault_avd_secret_key }}"
    room_id: "50000000000"
    user_id: "16"
    push_url: "rtmp://live.example.com/app/{{ vault_stream_key }}"
    hls_url: https://play.example.com/app/town-hall.m3u8

# With the connection set once for the play:
#   module_defaults:
#     group/rtcops.conference.avd:
#       server_url: https://avd.example.com:9610
#       access_key: "{{ vault_avd_access_key }}"
#       secret_key: "{{ vault_avd_secret_key }}"
- name: Stream the mixed screen, speaker full screen and slides in a corner
  rtcops.conference.avd_live:
    room_id: "50000000000"
    mixed: true
    push_url: "rtmp://live.example.com/app/{{ vault_stream_key }}"
    videos:
      - {video_name: 16_video1, zorder: 0, x: 0, y: 0, w: 1, h: 1}
      - {video_name: 17_video1, zorder: 1, x: 0.7, y: 0, w: 0.3, h: 0.3}

- name: Take over a stream started from another controller, with these settings
  rtcops.conference.avd_live:
    room_id: "50000000000"
    user_id: "16"
    push_url: "rtmp://live.example.com/app/{{ vault_stream_key }}"
    force: true

- name: Stop the mixed stream
  rtcops.conference.avd_live:
    room_id: "50000000000"
    mixed: true
    state: stopped
'''

RETURN = r'''
status:
  description:
    - V(started) a stream was started; V(restarted) the stream was stopped and started with other settings (or
      O(force)); V(running) the stream ran already and was left as it is; V(stopped) the stream was stopped;
      V(not_running) no stream ran, nothing to stop; V(unknown) check mode without a record, see the description.
    - C(changed) is V(true) for V(started), V(restarted) and V(stopped).
  returned: always
  type: str
  sample: running
verified:
  description:
    - Whether the server's answer to this run's calls established RV(status). V(false) in check mode, where only the
      local record speaks.
  returned: always
  type: bool
  sample: true
sent:
  description: The calls sent, in order. Empty in check mode.
  returned: always
  type: list
  elements: str
  sample: [/room/live/stop, /room/live/start]
differing:
  description: The settings the recorded stream was started with otherwise, which make the module restart it.
  returned: always
  type: list
  elements: str
  sample: [push_url_sha256]
stream:
  description:
    - The stream after the task as far as this machine knows it. C(settings) is null when the stream runs with
      settings nobody can read (started elsewhere) or does not run.
  returned: always
  type: dict
  contains:
    room_id:
      description: The room.
      type: str
      sample: "50000000000"
    mixed:
      description: Whether it is the mixed stream.
      type: bool
      sample: false
    state:
      description: V(running), V(stopped) or V(unknown).
      type: str
      sample: running
    settings:
      description:
        - The settings sent with the start, as recorded. C(push_url_sha256) is the SHA-256 of the push URL; the
          other keys (C(user_id), C(rtmp_url), C(hls_url), C(videos)) are present when they were set.
      type: dict
      sample: {user_id: "16", push_url_sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08}
'''

from ansible_collections.rtcops.conference.plugins.module_utils._avd_live import Live, validate
from ansible_collections.rtcops.conference.plugins.module_utils._avd_module import AvdModule
from ansible_collections.rtcops.conference.plugins.module_utils._ledger import Ledger


def recording_status(client):
    def read(record_id):
        body = client.call('/room/record/status', {'record_id': record_id})
        try:
            return int(body.get('record_status'))
        except (TypeError, ValueError):
            return None
    return read


def view(room_id, mixed, state, settings):
    return {'room_id': room_id, 'mixed': mixed, 'state': state, 'settings': settings}


def run(module):
    p = module.params
    problem = validate(p)
    if problem:
        module.fail_json(msg=problem)
    if p['push_url']:
        module.client.add_secret(p['push_url'])  # it travels in the query string, which an error may quote
    live = Live(module, Ledger(p['server_url'], p['cache_dir']), recording_status(module.client))
    room_id, mixed = p['room_id'], p['mixed']
    header = None
    if p['state'] == 'started':
        changed, status, before_state, recorded, after_settings, differing = live.started()
        after_state = 'unknown' if status == 'unknown' else 'running'
        if status == 'restarted':
            header = 'restarted: %s' % (', '.join(differing) + ' changed' if differing else 'force=true')
    else:
        changed, status, before_state, recorded = live.stopped()
        differing = []
        after_state = 'unknown' if status == 'unknown' else 'stopped'
        after_settings = None
    after = view(room_id, mixed, after_state, after_settings)
    diff = {'before': view(room_id, mixed, before_state, recorded), 'after': after}
    if header:
        diff['after_header'] = header
    for warning in live.warnings:
        module.warn(warning)
    module.exit_json(changed=changed, status=status, verified=live.verified, sent=live.sent, differing=differing,
                     stream=after, diff=diff)


def main():
    module = AvdModule(
        argument_spec=dict(
            room_id=dict(type='str', required=True),
            state=dict(type='str', default='started', choices=['started', 'stopped']),
            mixed=dict(type='bool', default=False),
            user_id=dict(type='str'),
            push_url=dict(type='str', no_log=True),
            rtmp_url=dict(type='str'),
            hls_url=dict(type='str'),
            videos=dict(type='list', elements='dict'),
            force=dict(type='bool', default=False),
        ),
        supports_check_mode=True,
    )
    module.run(lambda: run(module))


if __name__ == '__main__':
    main()
