#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: avd_room
short_description: Manage meeting rooms of an AVD conference server
version_added: 0.1.0
description:
  - Create, update, close and delete meeting rooms through the AVD C(sdkapi/v2) API.
  - A room is identified by its O(room_id).
  - B(Three kinds of settings.) The API creates a room with more settings than it can update, and reads back
    fewer still. O(topic), O(user_id), O(enable_auto_cloud_recording) and O(enable_auto_avc) are read, compared
    and updated. O(enable_voice_activated) is read and compared but can only be set when the room is created;
    a difference fails the task, naming the setting, unless O(recreate=true). O(resolution) and
    O(enable_transcode_video) are write-only; they are sent when the room is created (or recreated) and
    cannot be read back, so they are never compared and never make the task report a change on an existing room.
  - Only the options you set are compared; settings you leave out keep whatever value the server has.
author:
  - rtcops developers (@rtcops)
options:
  room_id:
    description:
      - Number of the room; identifies it.
    type: str
    required: true
  topic:
    description:
      - Topic (title) of the room.
    type: str
  user_id:
    description:
      - User id of the room's owner. Required to create a room.
    type: str
  enable_auto_cloud_recording:
    description:
      - Record every meeting of the room automatically in the cloud.
    type: bool
  enable_voice_activated:
    description:
      - Voice-activated switching. Can only be set when the room is created; see O(recreate).
    type: bool
  enable_auto_avc:
    description:
      - Server-side video composition (AVC) mode.
    type: bool
  resolution:
    description:
      - Video resolution of the room, as the server expects it (the API documents no format).
      - Write-only, sent when the room is created; see the description.
    type: str
  enable_transcode_video:
    description:
      - Transcode the VP8 video of mini-program clients to H.264.
      - Write-only, sent when the room is created; see the description.
    type: bool
  recreate:
    description:
      - When a setting that can only be set at creation differs, delete the room and create it again with the
        requested settings instead of failing.
      - Any meeting in progress in the room ends.
    type: bool
    default: false
  state:
    description:
      - V(present) creates the room or updates its settings.
      - V(closed) does the same and also makes sure no meeting is in progress in the room, ending (closing) a
        meeting that is, which disconnects every participant, device and recording.
      - V(absent) deletes the room.
    type: str
    choices: [present, absent, closed]
    default: present
extends_documentation_fragment:
  - rtcops.conference.avd
  - ansible.builtin.action_common_attributes
  - rtcops.conference.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
    details:
      - The diff shows the readable settings and whether a meeting is in progress.
seealso:
  - module: rtcops.conference.avd_room_info
'''

EXAMPLES = r'''
- name: Weekly all-hands room, recorded automatically
  rtcops.conference.avd_room:
    room_id: "20250000001"
    topic: Weekly all-hands
    user_id: "16"
    enable_auto_cloud_recording: true

- name: Room created with voice activation and a fixed resolution
  rtcops.conference.avd_room:
    room_id: "20250000002"
    user_id: "16"
    enable_voice_activated: true
    resolution: "1280*720"

- name: Switch voice activation off, which needs the room to be recreated
  rtcops.conference.avd_room:
    room_id: "20250000002"
    enable_voice_activated: false
    recreate: true

- name: End whatever meeting is running in the room
  rtcops.conference.avd_room:
    room_id: "20250000001"
    state: closed

- name: Delete the room
  rtcops.conference.avd_room:
    room_id: "20250000002"
    state: absent
'''

RETURN = r'''
room:
  description:
    - The room after the task; empty when it is absent. In check mode, the predicted room.
    - Holds the settings the server reads back, plus the write-only settings only when this task created the room.
  returned: always
  type: dict
  contains:
    room_id:
      description: Number of the room.
      type: str
      sample: "20250000001"
    topic:
      description: Topic of the room.
      type: str
      sample: Weekly all-hands
    user_id:
      description: Owner of the room.
      type: str
      sample: "16"
    enable_auto_cloud_recording:
      description: Automatic cloud recording.
      type: bool
      sample: true
    enable_voice_activated:
      description: Voice-activated switching.
      type: bool
      sample: false
    enable_auto_avc:
      description: Video composition mode.
      type: bool
      sample: false
    in_progress:
      description: Whether a meeting is in progress in the room.
      type: bool
      sample: false
'''

from ansible_collections.rtcops.conference.plugins.module_utils._avd_client import AvdApiError
from ansible_collections.rtcops.conference.plugins.module_utils._avd_module import AvdModule
from ansible_collections.rtcops.conference.plugins.module_utils._avd_room import (
    LEDGER_KIND, ROOM_OPTIONS, Room, meeting_of, not_in_session,
)
from ansible_collections.rtcops.conference.plugins.module_utils._ensure import ensure
from ansible_collections.rtcops.conference.plugins.module_utils._ledger import Ledger


def close_meeting(client, room_id):
    try:
        client.call('/room/close', {'room_id': room_id}, write=True, idempotent=True)
    except AvdApiError as exc:
        if not not_in_session(exc):  # it ended on its own meanwhile
            raise


def run(module):
    params = module.params
    client = module.client
    room_id = params['room_id']
    state = params['state']
    resource = Room(client, room_id)
    had_meeting = meeting_of(client, room_id) is not None
    changed, before, after, diff = ensure(resource, params, 'absent' if state == 'absent' else 'present',
                                          module.check_mode, recreate=params['recreate'])
    # Deleting a room (also to recreate it) ends its meeting.
    meeting_after = had_meeting and state == 'present' and resource.action != 'recreate'
    if state == 'closed' and had_meeting:
        if not module.check_mode:
            close_meeting(client, room_id)
        changed = True
    if not module.check_mode:
        # What a purge or an export can know of rooms, which the API cannot list.
        Ledger(params['server_url'], params['cache_dir']).change(
            LEDGER_KIND, puts={room_id: {}} if after is not None else None, forgets=() if after is not None else (room_id,))
    if before is not None:
        before['in_progress'] = had_meeting
        diff['before'] = before
    if after is not None:
        after['in_progress'] = meeting_after
        diff['after'] = after
    module.exit_json(changed=changed, room=after or {}, diff=diff)


def main():
    module = AvdModule(
        argument_spec=dict(ROOM_OPTIONS, state=dict(type='str', default='present', choices=['present', 'absent', 'closed'])),
        supports_check_mode=True,
        not_blank=('room_id', 'user_id'),
    )
    module.run(lambda: run(module))


if __name__ == '__main__':
    main()
