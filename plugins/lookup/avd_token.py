# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
name: avd_token
short_description: Obtain an access token for an AVD conference server
version_added: 0.1.0
description:
  - Returns a token for the AVD C(sdkapi/v2) API, obtained from C(/app/get_token) with O(access_key) and
    O(secret_key), to pass as the C(token) option of this collection's modules or to other tools.
  - Uses the same token cache as the modules (see O(token_cache)), so a token obtained by a module earlier in the
    play is reused, and the other way round. A cached token is first checked with one cheap read call and
    replaced if the server no longer accepts it.
  - When O(token) is set, it is returned as it is and no call is made.
  - Takes no terms; all settings are options.
  - The token is a credential. Do not show it; set C(no_log=true) on tasks whose output would contain it.
author:
  - rtcops developers (@rtcops)
extends_documentation_fragment:
  - rtcops.conference.avd.plugins
notes:
  - Like all lookups, this one runs on the controller, whatever host the task targets.
  - The API does not document how long a token lives. A module that is given a fixed token cannot renew it;
    giving the modules O(access_key) and O(secret_key) instead lets them renew it when the server rejects it.
seealso:
  - module: rtcops.conference.avd_sip_gate
  - module: rtcops.conference.avd_licence_info
'''

EXAMPLES = r'''
- name: Obtain a token once for the play
  ansible.builtin.set_fact:
    avd_token: "{{ lookup('rtcops.conference.avd_token', server_url='https://avd.example.com:9610',
                   access_key=vault_avd_access_key, secret_key=vault_avd_secret_key) }}"
  no_log: true

- name: Use it
  rtcops.conference.avd_licence_info:
    server_url: https://avd.example.com:9610
    token: "{{ avd_token }}"
    gather: [licence]

# With AVD_SERVER_URL, AVD_ACCESS_KEY and AVD_SECRET_KEY set in the environment of ansible-playbook:
- name: Call the API with the uri module
  ansible.builtin.uri:
    url: "{{ lookup('ansible.builtin.env', 'AVD_SERVER_URL') }}/sdkapi/v2/room/list?token={{ lookup('rtcops.conference.avd_token') | urlencode }}"
  no_log: true
  register: rooms
'''

RETURN = r'''
_raw:
  description:
    - A list with one element, the token.
  type: list
  elements: str
'''

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase
from ansible.utils.display import Display

from ansible_collections.rtcops.conference.plugins.module_utils._http import connection_problem, url_problem, url_secrets
from ansible_collections.rtcops.conference.plugins.module_utils._avd_client import API_PREFIX, AvdApiError, AvdClient, AvdError
from ansible_collections.rtcops.conference.plugins.module_utils._secrets import credential_problem, redact
from ansible_collections.rtcops.conference.plugins.module_utils._token_cache import TokenCache


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        if terms:
            raise AnsibleLookupError('the avd_token lookup takes no terms, got %d; give its settings as options, '
                                     'for example server_url=...' % len(terms))
        self.set_options(var_options=variables, direct=kwargs)

        token = self.get_option('token')
        if token:
            return [token]

        server_url = self.get_option('server_url')
        access_key = self.get_option('access_key')
        secret_key = self.get_option('secret_key')
        secrets = [secret_key] + url_secrets(server_url or '')
        # Like the modules: the trailing newline of a vault's block scalar is never part of a key.
        secret_key = secret_key.strip() if isinstance(secret_key, str) else secret_key
        if not server_url:
            raise AnsibleLookupError('avd_token: server_url is required (or the AVD_SERVER_URL environment variable)')
        problem = url_problem('server_url', server_url)
        if problem:
            raise AnsibleLookupError('avd_token: %s' % redact(problem, secrets))
        if not (access_key and secret_key):
            raise AnsibleLookupError('avd_token: either token or both access_key and secret_key are needed')
        problem = credential_problem('secret_key', secret_key)
        if problem:
            raise AnsibleLookupError('avd_token: %s' % problem)
        timeout = self.get_option('timeout')
        task_timeout = self.get_option('task_timeout')
        client_cert, client_key = self.get_option('client_cert'), self.get_option('client_key')
        problem = connection_problem({'server_url': server_url, 'timeout': timeout, 'task_timeout': task_timeout,
                                      'client_cert': client_cert, 'client_key': client_key}, 'server_url', [API_PREFIX])
        if problem:
            raise AnsibleLookupError('avd_token: %s' % redact(problem, secrets))

        client = None
        try:
            cache = TokenCache(self.get_option('cache_dir'), warn=Display().warning) if self.get_option('token_cache') else None
            client = AvdClient(server_url, access_key=access_key, secret_key=secret_key,
                               validate_certs=self.get_option('validate_certs'), ca_path=self.get_option('ca_path'),
                               timeout=timeout, token_cache=cache, task_timeout=task_timeout, client_cert=client_cert,
                               client_key=client_key)
            token = client.token()
            if client.token_calls == 0:
                # A cached token may have expired on the server, and whoever uses the lookup's token cannot renew
                # it: a cheap read proves it, and call() replaces a token the server rejects (40003).
                try:
                    client.call('/app/get_licence_info')
                except AvdApiError:
                    pass  # any other answer means the token itself was accepted
                token = client.token()
            return [token]
        except AvdError as exc:
            message = redact(client.redact(str(exc)) if client else str(exc), secrets)
        except Exception as exc:  # pylint: disable=broad-except
            text = '%s: %s' % (type(exc).__name__, exc)
            message = 'unexpected error: %s' % redact(client.redact(text) if client else text, secrets)
        # Raised outside the except blocks so that the original exception, which may quote a URL, is not chained.
        raise AnsibleLookupError('avd_token: %s' % message)
