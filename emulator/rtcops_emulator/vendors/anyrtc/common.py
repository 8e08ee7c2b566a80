"""Helpers shared by the anyRTC modules: error bodies, configuration, authentication, rate limit and body parsing.

Error placement (Q-ARTC-04, unstated by the document, the emulator's choice): a numeric error code of "常见错误" is
sent as ``{"code": <n>, "reason": "<text>"}``; the string errors as ``{"message": "<text>"}`` (the style of the API
gateway whose message "no Route matched with those values" the document quotes).
"""
import base64
import binascii
import json
import time

from .. import json_response

CONTENT_TYPE = "application/json;charset=utf-8"
DEFAULT_CONFIG = {
    "resource_lifetime": 300,   # seconds a resource ID may wait for start (5 minutes)
    "rate_limit": 10,           # requests per App ID per rate_window
    "rate_window": 1,           # seconds
    "status_interval": 1,       # seconds between the status steps 1 -> 2 -> 3 -> 4 -> 5
    "hour_seconds": 3600,       # length of one resourceExpiredHour hour (shorten for tests)
    "ts_segments": 3,           # .ts files per .m3u8 playlist
    "uploading_status": "uploaded",  # stop's uploadingStatus: "uploaded" (200) or "backuped" (206)
}
REASONS = {
    2: "invalid parameter",
    7: "recording is already running with this resource ID",
    8: "invalid HTTP header field, method, URL or JSON body",
    49: "repeated stop request",
    53: "recording is already running",
    62: "cloud recording is not enabled for this App ID",
    432: "request parameters do not match the resource ID",
    433: "resource ID expired",
    501: "recording service is exiting",
    1001: "failed to decrypt the resource ID",
    1003: "App ID or sid does not match the resource ID",
    1013: "invalid channel name",
    1028: "invalid updateLayout request body",
}
SECRET_FIELDS = ("secretKey", "accessKey", "token", "secret")


class AnyRTCError(Exception):
    """A failed call: HTTP ``status`` and a JSON ``body``."""

    def __init__(self, status, body):
        super().__init__(status, body)
        self.status = status
        self.body = body


def coded(code, status=400, reason=None):
    """An error carrying a documented numeric code."""
    return AnyRTCError(status, {"code": code, "reason": reason or REASONS.get(code, "error")})


def message(status, text):
    """An error carrying one of the documented string messages."""
    return AnyRTCError(status, {"message": text})


def error_response(error):
    """The JSON reply of an :class:`AnyRTCError`."""
    return json_response(error.body, error.status)


def masked(value):
    """A deep copy of a request body with storage/VOD keys, tokens and decryption secrets replaced by ``***``."""
    if isinstance(value, dict):
        return {name: "***" if name in SECRET_FIELDS else masked(item) for name, item in value.items()}
    if isinstance(value, list):
        return [masked(item) for item in value]
    return value


def credentials(request):
    """(customer id, certificate) from ``Authorization: Basic``; None when absent or malformed."""
    header = request.headers.get("Authorization", "")
    scheme, dummy, encoded = header.partition(" ")
    if scheme != "Basic" or not encoded:
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    customer, colon, certificate = decoded.partition(":")
    return (customer, certificate) if colon else None


def authorise(state, request, app_id):
    """Check credentials, App ID and rate limit; returns the app. Order: 401, 400 invalid appid, 429."""
    given = credentials(request)
    if given is None or given[0] not in state["customers"] or state["customers"][given[0]] != given[1]:
        raise message(401, "Invalid authentication credentials")
    app = state["apps"].get(app_id)
    if app is None:
        raise message(400, "invalid appid")
    if app["customer_id"] != given[0]:
        raise message(401, "Invalid authentication credentials")
    now = time.time()
    window = state["config"]["rate_window"]
    app["recent"] = [moment for moment in app["recent"] if now - moment < window]
    if len(app["recent"]) >= state["config"]["rate_limit"]:
        app["rate_limited"] += 1
        raise message(429, "API rate limit exceeded")
    app["recent"].append(now)
    return app


def read_raw(request):
    """The whole request body (read before any check, so every reply leaves the connection usable)."""
    return request.body.read_all() if request.body is not None else b""


def parse_body(request, raw):
    """The JSON object body after the exact Content-type rule (error 8, Q-ARTC-29); also logged, secrets masked."""
    if request.headers.get("Content-Type") != CONTENT_TYPE:
        raise coded(8)
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise coded(8) from error
    if not isinstance(document, dict):
        raise coded(8)
    request.add_params(masked(document))
    return document
