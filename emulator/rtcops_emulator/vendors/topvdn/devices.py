"""Control API: devices, their tokens and the images the cover selection logic (section 3.1) chooses from."""
import base64
import binascii
import os

from .. import control_route, json_response
from .common import image_info

# Body key -> stored image kind: the push's latest image, the latest recording snapshot, the uploaded cover.
IMAGE_FIELDS = {"pushing_image": "pushing", "record_image": "record", "cover_image": "cover"}
USAGE = ('body must be {"client_id": <int>, "client_token": "<token>", "pushing_image": <base64 or null>, '
         '"record_image": <base64 or null>, "cover_image": <base64 or null>}')


def _client_id(value):
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return str(int(value))
    return None


def _images(document):
    """The decoded images of the body: kind -> bytes or None; raises ValueError."""
    images = {}
    for name, kind in IMAGE_FIELDS.items():
        value = document.get(name)
        if value is None:
            images[kind] = None
            continue
        if not isinstance(value, str):
            raise ValueError(f"{name} must be a base64 string or null")
        try:
            data = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError) as error:
            raise ValueError(f"{name} is not valid base64") from error
        if image_info(data) is None:
            raise ValueError(f"{name} is not a JPEG or PNG image")
        images[kind] = data
    return images


@control_route("POST", "/_emulator/topvdn/devices")
def put_device(vendor, request):
    """Create or replace a device (its upload counter starts again at 0)."""
    document = request.document
    if not isinstance(document, dict):
        return json_response({"error": USAGE}, 400)
    client_id = _client_id(document.get("client_id"))
    if client_id is None:
        return json_response({"error": "client_id must be a non-negative integer"}, 400)
    token = document.get("client_token")
    if not isinstance(token, str) or token == "":
        return json_response({"error": "client_token must be a non-empty string"}, 400)
    try:
        images = _images(document)
    except ValueError as error:
        return json_response({"error": str(error)}, 400)
    with vendor.transaction() as state:
        owner = next((key for key, device in state["devices"].items() if device["client_token"] == token), client_id)
        if owner != client_id:
            return json_response({"error": f"client_token already belongs to device {owner}"}, 400)
        device = {"client_token": token, "uploads": 0}
        for kind, data in images.items():
            path = vendor.image_path(client_id, kind)
            if data is None:
                if os.path.exists(path):
                    os.remove(path)
                device[kind] = None
                continue
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as output:
                output.write(data)
            device[kind] = image_info(data)
        state["devices"][client_id] = device
        return json_response({"client_id": int(client_id), **vendor.snapshot(state)["devices"][client_id]})
