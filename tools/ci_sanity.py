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
  of the files git knows about, under ``.build/sanity/ansible_collections/rtcops/conference``
  (a support-matrix entry, tools/ci_matrix.py, passes a directory of its own, so both runs can
  go on side by side). That copy gets a git repository of its own: ansible-test lists its
  targets with git from the nearest ``.git`` upwards, and this checkout's ``.git`` ignores
  ``.build``, so it would find no target at all, skip every test and still exit 0.
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
SANITY_DIR = ROOT / '.build' / 'sanity'
COLLECTION_SUBPATH = Path('ansible_collections') / 'rtcops' / 'conference'
SANITY_COLLECTION = SANITY_DIR / COLLECTION_SUBPATH

# Variables tools/dev.py sets for everything else that would point ansible-test's child
# processes at the live tree (through the symlink) instead of the copy under test.
_LEAKY_VARIABLES = ('PYTHONPATH', 'ANSIBLE_COLLECTIONS_PATH', 'ANSIBLE_COLLECTIONS_PATHS')

# Prints the environment's Python version and the packages (name==version) ansible-test bootstraps
# into its virtual environments for it (defined only in ansible-test's internals): pip alone on
# ansible-core 2.17 and later, pip, setuptools and wheel on 2.16.
_VERSIONS_CODE = '''
import sys, types
from ansible_test._internal.python_requirements import get_venv_packages
python = "%d.%d" % sys.version_info[:2]
packages = get_venv_packages(types.SimpleNamespace(version=python))
print(python, *("%s==%s" % item for item in sorted(packages.items())))
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


def pip_cache(env: dict[str, str]) -> Path:
    """Where ansible-test looks for its get-pip script: ~/.ansible/test/cache, with ``env``'s HOME."""
    return Path(env.get('HOME') or Path.home()) / '.ansible' / 'test' / 'cache'


def install_pip_bootstrap(python: Path, packages: list[str], env: dict[str, str], log=print) -> None:
    """Put the get-pip stand-in and the wheels it installs (``packages``, as name==version) where ansible-test looks first."""
    cache = pip_cache(env)
    version = dict(package.split('==') for package in packages)['pip']
    script = cache / f'get_pip_{version.replace(".", "_")}.py'

    for package in packages:
        name, package_version = package.split('==')

        if not any(cache.glob(f'{name}-{package_version}-*.whl')):
            log(f'download {package} wheel into {cache}')
            _run_quiet([str(python), '-m', 'pip', 'download', '--quiet', '--no-deps', '--only-binary', ':all:',
                        '--dest', str(cache), package], env)

    # A real get-pip.py cached by hand works too; only a missing or outdated stand-in is replaced.
    stand_in = GET_PIP_STAND_IN.read_bytes()

    if not script.exists() or (script.read_bytes() != stand_in and _STAND_IN_MARKER in script.read_bytes()):
        log(f'install pip bootstrap stand-in as {script}')
        cache.mkdir(parents=True, exist_ok=True)
        script.write_bytes(stand_in)


def copy_collection(dest: Path = SANITY_COLLECTION) -> None:
    """Replace the copy at ``dest`` with the tracked and untracked-but-not-ignored files of the checkout."""
    listing = _run_quiet(['git', '-C', str(ROOT), 'ls-files', '-z', '--cached', '--others', '--exclude-standard'])

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


def run_sanity(python: Path, env: dict[str, str] | None = None, echo: bool = True, log=print,
               workdir: Path = SANITY_DIR, other_pythons: bool = True) -> tuple[int, str]:
    """Run every applicable ansible-test sanity test on a fresh copy of the collection.

    ``python`` is the interpreter of the environment with ansible-core installed. Its
    ``ansible-test`` runs there (``--local``) rather than in one more environment of its own
    (``--venv``, slower); containers do not work here. Nothing else is needed in that
    environment: each sanity test installs its pinned tools into a cached one of its own.
    Returns the exit code and the output (stdout and stderr), which ``echo`` also prints.

    The copy lives under ``workdir`` (locked by ``<workdir>.lock``); ``other_pythons`` also
    compiles and imports the modules with every other Python version pyenv has.
    """
    env = dict(os.environ if env is None else env)

    for name in _LEAKY_VARIABLES:
        env.pop(name, None)

    # Its scripts sit beside the interpreter; ansible-test also finds `python3.X` on PATH.
    bin_dir = str(Path(python).parent)
    env['PATH'] = os.pathsep.join([bin_dir, env.get('PATH', os.defpath)])

    python_version, *bootstrap_packages = _run_quiet([str(python), '-c', _VERSIONS_CODE], env).split()
    collection = workdir / COLLECTION_SUBPATH

    command = [str(Path(bin_dir) / 'ansible-test'), 'sanity', '--local', '--python', python_version]
    lines = []

    # Developers share this checkout: a second run waits instead of replacing the copy under
    # the first one (ansible-test's own environments are not safe to create twice at once either).
    with file_lock(workdir.with_name(workdir.name + '.lock')):
        # Another run (a matrix entry) may fill the shared cache at the same moment.
        with file_lock(pip_cache(env).parent / 'rtcops-bootstrap.lock'):
            install_pip_bootstrap(python, bootstrap_packages, env, log)

        log(f'copy the collection to {collection.relative_to(ROOT)}')
        copy_collection(collection)
        log(' '.join(['ansible-test'] + command[1:]))

        with subprocess.Popen(command, cwd=collection, env=env, text=True,
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT) as process:
            for line in process.stdout:
                lines.append(line)

                if echo:
                    sys.stdout.write(line)
                    sys.stdout.flush()

        returncode = process.returncode

        # The modules run on the managed host's Python, not only on the controller's: compile and import
        # them with every other version tests/config.yml allows that this machine has (pyenv's builds).
        for version, extra_bin in _other_module_pythons(python_version) if other_pythons else []:
            log(f'ansible-test sanity --test compile --test import --python {version}')
            extra_env = dict(env, PATH=os.pathsep.join([extra_bin, env['PATH']]))
            done = subprocess.run([str(Path(bin_dir) / 'ansible-test'), 'sanity', '--local', '--python', version,
                                   '--test', 'compile', '--test', 'import'],
                                  cwd=collection, env=extra_env, text=True, stdin=subprocess.DEVNULL,
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
