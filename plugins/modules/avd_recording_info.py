#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: avd_recording_info
short_description: Read recordings, their files and their status on an AVD conference server
version_added: 0.1.0
description:
  - Reads what the AVD API tells about recordings, each through its own documented call, as the server answers it
    (the answers differ in shape from call to call; they are returned without the status keys).
  - O(gather) selects the calls; only those are made.
author:
  - rtcops developers (@rtcops)
options:
  room_id:
    description:
      - Room whose recordings are read. Needed by every O(gather) item except V(all).
    type: str
  record_id:
    description:
      - Recording to narrow V(mix), V(mp3), V(desktop) and V(range) to, and whose V(status) and V(transcode) are read.
    type: str
  record_type:
    description:
      - Files V(mix) lists inside each recording (C(transcode_files)) - V(0) audio and video, V(1) video, V(2) audio.
      - The server's default is V(0).
    type: int
    choices: [0, 1, 2]
  creator_id:
    description:
      - Narrows V(range) to the recordings of this creator (C(record_creator_id)).
    type: str
  value_same_as_box:
    description:
      - Asks V(range) for the answer format of a standalone server rather than the cluster's (C(value_same_as_box)).
      - The vendor does not describe the two formats; the answer is returned as the server gives it.
    type: bool
  gather:
    description:
      - V(mix) - the room's mixed and real-time recordings and their files (C(/room/mix_record/get)).
      - V(mp3) - the room's MP3 recordings (C(/room/record/get)).
      - V(desktop) - the room's desktop recording named O(desktop_name) (C(/room/desktop_record/get)).
      - V(range) - the room's recordings between O(start_time) and O(end_time) (C(/room/get_record)).
      - V(all) - every recording on the server, unpaged (C(/room/get_record_list)); may be large.
      - V(status) - the status of O(record_id) (C(/room/record/status)).
      - V(transcode) - the transcoding status of O(record_id) (C(/transcode/query)).
      - Defaults to V(status) and V(transcode) when O(record_id) is given, else to V(mix) and V(mp3).
    type: list
    elements: str
    choices: [mix, mp3, desktop, range, all, status, transcode]
  desktop_name:
    description:
      - Name the desktop recording was started with; needed by V(desktop).
    type: str
  start_time:
    description:
      - Start of the time range of V(range), in Unix seconds.
    type: int
  end_time:
    description:
      - End of the time range of V(range), in Unix seconds.
    type: int
extends_documentation_fragment:
  - rtcops.conference.avd
  - ansible.builtin.action_common_attributes
  - rtcops.conference.attributes.info_module
seealso:
  - module: rtcops.conference.avd_recording
'''

EXAMPLES = r'''
- name: The files of the all-hands recordings
  rtcops.conference.avd_recording_info:
    room_id: "20250000001"
  register: recordings

- name: Is that recording finished, and its transcoding?
  rtcops.conference.avd_recording_info:
    room_id: "20250000001"
    record_id: "{{ rec.record.record_id }}"
  register: progress

- name: Last week's recordings of the room
  rtcops.conference.avd_recording_info:
    room_id: "20250000001"
    gather: [range]
    start_time: "{{ now(utc=true).timestamp() | int - 7 * 86400 }}"
    end_time: "{{ now(utc=true).timestamp() | int }}"
  register: last_week
'''

RETURN = r'''
mix:
  description: The C(data) list of C(/room/mix_record/get); file URLs are C(download_url) or C(down_url).
  returned: when V(mix) is gathered
  type: list
  elements: dict
  sample: [{record_id: 442bf6e51239417dbfcd15e8d2f988e9, name: 20211201mix_record, file_type: mp4, transcode_files: []}]
mp3:
  description: The C(data) list of C(/room/record/get).
  returned: when V(mp3) is gathered
  type: list
  elements: dict
  sample: [{download_url: "https://avd.example.com:9610/attachment?file=/home/data/recorder/files/a.mp3", file_type: mp3}]
desktop:
  description: The C(data) list of C(/room/desktop_record/get).
  returned: when V(desktop) is gathered
  type: list
  elements: dict
  sample: []
range:
  description: The C(record_files) list of C(/room/get_record).
  returned: when V(range) is gathered
  type: list
  elements: dict
  sample: [{room_id: "20250000001", down_url: "https://avd.example.com:9610/attachment?file=/home/data/recorder/files/a.mp4"}]
all:
  description: The C(data) list of C(/room/get_record_list).
  returned: when V(all) is gathered
  type: list
  elements: dict
  sample: []
