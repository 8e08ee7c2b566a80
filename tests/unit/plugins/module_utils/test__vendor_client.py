# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import http.server
import threading
from urllib.parse import quote, quote_plus

import pytest

from ansible_collections.rtcops.conference.plugins.module_utils import _http
from ansible_collections.rtcops.conference.plugins.module_utils._download import Downloads
from ansible_collections.rtcops.conference.plugins.module_utils._netless_client import NetlessClient, NetlessError
from ansible_collections.rtcops.conference.plugins.module_utils._topvdn_client import TopvdnClient, TopvdnError
from ansible_collections.rtcops.conference.plugins.module_utils._vendor_client import VendorClient, VendorError
from ansible_collections.rtcops.conference.plugins.module_utils._wilddog_client import WilddogClient, WilddogError

SECRET = 'ab+c/d=='  # Base64 like the vendors' tokens: '+', '/' and '=' change when URL-encoded
URL = 'https://api.acme.example/v1/things?token=%s' % quote(SECRET, safe='')


class AcmeError(VendorError):
    pass


class AcmeClient(VendorClient):
    vendor = 'Acme'
    error_class = AcmeError


class Clock:
    """Time that passes only when the client sleeps or an attempt takes ``attempt_seconds``."""

    def __init__(self, attempt_seconds=0.0):
        self.now = 1000.0
        self.attempt_seconds = attempt_seconds
        self.slept = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


class FakeResponse:

    def __init__(self, status, body=b'', chunks=(), broken=False, headers=None):
        self.status = status
        self.headers = headers or {}
        self.url = None
        self.closed = False
        self._body = body
        self._chunks = list(chunks)
        self._broken = broken

    def read(self):
        if self._broken:
            raise _http.TransportError('reading the answer failed: reset by peer', sent=True)
        return self._body

    def chunks(self, size):
        yield from self._chunks
        if self._broken:
            raise _http.TransportError('reading the answer failed: connection reset, token=%s' % quote_plus(SECRET), sent=True)

    def close(self):
        self.closed = True


class FakeSession:
    """Answers each request with the next outcome (the last one again and again).

    An outcome is a FakeResponse, an exception to raise, or a function making a fresh FakeResponse.
    """

    def __init__(self, clock, outcomes):
        self.clock = clock
        self.outcomes = list(outcomes)
        self.sent_at = []

    def request(self, method, url, body=None, headers=None):
        self.sent_at.append(self.clock())
        self.clock.now += self.clock.attempt_seconds
        outcome = self.outcomes.pop(0) if len(self.outcomes) > 1 else self.outcomes[0]
        if callable(outcome):
            outcome = outcome()
        if isinstance(outcome, Exception):
            raise outcome
        outcome.url = url
        return outcome


def not_sent():
    return _http.TransportError('connection failed: [Errno 111] Connection refused', sent=False)


def lost():
    return _http.TransportError('request failed: Remote end closed connection without response', sent=True)


def faked(client, outcomes, clock=None):
    """``client`` talking to a FakeSession, with retries timed by ``clock``."""
    clock = clock or Clock()
    client.retry = _http.RetryPolicy(deadline=30, sleep=clock.sleep, clock=clock)
    client.http = FakeSession(clock, outcomes)
    return client, clock


