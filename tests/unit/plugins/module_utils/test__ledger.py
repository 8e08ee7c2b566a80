# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import json
import os
import stat

import pytest

from ansible_collections.rtcops.conference.plugins.module_utils import _token_cache
from ansible_collections.rtcops.conference.plugins.module_utils._ledger import Ledger

SERVER = 'https://avd.example.com:9610'


@pytest.fixture(autouse=True)
def fresh_warnings(monkeypatch):
    # Each test is a fresh process as far as the warnings given once are concerned.
    monkeypatch.setattr(_token_cache, '_WARNED', set())


def ledger(tmp_path):
    warnings = []
    return Ledger(SERVER, str(tmp_path), warn=warnings.append), warnings


def written(tmp_path, content):
    """The records file of SERVER holding ``content`` (bytes), private as the ledger writes it."""
    records, dummy = ledger(tmp_path)
    assert records.put('rooms', '100', {})
    path = tmp_path / 'records' / os.path.basename(records.path)
    path.write_bytes(content)
    return path


def test_records_survive_a_new_process(tmp_path):
    records, warnings = ledger(tmp_path)
    assert records.put('sip_accounts', '1001', {'account_id': 7, 'sip_gate_id': 2})
    assert Ledger(SERVER, str(tmp_path)).get('sip_accounts', '1001') == {'account_id': 7, 'sip_gate_id': 2}
    assert warnings == []


@pytest.mark.parametrize('content, problem', [
    (b'{"rooms": {"100": {}}', 'is not JSON'),
    (b'', 'is not JSON'),
    (b'\xff\xfe', 'is not JSON'),
    (b'42', 'holds a JSON number instead of an object'),
    (b'["rooms"]', 'holds a JSON array instead of an object'),
    (b'"text"', 'holds a JSON string instead of an object'),
], ids=['truncated', 'empty', 'binary', 'int', 'list', 'string'])
def test_a_corrupt_file_is_set_aside_with_a_warning_and_rebuilt(tmp_path, content, problem):
    path = written(tmp_path, content)
    records, warnings = ledger(tmp_path)
    assert records.entries('rooms') == {}
    assert len(warnings) == 1 and str(path) in warnings[0] and problem in warnings[0]
    aside = path.parent / (path.name + '.corrupt')
    assert aside.read_bytes() == content and not path.exists()
    assert records.put('rooms', '200', {})
    assert json.loads(path.read_text()) == {'rooms': {'200': {}}}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(warnings) == 1


def test_a_corrupt_file_met_by_a_write_is_set_aside_too(tmp_path):
    path = written(tmp_path, b'[1, 2]')
    records, warnings = ledger(tmp_path)
    assert records.put('rooms', '200', {})
    assert json.loads(path.read_text()) == {'rooms': {'200': {}}}
    assert (path.parent / (path.name + '.corrupt')).read_bytes() == b'[1, 2]'
    assert len(warnings) == 1


@pytest.mark.parametrize('records_content, kind, kept', [
    ({'rooms': [1, 2]}, 'rooms', {}),
    ({'rooms': 'x'}, 'rooms', {}),
    ({'sip_accounts': {'1001': {'account_id': 7}, '1002': 7, '1003': {'account_id': '8'},
                       '1004': {'account_id': True}, '1005': {'account_id': 9, 'sip_gate_id': 'g'}}},
     'sip_accounts', {'1001': {'account_id': 7}}),
    ({'started_recordings': {'room1': 'rec-1', 'room2': ['rec-2'], 'room3': None, 'room4': ''}},
     'started_recordings', {'room1': 'rec-1'}),
    ({'recording_layouts': {'rec-1': {'video_layout': 1}, 'rec-2': [1]}}, 'recording_layouts', {'rec-1': {'video_layout': 1}}),
    ({'downloads': {'a': {'sha256': 'ab', 'size': 3}, 'b': {'sha256': 'ab'}, 'c': {'sha256': 1, 'size': 3}}},
     'downloads', {'a': {'sha256': 'ab', 'size': 3}}),
    ({'file_permits': {'f1': {'applied_at': 1}, 'f2': 1}}, 'file_permits', {'f1': {'applied_at': 1}}),
], ids=['kind-list', 'kind-string', 'accounts', 'started', 'layouts', 'downloads', 'permits'])
def test_entries_of_the_wrong_shape_are_ignored_with_a_warning_and_dropped_at_the_next_write(tmp_path, records_content, kind, kept):
    path = written(tmp_path, json.dumps(records_content).encode())
    records, warnings = ledger(tmp_path)
    assert records.entries(kind) == kept
    assert len(warnings) == 1 and str(path) in warnings[0] and kind in warnings[0]
    assert records.put('other_kind', 'k', 1)
    expected = {'other_kind': {'k': 1}}
    if isinstance(records_content[kind], dict):  # a kind that is no object goes whole
        expected[kind] = kept
    assert json.loads(path.read_text()) == expected


def test_unknown_kinds_keep_any_value(tmp_path):
    written(tmp_path, json.dumps({'future_kind': {'a': [1], 'b': 2}}).encode())
    records, warnings = ledger(tmp_path)
    assert records.entries('future_kind') == {'a': [1], 'b': 2} and warnings == []


def test_a_file_that_cannot_be_read_is_neither_used_nor_overwritten(tmp_path):
    path = written(tmp_path, b'')
    path.unlink()
    path.mkdir(mode=0o700)  # reading it fails whoever runs the test
    records, warnings = ledger(tmp_path)
    assert records.entries('rooms') == {}
    assert records.put('rooms', '200', {}) is False
    assert path.is_dir()
    assert len(warnings) == 1 and 'cannot be read' in warnings[0] and str(path) in warnings[0]


def test_a_file_readable_by_others_is_ignored_with_a_warning(tmp_path):
    path = written(tmp_path, json.dumps({'rooms': {'100': {}}}).encode())
    os.chmod(path, 0o644)
    records, warnings = ledger(tmp_path)
    assert records.entries('rooms') == {}
    assert len(warnings) == 1 and 'not private' in warnings[0]


def test_a_records_directory_that_cannot_be_created_only_fails_the_write(tmp_path):
    (tmp_path / 'records').write_text('not a directory')
    records, warnings = ledger(tmp_path)
    assert records.entries('rooms') == {}
    assert records.put('rooms', '200', {}) is False
