# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest

from ansible_collections.rtcops.conference.plugins.module_utils import _avd_client as avd
from ansible_collections.rtcops.conference.plugins.module_utils import _http


class TestClassify:

    def test_ret_zero_is_success(self):
        avd.classify('/room/read', {'ret': 0, 'msg': 'success', 'data': {}})

    def test_ret_error_carries_call_code_and_vendor_message(self):
        with pytest.raises(avd.AvdApiError) as info:
            avd.classify('/room/update', {'ret': 40004, 'msg': 'no such room_id'})
        assert info.value.code == 40004
        assert info.value.call == '/room/update'
        assert '/room/update' in str(info.value) and '40004' in str(info.value) and 'no such room_id' in str(info.value)

    def test_code_200_envelope_is_success(self):
        # Q-AVD-01: /room/close answers {"code": 200, "msg": "success"}
        avd.classify('/room/close', {'code': 200, 'msg': 'success'})

    def test_code_envelope_error(self):
        with pytest.raises(avd.AvdApiError) as info:
            avd.classify('/room/close', {'code': 41005, 'msg': 'Internal server error:room not found or opened'})
        assert info.value.code == 41005

    def test_string_ret_is_read_as_number(self):
        with pytest.raises(avd.AvdApiError) as info:
            avd.classify('/sip/gate/read', {'ret': '40020', 'msg': 'no such sip_gate_id'})
        assert info.value.code == 40020

    def test_statistics_have_no_envelope(self):
        avd.classify('/room/get_statistic', {'meeting_total': 0, 'web_cnt': 0})

    def test_missing_envelope_elsewhere_is_an_error(self):
        with pytest.raises(avd.AvdTransportError):
            avd.classify('/room/read', {'data': {}})

    def test_token_failure_401_is_explained(self):
        # Q-AVD-43: the get_token example fails with 401 although the table says 40001
        with pytest.raises(avd.AvdApiError) as info:
            avd.classify('/app/get_token', {'ret': 401, 'msg': '授权错误!'})
        assert 'authentication failed' in str(info.value)


class TestPayload:

    def test_data_object(self):
        assert avd.api_payload({'ret': 0, 'msg': 'success', 'data': {'topic': 't'}}) == {'topic': 't'}

    def test_top_level_fields(self):
        assert avd.api_payload({'ret': 0, 'msg': 'success', 'id': 3, 'name': 'coco'}) == {'id': 3, 'name': 'coco'}


class TestEncoding:

    def test_booleans_are_lower_case_words(self):
        assert avd.encode_value(True) == 'true'
        assert avd.encode_value(False) == 'false'

    def test_json_documents_are_compact(self):
        assert avd.encode_value([{'user_id': '16', 'x': 0.5}]) == '[{"user_id":"16","x":0.5}]'

    def test_base64_token_survives_the_query_string(self):
        token = 'ab+c/d=='
        query = avd.encode_query({'token': token, 'room_id': '1'})
        assert '+' not in query.split('&', maxsplit=1)[0].split('=', 1)[1]
        assert dict(parse_qsl(query)) == {'token': token, 'room_id': '1'}

    def test_dollar_separated_licence_is_encoded(self):
        assert dict(parse_qsl(avd.encode_query({'licence_cert': 'aa$bb$cc'}))) == {'licence_cert': 'aa$bb$cc'}

    def test_none_values_are_left_out(self):
        assert avd.encode_query({'a': None, 'b': 1}) == 'b=1'


def test_transport_helpers_are_still_reachable_through_the_avd_client():
    assert avd.RetryPolicy is _http.RetryPolicy
    assert avd.MultipartFile is _http.MultipartFile


class Clock:
    """Time that passes only when the client sleeps."""

    def __init__(self):
        self.now = 5000.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


class Answer:
    """What a session returns: a status, headers and a body read once."""

    def __init__(self, status=200, body=b'{"ret": 0, "token": "t0k"}', headers=None):
        self.status = status
        self.body = body
        self.headers = headers or {}
        self.url = None

    def read(self):
        return self.body

    def close(self):
        pass


class Session:
    """Answers each request with the next outcome (the last one again and again): an Answer or an exception."""

    def __init__(self, *outcomes):
        self.outcomes = list(outcomes)
        self.sent = []

    def request(self, method, url, body=None, headers=None):
        self.sent.append((method, url.split('?')[0]))
        outcome = self.outcomes.pop(0) if len(self.outcomes) > 1 else self.outcomes[0]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


def client_over(session, task_timeout=None):
    clock = Clock()
    client = avd.AvdClient('https://avd.example.com', 'ak', 'sk', retry=_http.RetryPolicy(sleep=clock.sleep, clock=clock),
                           task_timeout=task_timeout)
    client.http = session
    return client, clock


