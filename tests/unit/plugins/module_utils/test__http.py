# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import datetime
import email.parser
import socket
import threading
import time

import pytest

from ansible_collections.rtcops.conference.plugins.module_utils import _http


@pytest.fixture
def no_proxy_env(monkeypatch):
    for name in ('http_proxy', 'https_proxy', 'no_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'all_proxy', 'ALL_PROXY'):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_no_proxy_without_proxy_variables(no_proxy_env):
    assert _http._proxy_for('https', 'avd.example.com') is None


def test_https_proxy_from_the_environment(no_proxy_env):
    no_proxy_env.setenv('https_proxy', 'http://proxy.corp:3128')
    proxy = _http._proxy_for('https', 'avd.example.com')
    assert (proxy.hostname, proxy.port) == ('proxy.corp', 3128)
    assert _http._proxy_for('http', 'avd.example.com') is None


def test_no_proxy_bypasses(no_proxy_env):
    no_proxy_env.setenv('https_proxy', 'http://proxy.corp:3128')
    no_proxy_env.setenv('no_proxy', 'example.com,localhost')
    assert _http._proxy_for('https', 'avd.example.com') is None


def test_proxy_without_scheme(no_proxy_env):
    no_proxy_env.setenv('http_proxy', 'proxy.corp:8080')
    proxy = _http._proxy_for('http', 'avd.example.com')
    assert (proxy.hostname, proxy.port) == ('proxy.corp', 8080)


def test_refused_connection_was_never_sent(no_proxy_env):
    session = _http.HttpSession(timeout=2)
    with pytest.raises(_http.TransportError) as info:
        session.request('GET', 'http://127.0.0.1:9/')  # the discard port: nothing listens on loopback
    assert info.value.sent is False
    assert info.value.transient  # a server being restarted refuses connections for a moment
    assert 'connection refused by 127.0.0.1:9' in str(info.value)


def test_not_an_http_url():
    with pytest.raises(_http.TransportError) as info:
        _http.HttpSession().request('GET', 'ftp://example.com/file')
    assert not info.value.transient and not info.value.sent


class TestConnectionOptions:

    @pytest.mark.parametrize('url, message', [
        ('avd.example.com:9610', 'must start with http:// or https://'),
        ('https://avd.example.com:70000', 'invalid port'),
        ('https://avd.example.com:port', 'invalid port'),
        ('https://avd example.com', 'must not contain spaces'),
        ('https://', 'no host name'),
    ])
    def test_urls_that_cannot_work(self, url, message):
        assert message in _http.url_problem('server_url', url)

    def test_a_password_in_the_url_is_never_shown(self):
        problem = _http.url_problem('server_url', 'https://ops:s3cr%2Bt@avd.example.com:99999/x?token=abc')
        assert 's3cr' not in problem and 'token=abc' not in problem and 'avd.example.com:99999/x' in problem

    def test_a_password_with_an_unencoded_slash_is_still_found_and_hidden(self):
        url = 'https://operator:PW0-72+OX/b64f@avd.example.com:70000'
        assert _http.url_secrets(url) == ['PW0-72+OX/b64f']
        problem = _http.url_problem('server_url', url)
        assert 'PW0' not in problem and 'invalid port' in problem
        problem = _http.url_problem('server_url', 'https://operator:PW0-72+OX/b64f@avd.example.com:9610')
        assert 'PW0' not in problem and 'percent-encoded' in problem

    def test_url_secrets_as_written_and_decoded(self):
        assert sorted(_http.url_secrets('https://u:p%2Fw@h:1/x')) == ['p%2Fw', 'p/w']
        assert _http.url_secrets('https://h:1/x?a=b@c') == []

    def test_good_urls(self):
        assert _http.url_problem('server_url', 'https://avd.example.com:9610') is None
        assert _http.url_problem('server_url', 'http://[::1]:8080/base') is None

    @pytest.mark.parametrize('timeout', [0, -1, 3601, 10 ** 20])
    def test_timeouts_out_of_range(self, timeout):
        assert 'timeout must be between 1 and 3600' in _http.connection_problem(
            {'server_url': 'https://h', 'timeout': timeout}, 'server_url')

    def test_ca_path(self, tmp_path):
        params = {'server_url': 'https://h', 'timeout': 30, 'ca_path': str(tmp_path / 'missing.pem')}
        assert 'is not a file' in _http.connection_problem(params, 'server_url')
        (tmp_path / 'junk.pem').write_text('not a certificate')
        params['ca_path'] = str(tmp_path / 'junk.pem')
        assert 'holds no usable PEM certificate' in _http.connection_problem(params, 'server_url')


class TestRetryPolicy:

    def test_delays_grow_and_stay_within_the_deadline(self):
        now = [0.0]

        def sleep(seconds):
            now[0] += seconds

        policy = _http.RetryPolicy(deadline=10, base_delay=0.5, max_delay=4, sleep=sleep, clock=lambda: now[0])
        delays = []
        for delay in policy.delays():
            delays.append(delay)
            sleep(delay)
        assert delays, 'at least one retry fits in the deadline'
        assert sum(delays) <= 10
        assert all(0.25 <= d <= 4 for d in delays)
        assert delays[0] <= 0.5 and max(delays) > 0.5

    def test_the_deadline_may_count_from_an_earlier_start(self):
        policy = _http.RetryPolicy(deadline=10, base_delay=0.5, sleep=None, clock=lambda: 100.0)
        assert list(policy.delays(started=90.1)) == []
        assert next(policy.delays(started=95.0), None) is not None


class TestMultipartFile:

    def test_body_is_a_valid_multipart_document(self, tmp_path):
        source = tmp_path / 'logo.png'
        content = bytes(range(256)) * 5000
        source.write_bytes(content)
        body = _http.MultipartFile(str(source), 'file', 'logo.png')
        chunks = []
        while True:
            chunk = body.read(8192)
            if not chunk:
                break
            assert len(chunk) <= 8192
            chunks.append(chunk)
        body.close()
        raw = b''.join(chunks)
        assert len(raw) == len(body)
        message = email.parser.BytesParser().parsebytes(b'Content-Type: ' + body.content_type.encode() + b'\r\n\r\n' + raw)
        parts = message.get_payload()
        assert len(parts) == 1
        assert parts[0].get_param('name', header='content-disposition') == 'file'
        assert parts[0].get_filename() == 'logo.png'
        assert parts[0].get_payload(decode=True) == content


class TestRetryAfter:

    def test_seconds(self):
        assert _http.retry_after({'Retry-After': '12'}) == 12.0

    def test_http_date_counts_from_now(self):
        now = datetime.datetime(2026, 12, 1, 8, 0, 0, tzinfo=datetime.timezone.utc)
        assert _http.retry_after({'Retry-After': 'Tue, 01 Dec 2026 08:00:30 GMT'}, now=now) == 30.0
        assert _http.retry_after({'Retry-After': 'Tue, 01 Dec 2026 07:59:00 GMT'}, now=now) == 0.0

    @pytest.mark.parametrize('value', [None, '', 'soon', '-3', '1.5e9'])
    def test_anything_else_is_ignored(self, value):
        assert _http.retry_after({} if value is None else {'Retry-After': value}) is None

    def test_a_pause_that_would_end_after_the_deadline_is_refused(self):
        now = [100.0]
        policy = _http.RetryPolicy(deadline=30, clock=lambda: now[0])
        assert policy.pause(1.0, 5.0, started=90.0) == 5.0
        assert policy.pause(1.0, None, started=90.0) == 1.0
        assert policy.pause(1.0, 25.0, started=90.0) is None


class FakeClock:
    """Time that passes only when a test says so."""

    def __init__(self, now=1000.0):
        self.now = now

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


class TestDeadline:

    def test_without_seconds_there_is_no_bound(self):
        deadline = _http.Deadline(None, clock=FakeClock())
        assert deadline.remaining() is None
        assert deadline.allows(10 ** 9) and not deadline.passed()

    def test_counts_down_from_its_creation(self):
        clock = FakeClock()
        deadline = _http.Deadline(60, clock=clock)
        clock.sleep(45)
        assert deadline.remaining() == 15
        assert deadline.allows(14.9) and not deadline.allows(15)
        clock.sleep(20)
        assert deadline.remaining() == 0 and deadline.passed()
        assert deadline.reached() == 'task_timeout of 60 s reached'

    def test_names_the_option_that_set_it(self):
        assert str(_http.Deadline(5, 'wait_timeout', clock=FakeClock())) == 'wait_timeout of 5 s'


class TestBackoff:

    def test_the_task_deadline_ends_the_retries_before_the_retry_deadline(self):
        clock = FakeClock()
        policy = _http.RetryPolicy(deadline=60, base_delay=1, max_delay=1, sleep=clock.sleep, clock=clock)
        backoff = policy.backoff(deadline=_http.Deadline(5.5, clock=clock))
        pauses = []
        while True:
            pause = backoff.next()
            if pause is None:
                break
            pauses.append(pause)
            clock.sleep(pause)
        assert clock.now - 1000.0 < 5.5
        assert backoff.stopped_by_task
        assert backoff.why_not() == 'another attempt would end after the task_timeout of 5.5 s'

    def test_a_pause_asked_for_beyond_the_task_deadline_is_not_taken(self):
        clock = FakeClock()
        policy = _http.RetryPolicy(deadline=60, clock=clock)
        backoff = policy.backoff(deadline=_http.Deadline(10, clock=clock))
        assert backoff.next(wanted=30) is None
        assert backoff.stopped_by_task

    def test_without_a_task_deadline_the_retry_deadline_says_why(self):
        clock = FakeClock()
        policy = _http.RetryPolicy(deadline=30, clock=clock)
        backoff = policy.backoff(deadline=_http.Deadline(None, clock=clock))
        clock.sleep(31)
        assert backoff.next() is None
        assert not backoff.stopped_by_task
        assert backoff.why_not() == 'the retry deadline of 30 s has passed'


class TestCallBound:

    def test_a_call_may_wait_what_is_left_of_its_timeout(self):
        clock = FakeClock()
        bound = _http._CallBound(10, None, clock)
        bound.start_call()
        clock.sleep(7)
        assert bound.wait() == 3
        clock.sleep(3)
        with pytest.raises(OSError):
            bound.wait()
        error = bound.timed_out(True, 'reading the answer')
        assert str(error) == 'no complete answer within 10 s (timeout)'
        assert not error.transient  # the same slow server would only take as long again

    def test_a_stream_may_last_but_not_stall(self):
        clock = FakeClock()
        bound = _http._CallBound(10, None, clock)
        bound.start_call()
        bound.start_stream()
        clock.sleep(3600)
        assert bound.wait() == 10
        error = bound.timed_out(True, 'reading the answer')
        assert str(error) == 'no data for 10 s (timeout) while reading the answer'
        assert error.transient  # a download that stalled may be resumed

    def test_the_task_deadline_cuts_calls_and_streams_short(self):
        clock = FakeClock()
        bound = _http._CallBound(10, _http.Deadline(25, clock=clock), clock)
        bound.start_stream()
        clock.sleep(20)
        assert bound.wait() == 5
        error = bound.timed_out(True, 'reading the answer')
        assert isinstance(error, _http.TaskTimeout) and not error.transient
        assert str(error) == 'task_timeout of 25 s reached while reading the answer'


class TestUnsendable:
    """Requests that can never be sent fail at once, and say so, instead of being retried."""

    @pytest.mark.parametrize('url, words', [
        ('http://avd.example.com/room list', 'holds a space'),
        ('file:///etc/passwd', 'not an http(s) URL (file:)'),
        ('/relative/only', 'not an http(s) URL (no scheme)'),
        ('http://avd.example.com:99999/x', 'cannot be sent'),
        ('http://avd.example.com:port/x', 'cannot be sent'),
        ('http:///x', 'has no host name'),
    ])
    def test_urls(self, url, words):
        with pytest.raises(_http.TransportError) as info:
            _http.HttpSession().request('GET', url + '?token=s3cr3t')
        assert words in str(info.value)
        assert (info.value.sent, info.value.transient) == (False, False)
        assert 's3cr3t' not in str(info.value)

    def test_characters_beyond_ascii_are_sent_percent_encoded(self):
        origin, target = _http._target('https://avd.example.com/files/会议 1.mp4'.replace(' ', '%20') + '?a=1')
        assert origin == ('https', 'avd.example.com', 443)
        assert target == '/files/%E4%BC%9A%E8%AE%AE%201.mp4?a=1'


class TestNameResolution:

    @pytest.mark.parametrize('code, transient', [
        (socket.EAI_NONAME, False),
        (getattr(socket, 'EAI_NODATA', socket.EAI_NONAME), False),
        (socket.EAI_AGAIN, True),
    ])
    def test_only_a_name_that_does_not_exist_is_final(self, monkeypatch, no_proxy_env, code, transient):
        def resolve(*args, **kwargs):
            raise socket.gaierror(code, 'resolver says %d' % code)

        monkeypatch.setattr(socket, 'create_connection', resolve)
        with pytest.raises(_http.TransportError) as info:
            _http.HttpSession().request('GET', 'http://avd.example.invalid/x')
        assert info.value.transient is transient and info.value.sent is False
        if not transient:
            assert str(info.value).startswith('name not found: avd.example.invalid')
            assert 'not retried' in str(info.value)


class FakeRaw:
    """An http.client response body handed out lazily, counting what was taken from it."""

    def __init__(self, size, announced=False):
        self.left = size
        self.taken = 0
        self.status = 200
        self.headers = {'Content-Length': str(size)} if announced else {}
        self.length = size if announced else None  # as http.client counts it
        self.closed = False

    def read(self, amount=None):
        amount = self.left if amount is None else min(amount, self.left)
        self.left -= amount
        self.taken += amount
        return b'x' * amount

    def isclosed(self):
        return self.closed or self.left == 0

    def close(self):
        self.closed = True


class FakeDroppingSession:
    timeout = 30

    def __init__(self):
        self.dropped = []

    def _drop(self, origin):
        self.dropped.append(origin)


class TestReplySizeCap:

    def test_an_announced_size_beyond_the_cap_is_refused_unread(self):
        session, raw = FakeDroppingSession(), FakeRaw(100 * 1024 * 1024, announced=True)
        with pytest.raises(_http.TransportError) as info:
            _http.Response(session, 'origin', raw).read()
        assert str(info.value).startswith('answer larger than 16 MiB')
        assert not info.value.transient
        assert raw.taken == 0 and session.dropped == ['origin']

    def test_a_body_without_length_is_read_no_further_than_the_cap(self):
        session, raw = FakeDroppingSession(), FakeRaw(40 * 1024 * 1024)
        with pytest.raises(_http.TransportError, match='answer larger than 16 MiB'):
            _http.Response(session, 'origin', raw).read()
        assert raw.taken == 16 * 1024 * 1024 + 1
        assert session.dropped == ['origin']

    def test_a_body_within_the_cap_is_returned_whole(self):
        session, raw = FakeDroppingSession(), FakeRaw(300 * 1024)
        assert len(_http.Response(session, 'origin', raw).read()) == 300 * 1024
        assert session.dropped == []

    def test_the_cap_can_be_chosen_per_read(self):
        with pytest.raises(_http.TransportError, match='answer larger than 1000 bytes'):
            _http.Response(FakeDroppingSession(), 'origin', FakeRaw(2000)).read(limit=1000)


class RawServer:
    """A one-connection-at-a-time TCP server on loopback whose answers are written by ``serve(connection)``."""

    def __init__(self, serve):
        self._serve = serve
        self._listener = socket.socket()
        self._listener.bind(('127.0.0.1', 0))
        self._listener.listen(4)
        self.url = 'http://127.0.0.1:%d' % self._listener.getsockname()[1]
        self.connections = 0
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while True:
            try:
                connection, dummy = self._listener.accept()
            except OSError:
                return
            self.connections += 1
            with connection:
                head = b''
                while b'\r\n\r\n' not in head:
                    data = connection.recv(65536)
                    if not data:
                        break
                    head += data
                try:
                    self._serve(connection)
                except OSError:
                    pass

    def close(self):
        self._listener.close()


@pytest.fixture
def raw_server(no_proxy_env):
    servers = []

    def start(serve):
        servers.append(RawServer(serve))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def dripping(connection, size=20, pause=0.1):
    connection.sendall(b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n' % size)
    for dummy in range(size):
        time.sleep(pause)
        connection.sendall(b' ')


class TestOverSockets:

    def test_a_dripping_answer_ends_at_the_timeout_of_the_call(self, raw_server):
        server = raw_server(dripping)  # 20 bytes over 2 s, never 1 s without a byte
        session = _http.HttpSession(timeout=1)
        response = session.request('GET', server.url + '/slow')
        with pytest.raises(_http.TransportError) as info:
            response.read()
        assert str(info.value) == 'no complete answer within 1 s (timeout)'
        assert info.value.sent and not info.value.transient

    def test_a_dripping_download_goes_on_while_bytes_come(self, raw_server):
        server = raw_server(dripping)
        session = _http.HttpSession(timeout=1)
        response = session.request('GET', server.url + '/file')
        assert b''.join(response.chunks(4)) == b' ' * 20

    def test_the_task_deadline_ends_a_download(self, raw_server):
        server = raw_server(dripping)
        session = _http.HttpSession(timeout=1, deadline=_http.Deadline(0.5))
        response = session.request('GET', server.url + '/file')
        with pytest.raises(_http.TaskTimeout, match='^task_timeout of 0.5 s reached while reading the answer$'):
            b''.join(response.chunks(4))
        with pytest.raises(_http.TaskTimeout, match='before the request was sent'):
            session.request('GET', server.url + '/file')
        assert server.connections == 1

    def test_the_answer_to_head_is_read_whatever_size_it_announces(self, raw_server):
        def head(connection):
            connection.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n' % (100 * 1024 * 1024))

        server = raw_server(head)
        assert _http.HttpSession(timeout=5).request('HEAD', server.url + '/file.mp4').read() == b''

    def test_an_answer_sent_before_the_server_closed_on_an_upload_is_read(self, raw_server, tmp_path):
        def refuse(connection):
            page = b'<html><title>413 Request Entity Too Large</title></html>'
            connection.sendall(b'HTTP/1.1 413 Request Entity Too Large\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s'
                               % (len(page), page))

        server = raw_server(refuse)  # answers without reading the body, then closes
        upload = tmp_path / 'big.bin'
        upload.write_bytes(b'\0' * (32 * 1024 * 1024))
        body = _http.MultipartFile(str(upload), 'file', 'big.bin')
        try:
            response = _http.HttpSession(timeout=5).request(
                'POST', server.url + '/uploadfile', body=body,
                headers={'Content-Type': body.content_type, 'Content-Length': str(len(body))})
        finally:
            body.close()
        assert response.status == 413
        assert b'413 Request Entity Too Large' in response.read()


class TestWrongBaseUrl:
    """A base URL that already holds the vendor's API path is refused naming the option and the URL to use."""

    @pytest.mark.parametrize('value', ['https://avd.example.com:9610/sdkapi/v2', 'https://avd.example.com:9610/sdkapi/v2/',
                                       'https://avd.example.com:9610/sdkapi', 'https://avd.example.com:9610/SDKAPI/V2'])
    def test_the_api_path_is_refused(self, value):
        problem = _http.api_prefix_problem('server_url', value, ['/sdkapi/v2'])
        assert problem.startswith('server_url is the base URL of the server, without the API path /sdkapi/v2')
        assert 'use https://avd.example.com:9610,' in problem

    @pytest.mark.parametrize('value', ['https://avd.example.com:9610', 'https://gw.example.com/avd/',
                                       'https://gw.example.com/sdkapi-proxy'])
    def test_a_base_url_passes(self, value):
        assert _http.api_prefix_problem('server_url', value, ['/sdkapi/v2']) is None

    def test_a_password_in_the_url_is_not_shown(self):
        problem = _http.api_prefix_problem('server_url', 'https://u:hunter2@avd.example.com/sdkapi/v2?token=t0k', ['/sdkapi/v2'])
        assert 'hunter2' not in problem and 't0k' not in problem

    def test_connection_problem_checks_it_after_the_url(self):
        params = {'server_url': 'https://avd.example.com/sdkapi/v2', 'timeout': 30}
        assert _http.connection_problem(params, 'server_url', ['/sdkapi/v2']).startswith('server_url is the base URL')
        assert _http.connection_problem(params, 'server_url') is None

    @pytest.mark.parametrize('content_type, text', [('text/html; charset=utf-8', 'Not Found'), (None, '  <!DOCTYPE html><p>x')])
    def test_an_html_answer_hints_at_the_option(self, content_type, text):
        hint = _http.html_answer_hint(content_type, text, 'server_url', '/sdkapi/v2')
        assert hint == ('; the server answered with an HTML page, not the API: check server_url (the base URL of the '
                        'server, without /sdkapi/v2)')

    def test_a_json_answer_gets_no_hint(self):
        assert _http.html_answer_hint('application/json', '{"ret": 1}', 'server_url', '/sdkapi/v2') == ''


class TestClientIdentity:
    """client_cert and client_key are checked before any request, each failure naming its option."""

    @pytest.fixture(name='identity')
    def fixture_identity(self, tmp_path):
        # The emulator's generator of a CA, a server and a client certificate (where the emulator is importable:
        # dev.py test puts it on the path; a bare ansible-test units run may not).
        server = pytest.importorskip('rtcops_emulator.server')
        return server.ensure_certificates(str(tmp_path), '127.0.0.1')

    def test_none_is_fine(self):
        assert _http.client_identity_problem(None, None) is None

    def test_a_certificate_and_its_key(self, identity):
        assert _http.client_identity_problem(identity[3], identity[4]) is None

    def test_a_key_without_certificate(self, identity):
        assert _http.client_identity_problem(None, identity[4]).startswith('client_key is set without client_cert')

    def test_missing_files_are_named(self, identity, tmp_path):
        assert _http.client_identity_problem(str(tmp_path / 'no.pem'), None) == 'client_cert %s is not a file' % (tmp_path / 'no.pem')
        assert _http.client_identity_problem(identity[3], str(tmp_path / 'no.pem')) == 'client_key %s is not a file' % (tmp_path / 'no.pem')

    def test_a_certificate_without_its_key(self, identity):
        problem = _http.client_identity_problem(identity[3], None)
        assert problem.startswith('client_cert %s is not a usable PEM certificate and private key' % identity[3])

    def test_a_key_that_does_not_match(self, identity):
        # The server's key with the client's certificate.
        problem = _http.client_identity_problem(identity[3], identity[2])
        assert problem.startswith('client_cert %s with client_key %s is not a usable' % (identity[3], identity[2]))

    def test_the_session_presents_it(self, identity):
        session = _http.HttpSession(ca_path=identity[0], client_cert=identity[3], client_key=identity[4])
        assert session._context() is session._context()  # pylint: disable=protected-access  # built once, with the certificate
