# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Client for the Wilddog cloud snapshot API. Private to this collection."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from ansible.module_utils.basic import env_fallback

from ansible_collections.rtcops.conference.plugins.module_utils._vendor_client import VendorClient, VendorError

DEFAULT_API_URL = 'https://bt-sh-api.wilddog.com'
SNAPSHOT_CALL = 'GET /v2/snapshot'
IMAGE_CALL = 'GET snapshot image'
RATE_LIMITED = 41205
# Q-WD-03: three codes share the name "Server internal error"; all three are worth another try.
SERVER_ERRORS = frozenset((41200, 41206, 41207))
CODE_MEANINGS = {
    41200: 'server internal error',
    41201: 'invalid parameter',
    41202: 'invalid token (an adminToken is needed)',
    41203: 'the room does not exist',
    41204: 'no video stream in the room',
    41205: 'frequency exceeded: one request per 30 seconds',
    41206: 'server internal error',
    41207: 'server internal error',
}

# Keep in sync with plugins/doc_fragments/wilddog.py.
CONNECTION_SPEC = dict(
    app_id=dict(type='str', required=True, fallback=(env_fallback, ['WILDDOG_APP_ID'])),
    token=dict(type='str', required=True, no_log=True, fallback=(env_fallback, ['WILDDOG_TOKEN'])),
    api_url=dict(type='str', default=DEFAULT_API_URL, fallback=(env_fallback, ['WILDDOG_API_URL'])),
    validate_certs=dict(type='bool', default=True, fallback=(env_fallback, ['WILDDOG_VALIDATE_CERTS'])),
    ca_path=dict(type='path', fallback=(env_fallback, ['WILDDOG_CA_PATH'])),
    client_cert=dict(type='path', fallback=(env_fallback, ['WILDDOG_CLIENT_CERT'])),
    client_key=dict(type='path', no_log=False, fallback=(env_fallback, ['WILDDOG_CLIENT_KEY'])),
    timeout=dict(type='int', default=30),
    task_timeout=dict(type='int', fallback=(env_fallback, ['WILDDOG_TASK_TIMEOUT'])),
    cache_dir=dict(type='path', fallback=(env_fallback, ['WILDDOG_CACHE_DIR'])),
)


class WilddogError(VendorError):

    def __init__(self, message, code=None, call=None, status=None):
        super().__init__(message, call=call, code=code, status=status)


class WilddogClient(VendorClient):

    vendor = 'Wilddog'
    error_class = WilddogError
    api_prefix = '/v2'

    def __init__(self, app_id, token, api_url=DEFAULT_API_URL, validate_certs=True, ca_path=None, timeout=30, retry=None,
                 client_cert=None, client_key=None):
        super().__init__([token], validate_certs, ca_path, timeout, retry, client_cert=client_cert, client_key=client_key)
        self.app_id = app_id
        self.token = token
        self.api_url = api_url.rstrip('/')

    def snapshot(self, room_id, before_attempt=None):
        """Ask for a snapshot of every video of the room; return the image URLs (Q-WD-04: decided by ``code``).

        ``before_attempt`` runs before every attempt (the one-per-30-s budget waits there).
        """
        query = urlencode({'appId': self.app_id, 'roomId': room_id, 'token': self.token})
        # Replayable: a request repeated after a lost answer usually meets the one-per-30-s limit (41205), which
        # wilddog_snapshot waits out before asking again; at worst the lost snapshot's images stay unused on the
        # server, which deletes them after 15 days.
        response = self.request(SNAPSHOT_CALL, 'GET', '%s/v2/snapshot?%s' % (self.api_url, query), before_attempt=before_attempt)
        text = self.read(SNAPSHOT_CALL, response).decode('utf-8', 'replace')
        try:
            answer = json.loads(text)
        except ValueError:
            raise WilddogError('Wilddog call %s answered HTTP %s with %d bytes that are not JSON%s'
                               % (SNAPSHOT_CALL, response.status, len(text), self.html_hint(response, text)),
                               call=SNAPSHOT_CALL, status=response.status)
        if not isinstance(answer, dict) or 'code' not in answer:
            raise WilddogError('Wilddog call %s answered without a code (HTTP %s)' % (SNAPSHOT_CALL, response.status),
                               call=SNAPSHOT_CALL, status=response.status)
        code = answer['code']
        if code != 0:
            meaning = CODE_MEANINGS.get(code)
            raise WilddogError(self.redact('Wilddog call %s failed with code %s%s: %s'
                                           % (SNAPSHOT_CALL, code, ' (%s)' % meaning if meaning else '', answer.get('message'))),
                               code, call=SNAPSHOT_CALL, status=response.status)
        return list(answer.get('url') or [])  # Q-WD-04: tolerate a missing url list

    def image(self, url):
        """The response carrying the image, or None while it does not exist yet (Q-WD-02)."""
        response = self.request(IMAGE_CALL, 'GET', url)
        if response.status == 200:
            return response
        self.read(IMAGE_CALL, response)  # a connection lost while reading an error page is the vendor's error
        if response.status in (403, 404):
            return None
        raise WilddogError(self.redact('Wilddog download of %s failed with HTTP status %s' % (url, response.status)),
                           call=IMAGE_CALL, status=response.status)
