"""File upload and download (avd.md section 12): ``/uploadfile`` and the ``/attachment`` links it returns.

Both live outside ``sdkapi/v2`` (Q-AVD-14) and document no token (Q-AVD-66).
"""
import email.parser
import email.policy
import email.utils
import hashlib
import os
import posixpath
import tempfile
from urllib.parse import quote

from .. import FileBody, Response, html_page, route
from . import recording_store

# uploads: server path -> {"size", "sha256"}; the bytes are under <data dir>/avd/files/<server path>.
STATE = {"uploads": {}}

DEFAULT_PATH = "/opt/3tee/resources"
ALLOWED_TYPES = ("png", "jpg", "mp3", "mp4", "avi")
# "文件大小限制 <=50M"; larger files are accepted only with storage_only_cluster=true.
BOX_LIMIT = 50 * 1024 * 1024
CHUNK = 64 * 1024
HEADER_LIMIT = 16 * 1024
FIELD_LIMIT = 64 * 1024

BAD_BODY = (10910, "上传文件信息错误, 请求体存放错误")
STORE_FAILED = "文件存储失败"


def snapshot(state):
    """This group's part of ``GET /_emulator/state``."""
    return {"uploads": [{"path": path, **entry} for path, entry in sorted(state["uploads"].items())]}


class MalformedBody(Exception):
    """The multipart body cannot be parsed."""


class MultipartReader:  # pylint: disable=too-few-public-methods
    """Streams the parts of a multipart/form-data body held in a BodyReader; memory stays bounded."""

    def __init__(self, body, boundary):
        self._body = body
        self._delimiter = b"\r\n--" + boundary.encode("latin-1")
        # The first delimiter has no CRLF before it; pretend it has.
        self._buffer = b"\r\n"

    def _fill(self):
        data = self._body.read(CHUNK)
        if not data:
            raise MalformedBody("body ended before the closing boundary")
        self._buffer += data

    def _until_delimiter(self):
        """Yield the bytes before the next delimiter and consume the delimiter."""
        keep = len(self._delimiter) - 1
        while True:
            index = self._buffer.find(self._delimiter)
            if index >= 0:
                if index:
                    yield self._buffer[:index]
                self._buffer = self._buffer[index + len(self._delimiter):]
                return
            if len(self._buffer) > keep:
                yield self._buffer[:-keep]
                self._buffer = self._buffer[-keep:]
            self._fill()

    def _line(self):
        while b"\r\n" not in self._buffer:
            if len(self._buffer) > HEADER_LIMIT:
                raise MalformedBody("header line too long")
            self._fill()
        line, self._buffer = self._buffer.split(b"\r\n", 1)
        return line

    def parts(self):
        """Yield (name, filename, chunks) per part; consume ``chunks`` before asking for the next part."""
        for dummy in self._until_delimiter():
            pass
        while True:
            while len(self._buffer) < 2:
                self._fill()
            if self._buffer.startswith(b"--"):
                self._body.drain()
                return
            self._line()
            lines = []
            while line := self._line():
                lines.append(line)
                if sum(map(len, lines)) > HEADER_LIMIT:
                    raise MalformedBody("part headers too long")
            headers = email.parser.Parser(policy=email.policy.compat32).parsestr(
                b"\r\n".join(lines).decode("utf-8", "replace") + "\r\n\r\n", headersonly=True)
            name = email.utils.collapse_rfc2231_value(headers.get_param("name", header="content-disposition") or "")
            chunks = self._until_delimiter()
            yield name, headers.get_filename(), chunks
            for dummy in chunks:
                pass


def _local_path(vendor, server_path):
    return os.path.join(vendor.data_dir, "files", server_path.lstrip("/"))