class TestFailuresThatCannotHeal:
    """Sent once, reported at once: repeating them could only fail the same way."""

    def test_a_host_name_that_does_not_exist(self):
        session = Session(_http.TransportError('name not found: avd.example.com (Name or service not known); not retried',
                                               sent=False, transient=False))
        client, clock = client_over(session)
        with pytest.raises(avd.AvdTransportError, match='/app/get_token .*name not found') as info:
            client.token()
        assert len(session.sent) == 1 and clock.now == 5000.0
        assert 'attempts' not in str(info.value)

    @pytest.mark.parametrize('status, words', [
        (400, 'failed with HTTP status 400: 400 Bad Request nginx'),
        (404, 'failed: not found (HTTP 404)'),
        (405, 'failed with HTTP status 405'),
    ])
    def test_client_errors(self, status, words):
        page = b'<html>\r\n<head><title>%d Bad Request</title></head>\r\n<body><hr><center>nginx</center></body></html>' % status
        session = Session(Answer(status, page if status == 400 else b''), Answer())
        client, dummy = client_over(session)
        with pytest.raises(avd.AvdTransportError) as info:
            client.token()
        assert words in str(info.value)
        assert len(session.sent) == 1

    def test_an_upload_too_large_for_the_server(self, tmp_path):
        source = tmp_path / 'deck.pdf'
        source.write_bytes(b'%PDF-1.4')
        session = Session(Answer(413, b'<html><title>413 Request Entity Too Large</title></html>'), Answer())
        client, clock = client_over(session)
        with pytest.raises(avd.AvdTransportError) as info:
            client.upload(str(source), '/docs', 'deck.pdf')
        assert str(info.value).startswith('AVD call /uploadfile failed: request too large (HTTP 413)')
        assert len(session.sent) == 1 and clock.now == 5000.0

    def test_an_api_call_redirected_elsewhere(self):
        session = Session(Answer(302, b'<html>302</html>', {'Location': 'file:///etc/passwd?token=t0k'}), Answer())
        client, dummy = client_over(session)
        with pytest.raises(avd.AvdTransportError) as info:
            client.token()
        assert str(info.value) == ('AVD call /app/get_token was redirected (HTTP 302 to file:///etc/passwd); API calls are '
                                   'not followed to another address: check server_url')
        assert len(session.sent) == 1

    def test_a_write_without_a_complete_answer_in_time_is_not_repeated_and_says_it_may_be_done(self):
        client, dummy = client_over(Session(Answer()))
        client.token()
        session = client.http = Session(_http.TransportError('no complete answer within 30 s (timeout)', sent=True,
                                                             transient=False), Answer(body=b'{"ret": 0}'))
        with pytest.raises(avd.AvdTransportError) as info:
            client.call('/room/update', {'room_id': '1'}, write=True, idempotent=True)
        assert 'no complete answer within 30 s' in str(info.value)
        assert 'may or may not have applied AVD call /room/update' in str(info.value)
        assert len(session.sent) == 1


class TestFailuresThatMayHeal:

    def test_408_is_sent_again(self):
        session = Session(Answer(408, b'<html>408</html>'), Answer())
        client, dummy = client_over(session)
        assert client.token() == 't0k'
        assert len(session.sent) == 2

    def test_refused_connections_are_retried_within_the_task_timeout_and_the_message_says_so(self):
        refused = _http.TransportError('connection refused by avd.example.com:443: no server listens there (yet)', sent=False)
        session = Session(refused)
        client, clock = client_over(session, task_timeout=10)
        with pytest.raises(avd.AvdTransportError) as info:
            client.token()
        assert 1 < len(session.sent)
        assert clock.now - 5000.0 < 10
        assert str(info.value).startswith('AVD call /app/get_token to https://avd.example.com: connection refused')
        assert str(info.value).endswith('(gave up after %d attempts: another attempt would end after the task_timeout of '
                                        '10 s)' % len(session.sent))

    def test_without_task_timeout_the_retry_deadline_ends_them(self):
        session = Session(_http.TransportError('connection refused by avd.example.com:443', sent=False))
        client, clock = client_over(session)
        with pytest.raises(avd.AvdTransportError, match=r'the retry deadline of 60 s has passed\)$'):
            client.token()
        assert clock.now - 5000.0 <= 60


def test_the_task_deadline_reaches_every_session_of_the_client():
    client = avd.AvdClient('https://avd.example.com', token='t', task_timeout=42)
    assert client.http.deadline is client.deadline
    assert client.deadline.seconds == 42
