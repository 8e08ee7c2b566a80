"""Body rules of acquire, start, update and updateLayout that the document states plainly (code 2 unless noted).

Each checker raises :class:`AnyRTCError`; the first failing rule wins.
"""
import re

from .common import coded

# "常见错误" 1013: 64 bytes at most; a-z A-Z 0-9, space and the printed punctuation ("{" read without the stray space).
CNAME = re.compile(r'^[A-Za-z0-9 !#$%&()+\-:;<=.>?@\[\]^_{}|~,]{1,64}$')
PREFIX_PART = re.compile(r"^[A-Za-z0-9]+$")
COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
MAX_UINT32 = 2 ** 32 - 1
# storageConfig region numbers per vendor (0 Qiniu, 1 Amazon S3 without 16, 2 Alibaba, 3 Tencent, 4 Kingsoft; Q-ARTC-18).
REGIONS = {0: set(range(5)), 1: set(range(16)) | {17}, 2: set(range(19)), 3: set(range(20)), 4: set(range(10))}
MODES = ("mix", "individual")


def fail(code=2, reason=None):
    """Raise the coded 400 error."""
    raise coded(code, reason=reason)


def is_int(value):
    """A JSON integer (not a boolean)."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value):
    """A JSON number (not a boolean)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def choice(container, name, allowed, code=2):
    """An optional integer field limited to ``allowed``."""
    if name in container and (not is_int(container[name]) or container[name] not in allowed):
        fail(code, f"{name} must be one of {sorted(allowed)}")


def obj(container, name, required=False, code=2):
    """An (optional) JSON object field; returns it or None."""
    if name not in container:
        if required:
            fail(code, f"{name} is required")
        return None
    if not isinstance(container[name], dict):
        fail(code, f"{name} must be a JSON object")
    return container[name]


def channel_and_uid(document):
    """``cname`` (1013 rule) and ``uid`` (string of 1-48 characters, Q-ARTC-08)."""
    cname, uid = document.get("cname"), document.get("uid")
    if not isinstance(cname, str) or not CNAME.match(cname) or len(cname.encode("utf-8")) > 64:
        fail(1013)
    if not isinstance(uid, str) or not 1 <= len(uid) <= 48:
        fail(2, "uid must be a string of 1 to 48 characters")
    return cname, uid


def acquire_body(document):
    """acquire: cname, uid, clientRequest{resourceExpiredHour 1..720, default 72}; returns (cname, uid, hours)."""
    cname, uid = channel_and_uid(document)
    request = obj(document, "clientRequest", required=True)
    hours = request.get("resourceExpiredHour", 72)
    if not is_int(hours) or not 1 <= hours <= 720:
        fail(2, "resourceExpiredHour must be an integer from 1 to 720")
    return cname, uid, hours


def uid_list(container, name, allow_empty=True, code=2):
    """A subscription list: array of at most 32 strings (Q-ARTC-12)."""
    if name not in container:
        return
    value = container[name]
    if not isinstance(value, list) or len(value) > 32 or any(not isinstance(item, str) for item in value):
        fail(code, f"{name} must be an array of at most 32 UID strings")
    if not value and not allow_empty:
        fail(code, f"{name} must not be empty")


def layout(container, code):
    """mixedVideoLayout, backgroundColor, layoutConfig (shared by start's transcodingConfig and updateLayout)."""
    choice(container, "mixedVideoLayout", range(4), code)
    if "backgroundColor" in container and (not isinstance(container["backgroundColor"], str) or not COLOUR.match(container["backgroundColor"])):
        fail(code, "backgroundColor must be # and 6 hexadecimal digits")
    if "maxResolutionUid" in container and not isinstance(container["maxResolutionUid"], str):
        fail(code, "maxResolutionUid must be a string")
    if container.get("mixedVideoLayout") == 3 and "layoutConfig" not in container:
        fail(code, "mixedVideoLayout 3 needs layoutConfig")
    if "layoutConfig" not in container:
        return
    regions = container["layoutConfig"]
    if not isinstance(regions, list) or len(regions) > 17 or any(not isinstance(region, dict) for region in regions):
        fail(code, "layoutConfig must be an array of at most 17 objects")
    for region in regions:
        for name in ("x_axis", "y_axis", "width", "height", "alpha"):
            if name not in region:
                if name != "alpha":
                    fail(code, f"layoutConfig items need {name}")
                continue
            if not is_number(region[name]) or not 0 <= region[name] <= 1:
                fail(code, f"layoutConfig {name} must be a number from 0.0 to 1.0")
        if "uid" in region and not isinstance(region["uid"], str):
            fail(code, "layoutConfig uid must be a string")
        choice(region, "render_mode", (0, 1), code)


