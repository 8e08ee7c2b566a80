# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.rtcops.conference.plugins.module_utils import _anyrtc_client
from ansible_collections.rtcops.conference.plugins.module_utils._anyrtc_client import AnyRTCClient, AnyRTCError, NotSent
from ansible_collections.rtcops.conference.plugins.module_utils._budget import RequestBudget
from ansible_collections.rtcops.conference.plugins.module_utils._http import TransportError

STORAGE = dict(vendor=2, region=1, bucket='b', accessKey='AK-secret', secretKey='SK-secret', fileNamePrefix=['a', 'b'])


def test_secrets_found_and_masked():
    found = _anyrtc_client.secrets_of(STORAGE, {'extensionServices': [{'serviceParam': {'secretKey': 'VOD'}}]})
    assert set(found) == {'AK-secret', 'SK-secret', 'VOD'}
    assert _anyrtc_client.masked(STORAGE)['secretKey'] == '********'


class Clock:

    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


class Answer:

    def __init__(self, status, body=b'{}'):
        self.status = status
        self.body = body
        self.url = None
        self.headers = {}

    def read(self):
        return self.body

    def close(self):
        pass


class Session:

    def __init__(self, answers):
        self.answers = list(answers)
        self.sent = []

    def request(self, method, url, body=None, headers=None):
        self.sent.append((method, url, body, headers))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


@pytest.fixture(autouse=True)
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv('XDG_CACHE_HOME', str(tmp_path))
    return tmp_path


def client_with(answers, clock, budget_dir=None):
    budget = None
    if budget_dir is not None:
        budget = RequestBudget('anyrtc', ['http://h', 'app'], 10, 1, directory=str(budget_dir), clock=clock, sleep=clock.sleep)
    client = AnyRTCClient('app', 'cust', 'secret-value', 'http://h', clock=clock, sleep=clock.sleep, budget=budget)
    client.http = Session(answers)
    return client


def test_two_clients_of_one_app_id_keep_ten_per_second_together(tmp_path):
    clock = Clock()
    first = client_with([Answer(200, b'{"resourceId": "r"}')] * 6, clock, tmp_path)
    second = client_with([Answer(200, b'{"resourceId": "r"}')] * 5, clock, tmp_path)
    for dummy in range(5):
        first.acquire('c', 'u', {})
        second.acquire('c', 'u', {})
    assert clock.sleeps == []
    first.acquire('c', 'u', {})
    assert len(clock.sleeps) == 1 and clock.sleeps[0] > 0.9


def test_the_default_budget_lives_in_the_cache_directory(cache_dir):
    client = AnyRTCClient('app', 'cust', 'secret-value', 'http://h')
    client.http = Session([Answer(200, b'{"resourceId": "r"}')])
    client.acquire('c', 'u', {})
    assert client.budget.path.startswith(str(cache_dir / 'rtcops.conference' / 'budgets'))
    assert (cache_dir / 'rtcops.conference' / 'budgets').is_dir()


def test_a_wait_for_the_budget_past_the_call_deadline_is_not_sent(tmp_path):
    clock = Clock()
    hog = RequestBudget('anyrtc', ['http://h', 'app'], 1, 3600, directory=str(tmp_path), clock=clock, sleep=clock.sleep)
    hog.take()
    client = AnyRTCClient('app', 'cust', 'secret-value', 'http://h', clock=clock, sleep=clock.sleep,
                          budget=RequestBudget('anyrtc', ['http://h', 'app'], 1, 3600, directory=str(tmp_path), clock=clock,
                                               sleep=clock.sleep))
    client.http = Session([])
    with pytest.raises(NotSent) as info:
        client.start('r', 'mix', 'c', 'u', {})
    assert info.value.verdict and info.value.call == 'start' and 'not sent' in str(info.value)
    assert client.http.sent == []


def test_a_lost_answer_and_a_gateway_error_are_no_verdict_a_4xx_is():
    assert not AnyRTCError('lost').verdict
    assert not AnyRTCError('gateway', status=504).verdict
    assert AnyRTCError('refused', code=2, status=400).verdict


def test_accepted_statuses_come_back_as_answers():
    clock = Clock()
    client = client_with([Answer(404, b'<html>not found</html>'), Answer(400, b'{"code": 7, "reason": "in progress", "sid": "s1"}')], clock)
    gone = client.query('r', 's', 'mix', accept_status=(404,))
    assert gone['_http_status'] == 404 and gone['_code'] is None
    used = client.start('r', 'mix', 'c', 'u', {}, accept=(7,))
    assert used['_code'] == 7 and used['sid'] == 's1'


def test_exact_content_type_and_basic_auth():
    clock = Clock()
    client = client_with([Answer(200, b'{"resourceId": "r"}')], clock)
    client.acquire('c', 'u', {})
    headers = client.http.sent[0][3]
    assert headers['Content-type'] == 'application/json;charset=utf-8'
    assert headers['Authorization'].startswith('Basic ')


def test_429_and_5xx_are_retried():
    clock = Clock()
    client = client_with([Answer(429), Answer(503), Answer(200, b'{"resourceId": "r"}')], clock)
    assert client.acquire('c', 'u', {})['resourceId'] == 'r'
    assert len(client.http.sent) == 3


def test_repeated_stop_is_accepted_and_401_explained_without_secret():
    clock = Clock()
    client = client_with([Answer(400, b'{"code": 49, "reason": "repeated stop"}'),
                          Answer(401, b'{"message": "Invalid authentication credentials secret-value"}')], clock)
    assert client.stop('r', 's', 'mix', 'c', 'u', accept=(49,))['_code'] == 49
    with pytest.raises(AnyRTCError) as info:
        client.query('r', 's', 'mix')
    assert info.value.status == 401 and 'secret-value' not in str(info.value)
    assert 'Invalid authentication credentials' in str(info.value)


def test_a_start_or_stop_whose_answer_was_lost_is_not_sent_again():
    clock = Clock()
    client = client_with([TransportError('connection reset', sent=True), TransportError('connection reset', sent=True)], clock)
    with pytest.raises(AnyRTCError) as info:
        client.start('r', 'mix', 'c', 'u', {})
    assert len(client.http.sent) == 1 and 'start' in str(info.value)
    with pytest.raises(AnyRTCError):
        client.stop('r', 's', 'mix', 'c', 'u')
    assert len(client.http.sent) == 2


def test_a_5xx_start_is_reported_not_repeated_but_a_429_is_repeated():
    clock = Clock()
    client = client_with([Answer(429), Answer(500, b'{"code": 2, "reason": "busy"}')], clock)
    with pytest.raises(AnyRTCError) as info:
        client.start('r', 'mix', 'c', 'u', {})
    assert len(client.http.sent) == 2 and info.value.status == 500


def test_a_connection_that_never_opened_is_retried_even_for_a_start():
    clock = Clock()
    client = client_with([TransportError('connection refused', sent=False), Answer(200, b'{"sid": "s"}')], clock)
    assert client.start('r', 'mix', 'c', 'u', {})['sid'] == 's'
    assert client.requests == 2
