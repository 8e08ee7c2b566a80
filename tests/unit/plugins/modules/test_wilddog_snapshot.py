# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.rtcops.conference.plugins.modules import wilddog_snapshot
from ansible_collections.rtcops.conference.plugins.module_utils._wilddog_client import WilddogError


class Clock:

    def __init__(self):
        self.now = 1000.0
        self.sleeps = []

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


class Client:

    def __init__(self, answers):
        self.answers = list(answers)
        self.calls = 0

    def snapshot(self, room_id):
        self.calls += 1
        answer = self.answers.pop(0)
        if isinstance(answer, int):
            raise WilddogError('code %s' % answer, answer)
        return answer


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(wilddog_snapshot.time, 'monotonic', fake.monotonic)
    monkeypatch.setattr(wilddog_snapshot.time, 'sleep', fake.sleep)
    return fake


def test_rate_limit_waits_a_whole_window_then_asks_again(clock):
    client = Client([41205, 41205, ['u1']])
    urls, waits = wilddog_snapshot.take_snapshot(client, 'r', clock.now + 100, 30)
    assert urls == ['u1'] and waits == 2 and clock.sleeps == [30, 30]


def test_server_errors_are_retried_too(clock):
    client = Client([41206, ['u1']])
    assert wilddog_snapshot.take_snapshot(client, 'r', clock.now + 100, 30) == (['u1'], 1)


def test_no_wait_past_the_deadline(clock):
    client = Client([41205, ['u1']])
    with pytest.raises(WilddogError) as info:
        wilddog_snapshot.take_snapshot(client, 'r', clock.now + 29, 30)
    assert info.value.code == 41205 and 'wait_timeout' in str(info.value)
    assert clock.sleeps == [] and client.calls == 1


def test_other_errors_are_not_retried(clock):
    client = Client([41203])
    with pytest.raises(WilddogError):
        wilddog_snapshot.take_snapshot(client, 'r', clock.now + 1000, 30)
    assert client.calls == 1