def transcoding(config):
    """transcodingConfig: width, height, fps, bitrate all required; width, height <= 1920; width x height <= 1920 x 1080."""
    for name in ("width", "height", "fps", "bitrate"):
        if not is_int(config.get(name)) or config[name] <= 0:
            fail(2, f"transcodingConfig.{name} is required and must be a positive integer")
    if config["width"] > 1920 or config["height"] > 1920 or config["width"] * config["height"] > 1920 * 1080:
        fail(2, "width and height must not exceed 1920 and width x height must not exceed 1920 x 1080")
    layout(config, 2)


def recording_config(config, mode):
    """recordingConfig field rules."""
    choice(config, "channelType", (0, 1))
    choice(config, "streamTypes", (0, 1, 2))
    choice(config, "decryptionMode", range(4))
    choice(config, "videoStreamType", (0, 1))
    choice(config, "subscribeUidGroup", range(4))
    if "secret" in config and not isinstance(config["secret"], str):
        fail(2, "secret must be a string")
    if "audioProfile" in config:
        if mode == "individual":
            fail(2, "audioProfile cannot be set in individual mode")
        choice(config, "audioProfile", range(3))
    if "maxIdleTime" in config and (not is_int(config["maxIdleTime"]) or not 5 <= config["maxIdleTime"] <= MAX_UINT32):
        fail(2, "maxIdleTime must be an integer from 5 to 2^32-1")
    if mode == "individual" and "subscribeUidGroup" not in config:
        fail(2, "subscribeUidGroup is required in individual mode")
    for name in ("subscribeAudioUids", "unSubscribeAudioUids", "subscribeVideoUids", "unSubscribeVideoUids"):
        uid_list(config, name)
    transcoding_config = obj(config, "transcodingConfig")
    if transcoding_config is not None:
        if mode == "individual":
            fail(2, "transcodingConfig cannot be set in individual mode")
        transcoding(transcoding_config)


def storage_config(config):
    """storageConfig: vendor, region (per vendor), bucket, accessKey, secretKey required; fileNamePrefix rules (Q-ARTC-19)."""
    if not is_int(config.get("vendor")) or config["vendor"] not in REGIONS:
        fail(2, "storageConfig.vendor must be 0 to 4")
    if not is_int(config.get("region")) or config["region"] not in REGIONS[config["vendor"]]:
        fail(2, "storageConfig.region is not a region of this vendor")
    for name in ("bucket", "accessKey", "secretKey"):
        if not isinstance(config.get(name), str) or not config[name]:
            fail(2, f"storageConfig.{name} is required")
    prefix = config.get("fileNamePrefix", [])
    if not isinstance(prefix, list) or any(not isinstance(part, str) or not PREFIX_PART.match(part) for part in prefix):
        fail(2, "fileNamePrefix must be an array of strings of a-z, A-Z, 0-9")
    if len("/".join(prefix)) + (1 if prefix else 0) > 128:
        fail(2, "fileNamePrefix must not exceed 128 characters including slashes")


