# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The avd_environment role as a team uses it: input checked before any request, a running server adopted into git
(export, then applied back without a change), and an inventory of several servers applied in parallel."""

from __future__ import annotations

import json
import re
import secrets
import sys
import textwrap
import urllib.request
from pathlib import Path

import pytest
import yaml

from rtcops_emulator import Emulator

REPO = Path(__file__).resolve().parents[2]
DEMO = yaml.safe_load((REPO / 'playbooks' / 'vars' / 'demo.yml').read_text())['avd_environment']
DEMO_SECRETS = REPO / 'playbooks' / 'vars' / 'demo_secrets.yml'
DEMO_PASSWORDS = yaml.safe_load(DEMO_SECRETS.read_text())['vault_sip_passwords']


def control(emulator, path, method='GET'):
    request = urllib.request.Request(emulator.url + '/_emulator' + path, method=method, data=b'' if method == 'POST' else None)
    with urllib.request.urlopen(request) as response:
        text = response.read().decode()
    return json.loads(text) if text else None


def write_play(path, body, hosts='localhost', vars_files=(), role_tasks='main', extra=''):
    """A play that applies the role the way a user's site.yml does: the connection in module_defaults."""
    play = textwrap.dedent('''\
        - hosts: {hosts}
          connection: local
          gather_facts: false
          vars_files: {vars_files}
          module_defaults:
            group/rtcops.conference.avd:
              server_url: "{{{{ avd_server_url }}}}"
              access_key: "{{{{ avd_access_key }}}}"
              secret_key: "{{{{ avd_secret_key }}}}"
              cache_dir: "{{{{ avd_cache_dir }}}}"
          tasks:
            - name: The environment
              ansible.builtin.include_role:
                name: rtcops.conference.avd_environment
                tasks_from: {role_tasks}
        ''').format(hosts=hosts, vars_files=json.dumps([str(v) for v in vars_files]), role_tasks=role_tasks)
    path.write_text(play + extra + body)
    return path


def run_play(ansible, name, play, emulator, credentials, tmp_path, *options, cache='cache', inventory='localhost,'):
    arguments = ['-i', str(inventory), '-e', 'ansible_python_interpreter=%s' % sys.executable,
                 '-e', 'avd_server_url=%s' % emulator.url, '-e', 'avd_access_key=%s' % credentials['access_key'],
                 '-e', 'avd_secret_key=%s' % credentials['secret_key'], '-e', 'avd_cache_dir=%s' % (tmp_path / cache)]
    return ansible('ansible-playbook', arguments + list(options) + [str(play)], name)


def test_bad_input_fails_before_any_request(ansible, emulator, credentials, tmp_path):
    control(emulator, '/reset', 'POST')
    variables = tmp_path / 'bad.yml'
    variables.write_text(yaml.safe_dump({'avd_environment': {
        'sip_gates': [{'name': 'hq-pbx', 'url': '10.20.0.5:5060'}],
        'sip_accounts': [{'name': 'no number', 'sip_gate': 'hq-pbx'}],
        'rooms': [{'room_id': '20250000001', 'user_id': '16', 'enable_auto_avc': 'sometimes'}],
    }}))
    play = write_play(tmp_path / 'bad-play.yml', '', vars_files=[variables])
    run = run_play(ansible, 'role-bad-input', play, emulator, credentials, tmp_path)
    assert run.rc != 0
    assert 'number' in run.output and 'sip_accounts' in run.output
    assert 'enable_auto_avc' in run.output
    assert control(emulator, '/requests') == []


def test_export_adopts_a_running_server(ansible, emulator, credentials, tmp_path):
    control(emulator, '/reset', 'POST')
    demo = ansible('ansible-playbook', ['-i', 'localhost,', '-e', 'avd_server_url=%s' % emulator.url,
                                        '-e', 'avd_access_key=%s' % credentials['access_key'],
                                        '-e', 'avd_secret_key=%s' % credentials['secret_key'],
                                        '-e', 'ansible_python_interpreter=%s' % sys.executable, 'playbooks/demo.yml'],
                   'role-export-setup', env={'AVD_CACHE_DIR': str(tmp_path / 'creator')})
    assert demo.rc == 0, demo.output[-4000:]
    before = control(emulator, '/state')['avd']
    control(emulator, '/requests', 'DELETE')

    # A colleague's machine, which never saw the server: it names the rooms the team knows of.
    exported = tmp_path / 'exported.yml'
    play = write_play(tmp_path / 'export.yml', '', role_tasks='export')
    rooms = ','.join(r['room_id'] for r in DEMO['rooms'])
    run = run_play(ansible, 'role-export', play, emulator, credentials, tmp_path, '-e', 'avd_environment_export_file=%s' % exported,
                   '-e', '{"avd_environment_export_room_ids": %s}' % json.dumps(rooms.split(',')), cache='colleague')
    assert run.rc == 0, run.output[-4000:]
    text = exported.read_text()
    for password in DEMO_PASSWORDS.values():
        assert password not in text
    assert 'vault_sip_passwords' in text
    environment = yaml.safe_load(text)['avd_environment']
    assert sorted(g['name'] for g in environment['sip_gates']) == sorted(g['name'] for g in DEMO['sip_gates'])
    assert sorted((a['number'], a['sip_gate'], a['account_id']) for a in environment['sip_accounts']) == sorted(
        (a['number'], [g['name'] for g in before['sip_gates'] if g['gate_id'] == a['sip_gate_id']][0], a['account_id'])
        for a in before['sip_accounts'])
    assert sorted(r['room_id'] for r in environment['rooms']) == sorted(r['room_id'] for r in DEMO['rooms'])
    assert [w for w in control(emulator, '/requests') if not w['path'].endswith(('/read', '/list', '/get_token'))] == []

    # Applied back, with the passwords from the vault, by yet another fresh runner: nothing changes.
    play = write_play(tmp_path / 'apply-exported.yml', '', vars_files=[exported, DEMO_SECRETS])
    check = run_play(ansible, 'role-export-check', play, emulator, credentials, tmp_path, '--check', '--diff', cache='third')
    assert check.rc == 0, check.output[-4000:]
    assert check.recap()['changed'] == 0
    apply = run_play(ansible, 'role-export-apply', play, emulator, credentials, tmp_path, cache='fourth')
    assert apply.rc == 0, apply.output[-4000:]
    assert apply.recap()['changed'] == 0
    after = control(emulator, '/state')['avd']
    for kind in ('sip_gates', 'sip_accounts', 'rooms'):
        assert after[kind] == before[kind], kind


