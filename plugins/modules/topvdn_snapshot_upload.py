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
      - Image file to upload, on the host the task runs on.
      - A JPEG or PNG image, recognised by its content, not by its name. The documents do not state the accepted
        formats; their example uploads a JPEG file and the covers the API returns are JPEG or PNG images. Any other
        file (an empty one, a text, a GIF) is refused before anything is sent, also in check mode.
    type: path
    required: true
extends_documentation_fragment:
  - rtcops.conference.topvdn
  - ansible.builtin.action_common_attributes
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
import stat

from ansible_collections.rtcops.conference.plugins.module_utils._topvdn_module import TopvdnModule

# The image types the upload sends, by the MIME type the file part declares.
UPLOADABLE = {'JPEG': 'image/jpeg', 'PNG': 'image/png'}

# Leading bytes of the types a cover image could be mistaken for; only the names of the refused ones reach a message.
SIGNATURES = (
    (b'\xff\xd8\xff', 'JPEG'),
    (b'\x89PNG\r\n\x1a\n', 'PNG'),
    (b'GIF87a', 'GIF'),
    (b'GIF89a', 'GIF'),
    (b'II*\x00', 'TIFF'),
    (b'MM\x00*', 'TIFF'),
    (b'%PDF-', 'PDF'),
    (b'PK\x03\x04', 'ZIP'),
    (b'\x1f\x8b', 'gzip'),
    (b'BM', 'BMP'),
)


def file_type(head):
    """The name of the type of a file that starts with ``head`` (its first bytes), as a message may show it."""
    if not head:
        return 'empty'
    if head[:4] == b'RIFF' and head[8:12] == b'WEBP':
        return 'WebP'
    if head[4:8] == b'ftyp':
        return 'HEIF/AVIF or MP4'
    for magic, name in SIGNATURES:
        if head.startswith(magic):
            return name
    return 'binary, of no known image type' if b'\x00' in head else 'text'


def image_problem(src):
    """``(mime type, None)`` for an uploadable image at ``src``, else ``(None, message naming src)``."""
    try:
        st = os.stat(src)
    except OSError as exc:
        return None, 'src %s %s' % (src, 'does not exist' if not os.path.lexists(src) else 'cannot be read: %s' % exc.strerror)
    if stat.S_ISDIR(st.st_mode):
        return None, 'src %s is a directory; it must be an image file' % src
    if not stat.S_ISREG(st.st_mode):
        return None, 'src %s is not a regular file (a device, socket or pipe); it must be an image file' % src
    try:
        with open(src, 'rb') as handle:
            head = handle.read(16)
    except OSError as exc:
        return None, 'src %s cannot be read: %s' % (src, exc.strerror)
    kind = file_type(head)
    if kind not in UPLOADABLE:
        return None, ('src %s must be a JPEG or PNG image (what the cover upload is known to take), but it is %s'
                      % (src, 'empty' if kind == 'empty' else 'a %s file' % kind))
    return UPLOADABLE[kind], None


def run(module):
    src = module.params['src']
    mime_type, problem = image_problem(src)
    if problem:
        module.fail_json(msg=problem)
    if module.check_mode:
        module.exit_json(changed=True, request_id=None)
    request_id = module.client.upload_cover(module.params['client_id'], src, os.path.basename(src), mime_type)
    module.exit_json(changed=True, request_id=request_id)


def main():
    module = TopvdnModule(argument_spec=dict(src=dict(type='path', required=True)), supports_check_mode=True)
    module.run(lambda: run(module))


if __name__ == '__main__':
    main()
