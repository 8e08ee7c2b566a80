# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import json
import os
import stat

import pytest

from ansible_collections.rtcops.conference.plugins.module_utils._budget import BudgetExhausted, RequestBudget


class Clock:
    """A wall clock shared by several budgets, as the processes of one machine share the real one."""

    def __init__(self):
        self.now = 1_700_000_000.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def budget(directory, clock, key='app-1', limit=10, window=1, warnings=None):
    return RequestBudget('anyrtc', ['https://api.example', key], limit, window, directory=str(directory),
                         warn=None if warnings is None else warnings.append, clock=clock, sleep=clock.sleep)


def send(one, max_wait=None, answer_after=0.0):
    """One request as a client sends it: a slot, the answer after some time, the slot settled."""
    waited = one.take(max_wait)
    one._clock.now += answer_after
    one.settle()
    return waited


def test_two_processes_share_ten_requests_per_second(tmp_path):
    clock = Clock()
    first, second = budget(tmp_path, clock), budget(tmp_path, clock)
    for index in range(10):
        send(first if index % 2 else second)
    assert clock.sleeps == []
    send(second)  # the eleventh request of the App ID within the second waits, whichever task sends it
    assert len(clock.sleeps) == 1 and 1.0 <= clock.sleeps[0] < 1.2


def test_no_second_holds_more_than_the_limit(tmp_path):
    clock = Clock()
    budgets = [budget(tmp_path, clock) for dummy in range(4)]
    sent = []
    for index in range(45):
        budgets[index % 4].take()
        clock.now += 0.005  # on its way: the server counts it on arrival
        sent.append(clock.now)
        clock.now += 0.005
        budgets[index % 4].settle()
    for moment in sent:
        assert len([m for m in sent if moment <= m < moment + 1.0]) <= 10


def test_app_ids_have_their_own_budgets_and_names_hide_them(tmp_path):
    clock = Clock()
    for dummy in range(10):
        send(budget(tmp_path, clock, key='app-1'))
    send(budget(tmp_path, clock, key='app-2'))
    assert clock.sleeps == []
    names = os.listdir(tmp_path / 'budgets')
    assert not [name for name in names if 'app-' in name or 'example' in name]
    for name in names:
        if name.endswith('.json'):
            assert 'app-' not in (tmp_path / 'budgets' / name).read_text()
            assert stat.S_IMODE(os.stat(tmp_path / 'budgets' / name).st_mode) == 0o600


def test_one_snapshot_per_window_and_a_bounded_wait(tmp_path):
    clock = Clock()
    first = budget(tmp_path, clock, limit=1, window=30)
    second = budget(tmp_path, clock, limit=1, window=30)
    send(first)
    clock.now += 10
    with pytest.raises(BudgetExhausted) as info:
        second.take(max_wait=5)
    assert 20 <= info.value.wait < 21 and clock.sleeps == []
    assert send(second, max_wait=25) >= 20
    clock.now += 29
    with pytest.raises(BudgetExhausted):
        first.take(max_wait=0)


@pytest.mark.parametrize('content', [b'{"sent": [1, 2', b'\xff\xfe', b'[]', b'{"sent": "soon"}', b'{"sent": [true]}'])
def test_a_corrupt_file_is_replaced_with_one_warning(tmp_path, content):
    clock = Clock()
    warnings = []
    first = budget(tmp_path, clock, warnings=warnings)
    send(first)
    with open(first.path, 'wb') as handle:
        handle.write(content)
    send(first)
    send(first)
    assert len(warnings) == 1 and first.path in warnings[0]
    with open(first.path) as handle:
        assert len(json.load(handle)['sent']) == 2


def test_a_clock_set_back_does_not_block(tmp_path):
    clock = Clock()
    first = budget(tmp_path, clock, limit=1, window=30)
    send(first)
    clock.now -= 3600
    send(first, max_wait=0)


def test_an_unwritable_directory_keeps_the_budget_in_the_process(tmp_path):
    clock = Clock()
    blocker = tmp_path / 'not-a-directory'
    blocker.write_text('')
    warnings = []
    only = budget(blocker, clock, warnings=warnings)
    for dummy in range(11):
        send(only)
    assert len(warnings) == 1 and 'only the requests of this task' in warnings[0]
    assert len(clock.sleeps) == 1


def test_the_window_runs_from_the_answer_of_a_slow_request(tmp_path):
    clock = Clock()
    first, second = budget(tmp_path, clock, limit=1, window=30), budget(tmp_path, clock, limit=1, window=30)
    first.take()
    sent = clock.now
    clock.now += 5  # the answer takes five seconds: the server may have counted the request at any moment in them
    with pytest.raises(BudgetExhausted):
        second.take(max_wait=0)  # in flight, it counts as sent now
    first.settle()
    send(second)
    assert clock.now - sent >= 35


def test_a_slot_never_settled_stops_counting_in_the_end(tmp_path):
    clock = Clock()
    crashed, alive = budget(tmp_path, clock, limit=1, window=30), budget(tmp_path, clock, limit=1, window=30)
    crashed.take()  # its task died before the answer
    send(alive, max_wait=200)
    assert 90 <= sum(clock.sleeps) <= 91
