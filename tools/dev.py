"""Developer entry point of the rtcops.conference collection: python3 tools/dev.py <command>.

Needs nothing but Python 3.11+. Every command first brings the development environment up to
date, doing only what is missing, so a second call starts at once:

* ``.venv``: a virtual environment with requirements-dev.txt installed (again only when
  requirements-dev.txt or requirements.txt changed; their hash is stamped inside .venv);
* ``.build/collections/ansible_collections/rtcops/conference``: a symlink to this checkout, so
  Ansible finds the collection under development by its name without installing it.

Commands then run inside that environment (see ``dev_environment``):

  test      every test (unit, emulator, integration, packaging) in one pytest run
  sanity    ansible-test sanity on a copy of the collection (tools/ci_sanity.py)
  integration  ansible-test integration on a copy of the collection; arguments: targets, --emulator-dir DIR,
            ansible-test options
  matrix    sanity, unit tests and the demo on the oldest and newest ansible-core (tools/ci_matrix.py);
            optional arguments: entry names and/or pieces (sanity, units, demo), or --table
  demo      start the emulator, run playbooks/demo.yml twice (the second must change nothing)
  emulator  run the emulator in the foreground (default --port 9610); arguments pass through
  bench     run the benchmarks in benchmarks/ (they print numbers; they are not tests)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import ci_matrix
import ci_sanity  # beside this file, so on sys.path; also holds the lock helper used here

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / '.venv'
VENV_BIN = VENV / 'bin'
VENV_PYTHON = VENV_BIN / 'python'
REQUIREMENT_FILES = [ROOT / 'requirements-dev.txt', ROOT / 'requirements.txt']
REQUIREMENTS_STAMP = VENV / '.requirements.sha256'
BUILD = ROOT / '.build'
COLLECTIONS = BUILD / 'collections'
COLLECTION_LINK = COLLECTIONS / 'ansible_collections' / 'rtcops' / 'conference'
EMULATOR = ROOT / 'emulator'
DEMO_PLAYBOOK = ROOT / 'playbooks' / 'demo.yml'

MIN_PYTHON = (3, 11)  # ansible-core 2.19's minimum for the controller


def step(message: str) -> None:
    """Announce one step, in one line."""
    print(f'==> {message}', flush=True)


def fail(message: str) -> int:
    """Explain why a command cannot go on; returns the exit code to use."""
    print(f'dev.py: {message}', file=sys.stderr, flush=True)
    return 2


# --- bootstrap ------------------------------------------------------------------------------

def requirements_digest() -> str:
    """Hash of what decides the venv's content: the requirement files."""
    digest = hashlib.sha256()

    for path in REQUIREMENT_FILES:
        digest.update(path.name.encode() + b'\0' + path.read_bytes())

    return digest.hexdigest()


def venv_python_version() -> str | None:
    """The Python version .venv was made with, or None where there is no working .venv."""
    config_path = VENV / 'pyvenv.cfg'

    if not VENV_PYTHON.exists() or not config_path.exists():  # also where its interpreter was removed since
        return None

    config = config_path.read_text(encoding='utf-8')
    match = re.search(r'^version\s*=\s*(\S+)', config, re.MULTILINE)

    return match.group(1) if match else None


def ensure_venv() -> None:
    """Create .venv with this Python (again when made by another one), and install the requirements."""
    if venv_python_version() != platform.python_version():
        step(f'create virtual environment {VENV.relative_to(ROOT)} (Python {platform.python_version()})')
        subprocess.run([sys.executable, '-m', 'venv', '--clear', str(VENV)], check=True)

    digest = requirements_digest()

    if REQUIREMENTS_STAMP.exists() and REQUIREMENTS_STAMP.read_text().strip() == digest:
        return

    step('install requirements-dev.txt into .venv')
    # pip's output is only worth reading when it fails.
    result = subprocess.run(
        [str(VENV_PYTHON), '-m', 'pip', 'install', '--disable-pip-version-check', '-r', str(REQUIREMENT_FILES[0])],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)

    if result.returncode:
        sys.stdout.write(result.stdout)
        raise SystemExit(fail(f'pip install failed with exit code {result.returncode}'))

    REQUIREMENTS_STAMP.write_text(digest + '\n')


