# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Client for the anyRTC cloud-recording RESTful API. Private to this collection."""

from __future__ import annotations

import base64
import json
import time
from urllib.parse import quote

from ansible.module_utils.basic import env_fallback

from ansible_collections.rtcops.conference.plugins.module_utils._budget import BudgetExhausted, RequestBudget
from ansible_collections.rtcops.conference.plugins.module_utils._http import RetryPolicy
from ansible_collections.rtcops.conference.plugins.module_utils._vendor_client import RETRY_DEADLINE, VendorClient, VendorError

# The text names www.api.agrtc.cn; every example URL uses https://www.anyrtc.io (Q-ARTC-01).
DEFAULT_API_URL = 'https://www.api.agrtc.cn'
CONTENT_TYPE = 'application/json;charset=utf-8'  # exactly this, or error 8 (Q-ARTC-29)
RATE_LIMIT = 10  # requests per second per App ID, all methods together (Q-ARTC-24)
# A repeated acquire only reserves another resource ID; update and updateLayout replace what they set. A start or a
# stop whose answer was lost is not sent again: the repeat would fail (7, 53, 49) and hide what the first one did.
REPLAYABLE_CALLS = frozenset(('acquire', 'update', 'updateLayout'))
STORAGE_SECRETS = ('accessKey', 'secretKey')
CODE_MEANINGS = {
    2: 'invalid parameter',
    7: 'recording already in progress with this resource ID',
    8: 'HTTP header field error (Content-type, URL or method) or body not JSON',
    49: 'repeated stop with the same resource ID and sid',
    53: 'recording already in progress (use another uid for parallel recordings)',
    62: 'the App ID has no cloud-recording permission',
    65: 'network jitter, retry with the same resource ID',
    432: 'request parameters do not match the resource ID',
    433: 'resource ID expired',
    435: 'no recording file produced: nobody in the channel sent a stream',
    501: 'recording service is exiting',
    1001: 'failed to decrypt the resource ID',
    1003: 'App ID or sid does not match the resource ID',
    1013: 'invalid channel name',
    1028: 'parameter error in the updateLayout request body',
}
STATUS_MEANINGS = {
    400: 'malformed request',
    401: 'unauthorised: customer_id / customer_secret do not match the App ID',
    404: 'not found (the recording ended, or never started)',
    500: 'internal server error',
    504: 'gateway timeout',
}

# Keep in sync with plugins/doc_fragments/anyrtc.py.
CONNECTION_SPEC = dict(
    app_id=dict(type='str', required=True, fallback=(env_fallback, ['ANYRTC_APP_ID'])),
    customer_id=dict(type='str', required=True, fallback=(env_fallback, ['ANYRTC_CUSTOMER_ID'])),
    customer_secret=dict(type='str', required=True, no_log=True, fallback=(env_fallback, ['ANYRTC_CUSTOMER_SECRET'])),
    api_url=dict(type='str', default=DEFAULT_API_URL, fallback=(env_fallback, ['ANYRTC_API_URL'])),
    validate_certs=dict(type='bool', default=True, fallback=(env_fallback, ['ANYRTC_VALIDATE_CERTS'])),
    ca_path=dict(type='path', fallback=(env_fallback, ['ANYRTC_CA_PATH'])),
    client_cert=dict(type='path', fallback=(env_fallback, ['ANYRTC_CLIENT_CERT'])),
    client_key=dict(type='path', no_log=False, fallback=(env_fallback, ['ANYRTC_CLIENT_KEY'])),
    timeout=dict(type='int', default=30),
    task_timeout=dict(type='int', fallback=(env_fallback, ['ANYRTC_TASK_TIMEOUT'])),
    cache_dir=dict(type='path', fallback=(env_fallback, ['ANYRTC_CACHE_DIR'])),
)


class AnyRTCError(VendorError):

    def __init__(self, message, code=None, status=None, call=None):
        super().__init__(message, call=call, code=code, status=status)

    @property
    def verdict(self):
        """Whether the server decided on the request: an HTTP 4xx answer. Without one (a lost answer, a gateway's 5xx)
        a write may have taken effect or not."""
        return self.status is not None and 400 <= self.status < 500


class NotSent(AnyRTCError):
    """The request was never sent."""

    @property
    def verdict(self):
        return True


def secrets_of(*configs):
    """The storage and service keys inside clientRequest dicts, at any depth."""
    found = []

    def walk(value):
        if isinstance(value, dict):
            for name, item in value.items():
                if name in STORAGE_SECRETS + ('secret', 'token') and isinstance(item, str) and item:
                    found.append(item)
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for config in configs:
        walk(config)
    return found


def masked(value):
    """A copy with storage/service keys, tokens and decryption secrets replaced by a mask."""
    if isinstance(value, dict):
        return dict((name, '********' if name in STORAGE_SECRETS + ('secret', 'token') else masked(item)) for name, item in value.items())
    if isinstance(value, list):
        return [masked(item) for item in value]
    return value


