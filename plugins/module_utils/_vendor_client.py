# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the clients of the smaller vendor APIs (Topvdn, Netless, Wilddog, anyRTC) share. Private to this collection.

One HTTP session per module run, the client's secrets kept out of every message, transport failures turned into
the vendor's own error, and retries of what is safe to send again.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ansible_collections.rtcops.conference.plugins.module_utils._download import DownloadError, FileAbsent, Remote, StoreError
from ansible_collections.rtcops.conference.plugins.module_utils._http import (
    Deadline, HttpSession, RetryPolicy, TransportError, html_answer_hint, retry_after,
)
from ansible_collections.rtcops.conference.plugins.module_utils._secrets import redact

# What a gateway or an overloaded server answers for a request it did not handle; 501 and 505 are verdicts on the
# request itself and would only come again.
RETRY_STATUSES = frozenset((500, 502, 503, 504))

# No retry starts later than 30 s after the call began. AVD allows 60 s because its writes may need a read-back
# and a token renewal between attempts; the calls here are single requests that playbooks run in loops over
# devices and rooms, so a server that stays down should fail each item within about a minute (these 30 s plus at
# most one ``timeout``, 30 s by default), while 30 s still outlasts a gateway restart or a short overload.
RETRY_DEADLINE = 30.0


class VendorError(Exception):
    """A failed call; the text names the vendor and the call and never holds a secret."""

    def __init__(self, message, call=None, code=None, status=None):
        super().__init__(message)
        self.call = call
        self.code = code
        self.status = status


