# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Every plugin's error paths, run by ansible-playbook with secrets shaped to leak: none may show up in the output.

The secrets hold '+', '/', '%' and '&' (which URL and form encodings change) and are given the way a vault's block
scalar gives them, with surrounding spaces and a trailing newline (which JSON and ``repr`` escape). Each plugin meets:

* wrong credentials: the vendor refuses them;
* a credential with a space and a line break inside: refused before any request, naming the option;
* a vendor error whose message echoes the credential back (an injected ``ret`` fault);
* an HTTP error page that is not retried (413);
* with -vvv also an unreachable server and a server that answers every request with HTTP 500, for one plugin of each
  family (the transport and its retries are the family's): both are retried until the retry deadline (30 s, 60 s for
  AVD), so these tasks run in the background, all at once.

The run happens at default verbosity and at -vvv. Its output is searched for every secret in every form (as given,
stripped, each line, percent-encoded, JSON-escaped, ``repr``), and each task must have failed with a message that
names the option or the call and holds no traceback or exception class.
"""

from __future__ import annotations

import json
import re
import secrets
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from rtcops_emulator import Emulator

BIN = Path(sys.executable).parent
OUTPUT = Path(__file__).resolve().parents[2] / 'tests' / 'output' / 'integration'

ROOM_UUID = 'faed3130727911ebaea37759ee91947c'
TOPVDN_DEVICE = 10000415
PNG = bytes.fromhex('89504e470d0a1a0a0000000d4948445200000001000000010806000000'
                    '1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082')


def _core(prefix):
    return '%s+%s/%s%%2F&%s=x' % (prefix, secrets.token_hex(5), secrets.token_hex(4), secrets.token_hex(4))


def _vaulted(core):
    """The credential as a vault's block scalar or a careless copy gives it."""
    return '  %s \n' % core


def _broken(core):
    """A credential with whitespace inside, which no vendor issues."""
    return '%s \n%s' % (core[:12], core[12:])


VENDORS = ('avd', 'topvdn', 'netless', 'wilddog', 'anyrtc')
CORES = dict((vendor, _core(vendor.upper()[:3])) for vendor in VENDORS)
WRONG = dict((vendor, _core('WRONG' + vendor.upper()[:3])) for vendor in VENDORS)
# Not credentials but no_log values all the same: a SIP password and the storage keys of a recording.
OTHER_SECRETS = {'sip_password': 'sip pass+/%&\n' + secrets.token_hex(4), 'storage_secret': _core('STO') + '\n',
                 'push_url': 'rtmp://cdn.example/live/' + _core('KEY')}  # a live stream's key travels in its URL


def forms(secret):
    """Every shape of ``secret`` that must not appear in any output."""
    bases = set((secret, secret.strip()))
    bases.update(line.strip() for line in secret.splitlines() if len(line.strip()) >= 6)
    shown = set()
    for base in bases:
        shown.update((base, quote(base, safe=''), quote(base), quote_plus(base), json.dumps(base)[1:-1], repr(base)[1:-1]))
    return shown


def all_secrets():
    values = list(OTHER_SECRETS.values())
    for vendor in VENDORS:
        values += [CORES[vendor], _vaulted(CORES[vendor]), _broken(CORES[vendor]), _vaulted(WRONG[vendor])]
    return values


