#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: topvdn_snapshot
short_description: Download the cover snapshot of a Topvdn device to the controller
version_added: 0.1.0
description:
  - Downloads the cover image of a device from the Topvdn (Lingyang cloud) API into O(dest) on the controller.
  - The server picks the image (and may redirect the request to another service, which is followed) - the latest
    image of the stream the device is pushing, else its latest recording snapshot, else the cover uploaded with
    M(rtcops.conference.topvdn_snapshot_upload).
  - The file is streamed to disk and checked (see the notes); it lands in O(dest) complete or not at all. When
    O(dest) already holds the same image the task reports no change.
  - A device without any cover image (HTTP 404) is not an error; RV(found) is then V(false).
  - Connection failures, lost answers and HTTP 500, 502, 503 and 504 answers are retried with growing pauses for up
    to 30 seconds.
  - This is an action plugin with a module of the same name. On the controller the module writes into O(dest)
    itself; on another host it downloads into a temporary directory there and the action fetches the file.
author:
  - rtcops developers (@rtcops)
options:
  dest:
    description:
      - Directory on the controller that receives the image. Created if missing.
    type: path
    required: true
  filename:
    description:
      - Name of the file in O(dest).
      - Defaults to C(<client_id>-cover.jpg), or C(.png) when the server says the image is a PNG.
    type: str
extends_documentation_fragment:
  - rtcops.conference.topvdn
  - rtcops.conference.download
  - rtcops.conference.download.file_mode
  - ansible.builtin.action_common_attributes
  - rtcops.conference.attributes
  - ansible.builtin.action_common_attributes.flow
  - rtcops.conference.attributes.DOWNLOAD
attributes:
  check_mode:
    support: full
    details: The image is read (reading changes nothing on the server) and compared, but O(dest) is not written.
  diff_mode:
    support: full
    details: Shows the SHA-256 of the file in O(dest) before and after.
seealso:
  - module: rtcops.conference.topvdn_snapshot_upload
'''

EXAMPLES = r'''
- name: Keep today's cover of every camera
  rtcops.conference.topvdn_snapshot:
    client_id: "{{ item.id }}"
    client_token: "{{ item.token }}"
    dest: "archive/{{ ansible_date_time.date | default('today') }}"
  loop: "{{ cameras }}"
  loop_control:
    label: "{{ item.id }}"
  no_log: true  # the loop items carry the device tokens
  register: covers

- name: One camera, with the token from the environment (TOPVDN_CLIENT_TOKEN)
  rtcops.conference.topvdn_snapshot:
    client_id: 10000415
    dest: archive/
  register: cover

- name: Where it is
  ansible.builtin.debug:
    msg: "{{ cover.files[0].path }} ({{ cover.files[0].sha256 }})"
  when: cover.found
'''

RETURN = r'''
found:
  description: Whether the device has a cover image (false on HTTP 404).
  returned: always
  type: bool
  sample: true
files:
  description: The downloaded image; empty when RV(found) is false.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: File name in RV(dest).
      type: str
      sample: 10000415-cover.jpg
    path:
      description: Path of the file on the controller.
      type: str
      sample: /srv/archive/10000415-cover.jpg
    sha256:
      description: SHA-256 of the image.
      type: str
      sample: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
    size:
      description: Size in bytes.
      type: int
      sample: 48213
    content_type:
      description: Content type the server gave; the documents do not state one.
      type: str
      sample: image/jpeg
    changed:
      description: Whether this file in RV(dest) was (or in check mode would be) written.
      type: bool
      sample: true
dest:
  description: The directory on the controller, as an absolute path.
  returned: success
  type: str
  sample: /srv/archive
'''

from ansible_collections.rtcops.conference.plugins.module_utils._download import (
    DOWNLOAD_SPEC, FILE_MODE_SPEC, Checksums, DownloadError, Downloads, FileAttributes, plain_file_name,
)
from ansible_collections.rtcops.conference.plugins.module_utils._topvdn_module import TopvdnModule


def run(module):
    params = module.params
    if params['filename'] is not None and not plain_file_name(params['filename']):
        module.fail_json(msg='filename must be a plain file name (no directory, not hidden, at most 255 bytes, no '
                             'control character), got %r' % params['filename'])
    try:
        checksums = Checksums(params['checksum'])
    except ValueError as exc:
        module.fail_json(msg=str(exc))
    announced = []

    def file_name(content_type):
        announced.append(content_type or '')
        return params['filename'] or '%s-cover.%s' % (params['client_id'], 'png' if content_type == 'image/png' else 'jpg')

    downloads = Downloads(params['dest'], module.check_mode, checksums=checksums, attributes=FileAttributes(module))
    try:
        entry = module.client.cover_file(params['client_id'], downloads, file_name, params['allow_http_download'])
        if entry is not None:
            downloads.finish()
    except DownloadError as exc:
        module.fail_json(msg=str(exc))
    if entry is None:
        if module.client.absent_hint:
            module.warn('Topvdn answered HTTP 404 for the cover of device %s, taken as "no cover"%s'
                        % (params['client_id'], module.client.absent_hint))
        module.exit_json(changed=False, found=False, files=[], dest=params['dest'])
    entry['content_type'] = announced[-1]
    before, after = downloads.diff()
    module.exit_json(changed=downloads.changed, found=True, files=downloads.files, dest=params['dest'],
                     diff={'before': {'files': before}, 'after': {'files': after}})


def main():
    module = TopvdnModule(
        argument_spec=dict(
            dest=dict(type='path', required=True),
            filename=dict(type='str'),
            **dict(DOWNLOAD_SPEC, **FILE_MODE_SPEC)
        ),
        supports_check_mode=True,
    )
    module.run(lambda: run(module))


if __name__ == '__main__':
    main()
