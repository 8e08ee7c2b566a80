"""Netless interactive-whiteboard screenshots, as /work/shared/api/snapshots.md section 2 documents them.

HTTP 201 is success, any other status a failure with ``{"message": ...}`` (Q-NL-02). Rooms, their scenes and
their tokens exist only through the control API (``POST /_emulator/netless/rooms``). The PNG files "uploaded to
your cloud storage" are kept under ``<data dir>/netless/storage/<bucket>/<key>`` and served by this emulator at
``/_storage/<bucket>/<key>``.
"""
import os

from .. import Vendor
from . import rooms, screenshots
from .common import REGIONS, WRITE_PERMISSIONS, NetlessError, error_response

GROUPS = (rooms, screenshots)


class Netless(Vendor):
    """The Netless vendor: routes, state, stored screenshots and the header checks."""
    name = "netless"
    groups = GROUPS

    @staticmethod
    def initial_state():
        """No rooms, nothing stored. ``stored`` maps "<bucket>/<key>" -> {"bucket", "key", "sha256", "size"}."""
        return {"rooms": {}, "stored": {}}

    @staticmethod
    def room_view(room):
        """The public view of one room (tokens masked)."""
        return {
            "scenes": [{"path": path, "version": version} for path, version in room["scenes"]],
            "current_directory": room["current_directory"],
            "team": room["team"],
            "bucket": room["bucket"],
            "storage_region": room["storage_region"],
            "tokens": [{"token": "***", "permission": permission} for permission in room["tokens"].values()],
            "screenshots_taken": room["screenshots_taken"],
        }

    def snapshot(self, state):
        """The public view for ``GET /_emulator/state``."""
        stored = [{"bucket": info["bucket"], "key": info["key"], "sha256": info["sha256"], "size": info["size"]}
                  for dummy, info in sorted(state["stored"].items())]
        return {"rooms": {uuid: self.room_view(room) for uuid, room in sorted(state["rooms"].items())}, "stored": stored}

    def storage_path(self, bucket, key):
        """Where a stored object's bytes are kept (bucket and key are validated before they get here)."""
        return os.path.join(self.data_dir, "storage", bucket, *key.split("/"))

    @staticmethod
    def authorise(request, state):
        """Headers and room: ``region`` (400), ``token`` (401/403), room (404). Returns the room."""
        region = request.headers.get("region")
        if region is not None and region not in REGIONS:
            raise NetlessError(400, "region must be cn-hz or us-sv")
        token = request.headers.get("token") or ""
        if token == "":
            raise NetlessError(401, "the token header is required")
        room = state["rooms"].get(request.path_args["uuid"])
        if room is None:
            raise NetlessError(404, "room not found")
        permission = room["tokens"].get(token)
        if permission is None:
            raise NetlessError(401, "token is invalid for this room")
        if permission not in WRITE_PERMISSIONS:
            raise NetlessError(403)
        return room

    def handle(self, route, request):
        """Run one API call."""
        try:
            return route.handler(self, request)
        except NetlessError as error:
            return error_response(error.status, error.message)

    @staticmethod
    def api_error(_route, code, message=None):
        """An injected error: ``code`` is the HTTP status (400-599, anything else becomes 500)."""
        status = code if 400 <= code <= 599 else 500
        return error_response(status, message)


def create(config, store):
    """Plug-in entry point (see :mod:`rtcops_emulator.vendors`)."""
    return Netless(config, store)
