# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The GitOps workflow on the demo playbook: a pull request's --check --diff, the merge's run, a no-op re-run."""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
DEMO_VARS = yaml.safe_load((REPO / 'playbooks' / 'vars' / 'demo.yml').read_text())
DEMO_PASSWORDS = yaml.safe_load((REPO / 'playbooks' / 'vars' / 'demo_secrets.yml').read_text())['vault_sip_passwords']
READ_CALL = re.compile(r'/(read|list|get_[a-z_]+)$|^/attachment')


def control(emulator, path, method='GET'):
    request = urllib.request.Request(emulator.url + '/_emulator' + path, method=method, data=b'' if method == 'POST' else None)
    with urllib.request.urlopen(request) as response:
        text = response.read().decode()
    return json.loads(text) if text else None


def demo(ansible, emulator, credentials, tmp_path, name, *options, cache='cache'):
    run = ansible('ansible-playbook', ['-i', 'localhost,', '-e', 'avd_server_url=%s' % emulator.url,
                                       '-e', 'avd_access_key=%s' % credentials['access_key'],
                                       '-e', 'avd_secret_key=%s' % credentials['secret_key']]
                  + list(options) + ['playbooks/demo.yml'], name, env={'AVD_CACHE_DIR': str(tmp_path / cache)})
    assert run.rc == 0, run.output[-6000:]
    for password in DEMO_PASSWORDS.values():
        assert password not in run.output, 'a SIP password leaked into %s' % run.log
    return run


def test_pull_request_merge_rerun(ansible, emulator, credentials, tmp_path):
    control(emulator, '/reset', 'POST')

    review = demo(ansible, emulator, credentials, tmp_path, 'demo-check-diff', '--check', '--diff')
    writes = [r['path'] for r in control(emulator, '/requests') if not READ_CALL.search(r['path'].replace('/sdkapi/v2', ''))]
    assert writes == [], 'check mode wrote to the server: %s' % writes
    state = control(emulator, '/state')['avd']
    assert state['sip_gates'] == [] and state['sip_accounts'] == [] and state['rooms'] == {}
    looped = ('sip_gates', 'sip_accounts', 'rooms', 'media_files')
    changed_tasks = len(looped)  # the file permit is unknown, not a change: the API cannot read it back
    changed_items = sum(len(DEMO_VARS[name]) for name in looped)
    assert review.recap()['changed'] == changed_tasks
    assert len(re.findall(r'^changed: \[localhost\] => \(item=', review.output, re.M)) == changed_items
    # The reviewer reads the objects to be created in the diff.
    for gate in DEMO_VARS['sip_gates']:
        assert re.search(r'^\+\s+"url": "%s"' % re.escape(gate['url']), review.output, re.M), gate
    for room in DEMO_VARS['rooms']:
        assert re.search(r'^\+\s+"topic": "%s"' % re.escape(room['topic']), review.output, re.M), room

    merge = demo(ansible, emulator, credentials, tmp_path, 'demo-apply', '--diff')
    assert merge.recap()['changed'] == changed_tasks
    assert len(re.findall(r'^changed: \[localhost\] => \(item=', merge.output, re.M)) == changed_items
    state = control(emulator, '/state')['avd']
    assert sorted(g['name'] for g in state['sip_gates']) == sorted(g['name'] for g in DEMO_VARS['sip_gates'])
    assert sorted(a['number'] for a in state['sip_accounts']) == sorted(a['number'] for a in DEMO_VARS['sip_accounts'])
    assert sorted(state['rooms']) == sorted(r['room_id'] for r in DEMO_VARS['rooms'])
    assert len(state['file_permits']) == 1 and len(state['uploads']) == 1

    rerun = demo(ansible, emulator, credentials, tmp_path, 'demo-rerun')
    assert rerun.recap()['changed'] == 0

    drift = demo(ansible, emulator, credentials, tmp_path, 'demo-drift-check', '--check', '--diff')
    assert drift.recap()['changed'] == 0


def test_a_fresh_runner_plans_and_applies_the_same_environment(ansible, emulator, credentials, tmp_path):
    """The issue's reproduction: applied from one runner, then planned and applied from another with an empty cache."""
    control(emulator, '/reset', 'POST')
    demo(ansible, emulator, credentials, tmp_path, 'demo-first-runner', cache='runner-1')
    before = control(emulator, '/state')['avd']
    control(emulator, '/requests', 'DELETE')

    plan = demo(ansible, emulator, credentials, tmp_path, 'demo-fresh-runner-check', '--check', '--diff', cache='runner-2')
    assert plan.recap()['changed'] == 0 and plan.recap()['failed'] == 0
    apply = demo(ansible, emulator, credentials, tmp_path, 'demo-fresh-runner-apply', cache='runner-3')
    assert apply.recap()['changed'] == 0 and apply.recap()['failed'] == 0

    after = control(emulator, '/state')['avd']
    for kind in ('sip_gates', 'sip_accounts', 'rooms', 'file_permits', 'uploads'):
        assert after[kind] == before[kind], kind
    # Of the writes, only the file permit is sent again (its state cannot be read; applying it again is harmless).
    writes = [r['path'] for r in control(emulator, '/requests') if not READ_CALL.search(r['path'].replace('/sdkapi/v2', ''))]
    assert writes == ['/sdkapi/v2/app/apply_file_permit'], writes
