"""python -m rtcops_emulator."""
import json
import os
import signal
import subprocess
import sys

import requests

EMULATOR_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(*arguments):
    """Start the CLI in a subprocess with stdout piped."""
    environment = dict(os.environ, PYTHONPATH=EMULATOR_DIR)
    return subprocess.Popen([sys.executable, "-m", "rtcops_emulator", *arguments], stdout=subprocess.PIPE, text=True, env=environment)


def test_runs_until_sigterm(tmp_path):
    ready_file = tmp_path / "ready.json"
    process = run("--port", "0", "--ready-file", str(ready_file), "--access-key", "ak", "--secret-key", "sk")
    try:
        ready = json.loads(process.stdout.readline())
        assert json.loads(ready_file.read_text(encoding="utf-8")) == ready
        assert ready["ca_cert"] is None
        assert ready["url"].startswith("http://127.0.0.1:")
        body = requests.get(ready["url"] + "/sdkapi/v2/app/get_token", params={"access_key": "ak", "secret_key": "sk"}, timeout=5).json()
        assert body["ret"] == 0
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    assert process.stdout.read() == ""


def test_tls_and_sigint(tmp_path):
    process = run("--port", "0", "--tls", "--cert-dir", str(tmp_path))
    try:
        ready = json.loads(process.stdout.readline())
        assert ready["url"].startswith("https://127.0.0.1:")
        assert ready["ca_cert"] == str(tmp_path / "ca.pem")
        assert requests.get(ready["url"] + "/sdkapi/v2/room/list", verify=ready["ca_cert"], timeout=5).json()["ret"] == 40002
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0


def test_require_client_cert_names_the_client_certificate(tmp_path):
    process = run("--port", "0", "--require-client-cert", "--cert-dir", str(tmp_path))
    try:
        ready = json.loads(process.stdout.readline())
        assert ready["url"].startswith("https://127.0.0.1:")
        assert (ready["client_cert"], ready["client_key"]) == (str(tmp_path / "client.pem"), str(tmp_path / "client-key.pem"))
        answer = requests.get(ready["url"] + "/sdkapi/v2/room/list", verify=ready["ca_cert"], timeout=5,
                              cert=(ready["client_cert"], ready["client_key"]))
        assert answer.json()["ret"] == 40002
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
