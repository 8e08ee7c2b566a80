"""HTTP server core: routing, parameter parsing, control API, fault injection, request log and TLS."""
import datetime
import fnmatch
import functools
import ipaddress
import json
import os
import re
import shutil
import socket
import ssl
import struct
import sys
import tempfile
import threading
import time
import traceback
from collections import deque
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Optional
from urllib.parse import parse_qsl, unquote

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from . import ranges, vendors
from .state import StateStore
from .vendors import Response, control_route, html_page, json_response

CONTROL_PREFIX = "/_emulator/"
# nginx's default client_max_body_size, which the AVD upload notes mention.
DEFAULT_MAX_BODY_SIZE = 200 * 1024 * 1024
# nginx's default keepalive_timeout.
KEEPALIVE_TIMEOUT = 75
READ_CHUNK = 64 * 1024
MAX_LINE = 65536
REQUEST_LOG_LIMIT = 100_000
# nginx's lingering_time and lingering_timeout.
LINGER_SECONDS = 30
LINGER_READ_TIMEOUT = 5
# How often the accept loop checks for stop(); the default 0.5 s would make every stop take that long.
SHUTDOWN_POLL = 0.02
SECRET_PARAMS = ("token", "secret_key", "password", "client_token")
FAULT_STATUS = {"http_429": 429, "http_500": 500, "http_503": 503}
# Statuses an nginx in front of the vendor (or a proxy on the way) answers by itself.
HTTP_STATUS_FAULTS = (400, 404, 405, 408, 413, 500, 502, 503, 504)
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
# Faults that let the vendor call run and then damage its reply on the wire.
BODY_FAULTS = ("truncate", "reset", "short_length", "corrupt", "drip")
FAULT_KINDS = (
    "http_429", "http_500", "http_503", "http_status", "ret", "drop_before", "drop_after", "delay",
    *BODY_FAULTS, "html_200", "redirect", "oversize",
)
OVERSIZE_HEAD = b'{"code":0,"pad":"'
OVERSIZE_TAIL = b'"}'
DEFAULT_OVERSIZE = 10 * 1024 * 1024
DEFAULT_DRIP_RATE = 16
# Pieces of a dripped body: a tenth of a second's worth, so the body arrives in many separate reads.
DRIP_PIECES_PER_SECOND = 10
# The page a misrouted request gets from an nginx that has no site for it.
WELCOME_PAGE = (b"<!DOCTYPE html>\r\n<html>\r\n<head>\r\n<title>Welcome to nginx!</title>\r\n</head>\r\n<body>\r\n"
                b"<h1>Welcome to nginx!</h1>\r\n<p>If you see this page, the nginx web server is successfully installed and "
                b"working. Further configuration is required.</p>\r\n</body>\r\n</html>\r\n")
DEFAULT_SETTINGS = {"ranges": True}


class BodyTooLarge(Exception):
    """The request body exceeds the configured maximum size."""


class BadRequestBody(Exception):
    """The request body framing is invalid."""


class NotFound(Exception):
    """No route has this path."""


class MethodNotAllowed(Exception):
    """A route has this path but not this method."""

    def __init__(self, allowed):
        super().__init__(allowed)
        self.allowed = allowed


@dataclass
class Config:
    """Settings shared with the vendors."""
    data_dir: str
    access_key: str
    secret_key: str
    token_ttl: float
    max_users: int
    max_body_size: int
    # Every token ever handed out, never reset: tests search their output for these secrets.
    issued_tokens: list = field(default_factory=list)


def mask(params):
    """A copy of ``params`` with secret values replaced, for the request log."""
    return {name: "***" if name in SECRET_PARAMS else value for name, value in params.items()}


