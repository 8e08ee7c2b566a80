"""Shared fixtures of the packaging tests: they check the collection as a whole, as published."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODULES_DIR = ROOT / 'plugins' / 'modules'

# tools/ci_sanity.py is shared with tools/dev.py, which is not a package.
sys.path.insert(0, str(ROOT / 'tools'))


def _executable(name: str) -> str:
    """A console script of the environment running the tests (tools/dev.py's .venv), else from PATH."""
    beside = Path(sys.executable).with_name(name)

    if beside.exists():
        return str(beside)

    found = shutil.which(name)

    if not found:
        pytest.fail(f'{name} is not installed: run the tests with `python3 tools/dev.py test`')

    return found


@pytest.fixture(scope='session')
def run():
    """Run a command (its first word is looked up as above); fail the test with its output if it fails."""

    def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
        command = [_executable(command[0]), *map(str, command[1:])]
        kwargs.setdefault('cwd', ROOT)
        result = subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)

        if result.returncode:
            # Its output goes to the captured stdout pytest reports; the failure stays one line,
            # since pytest repeats it in the short summary (in full when CI is set).
            print(result.stdout, result.stderr, sep='\n')
            pytest.fail(f'{Path(command[0]).name} {" ".join(command[1:3])} ... exited with {result.returncode}', pytrace=False)

        return result

    return _run


@pytest.fixture(scope='session')
def modules() -> dict[str, Path]:
    """The module files under plugins/modules, by module name (sorted)."""
    found = {path.stem: path for path in sorted(MODULES_DIR.glob('*.py')) if path.name != '__init__.py'}

    if not found:
        pytest.fail('plugins/modules holds no module file', pytrace=False)

    return found
