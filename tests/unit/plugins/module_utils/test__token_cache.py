# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import json
import os
import stat

import pytest

from ansible_collections.rtcops.conference.plugins.module_utils import _token_cache
from ansible_collections.rtcops.conference.plugins.module_utils._token_cache import TokenCache

KEY = ('https://avd.example.com:9610', 'access', 'secret-value')


def fetcher(tokens):
    calls = []

    def fetch():
        calls.append(1)
        return tokens[len(calls) - 1]

    return fetch, calls


def test_second_process_reuses_the_token(tmp_path):
    fetch, calls = fetcher(['t1'])
    assert TokenCache(str(tmp_path)).get_or_create(KEY, fetch) == 't1'
    assert TokenCache(str(tmp_path)).get_or_create(KEY, fetch) == 't1'
    assert len(calls) == 1


def test_files_are_private_and_name_no_credential(tmp_path):
    TokenCache(str(tmp_path)).get_or_create(KEY, fetcher(['t1'])[0])
    directory = tmp_path / 'tokens'
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    files = [p for p in directory.iterdir() if p.suffix == '.json']
    assert len(files) == 1
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    for part in KEY[1:]:
        assert part not in files[0].name and part not in files[0].read_text()


def test_other_credentials_get_another_token(tmp_path):
    fetch, calls = fetcher(['t1', 't2'])
    cache = TokenCache(str(tmp_path))
    assert cache.get_or_create(KEY, fetch) == 't1'
    assert cache.get_or_create(KEY[:2] + ('other-secret',), fetch) == 't2'
    assert len(calls) == 2


def test_a_readable_cache_file_is_not_trusted(tmp_path):
    cache = TokenCache(str(tmp_path))
    cache.get_or_create(KEY, fetcher(['t1'])[0])
    path = next((tmp_path / 'tokens').glob('*.json'))
    os.chmod(path, 0o644)
    fetch, calls = fetcher(['t2'])
    assert TokenCache(str(tmp_path)).get_or_create(KEY, fetch) == 't2'
    assert len(calls) == 1


def test_discard_only_removes_the_rejected_token(tmp_path):
    cache = TokenCache(str(tmp_path))
    cache.get_or_create(KEY, fetcher(['t1'])[0])
    cache.discard(KEY, 'some-older-token')
    fetch, calls = fetcher(['t2'])
    assert cache.get_or_create(KEY, fetch) == 't1' and not calls
    cache.discard(KEY, 't1')
    assert cache.get_or_create(KEY, fetch) == 't2'


@pytest.fixture(autouse=True)
def fresh_warnings(monkeypatch):
    # Each test is a fresh process as far as the warnings given once are concerned.
    monkeypatch.setattr(_token_cache, '_WARNED', set())


def cache_with_warnings(tmp_path):
    warnings = []
    return TokenCache(str(tmp_path), warn=warnings.append), warnings


def write_cache_file(tmp_path, content):
    """A cache file for KEY holding ``content`` (bytes), private like the ones the cache writes."""
    TokenCache(str(tmp_path)).get_or_create(KEY, fetcher(['t1'])[0])
    path = next((tmp_path / 'tokens').glob('*.json'))
    path.write_bytes(content)
    return path


@pytest.mark.parametrize('content, problem', [
    (b'{"token": "t1", "obt', 'is not JSON'),
    (b'\xff\xfe\x00', 'is not JSON'),
    (b'', 'is not JSON'),
    (b'42', 'a JSON number'),
    (b'["t1"]', 'a JSON array'),
    (b'null', 'a JSON null'),
    (b'{}', 'an object without a token string'),
    (b'{"token": 42}', 'an object without a token string'),
    (b'{"token": ""}', 'an object without a token string'),
    (b'{"token": ["a"]}', 'an object without a token string'),
], ids=['truncated', 'binary', 'empty', 'int', 'list', 'null', 'no-token', 'int-token', 'empty-token', 'list-token'])
def test_a_corrupt_file_is_reported_and_replaced_by_the_next_token(tmp_path, content, problem):
    path = write_cache_file(tmp_path, content)
    cache, warnings = cache_with_warnings(tmp_path)
    fetch, calls = fetcher(['t2'])
    assert cache.get_or_create(KEY, fetch) == 't2'
    assert len(calls) == 1
    assert len(warnings) == 1 and str(path) in warnings[0] and problem in warnings[0]
    assert json.loads(path.read_text())['token'] == 't2'
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    fetch, calls = fetcher(['t3'])
    assert TokenCache(str(tmp_path)).get_or_create(KEY, fetch) == 't2' and not calls


def test_a_corrupt_file_is_reported_once_per_process(tmp_path):
    write_cache_file(tmp_path, b'[]')
    cache, warnings = cache_with_warnings(tmp_path)
    cache.discard(KEY, 'rejected')  # reads the file, finds nothing to discard, leaves it
    cache.discard(KEY, 'rejected')
    assert len(warnings) == 1


def test_a_file_that_cannot_be_read_is_reported_and_the_task_goes_on(tmp_path):
    path = write_cache_file(tmp_path, b'')
    path.unlink()
    path.mkdir(mode=0o700)  # reading it fails whoever runs the test, and it cannot be replaced either
    cache, warnings = cache_with_warnings(tmp_path)
    fetch, calls = fetcher(['t2'])
    assert cache.get_or_create(KEY, fetch) == 't2' and len(calls) == 1
    assert len(warnings) == 1 and 'cannot be read' in warnings[0] and str(path) in warnings[0]


@pytest.mark.skipif(os.geteuid() == 0, reason='root reads every file')
def test_an_unreadable_file_is_reported_and_replaced(tmp_path):
    path = write_cache_file(tmp_path, b'{"token": "t1"}')
    os.chmod(path, 0o000)
    cache, warnings = cache_with_warnings(tmp_path)
    assert cache.get_or_create(KEY, fetcher(['t2'])[0]) == 't2'
    assert len(warnings) == 1 and 'cannot be read' in warnings[0] and str(path) in warnings[0]


def test_a_cache_directory_that_is_not_a_directory_is_reported_and_worked_around(tmp_path):
    (tmp_path / 'tokens').write_text('not a directory')
    cache, warnings = cache_with_warnings(tmp_path)
    fetch, calls = fetcher(['t1', 't2'])
    assert cache.get_or_create(KEY, fetch) == 't1'
    assert cache.get_or_create(KEY, fetch) == 't2'
    assert len(calls) == 2
    assert len(warnings) == 1 and 'token_cache' in warnings[0]


def test_a_warning_never_shows_the_file_content(tmp_path):
    write_cache_file(tmp_path, b'["secret-token-value"]')
    cache, warnings = cache_with_warnings(tmp_path)
    cache.get_or_create(KEY, fetcher(['t2'])[0])
    assert 'secret-token-value' not in warnings[0]
