#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Reconciling a whole environment, side by side in one run on the emulator: 20 gateways, 1,000 SIP accounts, 100 rooms.

1. A hand-written script that makes the minimal HTTP calls (one process, one keep-alive connection): creates only
   for the apply from empty, one read per object for the no-op run.
2. The avd_environment module as one process (the module file run with its arguments in a JSON file, as Ansible
   runs it, without Ansible's controller), and the avd_environment role through ansible-playbook: apply from empty,
   no-op re-run on the same runner, and the no-op run of a fresh runner (empty cache: one discovery of the accounts).
   Ansible's own start-up with the same variables loaded (a play of one debug task) is measured too and taken out for
   the "net" play figures, as bench_avd.py does. The environment lives in the inventory's group_vars, as in a GitOps
   repository. Target: at most 3x the script's time.
3. The same state applied with a ``loop:`` of the single-object modules, measured on a 10% sample (2 gateways,
   100 accounts, 10 rooms) and multiplied by 10. Target: the role at least 50x faster (whole plays compared).
4. API calls per object of the no-op runs, from the emulator's request log. Target: at most 1.
5. The discovery of SIP accounts on a 20 ms network (every account read delayed 20 ms by the emulator): calls and
   time for 1,000 and 10,000 accounts.

Run it with ``python3 tools/dev.py bench``. It prints numbers; it is not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / 'emulator'))

from rtcops_emulator import Emulator  # noqa: E402  pylint: disable=wrong-import-position

GATES, ACCOUNTS, ROOMS = 20, 1000, 100

HAND_SCRIPT = r'''
import http.client, json, sys, time
from urllib.parse import quote_plus, urlsplit
url, mode, env_file = sys.argv[1:4]
env = json.load(open(env_file))
parts = urlsplit(url)
connection = http.client.HTTPConnection(parts.hostname, parts.port)

def call(path, **params):
    connection.request('GET', '/sdkapi/v2' + path + '?' + '&'.join('%s=%s' % (k, quote_plus(str(v))) for k, v in params.items()))
    body = json.loads(connection.getresponse().read())
    assert body.get('ret', 0) == 0, body
    return body

token = call('/app/get_token', access_key='demo_access', secret_key='demo_secret')['token']
if mode == 'apply':
    gates = dict((g['name'], call('/sip/gate/create', token=token, **g)['gate_id']) for g in env['sip_gates'])
    for a in env['sip_accounts']:
        call('/sip/account/create', token=token, name=a['name'], password=a['password'], number=a['number'],
             sip_gate_id=gates[a['sip_gate']])
    for r in env['rooms']:
        call('/room/create', token=token, **r)
else:
    call('/sip/gate/list', token=token)
    for account_id in range(1, len(env['sip_accounts']) + 1):
        call('/sip/account/read', token=token, account_id=account_id, sip_gate_id=1)
    for r in env['rooms']:
        call('/room/read', token=token, room_id=r['room_id'])
'''


def environment(gates, accounts, rooms):
    return {
        'sip_gates': [{'name': 'gw-%02d' % i, 'url': '10.0.%d.1:5060' % i} for i in range(gates)],
        'sip_accounts': [{'number': str(100000 + i), 'name': 'account %d' % i, 'sip_gate': 'gw-%02d' % (i % gates),
                          'password': 'pw-%d-%s' % (i, 'x' * 8)} for i in range(accounts)],
        'rooms': [{'room_id': str(30000000000 + i), 'topic': 'room %d' % i, 'user_id': str(i % 50)} for i in range(rooms)],
    }


