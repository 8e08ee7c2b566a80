# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A small keep-alive HTTP session on the standard library's http.client. Private to this collection.

Why not requests: every task is a new Python process, and importing requests costs about 70 ms per task
(measured in 50-task plays: a no-op module took 19.6 s, the same module importing requests 23.0 s), which
alone breaks the collection's budget of 1.25 times the cost of an ``ansible.builtin.ping`` task. http.client
costs about 12 ms and keeps connections alive just as well for the few origins a module talks to.
"""

from __future__ import annotations

import datetime
import email.utils
import http.client
import os
import random
import socket
import ssl
import time
from urllib.parse import unquote, urlsplit

from ansible_collections.rtcops.conference.plugins.module_utils._secrets import tidy_credentials


# One read of an answer may wait this long at most: beyond it a socket timeout is not a bound anyone wants (and far
# beyond it the operating system refuses the value).
MAX_TIMEOUT = 3600


def _parts(value):
    """``(scheme, userinfo, rest)`` of a URL. The user information ends at the last ``@`` before the query, even where
    an unencoded ``/`` in a password would make a URL parser take the password for the host."""
    text = str(value)
    scheme, sep, rest = text.partition('://')
    if not sep:
        return None, '', text
    head = rest.split('?', 1)[0].split('#', 1)[0]
    at = head.rfind('@')
    return scheme, (rest[:at] if at >= 0 else ''), rest[at + 1:]


def shown_url(value):
    """``value`` as a message may show it: without a ``user:password@`` and without the query string."""
    scheme, dummy, rest = _parts(value)
    rest = rest.split('?', 1)[0]
    return '%s://%s' % (scheme, rest) if scheme else rest


def url_problem(option, value):
    """The message for an option that is not an http(s) base URL, or None when it is one."""
    text = str(value)
    if not text.startswith(('http://', 'https://')):
        return '%s must start with http:// or https://, got %s' % (option, shown_url(text))
    if any(character.isspace() for character in text):
        return '%s must not contain spaces, got %s' % (option, shown_url(text))
    scheme, userinfo, rest = _parts(text)
    try:
        parts = urlsplit('%s://%s' % (scheme, rest))
        parts.port  # pylint: disable=pointless-statement  # raises ValueError when out of range or not a number
    except ValueError as exc:
        return '%s has an invalid port (%s): %s' % (option, exc, shown_url(text))
    if not parts.hostname:
        return '%s has no host name: %s' % (option, shown_url(text))
    if userinfo and urlsplit(text).hostname != parts.hostname:
        return '%s: the user and password before @ must be percent-encoded (they hold / ? or #): %s' % (option, shown_url(text))
    return None


def url_secrets(value):
    """The password in a URL's ``user:password@`` (as written and decoded), which messages and results must not show."""
    password = _parts(value)[1].partition(':')[2]
    return sorted(secret for secret in set((password, unquote(password))) if secret)


def check_connection(module, url_option):
    """Fail ``module`` naming the first connection option that cannot work, before any request; whatever happens, a
    password in the URL is masked in the module's results like any ``no_log`` value. Credentials lose their
    surrounding whitespace (see ``tidy_credentials``)."""
    module.no_log_values.update(url_secrets(module.params[url_option]))
    tidy_credentials(module)
    problem = connection_problem(module.params, url_option)
    if problem:
        module.fail_json(msg=problem)


def connection_problem(params, url_option):
    """The message for the first connection option that cannot work (URL, timeout, ca_path), or None."""
    problem = url_problem(url_option, params[url_option])
    if problem:
        return problem
    timeout = params.get('timeout')
    if timeout is not None and not 0 < timeout <= MAX_TIMEOUT:
        return 'timeout must be between 1 and %d seconds, got %s' % (MAX_TIMEOUT, timeout)
    ca_path = params.get('ca_path')
    if ca_path:
        if not os.path.isfile(ca_path):
            return 'ca_path %s is not a file' % ca_path
        try:
            ssl.create_default_context(cafile=ca_path)
        except (ssl.SSLError, OSError, ValueError) as exc:
            return 'ca_path %s holds no usable PEM certificate: %s' % (ca_path, exc)
    return None


