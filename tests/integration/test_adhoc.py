# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""One-off ad-hoc commands with the credentials in environment variables, as an operator types them."""

from __future__ import annotations

import base64
import hashlib
import json
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def control(emulator, path, body=None, method='GET'):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(emulator.url + '/_emulator' + path, data=data, method=method,
                                     headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(request) as response:
        text = response.read().decode()
    return json.loads(text) if text else None


def test_close_a_room_ad_hoc(ansible, emulator, credentials, tmp_path):
    control(emulator, '/reset', {}, 'POST')
    env = {
        'AVD_SERVER_URL': emulator.url,
        'AVD_ACCESS_KEY': credentials['access_key'],
        'AVD_SECRET_KEY': credentials['secret_key'],
        'AVD_CACHE_DIR': str(tmp_path / 'cache'),
    }
    created = ansible('ansible', ['localhost', '-m', 'rtcops.conference.avd_room', '-a', 'room_id=20250000001 user_id=16 topic=adhoc'],
                      'adhoc-create', env=env)
    assert created.rc == 0, created.output
    assert '"changed": true' in created.output
    control(emulator, '/avd/rooms/20250000001/open', {'participants': [{'user_id': '16', 'user_name': 'A', 'type': 'web'}]}, 'POST')

    info = ansible('ansible', ['localhost', '-m', 'rtcops.conference.avd_room_info', '-a', 'room_id=20250000001'], 'adhoc-info', env=env)
    assert info.rc == 0 and '"in_progress": true' in info.output, info.output

    closed = ansible('ansible', ['localhost', '-m', 'rtcops.conference.avd_room', '-a', 'room_id=20250000001 state=closed'],
                     'adhoc-close', env=env)
    assert closed.rc == 0 and '"changed": true' in closed.output, closed.output
    assert '20250000001' not in control(emulator, '/state')['avd']['meetings']

    again = ansible('ansible', ['localhost', '-m', 'rtcops.conference.avd_room', '-a', 'room_id=20250000001 state=closed'],
                    'adhoc-close-again', env=env)
    assert again.rc == 0 and '"changed": false' in again.output, again.output


def test_missing_server_url_is_named(ansible, credentials):
    env = {'AVD_ACCESS_KEY': credentials['access_key'], 'AVD_SECRET_KEY': credentials['secret_key']}
    run = ansible('ansible', ['localhost', '-m', 'rtcops.conference.avd_room_info'], 'adhoc-no-server', env=env)
    assert run.rc != 0
    assert 'server_url' in run.output
    assert 'Traceback' not in run.output


def test_missing_credentials_are_named(ansible, emulator):
    run = ansible('ansible', ['localhost', '-m', 'rtcops.conference.avd_room_info'], 'adhoc-no-credentials',
                  env={'AVD_SERVER_URL': emulator.url})
    assert run.rc != 0
    assert 'token' in run.output and 'access_key' in run.output
    assert 'Traceback' not in run.output


def test_download_a_cover_ad_hoc(ansible, emulator, credentials, tmp_path):
    """An action plugin run ad hoc: the token from the environment, dest relative to where ansible runs."""
    control(emulator, '/reset', {}, 'POST')
    image = (REPO / 'playbooks' / 'files' / 'welcome.png').read_bytes()
    token = credentials['passwords'][3]
    control(emulator, '/topvdn/devices', {'client_id': 10000415, 'client_token': token,
                                          'cover_image': base64.b64encode(image).decode()}, 'POST')
    env = {'TOPVDN_API_URL': emulator.url, 'TOPVDN_CLIENT_TOKEN': token}
    args = ['localhost', '-m', 'rtcops.conference.topvdn_snapshot', '-a', 'client_id=10000415 dest=%s' % (tmp_path / 'covers')]
    first = ansible('ansible', args, 'adhoc-cover', env=env)
    assert first.rc == 0 and '"changed": true' in first.output, first.output
    assert (tmp_path / 'covers' / '10000415-cover.png').read_bytes() == image
    again = ansible('ansible', args, 'adhoc-cover-again', env=env)
    assert again.rc == 0 and '"changed": false' in again.output, again.output
    assert hashlib.sha256(image).hexdigest() in again.output
