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
import io
import os
import random
import re
import socket
import ssl
import time
from urllib.parse import quote, unquote, urlsplit

from ansible_collections.rtcops.conference.plugins.module_utils._secrets import tidy_credentials


# One read of an answer may wait this long at most: beyond it a socket timeout is not a bound anyone wants (and far
# beyond it the operating system refuses the value).
MAX_TIMEOUT = 3600

# Answers parsed in memory (API replies, error pages) are read up to this size and refused beyond it: the largest
# documented reply (a list of rooms or gateways) is far below it, and a runaway reply must not take the host's memory.
MAX_REPLY_BYTES = 16 * 1024 * 1024
_READ_BLOCK = 64 * 1024

# getaddrinfo's verdicts that a name does not exist; EAI_AGAIN (no answer from the resolver yet) may heal.
_NAME_NOT_FOUND = frozenset(code for code in (getattr(socket, 'EAI_NONAME', None), getattr(socket, 'EAI_NODATA', None))
                            if code is not None)
# The alerts with which a server refuses a TLS client certificate, or the lack of one (TLS 1.3 says
# certificate required; TLS 1.2 servers send a handshake failure or a bad certificate).
_CLIENT_CERT_ALERTS = re.compile(r'CERTIFICATE_REQUIRED|ALERT_BAD_CERTIFICATE|ALERT_UNKNOWN_CA|ALERT_HANDSHAKE_FAILURE|'
                                 r'alert (?:certificate required|bad certificate|unknown ca|handshake failure)', re.IGNORECASE)
# What no request line may hold (http.client refuses it too, quoting the whole URL with its tokens).
_UNSENDABLE = re.compile('[\x00-\x20\x7f]')


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


def api_prefix_problem(option, value, api_prefixes):
    """The message for a base URL that already holds the vendor's API path (``/sdkapi/v2``), or None.

    Refused rather than cut off with a warning: the same value then works in every plugin and in a browser's address
    bar alike, and a URL pointing elsewhere on purpose (a proxy's sub-path ending the same way) is not silently changed.
    """
    path = urlsplit('%s://%s' % (_parts(value)[0], _parts(value)[2])).path.rstrip('/')
    for prefix in api_prefixes:
        for tail in _leading_parts(prefix):
            if path.lower().endswith(tail.lower()):
                base = shown_url(value).rstrip('/')
                return ('%s is the base URL of the server, without the API path %s (the plugins add it): use %s, not %s'
                        % (option, prefix, base[:len(base) - len(tail)], base))
    return None


def _leading_parts(prefix):
    """``/sdkapi/v2`` and ``/sdkapi``: a base URL ending in either holds (part of) the API path."""
    parts = [part for part in prefix.split('/') if part]
    return ['/' + '/'.join(parts[:count]) for count in range(len(parts), 0, -1)]


def html_answer_hint(content_type, text, option, api_prefix):
    """What to add to the message of an API call answered with an HTML page (a web server's 404, a portal, a login
    page) instead of the vendor's JSON: a hint at the base URL option. Empty for any other answer."""
    kind = (content_type or '').split(';')[0].strip().lower()
    if kind in ('text/html', 'application/xhtml+xml') or (text or '').lstrip()[:1] == '<':
        return ('; the server answered with an HTML page, not the API: check %s (the base URL of the server, without %s)'
                % (option, api_prefix))
    return ''


def check_connection(module, url_option, api_prefixes=()):
    """Fail ``module`` naming the first connection option that cannot work, before any request; whatever happens, a
    password in the URL is masked in the module's results like any ``no_log`` value. Credentials lose their
    surrounding whitespace (see ``tidy_credentials``)."""
    module.no_log_values.update(url_secrets(module.params[url_option]))
    tidy_credentials(module)
    problem = connection_problem(module.params, url_option, api_prefixes)
    if problem:
        module.fail_json(msg=problem)


