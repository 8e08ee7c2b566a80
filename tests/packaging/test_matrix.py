"""The support matrix: the same runs as `python3 tools/dev.py matrix`, one test per entry and piece.

One test each, so pytest-xdist spreads them over its workers; the pieces of one entry share its
venv, which the first of them to start builds (the others wait on its lock).
"""

import re
from pathlib import Path

import pytest
import yaml

import ci_matrix  # tools/, put on sys.path by conftest.py

ROOT = Path(__file__).resolve().parents[2]


# Entries vary fastest, so both slow sanity runs are handed out first (pytest.ini lists this file first).
@pytest.mark.parametrize('entry', ci_matrix.ENTRIES.values(), ids=ci_matrix.ENTRIES)
@pytest.mark.parametrize('piece', ci_matrix.PIECES)
def test_matrix(entry, piece):
    try:
        returncode, output = ci_matrix.RUNNERS[piece](entry, echo=False, log=print)
    except ci_matrix.MatrixError as error:
        # No Python for the entry (or pip failed) is a failure: a machine that cannot test the matrix must say so.
        pytest.fail(str(error), pytrace=False)

    if returncode:
        print(output)  # pytest shows it with the failure
        pytest.fail(f'{piece} on {entry.name} exited with {returncode}', pytrace=False)


def test_oldest_entry_is_the_claimed_minimum():
    # meta/runtime.yml's requires_ansible is the promise; the matrix must test exactly that release line.
    runtime = yaml.safe_load((ROOT / 'meta' / 'runtime.yml').read_text(encoding='utf-8'))
    claimed = re.fullmatch(r'>=(\d+)\.(\d+)(?:\.\d+)?', runtime['requires_ansible'])
    assert claimed, runtime['requires_ansible']

    tested = sorted(tuple(map(int, re.search(r'>=(\d+)\.(\d+)', entry.ansible_core).groups())) for entry in ci_matrix.ENTRIES.values())
    assert tested[0] == (int(claimed.group(1)), int(claimed.group(2)))


def test_missing_python_is_named(monkeypatch, tmp_path):
    # A machine without an entry's Python must say which one is missing, not skip the entry.
    monkeypatch.setenv('PYENV_ROOT', str(tmp_path))
    monkeypatch.setenv('PATH', str(tmp_path))

    with pytest.raises(ci_matrix.MatrixError, match=r'Python 3\.12 is needed'):
        ci_matrix.find_python('3.12')


def test_readme_shows_the_tested_matrix():
    # The README's table is `python3 tools/dev.py matrix --table`: an entry added or raised here must show there.
    readme = (ROOT / 'README.md').read_text(encoding='utf-8')

    assert ci_matrix.markdown_table() in readme, 'README.md: paste the output of `python3 tools/dev.py matrix --table`'
