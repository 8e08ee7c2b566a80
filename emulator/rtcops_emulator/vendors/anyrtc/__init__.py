"""anyRTC cloud recording RESTful API, as /work/shared/api/anyrtc-recording.md (seed 004_7dbc006c0fdd7f1a.txt) documents it.

Calls under ``/v1/apps/<appid>/cloud_recording`` with HTTP Basic authentication (customer id : customer certificate,
Q-ARTC-03); HTTP statuses carry the outcome (Q-ARTC-02). Customers, apps and the channels' publishing UIDs exist only
through the control API (``POST /_emulator/anyrtc/apps``). Recorded files are served by ``/_anyrtc/storage/...``, the
stand-in for the third-party cloud storage.
"""
from .. import Response, Vendor, html_page, json_response
from . import apps, recording, storage
from .common import DEFAULT_CONFIG, REASONS

# storage before recording: recording's catch-all route must come last.
GROUPS = (apps, storage, recording)


class AnyRTC(Vendor):
    """The anyRTC vendor: routes, state and its error bodies."""
    name = "anyrtc"
    groups = GROUPS

    @staticmethod
    def initial_state():
        """No customers, apps, resources, sessions or files; default configuration.

        ``customers`` maps customer id -> certificate; ``apps`` app_id -> {"customer_id", "channels", "recording_enabled",
        "recent", "acquired", "rate_limited"}; ``resources`` resource ID -> {"app_id", "cname", "uid", "hours",
        "acquired_at", "sid"}; ``sessions`` sid -> the recording; ``files`` "<bucket>/<key>" -> what to render.
        """
        return {"customers": {}, "apps": {}, "resources": {}, "sessions": {}, "files": {}, "config": dict(DEFAULT_CONFIG)}

    @staticmethod
    def app_view(app):
        """The public view of one app."""
        return {"customer_id": app["customer_id"], "customer_certificate": "***", "recording_enabled": app["recording_enabled"],
                "channels": {cname: list(uids) for cname, uids in sorted(app["channels"].items())},
                "resources_acquired": app["acquired"], "rate_limited": app["rate_limited"]}

    def snapshot(self, state):
        """The public view for ``GET /_emulator/state`` (certificates and storage keys never appear)."""
        sessions = {sid: {name: session[name] for name in ("app_id", "cname", "uid", "mode", "kind", "bucket", "prefix", "updates", "layout_updates", "hours")}
                    | {"subscription": session.get("subscription")}
                    | {"stopped": session["stopped_at"] is not None} for sid, session in sorted(state["sessions"].items())}
        return {"apps": {app_id: self.app_view(app) for app_id, app in sorted(state["apps"].items())},
                "resources": len(state["resources"]), "sessions": sessions,
                "files": sorted(storage.download_path(*name.split("/", 1)) for name in state["files"]),
                "config": dict(state["config"])}

    def handle(self, route, request):
        """Run one call (handlers turn their own errors into replies)."""
        return route.handler(self, request)

    @staticmethod
    def api_error(route, code, message=None):
        """An injected error: ``{"code", "reason"}`` with HTTP 400 on API calls; HTTP ``code`` (400-599, else 500) on downloads."""
        if not route.options.get("download"):
            return json_response({"code": code, "reason": message or REASONS.get(code, "error")}, 400)
        status = code if 400 <= code <= 599 else 500
        try:
            return html_page(status)
        except KeyError:
            return Response(status=status, body=(message or f"{status}").encode("utf-8"), content_type="text/plain")


def create(config, store):
    """Plug-in entry point (see :mod:`rtcops_emulator.vendors`)."""
    return AnyRTC(config, store)
