"""Control API: customers (Basic-auth pairs), apps with their channels' publishing UIDs, and the configuration."""
import math
import re

from .. import control_route, json_response
from .common import DEFAULT_CONFIG

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
USAGE = ('body must be {"app_id": "<id>", "customer_id": "<id>", "customer_certificate": "<secret>", '
         '"channels": {"<cname>": ["<publishing uid>", ...]}, "recording_enabled": true}')


def _channels(value):
    """The validated channels mapping, or None."""
    if not isinstance(value, dict):
        return None
    for uids in value.values():
        if not isinstance(uids, list) or any(not isinstance(uid, str) or not uid for uid in uids) or len(set(uids)) != len(uids):
            return None
    return {cname: list(uids) for cname, uids in value.items()}


def _app_problem(document):
    """What is wrong with a put_app body, or None."""
    if not isinstance(document, dict):
        return USAGE
    app_id, customer, certificate = (document.get(name) for name in ("app_id", "customer_id", "customer_certificate"))
    problems = (
        (not isinstance(app_id, str) or not NAME.match(app_id), "app_id must be 1-64 characters of letters, digits, '.', '_' or '-'"),
        (not isinstance(customer, str) or not customer or ":" in customer, "customer_id must be a non-empty string without ':'"),
        (not isinstance(certificate, str) or not certificate, "customer_certificate must be a non-empty string"),
        (_channels(document.get("channels", {})) is None, "channels must map channel names to lists of unique non-empty UID strings"),
        (not isinstance(document.get("recording_enabled", True), bool), "recording_enabled must be true or false"),
    )
    return next((text for failed, text in problems if failed), None)


@control_route("POST", "/_emulator/anyrtc/apps")
def put_app(vendor, request):
    """Create or replace an app and its customer's credentials (the customer's certificate is replaced too)."""
    document = request.document
    problem = _app_problem(document)
    if problem:
        return json_response({"error": problem}, 400)
    app_id, customer, certificate = document["app_id"], document["customer_id"], document["customer_certificate"]
    channels, enabled = _channels(document.get("channels", {})), document.get("recording_enabled", True)
    app = {"customer_id": customer, "channels": channels, "recording_enabled": enabled, "recent": [], "acquired": 0, "rate_limited": 0}
    with vendor.transaction() as state:
        state["customers"][customer] = certificate
        state["apps"][app_id] = app
        return json_response({"app_id": app_id, **vendor.app_view(app)})


@control_route("POST", "/_emulator/anyrtc/apps/{app_id}/channels/{cname}")
def put_channel(vendor, request):
    """Set the publishing UIDs of one channel: body ``{"uids": [...]}`` (affects recordings started afterwards)."""
    document = request.document
    uids = document.get("uids") if isinstance(document, dict) else None
    checked = _channels({"c": uids})
    if checked is None:
        return json_response({"error": 'body must be {"uids": ["<uid>", ...]} with unique non-empty strings'}, 400)
    with vendor.transaction() as state:
        app = state["apps"].get(request.path_args["app_id"])
        if app is None:
            return json_response({"error": "unknown app"}, 404)
        app["channels"][request.path_args["cname"]] = checked["c"]
        return json_response({"app_id": request.path_args["app_id"], **vendor.app_view(app)})


@control_route("GET", "/_emulator/anyrtc/config")
def get_config(vendor, _request):
    """The current configuration."""
    with vendor.transaction() as state:
        return json_response(dict(state["config"]))


@control_route("POST", "/_emulator/anyrtc/config")
def put_config(vendor, request):
    """Set any of the DEFAULT_CONFIG keys -> the whole configuration."""
    document = request.document
    if not isinstance(document, dict) or not set(document) <= set(DEFAULT_CONFIG):
        return json_response({"error": f"body must be an object with some of {', '.join(DEFAULT_CONFIG)}"}, 400)
    for name, value in document.items():
        if name == "uploading_status":
            if value not in ("uploaded", "backuped"):
                return json_response({"error": "uploading_status must be uploaded or backuped"}, 400)
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
            return json_response({"error": f"{name} must be a non-negative number"}, 400)
        if name in ("rate_limit", "ts_segments") and (not isinstance(value, int) or value < 1):
            return json_response({"error": f"{name} must be a positive integer"}, 400)
    with vendor.transaction() as state:
        state["config"].update(document)
        return json_response(dict(state["config"]))
