"""Device snapshots (snapshots.md section 3): the cover snapshot, its upload and the services the cover "jumps" to.

``GET /v2/snapshots/<client_id>/cover`` follows the documented selection logic: a device pushing a stream is
redirected (HTTP 302) to the streaming service, else a device with a recording snapshot to the recording region,
else the uploaded cover is returned, else 404. Both redirect targets are served by this emulator under
``/_topvdn/``. The multipart parser is the AVD upload's (streams to disk, bounded memory).
"""
import hashlib
import os
import tempfile
import uuid

from .. import Response, json_response, route
from ..avd.upload import MalformedBody, MultipartReader
from .common import TopvdnError, image_type

# Stored image kind -> path segment of the service the cover request is redirected to.
REDIRECTS = (("pushing", "stream"), ("record", "record"))
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png"}
LATEST_NAMES = ("latest.jpg", "latest.png")


@route("GET", "/v2/snapshots/{client_id}/cover", download=True)
def cover(vendor, request):
    """3.1: the device's cover snapshot, or a redirect to where the latest image is."""
    with vendor.transaction() as state:
        client_id, device = vendor.authorise(request, state)
        for kind, service in REDIRECTS:
            info = device[kind]
            if info is not None:
                location = f"{request.base_url}/_topvdn/{service}/{client_id}/latest.{EXTENSIONS[info['content_type']]}"
                return Response(status=302, content_type="text/plain;charset=utf-8", headers=(("Location", location),))
        if device["cover"] is None:
            raise TopvdnError(404)
        return vendor.serve_image(client_id, "cover", device["cover"])


def _latest(vendor, request, kind):
    """The image a redirect points at; 404 when the device no longer has one."""
    client_id = request.path_args["client_id"]
    if request.path_args["name"] not in LATEST_NAMES or not (client_id.isascii() and client_id.isdigit()):
        raise TopvdnError(404, "no such image")
    client_id = str(int(client_id))
    with vendor.transaction() as state:
        info = state["devices"].get(client_id, {}).get(kind)
        if info is None:
            raise TopvdnError(404, "no such image")
        return vendor.serve_image(client_id, kind, info)


@route("GET", "/_topvdn/stream/{client_id}/{name}", download=True)
def stream_latest(vendor, request):
    """The streaming service: the latest image saved from the device's current push."""
    return _latest(vendor, request, "pushing")


@route("GET", "/_topvdn/record/{client_id}/{name}", download=True)
def record_latest(vendor, request):
    """The recording region: the device's latest recording snapshot."""
    return _latest(vendor, request, "record")


def _receive(reader, target):
    """Stream the first non-empty ``file`` part to ``target``; returns its info or None. Other parts are skipped."""
    received = None
    for name, dummy, chunks in reader.parts():
        if name != "file" or received is not None:
            continue
        digest = hashlib.sha256()
        size = 0
        head = b""
        with open(target, "wb") as output:
            for chunk in chunks:
                output.write(chunk)
                digest.update(chunk)
                size += len(chunk)
                if len(head) < 8:
                    head += chunk[:8 - len(head)]
        if size:
            received = {"content_type": image_type(head), "size": size, "sha256": digest.hexdigest()}
    return received


@route("POST", "/v2/devices/{client_id}/snapshots", stream=True)
def upload(vendor, request):
    """3.2: multipart ``file`` becomes the device's cover snapshot, replacing the previous upload."""
    with vendor.transaction() as state:
        client_id, dummy = vendor.authorise(request, state)
    headers = request.headers
    boundary = headers.get_param("boundary")
    if headers.get_content_type() != "multipart/form-data" or not boundary:
        raise TopvdnError(400, "the body must be multipart/form-data with a file part")
    scratch_root = os.path.join(vendor.data_dir, "tmp")
    os.makedirs(scratch_root, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=scratch_root, ignore_cleanup_errors=True) as scratch:
        temporary = os.path.join(scratch, "file")
        try:
            received = _receive(MultipartReader(request.body, boundary), temporary)
        except MalformedBody as error:
            raise TopvdnError(400, "malformed multipart body") from error
        if received is None:
            raise TopvdnError(400, "file is required")
        if received["content_type"] is None:
            raise TopvdnError(400, "file must be a JPEG or PNG image")
        with vendor.transaction() as state:
            # The device may have been replaced while the body arrived.
            client_id, device = vendor.authorise(request, state)
            target = vendor.image_path(client_id, "cover")
            os.makedirs(os.path.dirname(target), exist_ok=True)
            os.replace(temporary, target)
            device["cover"] = received
            device["uploads"] += 1
    return json_response({"request_id": uuid.uuid4().hex})
