"""Fixtures: a fresh emulator per test and a small HTTP client for it."""
import pytest
import requests

from rtcops_emulator import Emulator

API = "/sdkapi/v2"
KEYS = {"access_key": "demo_access", "secret_key": "demo_secret"}


class Client:
    """Talks to an emulator over real HTTP (keep-alive session)."""

    def __init__(self, emulator):
        self.emulator = emulator
        self.session = requests.Session()
        self.token = None

    def login(self):
        """Obtain a token with the default keys and use it for later calls."""
        self.token = self.api("/app/get_token", **KEYS)["token"]
        return self.token

    def api(self, path, method="GET", **params):
        """Call ``/sdkapi/v2<path>`` (the token is added when logged in) and return the JSON body."""
        if self.token and "token" not in params and path != "/app/get_token":
            params["token"] = self.token
        params = {name: value for name, value in params.items() if value is not None}
        if method == "GET":
            response = self.session.get(self.emulator.url + API + path, params=params)
        else:
            response = self.session.post(self.emulator.url + API + path, data=params)
        assert response.status_code == 200, response.text
        assert response.headers["Content-Type"] == "application/json;charset=utf-8"
        return response.json()

    def control(self, method, path, body=None):
        """Call the control API; returns the response."""
        return self.session.request(method, self.emulator.url + "/_emulator" + path, json=body)

    def state(self):
        """The AVD part of ``GET /_emulator/state``."""
        return self.control("GET", "/state").json()["avd"]

    def open_meeting(self, room_id, *participants):
        """Start a meeting with the given participant dicts."""
        response = self.control("POST", f"/avd/rooms/{room_id}/open", {"participants": list(participants)})
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture(name="emulator")
def fixture_emulator():
    """A running emulator with default settings."""
    with Emulator() as emulator:
        yield emulator


@pytest.fixture(name="client")
def fixture_client(emulator):
    """A logged-in client of ``emulator``."""
    client = Client(emulator)
    client.login()
    return client


@pytest.fixture(name="connect")
def fixture_connect():
    """Make a client for an emulator started by the test itself: ``connect(emulator)``."""
    return Client
