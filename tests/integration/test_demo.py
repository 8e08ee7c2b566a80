# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The GitOps workflow on the demo playbook (the avd_environment role): a pull request's --check --diff with its plan
files, the merge's run, a no-op re-run, a nightly drift check, and the same environment from a fresh runner."""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
DEMO = yaml.safe_load((REPO / 'playbooks' / 'vars' / 'demo.yml').read_text())['avd_environment']
DEMO_PASSWORDS = yaml.safe_load((REPO / 'playbooks' / 'vars' / 'demo_secrets.yml').read_text())['vault_sip_passwords']
READ_CALL = re.compile(r'/(read|list|get_[a-z_]+)$|^/attachment')
KINDS = ('sip_gates', 'sip_accounts', 'rooms', 'file_permits', 'uploads')


def control(emulator, path, method='GET'):
    request = urllib.request.Request(emulator.url + '/_emulator' + path, method=method, data=b'' if method == 'POST' else None)
    with urllib.request.urlopen(request) as response:
        text = response.read().decode()
    return json.loads(text) if text else None


def writes(emulator):
    return [r['path'] for r in control(emulator, '/requests') if not READ_CALL.search(r['path'].replace('/sdkapi/v2', ''))]


def demo(ansible, emulator, credentials, tmp_path, name, *options, cache='cache', rc=0):
    run = ansible('ansible-playbook', ['-i', 'localhost,', '-e', 'avd_server_url=%s' % emulator.url,
                                       '-e', 'avd_access_key=%s' % credentials['access_key'],
                                       '-e', 'avd_secret_key=%s' % credentials['secret_key']]
                  + list(options) + ['playbooks/demo.yml'], name, env={'AVD_CACHE_DIR': str(tmp_path / cache)})
    assert run.rc == rc, run.output[-6000:]
    for password in DEMO_PASSWORDS.values():
        assert password not in run.output, 'a SIP password leaked into %s' % run.log
    for permit in DEMO['file_permits']:
        assert permit['licence_cert'] not in run.output, 'the licence certificate leaked into %s' % run.log
    return run


def test_pull_request_merge_rerun(ansible, emulator, credentials, tmp_path):
    control(emulator, '/reset', 'POST')
    plan_dir = tmp_path / 'plan'

    review = demo(ansible, emulator, credentials, tmp_path, 'demo-check-diff', '--check', '--diff',
                  '-e', 'avd_environment_plan_dir=%s' % plan_dir)
    assert writes(emulator) == [], 'check mode wrote to the server'
    state = control(emulator, '/state')['avd']
    assert state['sip_gates'] == [] and state['sip_accounts'] == [] and state['rooms'] == {}
    assert review.recap()['changed'] == 1  # one task for the whole environment
    # The reviewer reads the objects to be created in the diff, and the plan as text.
    for gate in DEMO['sip_gates']:
        assert re.search(r'^\+\s+"url": "%s"' % re.escape(gate['url']), review.output, re.M), gate
    for room in DEMO['rooms']:
        assert re.search(r'^\+\s+"topic": "%s"' % re.escape(room['topic']), review.output, re.M), room
    for account in DEMO['sip_accounts']:
        assert re.search(r'^  \+ %s$' % account['number'], review.output, re.M), account

    # The plan files a pipeline posts on the pull request.
    plan = json.loads((plan_dir / 'localhost.json').read_text())
    assert plan['check_mode'] is True and plan['changed'] is True
    for kind in ('sip_gates', 'sip_accounts', 'rooms', 'uploads'):
        assert plan['summary'][kind]['create'] == len(DEMO[kind]), kind
    assert sorted(plan['plan']['sip_accounts']['create']) == sorted(a['number'] for a in DEMO['sip_accounts'])
    assert plan['summary']['file_permits']['unknown'] == 1 and plan['summary']['file_permits']['create'] == 0
    markdown = (plan_dir / 'localhost.md').read_text()
    assert 'plan (check mode)' in markdown
    assert '| sip_accounts | %d | 0 | 0 | 0 | 0 | 0 | 0 |' % len(DEMO['sip_accounts']) in markdown
    for account in DEMO['sip_accounts']:
        assert '- `%s`' % account['number'] in markdown
    assert 'cannot read file permits back' in markdown

    merge = demo(ansible, emulator, credentials, tmp_path, 'demo-apply', '--diff')
    assert merge.recap()['changed'] == 1
    state = control(emulator, '/state')['avd']
    assert sorted(g['name'] for g in state['sip_gates']) == sorted(g['name'] for g in DEMO['sip_gates'])
    assert sorted(a['number'] for a in state['sip_accounts']) == sorted(a['number'] for a in DEMO['sip_accounts'])
    assert sorted((a['number'], a['password']) for a in state['sip_accounts']) == sorted(DEMO_PASSWORDS.items())
    assert sorted(state['rooms']) == sorted(r['room_id'] for r in DEMO['rooms'])
    assert len(state['file_permits']) == 1 and len(state['uploads']) == 1

    rerun = demo(ansible, emulator, credentials, tmp_path, 'demo-rerun')
    assert rerun.recap()['changed'] == 0

    nightly = demo(ansible, emulator, credentials, tmp_path, 'demo-drift-check', '--check',
                   '-e', 'avd_environment_fail_on_drift=true')
    assert nightly.recap()['changed'] == 0