class BodyReader:
    """Reads a request body framed by Content-Length or chunked transfer-encoding, enforcing a size limit."""

    def __init__(self, rfile, headers, limit, on_first_read):
        self._rfile = rfile
        self._limit = limit
        self._on_first_read = on_first_read
        self._total = 0
        self.chunked = "chunked" in headers.get("Transfer-Encoding", "").lower()
        if self.chunked:
            self._remaining = 0
            self.finished = False
            return
        try:
            self._remaining = int(headers.get("Content-Length") or 0)
        except ValueError as error:
            raise BadRequestBody("invalid Content-Length") from error
        if self._remaining < 0:
            raise BadRequestBody("invalid Content-Length")
        if self._remaining > limit:
            raise BodyTooLarge()
        self.finished = self._remaining == 0

    def read(self, size=READ_CHUNK):
        """Up to ``size`` bytes of the body; ``b""`` at its end."""
        if self.finished:
            return b""
        if self._on_first_read:
            self._on_first_read()
            self._on_first_read = None
        if self.chunked and self._remaining == 0:
            self._start_chunk()
            if self.finished:
                return b""
        data = self._rfile.read(min(size, self._remaining))
        if not data:
            raise BadRequestBody("body ended early")
        self._remaining -= len(data)
        self._total += len(data)
        if self._total > self._limit:
            raise BodyTooLarge()
        if self._remaining == 0:
            if self.chunked:
                self._expect_line_end()
            else:
                self.finished = True
        return data

    def read_all(self):
        """The whole (remaining) body."""
        parts = []
        while data := self.read():
            parts.append(data)
        return b"".join(parts)

    def drain(self):
        """Read and discard the rest of the body."""
        while self.read():
            pass

    def _start_chunk(self):
        line = self._rfile.readline(MAX_LINE)
        try:
            self._remaining = int(line.split(b";", 1)[0].strip(), 16)
        except ValueError as error:
            raise BadRequestBody("invalid chunk size") from error
        if self._remaining == 0:
            while self._rfile.readline(MAX_LINE) not in (b"\r\n", b"\n", b""):
                pass
            self.finished = True

    def _expect_line_end(self):
        if self._rfile.readline(MAX_LINE) not in (b"\r\n", b"\n"):
            raise BadRequestBody("chunk not followed by CRLF")


@dataclass
class Request:  # pylint: disable=too-many-instance-attributes
    """What a route handler sees of one HTTP request (a plain record)."""
    method: str
    path: str
    params: dict
    headers: object
    base_url: str
    body: Optional[BodyReader] = None
    document: object = None
    path_args: dict = field(default_factory=dict)
    log_params: Optional[Callable] = None

    def add_params(self, fields):
        """Record parameters a streaming handler found in the body, also in the request log."""
        self.params.update(fields)
        if self.log_params:
            self.log_params(fields)


class Router:
    """Maps (method, path) to (route, target, path arguments).

    ``{name}`` is a placeholder for one path segment, ``{name*}`` (last) for the rest of the path, slashes included.
    """

    def __init__(self):
        self._routes = []

    def add(self, route, target):
        """Register ``route``; ``target`` is passed to its handler."""
        pattern = re.sub(r"\\\{(\w+)\\\*\\\}", r"(?P<\1>.+)", re.escape(route.path))
        pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", pattern)
        self._routes.append((re.compile(f"^{pattern}$"), route, target))

    def match(self, method, path):
        """Find the route; raise :class:`NotFound` or :class:`MethodNotAllowed`."""
        allowed = []
        for pattern, route, target in self._routes:
            found = pattern.match(path)
            if not found:
                continue
            if method in route.methods:
                return route, target, {name: unquote(value) for name, value in found.groupdict().items()}
            allowed.extend(route.methods)
        if allowed:
            raise MethodNotAllowed(allowed)
        raise NotFound()


class RequestLog:
    """Every vendor call, secrets masked."""

    def __init__(self):
        self._lock = threading.Lock()
        self._entries = deque(maxlen=REQUEST_LOG_LIMIT)

    def record(self, method, path, params):
        """Append an entry and return it (streaming handlers add body parameters to it later)."""
        entry = {"method": method, "path": path, "params": mask(params)}
        with self._lock:
            self._entries.append(entry)
        return entry

    def add_params(self, entry, fields):
        """Add parameters to an entry."""
        with self._lock:
            entry["params"].update(mask(fields))

    def entries(self):
        """A copy of the log."""
        with self._lock:
            return [dict(entry, params=dict(entry["params"])) for entry in self._entries]

    def clear(self):
        """Forget every entry."""
        with self._lock:
            self._entries.clear()