def extension_config(config):
    """extensionServiceConfig: errorHandlePolicy "error_abort"; extensionServices of aliyun_vod_service."""
    if config.get("errorHandlePolicy", "error_abort") != "error_abort":
        fail(2, "errorHandlePolicy must be error_abort")
    services = config.get("extensionServices")
    if not isinstance(services, list) or not services or any(not isinstance(service, dict) for service in services):
        fail(2, "extensionServices must be a non-empty array of objects")
    for service in services:
        if service.get("serviceName") != "aliyun_vod_service":
            fail(2, "serviceName must be aliyun_vod_service")
        if service.get("errorHandlePolicy", "error_abort") != "error_abort":
            fail(2, "errorHandlePolicy must be error_abort")
        obj(service, "serviceParam", required=True)


def snapshot_config(config, recording):
    """snapshotConfig: captureInterval 5..3600, fileType ["jpg"], streamTypes 1 or 2, video list with an audio list (Q-ARTC-07)."""
    interval = config.get("captureInterval", 10)
    if not is_int(interval) or not 5 <= interval <= 3600:
        fail(2, "captureInterval must be an integer from 5 to 3600")
    if config.get("fileType") != ["jpg"]:
        fail(2, 'fileType must be ["jpg"]')
    if recording.get("streamTypes", 2) not in (1, 2):
        fail(2, "snapshots need streamTypes 1 or 2")
    if "subscribeAudioUids" in recording and "subscribeVideoUids" not in recording:
        fail(2, "snapshots with subscribeAudioUids need subscribeVideoUids")


def start_body(document, mode):
    """start: the clientRequest relations table, mode restrictions and field rules; returns (cname, uid, kind).

    ``kind`` is "recording", "snapshot" or "vod".
    """
    cname, uid = channel_and_uid(document)
    request = obj(document, "clientRequest", required=True)
    if "token" in request and not isinstance(request["token"], str):
        fail(2, "token must be a string")
    recording = obj(request, "recordingConfig", required=True)
    file_config = obj(request, "recordingFileConfig")
    snapshot = obj(request, "snapshotConfig")
    storage = obj(request, "storageConfig")
    extension = obj(request, "extensionServiceConfig")
    if file_config is not None and snapshot is not None:
        fail(2, "recordingFileConfig and snapshotConfig are mutually exclusive")
    if extension is not None and (snapshot is not None or storage is not None):
        fail(2, "extensionServiceConfig cannot be set with snapshotConfig or storageConfig")
    if snapshot is not None and mode != "individual":
        fail(2, "snapshotConfig needs mode individual")
    if extension is not None and mode != "mix":
        fail(2, "extensionServiceConfig needs mode mix")
    recording_config(recording, mode)
    if file_config is not None and file_config.get("avFileType", ["hls"]) != ["hls"]:
        fail(2, 'avFileType must be ["hls"]')
    if snapshot is not None:
        snapshot_config(snapshot, recording)
    if storage is not None:
        storage_config(storage)
    if extension is not None:
        extension_config(extension)
    return cname, uid, "snapshot" if snapshot is not None else "vod" if extension is not None else "recording"


def update_body(document, stream_types):
    """update: streamSubscribe lists (non-empty, <= 32); audio list not with streamTypes 1, video list not with 0."""
    cname, uid = channel_and_uid(document)
    request = obj(document, "clientRequest", required=True)
    subscribe = obj(request, "streamSubscribe", required=True)
    audio = obj(subscribe, "audioUidList")
    video = obj(subscribe, "videoUidList")
    if audio is not None:
        if stream_types == 1:
            fail(2, "audioUidList cannot be set when only video is subscribed")
        uid_list(audio, "subscribeAudioUids", allow_empty=False)
        uid_list(audio, "unSubscribeAudioUids", allow_empty=False)
    if video is not None:
        if stream_types == 0:
            fail(2, "videoUidList cannot be set when only audio is subscribed")
        uid_list(video, "subscribeVideoUids", allow_empty=False)
        uid_list(video, "unSubscribeVideoUids", allow_empty=False)
    return cname, uid, subscribe


def update_layout_body(document):
    """updateLayout: clientRequest layout fields; body errors are code 1028."""
    cname, uid = channel_and_uid(document)
    request = obj(document, "clientRequest", required=True, code=1028)
    layout(request, 1028)
    return cname, uid, request
