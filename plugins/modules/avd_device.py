#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: avd_device
short_description: Call a SIP, RTSP, H.323, PSTN or RTMP device into an AVD room
version_added: 0.1.0
description:
  - Calls an external device into a room of an AVD conference server, sets its video, audio and focus, and hangs
    it up, through the C(/device/*) calls of the C(sdkapi/v2) API.
  - A device call is identified by the room (O(room_id)) and the dialled address (O(url)).
  - B(Calling.) With O(state=present) a device that is not in the room is called, and the task waits until it
    answers, at most O(wait_timeout) seconds. A device that rejects the call fails the task with the server's code
    and message (when the server refuses the call at once) or with the call's status (when the invitation fails
    later; the API gives no reason then). A device that does not answer in time fails the task; the call keeps
    ringing, and the next run waits for its answer instead of calling again.
  - B(What is verified.) The API cannot list the devices of a room nor read a device's video, audio or focus. It
    reads back only whether a call it is given the id of is in progress. This machine therefore records, per
    server, room and address, the ids of the call it made and the video, audio and focus it last set
    (O(cache_dir)), and reads the call's status before using the record. O(video), O(audio) and O(focus) are
    compared with that record; only differences are sent, and a value the record does not hold is sent.
  - B(A call this machine did not make.) Without a record, the device is called. When the server answers that the
    address is in the room already (code 40031), the task reports no change and warns that the call's video,
    audio and focus can neither be read nor set from this machine, and that O(state=absent) cannot hang it up
    (a fresh runner plans and applies the same, but only the machine that made the call can manage it).
  - B(changed) means a call was made or hung up, or a setting was sent.
  - The call options O(name), O(resolution_rate), O(frame_rate), O(video_rate), O(voice_multiple) and
    O(call_from) are sent only when the device is called; the API can neither read nor change them on a call in
    progress, so they are never compared.
author:
  - rtcops developers (@rtcops)
options:
  room_id:
    description:
      - Number of the room the device is called into.
    type: str
    required: true
  url:
    description:
      - Address dialled, with its kind, for example V(sip:1001@192.168.3.104) or V(rtsp://10.0.0.5/stream).
      - Sent as the C(url) parameter, as the parameter table documents (the example spells it C(uri)).
    type: str
    required: true
  name:
    description:
      - Name shown for the device in the room. Defaults to O(url).
    type: str
  resolution_rate:
    description:
      - Video resolution of the device.
    type: str
    choices: ['640', '1080', '1280']
  frame_rate:
    description:
      - Video frame rate of the device.
    type: int
  video_rate:
    description:
      - Video bitrate of the device, in Mbit/s; the server accepts 1 to 4.
    type: int
  voice_multiple:
    description:
      - Audio amplification factor.
    type: int
  call_from:
    description:
      - Caller identity presented to the device, in the form the device expects.
    type: str
  video:
    description:
      - Whether the device's video is open (published) in the room.
    type: str
    choices: [open, closed]
  audio:
    description:
      - Whether the device's audio is muted.
    type: str
    choices: [muted, unmuted]
  focus:
    description:
      - Whether the device's video is the focus of the room.
    type: bool
  state:
    description:
      - V(present) calls the device into the room if it is not in it, waits for it to answer and applies O(video),
        O(audio) and O(focus).
      - V(absent) hangs the call up (C(/device/kick)); no change when this machine knows no call of it in progress.
    type: str
    choices: [present, absent]
    default: present
  wait_timeout:
    description:
      - Seconds to wait for the device to answer the call.
    type: int
    default: 60
  poll_interval:
    description:
      - Seconds between two reads of the call's status while waiting.
    type: int
    default: 2
extends_documentation_fragment:
  - rtcops.conference.avd
  - ansible.builtin.action_common_attributes
  - rtcops.conference.attributes
attributes:
  check_mode:
    support: full
    details:
      - Reads the status of a recorded call and sends nothing else. A device this machine holds no record of is
        predicted to be called; the real run may find it in the room already (see the description).
  diff_mode:
    support: full
    details:
      - The diff shows whether the call is in progress and the video, audio and focus this machine set.
seealso:
  - module: rtcops.conference.avd_room
'''

EXAMPLES = r'''
- name: Call the boardroom's SIP endpoint into the weekly meeting, muted
  rtcops.conference.avd_device:
    room_id: "20250000001"
    url: sip:1001@192.168.3.104
    name: Boardroom
    resolution_rate: "1080"
    video_rate: 2
    audio: muted

- name: Make the boardroom the focus and let it speak
  rtcops.conference.avd_device:
    room_id: "20250000001"
    url: sip:1001@192.168.3.104
    audio: unmuted
    focus: true

- name: Hang up
  rtcops.conference.avd_device:
    room_id: "20250000001"
    url: sip:1001@192.168.3.104
    state: absent
'''

RETURN = r'''
device:
  description:
    - The device call after the task; empty when no call is in progress. In check mode, the predicted call.
  returned: always
  type: dict
  contains:
    room_id:
      description: Number of the room.
      type: str
      sample: "20250000001"
    url:
      description: Address dialled.
      type: str
      sample: sip:1001@192.168.3.104
    call_id:
      description: Id of the call, as C(/device/call) returned it; null when unknown (check mode, or a call this
        machine did not make).
      type: str
      sample: c33b0262-50de-4a8e-96d9-c5f42de4fbbd
    user_id:
      description: Participant id of the device in the room; null when unknown.
      type: str
      sample: d28cb167-9d4e-4733-9264-8a3717c72afd
    video:
      description: Video this machine last set (V(open) or V(closed)); null when it set none.
      type: str
      sample: open
    audio:
      description: Audio this machine last set (V(muted) or V(unmuted)); null when it set none.
      type: str
      sample: muted
    focus:
      description: Focus this machine last set; null when it set none.
      type: bool
      sample: false
verified:
  description:
    - Whether the call's state is known to this machine. False when the server said the address is in the room
      but this machine holds no record of the call.
  returned: always
  type: bool
  sample: true
'''

from ansible_collections.rtcops.conference.plugins.module_utils._avd_device import (
    AddressInRoom, DeviceCall, wait_for_answer,
)
from ansible_collections.rtcops.conference.plugins.module_utils._avd_module import AvdModule
from ansible_collections.rtcops.conference.plugins.module_utils._ensure import ensure
from ansible_collections.rtcops.conference.plugins.module_utils._ledger import Ledger
from ansible_collections.rtcops.conference.plugins.module_utils._waiting import Waiting

VIDEO_RATES = range(1, 5)


def validate(module):
    p = module.params
    if any(char.isspace() for char in p['url']):
        module.fail_json(msg='url must not hold whitespace, got %r' % p['url'])
    if p['video_rate'] is not None and p['video_rate'] not in VIDEO_RATES:
        module.fail_json(msg='video_rate must be 1 to 4 (Mbit/s), got %s' % p['video_rate'])
    for name in ('frame_rate', 'voice_multiple', 'wait_timeout', 'poll_interval'):
        if p[name] is not None and p[name] <= 0:
            module.fail_json(msg='%s must be a positive number, got %s' % (name, p[name]))
    if p['state'] == 'absent':
        given = [name for name in ('video', 'audio', 'focus') if p[name] is not None]
        if given:
            module.fail_json(msg='%s cannot be set with state=absent' % ', '.join(given))


def run(module):
    p = module.params
    ledger = Ledger(p['server_url'], p['cache_dir'])
    resource = DeviceCall(module.client, ledger, p['room_id'], p['url'], wait_for_answer(module, module.client, Waiting))
    try:
        changed, before, after, diff = ensure(resource, p, p['state'], module.check_mode)
    except AddressInRoom:
        module.warn('the server says %s is in room %s already (code 40031), by a call this machine holds no record '
                    'of: its video, audio and focus can neither be read nor set from here, and state=absent cannot '
                    'hang it up' % (p['url'], p['room_id']))
        device = {'room_id': p['room_id'], 'url': p['url'], 'call_id': None, 'user_id': None}
        module.exit_json(changed=False, device=device, verified=False, diff={'before': device, 'after': device})
    module.exit_json(changed=changed, device=after or {}, verified=True, diff=diff)


def main():
    module = AvdModule(
        argument_spec=dict(
            room_id=dict(type='str', required=True),
            url=dict(type='str', required=True),
            name=dict(type='str'),
            resolution_rate=dict(type='str', choices=['640', '1080', '1280']),
            frame_rate=dict(type='int'),
            video_rate=dict(type='int'),
            voice_multiple=dict(type='int'),
            call_from=dict(type='str'),
            video=dict(type='str', choices=['open', 'closed']),
            audio=dict(type='str', choices=['muted', 'unmuted']),
            focus=dict(type='bool'),
            state=dict(type='str', default='present', choices=['present', 'absent']),
            wait_timeout=dict(type='int', default=60),
            poll_interval=dict(type='int', default=2),
        ),
        supports_check_mode=True,
        not_blank=('room_id', 'url', 'name'),
    )
    validate(module)
    module.run(lambda: run(module))


if __name__ == '__main__':
    main()
