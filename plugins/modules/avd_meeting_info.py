#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: avd_meeting_info
short_description: Meeting statistics and chat logs of a room on an AVD conference server
version_added: 0.1.0
description:
  - Reads what happened in the meetings of a room over a period of time, through the AVD C(sdkapi/v2) API.
  - With O(statistics=true), the number of meetings held, their participants per client platform and their total
    duration, for the period from O(start_time) to O(end_time).
  - With O(chat_log=true), the chat messages sent in the room's meetings, optionally only those of one sender
    (O(chat_from)) and only those sent in the period.
  - The answers are returned twice, normalised (one set of snake_case names, numbers as integers) and as the server
    gave them (RV(statistics_raw), RV(chat_log_raw)), since the documents name some fields inconsistently.
  - For the participants of the meeting in progress, see M(rtcops.conference.avd_room_info).
author:
  - rtcops developers (@rtcops)
options:
  room_id:
    description:
      - Number of the room.
    type: str
    required: true
  start_time:
    description:
      - Start of the period, in Unix epoch seconds (the unit of every example in the API documents).
      - Required with O(statistics=true); for the chat log, messages sent before it are left out.
    type: int
  end_time:
    description:
      - End of the period, in Unix epoch seconds; not before O(start_time).
      - Required with O(statistics=true); for the chat log, messages sent after it are left out.
    type: int
  statistics:
    description:
      - Read the meeting statistics of the period.
    type: bool
    default: true
  chat_log:
    description:
      - Read the chat messages.
    type: bool
    default: false
  chat_from:
    description:
      - Only the chat messages sent by this user id.
    type: str
extends_documentation_fragment:
  - rtcops.conference.avd
  - ansible.builtin.action_common_attributes
  - rtcops.conference.attributes.info_module
notes:
  - The API documents neither the unit of the total duration (RV(statistics.time_total)) nor which meetings the
    period selects (those that started in it, or those that overlap it); the values are returned as the server
    computes them.
  - A room that does not exist is reported with RV(exists=false) and no statistics or messages, without asking for
    them (the server answers that case with the code it also uses for an invalid token).
seealso:
  - module: rtcops.conference.avd_room_info
'''

EXAMPLES = r'''
- name: Statistics of the all-hands room in November 2026 (UTC)
  rtcops.conference.avd_meeting_info:
    room_id: "20250000001"
    start_time: 1793491200
    end_time: 1796083199
  register: november

- name: Show them
  ansible.builtin.debug:
    msg: >-
      {{ november.statistics.meeting_total }} meetings, {{ november.statistics.user_cnt }} participants,
      {{ november.statistics.web_cnt }} of them on the web

- name: Everything user 16 wrote in the room during the last day
  rtcops.conference.avd_meeting_info:
    room_id: "20250000001"
    statistics: false
    chat_log: true
    chat_from: "16"
    start_time: "{{ ansible_date_time.epoch | int - 86400 }}"
    end_time: "{{ ansible_date_time.epoch | int }}"
  register: chat

- name: The messages, oldest first
  ansible.builtin.debug:
    msg: "{{ chat.chat_messages | map(attribute='message') | list }}"
'''

RETURN = r'''
exists:
  description: Whether the room exists. When it does not, nothing else is read.
  returned: always
  type: bool
  sample: true
statistics:
  description:
    - Meeting statistics of the period, under one set of names (the server's C(andronid_cnt) spelling is read as
      C(android_cnt)). A counter the server did not return is absent.
  returned: when O(statistics=true) and the room exists
  type: dict
  contains:
    meeting_total:
      description: Number of meetings held in the room.
      type: int
      sample: 3
    user_cnt:
      description: Number of participants, all platforms together.
      type: int
      sample: 12
    time_total:
      description: Total duration of the meetings, in the server's unit (undocumented).
      type: int
      sample: 5400
    web_cnt:
      description: Participants using a web browser.
      type: int
      sample: 5
    pc_cnt:
      description: Participants using the PC client.
      type: int
      sample: 2
    ios_cnt:
      description: Participants using iOS.
      type: int
      sample: 2
    android_cnt:
      description: Participants using Android.
      type: int
      sample: 2
    box_cnt:
      description: Participants on Android boxes.
      type: int
      sample: 0
    other_cnt:
      description: Participants on client types the server does not know.
      type: int
      sample: 1
