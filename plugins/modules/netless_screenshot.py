#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: netless_screenshot
short_description: Take screenshots of a Netless whiteboard room and download them to the controller
version_added: 0.1.0
description:
  - Asks the Netless (Agora interactive whiteboard) service for PNG screenshots of one scene or of every scene of
    a scene directory, then downloads them into O(dest) on the controller.
  - The service stores the screenshots in the third-party cloud storage configured for the team (Alibaba OSS,
    Qiniu or AWS, set up in the Agora console); the files are downloaded from the URLs it returns, without the
    API token.
  - Files are streamed to disk and checked (see the notes); a file lands in O(dest) complete or not at all. A
    screenshot identical to the file already in O(dest) leaves it alone, and the task then reports no change.
  - A screenshot URL the service lists with C(http://) is refused while O(api_url) is https, unless
    O(allow_http_download=true).
  - Connection failures, lost answers and HTTP 500, 502, 503 and 504 answers of the screenshot request and of the
    downloads are retried with growing pauses for up to 30 seconds each; a screenshot taken twice only stores the
    same picture again.
  - This is an action plugin with a module of the same name. On the controller the module writes into O(dest)
    itself; on another host it downloads into a temporary directory there and the action fetches the files.
author:
  - rtcops developers (@rtcops)
options:
  room_uuid:
    description:
      - UUID of the whiteboard room.
    type: str
    required: true
  scenes:
    description:
      - V(single) captures one scene (O(path), by default the C(/init) scene).
      - V(all) captures every scene of the scene directory O(path), by default the directory the room is showing.
    type: str
    choices: [single, all]
    default: single
  path:
    description:
      - Scene (with O(scenes=single)) or scene directory (with O(scenes=all)); starts with C(/).
    type: str
  width:
    description:
      - Width of the screenshots in pixels.
    type: int
    required: true
  height:
    description:
      - Height of the screenshots in pixels.
    type: int
    required: true
  dest:
    description:
      - Directory on the controller that receives the screenshots. Created if missing.
      - Each file is named after the last part of its storage key (for example C(cover.png)); when two keys end
        the same, the whole key is used, with C(/) replaced by C(_).
      - The service names the screenshot of a request without O(path) C(<room_uuid>undefined.png); that file is
        saved as C(<room_uuid>.png).
    type: path
    required: true
extends_documentation_fragment:
  - rtcops.conference.netless
  - rtcops.conference.download
  - rtcops.conference.download.file_mode
  - ansible.builtin.action_common_attributes
  - rtcops.conference.attributes
  - ansible.builtin.action_common_attributes.flow
  - rtcops.conference.attributes.DOWNLOAD
attributes:
  check_mode:
    support: full
    details:
      - Taking a screenshot writes to the team's storage, so check mode sends nothing and reports the change a
        run would make, always one, since the screenshots cannot be known beforehand.
  diff_mode:
    support: full
    details: Shows the SHA-256 of each file in O(dest) before and after.
'''

EXAMPLES = r'''
- name: Archive every page of the lesson's slides
  rtcops.conference.netless_screenshot:
    room_uuid: faed3130727911ebaea37759ee91947c
    token: "{{ vault_netless_sdk_token }}"
    scenes: all
    path: /lesson-12
    width: 1280
    height: 720
    dest: archive/lesson-12/
  register: pages

- name: The cover page only, from the US data centre, token in NETLESS_TOKEN
  rtcops.conference.netless_screenshot:
    room_uuid: faed3130727911ebaea37759ee91947c
    region: us-sv
    width: 640
    height: 480
    dest: archive/covers/
'''

RETURN = r'''
files:
  description: The screenshots, in the order the service returned them; empty in check mode.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description:
        - File name in RV(dest), the last part of the storage key.
        - C(<room_uuid>.png) for a key the service ended with C(<room_uuid>undefined.png) (a request without O(path)).
      type: str
      sample: cover.png
    path:
      description: Path of the file on the controller.
      type: str
      sample: /srv/archive/lesson-12/cover.png
    sha256:
      description: SHA-256 of the screenshot.
      type: str
      sample: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
    size:
      description: Size in bytes.
      type: int
      sample: 20931
    url:
      description: URL of the screenshot in the team's storage.
      type: str
      sample: https://docs-test.oss-cn-hangzhou.aliyuncs.com/room_cover/2811/faed31/lesson-12/cover.png
    key:
      description: Object key of the screenshot in the storage.
      type: str
      sample: room_cover/2811/faed31/lesson-12/cover.png
    bucket:
      description: Storage bucket.
      type: str
      sample: docs-test
    storage_region:
      description: Region of the storage (the answer's C(region)), not the data centre of O(region).
      type: str
      sample: oss-cn-hangzhou
    changed:
      description: Whether this file in RV(dest) was written.
      type: bool
      sample: true
dest:
  description: The directory on the controller, as an absolute path.
  returned: success
  type: str
  sample: /srv/archive/lesson-12
'''

import os
import re


from ansible_collections.rtcops.conference.plugins.module_utils._download import (
    DOWNLOAD_SPEC, FILE_MODE_SPEC, Checksums, DownloadError, DownloadModule, Downloads, FileAttributes,
)
from ansible_collections.rtcops.conference.plugins.module_utils._http import check_connection
from ansible_collections.rtcops.conference.plugins.module_utils._netless_client import (
    CONNECTION_SPEC, DOWNLOAD_CALL, NetlessClient, NetlessError,
)


# Q-NL-08: the service appends the scene's name to the room's UUID, and the word "undefined" when the request named no
# scene (the documented example key ends "a7e...ca69undefined.png"); that word names nothing.
UNNAMED_SCENE = re.compile(r'^([0-9A-Fa-f-]{16,})undefined(\.[A-Za-z0-9]+)$')


def file_name(shot):
    name = os.path.basename(shot.get('key') or shot['url'].split('?')[0]) or 'screenshot.png'
    unnamed = UNNAMED_SCENE.match(name)
    return unnamed.group(1) + unnamed.group(2) if unnamed else name


def file_names(shots):
    names = [file_name(shot) for shot in shots]
    if len(set(names)) < len(names):
        names = [(shot.get('key') or shot['url'].split('?')[0]).strip('/').replace('/', '_') for shot in shots]
    return names


def run(module, client):
    p = module.params
    if module.check_mode:
        module.exit_json(changed=True, files=[], dest=p['dest'], msg='screenshots would be taken and downloaded')
    shots = client.screenshots(p['room_uuid'], p['width'], p['height'], p['path'], whole_directory=p['scenes'] == 'all')
    downloads = Downloads(p['dest'], checksums=Checksums(p['checksum']), attributes=FileAttributes(module))
    downloads.checksums.expect_files(len(shots))
    for shot, name in zip(shots, file_names(shots)):
        # The storage answers 404 for a key it does not hold: a failure here, since the service said it stored it.
        client.download_file(DOWNLOAD_CALL, shot['url'], downloads, name, absent=(), allow_http=p['allow_http_download'],
                             key=shot.get('key'), bucket=shot.get('bucket'), storage_region=shot.get('region'))
    downloads.finish()
    before, after = downloads.diff()
    module.exit_json(changed=downloads.changed, files=downloads.files, dest=p['dest'],
                     diff={'before': {'files': before}, 'after': {'files': after}})


def main():
    spec = dict(CONNECTION_SPEC)
    spec.update(
        room_uuid=dict(type='str', required=True),
        scenes=dict(type='str', default='single', choices=['single', 'all']),
        path=dict(type='str'),
        width=dict(type='int', required=True),
        height=dict(type='int', required=True),
        dest=dict(type='path', required=True),
    )
    spec.update(DOWNLOAD_SPEC)
    spec.update(FILE_MODE_SPEC)
    module = DownloadModule(argument_spec=spec, supports_check_mode=True)
    p = module.params
    check_connection(module, 'api_url', [NetlessClient.api_prefix])
    for name in ('width', 'height'):
        if p[name] <= 0:
            module.fail_json(msg='%s must be a positive number of pixels, got %s' % (name, p[name]))
    if p['path'] is not None and not p['path'].startswith('/'):
        module.fail_json(msg='path must start with /, got %s' % p['path'])
    if not p['room_uuid'].strip():
        module.fail_json(msg='room_uuid must not be empty')
    try:
        Checksums(p['checksum'])
    except ValueError as exc:
        module.fail_json(msg=str(exc))
    client = NetlessClient(p['token'], p['region'], p['api_url'], p['validate_certs'], p['ca_path'], p['timeout'],
                           client_cert=p['client_cert'], client_key=p['client_key'])
    client.limit_task(p['task_timeout'])
    try:
        run(module, client)
    except NetlessError as exc:
        module.fail_json(msg=str(exc), call=exc.call, status=exc.status)
    except DownloadError as exc:
        module.fail_json(msg=str(exc))
    except Exception as exc:  # pylint: disable=broad-except
        # Whatever the cause, the task gets a message instead of a traceback that may quote the token.
        module.fail_json(msg=client.redact('Netless screenshot failed unexpectedly: %s: %s' % (type(exc).__name__, exc)))


if __name__ == '__main__':
    main()
