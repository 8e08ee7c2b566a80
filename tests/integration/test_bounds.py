# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Time and size bounds through a real ansible-playbook run against the emulator: a failure that cannot heal is sent
once and explained, a slow or huge answer ends the call, and task_timeout ends a task that keeps retrying.

Attempts are counted in the emulator's request log, never timed. One play runs every case (a playbook run costs
seconds), and the test reports every case that went wrong, not only the first.
"""

from __future__ import annotations

import json
import textwrap

GATE_LIST = '/sdkapi/v2/sip/gate/list'
GATE_INFO = 'rtcops.conference.avd_sip_gate_info'

# name: (fault, module, its options, the environment of its task)
CASES = {
    'drip': ({'path': GATE_LIST, 'kind': 'drip', 'bytes_per_second': 4, 'count': 10}, GATE_INFO, {'timeout': 2}, {}),
    'oversize': ({'path': GATE_LIST, 'kind': 'oversize', 'size': 100 * 1024 * 1024, 'count': 10}, GATE_INFO, {}, {}),
    'status_404': ({'path': GATE_LIST, 'kind': 'http_status', 'status': 404, 'count': 10}, GATE_INFO, {}, {}),
    'status_400': ({'path': GATE_LIST, 'kind': 'http_status', 'status': 400, 'count': 10}, GATE_INFO, {}, {}),
    'redirect': ({'path': GATE_LIST, 'kind': 'redirect', 'location': 'file:///etc/passwd', 'count': 10}, GATE_INFO, {}, {}),
    'task_timeout': ({'path': GATE_LIST, 'kind': 'http_503', 'count': 1000}, GATE_INFO, {'task_timeout': 3}, {}),
    'task_timeout_env': ({'path': GATE_LIST, 'kind': 'http_503', 'count': 1000}, GATE_INFO, {}, {'AVD_TASK_TIMEOUT': '3'}),
    'upload_413': ({'path': '/uploadfile', 'kind': 'http_status', 'status': 413, 'count': 10}, 'rtcops.conference.avd_upload',
                   {'src': '{{ work }}/logo.png', 'path': '/docs/logo.png'}, {}),
}
# Cases that never reach the emulator: name: (module, options)
UNREACHABLE = {
    'unknown_host': (GATE_INFO, {'server_url': 'http://nonexistent.invalid:9610'}),
    'topvdn_unknown_host': ('rtcops.conference.topvdn_snapshot', {
        'api_url': 'http://nonexistent.invalid', 'client_id': 10000415, 'client_token': 'not-used', 'dest': '{{ work }}'}),
}


def _task(name, module, options, environment=None):
    text = '- name: %s\n  %s: %s\n  register: %s\n  ignore_errors: true\n' % (name, module, json.dumps(options), name)
    return text + ('  environment: %s\n' % json.dumps(environment) if environment else '')


def _control(name, path, method='GET', body=None):
    text = '- name: %s\n  ansible.builtin.uri:\n    url: "{{ avd_server_url }}/_emulator/%s"\n    method: %s\n' % (
        name, path, method)
    if body is not None:
        text += '    body_format: json\n    body: %s\n' % json.dumps(body)
    return text


def _case(name, fault, module, options, environment):
    return ''.join([
        _control('Reset the emulator (state, faults, request log) for %s' % name, 'reset', 'POST'),
        _control('Inject the fault of %s' % name, 'faults', 'POST', fault),
        _task(name, module, options, environment),
        _control('Requests of %s' % name, 'requests') + '    return_content: true\n  register: %s_log\n  no_log: true\n' % name,
    ])


def _play(work):
    tasks = ''.join(_case(name, *case) for name, case in CASES.items())
    tasks += ''.join(_task(name, module, options) for name, (module, options) in UNREACHABLE.items())
    kept = ', '.join("'%s': [%s, %s]" % (name, name, '%s_log.json' % name if name in CASES else '[]')
                     for name in list(CASES) + list(UNREACHABLE))
    tasks += ('- name: Keep the outcomes\n  ansible.builtin.copy:\n    dest: "{{ work }}/outcomes.json"\n'
              '    content: "{{ {%s} | to_json }}"\n' % kept)
    return textwrap.dedent('''\
        - hosts: localhost
          gather_facts: false
          module_defaults:
            group/rtcops.conference.avd:
              server_url: "{{ avd_server_url }}"
              access_key: "{{ avd_access_key }}"
              secret_key: "{{ avd_secret_key }}"
              cache_dir: "{{ work }}/cache"
          tasks:
        ''') + textwrap.indent(tasks, '    ')


def _problems(name, result, requests, path=GATE_LIST, attempts=1, words=()):
    """What is wrong with the outcome of case ``name``: it must fail after ``attempts`` requests of ``path``, its
    message holding each of ``words`` and neither a traceback nor an exception's class name."""
    found = []
    message = result.get('msg', '')
    if not result.get('failed'):
        found.append('%s did not fail: %s' % (name, result))
    if 'Traceback' in message or 'Error:' in message:
        found.append('%s shows exception text: %s' % (name, message))
    if attempts is not None and requests.count(path) != attempts:
        found.append('%s: %d requests of %s, expected %d: %s' % (name, requests.count(path), path, attempts, requests))
    found.extend('%s: %r not in %r' % (name, word, message) for word in words if word not in message)
    return found