def _control(emulator, path, body, method='POST'):
    request = urllib.request.Request(emulator.url + path, data=json.dumps(body).encode() if body is not None else None,
                                     method=method, headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read()


@pytest.fixture(scope='module')
def vendor_server(tmp_path_factory):
    emulator = Emulator(access_key='ak-secrets', secret_key=CORES['avd'],
                        data_dir=str(tmp_path_factory.mktemp('secrets-emulator')))
    emulator.start()
    yield emulator
    emulator.stop()


def _closed_port():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def _register_vendors(emulator):
    _control(emulator, '/_emulator/reset', {})
    _control(emulator, '/_emulator/topvdn/devices', {'client_id': TOPVDN_DEVICE, 'client_token': CORES['topvdn']})
    _control(emulator, '/_emulator/netless/rooms', {'uuid': ROOM_UUID, 'tokens': {CORES['netless']: 'writer'}})
    _control(emulator, '/_emulator/wilddog/apps', {'app_id': 'wildrtc', 'admin_token': CORES['wilddog'],
                                                   'rooms': {'112233': ['stream-a']}})
    _control(emulator, '/_emulator/wilddog/config', {'rate_window': 0, 'image_delay': 0})
    _control(emulator, '/_emulator/anyrtc/apps', {'app_id': 'artc-app', 'customer_id': 'artc-customer',
                                                  'customer_certificate': CORES['anyrtc'],
                                                  'channels': {'standup': ['101']}, 'recording_enabled': True})


# Each plugin: its family, its arguments besides the connection, and the paths of its vendor's calls (for faults).
def plugins(work_dir):
    image = str(work_dir / 'cover.png')
    storage = {'vendor': 2, 'region': 1, 'bucket': 'recordings', 'accessKey': 'AKIDEXAMPLE',
               'secretKey': '{{ other.storage_secret }}'}
    return [
        ('avd_licence_info', 'avd', {'gather': ['licence']}),
        ('avd_room', 'avd', {'room_id': '10000000001', 'topic': 'secrets'}),
        ('avd_room_info', 'avd', {'room_id': '10000000001'}),
        ('avd_sip_gate', 'avd', {'name': 'gw', 'url': '10.20.0.5:5060'}),
        ('avd_sip_gate_info', 'avd', {}),
        ('avd_sip_account', 'avd', {'number': '8001', 'name': 'reception', 'sip_gate': 'gw',
                                    'password': '{{ other.sip_password }}'}),
        ('avd_file_permit', 'avd', {'licence_cert': 'LICENCE-CERT-EXAMPLE'}),
        ('avd_upload', 'avd', {'src': image}),
        ('avd_recording', 'avd', {'room_id': '10000000001', 'state': 'started'}),
        ('avd_recording_info', 'avd', {'room_id': '10000000001'}),
        ('avd_environment', 'avd', {'sip_gates': [{'name': 'gw', 'url': '10.20.0.5:5060'}]}),
        ('avd_environment_info', 'avd', {'room_ids': ['10000000001']}),
        ('avd_live', 'avd', {'room_id': '10000000001', 'user_id': '16', 'push_url': '{{ other.push_url }}'}),
        ('avd_avc', 'avd', {'room_id': '10000000001', 'max_video_number': 4, 'layout_mode': 1}),
        ('avd_media_player', 'avd', {'room_id': '10000000001', 'name': 'intro', 'url': 'rtmp://media.example/live/intro'}),
        ('avd_device', 'avd', {'room_id': '10000000001', 'url': 'sip:1001@10.0.0.1', 'wait_timeout': 5}),
        ('avd_participant', 'avd', {'room_id': '10000000001', 'user_id': '17', 'state': 'absent'}),
        ('avd_meeting_info', 'avd', {'room_id': '10000000001', 'start_time': 1764547200, 'end_time': 1764633600,
                                     'chat_log': True}),
        ('topvdn_snapshot', 'topvdn', {'client_id': TOPVDN_DEVICE, 'dest': str(work_dir / 'covers')}),
        ('topvdn_snapshot_upload', 'topvdn', {'client_id': TOPVDN_DEVICE, 'src': image}),
        ('netless_screenshot', 'netless', {'room_uuid': ROOM_UUID, 'width': 64, 'height': 48,
                                           'dest': str(work_dir / 'boards')}),
        ('wilddog_snapshot', 'wilddog', {'app_id': 'wildrtc', 'room_id': '112233', 'dest': str(work_dir / 'shots')}),
        ('anyrtc_recording', 'anyrtc', {'app_id': 'artc-app', 'customer_id': 'artc-customer', 'cname': 'standup',
                                        'uid': '527841', 'storage_config': storage}),
    ]


CREDENTIAL = {'avd': 'secret_key', 'topvdn': 'client_token', 'netless': 'token', 'wilddog': 'token',
              'anyrtc': 'customer_secret'}
URL_OPTION = {'avd': 'server_url', 'topvdn': 'api_url', 'netless': 'api_url', 'wilddog': 'api_url', 'anyrtc': 'api_url'}
# The URL paths of each plugin's calls, for its faults; no two plugin families share one.
FAULT_PATHS = {'avd_upload': '/uploadfile', 'topvdn_snapshot': '/v2/snapshots/*', 'topvdn_snapshot_upload': '/v2/devices/*',
               'netless_screenshot': '/v5/*', 'wilddog_snapshot': '/v2/snapshot', 'anyrtc_recording': '/v1/apps/*'}
# An error code of each vendor that is not retried, with its message echoing the credential back.
VENDOR_ERRORS = {'avd': 40002, 'topvdn': 400, 'netless': 400, 'wilddog': 41201, 'anyrtc': 2}
# What each family's message names for a vendor's refusal of the credentials.
REFUSAL_WORDS = {'avd': 'get_token', 'topvdn': '401', 'netless': '401', 'wilddog': '41202', 'anyrtc': '401'}


def _connection(family, url, credential):
    args = {URL_OPTION[family]: url, CREDENTIAL[family]: credential}
    if family == 'avd':
        args.update(access_key='ak-secrets', cache_dir='{{ cache_dir }}')
    return args


class Phase:
    """One ansible-playbook run: the faults added before it, its tasks, and the words each registered failure's
    message must hold (``{register name: [words]}``)."""

    def __init__(self, name, faults=()):
        self.name = name
        self.faults = list(faults)
        self.tasks = []
        self.expected = {}

    def failing(self, name, plugin, args, words, **task_options):
        task = {'name': name, 'rtcops.conference.%s' % plugin: args, 'register': name, 'ignore_errors': True}
        task.update(task_options)
        self.tasks.append(task)
        self.expected[name] = words

    def play(self, results):
        tasks = self.tasks + [{'name': 'Keep the results for the test', 'ansible.builtin.copy': {
            'dest': str(results), 'mode': '0600',
            'content': '{{ {%s} | to_json }}' % ', '.join("'%s': %s" % (name, name) for name in self.expected)}}]
        return [{'name': self.name, 'hosts': 'localhost', 'gather_facts': False, 'tasks': tasks}]


def phases(url, work_dir, background):
    # Without faults: the vendor refuses the credentials, or the plugin refuses them before any request.
    refused = Phase('Wrong credentials, and credentials with whitespace inside')
    for plugin, family, args in plugins(work_dir):
        if plugin != 'avd_upload':  # /uploadfile takes no credentials (Q-AVD-66)
            refused.failing('%s__wrong_credentials' % plugin, plugin,
                            dict(args, **_connection(family, url, "{{ wrong['%s'] }}" % family)), [REFUSAL_WORDS[family]])
        refused.failing('%s__credential_with_whitespace_inside' % plugin, plugin,
                        dict(args, **_connection(family, url, "{{ broken['%s'] }}" % family)),
                        [CREDENTIAL[family], 'line breaks'])
    lookup = "{{ lookup('rtcops.conference.avd_token', server_url=%r, access_key='ak-secrets', secret_key=%s, " \
             "cache_dir=cache_dir) }}"
    for name, server, secret, words in (
            ('avd_token__wrong_credentials', url, "wrong['avd']", ['get_token']),
            ('avd_token__credential_with_whitespace_inside', url, "broken['avd']", ['secret_key', 'line breaks']),
            ('avd_token__tls_to_a_plain_server', url.replace('http://', 'https://'), "vaulted['avd']", ['TLS'])):
        refused.tasks.append({'name': name, 'ansible.builtin.set_fact': {'avd_token_value': lookup % (server, secret)},
                              'register': name, 'ignore_errors': True})
        refused.expected[name] = words

    # With the right credentials: a vendor error echoing the credential, then an HTTP error page, for each plugin
    # (the faults of one path are consumed in the order they were added, which is the order of the tasks).
    answered = Phase('Vendor errors and HTTP error pages')
    for plugin, family, args in plugins(work_dir):
        path = FAULT_PATHS.get(plugin, '/sdkapi/v2/*')
        answered.faults.append({'path': path, 'kind': 'ret', 'ret': VENDOR_ERRORS[family],
                                'msg': 'bad request: %s' % CORES[family]})
        answered.faults.append({'path': path, 'kind': 'http_status', 'status': 413})
        credential = "{{ vaulted['%s'] }}" % family
        answered.failing('%s__vendor_error' % plugin, plugin, dict(args, **_connection(family, url, credential)),
                         [str(VENDOR_ERRORS[family])])
        answered.failing('%s__http_error' % plugin, plugin, dict(args, **_connection(family, url, credential)), ['413'])
    result = [refused, answered]

    if background:
        # Retried until the deadline, so every plugin runs in the background at once.
        unreachable = 'http://127.0.0.1:%d' % _closed_port()
        paths = sorted(set(FAULT_PATHS.values()) | set(['/sdkapi/v2/*', '/uploadfile']))
        down = Phase('Unreachable servers and servers answering HTTP 500',
                     [{'path': path, 'kind': 'http_500', 'count': 100000} for path in paths])
        jobs = []
        families = set()
        for plugin, family, args in plugins(work_dir):
            if family in families:
                continue  # the transport and its retries are one per family; one plugin of each is enough here
            families.add(family)
            for case, server in (('unreachable', unreachable), ('http_500', url)):
                job = '%s__%s_job' % (plugin, case)
                down.tasks.append({'name': job, 'rtcops.conference.%s' % plugin: dict(args, **_connection(
                    family, server, "{{ vaulted['%s'] }}" % family)), 'register': job, 'async': 300, 'poll': 0})
                jobs.append((job, '%s__%s' % (plugin, case), ['attempts'] if case == 'unreachable' else ['500']))
        for job, name, words in jobs:
            down.tasks.append({'name': name, 'ansible.builtin.async_status': {'jid': '{{ %s.ansible_job_id }}' % job},
                               'register': name, 'until': '%s is finished' % name, 'retries': 150, 'delay': 1,
                               'ignore_errors': True})
            down.expected[name] = words
        result.append(down)
    return result


EXCEPTION_CLASS = re.compile(r'\b[A-Z][A-Za-z]*(Error|Exception)\b|Traceback|MODULE FAILURE')


@pytest.mark.parametrize('verbosity', ['default', '-vvv'])
def test_no_secret_in_any_output_of_any_error_path(vendor_server, ansible_env, tmp_path, verbosity):
    _register_vendors(vendor_server)
    (tmp_path / 'cover.png').write_bytes(PNG)
    variables = {
        'vaulted': dict((vendor, _vaulted(CORES[vendor])) for vendor in VENDORS),
        'broken': dict((vendor, _broken(CORES[vendor])) for vendor in VENDORS),
        'wrong': dict((vendor, _vaulted(WRONG[vendor])) for vendor in VENDORS),
        'other': OTHER_SECRETS,
        'cache_dir': str(tmp_path / 'cache'),
    }
    (tmp_path / 'vars.json').write_text(json.dumps(variables))
    OUTPUT.mkdir(parents=True, exist_ok=True)
    log = OUTPUT / ('secrets_everywhere%s.log' % ('' if verbosity == 'default' else verbosity))
    output = ''
    results = {}
    expected = {}
    for number, phase in enumerate(phases(vendor_server.url, tmp_path, background=verbosity != 'default')):
        _control(vendor_server, '/_emulator/faults', None, method='DELETE')
        for fault in phase.faults:
            _control(vendor_server, '/_emulator/faults', fault)
        play = tmp_path / ('phase%d.yml' % number)
        play.write_text(json.dumps(phase.play(tmp_path / ('results%d.json' % number)), indent=1))  # JSON is YAML
        command = [str(BIN / 'ansible-playbook'), '-i', 'localhost,', '-c', 'local', '-e', '@%s' % (tmp_path / 'vars.json'),
                   str(play)] + ([verbosity] if verbosity != 'default' else [])
        completed = subprocess.run(command, cwd=str(tmp_path), env=ansible_env, capture_output=True, text=True,
                                   timeout=900, check=False)
        output += completed.stdout + completed.stderr
        log.write_text(output)
        assert completed.returncode == 0, 'the play itself failed; see %s\n%s' % (log, output[-4000:])
        results.update(json.loads((tmp_path / ('results%d.json' % number)).read_text()))
        expected.update(phase.expected)
    _control(vendor_server, '/_emulator/faults', None, method='DELETE')

    leaked = sorted(set(form for secret in all_secrets() for form in forms(secret) if form in output))
    assert not leaked, '%d form(s) of secrets leaked into the output; see %s' % (len(leaked), log)
    problems = []
    for name, words in expected.items():
        result = results[name]
        message = str(result.get('msg', ''))
        if not result.get('failed'):
            problems.append('%s did not fail' % name)
        elif not all(word in message for word in words):
            problems.append('%s: %r does not name %s' % (name, message[:300], words))
        elif EXCEPTION_CLASS.search(message) or 'Traceback' in str(result.get('exception', '')):
            problems.append('%s: a traceback or exception class: %r' % (name, message[:300]))
    assert not problems, '\n'.join(problems) + '\nsee %s' % log
