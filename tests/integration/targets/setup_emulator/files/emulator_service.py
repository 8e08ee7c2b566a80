# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Start, reuse or stop the emulators that ``ansible-test integration`` runs the targets against.

Usage: emulator_service.py start STATE_DIR [COLLECTIONS_PATH ...]
       emulator_service.py stop STATE_DIR

``start`` prints one JSON object: the connection variables the targets use (the pytest harness passes the same
ones) and ``started`` (false when running emulators were reused). Two emulators run detached from the task, one
over HTTP and one over HTTPS with its own CA; every target of a run and later runs share them, since each target
resets the server first. Their credentials are generated once and kept in STATE_DIR (mode 0600), so a reused
emulator and its clients agree. An emulator started from other emulator sources than those found now is replaced,
so an edited emulator is never tested through a stale process. ``stop`` ends both.

The emulator package (``rtcops_emulator``) is imported from this Python, or else from the ``emulator`` directory
of the rtcops.conference collection under one of the COLLECTIONS_PATH entries (where ansible-test puts it).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

KINDS = ('plain', 'tls')
START_TIMEOUT = 30


def emulator_source(collections_paths):
    """Directory to put on PYTHONPATH for ``rtcops_emulator``, or None when this Python imports it already."""
    try:
        import rtcops_emulator  # pylint: disable=import-outside-toplevel,unused-import
        return None
    except ImportError:
        pass
    for path in collections_paths:
        candidate = Path(path) / 'ansible_collections' / 'rtcops' / 'conference' / 'emulator'
        if (candidate / 'rtcops_emulator').is_dir():
            return candidate
    sys.exit('rtcops_emulator is neither importable nor under ansible_collections/rtcops/conference/emulator in %s'
             % os.pathsep.join(collections_paths))


def package_dir(source):
    if source is not None:
        return source / 'rtcops_emulator'
    import rtcops_emulator  # pylint: disable=import-outside-toplevel
    return Path(rtcops_emulator.__file__).parent


def fingerprint(package):
    digest = hashlib.sha256()
    for path in sorted(package.rglob('*.py')):
        digest.update(str(path.relative_to(package)).encode() + b'\0' + path.read_bytes())
    return digest.hexdigest()


def secret(prefix):
    # Shaped like real secrets (mixed case, digits, '+', '/'), as the pytest harness makes them.
    return '%s-%s+%s/%s' % (prefix, secrets.token_hex(6), secrets.token_urlsafe(6), secrets.token_hex(4))


def load_credentials(state_dir):
    path = state_dir / 'credentials.json'
    if path.exists():
        return json.loads(path.read_text(encoding='utf-8'))
    credentials = {
        'access_key': 'ak-' + secrets.token_hex(4),
        'secret_key': secret('SK'),
        'passwords': [secret('PW%d' % index) for index in range(4)],
    }
    descriptor = os.open(str(path), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, 'w', encoding='utf-8') as handle:
        json.dump(credentials, handle)
    return credentials


def read_json(path):
    try:
        return json.loads(path.read_text(encoding='utf-8'))
    except (OSError, ValueError):
        return None


def alive(record):
    """Whether the emulator a record describes still runs and accepts connections."""
    if not record:
        return False
    try:
        os.kill(record['pid'], 0)
    except OSError:
        return False
    address = urlsplit(record['url'])
    try:
        with socket.create_connection((address.hostname, address.port), timeout=2):
            return True
    except OSError:
        return False


def stop_one(state_dir, kind):
    record = read_json(state_dir / kind / 'emulator.json')
    if record and alive(record):
        os.kill(record['pid'], signal.SIGTERM)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                os.kill(record['pid'], 0)
            except OSError:
                break
            time.sleep(0.05)
        else:
            os.kill(record['pid'], signal.SIGKILL)
    (state_dir / kind / 'emulator.json').unlink(missing_ok=True)


def start_one(state_dir, kind, credentials, source, version):
    workdir = state_dir / kind
    workdir.mkdir(parents=True, exist_ok=True)
    ready = workdir / 'ready.json'
    ready.unlink(missing_ok=True)
    command = [sys.executable, '-m', 'rtcops_emulator', '--port', '0', '--ready-file', str(ready),
               '--data-dir', str(workdir / 'data'),
               '--access-key', credentials['access_key'], '--secret-key', credentials['secret_key']]
    if kind == 'tls':
        command += ['--tls', '--cert-dir', str(workdir / 'certs')]
    env = dict(os.environ)
    if source is not None:
        env['PYTHONPATH'] = os.pathsep.join(filter(None, [str(source), env.get('PYTHONPATH')]))
    with open(workdir / 'emulator.log', 'ab') as log:
        # A session of its own: the emulator outlives the task, the play and ansible-test's process group.
        process = subprocess.Popen(command, cwd=str(workdir), env=env, stdin=subprocess.DEVNULL, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + START_TIMEOUT
    while not ready.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            sys.exit('the %s emulator did not start; see %s' % (kind, workdir / 'emulator.log'))
        time.sleep(0.05)
    record = dict(json.loads(ready.read_text(encoding='utf-8')), pid=process.pid, version=version)
    (workdir / 'emulator.json').write_text(json.dumps(record), encoding='utf-8')
    return record


def start(state_dir, collections_paths):
    source = emulator_source(collections_paths)
    version = fingerprint(package_dir(source))
    credentials = load_credentials(state_dir)
    records = {}
    started = False
    for kind in KINDS:
        record = read_json(state_dir / kind / 'emulator.json')
        if not (alive(record) and record.get('version') == version):
            stop_one(state_dir, kind)
            record = start_one(state_dir, kind, credentials, source, version)
            started = True
        records[kind] = record
    return {
        'avd_server_url': records['plain']['url'],
        'avd_tls_server_url': records['tls']['url'],
        'avd_tls_ca_path': records['tls']['ca_cert'],
        'avd_access_key': credentials['access_key'],
        'avd_secret_key': credentials['secret_key'],
        'avd_passwords': credentials['passwords'],
        'started': started,
    }


def main(argv):
    if len(argv) < 2 or argv[0] not in ('start', 'stop'):
        sys.exit(__doc__)
    state_dir = Path(argv[1]).expanduser().resolve()
    state_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    # Targets of parallel runs share the emulators: one of them starts them, the others wait and reuse them.
    with open(state_dir / 'lock', 'a', encoding='utf-8') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if argv[0] == 'stop':
            for kind in KINDS:
                stop_one(state_dir, kind)
            return
        collections_paths = [part for arg in argv[2:] for part in arg.split(os.pathsep) if part]
        print(json.dumps(start(state_dir, collections_paths)))


if __name__ == '__main__':
    main(sys.argv[1:])