def _receive(reader, scratch):
    """Read every part; the first file part goes to ``scratch``. Returns (form fields, file info or None)."""
    fields = {}
    received = None
    for name, filename, chunks in reader.parts():
        basename = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
        if name == "file" and basename not in ("", ".", "..") and received is None:
            received = _spool(scratch, basename, chunks)
        elif filename is None:
            value = b""
            for chunk in chunks:
                value += chunk
                if len(value) > FIELD_LIMIT:
                    raise MalformedBody(f"form field {name} too long")
            fields[name] = value.decode("utf-8", "replace")
    return fields, received


def _spool(scratch, filename, chunks):
    """Stream a file part to disk (only when its type is allowed), counting and hashing it."""
    extension = filename.rsplit(".", 1)[1] if "." in filename else ""
    digest = hashlib.sha256()
    size = 0
    temporary = None
    if extension.lower() in ALLOWED_TYPES:
        temporary = os.path.join(scratch, "file")
        with open(temporary, "wb") as output:
            for chunk in chunks:
                output.write(chunk)
                digest.update(chunk)
                size += len(chunk)
    else:
        for chunk in chunks:
            size += len(chunk)
    return {"filename": filename, "extension": extension, "temporary": temporary, "size": size, "sha256": digest.hexdigest()}


@route("POST", "/uploadfile", auth=False, stream=True)
def upload_file(call):
    """12.1: multipart/form-data upload of png/jpg/mp3/mp4/avi, streamed to disk."""
    headers = call.request.headers
    boundary = headers.get_param("boundary")
    if headers.get_content_type() != "multipart/form-data" or not boundary:
        call.fail(*BAD_BODY)
    scratch_root = os.path.join(call.vendor.data_dir, "tmp")
    os.makedirs(scratch_root, exist_ok=True)
    # Whatever happens to the request, the partial file goes with the scratch directory.
    with tempfile.TemporaryDirectory(dir=scratch_root, ignore_cleanup_errors=True) as scratch:
        try:
            fields, received = _receive(MultipartReader(call.request.body, boundary), scratch)
        except MalformedBody:
            call.fail(*BAD_BODY)
        call.request.add_params(fields)
        return _store(call, received)


def _store(call, received):
    if received is None:
        call.fail(*BAD_BODY)
    if received["temporary"] is None:
        call.fail(10911, f"not support file type: {received['extension']}")
    only_cluster = call.boolean("storage_only_cluster", False)
    if received["size"] > BOX_LIMIT and not only_cluster:
        call.fail(10912, f"{STORE_FAILED}: files larger than 50M need storage_only_cluster=true")
    directory = call.param("path") or DEFAULT_PATH
    if not directory.startswith("/"):
        call.fail(10912, f"{STORE_FAILED}: path must be absolute")
    server_path = posixpath.join(posixpath.normpath(directory), received["filename"])
    with call.transaction() as state:
        target = _local_path(call.vendor, server_path)
        try:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            os.replace(received["temporary"], target)
        except OSError:
            call.fail(10912, STORE_FAILED)
        state["uploads"][server_path] = {"size": received["size"], "sha256": received["sha256"]}
    return call.ok(download_url=f"{call.request.base_url}/attachment?file={quote(server_path, safe='/')}")


@route("GET|HEAD", "/attachment", auth=False, download=True)
def attachment(call):
    """Download links returned by /uploadfile and by the recording endpoints."""
    server_path = call.param("file", "")
    entry = None
    if server_path.startswith("/"):
        # Uploaded files, then the files of finished recordings (recordings.py).
        entry = call.state["uploads"].get(posixpath.normpath(server_path)) or recording_store.served_file(call.state, posixpath.normpath(server_path))
    if entry is None:
        return html_page(404)
    if call.request.method == "HEAD":
        return Response(content_type="application/octet-stream", length=entry["size"])
    try:
        handle = open(_local_path(call.vendor, posixpath.normpath(server_path)), "rb")  # pylint: disable=consider-using-with
    except OSError:
        return html_page(404)
    return Response(body=FileBody(handle), content_type="application/octet-stream", length=entry["size"])