def connection_problem(params, url_option, api_prefixes=()):
    """The message for the first connection option that cannot work (URL, timeout, ca_path, client_cert and
    client_key), or None."""
    problem = url_problem(url_option, params[url_option]) or api_prefix_problem(url_option, params[url_option], api_prefixes)
    if problem:
        return problem
    timeout = params.get('timeout')
    if timeout is not None and not 0 < timeout <= MAX_TIMEOUT:
        return 'timeout must be between 1 and %d seconds, got %s' % (MAX_TIMEOUT, timeout)
    task_timeout = params.get('task_timeout')
    if task_timeout is not None and task_timeout <= 0:
        return 'task_timeout must be a positive number of seconds (or left unset for no bound), got %s' % task_timeout
    ca_path = params.get('ca_path')
    if ca_path:
        if not os.path.isfile(ca_path):
            return 'ca_path %s is not a file' % ca_path
        try:
            ssl.create_default_context(cafile=ca_path)
        except (ssl.SSLError, OSError, ValueError) as exc:
            return 'ca_path %s holds no usable PEM certificate: %s' % (ca_path, exc)
    return client_identity_problem(params.get('client_cert'), params.get('client_key'))


def client_identity_problem(client_cert, client_key):
    """Why ``client_cert`` and ``client_key`` (a TLS client certificate for a server behind mutual TLS) cannot be
    used, or None; checked before any request so that the message names the option rather than a failed handshake."""
    if client_key and not client_cert:
        return 'client_key is set without client_cert: the key belongs to a client certificate, give both'
    if not client_cert:
        return None
    for option, path in (('client_cert', client_cert), ('client_key', client_key)):
        if path is None:
            continue
        if not os.path.isfile(path):
            return '%s %s is not a file' % (option, path)
        if not os.access(path, os.R_OK):
            return '%s %s cannot be read by this user' % (option, path)
    try:
        ssl.create_default_context().load_cert_chain(client_cert, client_key)
    except ssl.SSLError as exc:
        # OpenSSL's words (KEY_VALUES_MISMATCH, PEM lib) say which of the two is wrong; a key never appears in them.
        return ('client_cert %s%s is not a usable PEM certificate and private key (an encrypted key is not supported): %s'
                % (client_cert, ' with client_key %s' % client_key if client_key else '', exc))
    except OSError as exc:
        return 'client_cert %s cannot be read: %s' % (client_cert, exc.strerror or exc)
    return None


class TransportError(Exception):
    """No usable answer.

    ``sent`` is False only when the request provably never reached the server. ``transient`` is False when the same
    request would fail the same way (a host name that does not exist, a URL that cannot be sent, a reply too large, a
    call that outlived its bound): those are reported at once instead of being repeated until a retry deadline.
    """

    def __init__(self, message, sent, transient=True):
        super().__init__(message)
        self.sent = sent
        self.transient = transient


class TlsError(TransportError):
    """The server's certificate could not be verified, or the TLS handshake failed."""

    def __init__(self, message, sent=False):
        super().__init__(message, sent, transient=False)


class TaskTimeout(TransportError):
    """The task's own deadline (``task_timeout``) was reached; nothing more may be tried."""

    def __init__(self, message, sent):
        super().__init__(message, sent, transient=False)


# ansible.module_utils.api has no counterpart: one bound shared by every call, retry and wait of a task.
class Deadline:
    """The moment by which a whole task must be done, set by an option; without seconds there is no such moment.

    Shared by a client's sessions, its retries and the module's waits, so that one number bounds them all.
    """

    def __init__(self, seconds=None, option='task_timeout', clock=time.monotonic):
        self.seconds = seconds
        self.option = option
        self.clock = clock
        self.ends = None if seconds is None else clock() + seconds

    def remaining(self):
        """Seconds left (never below 0), or None without a bound."""
        return None if self.ends is None else max(0.0, self.ends - self.clock())

    def allows(self, seconds):
        """Whether something that takes ``seconds`` ends before the deadline."""
        remaining = self.remaining()
        return remaining is None or seconds < remaining

    def passed(self):
        return self.ends is not None and self.clock() >= self.ends

    def __str__(self):
        return '%s of %s s' % (self.option, _seconds(self.seconds))

    def reached(self):
        return '%s reached' % self


