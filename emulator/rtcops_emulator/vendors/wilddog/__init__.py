"""Wilddog cloud snapshot ("云端截图"), as /work/shared/api/snapshots.md section 1 documents it.

``GET /v2/snapshot`` answers HTTP 200 with the body-code envelope (Q-WD-04): ``{"code": 0, "url": [...]}`` or
``{"code": <4120x>, "message": ...}``. Apps, their admin tokens, rooms and live streams exist only through the control
API (``POST /_emulator/wilddog/apps``). The returned URLs point to ``/_wilddog/download/...`` on this emulator; each
image becomes downloadable only ``image_delay`` seconds after the request (Q-WD-02). Images are rendered on demand
from (appId, roomId, streamId, ts), so nothing is written to disk.
"""
import time

from .. import Response, Vendor, html_page
from . import apps, snapshot
from .common import DEFAULT_CONFIG, WilddogError, error_response

GROUPS = (apps, snapshot)


class Wilddog(Vendor):
    """The Wilddog vendor: routes, state and the body-code envelope."""
    name = "wilddog"
    groups = GROUPS

    @staticmethod
    def initial_state():
        """No apps, no images, default timing.

        ``apps`` maps app_id -> {"admin_token", "rooms": {room_id: [stream ids]}, "snapshot_requests", "last_request"};
        ``images`` maps URL path -> {"app_id", "room_id", "stream_id", "ts", "ready_at"} (wall-clock seconds).
        """
        return {"apps": {}, "images": {}, "config": dict(DEFAULT_CONFIG)}

    @staticmethod
    def app_view(app):
        """The public view of one app (token masked)."""
        return {"admin_token": "***", "rooms": {room: list(streams) for room, streams in sorted(app["rooms"].items())},
                "snapshot_requests": app["snapshot_requests"]}

    def snapshot(self, state):
        """The public view for ``GET /_emulator/state``."""
        now = time.time()
        images = [{"url_path": path, "ready": now >= info["ready_at"]} for path, info in sorted(state["images"].items())]
        return {"apps": {app_id: self.app_view(app) for app_id, app in sorted(state["apps"].items())},
                "images": images, "config": dict(state["config"])}

    def handle(self, route, request):
        """Run one API call."""
        try:
            return route.handler(self, request)
        except WilddogError as error:
            return error_response(error.code, error.message)

    @staticmethod
    def api_error(route, code, message=None):
        """An injected error: ``{"code", "message"}`` on ``/v2/snapshot``; HTTP status ``code`` (400-599, else 500) on downloads."""
        if not route.options.get("download"):
            return error_response(code, message)
        status = code if 400 <= code <= 599 else 500
        try:
            return html_page(status)
        except KeyError:
            return Response(status=status, body=(message or f"{status}").encode("utf-8"), content_type="text/plain")


def create(config, store):
    """Plug-in entry point (see :mod:`rtcops_emulator.vendors`)."""
    return Wilddog(config, store)