def _integer_field(spec, name, default, minimum):
    """``spec[name]`` (or ``default``) checked to be an integer of at least ``minimum``."""
    value = spec.get(name, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise ValueError(f"{name} must be an integer of at least {minimum}")
    return value


def _header_safe(text):
    """Whether ``text`` can be a header value as it is (no line breaks to split the reply with)."""
    return text.isascii() and text.isprintable()


class Faults:
    """Injected faults, consumed in order by the calls whose path matches."""

    def __init__(self):
        self._lock = threading.Lock()
        self._faults = []

    @staticmethod
    def _validate(spec):
        if not isinstance(spec, dict):
            raise ValueError("a fault is a JSON object")
        kind = spec.get("kind")
        if kind not in FAULT_KINDS:
            raise ValueError(f"kind must be one of {', '.join(FAULT_KINDS)}")
        if not isinstance(spec.get("path"), str) or not spec["path"].startswith("/"):
            raise ValueError("path must be an absolute URL path")
        fault = {"path": spec["path"], "kind": kind, "count": _integer_field(spec, "count", 1, 1)}
        if kind == "ret":
            if not isinstance(spec.get("ret"), int) or isinstance(spec.get("ret"), bool):
                raise ValueError("kind ret needs an integer ret")
            if not isinstance(spec.get("msg", ""), str):
                raise ValueError("msg must be a string")
            fault.update(ret=spec["ret"], msg=spec.get("msg"))
        if kind == "http_status":
            if spec.get("status") not in HTTP_STATUS_FAULTS or isinstance(spec.get("status"), bool):
                raise ValueError(f"kind http_status needs a status among {', '.join(map(str, HTTP_STATUS_FAULTS))}")
            fault["status"] = spec["status"]
        if (kind in FAULT_STATUS or kind == "http_status") and "retry_after" in spec:
            retry_after = spec["retry_after"]
            if not isinstance(retry_after, (int, str)) or isinstance(retry_after, bool) or not _header_safe(str(retry_after)):
                raise ValueError("retry_after must be a number of seconds or an HTTP date")
            fault["retry_after"] = retry_after
        if kind == "delay":
            seconds = spec.get("seconds", 1)
            if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or seconds < 0:
                raise ValueError("seconds must be a non-negative number")
            fault["seconds"] = seconds
        if kind in ("truncate", "reset", "short_length") and "bytes" in spec:
            fault["bytes"] = _integer_field(spec, "bytes", None, 0)
        if kind == "drip":
            rate = spec.get("bytes_per_second", DEFAULT_DRIP_RATE)
            if not isinstance(rate, (int, float)) or isinstance(rate, bool) or not rate > 0:
                raise ValueError("bytes_per_second must be a positive number")
            fault["bytes_per_second"] = rate
        if kind == "oversize":
            fault["size"] = _integer_field(spec, "size", DEFAULT_OVERSIZE, len(OVERSIZE_HEAD) + len(OVERSIZE_TAIL))
        if kind == "redirect":
            if not isinstance(spec.get("location"), str) or not spec["location"] or not _header_safe(spec["location"]):
                raise ValueError("kind redirect needs a location: a non-empty URL of printable ASCII characters")
            status = spec.get("status", 302)
            if status not in REDIRECT_STATUSES or isinstance(status, bool):
                raise ValueError(f"status of a redirect must be one of {', '.join(map(str, REDIRECT_STATUSES))}")
            fault.update(location=spec["location"], status=status)
        return fault

    def add(self, spec):
        """Validate and append one fault; raise ValueError if invalid."""
        fault = self._validate(spec)
        with self._lock:
            self._faults.append(fault)

    def take(self, path):
        """Consume one use of the first fault whose path is ``path`` or a ``*`` pattern matching it; None if there is none."""
        with self._lock:
            for fault in self._faults:
                if fault["path"] == path or ("*" in fault["path"] and fnmatch.fnmatchcase(path, fault["path"])):
                    fault["count"] -= 1
                    if fault["count"] == 0:
                        self._faults.remove(fault)
                    return dict(fault)
        return None

    def list(self):
        """The pending faults."""
        with self._lock:
            return [dict(fault) for fault in self._faults]

    def clear(self):
        """Remove every fault."""
        with self._lock:
            self._faults.clear()


def ensure_certificates(cert_dir, host):
    """Create (once) a CA, a server certificate for 127.0.0.1/localhost and a client certificate in ``cert_dir``.

    Returns (ca_cert, server_cert, server_key, client_cert, client_key) paths; existing files are reused so clients
    keep trusting the CA. The client certificate is for servers started with ``require_client_cert`` (mutual TLS).
    """
    paths = tuple(os.path.join(cert_dir, name) for name in ("ca.pem", "server.pem", "server-key.pem", "client.pem", "client-key.pem"))
    if all(os.path.exists(path) for path in paths):
        return paths
    os.makedirs(cert_dir, exist_ok=True)
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "rtcops emulator CA")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=False, content_commitment=False, key_encipherment=False, data_encipherment=False,
            key_agreement=False, key_cert_sign=True, crl_sign=True, encipher_only=False, decipher_only=False,
        ), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    names = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.IPAddress(ipaddress.ip_address("::1"))]
    if host not in ("", "0.0.0.0", "::", "localhost", "127.0.0.1", "::1"):
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    server_key = ec.generate_private_key(ec.SECP256R1())
    server_cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])).issuer_name(ca_name)
        .public_key(server_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=825))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(server_key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    client_key = ec.generate_private_key(ec.SECP256R1())
    client_cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "rtcops emulator client")])).issuer_name(ca_name)
        .public_key(client_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=825))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )

    def private_pem(key):
        return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())

    contents = (ca_cert.public_bytes(serialization.Encoding.PEM), server_cert.public_bytes(serialization.Encoding.PEM),
                private_pem(server_key), client_cert.public_bytes(serialization.Encoding.PEM), private_pem(client_key))
    for path, content in zip(paths, contents):
        with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as output:
            output.write(content)
    return paths


