# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""``molecule test`` of the avd_environment role's scenario (extensions/molecule/avd_environment): offline, no
containers; the scenario starts and stops its own emulator."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
OUTPUT = REPO / 'tests' / 'output' / 'integration'


def test_molecule_scenario(ansible_env, tmp_path):
    env = dict(ansible_env)
    env.update({
        'HOME': str(tmp_path / 'home'),  # molecule keeps a cache there
        'MOLECULE_EPHEMERAL_DIRECTORY': str(tmp_path / 'molecule'),  # per test, so parallel workers cannot collide
        'NO_COLOR': '1',
    })
    env.pop('ANSIBLE_ROLES_PATH', None)
    # molecule finds the scenario only from the collection root (the directory with galaxy.yml).
    done = subprocess.run([str(Path(sys.executable).parent / 'molecule'), 'test', '-s', 'avd_environment'],
                          cwd=str(REPO), env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=900, check=False)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    log = OUTPUT / 'molecule-avd_environment.log'
    log.write_text(done.stdout + done.stderr)
    assert done.returncode == 0, 'molecule failed; see %s\n%s' % (log, (done.stdout + done.stderr)[-6000:])
    for step in ('check', 'converge', 'idempotence', 'verify', 'destroy'):
        assert step in done.stdout + done.stderr, step
