"""Every path of the AVD API inventory (docs/avd-endpoints.txt) is served by the emulator and called by a plugin.

The paths still missing are listed below as expected failures (strict: a listed path that becomes covered fails the
test, so the lists can only shrink and never go stale).
"""

import re
from collections import Counter
from pathlib import Path

import pytest

from rtcops_emulator.vendors import collect
from rtcops_emulator.vendors.avd import GROUPS

ROOT = Path(__file__).resolve().parents[2]
INVENTORY = ROOT / 'docs' / 'avd-endpoints.txt'
PLUGINS = ROOT / 'plugins'
# The document's own count (section 1.5, "Endpoint inventory (69 paths)"), and per group.
DOCUMENTED_COUNT = 69
DOCUMENTED_GROUPS = {'System / app': 6, 'Rooms': 8, 'Participants': 2, 'Recordings': 16, 'Live & mix live': 4,
                     'AVC': 6, 'Media player': 8, 'SIP gates': 5, 'SIP accounts': 4, 'Devices': 9, 'Upload': 1}
API_PREFIX = '/sdkapi/v2'
# Served outside the sdkapi/v2 prefix (Q-AVD-14).
UNPREFIXED = {'/uploadfile'}

# Paths no emulator group serves yet.
NOT_SERVED = set()
# Paths no plugin calls yet.
NOT_CALLED = set()


def read_inventory():
    """{group: [path, ...]} from the data file: '# <group> (<n>)' lines open a group, other '#' lines are comments."""
    groups = {}
    current = None
    for line in INVENTORY.read_text(encoding='utf-8').splitlines():
        line = line.strip()
        heading = re.fullmatch(r'# (.+) \((\d+)\)', line)
        if heading:
            current = groups.setdefault(heading.group(1), [])
        elif line and not line.startswith('#'):
            assert current is not None, 'path %s before any group heading in %s' % (line, INVENTORY)
            current.append(line)
    return groups


INVENTORY_GROUPS = read_inventory()
PATHS = [path for paths in INVENTORY_GROUPS.values() for path in paths]


def served_paths():
    """The API paths the AVD emulator routes, without the sdkapi/v2 prefix (a documented path served at the wrong
    place does not count)."""
    routed = {declared.path for declared in collect(GROUPS, 'api_route')}
    return {path[len(API_PREFIX):] for path in routed if path.startswith(API_PREFIX + '/')} | (routed & UNPREFIXED)


def called_paths():
    """The inventory paths that some plugin names as a string literal (the client is always given the path whole)."""
    sources = [source.read_text(encoding='utf-8') for source in sorted(PLUGINS.rglob('*.py'))]
    return {path for path in PATHS if any(re.search(r'''['"]%s['"]''' % re.escape(path), text) for text in sources)}


SERVED = served_paths()
CALLED = called_paths()


def test_the_inventory_holds_the_documented_69_paths():
    assert len(PATHS) == DOCUMENTED_COUNT
    assert [path for path, count in Counter(PATHS).items() if count > 1] == []
    assert dict((group, len(paths)) for group, paths in INVENTORY_GROUPS.items()) == DOCUMENTED_GROUPS
    assert all(re.fullmatch(r'(/[a-z_]+)+', path) for path in PATHS)


def test_the_expected_gaps_are_documented_paths():
    # A typo in the lists would otherwise be an expected failure that never fails.
    assert sorted((NOT_SERVED | NOT_CALLED) - set(PATHS)) == []


def _expecting(missing):
    return [pytest.param(path, marks=pytest.mark.xfail(reason='not covered yet', strict=True)) if path in missing
            else path for path in PATHS]


@pytest.mark.parametrize('path', _expecting(NOT_SERVED))
def test_the_emulator_serves(path):
    assert path in SERVED


@pytest.mark.parametrize('path', _expecting(NOT_CALLED))
def test_a_plugin_calls(path):
    assert path in CALLED
