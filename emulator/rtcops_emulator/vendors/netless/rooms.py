"""Control API: whiteboard rooms, their scenes (with content versions) and their tokens."""
import re

from .. import control_route, json_response
from .common import PERMISSIONS, NetlessError, directory_of, scene_path

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")
USAGE = ('body must be {"uuid": "<uuid>", "scenes": ["/init", ...], "current_directory": "/", '
         '"tokens": {"<token>": "writer"|"admin"|"reader"}, "bucket": "white-cover", "storage_region": "oss-cn-hangzhou", "team": "2811"}')


def _room(document):
    """The stored room built from a control body; raises NetlessError(400)."""
    uuid = document.get("uuid")
    if not isinstance(uuid, str) or not NAME.match(uuid):
        raise NetlessError(400, "uuid must be 1-63 characters of letters, digits, '.', '_' or '-'")
    scenes = document.get("scenes", ["/init"])
    if not isinstance(scenes, list) or not scenes:
        raise NetlessError(400, "scenes must be a non-empty list of scene paths")
    paths = [scene_path(scene, "scene") for scene in scenes]
    if len(set(paths)) != len(paths) or "/" in paths:
        raise NetlessError(400, "scene paths must be unique and not the root directory")
    current = scene_path(document.get("current_directory", directory_of(paths[0])), "current_directory")
    tokens = document.get("tokens", {})
    if not isinstance(tokens, dict) or any(not isinstance(token, str) or token == "" or role not in PERMISSIONS
                                           for token, role in tokens.items()):
        raise NetlessError(400, "tokens must map non-empty tokens to writer, admin or reader")
    room = {"scenes": [[path, 1] for path in paths], "current_directory": current, "tokens": dict(tokens), "screenshots_taken": 0}
    for name, default in (("bucket", "white-cover"), ("storage_region", "oss-cn-hangzhou"), ("team", "2811")):
        value = document.get(name, default)
        if not isinstance(value, str) or not NAME.match(value):
            raise NetlessError(400, f"{name} must be 1-63 characters of letters, digits, '.', '_' or '-'")
        room[name] = value
    return uuid, room


@control_route("POST", "/_emulator/netless/rooms")
def put_room(vendor, request):
    """Create or replace a room (scene versions start again at 1, the screenshot count at 0)."""
    if not isinstance(request.document, dict):
        return json_response({"error": USAGE}, 400)
    try:
        uuid, room = _room(request.document)
    except NetlessError as error:
        return json_response({"error": error.message}, 400)
    with vendor.transaction() as state:
        state["rooms"][uuid] = room
        return json_response({"uuid": uuid, **vendor.room_view(room)})


@control_route("POST", "/_emulator/netless/rooms/{uuid}/scenes/touch")
def touch_scene(vendor, request):
    """Someone drew on a scene: bump its content version, so its next screenshot differs."""
    document = request.document
    if not isinstance(document, dict):
        return json_response({"error": 'body must be {"path": "/scene/path"}'}, 400)
    try:
        path = scene_path(document.get("path"))
    except NetlessError as error:
        return json_response({"error": error.message}, 400)
    with vendor.transaction() as state:
        room = state["rooms"].get(request.path_args["uuid"])
        if room is None:
            return json_response({"error": "no such room"}, 404)
        for scene in room["scenes"]:
            if scene[0] == path:
                scene[1] += 1
                return json_response({"path": path, "version": scene[1]})
    return json_response({"error": "no such scene"}, 404)