class _CallBound:
    """How long the next socket operation of one connection may wait.

    A call (connect, request, complete answer) must end within ``timeout`` of its start; a stream (a body sent from a
    file, a download read in chunks) may last longer, but never stall for ``timeout``; both end at the task deadline.
    """

    def __init__(self, timeout, deadline, clock):
        self.timeout = timeout
        self.deadline = deadline
        self.clock = clock
        self.ends = None
        self.limited_by = 'stall'

    def start_call(self):
        self.ends = self.clock() + self.timeout

    def start_stream(self):
        self.ends = None

    def wait(self):
        """Seconds the next operation may block; raises socket.timeout when no time is left."""
        limit, self.limited_by = self.timeout, 'stall'
        if self.ends is not None:
            limit, self.limited_by = self.ends - self.clock(), 'call'
        task = self.deadline.remaining() if self.deadline is not None else None
        if task is not None and task <= limit:
            limit, self.limited_by = task, 'task'
        if limit <= 0:
            raise socket.timeout('no time left')
        return limit

    def timed_out(self, sent, waiting_for):
        """The error for a socket operation that ran out of the time ``wait`` gave it."""
        if self.limited_by == 'task':
            return TaskTimeout('%s while %s' % (self.deadline.reached(), waiting_for), sent)
        if self.limited_by == 'call':
            # The server had the request and did not finish answering: a repeat would only wait as long again.
            return TransportError('no complete answer within %s s (timeout)' % _seconds(self.timeout), sent,
                                  transient=not sent)
        return TransportError('no data for %s s (timeout) while %s' % (_seconds(self.timeout), waiting_for), sent)


class _BoundedReader(io.RawIOBase):
    """A connection's socket as a file whose every read waits no longer than the bound allows.

    http.client reads a status line, headers and bodies through ``sock.makefile('rb')``, with the socket's timeout
    applied to each read only: a reply dripping a few bytes at a time would never end. This file sets the timeout to
    what is left before each read.
    """

    def __init__(self, sock, bound):
        super().__init__()
        self._sock = sock
        self._file = sock.makefile('rb', buffering=0)  # counts as a reference: the socket stays open for the answer
        self._bound = bound

    def readable(self):
        return True

    def readinto(self, buffer):
        self._sock.settimeout(self._bound.wait())
        return self._file.readinto(buffer)

    def close(self):
        self._file.close()
        super().close()


class _BoundedSocket:
    """What http.client.HTTPResponse takes as its socket: only ``makefile`` is asked of it."""

    def __init__(self, sock, bound):
        self._sock = sock
        self._bound = bound

    def makefile(self, mode):  # pylint: disable=unused-argument  # http.client always asks for 'rb'
        return io.BufferedReader(_BoundedReader(self._sock, self._bound))


class _BoundedBody:
    """A request body read from a file, sent without any block waiting longer than the bound allows."""

    def __init__(self, body, connection, bound):
        self._body = body
        self._connection = connection
        self._bound = bound

    def read(self, size=-1):
        self._connection.sock.settimeout(self._bound.wait())
        return self._body.read(size)


def _bounded_responses(bound):
    """An http.client ``response_class`` whose answers are read within ``bound``."""

    def response(sock, *args, **kwargs):
        return http.client.HTTPResponse(_BoundedSocket(sock, bound), *args, **kwargs)

    return response


