"""The support matrix: sanity, unit tests and the demo on the oldest and the newest ansible-core.

Shared by ``tools/dev.py matrix`` and ``tests/packaging/test_matrix.py``; standard library
only, like tools/ci_sanity.py. The development venv (.venv) stays on ansible-core 2.19; each
entry here gets a virtual environment of its own under ``.build/matrix/<name>/venv``, with only
what that entry needs, rebuilt only when its requirements or its Python change (their hash is
stamped inside). Every piece of an entry is a function of its own, so pytest-xdist can run the
pieces on different workers.

Sanity runs on the entry's own copy of the collection (``.build/matrix/<name>/sanity``) with a
HOME of its own (``.build/matrix/<name>/home``): ansible-test caches its tools' virtual
environments under ``~/.ansible/test/venv``, keyed by the Python version and the tools' pins,
and creating the same one from two runs at once is not safe.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import ci_sanity

ROOT = Path(__file__).resolve().parent.parent
MATRIX_DIR = ROOT / '.build' / 'matrix'
COLLECTIONS = ROOT / '.build' / 'collections'  # tools/dev.py links the checkout in here
EMULATOR = ROOT / 'emulator'
DEMO_PLAYBOOK = ROOT / 'playbooks' / 'demo.yml'
UNIT_TESTS = ROOT / 'tests' / 'unit'

# What every entry needs beside its ansible-core: pytest for tests/unit, cryptography for the
# emulator's certificate authority (the demo). Same ranges as requirements-dev.txt.
COMMON_REQUIREMENTS = ('pytest>=8.0,<10', 'cryptography>=42')


@dataclasses.dataclass(frozen=True)
class Entry:
    """One ansible-core release line, on the Python its controller needs."""

    name: str
    ansible_core: str  # a pip requirement
    python: str  # major.minor
    why: str  # one line for the README's table

    @property
    def requirements(self) -> tuple[str, ...]:
        return (self.ansible_core, *COMMON_REQUIREMENTS)

    @property
    def directory(self) -> Path:
        return MATRIX_DIR / self.name

    @property
    def venv(self) -> Path:
        return self.directory / 'venv'

    @property
    def python_path(self) -> Path:
        return self.venv / 'bin' / 'python'


# The development venv covers 2.19 (requirements-dev.txt). 2.21 is the newest release line on PyPI
# (checked with `python3.12 -m pip index versions ansible-core`, 2026-12-01); its controller needs
# Python 3.12 or later. Raise it here when a newer line comes out.
ENTRIES = {
    entry.name: entry for entry in (
        Entry('ansible-core-2.16', 'ansible-core>=2.16,<2.17', '3.11', 'the oldest release `meta/runtime.yml` claims (`requires_ansible`)'),
        Entry('ansible-core-2.21', 'ansible-core>=2.21,<2.22', '3.12', 'the newest release on PyPI; its controller needs Python 3.12+'),
    )
}
PIECES = ('sanity', 'units', 'demo')


class MatrixError(Exception):
    """A matrix entry cannot run on this machine (no Python for it, pip failed)."""


def find_python(version: str) -> Path:
    """An interpreter of ``version``: pyenv's newest build of it, else one on PATH that really runs."""
    root = Path(os.environ.get('PYENV_ROOT', Path.home() / '.pyenv')) / 'versions'
    builds = sorted(root.glob(f'{version}.*/bin/python{version}'), key=lambda path: [int(part) for part in re.findall(r'\d+', path.parts[-3])])
    candidates = [*reversed(builds), *filter(None, [shutil.which(f'python{version}')])]

    for candidate in candidates:
        # pyenv's shims exist on PATH for versions they cannot run (they exit 127).
        probe = subprocess.run([str(candidate), '-c', 'import sys; print("%d.%d" % sys.version_info[:2])'],
                               capture_output=True, text=True, check=False)

        if probe.returncode == 0 and probe.stdout.strip() == version:
            return Path(candidate)

    raise MatrixError(f'Python {version} is needed for this matrix entry and was not found (looked in {root} and on PATH); '
                      f'install it, e.g. `pyenv install {version}`')


def _digest(entry: Entry, python: Path) -> str:
    """Hash of what decides the entry's venv: its requirements and its interpreter."""
    return hashlib.sha256('\n'.join([str(python), *entry.requirements]).encode()).hexdigest()