class TestRetries:

    def test_a_request_that_never_left_is_sent_again_even_when_not_replayable(self):
        answer = FakeResponse(200)
        client, clock = faked(AcmeClient([SECRET]), [not_sent(), answer])
        assert client.request('POST /v1/things', 'POST', URL, body=b'{}', replayable=False) is answer
        assert len(client.http.sent_at) == 2
        assert len(clock.slept) == 1

    def test_a_sent_request_that_is_not_replayable_is_not_sent_again(self):
        client, clock = faked(AcmeClient([SECRET]), [lost(), FakeResponse(200)])
        with pytest.raises(AcmeError) as info:
            client.request('POST /v1/things', 'POST', URL, body=b'{}', replayable=False)
        assert len(client.http.sent_at) == 1
        assert clock.slept == []
        assert info.value.call == 'POST /v1/things'
        assert str(info.value).startswith('Acme call POST /v1/things to https://api.acme.example/v1/things: request failed')
        assert 'attempts' not in str(info.value)

    def test_a_lost_answer_of_a_replayable_request_is_sent_again(self):
        answer = FakeResponse(200)
        client, dummy = faked(AcmeClient([SECRET]), [lost(), answer])
        assert client.request('GET /v1/things', 'GET', URL) is answer
        assert len(client.http.sent_at) == 2

    def test_503_is_closed_and_retried_then_the_success_returned(self):
        unavailable, answer = FakeResponse(503), FakeResponse(200)
        client, clock = faked(AcmeClient([SECRET]), [unavailable, answer])
        assert client.request('GET /v1/things', 'GET', URL) is answer
        assert unavailable.closed
        assert not answer.closed
        assert len(clock.slept) == 1

    @pytest.mark.parametrize('status', [400, 404, 501])
    def test_other_error_statuses_are_returned_at_once(self, status):
        refused = FakeResponse(status)
        client, clock = faked(AcmeClient([SECRET]), [refused, FakeResponse(200)])
        assert client.request('GET /v1/things', 'GET', URL) is refused
        assert clock.slept == []

    def test_503_of_a_request_that_is_not_replayable_is_returned_as_it_is(self):
        unavailable = FakeResponse(503)
        client, clock = faked(AcmeClient([SECRET]), [unavailable, FakeResponse(200)])
        assert client.request('POST /v1/things', 'POST', URL, replayable=False) is unavailable
        assert not unavailable.closed
        assert clock.slept == []

    def test_the_last_5xx_is_returned_when_the_deadline_ends_the_retries(self):
        answers = []

        def bad_gateway():
            answers.append(FakeResponse(502))
            return answers[-1]

        client, clock = faked(AcmeClient([SECRET]), [bad_gateway])
        started = clock()
        response = client.request('GET /v1/things', 'GET', URL)
        assert response is answers[-1] and not response.closed
        assert all(answer.closed for answer in answers[:-1])
        assert len(client.http.sent_at) > 3
        assert clock() - started <= 30

    def test_no_retry_starts_after_the_deadline_even_when_attempts_take_long(self):
        clock = Clock(attempt_seconds=7.0)
        client, dummy = faked(AcmeClient([SECRET]), [not_sent()], clock)
        started = clock()
        with pytest.raises(AcmeError) as info:
            client.request('GET /v1/things', 'GET', URL)
        attempts = len(client.http.sent_at)
        assert 2 <= attempts <= 5
        assert client.http.sent_at[-1] - started <= 30
        assert 'gave up after %d attempts' % attempts in str(info.value)

    def test_429_is_retried_whatever_the_request_after_the_pause_the_server_asks_for(self):
        limited, answer = FakeResponse(429, headers={'Retry-After': '7'}), FakeResponse(200)
        client, clock = faked(AcmeClient([SECRET]), [limited, answer])
        assert client.request('POST /v1/things', 'POST', URL, body=b'{}', replayable=False) is answer
        assert limited.closed
        assert clock.slept == [7.0]

    def test_a_retry_after_beyond_the_deadline_returns_the_429_at_once(self):
        limited = FakeResponse(429, headers={'Retry-After': '120'})
        client, clock = faked(AcmeClient([SECRET]), [limited, FakeResponse(200)])
        assert client.request('GET /v1/things', 'GET', URL) is limited
        assert clock.slept == [] and len(client.http.sent_at) == 1

    def test_tls_failures_are_not_retried(self):
        tls_failure = _http.TlsError('TLS verification failed: self-signed certificate', sent=False)
        client, clock = faked(AcmeClient([SECRET]), [tls_failure])
        with pytest.raises(AcmeError, match='TLS verification failed'):
            client.request('GET /v1/things', 'GET', URL)
        assert clock.slept == []


class TestMessages:

    def test_secrets_are_masked_also_when_url_encoded(self):
        failure = _http.TransportError('request failed for %s and %s, token=%s'
                                       % (SECRET, quote_plus(SECRET), quote(SECRET, safe='')), sent=True)
        client, dummy = faked(AcmeClient([SECRET]), [failure])
        with pytest.raises(AcmeError) as info:
            client.request('POST /v1/things', 'POST', URL, replayable=False)
        text = str(info.value)
        for form in (SECRET, quote_plus(SECRET), quote(SECRET, safe='')):
            assert form not in text
        assert '********' in text

    def test_the_url_is_shown_without_its_query_string(self):
        client, dummy = faked(AcmeClient([SECRET]), [lost()])
        with pytest.raises(AcmeError) as info:
            client.request('POST /v1/things', 'POST', 'https://user:pw@api.acme.example/v1/things?sig=xyz',
                           replayable=False)
        assert 'to https://api.acme.example/v1/things:' in str(info.value)
        assert 'sig=' not in str(info.value) and 'pw' not in str(info.value)

    def test_the_base_error_carries_call_code_and_status(self):
        error = VendorError('it failed', call='GET /x', code=41205, status=503)
        assert (str(error), error.call, error.code, error.status) == ('it failed', 'GET /x', 41205, 503)


