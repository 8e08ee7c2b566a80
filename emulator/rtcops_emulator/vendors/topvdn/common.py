"""Helpers shared by the Topvdn modules: errors and image type detection."""
import hashlib

from .. import json_response

# The status-code tables of sections 3.1 and 3.2, as the default text of errors (also of injected ones).
STATUS_TEXT = {
    400: "parameter error: a parameter is missing or of the wrong type",
    401: "token verification failed",
    403: "no permission for this device",
    404: "the device has no cover snapshot",
    500: "internal system error",
}


class TopvdnError(Exception):
    """An HTTP-status error with a small JSON body."""

    def __init__(self, status, message=None):
        super().__init__(status, message)
        self.status = status
        self.message = message or STATUS_TEXT.get(status, "error")


def error_response(status, message=None):
    """The emulator's (undocumented) error body: ``{"error": text}`` with the HTTP status."""
    return json_response({"error": message or STATUS_TEXT.get(status, "error")}, status)


def image_type(head):
    """``image/jpeg`` or ``image/png`` from the first bytes of an image, else None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


def image_info(data):
    """Stored metadata of an image given as bytes, or None when it is not a JPEG or PNG image."""
    content_type = image_type(data[:8])
    if content_type is None:
        return None
    return {"content_type": content_type, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
