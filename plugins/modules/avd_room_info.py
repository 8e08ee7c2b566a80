#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: avd_room_info
short_description: Read a meeting room, or list the meetings in progress, on an AVD conference server
version_added: 0.1.0
description:
  - With O(room_id), returns the room's settings, whether a meeting is in progress in it and its participants.
  - Without O(room_id), returns every meeting in progress with its users. The API has no call that lists rooms in
    which no meeting is in progress.
author:
  - rtcops developers (@rtcops)
options:
  room_id:
    description:
      - Number of the room to read.
    type: str
extends_documentation_fragment:
  - rtcops.conference.avd
  - ansible.builtin.action_common_attributes
  - rtcops.conference.attributes.info_module
notes:
  - The settings O(rtcops.conference.avd_room#module:resolution) and
    O(rtcops.conference.avd_room#module:enable_transcode_video) cannot be read back from the server.
seealso:
  - module: rtcops.conference.avd_room
'''

EXAMPLES = r'''
- name: Who is in the all-hands room?
  rtcops.conference.avd_room_info:
    room_id: "20250000001"
  register: allhands

- name: Show the participants' names
  ansible.builtin.debug:
    msg: "{{ allhands.participants | map(attribute='user_name') | list }}"
  when: allhands.in_progress

- name: Every meeting in progress on the server
  rtcops.conference.avd_room_info:
  register: live

- name: Count them
  ansible.builtin.debug:
    msg: "{{ live.meetings | length }} meetings in progress"
'''

RETURN = r'''
exists:
  description: Whether the room exists.
  returned: when O(room_id) is given
  type: bool
  sample: true
room:
  description: Settings of the room as the server reads them back; empty when it does not exist.
  returned: when O(room_id) is given
  type: dict
  sample: {room_id: "20250000001", topic: Weekly all-hands, user_id: "16", enable_auto_cloud_recording: true,
           enable_voice_activated: false, enable_auto_avc: false}
in_progress:
  description: Whether a meeting is in progress in the room.
  returned: when O(room_id) is given
  type: bool
  sample: true
participants:
  description:
    - Participants of the meeting in progress, as the server describes them (keys such as C(user_id), C(user_name),
      C(type), C(status), C(videos), C(audios) may be present). Empty when no meeting is in progress.
  returned: when O(room_id) is given
  type: list
  elements: dict
  sample: [{user_id: "16", user_name: Alice, type: web, status: 1, videos: [], audios: []}]
meetings:
  description: Every meeting in progress, with C(room_id), C(create_time) (epoch seconds) and C(users).
  returned: when O(room_id) is not given
  type: list
  elements: dict
  sample: [{room_id: "20250000001", create_time: 1594623313, users: [{node_id: 10, user_name: Alice, user_id: "16"}]}]
'''

from ansible_collections.rtcops.conference.plugins.module_utils._avd_module import AvdModule
from ansible_collections.rtcops.conference.plugins.module_utils._avd_room import (
    meeting_of, meetings_in_progress, participants, read_room,
)


def run(module):
    client = module.client
    room_id = module.params['room_id']
    if room_id is None:
        module.exit_json(changed=False, meetings=meetings_in_progress(client))
    room = read_room(client, room_id)
    in_progress = room is not None and meeting_of(client, room_id) is not None
    module.exit_json(
        changed=False,
        exists=room is not None,
        room=room or {},
        in_progress=in_progress,
        participants=participants(client, room_id) if in_progress else [],
    )


def main():
    module = AvdModule(argument_spec=dict(room_id=dict(type='str')), supports_check_mode=True)
    module.run(lambda: run(module))


if __name__ == '__main__':
    main()
