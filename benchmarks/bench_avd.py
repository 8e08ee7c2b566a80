#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Measures, side by side in one run, what the AVD foundation promises about speed and memory.

1. Time of an AVD task over the time of an ``ansible.builtin.ping`` task, in a play of 50 tasks
   (target: at most 1.25). Ansible's own start-up is measured with an empty play and taken out, so the
   ratio compares the tasks themselves.
2. Token calls made by that play of 50 AVD tasks, which set access_key/secret_key in module_defaults
   (target: 1).
3. Peak memory of the module process uploading a 200 MB file with storage_only_cluster, minus that of a
   1 MB upload (target: at most 32 MB).

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
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / 'emulator'))

from rtcops_emulator import Emulator  # noqa: E402  pylint: disable=wrong-import-position

TASKS = 50
MB = 1000 * 1000


def play(tasks, module_defaults=True):
    header = textwrap.dedent('''\
        - hosts: localhost
          connection: local
          gather_facts: false
        ''')
    if module_defaults:
        header += textwrap.indent(textwrap.dedent('''\
            module_defaults:
              group/rtcops.conference.avd:
                server_url: "{{ avd_server_url }}"
                access_key: demo_access
                secret_key: demo_secret
                cache_dir: "{{ avd_cache_dir }}"
            '''), '  ')
    return header + '  tasks:\n' + textwrap.indent('\n'.join(tasks) + '\n', '    ')


def control(emulator, path, method='GET'):
    request = urllib.request.Request(emulator.url + '/_emulator' + path, method=method, data=b'' if method == 'POST' else None)
    with urllib.request.urlopen(request) as response:
        text = response.read().decode()
    return json.loads(text) if text else None


class Bench:

    def __init__(self, work):
        self.work = Path(work)
        self.collections = self.work / 'collections'
        link = self.collections / 'ansible_collections' / 'rtcops' / 'conference'
        link.parent.mkdir(parents=True)
        link.symlink_to(REPO)
        self.env = dict(os.environ)
        for name in [key for key in self.env if key.startswith(('AVD_', 'ANSIBLE_'))]:
            del self.env[name]
        self.env.update({
            'ANSIBLE_COLLECTIONS_PATH': str(self.collections),
            'ANSIBLE_PYTHON_INTERPRETER': sys.executable,
            'ANSIBLE_LOCAL_TEMP': str(self.work / 'local-tmp'),
            'ANSIBLE_REMOTE_TMP': str(self.work / 'remote-tmp'),
            'ANSIBLE_HOME': str(self.work / 'home'),
            'ANSIBLE_NOCOLOR': '1',
        })
        self.playbook = str(Path(sys.executable).parent / 'ansible-playbook')

    def run(self, name, text, extra_vars=None, env=None):
        path = self.work / ('%s.yml' % name)
        path.write_text(text)
        args = [self.playbook, '-i', 'localhost,', str(path)]
        for key, value in (extra_vars or {}).items():
            args += ['-e', '%s=%s' % (key, value)]
        started = time.perf_counter()
        done = subprocess.run(args, env=dict(self.env, **(env or {})), capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit('%s failed:\n%s' % (name, (done.stdout + done.stderr)[-4000:]))
        return elapsed


def task_time_ratio(bench, emulator, rounds):
    ping = play(['- ansible.builtin.ping:'] * TASKS, module_defaults=False)
    avd = play(['- rtcops.conference.avd_room:\n    room_id: "20250000001"\n    topic: Weekly all-hands\n    user_id: "16"'] * TASKS)
    empty = play(['- ansible.builtin.meta: noop'], module_defaults=False)
    times = {'empty': [], 'ping': [], 'avd': []}
    token_calls = []
    for round_ in range(rounds):
        control(emulator, '/reset', 'POST')
        cache = bench.work / ('cache-%d' % round_)  # a new machine each round: the token is not cached yet
        times['empty'].append(bench.run('empty', empty))
        times['ping'].append(bench.run('ping', ping))
        times['avd'].append(bench.run('avd', avd, {'avd_server_url': emulator.url, 'avd_cache_dir': cache}))
        token_calls.append(sum(1 for r in control(emulator, '/requests') if r['path'].endswith('/app/get_token')))
    median = dict((k, statistics.median(v)) for k, v in times.items())
    ping_task = (median['ping'] - median['empty']) / TASKS
    avd_task = (median['avd'] - median['empty']) / TASKS
    return median, ping_task, avd_task, max(token_calls)


PEAK_WRAPPER = '''#!{python}
import os, resource, subprocess, sys
done = subprocess.run([{python!r}] + sys.argv[1:])
with open(os.environ['PEAK_RSS_FILE'], 'a') as out:
    out.write('%d\\n' % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(done.returncode)
'''


def upload_peak_kib(bench, emulator, size):
    source = bench.work / ('media-%d.mp4' % size)
    with open(source, 'wb') as handle:
        handle.truncate(size)  # sparse: the disk holds nothing, the module still reads every byte
    wrapper = bench.work / 'peak-python'
    wrapper.write_text(PEAK_WRAPPER.format(python=sys.executable))
    wrapper.chmod(0o755)
    peak_file = bench.work / ('peak-%d.txt' % size)
    text = play(['- rtcops.conference.avd_upload:\n    src: "%s"\n    storage_only_cluster: true' % source])
    extra_vars = {'avd_server_url': emulator.url, 'avd_cache_dir': bench.work / 'cache-upload', 'ansible_python_interpreter': wrapper}
    bench.run('upload-%d' % size, text, extra_vars, env={'PEAK_RSS_FILE': str(peak_file)})
    return max(int(line) for line in peak_file.read_text().split())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--rounds', type=int, default=3, help='plays of each kind; the median is reported')
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix='rtcops-bench-') as work:
        bench = Bench(work)
        with Emulator(data_dir=str(Path(work) / 'emulator-data')) as emulator:
            median, ping_task, avd_task, tokens = task_time_ratio(bench, emulator, args.rounds)
            small = upload_peak_kib(bench, emulator, 1 * MB)
            large = upload_peak_kib(bench, emulator, 200 * MB)
    ratio = avd_task / ping_task
    growth_mb = (large - small) / 1024.0
    print('play of %d tasks, median of %d rounds (s): empty play %.2f, ping %.2f, avd_room %.2f'
          % (TASKS, args.rounds, median['empty'], median['ping'], median['avd']))
    print('task time: ping %.3f s, avd_room %.3f s' % (ping_task, avd_task))
    print('avd/ping task time ratio: %.2f (target <= 1.25) %s' % (ratio, 'OK' if ratio <= 1.25 else 'MISSED'))
    print('token calls for the %d-task play: %d (target 1) %s' % (TASKS, tokens, 'OK' if tokens == 1 else 'MISSED'))
    print('upload peak RSS: 1 MB file %.1f MB, 200 MB file %.1f MB, growth %.1f MB (target <= 32) %s'
          % (small / 1024.0, large / 1024.0, growth_mb, 'OK' if growth_mb <= 32 else 'MISSED'))


if __name__ == '__main__':
    main()