statistics_raw:
  description: The server's answer to C(/room/get_statistic), unchanged.
  returned: when O(statistics=true) and the room exists
  type: dict
  sample: {meeting_total: 3, ios_cnt: 2, pc_cnt: 2, user_cnt: 12, other_cnt: 1, android_cnt: 2, time_total: 5400,
           box_cnt: 0, web_cnt: 5}
chat_messages:
  description:
    - Every chat message found, oldest first, with snake_case names. Keys the server did not return are absent.
  returned: when O(chat_log=true) and the room exists
  type: list
  elements: dict
  contains:
    session_id:
      description: The meeting the message was sent in, identified by its start time (epoch seconds).
      type: int
      sample: 1600391149
    id:
      description: Number of the message on the server.
      type: int
      sample: 126
    from_id:
      description: User id of the sender (the server's C(fromId)).
      type: str
      sample: "9"
    from_name:
      description: Name of the sender (the server's C(fromName)).
      type: str
      sample: Chengdu
    message:
      description: Text of the message.
      type: str
      sample: "123456"
    timestamp:
      description: When the message was sent, in epoch seconds.
      type: int
      sample: 1600391155
    room_id:
      description: Number of the room.
      type: str
      sample: "70000000000"
    session_type:
      description: C(0) for a message to everyone in the meeting, C(1) for a private one.
      type: int
      sample: 0
    private:
      description: Whether the message was private (RV(chat_messages[].session_type) is C(1)).
      type: bool
      sample: false
    message_type:
      description: C(0) for text.
      type: int
      sample: 0
    dst:
      description: The room number for a message to everyone; the recipient's user id for a private one.
      type: str
      sample: "70000000000"
    dst_name:
      description: Empty for a message to everyone; the recipient's name for a private one.
      type: str
      sample: ""
    status:
      description: Status of the message, as the server gives it (undocumented).
      type: int
      sample: 0
chat_log_raw:
  description: The sessions of the server's answer to C(/room/get_chat_message_log), unchanged.
  returned: when O(chat_log=true) and the room exists
  type: list
  elements: dict
  sample: [{session_id: "1600391149", messages: [{fromId: "9", id: 126, status: 0, message: "123456",
            timestamp: 1600391155, room_id: "70000000000", session_type: 0, message_type: 0, fromName: Chengdu,
            dst_name: "", dst: "70000000000"}]}]
'''

from ansible_collections.rtcops.conference.plugins.module_utils._avd_meeting import read_chat, read_statistics
from ansible_collections.rtcops.conference.plugins.module_utils._avd_module import AvdModule
from ansible_collections.rtcops.conference.plugins.module_utils._avd_room import read_room


def validate(module):
    """Every option checked before the first request."""
    params = module.params
    for name in ('start_time', 'end_time'):
        if params[name] is not None and params[name] < 0:
            module.fail_json(msg='%s must be epoch seconds (0 or more), got %s' % (name, params[name]))
    if params['start_time'] is not None and params['end_time'] is not None and params['end_time'] < params['start_time']:
        module.fail_json(msg='end_time (%s) must not be before start_time (%s)' % (params['end_time'], params['start_time']))
    if not (params['statistics'] or params['chat_log']):
        module.fail_json(msg='statistics and chat_log are both false: there is nothing to read')
    if params['chat_from'] is not None and not params['chat_log']:
        module.fail_json(msg='chat_from filters the chat log: it needs chat_log=true')


def run(module):
    params = module.params
    client = module.client
    room_id = params['room_id']
    if read_room(client, room_id) is None:
        module.exit_json(changed=False, exists=False)
    result = dict(changed=False, exists=True)
    if params['statistics']:
        result['statistics'], result['statistics_raw'] = read_statistics(client, room_id, params['start_time'],
                                                                         params['end_time'])
    if params['chat_log']:
        result['chat_messages'], result['chat_log_raw'] = read_chat(client, room_id, params['chat_from'],
                                                                    params['start_time'], params['end_time'])
    module.exit_json(**result)


def main():
    module = AvdModule(
        argument_spec=dict(
            room_id=dict(type='str', required=True),
            start_time=dict(type='int'),
            end_time=dict(type='int'),
            statistics=dict(type='bool', default=True),
            chat_log=dict(type='bool', default=False),
            chat_from=dict(type='str'),
        ),
        required_if=[('statistics', True, ('start_time', 'end_time'))],
        supports_check_mode=True,
        not_blank=('room_id', 'chat_from'),
    )
    validate(module)
    module.run(lambda: run(module))


if __name__ == '__main__':
    main()
