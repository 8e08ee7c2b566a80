"""Helpers shared by the Netless modules: errors, scene paths and the PNG renderer."""
import hashlib
import json
import posixpath
import struct
import zlib

from .. import json_response

# The status-code summary table is not in the documents (Q-NL-02); these are the emulator's texts.
STATUS_TEXT = {
    400: "invalid parameters",
    401: "token is missing or invalid",
    403: "token needs write or admin permission",
    404: "room or scene not found",
    500: "internal server error",
}
REGIONS = ("cn-hz", "us-sv")
# Control API token permissions; the screenshot APIs need "write" or "admin" (section 2.2).
PERMISSIONS = ("writer", "admin", "reader")
WRITE_PERMISSIONS = ("writer", "admin")
MAX_SIZE = 4096
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
GRID = 8


class NetlessError(Exception):
    """A failure: any non-201 status with ``{"message": text}`` (snapshots.md 2.2)."""

    def __init__(self, status, message=None):
        super().__init__(status, message)
        self.status = status
        self.message = message or STATUS_TEXT.get(status, "error")


def error_response(status, message=None):
    """The documented failure body: a JSON object with ``message``."""
    return json_response({"message": message or STATUS_TEXT.get(status, "error")}, status)


def scene_path(value, name="path"):
    """A normalised absolute scene (or scene directory) path; raises NetlessError(400)."""
    if not isinstance(value, str) or not value.startswith("/"):
        raise NetlessError(400, f"{name} must be a string starting with /")
    segments = [segment for segment in value.split("/") if segment]
    if any(segment in (".", "..") or "\\" in segment or "\x00" in segment for segment in segments):
        raise NetlessError(400, f"{name} contains an invalid segment")
    return "/" + "/".join(segments)


def directory_of(path):
    """The scene directory of a scene path: ``/test/cover`` -> ``/test``, ``/init`` -> ``/``."""
    return posixpath.dirname(path)


def dimension(document, name):
    """``width`` / ``height``: a JSON number with an integral value in 1..MAX_SIZE; raises NetlessError(400)."""
    value = document.get(name)
    if value is None:
        raise NetlessError(400, f"{name} is required")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value) or not 1 <= value <= MAX_SIZE:
        raise NetlessError(400, f"{name} must be an integral number of pixels from 1 to {MAX_SIZE}")
    return int(value)


def _chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _rows(colours, width, height):
    """The PNG scanlines (filter byte 0 + RGB pixels): GRID x GRID blocks of ``colours``; one row per band is built."""
    bounds = [(column * width // GRID, (column + 1) * width // GRID) for column in range(GRID)]
    band_rows = [b"\x00" + b"".join(colours[band * GRID + column] * (end - start) for column, (start, end) in enumerate(bounds))
                 for band in range(GRID)]
    for line in range(height):
        yield band_rows[line * GRID // height]


def render_png(uuid, path, width, height, version):
    """A valid RGB PNG whose pixels (an 8x8 grid of colours) are derived from all five inputs."""
    seed = json.dumps([uuid, path, width, height, version]).encode("utf-8")
    palette = hashlib.sha256(seed).digest() + hashlib.sha256(seed + b"#").digest()  # 64 bytes
    colours = [bytes((palette[index], palette[(index + 21) % 64], palette[(index + 42) % 64])) for index in range(GRID * GRID)]
    compressor = zlib.compressobj(6)
    parts = [compressor.compress(row) for row in _rows(colours, width, height)]
    parts.append(compressor.flush())
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return PNG_SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", b"".join(parts)) + _chunk(b"IEND", b"")