def test_nightly_drift_check_fails_on_drift(ansible, emulator, credentials, tmp_path):
    control(emulator, '/reset', 'POST')
    demo(ansible, emulator, credentials, tmp_path, 'demo-drift-setup')
    # Somebody changes a room by hand.
    room = DEMO['rooms'][1]['room_id']
    run = ansible('ansible', ['localhost', '-i', 'localhost,', '-c', 'local', '-m', 'rtcops.conference.avd_room',
                              '-a', 'room_id=%s topic="changed by hand"' % room,
                              '-e', 'ansible_python_interpreter=%s' % ansible_python()],
                  'demo-drift-by-hand', env=connection_env(emulator, credentials, tmp_path))
    assert run.rc == 0, run.output[-3000:]
    control(emulator, '/requests', 'DELETE')

    plan_dir = tmp_path / 'nightly'
    nightly = demo(ansible, emulator, credentials, tmp_path, 'demo-drift-nightly', '--check',
                   '-e', 'avd_environment_fail_on_drift=true', '-e', 'avd_environment_plan_dir=%s' % plan_dir, rc=2)
    assert 'differs from its variables' in nightly.output and 'rooms: 1 to update' in nightly.output
    plan = json.loads((plan_dir / 'localhost.json').read_text())
    assert list(plan['plan']['rooms']['update']) == [room]
    expected = {'before': 'changed by hand', 'after': DEMO['rooms'][1]['topic']}
    assert plan['plan']['rooms']['update'][room]['changes']['topic'] == expected
    assert writes(emulator) == []


def ansible_python():
    import sys  # pylint: disable=import-outside-toplevel
    return sys.executable


def connection_env(emulator, credentials, tmp_path, cache='cache'):
    return {'AVD_SERVER_URL': emulator.url, 'AVD_ACCESS_KEY': credentials['access_key'],
            'AVD_SECRET_KEY': credentials['secret_key'], 'AVD_CACHE_DIR': str(tmp_path / cache)}


def test_a_fresh_runner_plans_and_applies_the_same_environment(ansible, emulator, credentials, tmp_path):
    """The issue's reproduction: applied from one runner, then planned and applied from another with an empty cache."""
    control(emulator, '/reset', 'POST')
    demo(ansible, emulator, credentials, tmp_path, 'demo-first-runner', cache='runner-1')
    before = control(emulator, '/state')['avd']
    control(emulator, '/requests', 'DELETE')

    plan = demo(ansible, emulator, credentials, tmp_path, 'demo-fresh-runner-check', '--check', '--diff', cache='runner-2')
    assert plan.recap()['changed'] == 0 and plan.recap()['failed'] == 0
    assert 'file_permits: 1 unknown' in plan.output
    apply = demo(ansible, emulator, credentials, tmp_path, 'demo-fresh-runner-apply', cache='runner-3')
    assert apply.recap()['changed'] == 0 and apply.recap()['failed'] == 0

    after = control(emulator, '/state')['avd']
    for kind in ('sip_gates', 'sip_accounts', 'rooms', 'file_permits', 'uploads'):
        assert after[kind] == before[kind], kind
    # Of the writes, only the file permit is sent again (its state cannot be read; applying it again is harmless).
    assert writes(emulator) == ['/sdkapi/v2/app/apply_file_permit']
