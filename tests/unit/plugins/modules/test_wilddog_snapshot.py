# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.rtcops.conference.plugins.modules import wilddog_snapshot
from ansible_collections.rtcops.conference.plugins.module_utils._budget import RequestBudget
from ansible_collections.rtcops.conference.plugins.module_utils._http import TransportError
from ansible_collections.rtcops.conference.plugins.module_utils._wilddog_client import WilddogClient, WilddogError


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

    def __init__(self, answers, clock):
        self.answers = list(answers)
        self.calls = 0
        self.clock = clock
        self.moments = []

    def snapshot(self, room_id):
        self.calls += 1
        self.moments.append(self.clock.now)
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


@pytest.fixture
def window(tmp_path, clock):
    """The app's 30-second window, as every task of the machine shares it."""
    def make(seconds=30):
        return RequestBudget('wilddog', ['https://api', 'app'], 1, seconds, directory=str(tmp_path), clock=clock.monotonic,
                             sleep=clock.sleep)
    return make


def test_rate_limit_waits_a_whole_window_then_asks_again(clock, window):
    client = Client([41205, 41205, ['u1']], clock)
    urls, waits = wilddog_snapshot.take_snapshot(client, 'r', clock.now + 100, 30, window())
    assert urls == ['u1'] and waits == 2
    assert client.moments[1] - client.moments[0] >= 30 and client.moments[2] - client.moments[1] >= 30


def test_server_errors_are_retried_too(clock, window):
    client = Client([41206, ['u1']], clock)
    assert wilddog_snapshot.take_snapshot(client, 'r', clock.now + 100, 30, window()) == (['u1'], 1)


def test_no_wait_past_the_deadline(clock, window):
    client = Client([41205, ['u1']], clock)
    with pytest.raises(WilddogError) as info:
        wilddog_snapshot.take_snapshot(client, 'r', clock.now + 29, 30, window())
    assert info.value.code == 41205 and 'wait_timeout' in str(info.value)
    assert clock.sleeps == [] and client.calls == 1


def test_other_errors_are_not_retried(clock, window):
    client = Client([41203], clock)
    with pytest.raises(WilddogError):
        wilddog_snapshot.take_snapshot(client, 'r', clock.now + 1000, 30, window())
    assert client.calls == 1


def test_a_second_task_within_the_window_waits_for_it_without_meeting_41205(clock, window):
    first, second = Client([['u1']], clock), Client([['u2']], clock)
    wilddog_snapshot.take_snapshot(first, 'r', clock.now + 100, 30, window())
    clock.now += 12
    urls, waits = wilddog_snapshot.take_snapshot(second, 'other-room', clock.now + 100, 30, window())
    assert urls == ['u2'] and waits == 1
    assert second.moments[0] - first.moments[0] >= 30


def test_a_window_longer_than_the_wait_timeout_fails_at_once_naming_it(clock, window):
    wilddog_snapshot.take_snapshot(Client([['u1']], clock), 'r', clock.now + 100, 30, window())
    late = Client([['u2']], clock)
    with pytest.raises(WilddogError) as info:
        wilddog_snapshot.take_snapshot(late, 'r', clock.now + 10, 30, window())
    assert late.calls == 0 and clock.sleeps == []
    assert 'rate_limit_window' in str(info.value) and 'wait_timeout' in str(info.value)


class Broken:
    """An error page whose connection breaks while it is read."""

    status = 500
    url = 'http://images.example/a.jpg?token=SECRET-TOKEN'
    headers = {}

    def read(self):
        raise TransportError('reading the answer failed: connection reset', sent=True)

    def close(self):
        pass


def test_a_connection_lost_while_reading_an_error_page_is_the_vendors_error():
    client = WilddogClient('app', 'SECRET-TOKEN', 'http://api.example')
    client.request = lambda *args, **kwargs: Broken()
    for call in (lambda: client.image(Broken.url), lambda: client.snapshot('r')):
        with pytest.raises(WilddogError) as info:
            call()
        assert 'connection reset' in str(info.value) and 'SECRET-TOKEN' not in str(info.value)
        assert info.value.call in ('GET snapshot image', 'GET /v2/snapshot')