def ensure_venv(entry: Entry, log=print) -> Path:
    """Create or refresh the entry's venv (under a lock: its pieces may start at once); return its python."""
    python = find_python(entry.python)
    stamp = entry.venv / '.requirements.sha256'
    digest = _digest(entry, python)

    with ci_sanity.file_lock(entry.directory.with_name(entry.name + '.lock')):
        if entry.python_path.exists() and stamp.exists() and stamp.read_text(encoding='utf-8').strip() == digest:
            return entry.python_path

        log(f'create {entry.venv.relative_to(ROOT)} with Python {entry.python}: {", ".join(entry.requirements)}')
        started = time.monotonic()
        subprocess.run([str(python), '-m', 'venv', '--clear', str(entry.venv)], check=True, capture_output=True)
        result = subprocess.run([str(entry.python_path), '-m', 'pip', 'install', '--disable-pip-version-check', '--quiet', *entry.requirements],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)

        if result.returncode:
            raise MatrixError(f'pip install into {entry.venv} failed ({result.returncode}):\n{result.stdout}')

        stamp.write_text(digest + '\n', encoding='utf-8')
        log(f'{entry.venv.relative_to(ROOT)} ready in {time.monotonic() - started:.0f} s')

    return entry.python_path


def environment(entry: Entry) -> dict[str, str]:
    """The environment an entry's pieces run in: like tools/dev.py's, with the entry's venv and state dirs."""
    env = dict(os.environ)
    bin_dir = entry.venv / 'bin'
    state = entry.directory

    for name in ('PYTHONHOME', 'ANSIBLE_CONFIG'):
        env.pop(name, None)

    env.update(
        VIRTUAL_ENV=str(entry.venv),
        PATH=os.pathsep.join([str(bin_dir), env.get('PATH', os.defpath)]),
        PYTHONPATH=os.pathsep.join([str(EMULATOR), str(COLLECTIONS)]),
        ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS),
        # Interpreter discovery picks pyenv shims that exit 127 on these machines.
        ANSIBLE_PYTHON_INTERPRETER=str(entry.python_path),
        ANSIBLE_HOME=str(state / 'ansible-home'),
        ANSIBLE_REMOTE_TMP=str(state / 'tmp' / 'remote'),
        ANSIBLE_LOCAL_TEMP=str(state / 'tmp' / 'local'),
        PIP_DISABLE_PIP_VERSION_CHECK='1',
    )

    return env


def _run(command: list[str], env: dict[str, str], cwd: Path, echo: bool) -> tuple[int, str]:
    """Run a command; return its exit code and output (stdout and stderr), which ``echo`` also prints."""
    lines = []

    with subprocess.Popen(command, cwd=cwd, env=env, text=True, stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT) as process:
        for line in process.stdout:
            lines.append(line)

            if echo:
                sys.stdout.write(line)
                sys.stdout.flush()

    return process.returncode, ''.join(lines)


def run_sanity(entry: Entry, echo: bool = True, log=print) -> tuple[int, str]:
    """ansible-test sanity with the entry's ansible-core, on a copy and with a HOME of its own."""
    python = ensure_venv(entry, log)
    env = environment(entry)
    env['HOME'] = str(entry.directory / 'home')
    # pip's download cache stays the user's: it is safe to share, and saves downloads on a cold HOME.
    env.setdefault('PIP_CACHE_DIR', str(Path.home() / '.cache' / 'pip'))

    # The compile and import tests on every other Python run with 2.19 (tools/dev.py sanity) already.
    return ci_sanity.run_sanity(python, env, echo=echo, log=log, workdir=entry.directory / 'sanity', other_pythons=False)


def run_units(entry: Entry, echo: bool = True, log=print) -> tuple[int, str]:
    """tests/unit with pytest, in the entry's venv (the collection importable as ansible_collections.rtcops.conference)."""
    python = ensure_venv(entry, log)
    command = [str(python), '-m', 'pytest', '-q', '-p', 'no:cacheprovider', '--import-mode=importlib', str(UNIT_TESTS.relative_to(ROOT))]
    log(' '.join(['pytest', *command[3:]]))

    return _run(command, environment(entry), ROOT, echo)


