#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: wilddog_snapshot
short_description: Snapshot every video of a Wilddog room and download the images to the controller
version_added: 0.1.0
description:
  - Asks the Wilddog cloud for a snapshot of every video in a room (one JPEG per video), waits until the images
    exist and downloads them into O(dest) on the controller.
  - B(Rate limit.) The API allows one request every 30 seconds, without saying for what (an app, a room, a token).
    Every task on the machine keeps to one request per O(app_id) and O(api_url) every O(rate_limit_window) seconds
    (which holds for each room as well). The time of the last request is kept in a file under O(cache_dir), and a
    task that comes within the window waits out the rest of it before it asks. When the rest of the window is longer
    than O(wait_timeout), the task fails at once, naming the window, without asking.
  - When the server still answers that the limit is exceeded (41205, another machine used the window), or with one
    of its internal errors, the module waits O(rate_limit_window) seconds and asks again, as long as O(wait_timeout)
    allows; it never asks faster.
  - B(Asynchronous images.) The server returns the URLs before the images exist; the module polls each URL every
    O(poll_interval) seconds until it can be downloaded, within the same O(wait_timeout).
  - Connection failures, lost answers and HTTP 500, 502, 503 and 504 answers of the snapshot request and of the
    image downloads are retried with growing pauses for up to 30 seconds each; a snapshot request sent again after
    a lost answer usually meets the rate limit, which is waited out as above.
  - The service lists its images at plain http URLs (the documents show no other), so those are downloaded even
    while O(api_url) is https; O(allow_http_download) governs redirects from https to http only. Set O(checksum)
    only when you know the images, for example when testing against a fixed server.
  - Each snapshot is a new set of images with new names (the name holds the time of the request), so every run
    that takes one reports a change. The server keeps the images for 15 days.
  - This is an action plugin with a module of the same name. On the controller the module writes into O(dest)
    itself; on another host it downloads into a temporary directory there and the action fetches the files.
author:
  - rtcops developers (@rtcops)
