#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: avd_upload
short_description: Upload an image or media file to an AVD conference server
version_added: 0.1.0
description:
  - Uploads a local file to the server's C(/uploadfile) endpoint (which, unlike every other call, has no
    C(/sdkapi/v2) prefix), to be stored as O(path)/C(<file name of src>).
  - Idempotent. Before uploading, the module asks the server for the size of the file already stored under that
    name (a C(HEAD) request on its C(/attachment) URL). A file of another size is replaced without being downloaded.
    Otherwise the module downloads it through C(/attachment) and compares SHA-256 checksums; when they match nothing
    is sent. When the server has no such file, or a different one, the file is uploaded and replaces it.
  - A server that does not answer C(HEAD) with a C(Content-Length) costs nothing but that request; the comparison
    then downloads the file as before.
  - Both the checksum of O(src) and the comparison are computed chunk by chunk, and the upload is streamed from
    disk, so the memory the module uses does not grow with the size of the file.
  - The server documents no token for uploads, so none is sent and the credentials options are optional; only
    O(server_url) is needed.
  - Runs on the host that holds O(src); usually that is the controller, so delegate the task to C(localhost).
author:
  - rtcops developers (@rtcops)
options:
  src:
    description:
      - Local file to upload. It must be a regular file.
      - Its extension, in any letter case, must be one of C(png), C(jpg), C(mp3), C(mp4) or C(avi), the
        types the server accepts.
      - Its name becomes the name of the file on the server.
    type: path
    required: true
  path:
    description:
      - Absolute directory on the server to store the file in.
    type: str
    default: /opt/3tee/resources
  storage_only_cluster:
    description:
      - Store the file only in the cluster, not on the box (cluster deployments only).
      - Required for files larger than 50 MiB; the module refuses such a file without it.
    type: bool
    default: false
  force:
    description:
      - Upload even when the server already holds an identical file.
      - The server's file is then not downloaded for the comparison, so the diff shows no C(checksum) before.
        This also lets the module upload to a server whose C(/attachment) endpoint cannot be reached.
    type: bool
    default: false
extends_documentation_fragment:
  - rtcops.conference.avd
  - ansible.builtin.action_common_attributes
  - rtcops.conference.attributes
attributes:
  check_mode:
    support: full
    details: The server's file is compared as in a normal run; nothing is uploaded.
  diff_mode:
    support: full
    details:
      - Shows the destination and the SHA-256 checksum of the server's file before and after.
      - When the server's file has another size, it is not downloaded, and the diff shows its C(size) before
        instead of its checksum.
notes:
  - The server accepts files of at most 50 MiB unless O(storage_only_cluster=true). Even then, the nginx in front
    of the server accepts request bodies of at most 200 MB by default (C(client_max_body_size) in C(nginx.conf)).
  - The vendor warns that the server needs 3 to 4 times the file size in memory for an upload stored on the box,
    and about once the file size for one stored only in the cluster.
  - Whether C(/attachment) serves files stored with O(storage_only_cluster=true) is not documented. If it does
    not, the module cannot see them and uploads them on every run.
  - If the answer to an upload is lost, the module compares the server's file with O(src) (size, then checksum)
    to decide whether the upload arrived, and uploads again only if it did not.
seealso:
  - module: ansible.builtin.get_url
    description: Download a file the server holds from the RV(download_url) this module returns.
'''

EXAMPLES = r'''
- name: Put the lobby background on the server
  rtcops.conference.avd_upload:
    server_url: https://avd.example.com:9610
    src: files/lobby-background.png
  delegate_to: localhost
  register: background

- name: Show where the server serves it
  ansible.builtin.debug:
    msg: "{{ background.download_url }}"

# With the connection set once for the play:
#   module_defaults:
#     group/rtcops.conference.avd:
#       server_url: https://avd.example.com:9610
#       access_key: "{{ vault_avd_access_key }}"
#       secret_key: "{{ vault_avd_secret_key }}"
- name: Hold music, into its own directory
  rtcops.conference.avd_upload:
    src: "{{ item }}"
    path: /opt/3tee/resources/music
  loop: "{{ lookup('ansible.builtin.fileglob', 'files/music/*.mp3', wantlist=true) }}"
  delegate_to: localhost

- name: A training video larger than 50 MiB (cluster deployments only)
  rtcops.conference.avd_upload:
    src: /srv/media/onboarding.mp4
    storage_only_cluster: true
  delegate_to: localhost
'''

RETURN = r'''
download_url:
  description:
    - URL the server serves the file at.
    - After an upload, the URL the server answered with, unchanged (its host may differ from O(server_url)).
      When nothing was sent (the file was already there, or check mode), the C(/attachment) URL of RV(dest)
      on O(server_url).
  returned: always
  type: str
  sample: https://avd.example.com:9610/attachment?file=/opt/3tee/resources/lobby-background.png
dest:
  description: Path of the file on the server.
  returned: always
  type: str
  sample: /opt/3tee/resources/lobby-background.png
checksum:
  description: SHA-256 checksum of O(src), in hexadecimal.
  returned: always
  type: str
  sample: 0d5b6c3e8a8b9d0ee4c8c2a6a4f1fbc1b2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7
size:
  description: Size of O(src) in bytes.
  returned: always
  type: int
  sample: 482113
'''

import os
import posixpath

from ansible_collections.rtcops.conference.plugins.module_utils._avd_module import AvdModule
from ansible_collections.rtcops.conference.plugins.module_utils._avd_upload import (
    server_checksum, server_size, sha256_file, upload_problem, upload_verifier,
)


class UploadModule(AvdModule):

    def add_path_info(self, kwargs):
        # AnsibleModule describes the local file named by a result's 'dest' (owner, mode, size...); here 'dest' is
        # a path on the AVD server, and a local file of that name would put a stranger's size into the result.
        return kwargs


def run(module):
    params = module.params
    message = upload_problem(params)
    if message:
        module.fail_json(msg=message)

    src = params['src']
    directory = posixpath.normpath(params['path'])
    dest = posixpath.join(directory, os.path.basename(src))
    checksum, size = sha256_file(src)
    client = module.client

    before = {'dest': dest}
    changed = True
    if not params['force']:
        # The size first: a file of another size is a different file, and is not downloaded to prove it.
        server_file_size = server_size(client, dest)
        if server_file_size is not None and server_file_size != size:
            before['size'] = server_file_size
        else:
            before_checksum = server_checksum(client, dest, limit=size)
            if before_checksum is not None:
                before['checksum'] = before_checksum
            changed = before_checksum != checksum

    download_url = client.attachment_url(dest)
    if changed and not module.check_mode:
        verify = upload_verifier(client, dest, checksum, size, download_url)
        body = client.upload(src, directory, os.path.basename(src), params['storage_only_cluster'], verify=verify)
        download_url = body.get('download_url') or download_url

    after = {'dest': dest, 'checksum': checksum}
    if 'size' in before:
        after['size'] = size
    module.exit_json(changed=changed, download_url=download_url, dest=dest, checksum=checksum, size=size,
                     diff={'before': before, 'after': after})


def main():
    module = UploadModule(
        argument_spec=dict(
            src=dict(type='path', required=True),
            path=dict(type='str', default='/opt/3tee/resources'),
            storage_only_cluster=dict(type='bool', default=False),
            force=dict(type='bool', default=False),
        ),
        supports_check_mode=True,
        needs_token=False,
    )
    module.run(lambda: run(module))


if __name__ == '__main__':
    main()