class TestStreaming:

    def test_chunks_are_passed_on(self):
        client, dummy = faked(AcmeClient([SECRET]), [FakeResponse(200, chunks=[b'ab', b'cd'])])
        response = client.request('GET image', 'GET', URL)
        assert list(client.stream('GET image', response, 2)) == [b'ab', b'cd']

    def test_a_broken_download_becomes_the_vendor_error(self):
        client, dummy = faked(AcmeClient([SECRET]), [FakeResponse(200, chunks=[b'ab'], broken=True)])
        response = client.request('GET image', 'GET', URL)
        chunks = client.stream('GET image', response, 2)
        assert next(chunks) == b'ab'
        with pytest.raises(AcmeError) as info:
            next(chunks)
        assert info.value.call == 'GET image'
        assert 'Acme call GET image to https://api.acme.example/v1/things: reading the answer failed' in str(info.value)
        assert quote_plus(SECRET) not in str(info.value)

    def test_a_broken_body_read_becomes_the_vendor_error(self):
        client, dummy = faked(AcmeClient([SECRET]), [FakeResponse(200, broken=True)])
        response = client.request('GET /v1/things', 'GET', URL)
        with pytest.raises(AcmeError, match='Acme call GET /v1/things to .*reading the answer failed'):
            client.read('GET /v1/things', response)


class TestPortedClients:

    def test_topvdn_upload_is_not_sent_twice(self, tmp_path):
        image = tmp_path / 'cover.jpg'
        image.write_bytes(b'\xff\xd8\xff')
        client, clock = faked(TopvdnClient(SECRET), [lost(), FakeResponse(200, b'{"request_id": "x"}')])
        with pytest.raises(TopvdnError) as info:
            client.upload_cover(10000415, str(image), 'cover.jpg')
        assert isinstance(info.value, VendorError)
        assert info.value.call == 'POST /v2/devices/<client_id>/snapshots'
        assert info.value.status is None
        assert clock.slept == []
        assert SECRET not in str(info.value) and quote(SECRET, safe='') not in str(info.value)

    def test_topvdn_cover_is_read_again_after_a_503(self, tmp_path):
        cover = FakeResponse(200, chunks=[b'\xff\xd8', b'\xff'], headers={'Content-Type': 'image/jpeg'})
        client, dummy = faked(TopvdnClient(SECRET), [FakeResponse(503), cover])
        entry = client.cover_file(10000415, Downloads(str(tmp_path)), lambda content_type: 'c.jpg')
        assert (tmp_path / 'c.jpg').read_bytes() == b'\xff\xd8\xff' and entry['changed']
        assert 'url' not in entry  # it carries the device's token

    def test_topvdn_gives_the_documented_meaning_once_the_retries_end(self, tmp_path):
        client, dummy = faked(TopvdnClient(SECRET), [lambda: FakeResponse(500, b'{"error": "boom"}')])
        with pytest.raises(TopvdnError) as info:
            client.cover_file(10000415, Downloads(str(tmp_path)), 'c.jpg')
        assert info.value.status == 500
        assert 'internal error of the Topvdn server' in str(info.value) and '{"error": "boom"}' in str(info.value)
        assert list(tmp_path.iterdir()) == []

    def test_netless_screenshot_is_sent_again_after_a_lost_answer(self):
        shot = FakeResponse(201, b'{"url": "https://bucket.example/a.png", "key": "a.png"}')
        client, dummy = faked(NetlessClient(SECRET), [lost(), shot])
        assert client.screenshots('room', 640, 480)[0]['key'] == 'a.png'
        assert len(client.http.sent_at) == 2

    def test_netless_error_keeps_call_and_status(self):
        client, dummy = faked(NetlessClient(SECRET), [FakeResponse(403, b'{"message": "no"}')])
        with pytest.raises(NetlessError) as info:
            client.screenshots('room', 640, 480)
        assert (info.value.call, info.value.status) == ('POST /v5/rooms/{uuid}/screenshots', 403)

    def test_wilddog_snapshot_keeps_its_code_and_never_shows_the_token(self):
        answer = FakeResponse(200, b'{"code": 41205, "message": "too often"}')
        client, dummy = faked(WilddogClient('wildrtc', SECRET), [FakeResponse(503), answer])
        with pytest.raises(WilddogError) as info:
            client.snapshot('112233')
        assert info.value.code == 41205
        assert len(client.http.sent_at) == 2

    def test_wilddog_transport_failure_hides_the_token_of_the_query_string(self):
        client, dummy = faked(WilddogClient('wildrtc', SECRET), [lost()], Clock(attempt_seconds=31))
        with pytest.raises(WilddogError) as info:
            client.snapshot('112233')
        assert str(info.value).startswith('Wilddog call GET /v2/snapshot to https://bt-sh-api.wilddog.com/v2/snapshot:')
        assert info.value.code is None


