# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Client for the Netless whiteboard screenshot API. Private to this collection."""

from __future__ import annotations

import json
from urllib.parse import quote

from ansible.module_utils.basic import env_fallback

from ansible_collections.rtcops.conference.plugins.module_utils._vendor_client import VendorClient, VendorError

DEFAULT_API_URL = 'https://api.netless.link'
DOWNLOAD_CALL = 'GET screenshot'

# Keep in sync with plugins/doc_fragments/netless.py.
CONNECTION_SPEC = dict(
    token=dict(type='str', required=True, no_log=True, fallback=(env_fallback, ['NETLESS_TOKEN'])),
    region=dict(type='str', default='cn-hz', choices=['cn-hz', 'us-sv'], fallback=(env_fallback, ['NETLESS_REGION'])),
    api_url=dict(type='str', default=DEFAULT_API_URL, fallback=(env_fallback, ['NETLESS_API_URL'])),
    validate_certs=dict(type='bool', default=True, fallback=(env_fallback, ['NETLESS_VALIDATE_CERTS'])),
    ca_path=dict(type='path', fallback=(env_fallback, ['NETLESS_CA_PATH'])),
    client_cert=dict(type='path', fallback=(env_fallback, ['NETLESS_CLIENT_CERT'])),
    client_key=dict(type='path', no_log=False, fallback=(env_fallback, ['NETLESS_CLIENT_KEY'])),
    timeout=dict(type='int', default=30),
    task_timeout=dict(type='int', fallback=(env_fallback, ['NETLESS_TASK_TIMEOUT'])),
)


class NetlessError(VendorError):

    def __init__(self, message, call=None, status=None):
        super().__init__(message, call=call, status=status)


class NetlessClient(VendorClient):

    vendor = 'Netless'
    error_class = NetlessError
    api_prefix = '/v5'

    def __init__(self, token, region='cn-hz', api_url=DEFAULT_API_URL, validate_certs=True, ca_path=None, timeout=30,
                 retry=None, client_cert=None, client_key=None):
        # A header value with a line break makes http.client raise an exception that quotes it; a trailing newline
        # (a vault's block scalar) is never part of a token, and the module refuses one with whitespace inside.
        token = token.strip()
        super().__init__([token], validate_certs, ca_path, timeout, retry, client_cert=client_cert, client_key=client_key)
        self.token = token
        self.region = region
        self.api_url = api_url.rstrip('/')

    def screenshots(self, room_uuid, width, height, path=None, whole_directory=False):
        """Take the screenshot of one scene, or of every scene of a scene directory; return their descriptions.

        Q-NL-02: HTTP 201 is the only success; every other status carries a ``message``.
        """
        endpoint = 'screenshot-list' if whole_directory else 'screenshots'
        call = 'POST /v5/rooms/{uuid}/%s' % endpoint
        document = {'width': width, 'height': height}
        if path is not None:
            document['path'] = path
        # Replayable: a screenshot taken twice stores the same picture under the same key again.
        response = self.request(call, 'POST', '%s/v5/rooms/%s/%s' % (self.api_url, quote(room_uuid, safe=''), endpoint),
                                body=json.dumps(document).encode('utf-8'),
                                headers={'token': self.token, 'region': self.region, 'Content-Type': 'application/json'})
        text = self.read(call, response).decode('utf-8', 'replace')
        try:
            answer = json.loads(text)
        except ValueError:
            answer = None
        if response.status != 201:
            message = answer.get('message') if isinstance(answer, dict) else ' '.join(text.split())[:300]
            hint = ' (the token needs the write or admin permission)' if response.status in (401, 403) else ''
            hint = hint or (self.html_hint(response, text) if answer is None else '')
            raise NetlessError(self.redact('Netless call %s failed with HTTP status %s%s: %s'
                                           % (call, response.status, hint, message)), call, response.status)
        shots = answer if isinstance(answer, list) else [answer]
        if not all(isinstance(shot, dict) and shot.get('url') for shot in shots):
            raise NetlessError('Netless call %s answered without screenshot URLs' % call, call)
        return shots
