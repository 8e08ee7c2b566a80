# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""HTTP client for the AVD conference server API (``<server>/sdkapi/v2``).

Private to this collection: the interface may change without notice.
Shared by every AVD module, action plugin and lookup; it knows nothing about Ansible so that
each of them can use it.
"""

from __future__ import annotations

import json
import re
import threading
from urllib.parse import quote, quote_plus

# RetryPolicy and MultipartFile live in _http (other vendors' clients use them too); AvdClient's callers and tests
# still reach them through this module.
from ansible_collections.rtcops.conference.plugins.module_utils._http import (
    Deadline, HttpSession, MultipartFile, RetryPolicy, TransportError, html_answer_hint, retry_after, shown_url, url_secrets,
)
from ansible_collections.rtcops.conference.plugins.module_utils._download import DownloadError, Remote, StoreError
from ansible_collections.rtcops.conference.plugins.module_utils._secrets import redact

API_PREFIX = '/sdkapi/v2'

AUTH_FAILED_CODES = frozenset((401, 40001))  # Q-AVD-43: the example says 401, the table 40001
TOKEN_INVALID_CODE = 40003
TOO_MANY_REQUESTS = 429
# The server (or nginx in front of it) gave up waiting for the whole request: it was not handled, so it may be resent.
REQUEST_TIMEOUT = 408
# What an HTTP error status says, for the messages; nginx in front of the server answers 413 beyond its
# client_max_body_size, and 404 for a path it does not serve (a server_url that is not the AVD server).
STATUS_MEANINGS = {
    404: 'not found',
    413: 'request too large',
}
# Codes the documents describe as infrastructure trouble (redis, mysql, request timeout) rather than
# as an answer about the request itself.
TRANSIENT_CODES = frozenset((41001, 41002, 41003))

# Q-AVD-01: /room/get_statistic answers with its counters and no status key at all.
NO_ENVELOPE_PATHS = frozenset(('/room/get_statistic',))

# Meanings from the error-code appendix, added to error messages; the vendor's own msg is always kept
# too because several codes are used with other meanings (Q-AVD-42, Q-AVD-44).
CODE_MEANINGS = {
    401: 'authentication failed (access_key or secret_key wrong)',
    40001: 'authentication failed (access_key or secret_key wrong)',
    40002: 'parameter missing or invalid',
    40003: 'access token expired or invalid',
    40004: 'no such room',
    40005: 'room id already exists',
    40008: 'user not in room',
    40009: 'room does not exist or no meeting is in progress',
    40019: 'SIP gateway url already exists',
    40020: 'no such SIP gateway',
    40021: 'SIP account number already exists',
    40022: 'no such SIP account',
    40031: 'already in the room',
    40032: 'invalid address',
    40033: 'not invited (no such call in the room)',
    40034: 'invitation failed',
    40035: 'the call service refused or is not reachable',
    40036: 'type not supported',
    40037: 'no such call record',
    40038: 'video resolution or video rate not supported',
    40039: 'frame rate not supported',
    40040: 'the room already has a mixed recording, mixed live stream or desktop recording',
    40041: 'the room has no mixed recording, mixed live stream or desktop recording',
    40042: 'recording service not reachable',
    40043: 'recording service internal error',
    40050: 'the room is already in composition mode',
    40051: 'the room is not in composition mode',
    40052: 'composition service internal error (room not found)',
    40053: 'the site has forced composition off',
    40054: "the site's meeting-control parameters are not set",
    40055: 'the site has forced composition on',
    40060: 'the room is already streaming live',
    40061: 'the room has not started a live stream',
    40063: 'live service internal error',
    40064: 'live service not reachable',
    40065: "the room's live stream has already stopped",
    40070: 'no company info on this site',
    40071: 'no site licence set',
    40072: 'no licence info',
    40073: 'service not available',
    40080: 'the media player already exists',
    40081: 'the room has no such media player',
    40082: 'media service internal error',
    40083: 'media service not reachable',
    40084: 'no media information',
    40090: 'no such recording',
    40101: 'no such push information',
    40102: 'no such pushing stream',
    40104: 'push service not reachable',
    41001: 'server redis error',
    41002: 'server mysql error',
    41003: 'server request timeout',
    41005: 'server internal error',
    10910: 'upload request malformed',
    10911: 'upload file not readable or type not supported',
    10912: 'upload could not be stored',
    10913: 'upload could not be read',
}


class AvdError(Exception):
    """Base error; its text never holds a secret."""

    def __init__(self, message, call=None):
        super().__init__(message)
        self.call = call


class AvdApiError(AvdError):
    """The server answered with a non-success status."""

    def __init__(self, call, code, vendor_msg, http_status=None):
        meaning = CODE_MEANINGS.get(code)
        text = 'AVD call %s failed with code %s' % (call, code)
        if meaning:
            text += ' (%s)' % meaning
        if vendor_msg:
            text += ': %s' % vendor_msg
        super().__init__(text, call)
        self.code = code
        self.vendor_msg = vendor_msg
        self.http_status = http_status


class AvdTransportError(AvdError):
    """No usable answer: connection, TLS, timeout, HTTP error status or a body that is not JSON."""


class AvdOutcomeUnknown(AvdError):
    """A write was sent but its answer was lost, and reading back could not settle what happened."""


class _Final(Exception):
    """Internal: an attempt that reached the server failed in a way a repeat would not heal (no complete answer in
    time, an answer too large): reported at once, saying when a write may have been applied."""

    def __init__(self, error, sent):
        super().__init__(str(error))
        self.error = error
        self.sent = sent


class _Retryable(Exception):
    """Internal: an attempt failed in a way that may succeed if repeated."""

    def __init__(self, error, sent, retry_after=None):
        super().__init__(str(error))
        self.error = error
        self.sent = sent  # False when the request provably never reached the server, or was not handled (429)
        self.retry_after = retry_after  # seconds the server asked to wait, if it did


def api_payload(body):
    """The interesting part of a reply: ``data`` when present, else the body without its status keys (Q-AVD-05)."""
    if isinstance(body, dict) and 'data' in body:
        return body['data']
    return dict((k, v) for k, v in body.items() if k not in ('ret', 'code', 'msg'))


def _as_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def classify(call, body, http_status=None):
    """Raise AvdApiError unless ``body`` is a success envelope (Q-AVD-01)."""
    if not isinstance(body, dict):
        raise AvdTransportError('AVD call %s returned JSON that is not an object' % call, call)
    if 'ret' in body:
        code = _as_int(body['ret'])
        ok = code == 0
    elif 'code' in body:
        code = _as_int(body['code'])
        ok = code in (0, 200)
    else:
        if call in NO_ENVELOPE_PATHS:
            return
        raise AvdTransportError('AVD call %s returned a reply without ret or code' % call, call)
    if not ok:
        raise AvdApiError(call, code, body.get('msg'), http_status)


def encode_value(value):
    """Render a parameter the way the documents show it: lower-case booleans, compact JSON documents."""
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, separators=(',', ':'))
    return str(value)


def encode_query(params):
    # Every value is percent-encoded: tokens are Base64 and may hold '+', which a server decodes as a space (Q-AVD-30).
    return '&'.join('%s=%s' % (quote_plus(k), quote_plus(encode_value(v))) for k, v in params.items() if v is not None)


class AvdClient:
    """Obtains and refreshes the token and retries what is safe to retry.

    Safe to share between threads: each thread talks through its own keep-alive session (a bulk module's
    workers each keep one connection), and the token is fetched and renewed once for all of them.
    """

    def __init__(self, server_url, access_key=None, secret_key=None, token=None, validate_certs=True, ca_path=None,
                 timeout=30, token_cache=None, retry=None, task_timeout=None, client_cert=None, client_key=None):
        self.server_url = server_url.rstrip('/')
        self.access_key = access_key
        self.secret_key = secret_key
        self.static_token = token
        self.timeout = timeout
        self.token_cache = token_cache
        self.retry = retry or RetryPolicy()
        # One bound for the whole task, shared by every thread's session, the retries and the module's waits.
        self.deadline = Deadline(task_timeout, 'task_timeout', self.retry.clock)
        self.token_calls = 0
        self.requests = 0  # HTTP requests sent, retries included: modules report it, benchmarks count by it
        self._token = token
        self._secrets = [s for s in (secret_key, token) if s] + url_secrets(server_url)
        self._session_options = dict(validate_certs=validate_certs, ca_path=ca_path, timeout=timeout, deadline=self.deadline,
                                     client_cert=client_cert, client_key=client_key)
        self._local = threading.local()
        self._token_lock = threading.RLock()

    @property
    def http(self):
        """This thread's keep-alive session."""
        session = getattr(self._local, 'session', None)
        if session is None:
            session = self._local.session = HttpSession(**self._session_options)
        return session

    @http.setter
    def http(self, session):
        self._local.session = session

    # -- secrets ---------------------------------------------------------------------------------

    def redact(self, text):
        return redact(text, self._secrets)

    def add_secret(self, value):
        """Register another value (a password sent to the server) that must never appear in messages."""
        if value:
            self._secrets.append(str(value))

    # -- token -----------------------------------------------------------------------------------

    def _cache_key(self):
        return (self.server_url, self.access_key, self.secret_key)

    def token(self):
        token = self._token
        if token:
            return token
        with self._token_lock:
            if self._token:  # another thread fetched it while this one waited
                return self._token
            if not (self.access_key and self.secret_key):
                raise AvdError('either token or both access_key and secret_key are needed')
            if self.token_cache is None:
                token = self._fetch_token()
            else:
                token = self.token_cache.get_or_create(self._cache_key(), self._fetch_token)
            self._secrets.append(token)
            self._token = token
        return token

    def _fetch_token(self):
        self.token_calls += 1
        body = self._request('/app/get_token', {'access_key': self.access_key, 'secret_key': self.secret_key},
                             write=False, verify=None, idempotent=True, with_token=False)
        token = body.get('token')
        if not token:
            raise AvdTransportError('AVD call /app/get_token returned no token', '/app/get_token')
        self._secrets.append(token)
        return token

    def _renew_token(self, rejected):
        """Called once after a 40003; returns False when renewal is impossible (a fixed token was given)."""
        if self.static_token or not (self.access_key and self.secret_key):
            return False
        with self._token_lock:
            # Threads that were refused the same token renew it once; a newer token is kept.
            if self._token in (None, rejected):
                self._token = None
                if self.token_cache is not None:
                    self.token_cache.discard(self._cache_key(), rejected)
            self.token()
        return True

    # -- calls -----------------------------------------------------------------------------------

    def call(self, path, params=None, write=False, verify=None, idempotent=None):
        """Call ``<server>/sdkapi/v2<path>`` and return the decoded success body.

        ``write`` sends a POST; a write whose answer is lost is replayed only when ``idempotent`` is true
        or after ``verify()`` (a read-back) returned None; ``verify()`` returning a body ends the call with it.
        """
        if idempotent is None:
            idempotent = not write
        try:
            return self._request(path, params or {}, write, verify, idempotent, with_token=True)
        except AvdApiError as exc:
            if exc.code != TOKEN_INVALID_CODE or not self._renew_token(getattr(self._local, 'sent_token', None)):
                raise
        return self._request(path, params or {}, write, verify, idempotent, with_token=True)

    def _request(self, path, params, write, verify, idempotent, with_token):
        url = self.server_url + API_PREFIX + path

        def attempt():
            query = dict(params)
            if with_token:
                query['token'] = self._local.sent_token = self.token()
            return self._attempt(path, 'POST' if write else 'GET', url + '?' + encode_query(query))

        return self._with_retries(path, attempt, write, idempotent, verify)

    def _with_retries(self, call, attempt, write, idempotent, verify):
        """Run ``attempt()`` until it succeeds, fails for good, or the retry deadline (or the task's) passes."""
        backoff = None
        attempts = 0
        while True:
            attempts += 1
            try:
                return attempt()
            except _Final as failure:
                if failure.sent and write:
                    raise AvdTransportError('%s; the server may or may not have applied AVD call %s, and it was not '
                                            'repeated' % (failure.error, call), call)
                raise failure.error
            except _Retryable as failure:
                if failure.sent and write:
                    # The write may have been applied: a read-back settles it before anything is repeated.
                    if verify is not None:
                        found = verify()
                        if found is not None:
                            return found
                    elif not idempotent:
                        raise AvdOutcomeUnknown(
                            '%s; the server may or may not have applied AVD call %s, and it was not repeated '
                            'because repeating it could create a duplicate' % (failure.error, call), call)
                if backoff is None:  # the retry deadline counts from the first failure
                    backoff = self.retry.backoff(deadline=self.deadline)
                delay = backoff.next(failure.retry_after)
                if delay is None:
                    raise self._gave_up(failure.error, attempts, backoff)
                self.retry.sleep(delay)

    def _gave_up(self, error, attempts, backoff):
        """``error`` saying how many attempts were made, and why there was no other one."""
        if isinstance(error, AvdTransportError) and (attempts > 1 or backoff.stopped_by_task):
            plural = 's' if attempts > 1 else ''
            error.args = ('%s (gave up after %d attempt%s: %s)' % (error.args[0], attempts, plural, backoff.why_not()),)
        return error

    def _attempt(self, call, method, url, **kwargs):
        response = self._send(call, method, url, **kwargs)
        try:
            data = response.read()
        except TransportError as exc:
            raise self._transport_failure(call, exc)
        return self._decode(call, response.status, data, response.headers)

    def _send(self, call, method, url, body=None, headers=None):
        """One HTTP request; failures become AvdTransportError, those worth repeating wrapped in _Retryable."""
        with self._token_lock:
            self.requests += 1
        try:
            return self.http.request(method, url, body=body, headers=headers)
        except TransportError as exc:
            raise self._transport_failure(call, exc)

    def _transport_failure(self, call, exc):
        """What to raise for a request that got no usable answer: the error itself when the request was not sent
        and would fail the same way again, wrapped to be retried or reported as final otherwise."""
        error = AvdTransportError(self._describe(call, exc), call)
        if exc.transient:
            return _Retryable(error, sent=exc.sent)
        return _Final(error, sent=exc.sent) if exc.sent else error

    def _decode(self, call, status, data, headers=None):
        text = data.decode('utf-8', 'replace')
        if status == TOO_MANY_REQUESTS:
            raise self._rate_limited(call, headers)
        if status == REQUEST_TIMEOUT:
            raise _Retryable(AvdTransportError('AVD call %s was not received in time by the server (HTTP 408)' % call, call),
                             sent=False)
        if status >= 500:
            raise _Retryable(AvdTransportError('AVD call %s failed with HTTP status %s' % (call, status), call), sent=True)
        hint = html_answer_hint(headers.get('Content-Type') if headers is not None else None, text, 'server_url', API_PREFIX)
        if status >= 400:
            meaning = STATUS_MEANINGS.get(status)
            raise AvdTransportError('AVD call %s failed: %s (HTTP %s): %s%s'
                                    % (call, meaning, status, self._excerpt(text), hint) if meaning else
                                    'AVD call %s failed with HTTP status %s: %s%s' % (call, status, self._excerpt(text), hint), call)
        if 300 <= status < 400:
            location = headers.get('Location') if headers is not None else None
            target = ' to %s' % self.redact(shown_url(location)) if location else ''
            raise AvdTransportError('AVD call %s was redirected (HTTP %s%s); API calls are not followed to another '
                                    'address: check server_url' % (call, status, target), call)
        try:
            body = json.loads(text)
        except ValueError:
            raise AvdTransportError('AVD call %s returned a body that is not JSON: %s%s' % (call, self._excerpt(text), hint), call)
        try:
            classify(call, body, status)
        except AvdApiError as exc:
            exc.args = (self.redact(exc.args[0]),)
            exc.vendor_msg = self.redact(exc.vendor_msg) if exc.vendor_msg else exc.vendor_msg
            if exc.code in TRANSIENT_CODES:
                raise _Retryable(exc, sent=True)
            raise
        return body

    def _rate_limited(self, call, headers):
        """A 429: the server (or a rate limiter in front of it) did not handle the request, so any call may be sent
        again, after the pause its ``Retry-After`` asks for when that fits in the retry deadline."""
        wait = retry_after(headers)
        error = AvdTransportError('AVD call %s was refused with HTTP status 429 (too many requests)%s; it was not '
                                  'handled, and repeating it did not get through before the retry deadline'
                                  % (call, '; the server asked to wait %d s' % wait if wait else ''), call)
        return _Retryable(error, sent=False, retry_after=wait)

    def _describe(self, call, error):
        return self.redact('AVD call %s to %s: %s' % (call, self.server_url, error))

    def _excerpt(self, text, limit=300):
        text = text or ''
        if text.lstrip()[:1] == '<':  # an error page of a proxy: its words, not its markup
            text = re.sub(r'<[^>]*>', ' ', text)
        text = ' '.join(text.split())
        return self.redact(text[:limit] + ('...' if len(text) > limit else ''))

    # -- files -----------------------------------------------------------------------------------

    def upload(self, local_path, server_dir, filename, storage_only_cluster=False, verify=None):
        """POST a local file to ``<server>/uploadfile`` (Q-AVD-14), streamed from disk.

        Uploading the same name again replaces the file, so a lost answer may be followed by a replay.
        """
        call = '/uploadfile'
        query = {'path': server_dir}
        if storage_only_cluster:
            query['storage_only_cluster'] = True
        url = self.server_url + call + '?' + encode_query(query)

        def attempt():
            body = MultipartFile(local_path, 'file', filename)
            try:
                return self._attempt(call, 'POST', url, body=body,
                                     headers={'Content-Type': body.content_type, 'Content-Length': str(len(body))})
            finally:
                body.close()

        return self._with_retries(call, attempt, True, True, verify)

    def download_file(self, url, downloads, name, listed_size=None, allow_http=False):
        """Bring a recording file the server listed at ``url`` into ``downloads`` (a Downloads) as ``name``, checked
        against the size the server lists for it (``file_size``, Q-AVD-11: may be empty); returns its entry.

        The URL is kept as given (Q-AVD-12); a plain http URL is refused while ``server_url`` is https, unless
        ``allow_http``. Requests are retried like reads; a body that breaks off is resumed or started over within
        the retry deadline. Every failure is an AvdError naming the file.
        """
        call = '/attachment'

        def request(target, headers):
            def attempt():
                response = self._send(call, 'GET', target, headers=headers)
                if response.status == TOO_MANY_REQUESTS:
                    response.close()
                    raise self._rate_limited(call, response.headers)
                if response.status >= 500:
                    response.close()
                    raise _Retryable(AvdTransportError('AVD call %s failed with HTTP status %s' % (call, response.status),
                                                       call), sent=True)
                return response

            return self._with_retries(call, attempt, False, True, None)

        remote = Remote(url, request, self.retry, allow_http=allow_http, api_url=self.server_url, absent=(),
                        status_meanings={404: 'the server does not have the file any more'}, deadline=self.deadline)
        try:
            return downloads.fetch(remote, name, url=url, listed_size=listed_size)
        except StoreError as exc:
            raise AvdError(str(exc), call)
        except DownloadError as exc:
            raise AvdTransportError(self.redact('AVD call %s: %s' % (call, exc)), call)
        except AvdError as exc:
            raise AvdTransportError(self.redact('%s: %s' % (name, exc)), call)

    def attachment_url(self, server_file):
        return '%s/attachment?file=%s' % (self.server_url, quote(server_file, safe='/'))

    def attachment_size(self, server_file):
        """The size of a server file as a HEAD request on its ``/attachment`` URL tells it, or None when it does not.

        Only a 200 answer with a Content-Length counts. The documents do not mention HEAD, so anything else (a server
        without HEAD, an error page, a redirect, a failed connection) says nothing, and leaves the comparison to the
        download, which reports real errors itself.
        """
        try:
            response = self._send('/attachment', 'HEAD', self.attachment_url(server_file))
            # A HEAD answer has no body whatever its Content-Length says: draining it (nothing) keeps the connection
            # for the download, where read() would take the Content-Length for the size of a body.
            for dummy in response.chunks(1024):
                pass
        except (AvdError, _Final, _Retryable, TransportError):
            return None
        length = response.headers.get('Content-Length') if response.status == 200 else None
        return int(length) if length is not None and length.strip().isdigit() else None

    def attachment_chunks(self, server_file, chunk_size=1024 * 1024):
        """Yield the bytes of a server file, or return None when it does not exist."""
        return self.download_chunks(self.attachment_url(server_file), chunk_size)

    def download_chunks(self, url, chunk_size=1024 * 1024):
        """Yield the bytes behind a download URL the server gave (kept as given, Q-AVD-12), or None on 404."""
        call = '/attachment'

        def attempt():
            response = self._send(call, 'GET', url)
            status = response.status
            if status < 400:
                return response
            response.close()
            if status == 404:
                return None
            if status == TOO_MANY_REQUESTS:
                raise self._rate_limited(call, response.headers)
            error = AvdTransportError('AVD call %s failed with HTTP status %s' % (call, status), call)
            if status >= 500:
                raise _Retryable(error, sent=True)
            raise error

        response = self._with_retries(call, attempt, False, True, None)
        return None if response is None else self._chunks(call, response, chunk_size)

    def _chunks(self, call, response, chunk_size):
        try:
            yield from response.chunks(chunk_size)
        except TransportError as exc:
            raise AvdTransportError(self._describe(call, exc), call)