class AnyRTCClient(VendorClient):

    vendor = 'anyRTC'
    error_class = AnyRTCError
    api_prefix = '/v1'

    def __init__(self, app_id, customer_id, customer_secret, api_url=DEFAULT_API_URL, validate_certs=True, ca_path=None,
                 timeout=30, secrets=(), clock=time.monotonic, sleep=time.sleep, cache_dir=None, warn=None, budget=None,
                 client_cert=None, client_key=None):
        token = base64.b64encode(('%s:%s' % (customer_id, customer_secret)).encode('utf-8')).decode('ascii')
        super().__init__([customer_secret, token] + list(secrets), validate_certs, ca_path, timeout,
                         retry=RetryPolicy(deadline=RETRY_DEADLINE, sleep=sleep, clock=clock), client_cert=client_cert,
                         client_key=client_key)
        self.app_id = app_id
        self.api_url = api_url.rstrip('/')
        self._authorization = 'Basic ' + token
        # The limit is the App ID's, whatever sends the requests: every task of this machine counts in one budget.
        self.budget = budget or RequestBudget('anyrtc', [self.api_url, app_id], RATE_LIMIT, 1, directory=cache_dir,
                                              warn=warn, sleep=sleep)
        self.requests = 0

    def _take_slot(self, what):
        """Wait for a place among the App ID's 10 requests per second (Q-ARTC-24), within one retry deadline and the
        task's deadline."""
        task = getattr(self, 'deadline', None)
        remaining = task.remaining() if task is not None else None
        bound = RETRY_DEADLINE if remaining is None else min(RETRY_DEADLINE, remaining)
        try:
            self.budget.take(max_wait=bound)
        except BudgetExhausted as exc:
            raise NotSent('anyRTC %s was not sent: the other tasks of this machine keep the App ID at its 10 requests '
                          'per second and %s, past %s' % (what, exc, task if bound != RETRY_DEADLINE else
                                                          'the %d s a call may take' % RETRY_DEADLINE), call=what)
        self.requests += 1

    def _url(self, *parts):
        return '%s/v1/apps/%s/cloud_recording/%s' % (self.api_url, quote(self.app_id, safe=''), '/'.join(quote(p, safe='') for p in parts))

    def call(self, what, method, parts, body=None, accept=(), accept_status=()):
        """Send one call; the parsed body of a 2xx answer (206 as well), ``(status, body)`` via AnyRTCError otherwise.

        ``accept`` lists error codes, ``accept_status`` HTTP statuses, returned as the body with ``_code`` (the code
        or None) and ``_http_status`` instead of raising.
        """
        url = self._url(*parts)
        headers = {'Authorization': self._authorization, 'Accept': 'application/json'}
        data = None
        if body is not None:
            data = json.dumps(body, separators=(',', ':')).encode('utf-8')
            headers['Content-type'] = CONTENT_TYPE
        try:
            response = self.request(what, method, url, body=data, headers=headers, before_attempt=lambda: self._take_slot(what),
                                    replayable=method == 'GET' or what in REPLAYABLE_CALLS)
        finally:
            self.budget.settle()  # the server has counted the request by now, at the latest
        raw = self.read(what, response)
        text = raw.decode('utf-8', 'replace')
        try:
            answer = json.loads(text) if text.strip() else {}
        except ValueError:
            answer = None
        if 200 <= response.status < 300 and isinstance(answer, dict):
            answer['_http_status'] = response.status
            return answer
        code = None
        if isinstance(answer, dict):
            for key in ('code', 'errorCode', 'error_code'):  # Q-ARTC-04: where the code goes is unstated
                if isinstance(answer.get(key), int) and not isinstance(answer.get(key), bool):
                    code = answer[key]
                    break
        if (code is not None and code in accept) or response.status in accept_status:
            return dict(answer if isinstance(answer, dict) else {}, _code=code, _http_status=response.status)
        detail = []
        if code is not None:
            detail.append('code %s (%s)' % (code, CODE_MEANINGS.get(code, 'undocumented code')))
        elif response.status in STATUS_MEANINGS:
            detail.append(STATUS_MEANINGS[response.status])
        if isinstance(answer, dict):
            reason = answer.get('reason') or answer.get('message')
            if reason:
                detail.append(str(reason))
        elif text:
            detail.append('body: %s%s' % (text[:300], self.html_hint(response, text)))
        raise AnyRTCError(self.redact('anyRTC %s failed with HTTP %s: %s' % (what, response.status, '; '.join(detail))),
                          code, response.status, call=what)

    def acquire(self, cname, uid, client_request):
        return self.call('acquire', 'POST', ['acquire'], dict(cname=cname, uid=uid, clientRequest=client_request))

    def start(self, resource_id, mode, cname, uid, client_request, accept=()):
        return self.call('start', 'POST', ['resourceid', resource_id, 'mode', mode, 'start'],
                         dict(cname=cname, uid=uid, clientRequest=client_request), accept=accept)

    def update(self, resource_id, sid, mode, cname, uid, stream_subscribe):
        return self.call('update', 'POST', ['resourceid', resource_id, 'sid', sid, 'mode', mode, 'update'],
                         dict(cname=cname, uid=uid, clientRequest={'streamSubscribe': stream_subscribe}))

    def update_layout(self, resource_id, sid, mode, cname, uid, client_request):
        return self.call('updateLayout', 'POST', ['resourceid', resource_id, 'sid', sid, 'mode', mode, 'updateLayout'],
                         dict(cname=cname, uid=uid, clientRequest=client_request))

    def query(self, resource_id, sid, mode, accept=(), accept_status=()):
        return self.call('query', 'GET', ['resourceid', resource_id, 'sid', sid, 'mode', mode, 'query'], accept=accept,
                         accept_status=accept_status)

    def stop(self, resource_id, sid, mode, cname, uid, accept=()):
        return self.call('stop', 'POST', ['resourceid', resource_id, 'sid', sid, 'mode', mode, 'stop'],
                         dict(cname=cname, uid=uid, clientRequest={}), accept=accept)