class Handler(BaseHTTPRequestHandler):
    """Serves one connection: vendor API calls and the control API."""
    protocol_version = "HTTP/1.1"
    server_version = "rtcops-emulator"
    timeout = KEEPALIVE_TIMEOUT
    _body = None
    _linger = False
    _abort = False

    def setup(self):
        super().setup()
        if isinstance(self.connection, ssl.SSLSocket):
            try:
                self.connection.do_handshake()
            except (ssl.SSLError, OSError):
                self._linger_after_refused_handshake()
                raise

    def _linger_after_refused_handshake(self):
        """A refused handshake (no client certificate under mutual TLS) has sent its alert, but under TLS 1.3 the
        client's request is already on its way: closing with it unread would reset the connection and the client
        could lose the alert that says why. The raw socket is drained instead, until the client closes."""
        try:
            raw = socket.socket(fileno=os.dup(self.connection.fileno()))
        except OSError:
            return
        with raw:
            try:
                raw.shutdown(socket.SHUT_WR)
                raw.settimeout(LINGER_READ_TIMEOUT)
                deadline = time.monotonic() + LINGER_SECONDS
                while time.monotonic() < deadline and raw.recv(READ_CHUNK):
                    pass
            except OSError:
                pass

    def finish(self):
        if self._abort:
            # Linger 0: close sends a TCP RST instead of a FIN. The socket really closes when super().finish()
            # closes rfile, its last reference; the server's shutdown(SHUT_WR) (a FIN) then fails harmlessly.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        super().finish()
        if self._linger and not self._abort:
            self._discard_input()

    def _discard_input(self):
        """Lingering close, as nginx does after replying to an unread body.

        Closing a socket with unread input resets the connection, and the client could lose the reply.
        """
        try:
            self.connection.shutdown(socket.SHUT_WR)
            self.connection.settimeout(LINGER_READ_TIMEOUT)
            deadline = time.monotonic() + LINGER_SECONDS
            while time.monotonic() < deadline and self.connection.recv(READ_CHUNK):
                pass
        except OSError:
            pass

    def handle_expect_100(self):
        # "100 Continue" is sent when the body is first read, so an oversized upload gets its 413 instead.
        return True

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        """Quiet: the request log is available through the control API."""

    def _send_continue(self):
        if self.request_version == "HTTP/1.1" and self.headers.get("Expect", "").lower() == "100-continue":
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")

    def _dispatch(self):
        self._body = None
        try:
            self._body = BodyReader(self.rfile, self.headers, self.server.core.config.max_body_size, self._send_continue)
            self._serve()
        except BodyTooLarge:
            self._linger = True
            self._send(html_page(413), close=True)
        except BadRequestBody:
            self._linger = True
            self._send(html_page(400), close=True)
        except (ConnectionError, TimeoutError, ssl.SSLError):
            self.close_connection = True
        except Exception:  # pylint: disable=broad-exception-caught
            # An emulator bug must reach the client as HTTP 500, not as a dropped connection.
            traceback.print_exc()
            self._send(html_page(500), close=True)

    do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _dispatch

    def _serve(self):
        path, dummy, query = self.path.partition("?")
        if path.startswith(CONTROL_PREFIX):
            self._serve_control(path, query)
            return
        params = dict(parse_qsl(query, keep_blank_values=True))
        try:
            route, vendor, path_args = self.server.core.router.match(self.command, path)
        except (NotFound, MethodNotAllowed) as error:
            self._body.drain()
            self.server.core.log.record(self.command, path, params)
            if isinstance(error, NotFound):
                self._send(html_page(404))
            else:
                self._send(html_page(405), headers=[("Allow", ", ".join(error.allowed))])
            return
        streamed = route.options.get("stream", False)
        if not streamed:
            body = self._body.read_all()
            if self.command == "POST" and self.headers.get_content_type() == "application/x-www-form-urlencoded":
                params.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        log = self.server.core.log
        request = Request(
            method=self.command, path=path, params=params, headers=self.headers, base_url=self._base_url(),
            body=self._body if streamed else None, path_args=path_args,
            log_params=functools.partial(log.add_params, log.record(self.command, path, params)),
        )
        self._call(route, vendor, request)

    def _call(self, route, vendor, request):
        """Run a vendor call, unless an injected fault says otherwise."""
        fault = self.server.core.faults.take(request.path) or {"kind": None}
        substitute = _substitute_reply(fault)
        if substitute is not None:
            self._send(substitute)
        elif fault["kind"] == "ret":
            self._send(vendor.api_error(route, fault["ret"], fault["msg"]))
        elif fault["kind"] == "drop_before":
            self.close_connection = True
        else:
            if fault["kind"] == "delay":
                time.sleep(fault["seconds"])
            response = vendor.handle(route, request)
            if route.options.get("download") and self.server.core.settings["ranges"]:
                response = ranges.apply(response, self.headers.get("Range"), "If-Range" in self.headers)
            if fault["kind"] == "drop_after":
                _discard(response.body)
                self.close_connection = True
            else:
                self._send(response, fault=fault)

    def _serve_control(self, path, query):
        raw = self._body.read_all()
        try:
            route, target, path_args = self.server.core.control_router.match(self.command, path)
        except NotFound:
            self._send(json_response({"error": f"unknown control path {path}"}, 404))
            return
        except MethodNotAllowed as error:
            self._send(json_response({"error": f"method not allowed; use {', '.join(error.allowed)}"}, 405))
            return
        try:
            document = json.loads(raw) if raw.strip() else None
        except ValueError:
            self._send(json_response({"error": "the body is not JSON"}, 400))
            return
        request = Request(
            method=self.command, path=path, params=dict(parse_qsl(query, keep_blank_values=True)),
            headers=self.headers, base_url=self._base_url(), document=document, path_args=path_args,
        )
        self._send(route.handler(target, request))

    def _base_url(self):
        host = self.headers.get("Host") or ":".join(map(str, self.server.server_address[:2]))
        return f"{self.server.scheme}://{host}"

    def _send(self, response, headers=(), close=False, fault=None):
        """Write the reply; headers and a bytes body go out in one write, or Nagle + delayed ACK stall it ~40 ms.

        A body-altering ``fault`` (:data:`BODY_FAULTS`) changes what is written and how the connection ends.
        """
        ending = None
        if fault is not None and fault["kind"] in BODY_FAULTS:
            response, ending = _damaged(response, fault)
        body = response.body
        length = response.length if response.length is not None else len(body)
        if self._body is not None and not self._body.finished:
            self._linger = True
        if close or self._linger:
            self.close_connection = True
        lines = [
            f"{self.protocol_version} {response.status} {self.responses.get(response.status, ('',))[0]}",
            f"Server: {self.server_version}",
            f"Date: {self.date_time_string()}",
            f"Content-Type: {response.content_type}",
            f"Content-Length: {length}",
        ]
        lines.extend(f"{name}: {value}" for name, value in (*response.headers, *headers))
        if self.close_connection:
            lines.append("Connection: close")
        elif self.request_version == "HTTP/1.0":
            lines.append("Connection: keep-alive")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        if self.command == "HEAD":
            self.wfile.write(head)
            _discard(body)
        elif isinstance(body, bytes):
            self.wfile.write(head + body)
        else:
            self.wfile.write(head)
            for chunk in body:
                self.wfile.write(chunk)
        # Set only now, so the headers do not announce the end: a reply cut short by accident does not either.
        if ending is not None:
            self.close_connection = True
            self._abort = ending == "reset"