def ensure_collection_link() -> None:
    """Make ansible_collections/rtcops/conference under .build/collections point at this checkout."""
    if COLLECTION_LINK.is_symlink() and COLLECTION_LINK.resolve() == ROOT:
        return

    step(f'link {COLLECTION_LINK.relative_to(ROOT)} -> .')
    COLLECTION_LINK.parent.mkdir(parents=True, exist_ok=True)

    if COLLECTION_LINK.is_symlink() or COLLECTION_LINK.exists():
        COLLECTION_LINK.unlink()

    # Relative, so the link stays right when the checkout is moved or copied.
    COLLECTION_LINK.symlink_to(os.path.relpath(ROOT, COLLECTION_LINK.parent), target_is_directory=True)


def bootstrap() -> dict[str, str]:
    """Bring the development environment up to date; return the environment to run commands with."""
    if sys.version_info < MIN_PYTHON:
        raise SystemExit(fail(f'Python {".".join(map(str, MIN_PYTHON))} or newer is needed, this is {sys.version.split()[0]}'))

    # Two commands started at once on a new checkout must not both install into .venv.
    with ci_sanity.file_lock(BUILD / 'bootstrap.lock'):
        ensure_venv()
        ensure_collection_link()

    return dev_environment()


def dev_environment() -> dict[str, str]:
    """The environment every command runs with."""
    env = dict(os.environ)
    tmp = BUILD / 'tmp'

    env.update(
        VIRTUAL_ENV=str(VENV),
        PATH=os.pathsep.join([str(VENV_BIN), env.get('PATH', os.defpath)]),
        # Replaced rather than extended, so nothing from the caller's shell leaks into the tests:
        # the emulator package and the collection (as ansible_collections.rtcops.conference).
        PYTHONPATH=os.pathsep.join([str(EMULATOR), str(COLLECTIONS)]),
        ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS),
        # Interpreter discovery picks pyenv shims that exit 127 on these machines.
        ANSIBLE_PYTHON_INTERPRETER=str(VENV_PYTHON),
        # Ansible would otherwise use ~/.ansible (of root, whatever HOME says) for these.
        ANSIBLE_HOME=str(BUILD / 'ansible-home'),
        ANSIBLE_REMOTE_TMP=str(tmp / 'remote'),
        ANSIBLE_LOCAL_TEMP=str(tmp / 'local'),
        PIP_DISABLE_PIP_VERSION_CHECK='1',
    )

    return env


# --- commands -------------------------------------------------------------------------------

def cmd_test(args: list[str]) -> int:
    """Run every test in one pytest invocation, so CI's last line is pytest's summary."""
    env = bootstrap()

    # Which directories, in which order: `testpaths` in pytest.ini (pytest skips missing ones);
    # paths given on the command line replace them.
    # loadgroup: tests sharing an expensive fixture (the collection tarball) stay on one worker.
    # --durations: the slowest tests, to watch CI's time budget as the suite grows.
    command = [str(VENV_PYTHON), '-m', 'pytest', '-n', '2', '--dist', 'loadgroup', '--durations=5', *args]
    step(' '.join(['pytest'] + command[3:]))
    returncode = subprocess.run(command, cwd=ROOT, env=env, check=False).returncode

    if returncode == 5:  # pytest: no tests were collected, which must not pass for green
        return fail('pytest collected no tests')

    return returncode


def cmd_sanity(args: list[str]) -> int:
    """Run ansible-test sanity (see tools/ci_sanity.py)."""
    if args:
        return fail('sanity takes no arguments')

    env = bootstrap()

    return ci_sanity.run_sanity(VENV_PYTHON, env, log=step)[0]