def recap(run):
    """``{host: (changed, failed)}`` from the play recap."""
    found = re.findall(r'^(\S+)\s*:\s*ok=\d+\s+changed=(\d+)\s+unreachable=\d+\s+failed=(\d+)', run.output, re.M)
    return dict((host, (int(changed), int(failed))) for host, changed, failed in found)


@pytest.fixture
def three_servers(tmp_path):
    servers = []
    for name in ('avd-east', 'avd-west', 'avd-lab'):
        keys = {'access_key': 'ak-%s-%s' % (name, secrets.token_hex(3)), 'secret_key': 'SK+%s/%s' % (name, secrets.token_urlsafe(8))}
        emulator = Emulator(data_dir=str(tmp_path / ('data-' + name)), **keys)
        emulator.start()
        servers.append((name, emulator, keys))
    yield servers
    for dummy, emulator, dummy in servers:
        emulator.stop()


def test_several_servers_in_parallel_never_mix(ansible, emulator, credentials, tmp_path, three_servers):
    inventory = {'all': {'children': {'avd_servers': {'hosts': {}}}}}
    for name, server, keys in three_servers:
        inventory['all']['children']['avd_servers']['hosts'][name] = {
            'avd_server_url': server.url, 'avd_access_key': keys['access_key'], 'avd_secret_key': keys['secret_key'],
            # A room that only this server has, besides the shared environment.
            'avd_environment': dict(DEMO, uploads=[], rooms=DEMO['rooms'] + [
                {'room_id': '3%010d' % (len(name) * 1000 + sum(map(ord, name))), 'topic': 'only on %s' % name, 'user_id': '1'}]),
            'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable,
        }
    hosts = tmp_path / 'inventory.yml'
    hosts.write_text(yaml.safe_dump(inventory))
    play = tmp_path / 'site.yml'
    play.write_text(textwrap.dedent('''\
        - hosts: avd_servers
          gather_facts: false
          vars_files: ["%s"]
          module_defaults:
            group/rtcops.conference.avd:
              server_url: "{{ avd_server_url }}"
              access_key: "{{ avd_access_key }}"
              secret_key: "{{ avd_secret_key }}"
              cache_dir: "%s"
          roles:
            - rtcops.conference.avd_environment
        ''') % (DEMO_SECRETS, tmp_path / 'shared-cache'))

    def site(name, *options):
        run = ansible('ansible-playbook', ['-i', str(hosts), '-f', '3'] + list(options) + [str(play)], name)
        leaked = [value for dummy, server, keys in three_servers for value in [keys['secret_key']] + server.issued_tokens()
                  if value in run.output]
        assert not leaked, 'a secret of one of the servers leaked into %s' % run.log
        assert run.rc == 0, run.output[-4000:]
        return run

    first = site('role-three-servers')
    for name, server, keys in three_servers:
        state = control(server, '/state')['avd']
        assert sorted(g['name'] for g in state['sip_gates']) == sorted(g['name'] for g in DEMO['sip_gates']), name
        assert sorted(a['number'] for a in state['sip_accounts']) == sorted(a['number'] for a in DEMO['sip_accounts'])
        own = [r for r in state['rooms'].values() if r['topic'].startswith('only on')]
        assert [r['topic'] for r in own] == ['only on %s' % name], name
        assert state['tokens_issued'] == 1, name  # one token per server, never another server's
    assert recap(first) == dict((name, (1, 0)) for name, dummy, dummy in three_servers)
    cache = tmp_path / 'shared-cache'
    assert len(list((cache / 'tokens').glob('avd-*.json'))) == 3
    assert len(list((cache / 'records').glob('avd-*.json'))) == 3

    again = site('role-three-servers-again')
    assert recap(again) == dict((name, (0, 0)) for name, dummy, dummy in three_servers)
    for name, server, keys in three_servers:
        assert control(server, '/state')['avd']['tokens_issued'] == 1, name