class VendorClient:
    """Base of a vendor's client; a subclass names its ``vendor`` for messages and its ``error_class``."""

    vendor = 'vendor'
    error_class = VendorError
    # Statuses saying the request was not handled at all (a rate limit; 408, the server gave up waiting for the whole
    # request), so that it can be sent again whatever it was, after the pause a Retry-After header asks for when that
    # fits in the retry deadline.
    unhandled_statuses = frozenset((408, 429))
    # The path every call of the vendor's API starts with, which api_url must not hold (check_connection refuses it).
    api_prefix = None

    def __init__(self, secrets, validate_certs=True, ca_path=None, timeout=30, retry=None, task_timeout=None,
                 client_cert=None, client_key=None):
        self.secrets = [secret for secret in secrets if secret]
        self.retry = retry or RetryPolicy(deadline=RETRY_DEADLINE)
        self.deadline = Deadline(task_timeout)
        self.http = HttpSession(validate_certs=validate_certs, ca_path=ca_path, timeout=timeout, deadline=self.deadline,
                                client_cert=client_cert, client_key=client_key)
        # Set by download_file when the file was absent and the answer was an HTML page; see there.
        self.absent_hint = ''

    def limit_task(self, seconds, option='task_timeout'):
        """Bound everything this client does from now on (calls, retries, the module's waits) by ``seconds``."""
        self.deadline = Deadline(seconds, option, self.retry.clock)
        self.http.deadline = self.deadline

    def redact(self, text):
        return redact(text, self.secrets)

    def html_hint(self, response, text):
        """The hint at api_url for a call answered with an HTML page instead of the vendor's JSON, or ''."""
        return html_answer_hint(response.headers.get('Content-Type'), text, 'api_url', self.api_prefix or 'the API path')

    def transport_error(self, call, url, exc, attempts=1, why=None):
        """The vendor's error for a request that got no usable answer."""
        text = '%s call %s to %s: %s' % (self.vendor, call, _without_query(url), exc)
        if attempts > 1:
            text += ' (gave up after %d attempts%s)' % (attempts, ': %s' % why if why else '')
        elif why:
            text += ' (not sent again: %s)' % why
        return self.error_class(self.redact(text), call=call)

    def request(self, call, method, url, body=None, headers=None, replayable=True, before_attempt=None):
        """Send one request and return its Response once the headers have arrived.

        A request that never reached the server is sent again until the retry deadline. One whose answer was lost,
        and one answered with HTTP 500, 502, 503 or 504, is sent again only when ``replayable``: a second copy
        does no harm and ``body`` can be sent twice. When the deadline ends the retries of such an HTTP status, the
        response is returned for the caller to explain like any other. ``before_attempt`` runs before each attempt
        (a client-side rate limit waits there).
        """
        backoff = self.retry.backoff(deadline=self.deadline)
        attempts = 0
        while True:
            attempts += 1
            if before_attempt is not None:
                before_attempt()
            try:
                response = self.http.request(method, url, body=body, headers=headers)
            except TransportError as exc:
                # Not repeated: what would fail the same way (a name that does not exist, a certificate refused, an
                # unusable URL, an answer too slow or too large) and what may have been applied.
                if not exc.transient:
                    raise self.transport_error(call, url, exc, attempts)
                if exc.sent and not replayable:
                    raise self.transport_error(call, url, exc, attempts, why='it may have been applied')
                delay = backoff.next()
                if delay is None:
                    raise self.transport_error(call, url, exc, attempts, why=backoff.why_not())
            else:
                if response.status not in self.unhandled_statuses and not (replayable and response.status in RETRY_STATUSES):
                    return response
                delay = backoff.next(retry_after(response.headers))
                if delay is None:
                    return response
                response.close()
            self.retry.sleep(delay)

    def read(self, call, response):
        """The whole body of ``response``; a lost answer becomes the vendor's error."""
        try:
            return response.read()
        except TransportError as exc:
            raise self.transport_error(call, response.url, exc)

    def download_file(self, call, url, downloads, name, absent=(404,), allow_http=False, listed_by_api=True,
                      status_meanings=None, headers=None, url_in_result=True, explain=None, **extra):
        """Bring the file at ``url`` into ``downloads`` (a Downloads) as ``name``, verified; returns its entry, or None
        when the server answers one of the ``absent`` statuses (the file does not exist, or not yet).

        Requests are retried like any replayable call; a body that breaks off is resumed or started over within the
        retry deadline. ``listed_by_api``: the URL came from the vendor's API, so a plain http URL is refused while the
        API is reached over https, unless ``allow_http``. ``url_in_result``: false for a URL that carries a secret.
        Every failure is the vendor's error, naming the file.
        """
        remote = Remote(url, lambda target, more: self.request(call, 'GET', target, headers=dict(headers or {}, **more)),
                        self.retry, allow_http=allow_http, api_url=getattr(self, 'api_url', None) if listed_by_api else None,
                        absent=absent, status_meanings=status_meanings, explain=explain, deadline=self.deadline)
        self.absent_hint = ''
        try:
            entry = downloads.fetch(remote, name, url=url if url_in_result else None, **extra)
        except FileAbsent as exc:
            # Taken as "no such file" all the same (the vendors document no body for it), but a web server's error
            # page is worth a word: the file may be absent only because the base URL points elsewhere.
            self.absent_hint = html_answer_hint(exc.content_type, '', 'api_url', self.api_prefix or 'the API path')
            return None
        except StoreError as exc:
            raise self.error_class(self.redact(str(exc)), call=call)
        except DownloadError as exc:
            raise self.error_class(self.redact('%s call %s: %s' % (self.vendor, call, exc)), call=call, status=exc.status)
        return entry

    def stream(self, call, response, chunk_size=1024 * 1024):
        """Yield the body of ``response`` chunk by chunk; a broken download becomes the vendor's error."""
        try:
            yield from response.chunks(chunk_size)
        except TransportError as exc:
            raise self.transport_error(call, response.url, exc)


def _without_query(url):
    """``url`` as messages show it: query strings carry tokens and storage signatures, and say little."""
    if not url:
        return 'the server'
    parts = urlsplit(url)
    return '%s://%s%s' % (parts.scheme, parts.netloc.rpartition('@')[2], parts.path)