def control(emulator, path, method='GET', body=None):
    data = json.dumps(body).encode() if body is not None else (b'' if method == 'POST' else None)
    request = urllib.request.Request(emulator.url + '/_emulator' + path, method=method, data=data,
                                     headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(request) as response:
        text = response.read().decode()
    return json.loads(text) if text else None


class Bench:

    def __init__(self, work, emulator):
        self.work = Path(work)
        self.emulator = emulator
        link = self.work / 'collections' / 'ansible_collections' / 'rtcops' / 'conference'
        link.parent.mkdir(parents=True)
        link.symlink_to(REPO)
        self.env = dict((k, v) for k, v in os.environ.items() if not k.startswith(('AVD_', 'ANSIBLE_')))
        self.env.update({
            'ANSIBLE_COLLECTIONS_PATH': str(self.work / 'collections'),
            'ANSIBLE_PYTHON_INTERPRETER': sys.executable,
            'ANSIBLE_LOCAL_TEMP': str(self.work / 'local-tmp'),
            'ANSIBLE_REMOTE_TMP': str(self.work / 'remote-tmp'),
            'ANSIBLE_HOME': str(self.work / 'home'),
            'ANSIBLE_NOCOLOR': '1',
            'ANSIBLE_LOCALHOST_WARNING': 'false',
        })
        self.bin = Path(sys.executable).parent

    def timed(self, name, command):
        started = time.perf_counter()
        done = subprocess.run(command, env=self.env, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit('%s failed:\n%s' % (name, (done.stdout + done.stderr)[-4000:]))
        return elapsed

    def play(self, name, tasks, inventory, cache):
        """Time a play on ``inventory`` (a directory whose group_vars hold the environment, as a GitOps repository has)."""
        path = self.work / ('%s.yml' % name)
        path.write_text(textwrap.dedent('''\
            - hosts: localhost
              gather_facts: false
              module_defaults:
                group/rtcops.conference.avd:
                  server_url: "%s"
                  access_key: demo_access
                  secret_key: demo_secret
                  cache_dir: "%s"
              tasks:
            ''') % (self.emulator.url, self.work / cache) + textwrap.indent(tasks, '    '))
        return self.timed(name, [str(self.bin / 'ansible-playbook'), '-i', str(inventory / 'hosts'), str(path)])

    def inventory(self, name, env):
        """An inventory directory: localhost, and the environment in group_vars/all."""
        directory = self.work / name
        (directory / 'group_vars' / 'all').mkdir(parents=True)
        (directory / 'hosts').write_text('localhost ansible_connection=local ansible_python_interpreter=%s\n' % sys.executable)
        (directory / 'group_vars' / 'all' / 'environment.yml').write_text(json.dumps({'avd_environment': env}))
        return directory

    def requests(self):
        return Counter(r['path'].replace('/sdkapi/v2', '') for r in control(self.emulator, '/requests'))


ROLE_TASK = '''- ansible.builtin.include_role:
    name: rtcops.conference.avd_environment
'''
BASELINE_TASK = '''- ansible.builtin.debug:
    msg: "{{ avd_environment.sip_accounts | length }} accounts"
'''
LOOP_TASKS = '''- rtcops.conference.avd_sip_gate: {name: "{{ item.name }}", url: "{{ item.url }}"}
  loop: "{{ avd_environment.sip_gates }}"
- rtcops.conference.avd_sip_account:
    number: "{{ item.number }}"
    name: "{{ item.name }}"
    password: "{{ item.password }}"
    sip_gate: "{{ item.sip_gate }}"
  loop: "{{ avd_environment.sip_accounts }}"
  no_log: true
- rtcops.conference.avd_room: {room_id: "{{ item.room_id }}", topic: "{{ item.topic }}", user_id: "{{ item.user_id }}"}
  loop: "{{ avd_environment.rooms }}"
'''


def median_of(rounds, measure):
    return statistics.median(measure(i) for i in range(rounds))


def module_process(bench, name, env_file, cache):
    """Seconds of one run of the avd_environment module as a process of its own, as Ansible starts it."""
    args = dict(json.loads(env_file.read_text()), server_url=bench.emulator.url, access_key='demo_access',
                secret_key='demo_secret', cache_dir=str(bench.work / cache))
    args_file = bench.work / ('%s-args.json' % name)
    args_file.write_text(json.dumps({'ANSIBLE_MODULE_ARGS': args}))
    return bench.timed(name, [sys.executable, '-m', 'ansible_collections.rtcops.conference.plugins.modules.avd_environment',
                              str(args_file)])


def environment_runs(bench, rounds, inventory, env_file):
    """Median seconds of each measured run, and the calls of the no-op runs."""
    times = {}

    def reset():
        control(bench.emulator, '/reset', 'POST')

    def hand(mode):
        return bench.timed('script-' + mode, [sys.executable, str(bench.work / 'hand.py'), bench.emulator.url, mode, str(env_file)])

    def script_apply(i):
        reset()
        return hand('apply')

    times['script apply'] = median_of(rounds, script_apply)
    times['script no-op'] = median_of(rounds, lambda i: hand('noop'))
    times['ansible baseline'] = median_of(rounds, lambda i: bench.play('baseline', BASELINE_TASK, inventory, 'baseline-cache'))

    def module_apply(i):
        reset()
        return module_process(bench, 'module-apply', env_file, 'module-cache-%d' % i)

    times['module apply'] = median_of(rounds, module_apply)
    times['module no-op'] = median_of(rounds, lambda i: module_process(bench, 'module-noop', env_file, 'module-cache-0'))
    times['module fresh no-op'] = median_of(rounds, lambda i: module_process(bench, 'module-fresh', env_file, 'mfresh-%d' % i))

    calls = {}

    def role_apply(i):
        reset()
        return bench.play('role-apply-%d' % i, ROLE_TASK, inventory, 'cache-%d' % i)

    times['role apply'] = median_of(rounds, role_apply)

    def role_noop(i):
        control(bench.emulator, '/requests', 'DELETE')
        elapsed = bench.play('role-noop', ROLE_TASK, inventory, 'cache-0')
        calls['no-op'] = bench.requests()
        return elapsed

    times['role no-op'] = median_of(rounds, role_noop)

    def role_fresh(i):
        control(bench.emulator, '/requests', 'DELETE')
        elapsed = bench.play('role-fresh-%d' % i, ROLE_TASK, inventory, 'fresh-%d' % i)
        calls['fresh no-op'] = bench.requests()
        return elapsed

    times['role fresh no-op'] = median_of(rounds, role_fresh)
    return times, calls


def loop_runs(bench, inventory):
    control(bench.emulator, '/reset', 'POST')
    apply = bench.play('loop-apply', LOOP_TASKS, inventory, 'loop-cache')
    noop = bench.play('loop-noop', LOOP_TASKS, inventory, 'loop-cache')
    return apply, noop


def discovery_cost(emulator, accounts, latency, workers_list):
    """Seconds and reads of one discovery of ``accounts`` accounts, each read delayed ``latency`` seconds."""
    from ansible_collections.rtcops.conference.plugins.module_utils._avd_accounts import AccountDirectory  # noqa: E402
    from ansible_collections.rtcops.conference.plugins.module_utils._avd_client import AvdClient  # noqa: E402
    from ansible_collections.rtcops.conference.plugins.module_utils._ledger import Ledger  # noqa: E402
    from ansible_collections.rtcops.conference.plugins.module_utils._parallel import run_each  # noqa: E402

    control(emulator, '/reset', 'POST')
    client = AvdClient(emulator.url, 'demo_access', 'demo_secret')
    gate = client.call('/sip/gate/create', {'name': 'gw', 'url': '10.0.0.1:5060'}, write=True)['gate_id']

    def create(i):
        params = {'name': 'a%d' % i, 'password': 'p', 'number': str(500000 + i), 'sip_gate_id': gate}
        return client.call('/sip/account/create', params, write=True)

    run_each(create, range(accounts), 8)
    control(emulator, '/faults', 'POST', {'path': '/sdkapi/v2/sip/account/read', 'kind': 'delay', 'seconds': latency,
                                          'count': 10 ** 7})
    results = []
    for workers in workers_list:
        with tempfile.TemporaryDirectory() as cache:
            directory = AccountDirectory(client, Ledger(emulator.url, cache), workers=workers, gate_hint=gate)
            started = time.perf_counter()
            found = directory.discover()
            results.append((workers, time.perf_counter() - started, directory.discovery['reads'], len(found)))
    control(emulator, '/faults', 'DELETE')
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--rounds', type=int, default=3, help='runs of each measurement; the median is reported')
    parser.add_argument('--skip-discovery', action='store_true', help='leave out the 20 ms discovery measurement')
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix='rtcops-bench-env-') as work:
        work = Path(work)
        full = environment(GATES, ACCOUNTS, ROOMS)
        sample = environment(GATES // 10, ACCOUNTS // 10, ROOMS // 10)
        (work / 'env.json').write_text(json.dumps(full))
        (work / 'hand.py').write_text(HAND_SCRIPT)
        with Emulator(data_dir=str(work / 'emulator-data')) as emulator:
            bench = Bench(work, emulator)
            times, calls = environment_runs(bench, args.rounds, bench.inventory('full', full), work / 'env.json')
            loop_apply, loop_noop = loop_runs(bench, bench.inventory('sample', sample))
            discovery = [] if args.skip_discovery else [
                (count, discovery_cost(emulator, count, 0.020, (8, 16, 32))) for count in (1000, 10000)]

    objects = GATES + ACCOUNTS + ROOMS
    print('environment: %d gateways + %d SIP accounts + %d rooms = %d objects; median of %d runs; emulator on loopback'
          % (GATES, ACCOUNTS, ROOMS, objects, args.rounds))
    print('ansible-playbook, the environment in group_vars, one debug task (start-up, taken out below): %.2f s'
          % times['ansible baseline'])
    for run, script in (('apply', 'script apply'), ('no-op', 'script no-op'), ('fresh no-op', 'script no-op')):
        module, play = times['module ' + run], times['role ' + run]
        net = play - times['ansible baseline']
        ratio = module / times[script]
        print('%-11s script %.2f s | module process %.2f s, ratio %.2f (target <= 3) %s | role play %.2f s, net of '
              'start-up %.2f s, ratio %.2f net, %.2f whole'
              % (run, times[script], module, ratio, 'OK' if ratio <= 3 else 'MISSED', play, net, net / times[script],
                 play / times[script]))
    loop_apply_all, loop_noop_all = loop_apply * 10, loop_noop * 10
    for run, loop in (('role apply', loop_apply_all), ('role no-op', loop_noop_all)):
        speedup = loop / times[run]
        print('loop of single-object tasks, %s: 10%% sample %.1f s x 10 = %.0f s; the role is %.0fx faster (target >= 50) %s'
              % (run.split()[1], loop / 10, loop, speedup, 'OK' if speedup >= 50 else 'MISSED'))
    for name, counter in sorted(calls.items()):
        total = sum(counter.values())
        per_object = (total - counter.get('/app/get_token', 0)) / float(objects)
        print('calls of the %s run: %d (%s); per object %.2f (target <= 1) %s'
              % (name, total, ', '.join('%s %d' % item for item in counter.most_common()), per_object,
                 'OK' if per_object <= 1 else 'over: the discovery reads every id up to the highest plus the gap'))
    for count, rows in discovery:
        for workers, seconds, reads, found in rows:
            print('discovery of %5d accounts, 20 ms per read, %2d concurrent reads: %5d reads, %5.1f s (%d found)'
                  % (count, workers, reads, seconds, found))


if __name__ == '__main__':
    main()