def test_failures_that_cannot_heal_are_sent_once_and_bounds_end_what_could_go_on(ansible, emulator, credentials, tmp_path):
    (tmp_path / 'logo.png').write_bytes(b'\x89PNG\r\n\x1a\n' + b'\0' * 4096)
    (tmp_path / 'bounds.yml').write_text(_play(tmp_path))
    (tmp_path / 'vars.json').write_text(json.dumps({
        'avd_server_url': emulator.url, 'avd_access_key': credentials['access_key'],
        'avd_secret_key': credentials['secret_key'], 'work': str(tmp_path)}))
    run = ansible('ansible-playbook', ['-i', 'localhost,', '-c', 'local', '-e', '@%s' % (tmp_path / 'vars.json'),
                                       str(tmp_path / 'bounds.yml')], 'bounds')
    assert run.rc == 0, run.output[-6000:]
    outcomes = dict((name, (result, [entry['path'] for entry in log]))
                    for name, (result, log) in json.loads((tmp_path / 'outcomes.json').read_text()).items())

    problems = []
    problems += _problems('drip', *outcomes['drip'], words=['AVD call /sip/gate/list', 'no complete answer within 2 s (timeout)'])
    problems += _problems('oversize', *outcomes['oversize'], words=['/sip/gate/list', 'answer larger than 16 MiB'])
    problems += _problems('status_404', *outcomes['status_404'], words=['AVD call /sip/gate/list failed: not found (HTTP 404)'])
    problems += _problems('status_400', *outcomes['status_400'], words=['AVD call /sip/gate/list failed with HTTP status 400'])
    problems += _problems('redirect', *outcomes['redirect'],
                          words=['AVD call /sip/gate/list was redirected (HTTP 302 to file:///etc/passwd)'])
    problems += _problems('upload_413', *outcomes['upload_413'], path='/uploadfile',
                          words=['AVD call /uploadfile failed: request too large (HTTP 413)'])
    for name in UNREACHABLE:
        result = outcomes[name][0]
        problems += _problems(name, result, [], attempts=None, words=['name not found: nonexistent.invalid', 'not retried'])
        if 'attempts' in result.get('msg', ''):
            problems.append('%s was attempted more than once: %s' % (name, result['msg']))
    for name in ('task_timeout', 'task_timeout_env'):
        result, requests = outcomes[name]
        attempts = requests.count(GATE_LIST)
        problems += _problems(name, result, requests, attempts=None, words=[
            'AVD call /sip/gate/list', 'gave up after %d attempts' % attempts,
            'another attempt would end after the task_timeout of 3 s'])
        if attempts < 2:
            problems.append('%s: a 503 was not retried at all: %s' % (name, requests))
    assert problems == []
