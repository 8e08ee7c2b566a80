#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: avd_avc
short_description: Start, stop and lay out the server-side video composition (AVC) of an AVD room
version_added: 0.1.0
description:
  - Composition ("AVC", 合屏) makes the AVD server mix the pictures of a room's users into one video stream.
    This module starts and stops it through C(/room/avc/start) and C(/room/avc/stop), and lays it out with
    C(/room/avc/update_layout), C(/room/avc/select_media) and C(/room/avc/set_focus_video), in the order the
    API documents (start, layout, selected videos, focus).
  - B(What is read back and compared.) C(/room/avc/get_avc_setting) is the only read; its answer is not
    documented and is cut off in the vendor's document. Whether a composition runs is read from it (the server
    answers code 40051 when none runs). O(video_name), O(video_resolution) and O(video_framerate) are compared
    with its keys C(exporter_name), C(view_width)/C(view_height) and C(view_fps), a correspondence inferred from
    the key names; a difference is changed with C(/room/avc/update_layout).
  - B(What is sent but never compared.) O(enable_manual_avc), O(max_video_number), O(layout_mode),
    O(video_bitrate), O(main_video_resource_id), O(videos), O(select_layout_mode) and O(focus_video) do not appear
    in that answer. They are sent when this task starts the composition (and O(layout_mode), O(video_bitrate) and
    O(main_video_resource_id) whenever the layout is updated). On a composition that already runs they change
    nothing and do not make the task report a change, unless O(reapply=true).
  - B(What C(changed) means.) The composition was started or stopped, a compared setting differed and was
    updated, or O(reapply=true) sent the settings that cannot be compared. The result's RV(calls) lists every write
    sent (in check mode, every write that would be sent).
  - The room must exist; manage it with M(rtcops.conference.avd_room).
author:
  - rtcops developers (@rtcops)
options:
  room_id:
    description:
      - Number of the room.
    type: str
    required: true
  state:
    description:
      - V(started) starts the composition when none runs, then lays it out as the options say.
      - V(stopped) stops the composition when one runs. No other option but O(room_id) may be set with it.
    type: str
    choices: [started, stopped]
    default: started
  enable_manual_avc:
    description:
      - Manual composition (V(true)) or automatic composition (V(false), what the server does when it is left out).
      - Sent only when the composition is started; never compared.
    type: bool
  max_video_number:
    description:
      - Largest number of videos composed into the stream. Required to start the composition.
      - Sent only when the composition is started; never compared.
    type: int
  layout_mode:
    description:
      - Layout of C(/room/avc/start) and C(/room/avc/update_layout). V(0) fixed layout of the videos in O(videos),
        V(1) automatic gallery layout, V(2) automatic speaker layout (with O(main_video_resource_id) as the
        speaker). Required to start the composition; V(0) needs O(videos).
      - Not the same values as O(select_layout_mode). Never compared; see the description.
    type: int
    choices: [0, 1, 2]
  video_name:
    description:
      - Name of the composed stream. Compared with C(exporter_name).
    type: str
  video_framerate:
    description:
      - Frame rate of the composed stream. Compared with C(view_fps).
    type: int
  video_bitrate:
    description:
      - Bitrate of the composed stream in bits per second. The server reads it back only as a boolean, so it is
        never compared.
    type: int
  video_resolution:
    description:
      - Size of the composed stream as C(width*height), for example V(1280*720) (spaces around C(*) allowed).
        Compared with C(view_width) and C(view_height).
    type: str
  main_video_resource_id:
    description:
      - Resource id of the main (large) video, sent with C(/room/avc/update_layout). Required to change
        O(video_name), O(video_resolution) or O(video_framerate) of a running composition, which only that call can do.
      - Never compared.
    type: str
  videos:
    description:
      - The videos to compose and where, sent with C(/room/avc/select_media). Never compared.
      - Positions and sizes are fractions of the composed picture.
    type: list
    elements: dict
    suboptions:
      video_name:
        description:
          - Name of a video of the meeting, for example V(16_video1).
        type: str
        required: true
      zorder:
        description:
          - Stacking order; higher is in front.
        type: int
        required: true
      x:
        description:
          - Left edge, between 0 and 1.
        type: float
        required: true
      y:
        description:
          - Top edge, between 0 and 1.
        type: float
        required: true
      w:
        description:
          - Width, between 0 and 1.
        type: float
        required: true
      h:
        description:
          - Height, between 0 and 1.
        type: float
        required: true
  select_layout_mode:
    description:
      - The C(layout_mode) of C(/room/avc/select_media). V(0) manual layout (needed for a speaker layout of your
        own), V(1) automatic layout. Sent with O(videos); never compared.
    type: int
    choices: [0, 1]
  focus_video:
    description:
      - Resource id of the video to make the focus, sent with C(/room/avc/set_focus_video). The API cannot unset
        the focus. Never compared.
    type: str
  reapply:
    description:
      - Send O(main_video_resource_id) (with the layout options), O(videos) and O(focus_video) to a composition
        that already runs, although they cannot be compared. The task then reports a change.
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
      - Reads the composition and reports the writes it would send in RV(calls); sends none.
  diff_mode:
    support: full
    details:
      - The diff shows whether the composition runs, the compared settings, and the settings sent.