options:
  room_id:
    description:
      - Room of the multi-party video call.
    type: str
    required: true
  dest:
    description:
      - Directory on the controller that receives the images, named as the server names them
        (C(roomId@appId_streamId_timestamp.jpg)). Created if missing.
    type: path
    required: true
  wait_timeout:
    description:
      - Seconds the task may spend in all on waiting for the rate limit and for the images.
      - The task shows nothing while it waits, so a wait longer than 30 seconds is summed up in a warning afterwards,
        and a wait that runs out says what did not happen within O(wait_timeout). For longer waits raise it, or run the
        task with C(async) and C(poll).
    type: int
    default: 120
  poll_interval:
    description:
      - Seconds between two attempts to download an image that does not exist yet.
    type: int
    default: 2
  rate_limit_window:
    description:
      - Seconds to wait before asking again after the server refused a request for its rate.
      - Also the window every task of this machine keeps between two snapshot requests of the app.
      - The documents allow one request every 30 seconds; lower it only for a server that allows more (such as
        this collection's emulator).
    type: int
    default: 30
extends_documentation_fragment:
  - rtcops.conference.wilddog
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
      - A snapshot creates images on the server and uses the rate limit, so check mode sends nothing and reports
        the change a run would make.
  diff_mode:
    support: full
    details: Shows the SHA-256 of each new file in O(dest).
'''

EXAMPLES = r'''
- name: Spot-check every live room
  rtcops.conference.wilddog_snapshot:
    app_id: "{{ wilddog_app }}"
    token: "{{ vault_wilddog_admin_token }}"
    room_id: "{{ item }}"
    dest: "archive/{{ item }}/"
    wait_timeout: 300
  loop: "{{ live_rooms }}"
  register: snapshots

- name: List the images
  ansible.builtin.debug:
    msg: "{{ snapshots.results | map(attribute='files') | flatten | map(attribute='path') | list }}"
'''

RETURN = r'''
files:
  description: The downloaded images, one per video of the room; empty in check mode.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: File name in RV(dest).
      type: str
      sample: 112233@wildrtc_172007562460416770_1512992803316.jpg
    path:
      description: Path of the file on the controller.
      type: str
      sample: /srv/archive/112233/112233@wildrtc_172007562460416770_1512992803316.jpg
    sha256:
      description: SHA-256 of the image.
      type: str
      sample: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
    size:
      description: Size in bytes.
      type: int
      sample: 30419
    url:
      description: Where the server offers the image (for 15 days).
      type: str
      sample: http://bt-sh-download.wdstatic.cn/snapshot/20171211/wildrtc/112233@wildrtc_172007562460416770_1512992803316.jpg
    changed:
      description: Whether this file in RV(dest) was written.
      type: bool
      sample: true
rate_limit_waits:
  description: How many times the module waited for the rate limit.
  returned: success
  type: int
  sample: 0
dest:
  description: The directory on the controller, as an absolute path.
  returned: success
  type: str
  sample: /srv/archive/112233
'''

import os
import time
from urllib.parse import unquote, urlsplit


from ansible_collections.rtcops.conference.plugins.module_utils._budget import BudgetExhausted, RequestBudget
from ansible_collections.rtcops.conference.plugins.module_utils._download import (
    DOWNLOAD_SPEC, FILE_MODE_SPEC, Checksums, DownloadError, DownloadModule, Downloads, FileAttributes,
)
from ansible_collections.rtcops.conference.plugins.module_utils._http import check_connection
from ansible_collections.rtcops.conference.plugins.module_utils._waiting import Waiting
from ansible_collections.rtcops.conference.plugins.module_utils._wilddog_client import (
    CONNECTION_SPEC, IMAGE_CALL, RATE_LIMITED, SERVER_ERRORS, SNAPSHOT_CALL, WilddogClient, WilddogError,
)


def take_snapshot(client, room_id, deadline, window, budget):
    """The image URLs, each request sent only when the app's window allows it, asking again after a refusal for the
    rate (41205) or a server error while the deadline allows."""
    waits = 0
    while True:
        try:
            waited = budget.take(max_wait=max(0.0, deadline - time.monotonic()))
        except BudgetExhausted as exc:
            raise WilddogError('Wilddog allows one snapshot request per app every %s s (rate_limit_window) and this '
                               'machine sent one less than that ago: %s, past wait_timeout or task_timeout'
                               % (budget.window, exc), call=SNAPSHOT_CALL)
        waits += waited > 0
        try:
            try:
                return client.snapshot(room_id), waits
            finally:
                budget.settle()  # the window runs from the answer, by when the server has counted the request
        except WilddogError as exc:
            # Another machine used the window (41205), or the server failed (Q-WD-03): the next take waits a window.
            if exc.code != RATE_LIMITED and exc.code not in SERVER_ERRORS:
                raise
            if time.monotonic() + window > deadline:
                raise WilddogError('%s; asking again after %s s would pass wait_timeout' % (exc, window), exc.code,
                                   call=SNAPSHOT_CALL)


def download_when_ready(client, url, downloads, deadline, interval, allow_http, waiting):
    name = unquote(os.path.basename(urlsplit(url).path)) or 'snapshot.jpg'
    while True:
        # Q-WD-06: the service lists its images at plain http URLs only, so such a URL is taken as it is
        # (listed_by_api=False); a redirect from https to http still needs allow_http_download.
        entry = client.download_file(IMAGE_CALL, url, downloads, name, absent=(403, 404), allow_http=allow_http,
                                     listed_by_api=False)
        if entry is not None:
            return entry
        if time.monotonic() + interval > deadline:
            raise WilddogError(waiting.timed_out('Wilddog image %s did not appear' % name), call=IMAGE_CALL)
        time.sleep(interval)


def run(module, client):
    p = module.params
    if module.check_mode:
        module.exit_json(changed=True, files=[], dest=p['dest'], msg='a snapshot would be taken and its images downloaded')
    waiting = Waiting(module)
    deadline = waiting.ends
    task = getattr(client, 'deadline', None)
    if task is not None and task.remaining() is not None:
        deadline = min(deadline, time.monotonic() + task.remaining())
    # The scope of the limit is unstated (Q-WD-01); one window per app also keeps every room of it within the limit.
    budget = RequestBudget('wilddog', [client.api_url, p['app_id']], 1, p['rate_limit_window'], directory=p['cache_dir'],
                           warn=module.warn)
    urls, waits = take_snapshot(client, p['room_id'], deadline, p['rate_limit_window'], budget)
    downloads = Downloads(p['dest'], checksums=Checksums(p['checksum']), attributes=FileAttributes(module))
    downloads.checksums.expect_files(len(urls))
    for url in urls:
        download_when_ready(client, url, downloads, deadline, p['poll_interval'], p['allow_http_download'], waiting)
    downloads.finish()
    waiting.done('the snapshot of room %s and its images' % p['room_id'])
    before, after = downloads.diff()
    module.exit_json(changed=downloads.changed, files=downloads.files, dest=p['dest'], rate_limit_waits=waits,
                     diff={'before': {'files': before}, 'after': {'files': after}})


def main():
    spec = dict(CONNECTION_SPEC)
    spec.update(
        room_id=dict(type='str', required=True),
        dest=dict(type='path', required=True),
        wait_timeout=dict(type='int', default=120),
        poll_interval=dict(type='int', default=2),
        rate_limit_window=dict(type='int', default=30),
    )
    spec.update(DOWNLOAD_SPEC)
    spec.update(FILE_MODE_SPEC)
    module = DownloadModule(argument_spec=spec, supports_check_mode=True)
    p = module.params
    check_connection(module, 'api_url', [WilddogClient.api_prefix])
    for name in ('wait_timeout', 'poll_interval', 'rate_limit_window', 'timeout'):
        if p[name] <= 0:
            module.fail_json(msg='%s must be a positive number of seconds, got %s' % (name, p[name]))
    for name in ('room_id', 'app_id', 'token'):
        if not p[name].strip():
            module.fail_json(msg='%s must not be empty' % name)
    try:
        Checksums(p['checksum'])
    except ValueError as exc:
        module.fail_json(msg=str(exc))
    client = WilddogClient(p['app_id'], p['token'], p['api_url'], p['validate_certs'], p['ca_path'], p['timeout'],
                           client_cert=p['client_cert'], client_key=p['client_key'])
    client.limit_task(p['task_timeout'])
    try:
        run(module, client)
    except WilddogError as exc:
        module.fail_json(msg=str(exc), code=exc.code)
    except DownloadError as exc:
        module.fail_json(msg=str(exc))


if __name__ == '__main__':
    main()