class HttpSession:
    """One connection per origin, reused for every request of a module run.

    ``timeout`` bounds each call: connecting, sending and the complete answer of a reply read in memory. A body sent
    from a file and an answer read in chunks (downloads) may take longer, but fail when no byte moves for ``timeout``.
    ``deadline`` (a Deadline) bounds everything together.
    """

    def __init__(self, validate_certs=True, ca_path=None, timeout=30, deadline=None, clock=None, client_cert=None,
                 client_key=None):
        self.validate_certs = validate_certs
        self.ca_path = ca_path
        self.client_cert = client_cert
        self.client_key = client_key
        self.timeout = timeout
        self.deadline = deadline
        self.clock = clock or (deadline.clock if deadline is not None else time.monotonic)
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
            if self.client_cert:
                self._tls_context.load_cert_chain(self.client_cert, self.client_key)
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
            connection.rtcops_bound = _CallBound(self.timeout, self.deadline, self.clock)
            connection.response_class = _bounded_responses(connection.rtcops_bound)
            self._connections[origin] = (connection, bool(proxy) and scheme == 'http')
        return self._connections[origin]

    def _drop(self, origin):
        connection = self._connections.pop(origin, (None, False))[0]
        if connection is not None:
            connection.close()

    def request(self, method, url, body=None, headers=None):
        """Send one request and return its Response once the status line and headers have arrived.

        Raises TransportError: ``sent`` tells whether the server may have the request, ``transient`` whether another
        attempt could fare better.
        """
        origin, path = _target(url)
        if self.deadline is not None and self.deadline.passed():
            raise TaskTimeout('%s before the request was sent' % self.deadline.reached(), sent=False)
        connection, absolute = self._connection(origin)
        target = _sendable(url) if absolute else path
        bound = connection.rtcops_bound
        streamed = hasattr(body, 'read')
        if streamed:
            bound.start_stream()
            body = _BoundedBody(body, connection, bound)
        else:
            bound.start_call()
        try:
            if connection.sock is None:
                self._connect(origin, connection, bound)
            connection.sock.settimeout(bound.wait())
        except TransportError:
            self._drop(origin)
            raise
        except OSError as exc:  # the socket.timeout of wait(): nothing was sent
            self._drop(origin)
            raise self._failure(exc, bound, sent=False, what='sending the request')
        try:
            connection.request(method, target, body=body, headers=headers or {})
        except (http.client.InvalidURL, ValueError) as exc:  # UnicodeError included
            self._drop(origin)
            # The exception's text would quote the request line or a header, tokens and all.
            raise TransportError('the request cannot be sent (%s: its URL or a header holds a character HTTP does not '
                                 'allow)' % type(exc).__name__, sent=False, transient=False)
        except (OSError, http.client.HTTPException) as exc:
            # A server refusing a request (413: too large) answers and closes before the body is all sent: the
            # answer is worth more than the broken pipe.
            response = self._answer_after(connection, bound, exc)
            # The connection is done with either way; an answer keeps its socket open until it is read.
            self._connections.pop(origin, None)
            if response is None:
                connection.close()
                raise self._failure(exc, bound, sent=True, what='sending the request')
            return Response(self, origin, response, url, bound, orphan=connection)
        if streamed:
            bound.start_call()  # the answer is due within timeout of the last byte of the body
        try:
            response = connection.getresponse()
        except (OSError, http.client.HTTPException) as exc:
            self._drop(origin)
            raise self._failure(exc, bound, sent=True, what='waiting for the answer')
        return Response(self, origin, response, url, bound)

    def _connect(self, origin, connection, bound):
        connection.timeout = bound.wait()
        host = '%s:%s' % (connection.host, connection.port)
        try:
            connection.connect()
        except ssl.SSLError as exc:
            raise TlsError(self._tls_failure('TLS verification failed', exc))
        except socket.gaierror as exc:
            if exc.errno in _NAME_NOT_FOUND:
                raise TransportError('name not found: %s (%s); not retried, a name that does not exist stays so'
                                     % (connection.host, exc.strerror), sent=False, transient=False)
            raise TransportError('looking up %s failed: %s' % (connection.host, exc.strerror or exc), sent=False)
        except ConnectionRefusedError:
            raise TransportError('connection refused by %s: no server listens there (yet)' % host, sent=False)
        except UnicodeError:  # a host name that cannot be encoded for DNS
            raise TransportError('%s is not a valid host name' % connection.host, sent=False, transient=False)
        except (TimeoutError, socket.timeout) as exc:
            if bound.limited_by == 'task':
                raise bound.timed_out(False, 'connecting to %s' % host) from exc
            raise TransportError('no connection to %s within %s s (timeout)' % (host, _seconds(bound.timeout)), sent=False)
        except OSError as exc:
            raise TransportError('connecting to %s failed: %s' % (host, exc.strerror or exc), sent=False)

    def _answer_after(self, connection, bound, error):
        """The answer a server sent before it closed the connection on the request, or None."""
        if not isinstance(error, (BrokenPipeError, ConnectionResetError)) or connection.sock is None:
            return None
        bound.start_call()
        try:
            return connection.getresponse()
        except (OSError, http.client.HTTPException):
            return None

    def _tls_failure(self, what, exc):
        """The message for a TLS failure; one where the server refused this client's certificate (or its absence)
        names client_cert."""
        text = '%s: %s' % (what, exc)
        if _CLIENT_CERT_ALERTS.search(str(exc)):
            if self.client_cert:
                text += ('; the server refused the client certificate of client_cert %s (not signed by a CA it trusts, '
                         'or expired)' % self.client_cert)
            else:
                text += '; the server requires a TLS client certificate: set client_cert (and client_key)'
        return text

    def _failure(self, exc, bound, sent, what):
        if isinstance(exc, (TimeoutError, socket.timeout)):  # distinct classes before Python 3.10
            return bound.timed_out(sent, what)
        if isinstance(exc, ssl.SSLError) and _CLIENT_CERT_ALERTS.search(str(exc)):
            # Under TLS 1.3 a server checks the client's certificate after the client's side of the handshake is done,
            # so its refusal arrives with the first answer; the same request would be refused again.
            return TlsError(self._tls_failure('TLS failed %s' % what, exc), sent=sent)
        if isinstance(exc, http.client.RemoteDisconnected):
            return TransportError('the server closed the connection without answering', sent)
        return TransportError('%s failed: %s' % (what, exc or type(exc).__name__), sent)

    def close(self):
        for origin in list(self._connections):
            self._drop(origin)


