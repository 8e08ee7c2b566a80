# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import json

import pytest

from ansible.module_utils.testing import patch_module_args

from ansible_collections.rtcops.conference.plugins.module_utils import _avd_client
from ansible_collections.rtcops.conference.plugins.modules import avd_licence_info

# Answers shaped like the examples of the API documents (sections 2.2, 2.3, 2.6).
ANSWERS = {
    '/app/get_licence_info': {'ret': 0, 'msg': 'success', 'active_usernum': 3, 'max_users': 500},
    '/app/get_system_info': {'ret': 0, 'msg': 'success', 'sys_info': '462ce9ef42ab3d1e'},
}
DETAIL = {'avd_record': {'count': 1}, 'web': {'count': 2}, 'android': {'count': 1}}


@pytest.fixture
def api(monkeypatch):

    class Api:
        calls = []
        detail = DETAIL

    def call(client, path, params=None, write=False, verify=None, idempotent=None):
        assert not write, 'an info module must not write'
        Api.calls.append((path, dict(params or {})))
        if path == '/app/get_key_licence':
            return {'detail': Api.detail, 'msg': 'success', 'info': {}, 'usernum': 4, 'ret': 0}
        return dict(ANSWERS[path])

    monkeypatch.setattr(_avd_client.AvdClient, 'call', call)
    return Api


def run_module(capsys, **args):
    base = dict(server_url='https://avd.invalid', access_key='demo_access', secret_key='demo_secret')
    base.update(args)
    with patch_module_args(base):
        with pytest.raises(SystemExit) as exit_info:
            avd_licence_info.main()
    return exit_info.value.code, json.loads(capsys.readouterr().out)


def test_gathers_everything_by_default_for_the_connection_key(capsys, api):
    rc, out = run_module(capsys)
    assert rc == 0, out
    assert out['changed'] is False
    assert out['licence'] == {'active_usernum': 3, 'max_users': 500}
    assert out['system_info'] == {'sys_info': '462ce9ef42ab3d1e'}
    assert out['key_licences'] == {'demo_access': {'usernum': 4, 'detail': DETAIL, 'info': {}}}
    assert ('/app/get_key_licence', {'access_key': 'demo_access'}) in api.calls
    assert len(api.calls) == 3


def test_gather_skips_calls_and_keys(capsys, api):
    rc, out = run_module(capsys, gather=['licence'])
    assert rc == 0, out
    assert [c[0] for c in api.calls] == ['/app/get_licence_info']
    assert 'system_info' not in out and 'key_licences' not in out


def test_explicit_access_keys_one_call_each(capsys, api):
    rc, out = run_module(capsys, gather=['key_licences'], access_keys=['tenant_a', 'tenant_b', 'tenant_a'])
    assert rc == 0, out
    assert sorted(out['key_licences']) == ['tenant_a', 'tenant_b']
    assert api.calls == [('/app/get_key_licence', {'access_key': 'tenant_a'}),
                         ('/app/get_key_licence', {'access_key': 'tenant_b'})]


def test_no_access_key_with_a_token_means_no_key_calls(capsys, api):
    rc, out = run_module(capsys, access_key=None, secret_key=None, token='tok', gather=['key_licences'])
    assert rc == 0, out
    assert out['key_licences'] == {}
    assert api.calls == []


def test_empty_access_keys_list_means_none(capsys, api):
    rc, out = run_module(capsys, gather=['key_licences'], access_keys=[])
    assert out['key_licences'] == {} and api.calls == []


def test_detail_sent_as_json_string_becomes_a_dict(capsys, api):
    api.detail = '{"web": {"count": 2}}'
    rc, out = run_module(capsys, gather=['key_licences'])
    assert out['key_licences']['demo_access']['detail'] == {'web': {'count': 2}}


def test_missing_detail_becomes_empty_dict():
    assert avd_licence_info.normalize_key_licence({'usernum': 0}) == {'usernum': 0, 'detail': {}}


def test_unknown_gather_choice_is_refused(capsys, api):
    rc, out = run_module(capsys, gather=['licence', 'permits'])
    assert rc == 1
    assert 'gather' in out['msg']
    assert api.calls == []


def test_secret_key_not_in_output(capsys, api):
    rc, out = run_module(capsys, secret_key='sk-very-secret')
    assert 'sk-very-secret' not in json.dumps(out)
