# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Client for the Topvdn (Lingyang cloud) device snapshot API. Private to this collection."""

from __future__ import annotations

import json
from urllib.parse import quote

from ansible_collections.rtcops.conference.plugins.module_utils._http import MultipartFile, TransportError
from ansible_collections.rtcops.conference.plugins.module_utils._vendor_client import VendorClient, VendorError

DEFAULT_API_URL = 'http://api.topvdn.com'  # Q-TV-05: every example uses plain http
COVER_CALL = 'GET /v2/snapshots/<client_id>/cover'
UPLOAD_CALL = 'POST /v2/devices/<client_id>/snapshots'

# The status codes the documents list for both calls.
STATUS_MEANINGS = {
    400: 'parameter missing or of the wrong type',
    401: 'client_token verification failed',
    403: 'no permission for this device',
    404: 'the device has no cover snapshot',
    500: 'internal error of the Topvdn server',
}


class TopvdnError(VendorError):
    """A failed call; the text names the call and never holds the token."""

    def __init__(self, message, call=None, status=None):
        super().__init__(message, call=call, status=status)


class TopvdnClient(VendorClient):

    vendor = 'Topvdn'
    error_class = TopvdnError
    api_prefix = '/v2'

    def __init__(self, client_token, api_url=DEFAULT_API_URL, validate_certs=True, ca_path=None, timeout=30, retry=None,
                 client_cert=None, client_key=None):
        client_token = client_token.strip()  # a trailing newline (a vault's block scalar) is never part of a token
        super().__init__([client_token], validate_certs, ca_path, timeout, retry, client_cert=client_cert, client_key=client_key)
        self.client_token = client_token
        self.api_url = api_url.rstrip('/')

    def _url(self, path):
        # Q-TV-02: the device's token travels as the client_token query parameter.
        return '%s%s?client_token=%s' % (self.api_url, path, quote(self.client_token, safe=''))

    def _excerpt(self, response):
        """The start of an error answer's body, where the server says what went wrong."""
        try:
            body = response.read().decode('utf-8', 'replace')
        except TransportError:
            body = ''
        return self.redact(' '.join(body.split())[:300])

    def _fail(self, call, response):
        status = response.status
        text = 'Topvdn call %s failed with HTTP status %s' % (call, status)
        if status in STATUS_MEANINGS:
            text += ' (%s)' % STATUS_MEANINGS[status]
        excerpt = self._excerpt(response)
        if excerpt:
            text += ': %s' % excerpt
        text += self.html_hint(response, '')
        return TopvdnError(self.redact(text), call, status)

    def cover_file(self, client_id, downloads, name, allow_http=False):
        """Bring the device's cover image into ``downloads`` (a Downloads) as ``name``, which may be a function of the
        content type the server announces; returns the file's entry, or None when the device has none (404, Q-TV-10).

        Q-TV-03: the server may send the request on ("jump") to the streaming service or to the region that holds the
        latest recording snapshot; redirects are followed (up to five, never from https to http unless ``allow_http``).
        """
        # The URL carries the device's token (Q-TV-02): it stays out of the result.
        return self.download_file(COVER_CALL, self._url('/v2/snapshots/%s/cover' % client_id), downloads, name,
                                  allow_http=allow_http, listed_by_api=False, status_meanings=STATUS_MEANINGS,
                                  headers={'Cache-Control': 'no-cache'}, url_in_result=False, explain=self._excerpt,
                                  label='the cover of device %s' % client_id)

    def upload_cover(self, client_id, path, filename, file_type='image/jpeg'):
        """POST an image (of MIME type ``file_type``) as the device's cover; returns the request_id of the answer."""
        call = UPLOAD_CALL
        # Q-TV-07: the documented example leaves the part's type empty; a real image type is what a server can check.
        body = MultipartFile(path, 'file', filename, file_type)
        try:
            # Sent again only when it never left: once http.client has read some of the file, the body cannot
            # start over.
            response = self.request(call, 'POST', self._url('/v2/devices/%s/snapshots' % client_id), body=body,
                                    headers={'Content-Type': body.content_type, 'Content-Length': str(len(body))},
                                    replayable=False)
        finally:
            body.close()
        if response.status != 200:
            raise self._fail(call, response)
        try:
            answer = json.loads(response.read().decode('utf-8'))
        except (TransportError, ValueError) as exc:
            raise TopvdnError(self.redact('Topvdn call %s returned an unreadable answer: %s' % (call, exc)), call)
        return answer.get('request_id') if isinstance(answer, dict) else None