def cmd_matrix(args: list[str]) -> int:
    """Run the support matrix (tools/ci_matrix.py): every entry and piece, or those named."""
    if args == ['--table']:
        sys.stdout.write(ci_matrix.markdown_table())
        return 0

    unknown = [arg for arg in args if arg not in ci_matrix.ENTRIES and arg not in ci_matrix.PIECES]

    if unknown:
        return fail(f'matrix: unknown {", ".join(unknown)}; entries: {", ".join(ci_matrix.ENTRIES)}; pieces: {", ".join(ci_matrix.PIECES)}')

    entries = [name for name in ci_matrix.ENTRIES if name in args] or list(ci_matrix.ENTRIES)
    pieces = [name for name in ci_matrix.PIECES if name in args] or list(ci_matrix.PIECES)
    bootstrap()  # the collection link under .build/collections; the entries' venvs are ci_matrix's
    failed = []

    for name in entries:
        for piece in pieces:
            step(f'{name}: {piece}')
            started = time.monotonic()

            try:
                returncode = ci_matrix.RUNNERS[piece](ci_matrix.ENTRIES[name], log=step)[0]
            except ci_matrix.MatrixError as error:
                print(error, file=sys.stderr)
                returncode = 2

            step(f'{name}: {piece} {"passed" if not returncode else f"FAILED ({returncode})"} in {time.monotonic() - started:.0f} s')

            if returncode:
                failed.append(f'{name} {piece}')

    return fail(f'matrix failed: {", ".join(failed)}') if failed else 0


INTEGRATION_DIR = BUILD / 'integration'


def cmd_integration(args: list[str]) -> int:
    """Run ansible-test integration on a copy of the collection: the targets named, or all of them.

    ``--emulator-dir DIR`` keeps the emulators the targets start (tests/integration/targets/setup_emulator)
    in DIR instead of under ~/.ansible, so a run can have emulators of its own and stop them afterwards.
    Every other argument (target names, ansible-test options) passes on to ansible-test.
    """
    emulator_dir = None

    if '--emulator-dir' in args:
        index = args.index('--emulator-dir')

        if index + 1 >= len(args):
            return fail('integration: --emulator-dir needs a directory')

        emulator_dir = Path(args[index + 1]).resolve()
        args = args[:index] + args[index + 2:]

    env = bootstrap()

    for name in ci_sanity._LEAKY_VARIABLES:  # pylint: disable=protected-access
        env.pop(name, None)

    collection = INTEGRATION_DIR / ci_sanity.COLLECTION_SUBPATH
    # .venv is made with this Python (see ensure_venv). With --local, ansible-test installs nothing, so unlike
    # sanity it needs no pip bootstrap.
    command = [str(VENV_BIN / 'ansible-test'), 'integration', '--local', '--python', '%d.%d' % sys.version_info[:2], *args]

    # Like sanity: a second run waits rather than replacing the copy under the first one.
    with ci_sanity.file_lock(INTEGRATION_DIR.with_name(INTEGRATION_DIR.name + '.lock')):
        step(f'copy the collection to {collection.relative_to(ROOT)}')
        ci_sanity.copy_collection(collection)

        if emulator_dir:
            # ansible-test adds this file's variables to every target's play.
            config = collection / 'tests' / 'integration' / 'integration_config.yml'
            config.write_text(json.dumps({'setup_emulator_state_dir': str(emulator_dir)}) + '\n', encoding='utf-8')

        step(' '.join(['ansible-test'] + command[1:]))
        return subprocess.run(command, cwd=collection, env=env, stdin=subprocess.DEVNULL, check=False).returncode


def run_playbook(env: dict[str, str], extra: list[str]) -> tuple[int, int]:
    """Run the demo playbook, echoing its output; return its exit code and the tasks it changed."""
    command = ['ansible-playbook', str(DEMO_PLAYBOOK.relative_to(ROOT)), *extra]
    step(' '.join(command))
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    changed = 0
    in_recap = False

    for line in process.stdout:
        sys.stdout.write(line)
        # After "PLAY RECAP", one line per host: "localhost : ok=5 changed=2 unreachable=0 ..."
        in_recap = in_recap or 'PLAY RECAP' in line
        match = re.search(r'\bchanged=(\d+)', line) if in_recap else None

        if match:
            changed += int(match.group(1))

    return process.wait(), changed


