"""The six cloud-recording calls under ``/v1/apps/<appid>/cloud_recording`` (anyrtc-recording.md).

Order of checks for every call: Authorization (401) -> App ID (400 "invalid appid") -> rate limit (429) -> HTTP method
(400 code 8) -> path ``mode`` (400 code 2) -> Content-type and JSON body (400 code 8; not for GET query) -> the call's
own rules. The body is always read first so the connection stays usable.
"""
import secrets
import time

from .. import json_response, route
from . import validation
from .common import AnyRTCError, authorise, coded, error_response, message, parse_body, read_raw
from .storage import register_files

BASE = "/v1/apps/{appid}/cloud_recording"
SESSION = BASE + "/resourceid/{resourceid}/sid/{sid}/mode/{mode}"
ANY = "GET|POST|PUT|DELETE|PATCH"


def _begin(request, state, method, body=True):
    """Common checks; returns (app, document or None)."""
    raw = read_raw(request)
    app = authorise(state, request, request.path_args["appid"])
    if request.method != method:
        raise coded(8)
    mode = request.path_args.get("mode")
    if mode is not None and mode not in validation.MODES:
        raise coded(2, reason="mode must be mix or individual")
    return app, (parse_body(request, raw) if body else None)


def _status(state, session, now):
    """The query ``status``: 1 at start, one step per status_interval up to 5; 4 at most while nothing is recorded."""
    interval = state["config"]["status_interval"]
    status = 5 if interval <= 0 else min(5, 1 + int((now - session["started_at"]) / interval))
    return status if session["publishers"] else min(status, 4)


def _session(state, request, now, stopping=False, expiring=True):
    """The session of the path (404 1003 unknown / mismatched; 433 past resourceExpiredHour; 501 stopped, 49 on stop)."""
    args = request.path_args
    session = state["sessions"].get(args["sid"])
    if session is None or session["resource_id"] != args["resourceid"] or session["app_id"] != args["appid"]:
        raise coded(1003, status=404)
    if session["stopped_at"] is not None:
        raise coded(49) if stopping else coded(501, status=404)
    if expiring and now > session["started_at"] + session["hours"] * state["config"]["hour_seconds"]:
        raise coded(433, status=404, reason="resourceExpiredHour has passed since start")
    if args["mode"] != session["mode"]:
        raise coded(432, reason="mode does not match the recording")
    return session


def _same_caller(document, session):
    """cname and uid must be those of acquire (432)."""
    if document.get("cname") != session["cname"] or document.get("uid") != session["uid"]:
        raise coded(432)


def _call(vendor, handler, request):
    """Run ``handler(state, request)`` in a transaction, turning AnyRTCError into its reply."""
    try:
        with vendor.transaction() as state:
            return handler(state, request)
    except AnyRTCError as error:
        return error_response(error)


@route(ANY, BASE + "/acquire", stream=True)
def acquire(vendor, request):
    """``POST .../acquire`` -> 200 ``{"resourceId"}``; the ID is valid resource_lifetime seconds, for one start."""
    def run(state, request):
        app, document = _begin(request, state, "POST")
        cname, uid, hours = validation.acquire_body(document)
        if not app["recording_enabled"]:
            raise coded(62)
        resource_id = secrets.token_urlsafe(144)
        state["resources"][resource_id] = {"app_id": request.path_args["appid"], "cname": cname, "uid": uid, "hours": hours,
                                           "acquired_at": time.time(), "sid": None}
        app["acquired"] += 1
        return json_response({"resourceId": resource_id})
    return _call(vendor, run, request)


@route(ANY, BASE + "/resourceid/{resourceid}/mode/{mode}/start", stream=True)
def start(vendor, request):
    """``POST .../start`` -> 200 ``{"resourceId", "sid"}``."""
    def run(state, request):
        app, document = _begin(request, state, "POST")
        args = request.path_args
        resource = state["resources"].get(args["resourceid"])
        now = time.time()
        if resource is None:
            raise coded(1001)
        if resource["app_id"] != args["appid"]:
            raise coded(432)
        if resource["sid"] is not None:
            raise coded(7)
        if now > resource["acquired_at"] + state["config"]["resource_lifetime"]:
            raise coded(433)
        cname, uid, kind = validation.start_body(document, args["mode"])
        if cname != resource["cname"] or uid != resource["uid"]:
            raise coded(432)
        for other in state["sessions"].values():
            if other["stopped_at"] is None and (other["app_id"], other["cname"], other["uid"]) == (args["appid"], cname, uid):
                raise coded(53)
        client_request = document["clientRequest"]
        recording = client_request["recordingConfig"]
        storage = client_request.get("storageConfig") or {}
        sid = secrets.token_hex(16)
        resource["sid"] = sid
        state["sessions"][sid] = {
            "app_id": args["appid"], "resource_id": args["resourceid"], "cname": cname, "uid": uid, "mode": args["mode"],
            "kind": kind, "hours": resource["hours"], "started_at": now, "stopped_at": None,
            "stream_types": recording.get("streamTypes", 2),
            "publishers": _subscribed(app["channels"].get(cname, []), recording),
            "bucket": storage.get("bucket", "anyrtc-backup"), "prefix": list(storage.get("fileNamePrefix", [])),
            "updates": 0, "layout_updates": 0, "subscription": None,
        }
        return json_response({"resourceId": args["resourceid"], "sid": sid})
    return _call(vendor, run, request)


