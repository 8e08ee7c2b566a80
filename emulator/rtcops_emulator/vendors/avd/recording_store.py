"""Recording model shared by the recording endpoints (avd.md section 5), /room/close, /room/del and /attachment.

A recording is one entry of ``state["recordings"]`` (record_id -> record). Its status is never stored: it is derived
from the times it was started / asked to stop and the delays in force then, so it progresses without a background
thread. Files are written to disk when the recording is stopped and become visible (listed, downloadable) once the
status is 2.
"""
import hashlib
import json
import os
import time

STARTED, RECORDING, STOPPED, ABNORMAL, STOPPING = 0, 1, 2, 3, 4
NOT_CONVERTED, CONVERTING, CONVERTED, CONVERSION_FAILED = 0, 1, 2, 3

DELAYS = ("start_delay", "stop_delay", "transcode_delay")
# How the recordings stopped and the transcodings begun while a setting is in force end (statuses 3 of avd.md 5.6
# and 5.14 exist only this way: the documents do not say what makes a recording fail).
OUTCOMES = {"stop_outcome": ("stopped", "abnormal"), "transcode_outcome": ("converted", "failed")}
DEFAULT_CONFIG = {"start_delay": 1.0, "stop_delay": 2.0, "transcode_delay": 3.0, "stop_outcome": "stopped",
                  "transcode_outcome": "converted"}
RECORD_ROOT = "/home/data/recorder/files"
MB = 1024 * 1024


def meeting_room(call):
    """The room_id of a room with a meeting in progress (40004 unknown room, 40009 not in session): what recordings and
    live streams both need."""
    room_id = call.require("room_id")
    if room_id not in call.state["rooms"]:
        call.fail(40004, "no such room id")
    if room_id not in call.state["meetings"]:
        call.fail(40009, "room not open or not exist")
    return room_id


def config(state):
    """The delays and outcomes in force (control API ``/_emulator/avd/recordings/config``)."""
    return {**DEFAULT_CONFIG, **state.get("recording_config", {})}


def status(record, now=None):
    """``record_status`` of /room/record/status at ``now``."""
    now = time.time() if now is None else now
    if record["stop_time"] is None:
        return STARTED if now < record["start_time"] + record["start_delay"] else RECORDING
    if now < record["stop_time"] + record["stop_delay"]:
        return STOPPING
    return ABNORMAL if record.get("stop_outcome") == "abnormal" else STOPPED


def running(record, now=None):
    """Started or recording (0 and 1 are equivalent, avd.md 5.6)."""
    return status(record, now) in (STARTED, RECORDING)


def finished(record, now=None):
    """Stopped normally: its files are listed and downloadable."""
    return status(record, now) == STOPPED


def transcode_status(record, now=None):
    """``status`` of /transcode/query."""
    began = record.get("transcode_time")
    if began is None:
        return NOT_CONVERTED
    now = time.time() if now is None else now
    if now < began + record["transcode_delay"]:
        return CONVERTING
    return CONVERSION_FAILED if record.get("transcode_outcome") == "failed" else CONVERTED


def room_records(state, room_id, kind=None):
    """The recordings of a room, oldest first."""
    return [record for record in state["recordings"].values()
            if record["room_id"] == room_id and (kind is None or record["kind"] == kind)]


def content(record_id, path, size):
    """Deterministic bytes of a recording file: a header naming it, then a SHA-256 stream of (record_id, path)."""
    header = f"RTCOPS-EMULATOR-RECORDING record_id={record_id} file={path}\n".encode("utf-8")
    seed = f"{record_id}:{path}".encode("utf-8")
    body = bytearray(header)
    counter = 0
    while len(body) < size:
        body += hashlib.sha256(seed + counter.to_bytes(4, "big")).digest()
        counter += 1
    return bytes(body[:size])


def file_size_text(size):
    """``"0.234M"`` as in every recording example (Q-AVD-07)."""
    return f"{size / MB:.3f}M"


def duration_text(record):
    """``"67.008s"``: the wall-clock length of the recording (Q-AVD-07)."""
    return f"{max(record['stop_time'] - record['start_time'], 0):.3f}s"


def _size(record_id, path):
    """2-6 KiB, depending on the record and file."""
    return 2048 + int(hashlib.sha256(f"{record_id}:{path}".encode("utf-8")).hexdigest()[:4], 16) % 4096


def planned_files(record):
    """(server path, file type) of the files a recording produces, primary file first."""
    options = record["options"]
    stamp = time.strftime("%Y-%m-%d-%H-%M-%S", time.gmtime(record["start_time"]))
    day = time.strftime("%Y%m%d", time.gmtime(record["start_time"]))
    base = f"{record['room_id']}-{record['record_id']}-{stamp}"
    directory = f"{RECORD_ROOT}/{day}"
    if record["kind"] == "desktop":
        return [(f"{directory}/{base}.mp4", "mp4")]
    mixed = options.get("file_name") or base
    audio_type = options.get("audio_file_type") or "mp3"
    files = []
    if options.get("enable_backup") and options.get("enable_realtime_transcode"):
        files.append((f"{directory}/{base}.tms", "tms"))
    if options.get("audio_only"):
        files.append((f"{directory}/{mixed}.{audio_type}", audio_type))
    else:
        if options.get("enable_audio_record"):
            files.append((f"{directory}/{mixed}.{audio_type}", audio_type))
        if not options.get("enable_individual_record") or options.get("enable_save_mix", True):
            files.append((f"{directory}/{mixed}.mp4", "mp4"))
    if options.get("enable_individual_record"):
        for person in record["participants"]:
            who = person["user_id"] if options.get("disable_user_name") else f"{person['user_name']}_{person['user_id']}"
            if not options.get("audio_only"):
                files.append((f"{directory}/{base}/{who}_v1.mp4", "mp4"))
            files.append((f"{directory}/{base}/{who}_a1.{audio_type}", audio_type))
    return files or [(f"{directory}/{mixed}.mp4", "mp4")]


def local_path(data_dir, server_path):
    """Where the bytes of a server path live (shared with /uploadfile)."""
    return os.path.join(data_dir, "files", server_path.lstrip("/"))


def stop(state, data_dir, record, now=None):
    """Ask a running recording to stop: it becomes "stopping" and its files are written (hidden until status 2)."""
    now = time.time() if now is None else now
    record["stop_time"] = now
    record["stop_delay"] = config(state)["stop_delay"]
    record["stop_outcome"] = config(state)["stop_outcome"]
    files = []
    for server_path, file_type in planned_files(record):
        size = _size(record["record_id"], server_path)
        data = content(record["record_id"], server_path, size)
        target = local_path(data_dir, server_path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as output:
            output.write(data)
        files.append({"path": server_path, "file_type": file_type, "size": size, "sha256": hashlib.sha256(data).hexdigest()})
    record["files"] = files
    return files


def stop_room(state, data_dir, room_id):
    """/room/close and /room/del: every running recording of the room stops (avd.md 3.5)."""
    for record in room_records(state, room_id):
        if running(record):
            stop(state, data_dir, record)


def served_file(state, server_path):
    """``{"size", "sha256"}`` of a downloadable recording file, else None (used by /attachment)."""
    for record in state.get("recordings", {}).values():
        for entry in record["files"]:
            if entry["path"] == server_path:
                return entry if finished(record) else None
    return None


def delete_files(data_dir, entries):
    """Remove recording files from disk."""
    for entry in entries:
        try:
            os.remove(local_path(data_dir, entry["path"]))
        except OSError:
            pass


def json_list(text):
    """A JSON array passed as a string parameter (Q-AVD-29), else None."""
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, list) else None