class TransportError(Exception):
    """No usable answer. ``sent`` is False only when the request provably never reached the server."""

    def __init__(self, message, sent):
        super().__init__(message)
        self.sent = sent


class TlsError(TransportError):
    """The server's certificate could not be verified, or the TLS handshake failed."""


class HttpSession:
    """One connection per origin, reused for every request of a module run."""

    def __init__(self, validate_certs=True, ca_path=None, timeout=30):
        self.validate_certs = validate_certs
        self.ca_path = ca_path
        self.timeout = timeout
        self._tls_context = None
        self._connections = {}

    def _context(self):
        if self._tls_context is None:
            if self.validate_certs:
                self._tls_context = ssl.create_default_context(cafile=self.ca_path)
            else:
                context = ssl.create_default_context()
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
                self._tls_context = context
        return self._tls_context

    def _connection(self, origin):
        """The connection for ``origin`` and whether requests through it must name the absolute URL."""
        if origin not in self._connections:
            scheme, host, port = origin
            proxy = _proxy_for(scheme, host)
            target_host, target_port = (proxy.hostname, proxy.port or 80) if proxy else (host, port)
            if scheme == 'https':
                connection = http.client.HTTPSConnection(target_host, target_port, timeout=self.timeout, context=self._context())
                if proxy:
                    connection.set_tunnel(host, port)
            else:
                connection = http.client.HTTPConnection(target_host, target_port, timeout=self.timeout)
            self._connections[origin] = (connection, bool(proxy) and scheme == 'http')
        return self._connections[origin]

    def _drop(self, origin):
        connection = self._connections.pop(origin, (None, False))[0]
        if connection is not None:
            connection.close()

    def request(self, method, url, body=None, headers=None):
        """Send one request and return its Response once the status line and headers have arrived."""
        parts = urlsplit(url)
        if parts.scheme not in ('http', 'https') or not parts.hostname:
            raise TransportError('not an http(s) URL', sent=False)
        origin = (parts.scheme, parts.hostname, parts.port or (443 if parts.scheme == 'https' else 80))
        connection, absolute = self._connection(origin)
        target = url if absolute else (parts.path or '/') + ('?' + parts.query if parts.query else '')
        if connection.sock is None:
            try:
                connection.connect()
            except ssl.SSLError as exc:
                self._drop(origin)
                raise TlsError('TLS verification failed: %s' % exc, sent=False)
            except OSError as exc:
                self._drop(origin)
                raise TransportError(_describe(exc, self.timeout, 'connection failed'), sent=False)
        try:
            connection.request(method, target, body=body, headers=headers or {})
            response = connection.getresponse()
        except (OSError, http.client.HTTPException) as exc:
            self._drop(origin)
            raise TransportError(_describe(exc, self.timeout, 'request failed'), sent=True)
        return Response(self, origin, response, url)

    def close(self):
        for origin in list(self._connections):
            self._drop(origin)


class Response:
    """An answer whose body is read once, in full or in chunks; an unfinished body closes the connection."""

    def __init__(self, session, origin, raw, url=None):
        self.status = raw.status
        self.headers = raw.headers
        self.url = url
        self._session = session
        self._origin = origin
        self._raw = raw

    def read(self):
        try:
            return self._raw.read()
        except (OSError, http.client.HTTPException) as exc:
            self._session._drop(self._origin)
            raise TransportError(_describe(exc, self._session.timeout, 'reading the answer failed'), sent=True)

    def chunks(self, size):
        try:
            while True:
                try:
                    chunk = self._raw.read(size)
                except (OSError, http.client.HTTPException) as exc:
                    raise TransportError(_describe(exc, self._session.timeout, 'reading the answer failed'), sent=True)
                if not chunk:
                    return
                yield chunk
        finally:
            self.close()

    def close(self):
        if not self._raw.isclosed():
            # Unread bytes would be taken for the next answer on this connection.
            self._session._drop(self._origin)


