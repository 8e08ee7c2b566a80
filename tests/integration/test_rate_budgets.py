# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tasks of one machine keep a vendor's rate limit together: forks of one play and plays run at the same time,
each task its own process, against one anyRTC App ID (10 requests per second) and one Wilddog app (one snapshot per
window). The emulator enforces both limits as the documents state them and counts what it refused."""

from __future__ import annotations

import json
import re
import sys
import textwrap
import urllib.request
from concurrent.futures import ThreadPoolExecutor

FORKS = 6


def control(emulator, path, method='GET', body=None):
    data = json.dumps(body).encode() if body is not None else (b'' if method in ('POST', 'DELETE') else None)
    request = urllib.request.Request(emulator.url + '/_emulator' + path, method=method, data=data,
                                     headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(request) as response:
        text = response.read().decode()
    return json.loads(text) if text else None


def inventory(tmp_path, name, hosts):
    path = tmp_path / name
    path.write_text(''.join('%s ansible_connection=local ansible_python_interpreter=%s %s\n'
                            % (host, sys.executable, ' '.join('%s=%s' % item for item in host_vars.items()))
                            for host, host_vars in hosts))
    return path


def run_together(ansible, runs):
    """Run ``ansible-playbook`` once per (inventory, play, name) at the same time; their Run results."""
    with ThreadPoolExecutor(len(runs)) as pool:
        futures = [pool.submit(ansible, 'ansible-playbook', ['-i', str(hosts), '-f', str(FORKS), str(play)], name)
                   for hosts, play, name in runs]
        return [future.result() for future in futures]


def assert_no_host_failed(run):
    failed = re.findall(r'^(\S+)\s*:.*failed=([1-9])', run.output, re.M)
    assert run.rc == 0 and not failed, run.output[-5000:]


def test_anyrtc_tasks_of_one_machine_keep_the_app_ids_ten_requests_per_second(ansible, emulator, credentials, tmp_path):
    secret = credentials['passwords'][3]
    control(emulator, '/reset', 'POST')
    control(emulator, '/anyrtc/apps', 'POST', {'app_id': 'artc-rate', 'customer_id': 'rate-customer',
                                               'customer_certificate': secret, 'channels': {'standup': ['101', '102']}})
    control(emulator, '/anyrtc/config', 'POST', {'status_interval': 0})
    play = tmp_path / 'recordings.yml'
    play.write_text(textwrap.dedent('''\
        - hosts: all
          gather_facts: false
          module_defaults:
            group/rtcops.conference.anyrtc:
              api_url: "%s"
              app_id: artc-rate
              customer_id: rate-customer
              customer_secret: "%s"
              cache_dir: "%s"
          tasks:
            - name: Start a recording of the channel with this host's uid
              rtcops.conference.anyrtc_recording:
                cname: standup
                uid: "{{ uid }}"
              register: started
            - name: The same task again
              rtcops.conference.anyrtc_recording:
                cname: standup
                uid: "{{ uid }}"
            - name: A layout and subscription lists for the running recording
              rtcops.conference.anyrtc_recording:
                cname: standup
                uid: "{{ uid }}"
                layout: {mixedVideoLayout: 1}
                stream_subscribe:
                  audioUidList: {subscribeAudioUids: ["#allstream#"]}
                  videoUidList: {subscribeVideoUids: ["#allstream#"]}
            - name: Stop it
              rtcops.conference.anyrtc_recording:
                cname: standup
                uid: "{{ uid }}"
                recording: "{{ started }}"
                state: stopped
        ''') % (emulator.url, secret, tmp_path / 'cache'))
    runs = [(inventory(tmp_path, 'hosts-%s' % run, [('%s%02d' % (run, i), {'uid': '%d%02d' % (80 + n, i)}) for i in range(FORKS)]),
             play, 'rate-budget-anyrtc-%s' % run) for n, run in enumerate(('first', 'second'))]
    for run in run_together(ansible, runs):
        assert_no_host_failed(run)

    state = control(emulator, '/state')['anyrtc']
    sessions = [session for session in state['sessions'].values() if session['app_id'] == 'artc-rate']
    assert len(sessions) == 2 * FORKS and all(session['stopped'] for session in sessions)
    assert all(session['updates'] == 1 and session['layout_updates'] == 1 for session in sessions)
    # The emulator answers 429 to an eleventh request within any second of the App ID, and counts each one.
    assert state['apps']['artc-rate']['rate_limited'] == 0


def test_wilddog_tasks_within_the_window_wait_for_it_instead_of_meeting_41205(ansible, emulator, credentials, tmp_path):
    token = credentials['passwords'][2]
    control(emulator, '/reset', 'POST')
    control(emulator, '/wilddog/apps', 'POST', {'app_id': 'wd-rate', 'admin_token': token, 'rooms': {'lobby': ['cam-1']}})
    control(emulator, '/wilddog/config', 'POST', {'rate_window': 3, 'image_delay': 0})
    control(emulator, '/requests', 'DELETE')
    play = tmp_path / 'snapshots.yml'
    play.write_text(textwrap.dedent('''\
        - hosts: all
          gather_facts: false
          tasks:
            - name: Snapshot the same room as every other host
              rtcops.conference.wilddog_snapshot:
                api_url: "%s"
                app_id: wd-rate
                token: "%s"
                cache_dir: "%s"
                room_id: lobby
                dest: "%s/{{ inventory_hostname }}"
                rate_limit_window: 3
                poll_interval: 1
                wait_timeout: 120
              register: snapshot
            - name: Keep what it says
              ansible.builtin.copy:
                content: "{{ snapshot | to_json }}"
                dest: "%s/{{ inventory_hostname }}.json"
                mode: "0600"
        ''') % (emulator.url, token, tmp_path / 'cache', tmp_path / 'images', tmp_path))
    runs = [(inventory(tmp_path, 'snap-hosts-%s' % run, [('%s%d' % (run, i), {}) for i in range(2)]), play,
             'rate-budget-wilddog-%s' % run) for run in ('first', 'second')]
    for run in run_together(ansible, runs):
        assert_no_host_failed(run)

    results = [json.loads((tmp_path / ('%s%d.json' % (run, i))).read_text()) for run in ('first', 'second') for i in range(2)]
    assert all(len(result['files']) == 1 for result in results)
    # Four tasks at once for one window: all but the first waited for it, before asking.
    assert sorted(result['rate_limit_waits'] for result in results) == [0, 1, 1, 1]
    asked = [entry for entry in control(emulator, '/requests') if entry['path'] == '/v2/snapshot']
    # The server counts only the requests it let through its window; every one that was sent was let through.
    assert control(emulator, '/state')['wilddog']['apps']['wd-rate']['snapshot_requests'] == len(asked) == 4
