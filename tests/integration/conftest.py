# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Runs the integration targets: real ``ansible-playbook`` processes against the emulator over HTTP.

Each pytest worker starts its own emulators (plain HTTP and HTTPS with a self-signed CA). Every run's
``-vvv`` output is kept under tests/output/integration and searched for the secrets the run used.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from rtcops_emulator import Emulator

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
OUTPUT = REPO / 'tests' / 'output' / 'integration'
BIN = Path(sys.executable).parent


def _secret(prefix):
    # Secrets that look like real ones (mixed case, digits, '+', '/') so that a leak in any encoding is caught.
    return '%s-%s+%s/%s' % (prefix, secrets.token_hex(6), secrets.token_urlsafe(6), secrets.token_hex(4))


@pytest.fixture(scope='session')
def credentials():
    return {
        'access_key': 'ak-' + secrets.token_hex(4),
        'secret_key': _secret('SK'),
        'passwords': [_secret('PW%d' % i) for i in range(4)],
    }


@pytest.fixture(scope='session')
def emulator(credentials, tmp_path_factory):
    emu = Emulator(access_key=credentials['access_key'], secret_key=credentials['secret_key'],
                   data_dir=str(tmp_path_factory.mktemp('emulator-data')))
    emu.start()
    yield emu
    emu.stop()


@pytest.fixture(scope='session')
def tls_emulator(credentials, tmp_path_factory):
    emu = Emulator(tls=True, cert_dir=str(tmp_path_factory.mktemp('emulator-tls')),
                   access_key=credentials['access_key'], secret_key=credentials['secret_key'],
                   data_dir=str(tmp_path_factory.mktemp('emulator-tls-data')))
    emu.start()
    yield emu
    emu.stop()


@pytest.fixture(scope='session')
def ansible_env(tmp_path_factory):
    """Environment for ansible processes: this checkout as the collection, the test interpreter, private temp dirs."""
    root = tmp_path_factory.mktemp('ansible')
    collection = root / 'collections' / 'ansible_collections' / 'rtcops'
    collection.mkdir(parents=True)
    (collection / 'conference').symlink_to(REPO)
    env = dict(os.environ)
    for name in [key for key in env if key.startswith(('AVD_', 'ANSIBLE_', 'XDG_'))]:
        del env[name]
    env.update({
        'ANSIBLE_COLLECTIONS_PATH': str(root / 'collections'),
        'ANSIBLE_ROLES_PATH': str(HERE / 'targets'),
        'ANSIBLE_PYTHON_INTERPRETER': sys.executable,
        'ANSIBLE_LOCAL_TEMP': str(root / 'local-tmp'),
        'ANSIBLE_REMOTE_TMP': str(root / 'remote-tmp'),
        'ANSIBLE_HOME': str(root / 'home'),
        'XDG_CACHE_HOME': str(root / 'cache'),
        'ANSIBLE_NOCOLOR': '1',
        'ANSIBLE_RETRY_FILES_ENABLED': '0',
        'ANSIBLE_INVENTORY_UNPARSED_WARNING': '0',
        'ANSIBLE_LOCALHOST_WARNING': '0',
        'PATH': str(BIN) + os.pathsep + env.get('PATH', ''),
    })
    return env


class Run:

    def __init__(self, completed, log):
        self.rc = completed.returncode
        self.output = completed.stdout + completed.stderr
        self.log = log

    def recap(self):
        """``{'ok': n, 'changed': n, ...}`` for localhost from the play recap."""
        match = re.search(r'^localhost\s*:\s*(.*)$', self.output, re.M)
        assert match, self.output[-3000:]
        return dict((key, int(value)) for key, value in re.findall(r'(\w+)=(\d+)', match.group(1)))


@pytest.fixture
def ansible(ansible_env, credentials, emulator, tls_emulator):
    """Run an ansible command (-vvv), keep its output, and fail the test if a secret shows up in it."""

    def run(tool, args, name, env=None):
        OUTPUT.mkdir(parents=True, exist_ok=True)
        completed = subprocess.run([str(BIN / tool), '-vvv'] + list(args), cwd=str(REPO), env=dict(ansible_env, **(env or {})),
                                   capture_output=True, text=True, timeout=900, check=False)
        log = OUTPUT / ('%s.log' % name)
        log.write_text(completed.stdout + completed.stderr)
        run_ = Run(completed, log)
        leaked = [s for s in known_secrets(credentials, emulator, tls_emulator) if s in run_.output]
        assert not leaked, 'secret(s) leaked into the output of %s; see %s' % (name, log)
        return run_

    return run


def known_secrets(credentials, *emulators):
    values = [credentials['secret_key']] + credentials['passwords']
    for emu in emulators:
        values.extend(emu.issued_tokens())
    return [v for v in values if v]


@pytest.fixture
def playbook(ansible, credentials, emulator, tls_emulator, tmp_path):  # pylint: disable=redefined-outer-name
    """Run an integration target (a role under targets/) through run_target.yml against the emulators.

    The variables are those targets/setup_emulator sets under ansible-test, from the emulators of this session.
    """

    def run(target, *options, extra_vars=None):
        variables = {
            'target': target,
            'avd_server_url': emulator.url,
            'avd_tls_server_url': tls_emulator.url,
            'avd_tls_ca_path': tls_emulator.ca_cert,
            'avd_access_key': credentials['access_key'],
            'avd_secret_key': credentials['secret_key'],
            'avd_passwords': credentials['passwords'],
            'avd_cache_dir': str(tmp_path / 'cache'),
            'work_dir': str(tmp_path),
        }
        variables.update(extra_vars or {})
        vars_file = tmp_path / 'vars.json'
        vars_file.write_text(json.dumps(variables))
        return ansible('ansible-playbook', ['-i', 'localhost,', '-c', 'local', '-e', '@%s' % vars_file]
                       + list(options) + [str(HERE / 'run_target.yml')], target)

    return run
