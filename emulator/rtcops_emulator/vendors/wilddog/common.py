"""Helpers shared by the Wilddog modules: the error codes, the body-code envelope and the JPEG renderer."""
import hashlib
import json
import struct

from .. import json_response

# snapshots.md 1.3; the texts follow the failure example's style ("Invalid parameter.").
MESSAGES = {
    41200: "Server internal error.",
    41201: "Invalid parameter.",
    41202: "Invalid token.",
    41203: "Room not exist.",
    41204: "No stream in this room.",
    41205: "Frequency exceeded.",
    41206: "Server internal error.",
    41207: "Server internal error.",
}
INVALID_PARAMETER, INVALID_TOKEN, ROOM_NOT_EXIST, NO_STREAM, FREQUENCY_EXCEEDED = 41201, 41202, 41203, 41204, 41205
DEFAULT_CONFIG = {"rate_window": 30, "image_delay": 3}
JPEG_WIDTH, JPEG_HEIGHT = 64, 48


class WilddogError(Exception):
    """A failure: ``{"code": <non-0>, "message": text}`` (snapshots.md 1.2, Q-WD-04)."""

    def __init__(self, code, message=None):
        super().__init__(code, message)
        self.code = code
        self.message = message or MESSAGES.get(code, "Server internal error.")


def error_response(code, message=None):
    """The documented failure body with HTTP 200 (the status is unstated, Q-WD-04)."""
    return json_response({"code": code, "message": message or MESSAGES.get(code, "Server internal error.")})


def _huffman_codes(counts, symbols):
    """Canonical Huffman codes {symbol: (code, length)} from a DHT's 16 counts and its symbols (ITU T.81 Annex C)."""
    codes, code, index = {}, 0, 0
    for length, count in enumerate(counts, start=1):
        for dummy in range(count):
            codes[symbols[index]] = (code, length)
            code += 1
            index += 1
        code <<= 1
    return codes


# The standard luminance DC table (T.81 Table K.3), used for all three components; the AC table has only EOB.
DC_COUNTS = (0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0)
DC_SYMBOLS = tuple(range(12))
AC_COUNTS = (1,) + (0,) * 15
AC_SYMBOLS = (0x00,)
DC_CODES = _huffman_codes(DC_COUNTS, DC_SYMBOLS)
EOB_CODE = _huffman_codes(AC_COUNTS, AC_SYMBOLS)[0x00]
DC_QUANT = 8


class _BitWriter:
    """Entropy-coded segment writer with 0xFF byte stuffing."""

    def __init__(self):
        self.output = bytearray()
        self._value = 0
        self._bits = 0

    def write(self, value, length):
        """Append the low ``length`` bits of ``value``, most significant first."""
        for shift in range(length - 1, -1, -1):
            self._value = (self._value << 1) | ((value >> shift) & 1)
            self._bits += 1
            if self._bits == 8:
                self._emit()

    def _emit(self):
        self.output.append(self._value)
        if self._value == 0xFF:
            self.output.append(0x00)
        self._value = 0
        self._bits = 0

    def finish(self):
        """Pad the last byte with 1-bits; return the bytes."""
        while self._bits:
            self.write(1, 1)
        return bytes(self.output)


def _segment(marker, payload):
    return struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload


def _encode_dc(writer, difference):
    category = abs(difference).bit_length()
    code, length = DC_CODES[category]
    writer.write(code, length)
    if category:
        writer.write(difference if difference >= 0 else difference + (1 << category) - 1, category)


def render_jpeg(seed_fields):
    """A valid baseline YCbCr JPEG (JPEG_WIDTH x JPEG_HEIGHT) of flat 8x8 blocks whose colours come from ``seed_fields``.

    Every block is one colour, so only DC coefficients are non-zero; a COM segment names the inputs, so the bytes
    differ whenever the inputs do.
    """
    seed = json.dumps(seed_fields, ensure_ascii=False).encode("utf-8")
    columns, rows = JPEG_WIDTH // 8, JPEG_HEIGHT // 8
    palette = b""
    counter = 0
    while len(palette) < columns * rows * 3:
        palette += hashlib.sha256(seed + str(counter).encode("ascii")).digest()
        counter += 1
    writer = _BitWriter()
    predictors = [0, 0, 0]
    for block in range(columns * rows):
        for component in range(3):
            level = palette[block * 3 + component] - 128  # DC = 8 * (sample - 128), quantised by 8
            _encode_dc(writer, level - predictors[component])
            predictors[component] = level
            writer.write(*EOB_CODE)
    quant = bytes([DC_QUANT] + [1] * 63)
    parts = [
        b"\xff\xd8",
        _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"),
        _segment(0xFE, b"rtcops emulator wilddog snapshot " + seed),
        _segment(0xDB, b"\x00" + quant),
        _segment(0xC0, struct.pack(">BHHB", 8, JPEG_HEIGHT, JPEG_WIDTH, 3) + b"".join(bytes((index, 0x11, 0)) for index in (1, 2, 3))),
        _segment(0xC4, b"\x00" + bytes(DC_COUNTS) + bytes(DC_SYMBOLS) + b"\x10" + bytes(AC_COUNTS) + bytes(AC_SYMBOLS)),
        _segment(0xDA, b"\x03" + b"".join(bytes((index, 0x00)) for index in (1, 2, 3)) + b"\x00\x3f\x00"),
        writer.finish(),
        b"\xff\xd9",
    ]
    return b"".join(parts)
