"""``GET /v2/snapshot`` (snapshots.md 1.2) and the download host its URLs point to.

Order of checks: parameters (41201), app (41201), token (41202), frequency (41205), room (41203), streams (41204).
A request that passes the frequency check starts the app's next window, whatever its outcome.
"""
import datetime
import time

from .. import Response, html_page, json_response, route
from .common import FREQUENCY_EXCEEDED, INVALID_PARAMETER, INVALID_TOKEN, NO_STREAM, ROOM_NOT_EXIST, WilddogError, render_jpeg

# The download host is in Shanghai ("bt-sh-"); the date folder uses China Standard Time.
CHINA = datetime.timezone(datetime.timedelta(hours=8))
DOWNLOAD_PREFIX = "/_wilddog/download"


def _url_path(app_id, room_id, stream_id, ts):
    """``/_wilddog/download/<yyyymmdd>/<appId>/<roomId>@<appId>_<streamId>_<ts>.jpg`` (Q-WD-08)."""
    date = datetime.datetime.fromtimestamp(ts / 1000, CHINA).strftime("%Y%m%d")
    return f"{DOWNLOAD_PREFIX}/{date}/{app_id}/{room_id}@{app_id}_{stream_id}_{ts}.jpg"


def _authorise(request, state):
    """Parameters, app and token; returns (app_id, room_id, app)."""
    values = [request.params.get(name, "") for name in ("appId", "roomId", "token")]
    if "" in values:
        raise WilddogError(INVALID_PARAMETER)
    app_id, room_id, token = values
    app = state["apps"].get(app_id)
    if app is None:
        raise WilddogError(INVALID_PARAMETER)
    if token != app["admin_token"]:
        raise WilddogError(INVALID_TOKEN)
    return app_id, room_id, app


@route("GET", "/v2/snapshot")
def take_snapshot(vendor, request):
    """One image per live stream of the room -> ``{"code": 0, "url": [...]}``; the images appear later."""
    with vendor.transaction() as state:
        app_id, room_id, app = _authorise(request, state)
        now = time.time()
        last = app.get("last_request")
        if last is not None and now - last < state["config"]["rate_window"]:
            raise WilddogError(FREQUENCY_EXCEEDED)
        app["last_request"] = now
        app["snapshot_requests"] += 1
        streams = app["rooms"].get(room_id)
        if streams is None:
            raise WilddogError(ROOM_NOT_EXIST)
        if not streams:
            raise WilddogError(NO_STREAM)
        ts = int(now * 1000)
        ready_at = now + state["config"]["image_delay"]
        paths = []
        for stream_id in streams:
            path = _url_path(app_id, room_id, stream_id, ts)
            state["images"][path] = {"app_id": app_id, "room_id": room_id, "stream_id": stream_id, "ts": ts, "ready_at": ready_at}
            paths.append(path)
    return json_response({"code": 0, "url": [request.base_url + path for path in paths]})


@route("GET|HEAD", DOWNLOAD_PREFIX + "/{date}/{app_id}/{name}", download=True)
def download(vendor, request):
    """The snapshot image (``image/jpeg``) once ready; 404 before that and for unknown names."""
    path = f"{DOWNLOAD_PREFIX}/{request.path_args['date']}/{request.path_args['app_id']}/{request.path_args['name']}"
    with vendor.transaction() as state:
        info = state["images"].get(path)
        if info is None or time.time() < info["ready_at"]:
            return html_page(404)
        fields = [info["app_id"], info["room_id"], info["stream_id"], info["ts"]]
    return Response(body=render_jpeg(fields), content_type="image/jpeg")
