# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import datetime
import email.parser

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
    assert 'connection failed' in str(info.value)


def test_not_an_http_url():
    with pytest.raises(_http.TransportError):
        _http.HttpSession().request('GET', 'ftp://example.com/file')


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
