# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The discovery of SIP accounts: which ids it reads, where it stops, what it caches."""

from __future__ import annotations

import threading

import pytest

from ansible_collections.rtcops.conference.plugins.module_utils._avd_accounts import AccountDirectory
from ansible_collections.rtcops.conference.plugins.module_utils._avd_client import AvdApiError
from ansible_collections.rtcops.conference.plugins.module_utils._ledger import Ledger


class Server:
    """Answers /sip/account/read like the documents: the account, or 40022. Counts reads per id."""

    def __init__(self, numbers_by_id):
        self.accounts = dict(numbers_by_id)
        self.reads = []
        self.lock = threading.Lock()

    def call(self, path, params=None, write=False, verify=None, idempotent=None):
        assert path == '/sip/account/read' and 'sip_gate_id' in params
        account_id = params['account_id']
        with self.lock:
            self.reads.append(account_id)
        if account_id not in self.accounts:
            raise AvdApiError(path, 40022, 'no such account_id')
        return {'ret': 0, 'account_id': account_id, 'phone_number': self.accounts[account_id], 'name': 'n',
                'password': 'p', 'gate_id': 1}


def directory(tmp_path, server, gap=5, limit=1000, workers=4):
    return AccountDirectory(server, Ledger('https://avd.invalid', str(tmp_path)), gap=gap, limit=limit, workers=workers)


def test_empty_server_reads_one_gap_and_stops(tmp_path):
    server = Server({})
    found = directory(tmp_path, server).discover()
    assert found == {}
    assert sorted(server.reads) == [1, 2, 3, 4, 5]


def test_holes_shorter_than_the_gap_are_crossed(tmp_path):
    # ids 3-6 deleted (4 in a row < gap 5): 7 is still found, then 5 absent ids past it end the scan.
    server = Server({1: '8001', 2: '8002', 7: '8007'})
    dir_ = directory(tmp_path, server)
    found = dir_.discover()
    assert sorted(found) == ['8001', '8002', '8007']
    assert sorted(server.reads) == list(range(1, 13))
    assert dir_.discovery['highest_found'] == 7 and dir_.discovery['stopped'] == 'gap'


def test_a_hole_as_long_as_the_gap_hides_what_lies_beyond(tmp_path):
    server = Server({1: '8001', 7: '8007'})
    found = directory(tmp_path, server).discover()
    assert sorted(found) == ['8001']


def test_a_cached_id_extends_the_scan_past_a_long_hole(tmp_path):
    server = Server({1: '8001', 20: '8020', 23: '8023'})
    Ledger('https://avd.invalid', str(tmp_path)).change('sip_accounts', puts={'8020': {'account_id': 20, 'sip_gate_id': 1}})
    found = directory(tmp_path, server).discover()
    assert sorted(found) == ['8001', '8020', '8023']


def test_limit_bounds_the_reads(tmp_path):
    server = Server(dict((i, str(8000 + i)) for i in range(1, 50)))
    dir_ = directory(tmp_path, server, limit=10)
    found = dir_.discover()
    assert len(found) == 10 and max(server.reads) == 10
    assert dir_.discovery['stopped'] == 'limit'


def test_discovery_runs_once_and_each_id_is_read_once(tmp_path):
    server = Server({1: '8001', 2: '8002'})
    dir_ = directory(tmp_path, server)
    assert dir_.lookup('8002')['account_id'] == 2
    assert dir_.lookup('8001')['account_id'] == 1
    assert dir_.lookup('9999') is None
    assert len(server.reads) == len(set(server.reads)) == 7


def test_the_cache_answers_the_next_run_with_one_read(tmp_path):
    server = Server({1: '8001', 2: '8002'})
    directory(tmp_path, server).discover()
    server.reads.clear()
    assert directory(tmp_path, server).lookup('8002')['account_id'] == 2
    assert server.reads == [2]


def test_a_stale_cache_entry_is_read_back_and_dropped(tmp_path):
    server = Server({1: '8001', 2: '8002'})
    directory(tmp_path, server).discover()
    server.accounts = {1: '8001', 2: '8099', 3: '8002'}  # 2 renumbered, 8002 recreated as 3
    dir_ = directory(tmp_path, server)
    assert dir_.lookup('8002')['account_id'] == 3
    dir_.save(replace=dir_.discovery is not None)
    cached = Ledger('https://avd.invalid', str(tmp_path)).entries('sip_accounts')
    assert dict((k, v['account_id']) for k, v in cached.items()) == {'8001': 1, '8099': 2, '8002': 3}


def test_a_pinned_id_is_read_without_discovery(tmp_path):
    server = Server({4: '8004'})
    dir_ = directory(tmp_path, server)
    assert dir_.lookup('8001', account_id=4)['number'] == '8004'
    assert server.reads == [4] and dir_.discovery is None


def test_gap_zero_never_discovers(tmp_path):
    server = Server({1: '8001'})
    assert directory(tmp_path, server, gap=0).lookup('8001') is None
    assert server.reads == []


def test_find_created_reads_only_above_the_known_ids(tmp_path):
    server = Server({1: '8001', 2: '8002'})
    dir_ = directory(tmp_path, server)
    dir_.discover()
    server.accounts[3] = '8003'
    server.reads.clear()
    assert dir_.find_created('8003')['account_id'] == 3
    assert min(server.reads) == 3


def test_a_read_error_other_than_absent_is_raised(tmp_path):
    class Broken(Server):
        def call(self, path, params=None, **kwargs):
            if params['account_id'] == 3:
                raise AvdApiError(path, 41002, 'mysql error')
            return super().call(path, params, **kwargs)

    with pytest.raises(AvdApiError) as info:
        directory(tmp_path, Broken({1: '8001'})).discover()
    assert info.value.code == 41002


def test_garbage_in_the_cache_is_ignored(tmp_path):
    ledger = Ledger('https://avd.invalid', str(tmp_path))
    ledger.change('sip_accounts', puts={'8001': 7, '8002': {'account_id': 'x'}, '8003': None})
    server = Server({1: '8001'})
    dir_ = directory(tmp_path, server)
    assert dir_.lookup('8001')['account_id'] == 1
    dir_.save(replace=True)
    assert list(ledger.entries('sip_accounts')) == ['8001']


def test_find_created_from_a_floor_taken_before_other_creates_were_remembered(tmp_path):
    # Two creates of one run: the second one's id (4) is remembered before the first (3) is looked for.
    server = Server({1: '8001', 2: '8002'})
    dir_ = directory(tmp_path, server)
    dir_.discover()
    floor = dir_.known_highest()
    server.accounts.update({3: '8003', 4: '8004'})
    dir_.remember({'account_id': 4, 'number': '8004', 'sip_gate_id': 1})
    assert dir_.find_created('8003') is None  # "above every known id" is past it now
    assert dir_.find_created('8003', floor)['account_id'] == 3
