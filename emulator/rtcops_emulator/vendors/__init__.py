"""Vendor plug-in interface.

A vendor is a sub-package of this package. Its endpoint-group modules declare endpoints with
:func:`route` (vendor API) and :func:`control_route` (vendor part of the ``/_emulator/`` control API);
its ``__init__`` exposes ``create(config, store)`` returning an object with:

* ``name``: the key of the vendor's state in the store and in ``GET /_emulator/state``;
* ``routes`` / ``control_routes``: lists of :class:`Route`;
* ``initial_state()``: a fresh, JSON-serialisable state dict;
* ``snapshot(state)``: the public view of that state for ``GET /_emulator/state``;
* ``handle(route, request)``: run a vendor API call, returning a :class:`Response`;
* ``api_error(route, code, message)``: the vendor's API-level error response (used by fault injection);
* ``reset()``: forget runtime data kept outside the store (e.g. uploaded files).
"""
import importlib
import json
import os
import shutil
from dataclasses import dataclass, field
from typing import Callable, Iterable, Optional, Union

VENDORS = ("avd", "topvdn", "netless", "wilddog", "anyrtc")


@dataclass
class Route:
    """One endpoint: methods, path (``{name}`` segment / ``{name*}`` rest-of-path placeholders), handler and options.

    Options the server reads: ``stream`` (the handler reads the request body itself) and ``download`` (the route
    serves files: its 200 replies honour ``Range``, and vendors answer injected ``ret`` faults there as HTTP errors).
    Other options belong to the vendor.
    """
    methods: tuple
    path: str
    handler: Callable
    options: dict = field(default_factory=dict)


@dataclass
class Response:
    """An HTTP response; ``body`` is bytes or an iterable of byte chunks (a :class:`FileBody` for a file on disk).

    ``length`` overrides ``len(body)``: required for an iterable body, and used for HEAD replies without a body.
    ``headers`` are extra (name, value) pairs, e.g. ``(("Location", url),)`` for a redirect.
    """
    status: int = 200
    body: Union[bytes, Iterable[bytes]] = b""
    content_type: str = "application/json;charset=utf-8"
    length: Optional[int] = None
    headers: tuple = ()


# Piece size of file replies: bounded memory however large the file.
FILE_CHUNK = 64 * 1024


class FileBody:
    """A reply body read from an open file in pieces while it is written, then closed.

    :meth:`part` gives a byte range of it that seeks to its start instead of reading what precedes it.
    """

    def __init__(self, handle, start=0, stop=None):
        self._handle = handle
        self._start = start
        self._stop = stop

    def part(self, start, stop):
        """Bytes ``start`` (included) to ``stop`` (excluded) of this body, sharing its file."""
        return FileBody(self._handle, self._start + start, self._start + stop)

    def __iter__(self):
        with self._handle:
            self._handle.seek(self._start)
            remaining = None if self._stop is None else self._stop - self._start
            while remaining is None or remaining > 0:
                chunk = self._handle.read(FILE_CHUNK if remaining is None else min(FILE_CHUNK, remaining))
                if not chunk:
                    return
                if remaining is not None:
                    remaining -= len(chunk)
                yield chunk

    def close(self):
        """Close the file without sending it (a reply that replaces this one)."""
        self._handle.close()


# Error pages as nginx (in front of the documented servers) writes them; the redirect and 408/416/502/504 titles
# are for injected faults and Range replies. Spellings are nginx's own ("Time-out").
NGINX_TITLES = {
    301: "301 Moved Permanently",
    302: "302 Found",
    303: "303 See Other",
    307: "307 Temporary Redirect",
    308: "308 Permanent Redirect",
    400: "400 Bad Request",
    404: "404 Not Found",
    405: "405 Not Allowed",
    408: "408 Request Time-out",
    413: "413 Request Entity Too Large",
    416: "416 Requested Range Not Satisfiable",
    429: "429 Too Many Requests",
    500: "500 Internal Server Error",
    502: "502 Bad Gateway",
    503: "503 Service Temporarily Unavailable",
    504: "504 Gateway Time-out",
}


def json_response(document, status=200):
    """A JSON response with the charset the vendor documents use."""
    return Response(status=status, body=json.dumps(document, ensure_ascii=False).encode("utf-8"))


def html_page(status):
    """An nginx-style HTML error page."""
    title = NGINX_TITLES[status]
    page = (f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
            f"<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")
    return Response(status=status, body=page.encode("ascii"), content_type="text/html")


def route(methods, path, **options):
    """Declare a vendor API endpoint, e.g. ``@route("GET|POST", "/sdkapi/v2/room/create")``."""
    def decorate(handler):
        handler.api_route = Route(tuple(methods.split("|")), path, handler, options)
        return handler
    return decorate


def control_route(methods, path):
    """Declare a vendor control endpoint under ``/_emulator/<vendor>/``."""
    def decorate(handler):
        handler.control_route = Route(tuple(methods.split("|")), path, handler)
        return handler
    return decorate


def collect(modules, attribute):
    """The routes declared (with ``attribute`` = ``api_route`` or ``control_route``) in ``modules``."""
    found = []
    for module in modules:
        for value in vars(module).values():
            declared = getattr(value, attribute, None)
            if isinstance(declared, Route):
                found.append(declared)
    return found


class Vendor:
    """What every vendor shares: routes collected from its endpoint groups, its part of the store, its directory.

    A subclass sets ``name`` and ``groups`` and adds ``initial_state``, ``snapshot``, ``handle`` and ``api_error``.
    """
    name = None
    groups = ()

    def __init__(self, config, store):
        self.config = config
        self.store = store
        self.data_dir = os.path.join(config.data_dir, self.name)
        self.routes = collect(self.groups, "api_route")
        self.control_routes = collect(self.groups, "control_route")

    def transaction(self):
        """Lock the store and yield this vendor's state."""
        return self.store.transaction(self.name)

    def reset(self):
        """Forget what is kept outside the store (files under ``data_dir``)."""
        shutil.rmtree(self.data_dir, ignore_errors=True)


def load(config, store):
    """Instantiate every vendor in :data:`VENDORS`."""
    return [importlib.import_module(f"{__name__}.{name}").create(config, store) for name in VENDORS]