class Response:
    """An answer whose body is read once, in full or in chunks; an unfinished body closes the connection.

    ``read`` keeps the call's bound (the whole answer within ``timeout``) and refuses more than ``MAX_REPLY_BYTES``;
    ``chunks`` streams, failing only when no byte comes for ``timeout``.
    """

    def __init__(self, session, origin, raw, url=None, bound=None, orphan=None):
        self.status = raw.status
        self.headers = raw.headers
        self.url = url
        self._session = session
        self._origin = origin
        self._raw = raw
        self._bound = bound
        self._orphan = orphan  # the connection of a request cut short, no longer the session's: closed after this

    def read(self, limit=MAX_REPLY_BYTES):
        """The whole body, at most ``limit`` bytes (a larger answer fails without being read in full)."""
        # http.client's count of the body still to come: 0 for an answer to HEAD (whatever its Content-Length says),
        # None when the length is not announced.
        declared = getattr(self._raw, 'length', None)
        if declared is not None and declared > limit:
            self.close()
            raise _too_large(limit, 'it announces %d bytes' % declared)
        data = bytearray()
        try:
            while True:
                chunk = self._raw.read(min(_READ_BLOCK, limit + 1 - len(data)))
                if not chunk:
                    break
                data += chunk
                if len(data) > limit:
                    self.close()
                    raise _too_large(limit, 'it sent more')
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            raise self._failure(exc)
        self._finish()
        return bytes(data)

    def chunks(self, size):
        if self._bound is not None:
            self._bound.start_stream()
        try:
            while True:
                try:
                    chunk = self._raw.read(size)
                except (OSError, http.client.HTTPException) as exc:
                    raise self._failure(exc)
                if not chunk:
                    return
                yield chunk
        finally:
            self.close()

    def _failure(self, exc):
        if self._bound is None:
            return TransportError(_describe(exc, self._session.timeout, 'reading the answer failed'), sent=True)
        return self._session._failure(exc, self._bound, sent=True, what='reading the answer')

    def _finish(self):
        if self._orphan is not None:
            self._orphan.close()

    def close(self):
        if self._orphan is not None:
            self._raw.close()
            self._orphan.close()
        elif not self._raw.isclosed():
            # Unread bytes would be taken for the next answer on this connection.
            self._session._drop(self._origin)


