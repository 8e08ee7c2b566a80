"""TLS with the generated CA."""
import http.client
import socket
import ssl

import pytest
import requests
from cryptography import x509

from rtcops_emulator import Emulator


@pytest.fixture(name="tls_emulator")
def fixture_tls_emulator(tmp_path):
    """An HTTPS emulator with its certificates in a test directory."""
    with Emulator(tls=True, cert_dir=str(tmp_path / "certs")) as emulator:
        yield emulator


def port_of(emulator):
    """The emulator's port."""
    return int(emulator.url.rsplit(":", 1)[1])


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_the_generated_ca_verifies_the_server(tls_emulator, host):
    assert tls_emulator.url.startswith("https://127.0.0.1:")
    context = ssl.create_default_context(cafile=tls_emulator.ca_cert)
    connection = http.client.HTTPSConnection(host, port_of(tls_emulator), context=context, timeout=5)
    connection.request("GET", "/sdkapi/v2/app/get_token?access_key=demo_access&secret_key=demo_secret")
    assert connection.getresponse().status == 200
    connection.close()


def test_default_verification_fails(tls_emulator):
    connection = http.client.HTTPSConnection("127.0.0.1", port_of(tls_emulator), context=ssl.create_default_context(), timeout=5)
    with pytest.raises(ssl.SSLCertVerificationError):
        connection.request("GET", "/sdkapi/v2/room/list")
    connection.close()
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(tls_emulator.url + "/sdkapi/v2/room/list", timeout=5)


def test_requests_with_ca_path_and_keep_alive(tls_emulator):
    # verify per request: REQUESTS_CA_BUNDLE in the environment would override Session.verify.
    session = requests.Session()
    token = session.get(tls_emulator.url + "/sdkapi/v2/app/get_token", params={"access_key": "demo_access", "secret_key": "demo_secret"},
                        verify=tls_emulator.ca_cert).json()["token"]
    for dummy in range(20):
        assert session.get(tls_emulator.url + "/sdkapi/v2/room/list", params={"token": token}, verify=tls_emulator.ca_cert).json()["ret"] == 0


def test_upload_download_url_is_https(tls_emulator):
    body = requests.post(tls_emulator.url + "/uploadfile", files={"file": ("a.png", b"x")}, verify=tls_emulator.ca_cert, timeout=5).json()
    assert body["download_url"].startswith(tls_emulator.url + "/attachment?file=")


def test_certificate_names(tls_emulator):
    with open(tls_emulator.ca_cert, "rb") as handle:
        ca = x509.load_pem_x509_certificate(handle.read())
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    pem = ssl.get_server_certificate(("127.0.0.1", port_of(tls_emulator)))
    names = x509.load_pem_x509_certificate(pem.encode()).extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "localhost" in names.get_values_for_type(x509.DNSName)
    assert "127.0.0.1" in [str(address) for address in names.get_values_for_type(x509.IPAddress)]


def test_cert_dir_is_reused(tmp_path):
    with Emulator(tls=True, cert_dir=str(tmp_path)) as first:
        with open(first.ca_cert, "rb") as handle:
            ca = handle.read()
    with Emulator(tls=True, cert_dir=str(tmp_path)) as second:
        with open(second.ca_cert, "rb") as handle:
            assert handle.read() == ca
        assert requests.get(second.url + "/sdkapi/v2/room/list", verify=second.ca_cert, timeout=5).status_code == 200


def test_a_client_that_never_handshakes_does_not_block_others(tls_emulator):
    with socket.create_connection(("127.0.0.1", port_of(tls_emulator)), timeout=5):
        assert requests.get(tls_emulator.url + "/sdkapi/v2/room/list", verify=tls_emulator.ca_cert, timeout=5).status_code == 200


def test_mutual_tls_requires_a_client_certificate_signed_by_its_ca(tmp_path):
    with Emulator(require_client_cert=True, cert_dir=str(tmp_path)) as emulator:
        assert emulator.url.startswith("https://")
        with_cert = ssl.create_default_context(cafile=emulator.ca_cert)
        with_cert.load_cert_chain(emulator.client_cert, emulator.client_key)
        connection = http.client.HTTPSConnection("127.0.0.1", port_of(emulator), context=with_cert, timeout=5)
        connection.request("GET", "/sdkapi/v2/app/get_token?access_key=demo_access&secret_key=demo_secret")
        assert connection.getresponse().status == 200
        connection.close()

        without = http.client.HTTPSConnection("127.0.0.1", port_of(emulator), context=ssl.create_default_context(cafile=emulator.ca_cert),
                                              timeout=5)
        # TLS 1.3: the server's refusal arrives after the client's side of the handshake, with the first read.
        with pytest.raises(ssl.SSLError, match="(?i)certificate required"):
            without.request("GET", "/sdkapi/v2/room/list")
            without.getresponse()
        without.close()


def test_without_require_client_cert_no_client_certificate_is_asked_for(tls_emulator):
    assert not tls_emulator.require_client_cert
    connection = http.client.HTTPSConnection("127.0.0.1", port_of(tls_emulator), context=ssl.create_default_context(cafile=tls_emulator.ca_cert),
                                             timeout=5)
    connection.request("GET", "/sdkapi/v2/room/list")
    assert connection.getresponse().status == 200
    connection.close()
