"""Screenshot APIs (snapshots.md 2.3, 2.4) and the emulated storage bucket their URLs point to.

Each screenshot is a PNG rendered from (room uuid, scene path, width, height, scene content version), written to
``<data dir>/netless/storage/<bucket>/<key>`` with ``key`` = ``room_cover/<team>/<uuid><scene path>.png`` and served
by ``GET|HEAD /_storage/<bucket>/<key>`` (no authentication: a public bucket).
"""
import hashlib
import json
import os
from urllib.parse import quote

from .. import Response, json_response, route
from .common import NetlessError, dimension, directory_of, render_png, scene_path


def _document(request):
    """The JSON request body (any Content-Type, Q-NL-07), also recorded as the log entry's params."""
    raw = request.body.read_all()
    try:
        document = json.loads(raw) if raw.strip() else {}
    except ValueError as error:
        raise NetlessError(400, "the body must be a JSON object") from error
    if not isinstance(document, dict):
        raise NetlessError(400, "the body must be a JSON object")
    request.add_params(document)
    return document


def _parse(request):
    """(document, width, height) after the body checks; raises NetlessError(400)."""
    document = _document(request)
    return document, dimension(document, "width"), dimension(document, "height")


def _capture(vendor, request, state, scene, size):
    """Render and store one scene's screenshot; returns the documented result object."""
    uuid = request.path_args["uuid"]
    room = state["rooms"][uuid]
    path, version = scene
    data = render_png(uuid, path, size[0], size[1], version)
    key = f"room_cover/{room['team']}/{uuid}{path}.png"
    target = vendor.storage_path(room["bucket"], key)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    temporary = target + ".part"
    with open(temporary, "wb") as output:
        output.write(data)
    os.replace(temporary, target)
    state["stored"][f"{room['bucket']}/{key}"] = {
        "bucket": room["bucket"], "key": key, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    room["screenshots_taken"] += 1
    return {"url": f"{request.base_url}/_storage/{room['bucket']}/{quote(key)}", "key": key,
            "bucket": room["bucket"], "region": room["storage_region"]}


@route("POST", "/v5/rooms/{uuid}/screenshots", stream=True)
def screenshot(vendor, request):
    """2.3: one scene (``path``, default ``/init``) -> 201 ``{"url", "key", "bucket", "region"}``."""
    with vendor.transaction() as state:
        vendor.authorise(request, state)
    document, width, height = _parse(request)
    path = scene_path(document["path"]) if "path" in document else "/init"
    with vendor.transaction() as state:
        room = vendor.authorise(request, state)
        scene = next((scene for scene in room["scenes"] if scene[0] == path), None)
        if scene is None:
            raise NetlessError(404, f"scene {path} not found")
        return json_response(_capture(vendor, request, state, scene, (width, height)), 201)


@route("POST", "/v5/rooms/{uuid}/screenshot-list", stream=True)
def screenshot_list(vendor, request):
    """2.4: every scene directly in the directory ``path`` (default: the current one, Q-NL-01) -> 201 array."""
    with vendor.transaction() as state:
        vendor.authorise(request, state)
    document, width, height = _parse(request)
    directory = scene_path(document["path"]) if "path" in document else None
    with vendor.transaction() as state:
        room = vendor.authorise(request, state)
        directory = directory or room["current_directory"]
        scenes = [scene for scene in room["scenes"] if directory_of(scene[0]) == directory]
        if not scenes:
            raise NetlessError(404, f"scene directory {directory} not found")
        return json_response([_capture(vendor, request, state, scene, (width, height)) for scene in scenes], 201)


@route("GET|HEAD", "/_storage/{bucket}/{key*}", download=True)
def stored_object(vendor, request):
    """The emulated public bucket: a stored screenshot as ``image/png``, else 404 ``{"message"}``."""
    name = f"{request.path_args['bucket']}/{request.path_args['key']}"
    with vendor.transaction() as state:
        info = state["stored"].get(name)
        if info is None:
            raise NetlessError(404, "object not found")
        try:
            with open(vendor.storage_path(info["bucket"], info["key"]), "rb") as handle:
                data = handle.read()
        except OSError as error:
            raise NetlessError(404, "object not found") from error
    return Response(body=data, content_type="image/png")
