"""Run ``ansible-test sanity`` on this collection, offline-ish.

Shared by ``tools/dev.py sanity`` and ``tests/packaging/test_sanity.py``; standard library
only, so both the bare ``python3`` running dev.py and the venv running pytest can import it.

Two things stand between ansible-test and this machine:

* Every sanity test runs in its own virtual environment (cached under
  ``~/.ansible/test/venv``), and ansible-test bootstraps pip into each one with a script it
  downloads from a host that is not reachable here. It uses a cached copy when there is one,
  so we put our stand-in (``.ci/get_pip.py``) there, next to the pip wheel it installs.
* ansible-test refuses a checkout reached through a symlink (like
  ``.build/collections/ansible_collections/rtcops/conference``), so it runs on a fresh copy
  of the files git knows about, under ``.build/sanity/ansible_collections/rtcops/conference``.
  That copy gets a git repository of its own: ansible-test lists its targets with git from
  the nearest ``.git`` upwards, and this checkout's ``.git`` ignores ``.build``, so it would
  find no target at all, skip every test and still exit 0.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GET_PIP_STAND_IN = ROOT / '.ci' / 'get_pip.py'
SANITY_COLLECTION = ROOT / '.build' / 'sanity' / 'ansible_collections' / 'rtcops' / 'conference'
SANITY_LOCK = ROOT / '.build' / 'sanity.lock'
PIP_CACHE = Path('~/.ansible/test/cache').expanduser()

# Variables tools/dev.py sets for everything else that would point ansible-test's child
# processes at the live tree (through the symlink) instead of the copy under test.
_LEAKY_VARIABLES = ('PYTHONPATH', 'ANSIBLE_COLLECTIONS_PATH', 'ANSIBLE_COLLECTIONS_PATHS')

# Prints the environment's Python version and the pip version ansible-test bootstraps
# into its virtual environments for it (defined only in ansible-test's internals).
_VERSIONS_CODE = '''
import sys, types
from ansible_test._internal.python_requirements import get_venv_packages
python = "%d.%d" % sys.version_info[:2]
print(python, get_venv_packages(types.SimpleNamespace(version=python))["pip"])
'''
# Found in every version of .ci/get_pip.py, so an outdated copy of it gets replaced.
_STAND_IN_MARKER = b'Offline stand-in for ansible-test'


@contextlib.contextmanager
def file_lock(path: Path):
    """Hold an exclusive lock on ``path`` (created if needed): other runs in this checkout wait."""
    path.parent.mkdir(parents=True, exist_ok=True)

    with open(path, 'a', encoding='utf-8') as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _run_quiet(command: list[str], env: dict[str, str] | None = None) -> str:
    """Run a helper command; return its stdout, or raise with all it printed if it fails."""
    result = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, check=False)

    if result.returncode:
        raise RuntimeError(f'{" ".join(command)} failed ({result.returncode}):\n{result.stdout}{result.stderr}')

    return result.stdout


def install_pip_bootstrap(python: Path, version: str, env: dict[str, str], log=print) -> None:
    """Put the get-pip stand-in and the pip wheel it installs where ansible-test looks first."""
    script = PIP_CACHE / f'get_pip_{version.replace(".", "_")}.py'
    wheel = PIP_CACHE / f'pip-{version}-py3-none-any.whl'

    if not wheel.exists():
        log(f'download pip {version} wheel into {PIP_CACHE}')
        _run_quiet([str(python), '-m', 'pip', 'download', '--quiet', '--no-deps', '--dest', str(PIP_CACHE), f'pip=={version}'], env)

    # A real get-pip.py cached by hand works too; only a missing or outdated stand-in is replaced.
    stand_in = GET_PIP_STAND_IN.read_bytes()

    if not script.exists() or (script.read_bytes() != stand_in and _STAND_IN_MARKER in script.read_bytes()):
        log(f'install pip bootstrap stand-in as {script}')
        PIP_CACHE.mkdir(parents=True, exist_ok=True)
        script.write_bytes(stand_in)


def copy_collection() -> None:
    """Replace the copy with the tracked and untracked-but-not-ignored files of the checkout."""
    listing = _run_quiet(['git', '-C', str(ROOT), 'ls-files', '-z', '--cached', '--others', '--exclude-standard'])
    dest = SANITY_COLLECTION

    if dest.exists():
        shutil.rmtree(dest)

    for name in sorted(set(filter(None, listing.split('\0')))):
        source = ROOT / name

        if not source.exists() and not source.is_symlink():
            continue  # tracked, but deleted in the work tree

        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target, follow_symlinks=False)

    # Nothing is committed: git ls-files --others lists the files, as in the checkout.
    _run_quiet(['git', 'init', '--quiet', str(dest)])


# Versions tests/config.yml allows for modules (>= 3.9) that ansible-core 2.19 still supports on targets.
MODULE_PYTHONS = ('3.9', '3.10', '3.11', '3.12', '3.13')


def _other_module_pythons(controller_version: str) -> list[tuple[str, str]]:
    """(version, bin dir) of each other module Python version installed under pyenv."""
    root = Path(os.environ.get('PYENV_ROOT', Path.home() / '.pyenv')) / 'versions'
    found = []
    for version in MODULE_PYTHONS:
        if version == controller_version:
            continue
        builds = sorted(root.glob(f'{version}.*/bin/python{version}'))
        if builds:
            found.append((version, str(builds[-1].parent)))
    return found


def run_sanity(python: Path, env: dict[str, str] | None = None, echo: bool = True, log=print) -> tuple[int, str]:
    """Run every applicable ansible-test sanity test on a fresh copy of the collection.

    ``python`` is the interpreter of the environment with ansible-core installed. Its
    ``ansible-test`` runs there (``--local``) rather than in one more environment of its own
    (``--venv``, slower); containers do not work here. Nothing else is needed in that
    environment: each sanity test installs its pinned tools into a cached one of its own.
    Returns the exit code and the output (stdout and stderr), which ``echo`` also prints.
    """
    env = dict(os.environ if env is None else env)

    for name in _LEAKY_VARIABLES:
        env.pop(name, None)

    # Its scripts sit beside the interpreter; ansible-test also finds `python3.X` on PATH.
    bin_dir = str(Path(python).parent)
    env['PATH'] = os.pathsep.join([bin_dir, env.get('PATH', os.defpath)])

    python_version, pip_version = _run_quiet([str(python), '-c', _VERSIONS_CODE], env).split()

    command = [str(Path(bin_dir) / 'ansible-test'), 'sanity', '--local', '--python', python_version]
    lines = []

    # Developers share this checkout: a second run waits instead of replacing the copy under
    # the first one (ansible-test's own environments are not safe to create twice at once either).
    with file_lock(SANITY_LOCK):
        install_pip_bootstrap(python, pip_version, env, log)
        log(f'copy the collection to {SANITY_COLLECTION.relative_to(ROOT)}')
        copy_collection()
        log(' '.join(['ansible-test'] + command[1:]))

        with subprocess.Popen(command, cwd=SANITY_COLLECTION, env=env, text=True,
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT) as process:
            for line in process.stdout:
                lines.append(line)

                if echo:
                    sys.stdout.write(line)
                    sys.stdout.flush()

        returncode = process.returncode

        # The modules run on the managed host's Python, not only on the controller's: compile and import
        # them with every other version tests/config.yml allows that this machine has (pyenv's builds).
        for version, extra_bin in _other_module_pythons(python_version):
            log(f'ansible-test sanity --test compile --test import --python {version}')
            extra_env = dict(env, PATH=os.pathsep.join([extra_bin, env['PATH']]))
            done = subprocess.run([str(Path(bin_dir) / 'ansible-test'), 'sanity', '--local', '--python', version,
                                   '--test', 'compile', '--test', 'import'],
                                  cwd=SANITY_COLLECTION, env=extra_env, text=True, stdin=subprocess.DEVNULL,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
            lines.append(done.stdout)
            if echo:
                sys.stdout.write(done.stdout)
                sys.stdout.flush()
            returncode = returncode or done.returncode

    output = ''.join(lines)

    # ansible-test exits 0 when it finds nothing to test; for us that is a broken set-up.
    if returncode == 0 and 'All targets skipped' in output:
        returncode = 1
        note = 'ci_sanity: ansible-test found no target to test\n'
        output += note

        if echo:
            sys.stdout.write(note)

    return returncode, output