def run_demo(entry: Entry, echo: bool = True, log=print) -> tuple[int, str]:
    """playbooks/demo.yml twice against the emulator, as `tools/dev.py demo` does; the second run must change nothing."""
    python = ensure_venv(entry, log)
    env = environment(entry)
    env.update(ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_INVENTORY_UNPARSED_WARNING='false', ANSIBLE_NOCOLOR='1')
    (entry.directory / 'demo').mkdir(parents=True, exist_ok=True)
    output = []

    with tempfile.TemporaryDirectory(prefix='demo-', dir=entry.directory / 'demo') as tmp:
        workdir = Path(tmp)
        emulator, announced = start_emulator(python, env, workdir)

        try:
            # The modules read these when the playbook does not set them: the token cache of this
            # emulator only, and trust in its own certificate authority.
            env['AVD_CACHE_DIR'] = str(workdir / 'cache')

            if announced.get('ca_cert'):
                env['AVD_CA_PATH'] = str(announced['ca_cert'])

            command = ['ansible-playbook', str(DEMO_PLAYBOOK.relative_to(ROOT)), '-e', f'avd_server_url={announced["url"]}']

            for extra in (['--diff'], []):
                log(' '.join(command + extra))
                returncode, text = _run([str(entry.venv / 'bin' / command[0]), *command[1:], *extra], env, ROOT, echo)
                output.append(text)

                if returncode:
                    return returncode, ''.join(output)

            # After "PLAY RECAP", one line per host: "localhost : ok=5 changed=2 unreachable=0 ..."
            recap = text.split('PLAY RECAP', 1)[-1] if 'PLAY RECAP' in text else ''
            changed = sum(int(count) for count in re.findall(r'\bchanged=(\d+)', recap))

            if not recap or changed:
                note = f'ci_matrix: the second demo run changed {changed} task(s), or printed no recap: the playbook is not idempotent\n'
                output.append(note)
                return 1, ''.join(output)

            log('second run changed nothing')
            return 0, ''.join(output)
        finally:
            stop_emulator(emulator)


def start_emulator(python: Path, env: dict[str, str], workdir: Path) -> tuple[subprocess.Popen, dict]:
    """Start the emulator on a free port with ``python``; return the process and what it announced (url, ca_cert).

    Shared with ``tools/dev.py demo``; raises MatrixError with the emulator's output if it does not get ready.
    """
    ready_file = workdir / 'ready.json'
    log_path = workdir / 'emulator.log'

    with open(log_path, 'w', encoding='utf-8') as log:
        process = subprocess.Popen([str(python), '-m', 'rtcops_emulator', '--port', '0', '--ready-file', str(ready_file)],
                                   cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

    # It writes {"url": ..., "ca_cert": ...} by a rename once it listens: absent or complete.
    deadline = time.monotonic() + 30

    while time.monotonic() < deadline and process.poll() is None:
        if ready_file.exists():
            return process, json.loads(ready_file.read_text(encoding='utf-8'))

        time.sleep(0.1)

    stop_emulator(process)
    raise MatrixError(f'the emulator did not get ready; its output:\n{log_path.read_text(encoding="utf-8", errors="replace")}')


def stop_emulator(process: subprocess.Popen) -> None:
    """Ask the emulator to stop; kill it if it does not within five seconds."""
    if process.poll() is None:
        process.terminate()

        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


RUNNERS = {'sanity': run_sanity, 'units': run_units, 'demo': run_demo}


def markdown_table() -> str:
    """The tested matrix as a Markdown table (for the README)."""
    rows = ['| ansible-core | Python (controller) | Tested by `python3 tools/dev.py test` | Why this one |',
            '|---|---|---|---|',
            '| 2.19 | 3.11 | everything: sanity (modules also compiled and imported on Python 3.9-3.13), unit, emulator, '
            'integration and packaging tests, the demo | the development environment (`.venv`) |']

    for entry in ENTRIES.values():
        version = re.search(r'>=(\d+\.\d+)', entry.ansible_core).group(1)
        rows.append(f'| {version} | {entry.python} | sanity, unit tests, the demo (twice; the second run changes nothing) | {entry.why} |')

    return '\n'.join(rows) + '\n'
