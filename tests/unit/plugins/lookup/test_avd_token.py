# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest
import yaml

from ansible import constants as C
from ansible.errors import AnsibleLookupError
from ansible.plugins.loader import lookup_loader

from ansible_collections.rtcops.conference.plugins.doc_fragments.avd import ModuleDocFragment
from ansible_collections.rtcops.conference.plugins.lookup import avd_token
from ansible_collections.rtcops.conference.plugins.module_utils import _avd_client

SECRET = 'sk+secret/value=='


NAME = 'rtcops.conference.avd_token'


def load_lookup():
    """The plugin as Ansible loads it; under plain pytest (no collection loader) its option definitions are
    registered by hand from its DOCUMENTATION and the doc fragment it extends."""
    plugin = lookup_loader.get(NAME)
    if plugin is not None:
        return plugin
    doc = yaml.safe_load(avd_token.DOCUMENTATION)
    assert doc['extends_documentation_fragment'] == ['rtcops.conference.avd.plugins']
    options = yaml.safe_load(ModuleDocFragment.PLUGINS)['options']
    options.update(doc.get('options') or {})
    C.config.initialize_plugin_configuration_definitions('lookup', NAME, options)
    plugin = avd_token.LookupModule()
    plugin._load_name = NAME
    plugin.ansible_name = NAME
    plugin.ansible_aliases = [NAME]
    return plugin


@pytest.fixture
def lookup(monkeypatch):
    for name in ('AVD_SERVER_URL', 'AVD_ACCESS_KEY', 'AVD_SECRET_KEY', 'AVD_TOKEN', 'AVD_TOKEN_CACHE', 'AVD_CACHE_DIR'):
        monkeypatch.delenv(name, raising=False)
    return load_lookup()


@pytest.fixture
def server(monkeypatch):
    """Replaces the HTTP request of the client; records the calls."""

    class Server:
        calls = []
        answer = {'ret': 0, 'token': 'dG9rZW4rMQ=='}
        error = None

    def request(client, path, params, write, verify, idempotent, with_token):
        Server.calls.append((path, dict(params)))
        if Server.error is not None:
            raise Server.error
        return dict(Server.answer)

    monkeypatch.setattr(_avd_client.AvdClient, '_request', request)
    return Server


def test_terms_are_refused(lookup, server):
    with pytest.raises(AnsibleLookupError, match='no terms'):
        lookup.run(['https://avd.invalid'], variables={}, server_url='https://avd.invalid', token='t')
    assert server.calls == []


def test_fixed_token_is_returned_as_is(lookup, server):
    assert lookup.run([], variables={}, server_url='https://avd.invalid', token='given+token==') == ['given+token==']
    assert server.calls == []


def test_token_is_fetched_with_the_keys(lookup, server, tmp_path):
    result = lookup.run([], variables={}, server_url='https://avd.invalid', access_key='ak', secret_key=SECRET,
                        token_cache=False)
    assert result == ['dG9rZW4rMQ==']
    assert server.calls == [('/app/get_token', {'access_key': 'ak', 'secret_key': SECRET})]


def test_token_cache_is_shared_between_runs(lookup, server, tmp_path):
    options = dict(server_url='https://avd.invalid', access_key='ak', secret_key=SECRET, cache_dir=str(tmp_path))
    first = lookup.run([], variables={}, **options)
    second = lookup.run([], variables={}, **options)
    assert first == second == ['dG9rZW4rMQ==']
    # One token; the second run checks the cached one with a read instead of asking for another.
    assert [call[0] for call in server.calls] == ['/app/get_token', '/app/get_licence_info']


def test_options_from_environment(lookup, server, monkeypatch):
    monkeypatch.setenv('AVD_SERVER_URL', 'https://avd.invalid')
    monkeypatch.setenv('AVD_ACCESS_KEY', 'ak')
    monkeypatch.setenv('AVD_SECRET_KEY', SECRET)
    monkeypatch.setenv('AVD_TOKEN_CACHE', 'false')
    assert lookup.run([], variables={}) == ['dG9rZW4rMQ==']


def test_missing_credentials(lookup, server):
    with pytest.raises(AnsibleLookupError, match='access_key and secret_key'):
        lookup.run([], variables={}, server_url='https://avd.invalid', access_key='ak')
    assert server.calls == []


def test_bad_server_url(lookup, server):
    with pytest.raises(AnsibleLookupError, match='server_url'):
        lookup.run([], variables={}, server_url='avd.invalid', access_key='ak', secret_key=SECRET)


def test_api_error_is_a_lookup_error_without_the_secret(lookup, server):
    server.error = _avd_client.AvdApiError('/app/get_token', 40001, 'wrong secret_key=%s' % SECRET)
    with pytest.raises(AnsibleLookupError) as error:
        lookup.run([], variables={}, server_url='https://avd.invalid', access_key='ak', secret_key=SECRET,
                   token_cache=False)
    assert '40001' in str(error.value)
    assert SECRET not in str(error.value)
    assert error.value.__cause__ is None


def test_unexpected_error_is_a_lookup_error_without_the_secret(lookup, server):
    server.error = RuntimeError('boom with %s' % SECRET)
    with pytest.raises(AnsibleLookupError) as error:
        lookup.run([], variables={}, server_url='https://avd.invalid', access_key='ak', secret_key=SECRET,
                   token_cache=False)
    assert 'boom' in str(error.value)
    assert SECRET not in str(error.value)
