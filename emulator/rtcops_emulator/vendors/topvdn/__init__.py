"""Topvdn (羚羊云) Web API device snapshots, as /work/shared/api/snapshots.md section 3 documents it.

Plain HTTP status codes (200, 400, 401, 403, 404, 500) carry the outcome; error bodies are unstated (Q-TV-08),
the emulator sends ``{"error": "<text>"}``. Devices and their ``client_token`` exist only through the control
API (``POST /_emulator/topvdn/devices``). Images live on disk under ``<data dir>/topvdn/devices/<client_id>/``.
"""
import os

from .. import FileBody, Response, Vendor
from . import devices, snapshots
from .common import STATUS_TEXT, TopvdnError, error_response

GROUPS = (devices, snapshots)


class Topvdn(Vendor):
    """The Topvdn vendor: routes, state, device files and the token check."""
    name = "topvdn"
    groups = GROUPS

    @staticmethod
    def initial_state():
        """No devices: ``devices`` maps str(client_id) -> {"client_token", "uploads", "cover"|"pushing"|"record": info or None}."""
        return {"devices": {}}

    @staticmethod
    def snapshot(state):
        """The public view for ``GET /_emulator/state`` (tokens masked)."""
        view = {}
        for client_id, device in sorted(state["devices"].items(), key=lambda item: int(item[0])):
            cover = device["cover"]
            view[client_id] = {
                "client_token": "***",
                "has_cover": cover is not None,
                "cover_sha256": cover["sha256"] if cover else None,
                "pushing": device["pushing"] is not None,
                "recording_snapshot": device["record"] is not None,
                "uploads": device["uploads"],
            }
        return {"devices": view}

    def image_path(self, client_id, kind):
        """Where a device's ``cover``, ``pushing`` or ``record`` image is kept."""
        return os.path.join(self.data_dir, "devices", str(client_id), kind)

    @staticmethod
    def authorise(request, state):
        """Section 3 "权限验证": the calling device's own ``client_token``. Returns (client_id, device).

        400 for a non-integer ``client_id`` or a missing ``client_token``, 401 for a token no device has,
        403 for the token of another device.
        """
        raw_id = request.path_args["client_id"]
        if not (raw_id.isascii() and raw_id.isdigit()):
            raise TopvdnError(400, "client_id must be an integer")
        token = request.params.get("client_token", "")
        if token == "":
            raise TopvdnError(400, "client_token is required")
        owner = next((key for key, device in state["devices"].items() if device["client_token"] == token), None)
        if owner is None:
            raise TopvdnError(401)
        client_id = str(int(raw_id))
        if owner != client_id:
            raise TopvdnError(403)
        return client_id, state["devices"][client_id]

    def handle(self, route, request):
        """Run one API call; handlers lock the state themselves (the upload must not hold it while reading)."""
        try:
            return route.handler(self, request)
        except TopvdnError as error:
            return error_response(error.status, error.message)

    @staticmethod
    def api_error(_route, code, message=None):
        """An injected error: ``code`` is the HTTP status (400-599, anything else becomes 500)."""
        status = code if 400 <= code <= 599 else 500
        return error_response(status, message or STATUS_TEXT.get(code))

    def serve_image(self, client_id, kind, info):
        """A 200 reply streaming a stored image with its content type (404 if the file went missing)."""
        try:
            handle = open(self.image_path(client_id, kind), "rb")  # pylint: disable=consider-using-with
        except OSError as error:
            raise TopvdnError(404) from error
        return Response(body=FileBody(handle), content_type=info["content_type"], length=info["size"])


def create(config, store):
    """Plug-in entry point (see :mod:`rtcops_emulator.vendors`)."""
    return Topvdn(config, store)
