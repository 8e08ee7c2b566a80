#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: topvdn_snapshot_upload
short_description: Upload the cover snapshot of a Topvdn device
version_added: 0.1.0
description:
  - Uploads an image as the cover of a device through the Topvdn (Lingyang cloud) API. Each upload replaces the
    previous one.
  - B(Not idempotent.) The API cannot read back the uploaded cover - reading a device's snapshot returns the image
    of its live stream or of its latest recording first, and the uploaded cover only when the device is offline and
    has none - so there is nothing to compare with. Every run uploads and reports a change.
  - The documents mark this call "under development"; a server that does not offer it yet answers with an HTTP
    error, which the task reports.
  - Only a connection that could not be opened is retried, with growing pauses for up to 30 seconds; an upload that
    reached the server is never sent a second time, whatever the answer.
author:
  - rtcops developers (@rtcops)
options:
  src:
    description:
      - Image file to upload, on the host the task runs on. The documents do not state the accepted formats.
    type: path
    required: true
extends_documentation_fragment:
  - rtcops.conference.topvdn
  - rtcops.conference.attributes
attributes:
  check_mode:
    support: full
    details: Nothing is sent; the task reports the change an upload would make (always one).
  diff_mode:
    support: none
seealso:
  - module: rtcops.conference.topvdn_snapshot
'''

EXAMPLES = r'''
- name: Show the company logo while the lobby camera is offline
  rtcops.conference.topvdn_snapshot_upload:
    client_id: 10000415
    client_token: "{{ vault_lobby_camera_token }}"
    src: files/lobby-offline.jpg
'''

RETURN = r'''
request_id:
  description: Id the server gave the upload; null in check mode.
  returned: always
  type: str
  sample: 2279fa57f4d644c1b333f5ff5ff7a2b7
'''

import os

from ansible_collections.rtcops.conference.plugins.module_utils._topvdn_module import TopvdnModule


def run(module):
    src = module.params['src']
    if not os.path.isfile(src):
        module.fail_json(msg='src must be an existing file, %s is not one' % src)
    if module.check_mode:
        module.exit_json(changed=True, request_id=None)
    request_id = module.client.upload_cover(module.params['client_id'], src, os.path.basename(src))
    module.exit_json(changed=True, request_id=request_id)


def main():
    module = TopvdnModule(argument_spec=dict(src=dict(type='path', required=True)), supports_check_mode=True)
    module.run(lambda: run(module))


if __name__ == '__main__':
    main()