def _substitute_reply(fault):
    """The reply of a fault that stands in for the vendor call (an nginx or proxy answering), else None."""
    kind = fault["kind"]
    if kind in FAULT_STATUS or kind == "http_status":
        response = html_page(FAULT_STATUS.get(kind) or fault["status"])
        if "retry_after" in fault:
            response.headers = (("Retry-After", str(fault["retry_after"])),)
        return response
    if kind == "html_200":
        return Response(body=WELCOME_PAGE, content_type="text/html")
    if kind == "redirect":
        return replace(html_page(fault["status"]), headers=(("Location", fault["location"]),))
    if kind == "oversize":
        return Response(body=_padded_json(fault["size"]), length=fault["size"])
    return None


def _damaged(response, fault):
    """(reply, ending) for a body-altering fault; ending is None (keep-alive), ``"close"`` or ``"reset"``.

    The cut of truncate, reset and short_length stays below the full length, so the fault always shows.
    """
    kind = fault["kind"]
    length = response.length if response.length is not None else len(response.body)
    if kind in ("truncate", "reset", "short_length"):
        cut = min(fault.get("bytes", length // 2), max(length - 1, 0))
        body = _first_bytes(response.body, cut)
        if kind == "short_length":
            return replace(response, body=body, length=cut), None
        return replace(response, body=body, length=length), "close" if kind == "truncate" else "reset"
    if kind == "corrupt":
        return replace(response, body=_flipped(response.body, length // 2), length=length), None
    return replace(response, body=_paced(response.body, fault["bytes_per_second"]), length=length), None


def _discard(body):
    """Release a body that will not be sent (an open file)."""
    close = getattr(body, "close", None)
    if close is not None:
        close()


def _first_bytes(body, count):
    """The first ``count`` bytes of a body (bytes, or an iterable whose rest is then not read)."""
    if isinstance(body, bytes):
        return body[:count]

    def pieces():
        remaining = count
        try:
            for chunk in body:
                if remaining <= 0:
                    return
                yield chunk[:remaining]
                remaining -= len(chunk)
        finally:
            _discard(body)
    return pieces()


def _flipped(body, position):
    """The body with the byte at ``position`` inverted: same length, other content."""
    if isinstance(body, bytes):
        if position >= len(body):
            return body
        return body[:position] + bytes((body[position] ^ 0xFF,)) + body[position + 1:]

    def pieces():
        offset = 0
        for chunk in body:
            if offset <= position < offset + len(chunk):
                index = position - offset
                chunk = chunk[:index] + bytes((chunk[index] ^ 0xFF,)) + chunk[index + 1:]
            offset += len(chunk)
            yield chunk
    return pieces()


def _paced(body, rate):
    """The body in small pieces, each after the pause the rate (bytes per second) asks for."""
    size = max(1, int(rate / DRIP_PIECES_PER_SECOND))
    chunks = [body] if isinstance(body, bytes) else body
    first = True
    for chunk in chunks:
        for start in range(0, len(chunk), size):
            piece = chunk[start:start + size]
            if not first:
                time.sleep(len(piece) / rate)
            first = False
            yield piece


def _padded_json(size):
    """A JSON document of exactly ``size`` bytes, produced in pieces (it may be far larger than memory should hold)."""
    yield OVERSIZE_HEAD
    remaining = size - len(OVERSIZE_HEAD) - len(OVERSIZE_TAIL)
    while remaining > 0:
        piece = min(remaining, READ_CHUNK)
        yield b"a" * piece
        remaining -= piece
    yield OVERSIZE_TAIL


class Core:
    """The emulation behind the HTTP server: vendors, state, routes, faults and request log."""

    def __init__(self, config, store):
        self.config = config
        self.store = store
        self.faults = Faults()
        self.log = RequestLog()
        self.settings = dict(DEFAULT_SETTINGS)
        self.vendors = vendors.load(config, store)
        self.router = Router()
        self.control_router = Router()
        for route in vendors.collect([sys.modules[__name__]], "control_route"):
            self.control_router.add(route, self)
        for vendor in self.vendors:
            store.register(vendor.name, vendor.initial_state())
            for route in vendor.routes:
                self.router.add(route, vendor)
            for route in vendor.control_routes:
                self.control_router.add(route, vendor)

    def reset(self):
        """Empty state, request log and faults; vendors forget their files."""
        self.store.reset()
        self.log.clear()
        self.faults.clear()
        self.settings = dict(DEFAULT_SETTINGS)
        for vendor in self.vendors:
            vendor.reset()

    def snapshot(self):
        """The public state of every vendor."""
        view = {}
        for vendor in self.vendors:
            with self.store.transaction(vendor.name) as state:
                view[vendor.name] = json.loads(json.dumps(vendor.snapshot(state)))
        return view


class EmulatorServer(ThreadingHTTPServer):
    """Threaded HTTP(S) server: TCP_NODELAY, lazy TLS handshakes, and connections that end when it stops."""
    daemon_threads = True
    # socketserver's default backlog of 5 drops the SYNs of a client opening more connections at once, which then
    # wait a 1 s retransmission; nginx in front of the real server listens with 511.
    request_queue_size = 511

    def __init__(self, address, core, ssl_context=None):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.core = core
        self.ssl_context = ssl_context
        self._connections = set()
        self._connections_lock = threading.Lock()
        self.connections_accepted = 0
        super().__init__(address, Handler)

    @property
    def scheme(self):
        """``https`` with TLS, else ``http``."""
        return "https" if self.ssl_context else "http"

    def get_request(self):
        connection, address = self.socket.accept()
        self.connections_accepted += 1  # only the accept loop's thread writes it
        # Without TCP_NODELAY a keep-alive reply can stall ~40 ms (Nagle meets the client's delayed ACK).
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.ssl_context:
            # The handshake then runs in the connection's thread (Handler.setup), not in the accept loop.
            connection = self.ssl_context.wrap_socket(connection, server_side=True, do_handshake_on_connect=False)
        with self._connections_lock:
            self._connections.add(connection)
        return connection, address

    def shutdown_request(self, request):
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self):
        """End open keep-alive connections (their threads would otherwise keep serving after stop)."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError, ssl.SSLError)):
            super().handle_error(request, client_address)


@control_route("POST", "/_emulator/reset")
def _reset(core, _request):
    core.reset()
    return json_response({"ok": True})


@control_route("GET", "/_emulator/state")
def _state(core, _request):
    return json_response(core.snapshot())


@control_route("GET", "/_emulator/requests")
def _requests(core, _request):
    return json_response(core.log.entries())


@control_route("DELETE", "/_emulator/requests")
def _clear_requests(core, _request):
    core.log.clear()
    return json_response({"ok": True})


@control_route("GET", "/_emulator/faults")
def _faults(core, _request):
    return json_response({"faults": core.faults.list()})


@control_route("POST", "/_emulator/faults")
def _add_fault(core, request):
    try:
        core.faults.add(request.document)
    except ValueError as error:
        return json_response({"error": str(error)}, 400)
    return json_response({"faults": core.faults.list()})


@control_route("DELETE", "/_emulator/faults")
def _clear_faults(core, _request):
    core.faults.clear()
    return json_response({"ok": True})


@control_route("GET|POST", "/_emulator/settings")
def _settings(core, request):
    """Server-wide behaviour: ``ranges`` (bool) switches Range support of the file routes."""
    if request.method == "POST":
        document = request.document
        if not isinstance(document, dict) or set(document) - set(DEFAULT_SETTINGS):
            return json_response({"error": f"settings are a JSON object with keys among {', '.join(DEFAULT_SETTINGS)}"}, 400)
        if not all(isinstance(value, bool) for value in document.values()):
            return json_response({"error": "ranges must be true or false"}, 400)
        core.settings = {**core.settings, **document}
    return json_response(core.settings)


class Emulator:  # pylint: disable=too-many-instance-attributes
    """An emulated vendor server on loopback, run in a daemon thread.

    ``with Emulator() as emulator: requests.get(emulator.url + "/sdkapi/v2/app/get_token", ...)``
    """

    def __init__(  # pylint: disable=too-many-arguments
        self, host="127.0.0.1", port=0, *, tls=False, cert_dir=None, data_dir=None, state_file=None,
        access_key="demo_access", secret_key="demo_secret", token_ttl=7200, max_users=500,
        max_body_size=DEFAULT_MAX_BODY_SIZE, require_client_cert=False,
    ):
        self.host = host
        self.port = port
        self.tls = tls or require_client_cert
        # Mutual TLS: a client must show a certificate signed by the emulator's CA (client_cert/client_key below).
        self.require_client_cert = require_client_cert
        self.cert_dir = cert_dir
        self.state_file = state_file
        # Uploaded files belong with the state that lists them.
        self.data_dir = data_dir or (f"{state_file}.data" if state_file else None)
        self.settings = {"access_key": access_key, "secret_key": secret_key, "token_ttl": token_ttl,
                         "max_users": max_users, "max_body_size": max_body_size}
        self.ca_cert = None
        self.client_cert = None
        self.client_key = None
        self._server = None
        self._thread = None
        self._temporary = []

    def _directory(self, given):
        if given:
            return given
        directory = tempfile.mkdtemp(prefix="rtcops-emulator-")
        self._temporary.append(directory)
        return directory

    def start(self):
        """Listen and serve in a daemon thread; returns self."""
        config = Config(data_dir=self._directory(self.data_dir), **self.settings)
        ssl_context = None
        if self.tls:
            self.ca_cert, certificate, key, self.client_cert, self.client_key = ensure_certificates(
                self._directory(self.cert_dir), self.host)
            ssl_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ssl_context.load_cert_chain(certificate, key)
            if self.require_client_cert:
                ssl_context.verify_mode = ssl.CERT_REQUIRED
                ssl_context.load_verify_locations(self.ca_cert)
        try:
            self._server = EmulatorServer((self.host, self.port), Core(config, StateStore(self.state_file)), ssl_context)
        except BaseException:
            self._remove_temporary()
            raise
        self._thread = threading.Thread(target=self._server.serve_forever, args=(SHUTDOWN_POLL,), name="rtcops-emulator", daemon=True)
        self._thread.start()
        return self

    def issued_tokens(self):
        """Every token this emulator has handed out since it started, including before a reset."""
        return list(self._server.core.config.issued_tokens) if self._server else []

    def connections_accepted(self):
        """TCP connections accepted since it started: tests assert keep-alive reuse by this count, not by time."""
        return self._server.connections_accepted if self._server else 0

    def stop(self):
        """Stop serving, close connections and remove temporary directories."""
        if self._server is not None:
            self._server.shutdown()
            self._server.close_connections()
            self._server.server_close()
            self._thread.join()
            self._server = None
        self._remove_temporary()

    def _remove_temporary(self):
        for directory in self._temporary:
            shutil.rmtree(directory, ignore_errors=True)
        self._temporary = []

    @property
    def url(self):
        """Base URL, e.g. ``http://127.0.0.1:9610``."""
        host, port = self._server.server_address[:2]
        if host in ("0.0.0.0", "::"):
            host = "127.0.0.1" if host == "0.0.0.0" else "::1"
        if ":" in host:
            host = f"[{host}]"
        return f"{self._server.scheme}://{host}:{port}"

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()
