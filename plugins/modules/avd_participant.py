#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: avd_participant
short_description: Remove a participant from a meeting in progress on an AVD conference server
version_added: 0.1.0
description:
  - Makes sure a user is not in the meeting in progress in a room, removing (kicking) the user when it is.
  - Users join meetings from their own clients, so the API has no call that puts a user into a meeting; the only
    state this module can manage is V(absent).
  - The module reads the room's participant list first. The task reports C(changed) only when the user is in that
    list and the server accepts the kick. A user who is not in the meeting, a room with no meeting in progress and a
    room that does not exist are all "not in it" and leave the task unchanged.
  - The kick is not read back. A client that rejoins at once (many reconnect on their own) is back in the list
    afterwards; the module does not wait for that.
author:
  - rtcops developers (@rtcops)
options:
  room_id:
    description:
      - Number of the room whose meeting the user is removed from.
    type: str
    required: true
  user_id:
    description:
      - Id of the user to remove, as the participant list shows it.
    type: str
    required: true
  state:
    description:
      - V(absent) removes the user from the meeting in progress.
    type: str
    choices: [absent]
    default: absent
extends_documentation_fragment:
  - rtcops.conference.avd
  - ansible.builtin.action_common_attributes
  - rtcops.conference.attributes
attributes:
  check_mode:
    support: full
    details:
      - Check mode reads the participant list and predicts the kick without sending it.
  diff_mode:
    support: full
    details:
      - The diff shows whether the user is in the meeting, and the participant as the server listed it.
notes:
  - Closing the whole meeting is done with O(rtcops.conference.avd_room#module:state=closed).
seealso:
  - module: rtcops.conference.avd_room_info
  - module: rtcops.conference.avd_room
'''

EXAMPLES = r'''
- name: Remove user 17 from the meeting in the all-hands room
  rtcops.conference.avd_participant:
    room_id: "20250000001"
    user_id: "17"
    state: absent

- name: Who is in the all-hands room?
  rtcops.conference.avd_room_info:
    room_id: "20250000001"
  register: allhands

- name: Remove every web participant
  rtcops.conference.avd_participant:
    room_id: "20250000001"
    user_id: "{{ item.user_id }}"
  loop: "{{ allhands.participants | selectattr('type', 'equalto', 'web') | list }}"
  loop_control:
    label: "{{ item.user_name }}"
'''

RETURN = r'''
in_meeting:
  description: Whether the user was in the meeting in progress when the task started.
  returned: always
  type: bool
  sample: true
participant:
  description:
    - The user as the participant list showed it before the kick (keys such as C(user_id), C(user_name), C(type),
      C(status), C(videos), C(audios) may be present); empty when the user was not in the meeting.
  returned: always
  type: dict
  sample: {user_id: "17", user_name: Bob, type: ios, status: 1, videos: [], audios: []}
'''

from ansible_collections.rtcops.conference.plugins.module_utils._avd_meeting import find_participant, kick
from ansible_collections.rtcops.conference.plugins.module_utils._avd_module import AvdModule
from ansible_collections.rtcops.conference.plugins.module_utils._avd_room import participants


def run(module):
    client = module.client
    room_id = module.params['room_id']
    user_id = module.params['user_id']
    person = find_participant(participants(client, room_id), user_id)
    changed = person is not None
    if changed and not module.check_mode:
        # The user may have left between the read and the kick: then nothing was changed by this task.
        changed = kick(client, room_id, user_id)
    shown = {'room_id': room_id, 'user_id': user_id}
    module.exit_json(
        changed=changed,
        in_meeting=person is not None,
        participant=person or {},
        diff=dict(before=dict(shown, in_meeting=person is not None), after=dict(shown, in_meeting=False)),
    )


def main():
    module = AvdModule(
        argument_spec=dict(
            room_id=dict(type='str', required=True),
            user_id=dict(type='str', required=True),
            state=dict(type='str', default='absent', choices=['absent']),
        ),
        supports_check_mode=True,
        not_blank=('room_id', 'user_id'),
    )
    module.run(lambda: run(module))


if __name__ == '__main__':
    main()
