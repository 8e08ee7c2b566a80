# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Every integration target is a role that checks itself with assertions; a target passes when its play does."""

from __future__ import annotations

from pathlib import Path

import pytest

# test_ansible_test.py runs these through ansible-test instead (the same list is there), so none runs twice.
ANSIBLE_TEST_TARGETS = ('avd_room_info', 'avd_meeting_info')
TARGETS = sorted(path.name for path in (Path(__file__).parent / 'targets').iterdir()
                 if (path / 'tasks' / 'main.yml').is_file() and not path.name.startswith('setup_')
                 and path.name not in ANSIBLE_TEST_TARGETS)


@pytest.mark.parametrize('target', TARGETS)
def test_target(playbook, target):
    run = playbook(target)
    assert run.rc == 0, 'target %s failed; see %s\n%s' % (target, run.log, run.output[-6000:])


def test_no_target_is_shadowed_by_a_role_of_the_collection():
    # ansible-test plays a target as a role from inside the collection, where the collection's own role of the same
    # name wins: the target would never run there (name it <module>_module, see CONTRIBUTING.md).
    roles = {path.name for path in (Path(__file__).parents[2] / 'roles').iterdir() if path.is_dir()}
    targets = {path.name for path in (Path(__file__).parent / 'targets').iterdir() if path.is_dir()}
    assert not roles & targets, 'integration targets named like roles of the collection: %s' % sorted(roles & targets)
