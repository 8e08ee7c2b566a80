"""The stand-in for third-party cloud storage: recorded files served by ``GET|HEAD /_anyrtc/storage/<bucket>/<key>``.

On stop, each recorded stream gets an HLS playlist ``<key>.m3u8`` and ``ts_segments`` MPEG-TS segments next to it;
their bytes are rendered on demand from (sid, uid, segment index), so they are deterministic and nothing is on disk.
Keys are ``<fileNamePrefix joined by "/">/<sid>_<cname>[__uid_s_<uid>__uid_e_<track>]``.
"""
import hashlib
from urllib.parse import quote

from .. import Response, html_page, route

PREFIX = "/_anyrtc/storage"
TRACKS = {0: ("audio", "audio"), 1: ("video", "video"), 2: ("audio_and_video", "av")}
TS_PACKET = 188
SEGMENT_SECONDS = 10


def download_path(bucket, key):
    """The URL path of a stored object."""
    return f"{PREFIX}/{quote(bucket, safe='')}/{quote(key, safe='/')}"


def register_files(state, sid, session, now, dry_run=False):
    """The recording's playlists [{"key", "uid", "track"}]; unless ``dry_run``, store them and their segments."""
    track, short = TRACKS[session["stream_types"]]
    folder = "".join(part + "/" for part in session["prefix"])
    stem = f"{folder}{sid}_{session['cname']}"
    if not session["publishers"]:
        return []
    if session["mode"] == "mix":
        items = [{"key": stem + ".m3u8", "uid": None, "track": track, "stem": stem}]
    else:
        items = [{"key": f"{stem}__uid_s_{uid}__uid_e_{short}.m3u8", "uid": uid, "track": track,
                  "stem": f"{stem}__uid_s_{uid}__uid_e_{short}"} for uid in session["publishers"]]
    if not dry_run:
        segments = state["config"]["ts_segments"]
        for item in items:
            names = [f"{item['stem']}_{index}.ts" for index in range(segments)]
            state["files"][f"{session['bucket']}/{item['key']}"] = {"sid": sid, "kind": "m3u8", "segments": [name.rsplit("/", 1)[-1] for name in names],
                                                                    "stored_at": now}
            for index, name in enumerate(names):
                state["files"][f"{session['bucket']}/{name}"] = {"sid": sid, "kind": "ts", "seed": [sid, item["uid"], index], "stored_at": now}
    return [{"key": item["key"], "uid": item["uid"], "track": item["track"]} for item in items]


def render_m3u8(segments):
    """An HLS VOD playlist of the segments (relative names)."""
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", f"#EXT-X-TARGETDURATION:{SEGMENT_SECONDS}", "#EXT-X-MEDIA-SEQUENCE:0"]
    for name in segments:
        lines += [f"#EXTINF:{SEGMENT_SECONDS}.000,", quote(name)]
    lines.append("#EXT-X-ENDLIST")
    return ("\n".join(lines) + "\n").encode("utf-8")


def render_ts(seed):
    """Four 188-byte MPEG-TS packets (sync byte 0x47, PID 0x100) with payload from sha256 of the seed."""
    packets = []
    for counter in range(4):
        header = bytes((0x47, 0x41 if counter == 0 else 0x01, 0x00, 0x10 | counter))
        payload = b""
        block = 0
        while len(payload) < TS_PACKET - 4:
            payload += hashlib.sha256(f"{seed}/{counter}/{block}".encode("utf-8")).digest()
            block += 1
        packets.append(header + payload[:TS_PACKET - 4])
    return b"".join(packets)


@route("GET|HEAD", PREFIX + "/{bucket}/{key*}", download=True)
def download(vendor, request):
    """A stored object: 200 ``application/vnd.apple.mpegurl`` or ``video/mp2t``; 404 nginx page for unknown names."""
    name = f"{request.path_args['bucket']}/{request.path_args['key']}"
    with vendor.transaction() as state:
        info = state["files"].get(name)
        if info is None:
            return html_page(404)
        info = dict(info)
    if info["kind"] == "m3u8":
        return Response(body=render_m3u8(info["segments"]), content_type="application/vnd.apple.mpegurl")
    return Response(body=render_ts(info["seed"]), content_type="video/mp2t")
