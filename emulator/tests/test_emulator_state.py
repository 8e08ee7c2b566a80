"""The optional state file: loaded at start, rewritten after every change."""
import json

import requests

from rtcops_emulator import Emulator


def test_state_survives_a_restart(tmp_path, connect):
    state_file = tmp_path / "state.json"
    with Emulator(state_file=str(state_file)) as emulator:
        client = connect(emulator)
        token = client.login()
        client.api("/room/create", room_id="1", user_id="16", topic="kept", resolution="640*480")
        client.open_meeting("1", {"user_id": "16", "type": "web"})
        client.api("/sip/gate/create", name="g", url="x:1")
        client.api("/sip/account/create", name="a", password="p", number="8001", sip_gate_id="1")
        client.api("/app/apply_file_permit", licence_cert="c")
        upload = requests.post(emulator.url + "/uploadfile", files={"file": ("a.png", b"png bytes")}, timeout=5).json()
        before = client.state()
    assert json.loads(state_file.read_text(encoding="utf-8"))["vendors"]["avd"]["rooms"]["1"]["topic"] == "kept"

    with Emulator(state_file=str(state_file)) as emulator:
        client = connect(emulator)
        assert client.state() == before
        client.token = token
        assert client.api("/room/read", room_id="1")["data"]["topic"] == "kept"
        assert client.api("/sip/gate/create", name="g2", url="x:2")["gate_id"] == 2
        assert client.api("/sip/account/create", name="b", password="p", number="8002", sip_gate_id="2")["account_id"] == 2
        port = emulator.url.rsplit(":", 1)[1]
        download = upload["download_url"].replace(upload["download_url"].split("/")[2], f"127.0.0.1:{port}")
        assert requests.get(download, timeout=5).content == b"png bytes"


def test_every_change_is_written(tmp_path, connect):
    state_file = tmp_path / "state.json"
    with Emulator(state_file=str(state_file)) as emulator:
        client = connect(emulator)
        client.login()
        client.api("/sip/gate/create", name="g", url="x:1")
        saved = json.loads(state_file.read_text(encoding="utf-8"))["vendors"]["avd"]
        assert saved["sip_gates"] == {"1": {"gate_id": 1, "name": "g", "url": "x:1"}}
        client.control("POST", "/reset")
        assert json.loads(state_file.read_text(encoding="utf-8"))["vendors"]["avd"]["sip_gates"] == {}
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".state-")] == []


def test_without_state_file_nothing_survives(connect):
    with Emulator() as emulator:
        client = connect(emulator)
        client.login()
        client.api("/sip/gate/create", name="g", url="x:1")
    with Emulator() as emulator:
        assert connect(emulator).state()["sip_gates"] == []
