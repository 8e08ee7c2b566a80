# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import hashlib
import json

import pytest

from ansible.module_utils.testing import patch_module_args

from ansible_collections.rtcops.conference.plugins.module_utils import _avd_client
from ansible_collections.rtcops.conference.plugins.modules import avd_file_permit

CERT = '8dcd523e767cfc3dcd634c11d49f861b$5dbf28f2a1c3b9736fb67ccc316d5fc5$7f454a7d3b5d208676ba8b8f3a15cc7f'
CERT_SHA256 = hashlib.sha256(CERT.encode('ascii')).hexdigest()


@pytest.fixture
def api(monkeypatch):
    """Records the sdkapi calls instead of sending them; ``api.fail`` makes the next call fail."""

    class Api:
        calls = []
        fail = None

    def call(client, path, params=None, write=False, verify=None, idempotent=None):
        Api.calls.append((path, dict(params or {}), write))
        if Api.fail is not None:
            error, Api.fail = Api.fail, None
            raise error
        return {'ret': 0, 'msg': 'success'}

    monkeypatch.setattr(_avd_client.AvdClient, 'call', call)
    return Api


def run_module(capsys, cache_dir, **args):
    base = dict(server_url='https://avd.invalid:9610', access_key='ak', secret_key='sk', cache_dir=str(cache_dir),
                licence_cert=CERT)
    base.update(args)
    with patch_module_args(base):
        with pytest.raises(SystemExit) as exit_info:
            avd_file_permit.main()
    return exit_info.value.code, json.loads(capsys.readouterr().out)


def test_fingerprint_is_sha256_of_the_stripped_certificate():
    # FIPS 180-2 test vector for "abc".
    assert avd_file_permit.fingerprint('  abc\n') == 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'


def test_unknown_certificate_is_applied_without_claiming_a_change_then_trusted(tmp_path, capsys, api):
    # No record: the server may hold it already (a fresh runner) and no call can tell, so it is applied but the
    # task does not say it changed anything.
    rc, out = run_module(capsys, tmp_path)
    assert rc == 0, out
    assert out['changed'] is False and out['sent'] is True and out['verified'] is False
    assert out['status'] == 'unknown'
    assert out['record'] == {'fingerprint': CERT_SHA256, 'recorded': True}
    assert api.calls == [('/app/apply_file_permit', {'licence_cert': CERT}, True)]
    assert out['diff'] == {'before': {'fingerprint': CERT_SHA256, 'applied': 'unknown'},
                           'after': {'fingerprint': CERT_SHA256, 'applied': True}}

    rc, out = run_module(capsys, tmp_path)
    assert rc == 0, out
    assert out['changed'] is False and out['sent'] is False and out['verified'] is False
    assert out['status'] == 'in_sync'
    assert out['record'] == {'fingerprint': CERT_SHA256, 'recorded': True}
    assert len(api.calls) == 1


def test_surrounding_whitespace_is_not_sent_and_matches_the_record(tmp_path, capsys, api):
    run_module(capsys, tmp_path, licence_cert=CERT + '\n')
    assert api.calls[0][1] == {'licence_cert': CERT}
    rc, out = run_module(capsys, tmp_path, licence_cert='  ' + CERT)
    assert out['changed'] is False and len(api.calls) == 1


def test_record_is_per_server(tmp_path, capsys, api):
    run_module(capsys, tmp_path)
    rc, out = run_module(capsys, tmp_path, server_url='https://other.invalid:9610')
    assert out['status'] == 'unknown' and out['sent'] is True
    assert len(api.calls) == 2


