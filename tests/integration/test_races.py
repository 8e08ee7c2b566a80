# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Twenty runs create the same gateway, room and SIP account at once (forks of one play, or several pipelines): they
converge on one object each instead of failing on the server's "already exists" answers."""

from __future__ import annotations

import json
import re
import sys
import textwrap
import urllib.request

FORKS = 20


def control(emulator, path, method='GET'):
    request = urllib.request.Request(emulator.url + '/_emulator' + path, method=method, data=b'' if method == 'POST' else None)
    with urllib.request.urlopen(request) as response:
        text = response.read().decode()
    return json.loads(text) if text else None


def test_racing_creators_converge(ansible, emulator, credentials, tmp_path):
    control(emulator, '/reset', 'POST')
    hosts = tmp_path / 'hosts'
    hosts.write_text(''.join('racer%02d ansible_connection=local ansible_python_interpreter=%s\n' % (i, sys.executable)
                             for i in range(FORKS)))
    play = tmp_path / 'race.yml'
    play.write_text(textwrap.dedent('''\
        - hosts: all
          gather_facts: false
          module_defaults:
            group/rtcops.conference.avd:
              server_url: "%s"
              access_key: "%s"
              secret_key: "%s"
              cache_dir: "%s/{{ inventory_hostname }}"
          tasks:
            - name: Everyone creates the same gateway
              rtcops.conference.avd_sip_gate:
                name: hq-pbx
                url: 10.20.0.5:5060
            - name: The same room
              rtcops.conference.avd_room:
                room_id: "20250000001"
                topic: Weekly all-hands
                user_id: "16"
            - name: The same account
              rtcops.conference.avd_sip_account:
                number: "8001"
                name: reception
                password: "%s"
                sip_gate: hq-pbx
        ''') % (emulator.url, credentials['access_key'], credentials['secret_key'], tmp_path / 'caches',
                credentials['passwords'][0]))
    run = ansible('ansible-playbook', ['-i', str(hosts), '-f', str(FORKS), str(play)], 'races')
    failed = re.findall(r'^(racer\d+)\s*:.*failed=([1-9])', run.output, re.M)
    assert run.rc == 0 and not failed, run.output[-5000:]
    state = control(emulator, '/state')['avd']
    assert [g['url'] for g in state['sip_gates']] == ['10.20.0.5:5060']
    assert list(state['rooms']) == ['20250000001']
    assert [a['number'] for a in state['sip_accounts']] == ['8001']

    again = ansible('ansible-playbook', ['-i', str(hosts), '-f', str(FORKS), str(play)], 'races-again')
    assert again.rc == 0
    assert not re.findall(r'^racer\d+\s*:.*changed=[1-9]', again.output, re.M), again.output[-3000:]
