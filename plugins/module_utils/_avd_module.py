# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""AnsibleModule for AVD modules: the connection options of the ``rtcops.conference.avd`` doc fragment,
one lazily built client, and failures that name the call and the vendor's code. Private to this collection."""

from __future__ import annotations

import traceback

from ansible.module_utils.basic import AnsibleModule, env_fallback

from ansible_collections.rtcops.conference.plugins.module_utils import _avd_client as avd
from ansible_collections.rtcops.conference.plugins.module_utils._http import check_connection
from ansible_collections.rtcops.conference.plugins.module_utils._ensure import AlreadyExists, MissingForCreate, RecreateNeeded
from ansible_collections.rtcops.conference.plugins.module_utils._token_cache import TokenCache

# Keep in sync with plugins/doc_fragments/avd.py.
CONNECTION_SPEC = dict(
    server_url=dict(type='str', required=True, fallback=(env_fallback, ['AVD_SERVER_URL'])),
    access_key=dict(type='str', no_log=False, fallback=(env_fallback, ['AVD_ACCESS_KEY'])),
    secret_key=dict(type='str', no_log=True, fallback=(env_fallback, ['AVD_SECRET_KEY'])),
    token=dict(type='str', no_log=True, fallback=(env_fallback, ['AVD_TOKEN'])),
    validate_certs=dict(type='bool', default=True, fallback=(env_fallback, ['AVD_VALIDATE_CERTS'])),
    ca_path=dict(type='path', fallback=(env_fallback, ['AVD_CA_PATH'])),
    client_cert=dict(type='path', fallback=(env_fallback, ['AVD_CLIENT_CERT'])),
    client_key=dict(type='path', no_log=False, fallback=(env_fallback, ['AVD_CLIENT_KEY'])),
    timeout=dict(type='int', default=30, fallback=(env_fallback, ['AVD_TIMEOUT'])),
    task_timeout=dict(type='int', fallback=(env_fallback, ['AVD_TASK_TIMEOUT'])),
    token_cache=dict(type='bool', default=True, fallback=(env_fallback, ['AVD_TOKEN_CACHE'])),
    cache_dir=dict(type='path', fallback=(env_fallback, ['AVD_CACHE_DIR'])),
)


class AvdModule(AnsibleModule):

    def __init__(self, argument_spec, needs_token=True, not_blank=(), **kwargs):
        spec = dict(CONNECTION_SPEC)
        spec.update(argument_spec)
        if needs_token:
            kwargs['required_one_of'] = list(kwargs.get('required_one_of', [])) + [('token', 'access_key')]
        kwargs['required_together'] = list(kwargs.get('required_together', [])) + [('access_key', 'secret_key')]
        super().__init__(argument_spec=spec, **kwargs)
        for name in ('server_url',) + tuple(not_blank):
            if self.params.get(name) is not None and not str(self.params[name]).strip():
                self.fail_json(msg='%s must not be empty' % name)
        check_connection(self, 'server_url', [avd.API_PREFIX])
        self._client = None
        # What a module has already changed when a later step fails (a stop sent, then the wait for it timed out):
        # the failure reports it, so that the task is not "changed: false" and a retry knows what exists.
        self.done = {}

    @property
    def client(self):
        if self._client is None:
            p = self.params
            cache = TokenCache(p['cache_dir']) if p['token_cache'] and not p['token'] else None
            self._client = avd.AvdClient(
                p['server_url'], access_key=p['access_key'], secret_key=p['secret_key'], token=p['token'],
                validate_certs=p['validate_certs'], ca_path=p['ca_path'], timeout=p['timeout'], token_cache=cache,
                task_timeout=p['task_timeout'], client_cert=p['client_cert'], client_key=p['client_key'])
        return self._client

    def fail_avd(self, error, **result):
        """Fail with an AvdError; its text is already free of secrets."""
        details = dict(result)
        if getattr(error, 'call', None):
            details['call'] = error.call
        if getattr(error, 'code', None) is not None:
            details['code'] = error.code
            details['vendor_msg'] = getattr(error, 'vendor_msg', None)
        self.fail_json(msg=str(error), **details)

    def run(self, main):
        """Run ``main()`` and turn the collection's own errors into clean task failures."""
        try:
            return main()
        except avd.AvdError as exc:
            self.fail_avd(exc, **self.done)
        except MissingForCreate as exc:
            self.fail_json(msg=str(exc))
        except AlreadyExists:
            self.fail_json(msg='another run created the same object twice while this one was recreating it; run the task '
                               'again to converge')
        except RecreateNeeded as exc:
            self.fail_json(msg='%s cannot be changed on an existing object: the API can only set %s when it '
                               'creates it. Set recreate=true to delete and recreate it.'
                               % (', '.join(exc.fields), 'them' if len(exc.fields) > 1 else 'it'),
                           fields=exc.fields)
        except Exception as exc:  # pylint: disable=broad-except
            client = self._client
            text = client.redact('%s: %s' % (type(exc).__name__, exc)) if client else type(exc).__name__
            trace = client.redact(traceback.format_exc()) if client else None
            self.fail_json(msg='unexpected error: %s' % text, exception=trace)
