"""AVD /uploadfile and its /attachment download links (avd.md section 12)."""
import hashlib
import socket
import tracemalloc

import pytest
import requests

from rtcops_emulator import Emulator

MB = 1024 * 1024
BOUNDARY = "emulator-test-boundary"
CONTENT_TYPE = f"multipart/form-data; boundary={BOUNDARY}"
BAD_BODY = {"ret": 10910, "msg": "上传文件信息错误, 请求体存放错误"}


def upload(emulator, files=None, data=None, params=None, base=None):
    """POST /uploadfile with requests' multipart encoder; returns the JSON body."""
    response = requests.post((base or emulator.url) + "/uploadfile", files=files, data=data, params=params, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def sparse_body(directory, filename, size):
    """A multipart body file holding one ``file`` part of ``size`` zero bytes (sparse on disk)."""
    head = (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n").encode()
    path = directory / "body"
    with open(path, "wb") as output:
        output.write(head)
        output.seek(size, 1)
        output.write(f"\r\n--{BOUNDARY}--\r\n".encode())
    return path


def zeros_sha256(size):
    """SHA-256 of ``size`` zero bytes, computed piecewise."""
    digest = hashlib.sha256()
    for dummy in range(size // MB):
        digest.update(bytes(MB))
    digest.update(bytes(size % MB))
    return digest.hexdigest()


def post_file(emulator, path, params=None):
    """POST a prepared multipart body file (streamed, with Content-Length); returns the JSON body."""
    with open(path, "rb") as body:
        response = requests.post(emulator.url + "/uploadfile", params=params, data=body, headers={"Content-Type": CONTENT_TYPE}, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def test_upload_and_download(emulator, client):
    body = upload(emulator, files={"file": ("test.jpg", b"\xff\xd8 jpeg bytes")}, params={"path": "/opt/data/resources"})
    assert body == {"ret": 0, "msg": "success", "download_url": f"{emulator.url}/attachment?file=/opt/data/resources/test.jpg"}
    download = requests.get(body["download_url"], timeout=5)
    assert download.status_code == 200
    assert download.headers["Content-Type"] == "application/octet-stream"
    assert download.headers["Content-Length"] == str(len(b"\xff\xd8 jpeg bytes"))
    assert download.content == b"\xff\xd8 jpeg bytes"
    assert client.state()["uploads"] == [
        {"path": "/opt/data/resources/test.jpg", "size": 13, "sha256": hashlib.sha256(b"\xff\xd8 jpeg bytes").hexdigest()}]


def test_attachment_head(emulator):
    body = upload(emulator, files={"file": ("a.png", b"12345")})
    response = requests.head(body["download_url"], timeout=5)
    assert response.status_code == 200
    assert response.headers["Content-Length"] == "5"
    assert response.content == b""


def test_default_path(emulator):
    assert upload(emulator, files={"file": ("test.jpg", b"x")})["download_url"] == f"{emulator.url}/attachment?file=/opt/3tee/resources/test.jpg"


def test_path_as_form_field(emulator):
    body = upload(emulator, files={"file": ("clip.mp4", b"x")}, data={"path": "/srv/media/"})
    assert body["download_url"].endswith("/attachment?file=/srv/media/clip.mp4")


def test_download_url_uses_the_host_the_client_used(emulator):
    base = emulator.url.replace("127.0.0.1", "localhost")
    assert upload(emulator, files={"file": ("a.png", b"x")}, base=base)["download_url"].startswith(f"{base}/attachment?file=")


@pytest.mark.parametrize("name", ["a.png", "a.jpg", "a.mp3", "a.mp4", "a.avi", "A.PNG", "b.Mp4"])
def test_allowed_types(emulator, name):
    assert upload(emulator, files={"file": (name, b"x")})["ret"] == 0


@pytest.mark.parametrize("name, extension", [("ext.crx", "crx"), ("a.jpeg", "jpeg"), ("a.gif", "gif"), ("noextension", "")])
def test_other_types_are_refused(emulator, client, name, extension):
    assert upload(emulator, files={"file": (name, b"x")}) == {"ret": 10911, "msg": f"not support file type: {extension}"}
    assert client.state()["uploads"] == []


def test_no_file_part(emulator):
    assert upload(emulator, files={"other": ("a.png", b"x")}) == BAD_BODY
    assert upload(emulator, data={"path": "/x"}, files={"file": ("", b"")}) == BAD_BODY


def test_not_multipart(emulator):
    assert upload(emulator, data={"file": "a.png"}) == BAD_BODY
    response = requests.post(emulator.url + "/uploadfile", data=b"--x\r\nbroken", headers={"Content-Type": "multipart/form-data; boundary=x"}, timeout=5)
    assert response.json() == BAD_BODY


def test_same_name_overwrites(emulator, client):
    first = upload(emulator, files={"file": ("a.png", b"old")})
    second = upload(emulator, files={"file": ("a.png", b"new content")})
    assert first == second
    assert requests.get(second["download_url"], timeout=5).content == b"new content"
    assert [entry["size"] for entry in client.state()["uploads"]] == [11]


def test_no_token_needed_and_post_only(emulator):
    assert requests.get(emulator.url + "/uploadfile", timeout=5).status_code == 405


def test_relative_path_is_refused(emulator):
    body = upload(emulator, files={"file": ("a.png", b"x")}, params={"path": "relative/dir"})
    assert body["ret"] == 10912


def test_attachment_not_found(emulator):
    assert requests.get(emulator.url + "/attachment", params={"file": "/opt/3tee/resources/none.png"}, timeout=5).status_code == 404
    assert requests.get(emulator.url + "/attachment", timeout=5).status_code == 404


def test_storage_only_cluster_must_be_a_boolean(emulator):
    body = upload(emulator, files={"file": ("a.png", b"x")}, params={"storage_only_cluster": "yes"})
    assert body == {"ret": 40002, "msg": "args required or error: storage_only_cluster"}


def test_50_mb_is_the_box_limit(emulator, client, tmp_path):
    assert post_file(emulator, sparse_body(tmp_path, "exact.mp4", 50 * MB))["ret"] == 0
    refused = post_file(emulator, sparse_body(tmp_path, "over.mp4", 50 * MB + 1))
    assert refused["ret"] == 10912
    assert "storage_only_cluster" in refused["msg"]
    assert [entry["path"] for entry in client.state()["uploads"]] == ["/opt/3tee/resources/exact.mp4"]


def test_larger_files_need_storage_only_cluster_and_stream_to_disk(emulator, client, tmp_path):
    size = 60 * MB
    body = sparse_body(tmp_path, "big.mp4", size)
    tracemalloc.start()
    try:
        result = post_file(emulator, body, params={"storage_only_cluster": "true"})
        dummy, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result["ret"] == 0
    assert peak < 8 * MB
    assert client.state()["uploads"] == [{"path": "/opt/3tee/resources/big.mp4", "size": size, "sha256": zeros_sha256(size)}]
    with requests.get(result["download_url"], stream=True, timeout=30) as download:
        assert int(download.headers["Content-Length"]) == size
        digest = hashlib.sha256()
        for chunk in download.iter_content(MB):
            digest.update(chunk)
    assert digest.hexdigest() == zeros_sha256(size)


def test_storage_only_cluster_as_form_field(emulator, client):
    body = upload(emulator, files={"file": ("a.png", b"x")}, data={"storage_only_cluster": "true", "path": "/cluster"})
    assert body["ret"] == 0
    assert client.control("GET", "/requests").json()[-1]["params"] == {"storage_only_cluster": "true", "path": "/cluster"}


def test_chunked_upload(emulator):
    def pieces():
        yield f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="path"\r\n\r\n/chunked\r\n'.encode()
        yield f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="c.mp3"\r\n\r\n'.encode()
        for dummy in range(10):
            yield b"a" * 100_000
        yield f"\r\n--{BOUNDARY}--\r\n".encode()

    response = requests.post(emulator.url + "/uploadfile", data=pieces(), headers={"Content-Type": CONTENT_TYPE}, timeout=10)
    assert response.json()["download_url"].endswith("/attachment?file=/chunked/c.mp3")
    assert requests.get(response.json()["download_url"], timeout=5).content == b"a" * 1_000_000


def raw_exchange(emulator, head):
    """Send raw bytes on a new connection and return the first bytes of the reply."""
    port = int(emulator.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        connection.sendall(head)
        return connection.recv(65536)


def test_body_over_200_mb_gets_413_like_nginx(emulator):
    reply = raw_exchange(emulator, (
        "POST /uploadfile HTTP/1.1\r\nHost: x\r\n"
        f"Content-Type: {CONTENT_TYPE}\r\nContent-Length: {200 * MB + 1}\r\nExpect: 100-continue\r\n\r\n").encode())
    assert reply.startswith(b"HTTP/1.1 413 ")
    assert b"Content-Type: text/html" in reply
    assert b"<center><h1>413 Request Entity Too Large</h1></center>" in reply


def test_body_of_200_mb_is_accepted(emulator):
    reply = raw_exchange(emulator, (
        "POST /uploadfile HTTP/1.1\r\nHost: x\r\n"
        f"Content-Type: {CONTENT_TYPE}\r\nContent-Length: {200 * MB}\r\nExpect: 100-continue\r\n\r\n").encode())
    assert reply == b"HTTP/1.1 100 Continue\r\n\r\n"


def test_chunked_body_over_the_limit_gets_413():
    with Emulator(max_body_size=MB) as emulator:
        part = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="c.mp3"\r\n\r\n'.encode() + b"a" * MB
        reply = raw_exchange(emulator, (
            "POST /uploadfile HTTP/1.1\r\nHost: x\r\n"
            f"Content-Type: {CONTENT_TYPE}\r\nTransfer-Encoding: chunked\r\n\r\n{len(part):x}\r\n").encode() + part)
        assert reply.startswith(b"HTTP/1.1 413 ")


def test_refused_uploads_leave_no_files(tmp_path):
    with Emulator(data_dir=str(tmp_path)) as emulator:
        assert upload(emulator, files={"file": ("a.png", b"x")}, params={"path": "relative"})["ret"] == 10912
        truncated = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n'.encode() + b"x" * 200_000
        response = requests.post(emulator.url + "/uploadfile", data=truncated, headers={"Content-Type": CONTENT_TYPE}, timeout=5)
        assert response.json() == BAD_BODY
        assert [path for path in tmp_path.rglob("*") if path.is_file()] == []
