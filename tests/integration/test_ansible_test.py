# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The targets also run under ``ansible-test integration``, as a collection user or a Galaxy reviewer runs them.

Through ``tools/dev.py integration``: a copy of the collection, ansible-test's own play and inventory, and
setup_emulator starting emulators of its own (detached, in a directory of this test, stopped at the end). Only the
cheap targets in ANSIBLE_TEST_TARGETS run here; test_targets.py runs every other one through the pytest harness.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SERVICE = REPO / 'tests' / 'integration' / 'targets' / 'setup_emulator' / 'files' / 'emulator_service.py'
OUTPUT = REPO / 'tests' / 'output' / 'integration'

# Cheap ones; test_targets.py leaves them out (the same list is there).
ANSIBLE_TEST_TARGETS = ('avd_room_info', 'avd_meeting_info')


def test_targets_run_under_ansible_test(tmp_path):
    emulator_dir = tmp_path / 'emulator'
    try:
        completed = subprocess.run([sys.executable, str(REPO / 'tools' / 'dev.py'), 'integration', '--emulator-dir', str(emulator_dir),
                                    '-vvv', *ANSIBLE_TEST_TARGETS], cwd=str(REPO), capture_output=True, text=True, timeout=600, check=False)
        output = completed.stdout + completed.stderr
        OUTPUT.mkdir(parents=True, exist_ok=True)
        log = OUTPUT / 'ansible-test.log'
        log.write_text(output)
        assert completed.returncode == 0, 'ansible-test integration failed; see %s\n%s' % (log, output[-6000:])
    finally:
        subprocess.run([sys.executable, str(SERVICE), 'stop', str(emulator_dir)], check=False)

    # Each target ran as ansible-test's role play, against the emulators setup_emulator started in emulator_dir.
    for target in ANSIBLE_TEST_TARGETS:
        assert 'Running %s integration test role' % target in output
    assert 'Running setup_emulator integration test role' in output
    credentials = json.loads((emulator_dir / 'credentials.json').read_text())
    assert (emulator_dir / 'credentials.json').stat().st_mode & 0o077 == 0
    leaked = [s for s in [credentials['secret_key']] + credentials['passwords'] if s in output]
    assert not leaked, 'secret(s) leaked into the output of ansible-test; see %s' % log
