"""AVD conference server ``sdkapi/v2`` (3tee / nice2meet), as /work/shared/api/avd.md documents it.

Each endpoint group is one module of this package; add a new group to :data:`GROUPS`. A group module
declares its endpoints with ``@route`` / ``@control_route``, its initial state in ``STATE`` and its part of
``GET /_emulator/state`` in ``snapshot(state)``.
"""
import time
from typing import NoReturn

from .. import Response, Vendor, json_response
from . import app, recordings, rooms, sip, upload, meetings, devices, avc, live, media

GROUPS = (app, rooms, sip, upload, recordings, meetings, devices, avc, live, media)

# Appendix A ("SDK对应错误码"): the "returned text" of every documented code. Handlers use the wording of the
# endpoint's own example where it differs (Q-AVD-45); this table supplies the text of injected errors.
ERRORS = {
    41001: "redis error",
    41002: "mysql error",
    41003: "http server request timeout",
    41005: "internal error",
    40001: "Authenticate failed, access_key or secret_key error",
    40002: "args required or error",
    40003: "access token check invalid",
    40004: "no such room id",
    40005: "room id exist",
    40006: "room already start auto_record",
    40007: "room has't start auto_record",
    40008: "user not in room",
    40009: "room not open or not exist",
    40019: "sip gate url exists",
    40020: "no such sip_gate id",
    40021: "phone number has already exist",
    40022: "no such account id",
    40023: "no sip gate set",
    40024: "account has'n been invited",
    40025: "sip service have no rpc_port,set service first",
    40026: "sip service no response",
    40030: "sip service internal error",
    40031: "user is in room",
    40032: "invalid address, check it correctly",
    40033: "no invite info for this user id",
    40034: "invite failed or internal error append msg",
    40035: "connect shut down, invite refused or check service port",
    40036: "not support this type",
    40037: "no such call record",
    40038: "not support this video_resolution",
    40039: "not support this frame_rate",
    40040: "room already has mix_record or mix_live",
    40041: "room hasn't start mix_record or mix_live",
    40042: "rpc connect down, check stream_exporter service port",
    40043: "internal error",
    40050: "room already has set avc mode",
    40051: "room hasn't set avc mode",
    40052: "Internal error return: room not found",
    40053: "site has force close avc_mode",
    40054: "no site params set, check init",
    40055: "site has force open avc_mode",
    40060: "room has already start live",
    40061: "room hasn't start live",
    40063: "Internal error or set error",
    40064: "connect shut down, check service",
    40065: "room live has been stoped",
    40070: "no company info in this site",
    40071: "no site licence set",
    40072: "no licence info",
    40073: "service not available",
    40080: "media has already exist",
    40081: "room doesn't have such play_id media",
    40082: "Internal error or set error",
    40083: "connect shut down, check service status",
    40084: "have no media info",
    40090: "录制id不存在",
    40101: "internal server error: no such push_info",
    40102: "no such pushing stream",
    40104: "connect shut down, check service status",
    10910: "上传文件信息错误, 请求体存放错误",
    10911: "未读取到文件信息",
    10912: "文件存储失败",
    10913: "文件读取失败",
}

BOOLEAN_VALUES = {"true": True, "false": False}


class AvdError(Exception):
    """An API-level error: HTTP 200 with ``{"ret"|"code": code, "msg": message}``."""

    def __init__(self, code, message):
        super().__init__(code, message)
        self.code = code
        self.message = message


class Call:
    """One AVD API call as its handler sees it: parameters, the vendor state and response helpers."""

    def __init__(self, vendor, route, request, state):
        self.vendor = vendor
        self.config = vendor.config
        self.request = request
        self.params = request.params
        self.state = state
        # Q-AVD-01: /room/close and /room/participate/* answer with "code" (200 = success) instead of "ret".
        self.envelope = route.options.get("envelope", "ret")

    @staticmethod
    def fail(code, message) -> NoReturn:
        """Raise an API-level error."""
        raise AvdError(code, message)

    def missing(self, name) -> NoReturn:
        """Raise the documented 40002 for a missing or malformed parameter."""
        self.fail(40002, f"args required or error: {name}")

    def param(self, name, default=None):
        """An optional parameter (an empty value is kept)."""
        return self.params.get(name, default)

    def require(self, name):
        """A required parameter; absent or empty -> 40002."""
        value = self.params.get(name, "")
        if value == "":
            self.missing(name)
        return value

    def boolean(self, name, default=None):
        """An optional boolean: exactly ``true``/``false`` as in every example (case-insensitive), else 40002."""
        if name not in self.params:
            return default
        value = BOOLEAN_VALUES.get(self.params[name].lower())
        if value is None:
            self.missing(name)
        return value

    def integer(self, name):
        """A required non-negative integer parameter (the SIP ids)."""
        value = self.require(name)
        if not (value.isascii() and value.isdigit()):
            self.missing(name)
        return int(value)

    def ok(self, **fields):
        """The success envelope of this endpoint plus ``fields``."""
        if self.envelope == "code":
            return {"code": 200, "msg": "success", **fields}
        return {"ret": 0, "msg": "success", **fields}

    def check_token(self):
        """Every endpoint except get_token and the upload ones takes a valid ``token``."""
        token = self.require("token")
        tokens = self.state["tokens"]
        expires = tokens.get(token)
        if expires is None or expires <= time.time():
            tokens.pop(token, None)
            self.fail(40003, "access token check invalid")

    def transaction(self):
        """Lock the vendor state (handlers of ``stream`` routes run unlocked)."""
        return self.vendor.transaction()


class Avd(Vendor):
    """The AVD vendor: routes of every group, state, envelopes and authentication."""
    name = "avd"
    groups = GROUPS

    @staticmethod
    def initial_state():
        """The state of a freshly installed server."""
        state = {}
        for group in GROUPS:
            state.update(group.STATE)
        return state

    @staticmethod
    def snapshot(state):
        """The public view for ``GET /_emulator/state``."""
        view = {}
        for group in GROUPS:
            view.update(group.snapshot(state))
        return view

    def handle(self, route, request):
        """Run one API call: token check, handler, envelope."""
        if route.options.get("stream"):
            # Streaming handlers (upload) must not hold the lock while the body arrives.
            return self._run(route, Call(self, route, request, None))
        with self.transaction() as state:
            return self._run(route, Call(self, route, request, state))

    @staticmethod
    def _run(route, call):
        try:
            if route.options.get("auth", True):
                call.check_token()
            result = route.handler(call)
        except AvdError as error:
            result = {call.envelope: error.code, "msg": error.message}
        return result if isinstance(result, Response) else json_response(result)

    @staticmethod
    def api_error(route, code, message=None):
        """An injected API-level error in the endpoint's own envelope."""
        return json_response({route.options.get("envelope", "ret"): code, "msg": message or ERRORS.get(code, "error")})


def create(config, store):
    """Plug-in entry point (see :mod:`rtcops_emulator.vendors`)."""
    return Avd(config, store)