class TestOverHttp:
    """The retry against a real socket: the 503 is dropped with its connection and the next attempt reconnects."""

    def test_503_then_success(self):
        served = []

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'

            def do_GET(self):  # pylint: disable=invalid-name  # the name http.server dispatches to
                served.append(self.path)
                status, body = (503, b'<html>busy</html>') if len(served) == 1 else (200, b'picture')
                self.send_response(status)
                self.send_header('Content-Length', str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format, *args):  # pylint: disable=redefined-builtin
                pass

        server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        thread = threading.Thread(target=server.serve_forever, kwargs={'poll_interval': 0.05}, daemon=True)
        thread.start()
        try:
            clock = Clock()
            client = AcmeClient([SECRET], timeout=5, retry=_http.RetryPolicy(deadline=30, sleep=clock.sleep, clock=clock))
            url = 'http://127.0.0.1:%d/image.png?token=%s' % (server.server_address[1], quote(SECRET, safe=''))
            response = client.request('GET image', 'GET', url)
            assert response.status == 200
            assert b''.join(client.stream('GET image', response, 4)) == b'picture'
            assert len(served) == 2 and len(clock.slept) == 1
            client.http.close()
        finally:
            server.shutdown()
            server.server_close()


class TestBounds:

    @pytest.mark.parametrize('failure', [
        _http.TransportError('name not found: api.acme.example (Name or service not known); not retried', sent=False,
                             transient=False),
        _http.TransportError('not an http(s) URL (file:); it cannot be sent', sent=False, transient=False),
        _http.TransportError('no complete answer within 30 s (timeout)', sent=True, transient=False),
        _http.TransportError('answer larger than 16 MiB (it sent more)', sent=True, transient=False),
    ])
    def test_what_cannot_heal_is_sent_once_even_when_replayable(self, failure):
        client, clock = faked(AcmeClient([SECRET]), [failure, FakeResponse(200)])
        with pytest.raises(AcmeError) as info:
            client.request('GET /v1/things', 'GET', URL)
        assert len(client.http.sent_at) == 1 and clock.slept == []
        assert str(info.value) == 'Acme call GET /v1/things to https://api.acme.example/v1/things: %s' % failure

    def test_408_says_the_request_was_not_handled_so_it_is_sent_again(self):
        answer = FakeResponse(200)
        client, dummy = faked(AcmeClient([SECRET]), [FakeResponse(408), answer])
        assert client.request('POST /v1/things', 'POST', URL, replayable=False) is answer

    def test_the_task_timeout_ends_the_retries_and_is_named(self):
        client, clock = faked(AcmeClient([SECRET]), [not_sent()])
        client.limit_task(4)
        started = clock()
        with pytest.raises(AcmeError) as info:
            client.request('GET /v1/things', 'GET', URL)
        assert clock() - started < 4
        assert str(info.value).endswith('(gave up after %d attempts: another attempt would end after the task_timeout of '
                                        '4 s)' % len(client.http.sent_at))

    def test_a_lost_answer_of_what_may_not_be_repeated_says_why(self):
        client, dummy = faked(AcmeClient([SECRET]), [lost()])
        with pytest.raises(AcmeError, match=r'\(not sent again: it may have been applied\)$'):
            client.request('POST /v1/things', 'POST', URL, replayable=False)

    def test_the_task_timeout_reaches_the_session(self):
        client = AcmeClient([SECRET], task_timeout=None)
        client.limit_task(90)
        assert client.http.deadline is client.deadline and client.deadline.seconds == 90