def _subscribed(publishers, recording):
    """The channel's publishing UIDs that the subscription lists select."""
    wanted = set(recording.get("subscribeAudioUids", [])) | set(recording.get("subscribeVideoUids", []))
    unwanted = set(recording.get("unSubscribeAudioUids", [])) & set(recording.get("unSubscribeVideoUids", []))
    if wanted and "#allstream#" not in wanted:
        publishers = [uid for uid in publishers if uid in wanted]
    return [uid for uid in publishers if uid not in unwanted]


@route(ANY, SESSION + "/update", stream=True)
def update(vendor, request):
    """``POST .../update`` -> 200 ``{"sid", "resourceId"}`` (the subscription is replaced)."""
    def run(state, request):
        app, document = _begin(request, state, "POST")
        # resourceExpiredHour does not limit update (Q-ARTC-16).
        session = _session(state, request, time.time(), expiring=False)
        dummy, dummy, subscribe = validation.update_body(document, session["stream_types"])
        _same_caller(document, session)
        # Each update replaces the whole subscription (Q-ARTC-14); the files of a later stop follow it.
        lists = dict(subscribe.get("audioUidList") or {}, **(subscribe.get("videoUidList") or {}))
        session["publishers"] = _subscribed(app["channels"].get(session["cname"], []), lists)
        session["subscription"] = subscribe
        session["updates"] += 1
        return json_response({"sid": request.path_args["sid"], "resourceId": request.path_args["resourceid"]})
    return _call(vendor, run, request)


@route(ANY, SESSION + "/updateLayout", stream=True)
def update_layout(vendor, request):
    """``POST .../updateLayout`` (mode mix only) -> 200 ``{"sid", "resourceId"}``."""
    def run(state, request):
        dummy, document = _begin(request, state, "POST")
        if request.path_args["mode"] != "mix":
            raise coded(1028, reason="updateLayout supports mode mix only")
        session = _session(state, request, time.time())
        validation.update_layout_body(document)
        _same_caller(document, session)
        session["layout_updates"] += 1
        return json_response({"sid": request.path_args["sid"], "resourceId": request.path_args["resourceid"]})
    return _call(vendor, run, request)


def _file_list(session, files):
    """``fileListMode`` and ``fileList``: the .m3u8 name (string) in mix mode, one object per UID in individual mode."""
    start_ms = int(session["started_at"] * 1000)
    if session["mode"] == "mix":
        return {"fileListMode": "string", "fileList": files[0]["key"] if files else ""}
    return {"fileListMode": "json", "fileList": [
        {"filename": item["key"], "trackType": item["track"], "uid": item["uid"], "mixedAllUser": False, "isPlayable": True,
         "sliceStartTime": start_ms} for item in files]}


def _vod_view(session, sid, service_state, recording_service):
    """serverResponse of an Alibaba VoD recording."""
    name = sid
    return {"extensionServiceState": [{"serviceName": "aliyun_vod_service", "payload": {
        "state": service_state, "videoInfo": [{"fileName": f"{name}_{session['cname']}.m3u8", "videoId": session["video_id"]}]
        if session["publishers"] else []}}], "subServiceStatus": {"recordingService": recording_service}}


@route(ANY, SESSION + "/query", stream=True)
def query(vendor, request):
    """``GET .../query`` -> 200 ``{"resourceId", "sid", "serverResponse"}``; 404 once stopped."""
    def run(state, request):
        _begin(request, state, "GET", body=False)
        now = time.time()
        session = _session(state, request, now)
        sid = request.path_args["sid"]
        status = _status(state, session, now)
        if session["kind"] == "vod":
            session.setdefault("video_id", secrets.token_hex(16))
            response = _vod_view(session, sid, "inProgress" if session["publishers"] else "idle", "serviceInProgress")
        else:
            response = {}
            if session["kind"] == "recording" and status == 5:
                response.update(_file_list(session, register_files(state, sid, session, now, dry_run=True)))
            response.update(status=status, sliceStartTime=int(session["started_at"] * 1000))
        return json_response({"resourceId": request.path_args["resourceid"], "sid": sid, "serverResponse": response})
    return _call(vendor, run, request)


@route(ANY, SESSION + "/stop", stream=True)
def stop(vendor, request):
    """``POST .../stop`` -> 200 (206 when nothing was recorded or uploadingStatus is "backuped") with the file list."""
    def run(state, request):
        dummy, document = _begin(request, state, "POST")
        now = time.time()
        session = _session(state, request, now, stopping=True)
        validation.channel_and_uid(document)
        validation.obj(document, "clientRequest", required=True)
        _same_caller(document, session)
        sid = request.path_args["sid"]
        session["stopped_at"] = now
        uploading = state["config"]["uploading_status"]
        if session["kind"] == "vod":
            session.setdefault("video_id", secrets.token_hex(16))
            response = _vod_view(session, sid, "idle", "serviceCompleted")
        elif session["kind"] == "snapshot":
            response = {"uploadingStatus": uploading if session["publishers"] else "unknown"}
        else:
            files = register_files(state, sid, session, now)
            response = dict(_file_list(session, files), uploadingStatus=uploading if files else "unknown")
        partial = not session["publishers"] or uploading == "backuped"
        return json_response({"resourceId": request.path_args["resourceid"], "sid": sid, "serverResponse": response}, 206 if partial else 200)
    return _call(vendor, run, request)


@route(ANY, "/v1/apps/{appid}/{rest*}", stream=True)
def no_route(_vendor, request):
    """Any other path under ``/v1/apps/``: 400 code 8 without ``cloud_recording``, else 404 "no Route matched with those values"."""
    read_raw(request)
    if "/cloud_recording/" not in request.path + "/":
        return error_response(coded(8))
    return error_response(message(404, "no Route matched with those values"))
