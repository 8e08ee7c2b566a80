"""System / app endpoints (avd.md section 2) and the token control endpoint."""
import base64
import secrets
import time
from collections import Counter

from .. import control_route, json_response, route

STATE = {"tokens": {}, "tokens_issued": 0, "file_permits": []}

# The value of the /app/get_system_info example (hard-wrapped in the document, joined here).
SYS_INFO = (
    "462ce9ef42ab3d1ea6a73542247d6504f54f8276e2574c3c6f00f3584b13328cbe98b2ac3a21348"
    "fa08704443c437354ee30897ae9574f5436b561b89d4d518782e30edb038d43bfebccfbde792c7bc"
    "00f50f6ee950ccd35778b8af3c0fbca83d32ac6556a87b945b31c2782701c9fd9bed7807abfadc9"
    "da459a45f7021f148"
)


def snapshot(state):
    """This group's part of ``GET /_emulator/state``."""
    return {"file_permits": list(state["file_permits"]), "tokens_issued": state["tokens_issued"]}


def new_token():
    """A random Base64 token that always contains ``+`` and ``/`` and ends with ``=``.

    Q-AVD-30: a client that does not URL-encode it sends a token the server cannot recognise.
    """
    while True:
        token = base64.b64encode(secrets.token_bytes(40)).decode("ascii")
        if "+" in token and "/" in token:
            return token


def _same(given, expected):
    return secrets.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def participants(state):
    """Every participant of every meeting in progress."""
    return [person for meeting in state["meetings"].values() for person in meeting["participants"]]


@route("GET|POST", "/sdkapi/v2/app/get_token", auth=False)
def get_token(call):
    """2.1: exchange access_key + secret_key for a token."""
    access_key = call.require("access_key")
    secret_key = call.require("secret_key")
    if not (_same(access_key, call.config.access_key) and _same(secret_key, call.config.secret_key)):
        call.fail(40001, "Authenticate failed, access_key or secret_key error")
    now = time.time()
    tokens = {token: expires for token, expires in call.state["tokens"].items() if expires > now}
    token = new_token()
    tokens[token] = now + call.config.token_ttl
    call.state["tokens"] = tokens
    call.state["tokens_issued"] += 1
    call.config.issued_tokens.append(token)
    # Q-AVD-01 / Q-AVD-60: the success example has no "msg".
    return {"ret": 0, "token": token}


@route("GET|POST", "/sdkapi/v2/app/get_licence_info")
def get_licence_info(call):
    """2.2: online users and licensed maximum."""
    return call.ok(active_usernum=len(participants(call.state)), max_users=call.config.max_users)


@route("GET|POST", "/sdkapi/v2/app/get_system_info")
def get_system_info(call):
    """2.3: the server's encrypted system information (Q-AVD-20)."""
    return call.ok(sys_info=SYS_INFO)


@route("GET|POST", "/sdkapi/v2/app/apply_file_permit")
def apply_file_permit(call):
    """2.4: apply a file permit (Q-AVD-64: no read-back endpoint exists)."""
    certificate = call.require("licence_cert")
    if certificate not in call.state["file_permits"]:
        call.state["file_permits"].append(certificate)
    return call.ok()


@route("GET|POST", "/sdkapi/v2/app/delete_file_permit")
def delete_file_permit(call):
    """2.5: delete a file permit."""
    certificate = call.require("licence_cert")
    if certificate in call.state["file_permits"]:
        call.state["file_permits"].remove(certificate)
    return call.ok()


@route("GET|POST", "/sdkapi/v2/app/get_key_licence")
def get_key_licence(call):
    """2.6: online users of an access_key per terminal type (Q-AVD-65: "detail" is an object, "info" undocumented)."""
    access_key = call.require("access_key")
    people = participants(call.state) if access_key == call.config.access_key else []
    counts = Counter(person["type"] for person in people)
    return call.ok(detail={kind: {"count": count} for kind, count in counts.items()}, info={}, usernum=len(people))


@control_route("POST", "/_emulator/avd/tokens/expire")
def expire_tokens(vendor, _request):
    """Invalidate every issued token (the next call answers 40003)."""
    with vendor.transaction() as state:
        expired = len(state["tokens"])
        state["tokens"] = {}
    return json_response({"expired": expired})
