"""SIP gateways and SIP accounts (avd.md sections 9 and 10)."""
from .. import route

# Gateways and accounts keyed by their id as a string (JSON keys); ids are sequential and never reused.
STATE = {"sip_gates": {}, "sip_accounts": {}, "next_gate_id": 1, "next_account_id": 1}

# Read-only codecs of every account, as in the /sip/account/read example (Q-AVD-54).
CODECS = {"recv_audio_codec": "PCMU", "send_audio_codec": "PCMU", "recv_video_codec": "H264", "send_video_codec": "H264"}


def snapshot(state):
    """This group's part of ``GET /_emulator/state``."""
    return {
        "sip_gates": [state["sip_gates"][key] for key in sorted(state["sip_gates"], key=int)],
        "sip_accounts": [state["sip_accounts"][key] for key in sorted(state["sip_accounts"], key=int)],
    }


def _gate(call):
    gate = call.state["sip_gates"].get(str(call.integer("sip_gate_id")))
    if gate is None:
        call.fail(40020, "no such sip_gate_id")
    return gate


def _account(call):
    account = call.state["sip_accounts"].get(str(call.integer("account_id")))
    if account is None:
        call.fail(40022, "no such account_id")
    return account


def _check_url_free(call, url, gate_id=None):
    # Q-AVD-55: the gateway address is unique; the name is not.
    if any(gate["url"] == url and gate["gate_id"] != gate_id for gate in call.state["sip_gates"].values()):
        call.fail(40019, "sip gate url exists")


def _check_number_free(call, number, account_id=None):
    if any(account["number"] == number and account["account_id"] != account_id for account in call.state["sip_accounts"].values()):
        call.fail(40021, "phone number has already exist")


@route("GET|POST", "/sdkapi/v2/sip/gate/create")
def create_gate(call):
    """9.1: create a gateway; the response calls its id "gate_id" (Q-AVD-47)."""
    name = call.require("name")
    url = call.require("url")
    _check_url_free(call, url)
    gate_id = call.state["next_gate_id"]
    call.state["next_gate_id"] += 1
    call.state["sip_gates"][str(gate_id)] = {"gate_id": gate_id, "name": name, "url": url}
    return call.ok(url=url, name=name, gate_id=gate_id)


@route("GET|POST", "/sdkapi/v2/sip/gate/update")
def update_gate(call):
    """9.2: replace name and url (both required, Q-AVD-52)."""
    call.integer("sip_gate_id")
    name = call.require("name")
    url = call.require("url")
    gate = _gate(call)
    _check_url_free(call, url, gate["gate_id"])
    gate.update(name=name, url=url)
    return call.ok()


@route("GET|POST", "/sdkapi/v2/sip/gate/read")
def read_gate(call):
    """9.3: read a gateway; its id is returned as "id" here (Q-AVD-47)."""
    gate = _gate(call)
    return call.ok(id=gate["gate_id"], name=gate["name"], url=gate["url"])


@route("GET|POST", "/sdkapi/v2/sip/gate/del")
def delete_gate(call):
    """9.4: delete a gateway; its accounts are left as they are."""
    del call.state["sip_gates"][str(_gate(call)["gate_id"])]
    return call.ok()


@route("GET|POST", "/sdkapi/v2/sip/gate/list")
def list_gates(call):
    """9.5: every gateway, in "sip_gates" (Q-AVD-08)."""
    return call.ok(sip_gates=[
        {"url": gate["url"], "name": gate["name"], "gate_id": gate["gate_id"]} for gate in snapshot(call.state)["sip_gates"]
    ])


@route("GET|POST", "/sdkapi/v2/sip/account/create")
def create_account(call):
    """10.1: create an account on an existing gateway."""
    name = call.require("name")
    password = call.require("password")
    number = call.require("number")
    gate_id = call.integer("sip_gate_id")
    if str(gate_id) not in call.state["sip_gates"]:
        call.fail(40020, "no such sip_gate")
    _check_number_free(call, number)
    account_id = call.state["next_account_id"]
    call.state["next_account_id"] += 1
    call.state["sip_accounts"][str(account_id)] = {
        "account_id": account_id, "sip_gate_id": gate_id, "name": name, "number": number, "password": password,
    }
    return call.ok(account_id=account_id, name=name, sip_gate_id=gate_id)


@route("GET|POST", "/sdkapi/v2/sip/account/update")
def update_account(call):
    """10.2: replace name, password and number; the gateway cannot change (Q-AVD-51)."""
    call.integer("account_id")
    name = call.require("name")
    password = call.require("password")
    number = call.require("number")
    account = _account(call)
    _check_number_free(call, number, account["account_id"])
    account.update(name=name, password=password, number=number)
    return call.ok()


@route("GET|POST", "/sdkapi/v2/sip/account/read")
def read_account(call):
    """10.3: read an account (documented under /sip/gate/read, Q-AVD-17), password in clear (Q-AVD-53).

    sip_gate_id is required but, as in the example (Q-AVD-50), not compared with the account's gateway.
    """
    call.integer("account_id")
    call.require("sip_gate_id")
    account = _account(call)
    return call.ok(
        phone_name=account["name"], gate_id=account["sip_gate_id"], account_id=account["account_id"],
        password=account["password"], phone_number=account["number"], name=account["name"], **CODECS,
    )


@route("GET|POST", "/sdkapi/v2/sip/account/del")
def delete_account(call):
    """10.4: delete an account."""
    del call.state["sip_accounts"][str(_account(call)["account_id"])]
    return call.ok()