def test_absent_deletes_a_recorded_certificate_once(tmp_path, capsys, api):
    run_module(capsys, tmp_path)
    rc, out = run_module(capsys, tmp_path, state='absent')
    assert rc == 0, out
    assert out['changed'] is True and out['sent'] is True
    assert out['record'] == {'fingerprint': CERT_SHA256, 'recorded': False}
    assert api.calls[-1] == ('/app/delete_file_permit', {'licence_cert': CERT}, True)
    assert out['diff'] == {'before': {'fingerprint': CERT_SHA256, 'applied': True},
                           'after': {'fingerprint': CERT_SHA256, 'applied': False}}

    rc, out = run_module(capsys, tmp_path, state='absent')
    assert out['changed'] is False and out['sent'] is False
    assert len(api.calls) == 2


def test_absent_without_record_sends_nothing(tmp_path, capsys, api):
    rc, out = run_module(capsys, tmp_path, state='absent')
    assert rc == 0, out
    assert out['changed'] is False and out['sent'] is False and out['status'] == 'unknown'
    assert api.calls == []


def test_force_sends_regardless_of_the_record(tmp_path, capsys, api):
    run_module(capsys, tmp_path)
    rc, out = run_module(capsys, tmp_path, force=True)
    assert out['changed'] is True and out['sent'] is True
    assert [c[0] for c in api.calls] == ['/app/apply_file_permit', '/app/apply_file_permit']

    rc, out = run_module(capsys, tmp_path / 'elsewhere', state='absent', force=True)
    assert out['changed'] is True and out['sent'] is True
    assert api.calls[-1][0] == '/app/delete_file_permit'


def test_check_mode_predicts_from_the_record_and_records_nothing(tmp_path, capsys, api):
    rc, out = run_module(capsys, tmp_path, _ansible_check_mode=True)
    assert rc == 0, out
    assert out['changed'] is False and out['sent'] is False and out['status'] == 'unknown'
    assert out['record']['recorded'] is True
    assert api.calls == []

    rc, out = run_module(capsys, tmp_path)
    assert out['status'] == 'unknown' and out['sent'] is True
    assert len(api.calls) == 1

    rc, out = run_module(capsys, tmp_path, state='absent', _ansible_check_mode=True)
    assert out['changed'] is True and out['record']['recorded'] is False and out['status'] == 'deleted'
    assert len(api.calls) == 1
    rc, out = run_module(capsys, tmp_path)
    assert out['changed'] is False and out['status'] == 'in_sync'


def test_certificate_never_appears_in_the_result(tmp_path, capsys, api):
    rc, out = run_module(capsys, tmp_path)
    assert CERT not in json.dumps(out)


def test_failed_apply_is_not_recorded_and_hides_the_certificate(tmp_path, capsys, api):
    api.fail = _avd_client.AvdApiError('/app/apply_file_permit', 40071, 'bad licence_cert %s' % CERT)
    rc, out = run_module(capsys, tmp_path)
    assert rc == 1
    assert out['code'] == 40071
    assert out['record'] == {'fingerprint': CERT_SHA256, 'recorded': False}
    assert CERT not in json.dumps(out)

    rc, out = run_module(capsys, tmp_path)
    assert out['sent'] is True and out['record']['recorded'] is True and len(api.calls) == 2


def test_unwritable_record_warns_but_succeeds(tmp_path, capsys, api, monkeypatch):
    # Where a warning ends up depends on whether controller code was imported into the process
    # (ansible-core 2.19), so the warning is caught where the module issues it.
    warnings = []
    monkeypatch.setattr(avd_file_permit.AvdModule, 'warn', lambda self, warning: warnings.append(warning))
    not_a_directory = tmp_path / 'file'
    not_a_directory.write_text('x')
    rc, out = run_module(capsys, not_a_directory)
    assert rc == 0, out
    assert out['changed'] is False and out['sent'] is True
    assert out['record']['recorded'] is False
    assert out['diff']['after']['applied'] == 'unknown'
    assert len(warnings) == 1 and 'could not be updated' in warnings[0]


def test_empty_certificate_is_refused(tmp_path, capsys, api):
    rc, out = run_module(capsys, tmp_path, licence_cert='   ')
    assert rc == 1
    assert 'licence_cert' in out['msg']
    assert api.calls == []