def _too_large(limit, why):
    size = '%g MiB' % (limit / 1024.0 / 1024) if limit >= 1024 * 1024 else '%d bytes' % limit
    return TransportError('answer larger than %s (%s); answers read in memory are limited to that' % (size, why),
                          sent=True, transient=False)


def _seconds(value):
    return '%g' % value if isinstance(value, (int, float)) else value


def _target(url):
    """``(origin, path and query)`` of a URL the session can send, or a TransportError that no attempt will heal."""
    text = str(url)
    if _UNSENDABLE.search(text):
        raise TransportError('the URL %s holds a space or a control character; it cannot be sent' % shown_url(text),
                             sent=False, transient=False)
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise TransportError('the URL %s cannot be sent: %s' % (shown_url(text), exc), sent=False, transient=False)
    if parts.scheme not in ('http', 'https'):
        raise TransportError('not an http(s) URL (%s); it cannot be sent' % ('%s:' % parts.scheme if parts.scheme else 'no scheme'),
                             sent=False, transient=False)
    if not parts.hostname:
        raise TransportError('the URL %s has no host name; it cannot be sent' % shown_url(text), sent=False, transient=False)
    origin = (parts.scheme, parts.hostname, port or (443 if parts.scheme == 'https' else 80))
    return origin, _sendable((parts.path or '/') + ('?' + parts.query if parts.query else ''))


def _sendable(text):
    """``text`` with the characters a request line cannot carry (anything beyond ASCII) percent-encoded as UTF-8."""
    return text if text.isascii() else quote(text, safe=''.join(chr(code) for code in range(0x21, 0x7f)))


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


# Not ansible.module_utils.api's retry decorators and generate_jittered_backoff: they count attempts and pause whole
# seconds, while a call here is bounded by a deadline, a server's Retry-After and the task_timeout, with pauses from 0.25 s.
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

    def backoff(self, started=None, deadline=None):
        """The pauses of one call's retries, within this policy's deadline and the task's ``deadline``."""
        return Backoff(self, self.clock() if started is None else started, deadline)


class Backoff:
    """The pauses between the attempts of one call; ``stopped_by_task`` tells why there is no next one."""

    def __init__(self, policy, started, deadline=None):
        self.policy = policy
        self.started = started
        self.deadline = deadline
        self.stopped_by_task = False
        self._delays = policy.delays(started)

    def next(self, wanted=None):
        """The pause before the next attempt (at least the ``wanted`` seconds a server asked for), or None when it
        would end after the retry deadline or the task's deadline."""
        delay = next(self._delays, None)
        if delay is not None and wanted:
            delay = self.policy.pause(delay, wanted, self.started)
        if delay is not None and self.deadline is not None and not self.deadline.allows(delay):
            self.stopped_by_task = True
            return None
        return delay

    def why_not(self):
        """Why no further attempt was made, as a message can say it."""
        if self.stopped_by_task:
            return 'another attempt would end after the %s' % self.deadline
        return 'the retry deadline of %s s has passed' % _seconds(self.policy.deadline)


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