seealso:
  - module: rtcops.conference.avd_room
'''

EXAMPLES = r'''
- name: Gallery composition of up to nine videos in 1280*720
  rtcops.conference.avd_avc:
    room_id: "50000000000"
    max_video_number: 9
    layout_mode: 1
    video_name: all-hands
    video_resolution: "1280*720"

- name: Speaker layout - the speaker large, two others on the right, as the API documents the steps
  rtcops.conference.avd_avc:
    room_id: "50000000000"
    max_video_number: 3
    layout_mode: 2
    main_video_resource_id: "16_3e7c6b5d6d35beb662eefd2c688fca2d"
    select_layout_mode: 0
    videos:
      - {video_name: 16_video1, zorder: 0, x: 0, y: 0, w: 1, h: 1}
      - {video_name: 6_video1, zorder: 1, x: 0.7, y: 0, w: 0.3, h: 0.3}
      - {video_name: 7_video1, zorder: 2, x: 0.7, y: 0.3, w: 0.3, h: 0.3}

- name: Put another video in focus in the running composition
  rtcops.conference.avd_avc:
    room_id: "50000000000"
    focus_video: "e94ad1e6783f41d29d57667bca76aa8e_f25c813beff5ed1b607c0fbff7b52120"
    reapply: true

- name: Stop the composition
  rtcops.conference.avd_avc:
    room_id: "50000000000"
    state: stopped
'''

RETURN = r'''
avc:
  description:
    - The composition after the task (in check mode, the predicted one).
    - The compared settings as read back, plus the settings this task sent, which cannot be read back.
  returned: always
  type: dict
  contains:
    room_id:
      description: Number of the room.
      type: str
      sample: "50000000000"
    running:
      description: Whether the composition runs.
      type: bool
      sample: true
    video_name:
      description: Name of the composed stream (C(exporter_name)).
      type: str
      returned: when the server reports it
      sample: all-hands
    video_resolution:
      description: Size of the composed stream (C(view_width) and C(view_height)).
      type: str
      returned: when the server reports it
      sample: "1280*720"
    video_framerate:
      description: Frame rate of the composed stream (C(view_fps)).
      type: int
      returned: when the server reports it
      sample: 25
setting:
  description:
    - The answer of C(/room/avc/get_avc_setting) as the server gave it, which the vendor does not document
      (known keys include C(view_width), C(view_height), C(view_fps), C(view_bitrate), C(layoutMode),
      C(exporter_name), C(view_stream_id), C(videos)). After a write, read again; in check mode, the one read
      before. Empty when no composition runs.
  returned: always
  type: dict
  sample: {"view_width": 1280, "view_height": 720, "view_fps": 25, "layoutMode": "Outgoing_View_Layout_Auto_Orato"}
calls:
  description: The writes sent, in order; in check mode, the writes that would be sent.
  returned: always
  type: list
  elements: str
  sample: ["/room/avc/start", "/room/avc/select_media"]
'''

from ansible_collections.rtcops.conference.plugins.module_utils._avd_avc import AVC_OPTIONS, Composition, check_params
from ansible_collections.rtcops.conference.plugins.module_utils._avd_module import AvdModule
from ansible_collections.rtcops.conference.plugins.module_utils._ensure import ensure, wanted


def shown(state, room_id):
    """A composition as results and diffs show it: without the raw answer, with whether it runs."""
    if state is None:
        return {'room_id': room_id, 'running': False}
    return dict(((key, value) for key, value in state.items() if key != 'setting'), running=True)


def run(module):
    params = module.params
    room_id = params['room_id']
    resource = Composition(module.client, room_id, params['state'])
    changed, before, after, diff = ensure(resource, params, 'present' if params['state'] == 'started' else 'absent',
                                          module.check_mode)
    if module.check_mode and resource.action == 'delete':
        resource.calls.append('/room/avc/stop')  # the engine predicts a deletion without asking the resource
    if params['reapply'] and resource.action is None and after is not None:
        # What cannot be compared is sent because the user asked; the layout first, as the API documents.
        want = wanted(resource.fields, params)
        if 'main_video_resource_id' in want:
            resource.layout_call(want, module.check_mode)
        resource.media_calls(want, module.check_mode)
        if resource.calls:
            changed = True
            if not module.check_mode:
                after = resource.find() or after
            after.update((name, value) for name, value in want.items() if not resource.fields[name].readable)
    setting = (after or {}).get('setting') or {}
    module.exit_json(changed=changed, avc=shown(after, room_id), setting=setting, calls=resource.calls,
                     diff={'before': shown(before, room_id), 'after': shown(after, room_id)})


def main():
    module = AvdModule(argument_spec=AVC_OPTIONS, supports_check_mode=True)
    problem = check_params(module.params)
    if problem:
        module.fail_json(msg=problem)
    module.run(lambda: run(module))


if __name__ == '__main__':
    main()