def cmd_demo(args: list[str]) -> int:
    """Start the emulator, apply playbooks/demo.yml twice and show the second run changes nothing."""
    if args:
        return fail('demo takes no arguments')

    if not DEMO_PLAYBOOK.exists():
        return fail(f'{DEMO_PLAYBOOK.relative_to(ROOT)} does not exist yet: there is no demo to run')

    env = bootstrap()

    # The play runs on the implicit localhost: no inventory, and nothing to warn about.
    env.update(ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_INVENTORY_UNPARSED_WARNING='false')

    if sys.stdout.isatty():
        env['ANSIBLE_FORCE_COLOR'] = '1'  # ansible-playbook's output goes through a pipe here

    (BUILD / 'demo').mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix='demo-', dir=BUILD / 'demo') as workdir:
        step('start the emulator')

        try:
            emulator, announced = ci_matrix.start_emulator(VENV_PYTHON, env, Path(workdir))
        except ci_matrix.MatrixError as error:
            return fail(str(error))

        try:
            step(f'emulator listening on {announced["url"]}')
            # The modules read these when the playbook does not set them: keep the token cache
            # and records out of ~/.cache, since they describe this emulator only, and trust
            # the emulator's own certificate authority.
            env['AVD_CACHE_DIR'] = str(Path(workdir) / 'cache')

            if announced.get('ca_cert'):
                env['AVD_CA_PATH'] = str(announced['ca_cert'])

            extra = ['-e', f'avd_server_url={announced["url"]}']

            returncode = run_playbook(env, extra + ['--diff'])[0]

            if returncode:
                return returncode

            returncode, changed = run_playbook(env, extra)

            if returncode:
                return returncode

            if changed:
                return fail(f'the second run changed {changed} task(s): the playbook is not idempotent')

            step('second run changed nothing')
            return 0
        finally:
            step('stop the emulator')
            ci_matrix.stop_emulator(emulator)


def cmd_emulator(args: list[str]) -> int:
    """Run the emulator in the foreground until interrupted."""
    if not (EMULATOR / 'rtcops_emulator').is_dir():
        return fail('emulator/rtcops_emulator does not exist yet')

    env = bootstrap()

    if not any(arg == '--port' or arg.startswith('--port=') for arg in args):
        args = ['--port', '9610', *args]

    command = [str(VENV_PYTHON), '-m', 'rtcops_emulator', *args]
    step(' '.join(['python', '-m', 'rtcops_emulator', *args]))
    sys.stdout.flush()
    # Replace this process, so Ctrl-C and signals reach the emulator directly.
    os.execve(command[0], command, env)


def cmd_bench(args: list[str]) -> int:
    """Run the benchmarks (benchmarks/bench_*.py) one after the other; arguments pass through."""
    scripts = sorted((ROOT / 'benchmarks').glob('bench_*.py'))

    if not scripts:
        return fail('benchmarks/ holds no bench_*.py yet')

    env = bootstrap()

    for script in scripts:
        step(' '.join(['python', str(script.relative_to(ROOT)), *args]))
        returncode = subprocess.run([str(VENV_PYTHON), str(script), *args], cwd=ROOT, env=env, check=False).returncode

        if returncode:
            return returncode

    return 0


COMMANDS = {
    'test': cmd_test,
    'sanity': cmd_sanity,
    'integration': cmd_integration,
    'matrix': cmd_matrix,
    'demo': cmd_demo,
    'emulator': cmd_emulator,
    'bench': cmd_bench,
}


def main() -> int:
    parser = argparse.ArgumentParser(prog='python3 tools/dev.py', description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('command', choices=COMMANDS, help='what to do, as described above')
    parser.add_argument('args', nargs=argparse.REMAINDER, help='passed on: pytest options for test, options for emulator, entries/pieces for matrix')

    if len(sys.argv) < 2:
        parser.print_help()
        return 2

    options = parser.parse_args()

    return COMMANDS[options.command](options.args)


if __name__ == '__main__':
    sys.exit(main())
