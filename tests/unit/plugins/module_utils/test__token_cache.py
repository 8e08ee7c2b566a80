# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import os
import stat

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