def retry_after(headers, now=None):
    """The seconds an answer asks the client to wait before trying again (``Retry-After``), or None.

    The header holds a number of seconds or an HTTP date (RFC 9110, 10.2.3); anything else is ignored.
    """
    value = (headers.get('Retry-After') if headers is not None else None) or ''
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.timezone.utc)
    now = now if now is not None else datetime.datetime.now(datetime.timezone.utc)
    return max(0.0, (when - now).total_seconds())


class RetryPolicy:
    """Jittered exponential backoff bounded by a total deadline."""

    def __init__(self, deadline=60.0, base_delay=0.5, max_delay=8.0, sleep=time.sleep, clock=time.monotonic):
        self.deadline = deadline
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.sleep = sleep
        self.clock = clock

    def pause(self, delay, wanted, started):
        """The pause before the next attempt: ``delay``, or longer when the server asked for ``wanted`` seconds;
        None when that pause would end after the deadline counted from ``started``."""
        pause = max(delay, wanted or 0)
        if self.clock() + pause - started > self.deadline:
            return None
        return pause

    def delays(self, started=None):
        """Yield the pause before each retry until the deadline would be passed.

        The deadline counts from ``started`` (a reading of ``clock``), by default from the first failure.
        """
        if started is None:
            started = self.clock()
        attempt = 0
        while True:
            ceiling = min(self.max_delay, self.base_delay * (2 ** attempt))
            delay = random.uniform(ceiling / 2, ceiling)
            if self.clock() + delay - started > self.deadline:
                return
            attempt += 1
            yield delay


class MultipartFile:
    """A multipart/form-data body with one file part, read from disk chunk by chunk.

    http.client sends an object with ``read`` block by block, so memory use does not grow with the file.
    """

    def __init__(self, path, field, filename, file_type='application/octet-stream'):
        boundary = '----rtcops%016x' % random.getrandbits(64)
        self.content_type = 'multipart/form-data; boundary=%s' % boundary
        safe_name = filename.replace('"', '%22').replace('\r', '').replace('\n', '')
        head = ('--%s\r\nContent-Disposition: form-data; name="%s"; filename="%s"\r\n'
                'Content-Type: %s\r\n\r\n' % (boundary, field, safe_name, file_type)).encode('utf-8')
        tail = ('\r\n--%s--\r\n' % boundary).encode('ascii')
        self._parts = [head, None, tail]
        self._file = open(path, 'rb')
        self._length = len(head) + os.fstat(self._file.fileno()).st_size + len(tail)
        self._index = 0

    def __len__(self):
        return self._length

    def read(self, size=-1):
        if size is None or size < 0:
            size = 1024 * 1024
        while self._index < len(self._parts):
            part = self._parts[self._index]
            if part is None:
                data = self._file.read(size)
                if data:
                    return data
            elif part:
                data, self._parts[self._index] = part[:size], part[size:]
                return data
            self._index += 1
        return b''

    def close(self):
        self._file.close()


def _describe(exc, timeout, what):
    if isinstance(exc, (TimeoutError, socket.timeout)):  # distinct classes before Python 3.10
        return 'no answer within %ss' % timeout
    return '%s: %s' % (what, exc or type(exc).__name__)


def _proxy_for(scheme, host):
    """The proxy the environment sets for ``scheme`` and ``host`` (http_proxy, https_proxy, no_proxy), or None."""
    if not any(name.lower().endswith('_proxy') for name in os.environ):
        return None
    import urllib.request  # pylint: disable=import-outside-toplevel  # slow to import, needed only with a proxy
    if urllib.request.proxy_bypass(host):
        return None
    proxy = urllib.request.getproxies().get(scheme)
    return urlsplit(proxy if '://' in proxy else 'http://' + proxy) if proxy else None
