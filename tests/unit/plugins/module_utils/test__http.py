# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

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
