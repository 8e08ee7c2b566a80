"""ansible-lint passes with the production profile on the whole repository (.ansible-lint holds the configuration)."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# ansible-lint's pep8 format: one finding a line, "path:line[:column]: rule[tag]: message".
FINDING = re.compile(r'^[^:\s]+:\d+(?::\d+)?: \S+')


def test_ansible_lint_production_profile():
    env = dict(os.environ)
    # rtcops.conference.* resolves through the link tools/dev.py keeps under .build/collections; without it every
    # task of ours would be a syntax-check error.
    env['ANSIBLE_COLLECTIONS_PATH'] = str(ROOT / '.build' / 'collections')
    # One run over the whole repository: start-up and the syntax checks of the playbooks are most of its cost.
    command = [str(Path(sys.executable).with_name('ansible-lint')), '--profile', 'production', '--offline', '--nocolor', '--format', 'pep8']

    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)

    # It exits 0 when all it has are warnings (an internal-error of a file it could not load is one): read its output too.
    findings = [line for line in result.stdout.splitlines() if FINDING.match(line)]
    warnings = [line for line in result.stderr.splitlines() if line.startswith('WARNING')]

    problems = findings + warnings + ([f'ansible-lint exited with {result.returncode}'] if result.returncode else [])

    # The summary at the end of stderr names the rules and the profile that passed.
    assert not problems, '\n'.join(problems) + '\n' + result.stderr[-1500:]
