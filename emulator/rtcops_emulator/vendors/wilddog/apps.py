"""Control API: apps (admin token, rooms and their live streams) and the timing configuration."""
import math
import re

from .. import control_route, json_response
from .common import DEFAULT_CONFIG

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
USAGE = 'body must be {"app_id": "<id>", "admin_token": "<token>", "rooms": {"<room id>": ["<stream id>", ...]}}'


def _rooms(value):
    """The validated rooms mapping, or None."""
    if not isinstance(value, dict):
        return None
    rooms = {}
    for room_id, streams in value.items():
        if not NAME.match(room_id) or not isinstance(streams, list):
            return None
        if any(not isinstance(stream, str) or not NAME.match(stream) for stream in streams) or len(set(streams)) != len(streams):
            return None
        rooms[room_id] = list(streams)
    return rooms


@control_route("POST", "/_emulator/wilddog/apps")
def put_app(vendor, request):
    """Create or replace an app (its request count and frequency window start again)."""
    document = request.document
    if not isinstance(document, dict):
        return json_response({"error": USAGE}, 400)
    app_id, token = document.get("app_id"), document.get("admin_token")
    if not isinstance(app_id, str) or not NAME.match(app_id):
        return json_response({"error": "app_id must be 1-64 characters of letters, digits, '.', '_' or '-'"}, 400)
    if not isinstance(token, str) or token == "":
        return json_response({"error": "admin_token must be a non-empty string"}, 400)
    rooms = _rooms(document.get("rooms", {}))
    if rooms is None:
        return json_response({"error": "rooms must map room ids to lists of unique stream ids "
                                       "(1-64 characters of letters, digits, '.', '_' or '-')"}, 400)
    app = {"admin_token": token, "rooms": rooms, "snapshot_requests": 0, "last_request": None}
    with vendor.transaction() as state:
        state["apps"][app_id] = app
        return json_response({"app_id": app_id, **vendor.app_view(app)})


@control_route("GET", "/_emulator/wilddog/config")
def get_config(vendor, _request):
    """The current timing configuration."""
    with vendor.transaction() as state:
        return json_response(dict(state["config"]))


@control_route("POST", "/_emulator/wilddog/config")
def put_config(vendor, request):
    """Set ``rate_window`` and/or ``image_delay`` (non-negative seconds) -> the whole configuration."""
    document = request.document
    if not isinstance(document, dict) or not set(document) <= set(DEFAULT_CONFIG):
        return json_response({"error": 'body must be {"rate_window": seconds, "image_delay": seconds}'}, 400)
    for name, value in document.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
            return json_response({"error": f"{name} must be a non-negative number of seconds"}, 400)
    with vendor.transaction() as state:
        state["config"].update(document)
        return json_response(dict(state["config"]))
