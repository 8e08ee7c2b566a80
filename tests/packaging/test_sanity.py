"""ansible-test sanity passes: the same run as `python3 tools/dev.py sanity`."""

import sys
from pathlib import Path

import pytest

import ci_sanity  # tools/, put on sys.path by conftest.py


def test_ansible_test_sanity():
    # The interpreter running the tests is the development venv, which has ansible-test.
    returncode, output = ci_sanity.run_sanity(Path(sys.executable), echo=False, log=lambda message: None)

    if returncode:
        # The whole output goes to the captured stdout pytest reports; the failure itself stays
        # one line, since pytest repeats it in the short summary (in full when CI is set).
        print(output)
        # ansible-test ends with "FATAL: The N sanity test(s) listed below ... failed." and their names.
        failed = output.split('listed below', 1)[-1].splitlines()[1:] if 'listed below' in output else []
        pytest.fail(f'ansible-test sanity exited with {returncode}; failed: {", ".join(failed) or "see its output"}', pytrace=False)
