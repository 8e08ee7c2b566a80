# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""AnsibleModule for Topvdn modules: the options of the ``rtcops.conference.topvdn`` doc fragment. Private."""

from __future__ import annotations

from ansible.module_utils.basic import AnsibleModule, env_fallback

from ansible_collections.rtcops.conference.plugins.module_utils._http import check_connection
from ansible_collections.rtcops.conference.plugins.module_utils._topvdn_client import DEFAULT_API_URL, TopvdnClient, TopvdnError

# Keep in sync with plugins/doc_fragments/topvdn.py.
CONNECTION_SPEC = dict(
    client_id=dict(type='int', required=True),
    client_token=dict(type='str', required=True, no_log=True, fallback=(env_fallback, ['TOPVDN_CLIENT_TOKEN'])),
    api_url=dict(type='str', default=DEFAULT_API_URL, fallback=(env_fallback, ['TOPVDN_API_URL'])),
    validate_certs=dict(type='bool', default=True, fallback=(env_fallback, ['TOPVDN_VALIDATE_CERTS'])),
    ca_path=dict(type='path', fallback=(env_fallback, ['TOPVDN_CA_PATH'])),
    client_cert=dict(type='path', fallback=(env_fallback, ['TOPVDN_CLIENT_CERT'])),
    client_key=dict(type='path', no_log=False, fallback=(env_fallback, ['TOPVDN_CLIENT_KEY'])),
    timeout=dict(type='int', default=30),
    task_timeout=dict(type='int', fallback=(env_fallback, ['TOPVDN_TASK_TIMEOUT'])),
)


class TopvdnModule(AnsibleModule):

    def __init__(self, argument_spec, **kwargs):
        spec = dict(CONNECTION_SPEC)
        spec.update(argument_spec)
        super().__init__(argument_spec=spec, **kwargs)
        p = self.params
        check_connection(self, 'api_url', [TopvdnClient.api_prefix])
        if p['client_id'] < 0:
            self.fail_json(msg='client_id must not be negative, got %s' % p['client_id'])
        if not p['client_token'].strip():
            self.fail_json(msg='client_token must not be empty')
        self.client = TopvdnClient(p['client_token'], p['api_url'], p['validate_certs'], p['ca_path'], p['timeout'],
                                   client_cert=p['client_cert'], client_key=p['client_key'])
        self.client.limit_task(p['task_timeout'])

    def add_path_info(self, kwargs):
        # AnsibleModule would add the owner, mode and size of the directory named by a result's 'dest' (or of a local
        # 'path'), as if the task managed it; the results describe the cover and its files only.
        return kwargs

    def run(self, main):
        try:
            return main()
        except TopvdnError as exc:
            self.fail_json(msg=str(exc), call=exc.call, status=exc.status)
        except Exception as exc:  # pylint: disable=broad-except
            # Whatever the cause, the task gets a message instead of a traceback that may quote the token.
            self.fail_json(msg=self.client.redact('Topvdn task failed unexpectedly: %s: %s' % (type(exc).__name__, exc)))