status:
  description: Status of O(record_id).
  returned: when V(status) is gathered
  type: dict
  contains:
    code:
      description: C(record_status) as the server answers it.
      type: int
      sample: 2
    name:
      description: V(started), V(recording), V(stopped), V(stopped abnormally) or V(stopping).
      type: str
      sample: stopped
transcode:
  description: Transcoding status of O(record_id).
  returned: when V(transcode) is gathered
  type: dict
  contains:
    code:
      description: C(status) as the server answers it.
      type: int
      sample: 2
    name:
      description: V(not converted), V(converting), V(converted) or V(failed).
      type: str
      sample: converted
'''

from ansible_collections.rtcops.conference.plugins.module_utils._avd_client import api_payload
from ansible_collections.rtcops.conference.plugins.module_utils._avd_module import AvdModule

RECORD_STATUS = {0: 'started', 1: 'recording', 2: 'stopped', 3: 'stopped abnormally', 4: 'stopping'}
TRANSCODE_STATUS = {0: 'not converted', 1: 'converting', 2: 'converted', 3: 'failed'}
NEEDS = {
    'mix': ('room_id',), 'mp3': ('room_id',), 'desktop': ('room_id', 'desktop_name'), 'range': ('room_id', 'start_time', 'end_time'),
    'all': (), 'status': ('record_id',), 'transcode': ('room_id', 'record_id'),
}


def as_list(value):
    """Q-AVD-06: a list may come as a single object, or be missing."""
    if value is None or value == {}:
        return []
    return value if isinstance(value, list) else [value]


def coded(value, names):
    try:
        code = int(value)
    except (TypeError, ValueError):
        return {'code': value, 'name': None}
    return {'code': code, 'name': names.get(code)}


def only(params, *names):
    return dict((name, params[name]) for name in names if params.get(name) is not None)


def run(module):
    p = module.params
    client = module.client
    gather = p['gather'] or (['status', 'transcode'] if p['record_id'] else ['mix', 'mp3'])
    for item in gather:
        missing = [name for name in NEEDS[item] if p.get(name) is None]
        if missing:
            module.fail_json(msg='gather=%s needs %s' % (item, ' and '.join(missing)))
    result = {}
    if 'mix' in gather:
        result['mix'] = as_list(api_payload(client.call('/room/mix_record/get', only(p, 'room_id', 'record_id', 'record_type'))))
    if 'mp3' in gather:
        result['mp3'] = as_list(api_payload(client.call('/room/record/get', only(p, 'room_id', 'record_id'))))
    if 'desktop' in gather:
        body = client.call('/room/desktop_record/get', dict(only(p, 'room_id', 'record_id'), name=p['desktop_name']))
        result['desktop'] = as_list(api_payload(body))
    if 'range' in gather:
        params = dict(only(p, 'room_id', 'record_id', 'value_same_as_box'), record_start_time=p['start_time'],
                      record_end_time=p['end_time'])
        if p['creator_id'] is not None:
            params['record_creator_id'] = p['creator_id']
        body = client.call('/room/get_record', params)
        result['range'] = as_list(body.get('record_files'))
    if 'all' in gather:
        result['all'] = as_list(api_payload(client.call('/room/get_record_list')))
    if 'status' in gather:
        result['status'] = coded(client.call('/room/record/status', {'record_id': p['record_id']}).get('record_status'), RECORD_STATUS)
    if 'transcode' in gather:
        body = client.call('/transcode/query', {'room_id': p['room_id'], 'record_id': p['record_id']})
        result['transcode'] = coded(body.get('status'), TRANSCODE_STATUS)
    module.exit_json(changed=False, **result)


def main():
    module = AvdModule(
        argument_spec=dict(
            room_id=dict(type='str'),
            record_id=dict(type='str'),
            gather=dict(type='list', elements='str', choices=['mix', 'mp3', 'desktop', 'range', 'all', 'status', 'transcode']),
            desktop_name=dict(type='str'),
            start_time=dict(type='int'),
            end_time=dict(type='int'),
            record_type=dict(type='int', choices=[0, 1, 2]),
            creator_id=dict(type='str'),
            value_same_as_box=dict(type='bool'),
        ),
        supports_check_mode=True,
        not_blank=('room_id', 'record_id', 'desktop_name', 'creator_id'),
    )
    if module.params['start_time'] is not None and module.params['end_time'] is not None \
            and module.params['start_time'] > module.params['end_time']:
        module.fail_json(msg='start_time must not be after end_time')
    module.run(lambda: run(module))


if __name__ == '__main__':
    main()
