"""anyRTC cloud recording (anyrtc-recording.md, seed 004), over real HTTP."""
import base64
import json
import time

import pytest
import requests

APP = "artcapp1"
CUSTOMER, CERTIFICATE = "customer-1", "certificate-secret-1"
CHANNEL = "httpClient463224"
APP_BODY = {"app_id": APP, "customer_id": CUSTOMER, "customer_certificate": CERTIFICATE,
            "channels": {CHANNEL: ["123", "456"], "empty": []}}
JSON_TYPE = "application/json;charset=utf-8"
STORAGE = {"accessKey": "storage-access-key-1", "region": 3, "bucket": "recbucket", "secretKey": "storage-secret-key-1",
           "vendor": 2, "fileNamePrefix": ["directory1", "directory2"]}
FAST = {"status_interval": 0.2, "rate_limit": 1000}


def control(emulator, method, path, body=None):
    """Call the control API."""
    return requests.request(method, f"{emulator.url}/_emulator{path}", json=body, timeout=5)


def auth(customer=CUSTOMER, certificate=CERTIFICATE):
    """The Basic Authorization header value."""
    return "Basic " + base64.b64encode(f"{customer}:{certificate}".encode()).decode()


def call(emulator, method, path, body=None, **options):
    """A cloud-recording call (options ``app``, ``headers``) with correct headers unless overridden; returns the response."""
    app = options.get("app", APP)
    sent = {"Authorization": auth(), "Content-Type": JSON_TYPE}
    sent.update(options.get("headers") or {})
    sent = {name: value for name, value in sent.items() if value is not None}
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    return requests.request(method, f"{emulator.url}/v1/apps/{app}/cloud_recording{path}", data=data, headers=sent, timeout=5)


def acquire(emulator, cname=CHANNEL, uid="527841", **client_request):
    """Acquire a resource ID (asserting 200)."""
    response = call(emulator, "POST", "/acquire", {"cname": cname, "uid": uid, "clientRequest": client_request})
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == JSON_TYPE
    assert set(response.json()) == {"resourceId"}
    return response.json()["resourceId"]


def start_body(cname=CHANNEL, uid="527841", **client_request):
    """A start body: recording with storage unless overridden."""
    request = {"recordingConfig": {"maxIdleTime": 30, "streamTypes": 2, "channelType": 0, "subscribeUidGroup": 0,
                                   "transcodingConfig": {"height": 640, "width": 360, "bitrate": 500, "fps": 15, "mixedVideoLayout": 1,
                                                         "backgroundColor": "#FF0000"}},
               "recordingFileConfig": {"avFileType": ["hls"]}, "storageConfig": dict(STORAGE)}
    request.update(client_request)
    return {"uid": uid, "cname": cname, "clientRequest": {name: value for name, value in request.items() if value is not None}}


def start(emulator, resource, mode="mix", body=None):
    """Start; returns the response."""
    return call(emulator, "POST", f"/resourceid/{resource}/mode/{mode}/start", body or start_body())


def started(emulator, mode="mix", body=None, **acquire_args):
    """Acquire and start (asserting 200); returns (resource, sid)."""
    resource = acquire(emulator, **acquire_args)
    response = start(emulator, resource, mode, body)
    assert response.status_code == 200, response.text
    assert response.json()["resourceId"] == resource and len(response.json()["sid"]) == 32
    return resource, response.json()["sid"]


def session_path(resource, sid, mode, action):
    """``/resourceid/<r>/sid/<s>/mode/<m>/<action>``."""
    return f"/resourceid/{resource}/sid/{sid}/mode/{mode}/{action}"


def stop(emulator, resource, sid, mode="mix", **caller):
    """Stop (``cname``, ``uid`` as acquired unless given); returns the response."""
    body = {"cname": caller.get("cname", CHANNEL), "uid": caller.get("uid", "527841"), "clientRequest": {}}
    return call(emulator, "POST", session_path(resource, sid, mode, "stop"), body)


def query(emulator, resource, sid, mode="mix"):
    """Query (GET, no body); returns the response."""
    return call(emulator, "GET", session_path(resource, sid, mode, "query"), headers={"Content-Type": None})


def wait_status(emulator, resource, sid, wanted, mode="mix"):
    """Poll query (for up to 5 s) until ``status`` is ``wanted``; returns the body."""
    deadline = time.monotonic() + 5.0
    while True:
        body = query(emulator, resource, sid, mode).json()
        if body["serverResponse"].get("status") == wanted or time.monotonic() > deadline:
            return body
        time.sleep(0.05)


def coded(response, status, code):
    """Assert an error reply with a numeric code."""
    assert response.status_code == status, response.text
    assert response.json()["code"] == code, response.text


@pytest.fixture(name="app")
def fixture_app(emulator):
    """The app of APP_BODY with fast status steps and no practical rate limit."""
    response = control(emulator, "POST", "/anyrtc/apps", APP_BODY)
    assert response.status_code == 200, response.text
    assert response.json()["customer_certificate"] == "***"
    assert control(emulator, "POST", "/anyrtc/config", FAST).status_code == 200
    return emulator


def test_mix_flow_with_downloads(app):
    """acquire -> start -> query (status progression) -> stop with a file list whose files download."""
    resource, sid = started(app)
    first = query(app, resource, sid).json()
    assert first["resourceId"] == resource and first["sid"] == sid
    assert first["serverResponse"]["status"] in (1, 2) and "fileList" not in first["serverResponse"]
    body = wait_status(app, resource, sid, 5)
    key = f"directory1/directory2/{sid}_{CHANNEL}.m3u8"
    assert body["serverResponse"]["fileListMode"] == "string" and body["serverResponse"]["fileList"] == key
    assert isinstance(body["serverResponse"]["sliceStartTime"], int)
    response = stop(app, resource, sid)
    assert response.status_code == 200, response.text
    assert response.json() == {"resourceId": resource, "sid": sid,
                               "serverResponse": {"fileListMode": "string", "fileList": key, "uploadingStatus": "uploaded"}}
    playlist = requests.get(f"{app.url}/_anyrtc/storage/recbucket/{key}", timeout=5)
    assert playlist.status_code == 200 and playlist.headers["Content-Type"] == "application/vnd.apple.mpegurl"
    segments = [line for line in playlist.text.splitlines() if line and not line.startswith("#")]
    assert len(segments) == 3 and playlist.text.startswith("#EXTM3U") and "#EXT-X-ENDLIST" in playlist.text
    contents = []
    for segment in segments:
        ts = requests.get(f"{app.url}/_anyrtc/storage/recbucket/directory1/directory2/{segment}", timeout=5)
        assert ts.status_code == 200 and ts.headers["Content-Type"] == "video/mp2t"
        assert len(ts.content) == 4 * 188 and ts.content[0] == 0x47 and ts.content[188] == 0x47
        contents.append(ts.content)
    assert len(set(contents)) == 3
    again = requests.get(f"{app.url}/_anyrtc/storage/recbucket/directory1/directory2/{segments[0]}", timeout=5)
    assert again.content == contents[0]
    assert requests.get(f"{app.url}/_anyrtc/storage/recbucket/nothing.ts", timeout=5).status_code == 404
    coded(query(app, resource, sid), 404, 501)
    coded(stop(app, resource, sid), 400, 49)


def test_individual_flow(app):
    """Individual mode: fileListMode json, one file per publishing UID, mixedAllUser false."""
    body = start_body(transcodingConfig=None)
    del body["clientRequest"]["recordingConfig"]["transcodingConfig"]
    resource, sid = started(app, mode="individual", body=body)
    assert wait_status(app, resource, sid, 5, mode="individual")["serverResponse"]["fileListMode"] == "json"
    response = stop(app, resource, sid, mode="individual")
    assert response.status_code == 200
    files = response.json()["serverResponse"]["fileList"]
    assert [item["uid"] for item in files] == ["123", "456"]
    assert all(item["trackType"] == "audio_and_video" and item["mixedAllUser"] is False and item["isPlayable"] for item in files)
    for item in files:
        assert requests.get(f"{app.url}/_anyrtc/storage/recbucket/{item['filename']}", timeout=5).status_code == 200


def test_update_changes_the_files_of_the_stop(app):
    """An update replacing the subscription with one UID leaves one playlist in individual mode."""
    body = start_body(transcodingConfig=None)
    del body["clientRequest"]["recordingConfig"]["transcodingConfig"]
    resource, sid = started(app, mode="individual", body=body)
    update = {"uid": "527841", "cname": CHANNEL, "clientRequest": {"streamSubscribe": {
        "audioUidList": {"subscribeAudioUids": ["456"]}, "videoUidList": {"subscribeVideoUids": ["456"]}}}}
    assert call(app, "POST", session_path(resource, sid, "individual", "update"), update).status_code == 200
    session = control(app, "GET", "/state").json()["anyrtc"]["sessions"][sid]
    assert session["updates"] == 1
    assert session["subscription"] == update["clientRequest"]["streamSubscribe"]
    files = stop(app, resource, sid, mode="individual").json()["serverResponse"]["fileList"]
    assert [item["uid"] for item in files] == ["456"]


def test_empty_channel_is_206_and_status_stays_below_5(app):
    """Nobody publishes: status stops at 4, stop answers 206 with no files."""
    resource, sid = started(app, cname="empty", body=start_body(cname="empty"))
    time.sleep(1.2)
    assert query(app, resource, sid).json()["serverResponse"]["status"] == 4
    response = stop(app, resource, sid, cname="empty")
    assert response.status_code == 206
    assert response.json()["serverResponse"] == {"fileListMode": "string", "fileList": "", "uploadingStatus": "unknown"}


def test_backuped_is_206(app):
    """uploading_status backuped: 206 with the files listed."""
    control(app, "POST", "/anyrtc/config", {"uploading_status": "backuped"})
    resource, sid = started(app)
    response = stop(app, resource, sid)
    assert response.status_code == 206 and response.json()["serverResponse"]["uploadingStatus"] == "backuped"


def test_authentication(app):
    """Missing, wrong or non-Basic credentials -> 401 Invalid authentication credentials; unknown app -> 400 invalid appid."""
    body = {"cname": CHANNEL, "uid": "1", "clientRequest": {}}
    for header in (None, auth(certificate="wrong"), auth(customer="nobody"), auth().replace("Basic ", ""), "Bearer x"):
        response = call(app, "POST", "/acquire", body, headers={"Authorization": header})
        assert response.status_code == 401 and response.json() == {"message": "Invalid authentication credentials"}
    response = call(app, "POST", "/acquire", body, app="nosuchapp")
    assert response.status_code == 400 and response.json() == {"message": "invalid appid"}
    other = dict(APP_BODY, app_id="other", customer_id="customer-2", customer_certificate="c2")
    control(app, "POST", "/anyrtc/apps", other)
    assert call(app, "POST", "/acquire", body, app="other").status_code == 401


def test_content_type_rule(app):
    """Exactly application/json;charset=utf-8, and a JSON object body, else 400 code 8."""
    body = {"cname": CHANNEL, "uid": "1", "clientRequest": {}}
    for content_type in ("application/json", "application/json; charset=utf-8", "Application/json;charset=UTF-8", None):
        coded(call(app, "POST", "/acquire", body, headers={"Content-Type": content_type}), 400, 8)
    coded(call(app, "POST", "/acquire", b"{not json"), 400, 8)
    coded(call(app, "POST", "/acquire", b"[1]"), 400, 8)
    coded(call(app, "GET", "/acquire"), 400, 8)
    coded(requests.post(f"{app.url}/v1/apps/{APP}/acquire", headers={"Authorization": auth(), "Content-Type": JSON_TYPE}, timeout=5), 400, 8)
    response = call(app, "POST", "/nothing", body)
    assert response.status_code == 404 and response.json() == {"message": "no Route matched with those values"}


def test_resource_single_use_and_expiry(app):
    """A resource ID starts one recording (7 after); it expires after resource_lifetime (433); unknown -> 1001."""
    resource, sid = started(app)
    coded(start(app, resource), 400, 7)
    stop(app, resource, sid)
    coded(start(app, resource), 400, 7)
    coded(start(app, "unknown-resource"), 400, 1001)
    control(app, "POST", "/anyrtc/config", {"resource_lifetime": 0.3})
    late = acquire(app)
    time.sleep(0.5)
    coded(start(app, late), 400, 433)


def test_parallel_recording_needs_another_uid(app):
    """Same app, channel and uid while recording -> 53; another uid works; a mismatched cname -> 432."""
    started(app)
    coded(start(app, acquire(app)), 400, 53)
    started(app, uid="999", body=start_body(uid="999"))
    coded(start(app, acquire(app, uid="777"), body=start_body(uid="778")), 400, 432)


def test_acquire_validation(app):
    """cname character set/length (1013), uid 1-48 characters, resourceExpiredHour 1-720 (2), recording permission (62)."""
    for cname in ("bad/name", "a" * 65, "", "中文"):
        coded(call(app, "POST", "/acquire", {"cname": cname, "uid": "1", "clientRequest": {}}), 400, 1013)
    acquire(app, cname="Ok name !#$%&()+-:;<=.>?@[]^_{}|~,")
    for uid in ("", "x" * 49, 5):
        coded(call(app, "POST", "/acquire", {"cname": CHANNEL, "uid": uid, "clientRequest": {}}), 400, 2)
    for hours in (0, 721, "24", 1.5):
        coded(call(app, "POST", "/acquire", {"cname": CHANNEL, "uid": "1", "clientRequest": {"resourceExpiredHour": hours}}), 400, 2)
    acquire(app, resourceExpiredHour=720)
    control(app, "POST", "/anyrtc/apps", dict(APP_BODY, recording_enabled=False))
    coded(call(app, "POST", "/acquire", {"cname": CHANNEL, "uid": "1", "clientRequest": {}}), 400, 62)


SNAPSHOT = {"captureInterval": 5, "fileType": ["jpg"]}
VOD = {"extensionServices": [{"serviceName": "aliyun_vod_service", "serviceParam": {"secretKey": "vod-secret", "accessKey": "vod-access",
                                                                                    "regionId": "cn-shanghai", "apiData": {"videoData": {"title": "t"}}}}]}


@pytest.mark.parametrize("mode, changes", [
    ("mix", {"snapshotConfig": SNAPSHOT, "recordingFileConfig": None}),            # snapshots: individual only
    ("individual", {"snapshotConfig": SNAPSHOT}),                                   # with recordingFileConfig
    ("individual", {"extensionServiceConfig": VOD, "storageConfig": None}),         # VOD: mix only
    ("mix", {"extensionServiceConfig": VOD}),                                       # VOD with storageConfig
    ("mix", {"recordingConfig": None}),                                             # recordingConfig required
    ("mix", {"recordingConfig": {"transcodingConfig": {"width": 1920, "height": 1920, "fps": 15, "bitrate": 500}}}),
    ("mix", {"recordingConfig": {"transcodingConfig": {"width": 1921, "height": 100, "fps": 15, "bitrate": 500}}}),
    ("mix", {"recordingConfig": {"transcodingConfig": {"width": 640, "height": 360, "fps": 15}}}),
    ("mix", {"recordingConfig": {"transcodingConfig": {"width": 640, "height": 360, "fps": 15, "bitrate": 500, "mixedVideoLayout": 3}}}),
    ("mix", {"recordingConfig": {"transcodingConfig": {"width": 640, "height": 360, "fps": 15, "bitrate": 500, "backgroundColor": "red"}}}),
    ("mix", {"recordingConfig": {"maxIdleTime": 4}}),
    ("mix", {"recordingConfig": {"streamTypes": 3}}),
    ("mix", {"recordingConfig": {"subscribeAudioUids": [str(number) for number in range(33)]}}),
    ("individual", {"recordingConfig": {"streamTypes": 2}}),                        # subscribeUidGroup required
    ("individual", {"recordingConfig": {"subscribeUidGroup": 0, "audioProfile": 1}}),
    ("individual", {"recordingConfig": {"subscribeUidGroup": 0, "transcodingConfig": {"width": 1, "height": 1, "fps": 1, "bitrate": 1}}}),
    ("individual", {"recordingConfig": {"subscribeUidGroup": 0, "streamTypes": 0}, "snapshotConfig": SNAPSHOT, "recordingFileConfig": None}),
    ("individual", {"recordingConfig": {"subscribeUidGroup": 0, "subscribeAudioUids": ["1"]}, "snapshotConfig": SNAPSHOT,
                    "recordingFileConfig": None}),
    ("individual", {"recordingConfig": {"subscribeUidGroup": 0}, "snapshotConfig": {"captureInterval": 4, "fileType": ["jpg"]},
                    "recordingFileConfig": None}),
    ("mix", {"recordingFileConfig": {"avFileType": ["mp4"]}}),
    ("mix", {"storageConfig": dict(STORAGE, fileNamePrefix=["has space"])}),
    ("mix", {"storageConfig": dict(STORAGE, fileNamePrefix=["a" * 64, "b" * 64])}),
    ("mix", {"storageConfig": dict(STORAGE, vendor=1, region=16)}),
    ("mix", {"storageConfig": dict(STORAGE, secretKey="")}),
])
def test_start_validation(app, mode, changes):
    """Rules of the relations table, mode restrictions and ranges -> 400 code 2; the resource stays usable."""
    body = start_body(**changes)
    if mode == "individual" and "recordingConfig" not in changes:
        del body["clientRequest"]["recordingConfig"]["transcodingConfig"]
    resource = acquire(app)
    coded(start(app, resource, mode, body), 400, 2)
    assert start(app, resource).status_code == 200


def test_start_accepts_documented_limits(app):
    """1920x1080, a 127-character prefix, snapshots and VOD in their modes."""
    transcoding = {"width": 1920, "height": 1080, "fps": 15, "bitrate": 500}
    started(app, body=start_body(recordingConfig={"transcodingConfig": transcoding},
                                 storageConfig=dict(STORAGE, fileNamePrefix=["a" * 63, "b" * 63])))
    snapshot_body = start_body(uid="2", recordingConfig={"subscribeUidGroup": 0}, snapshotConfig=SNAPSHOT, recordingFileConfig=None)
    resource, sid = started(app, mode="individual", body=snapshot_body, uid="2")
    assert "fileList" not in wait_status(app, resource, sid, 5, mode="individual")["serverResponse"]
    assert stop(app, resource, sid, mode="individual", uid="2").json()["serverResponse"] == {"uploadingStatus": "uploaded"}
    vod_body = start_body(uid="3", extensionServiceConfig=VOD, storageConfig=None)
    resource, sid = started(app, body=vod_body, uid="3")
    state = query(app, resource, sid).json()["serverResponse"]
    assert state["extensionServiceState"][0]["serviceName"] == "aliyun_vod_service"
    assert state["subServiceStatus"] == {"recordingService": "serviceInProgress"}


def test_update_and_update_layout(app):
    """update replaces the subscription (non-empty lists); updateLayout is mix only with 1028 body errors."""
    resource, sid = started(app)
    update = {"uid": "527841", "cname": CHANNEL, "clientRequest": {"streamSubscribe": {
        "audioUidList": {"subscribeAudioUids": ["#allstream#"]}, "videoUidList": {"unSubscribeVideoUids": ["444", "555"]}}}}
    response = call(app, "POST", session_path(resource, sid, "mix", "update"), update)
    assert response.status_code == 200 and response.json() == {"sid": sid, "resourceId": resource}
    update["clientRequest"]["streamSubscribe"]["videoUidList"] = {"subscribeVideoUids": []}
    coded(call(app, "POST", session_path(resource, sid, "mix", "update"), update), 400, 2)
    layout = {"uid": "527841", "cname": CHANNEL, "clientRequest": {"mixedVideoLayout": 3, "backgroundColor": "#FF0000", "layoutConfig": [
        {"uid": "1", "x_axis": 0.1, "y_axis": 0.1, "width": 0.1, "height": 0.1, "alpha": 1.0, "render_mode": 1},
        {"uid": "2", "x_axis": 1, "y_axis": 0, "width": 1, "height": 1}]}}
    response = call(app, "POST", session_path(resource, sid, "mix", "updateLayout"), layout)
    assert response.status_code == 200 and response.json() == {"sid": sid, "resourceId": resource}
    layout["clientRequest"]["layoutConfig"][0]["x_axis"] = 1.5
    coded(call(app, "POST", session_path(resource, sid, "mix", "updateLayout"), layout), 400, 1028)
    coded(call(app, "POST", session_path(resource, sid, "individual", "updateLayout"), layout), 400, 1028)
    coded(call(app, "POST", session_path(resource, "0" * 32, "mix", "updateLayout"), layout), 404, 1003)


def test_resource_expired_hour(app):
    """After resourceExpiredHour (hour_seconds shortened) query and stop are refused (404 code 433)."""
    control(app, "POST", "/anyrtc/config", {"hour_seconds": 0.2})
    resource, sid = started(app, resourceExpiredHour=1)
    assert query(app, resource, sid).status_code == 200
    time.sleep(0.4)
    coded(query(app, resource, sid), 404, 433)
    coded(stop(app, resource, sid), 404, 433)


def test_rate_limit(app):
    """More than rate_limit calls per App ID within rate_window -> 429; the window then frees up."""
    control(app, "POST", "/anyrtc/config", {"rate_limit": 10, "rate_window": 1})
    body = {"cname": CHANNEL, "uid": "1", "clientRequest": {}}
    statuses = [call(app, "POST", "/acquire", body).status_code for dummy in range(11)]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429
    assert call(app, "POST", "/acquire", body).json() == {"message": "API rate limit exceeded"}
    time.sleep(1.1)
    assert call(app, "POST", "/acquire", body).status_code == 200
    assert control(app, "GET", "/state").json()["anyrtc"]["apps"][APP]["rate_limited"] == 2


def test_state_log_and_reset(app):
    """State masks the certificate, the log never shows credentials or storage keys; reset clears everything."""
    resource, sid = started(app, body=start_body(token="rtc-token-secret"))
    stop(app, resource, sid)
    state = control(app, "GET", "/state").json()["anyrtc"]
    assert state["apps"][APP]["customer_certificate"] == "***"
    assert state["sessions"][sid]["stopped"] is True
    assert len(state["files"]) == 4
    log = control(app, "GET", "/requests").text
    for secret in (CERTIFICATE, auth(), STORAGE["secretKey"], STORAGE["accessKey"], "rtc-token-secret"):
        assert secret not in log and secret not in control(app, "GET", "/state").text
    entries = control(app, "GET", "/requests").json()
    start_entry = [entry for entry in entries if entry["path"].endswith("/start")][0]
    assert start_entry["params"]["clientRequest"]["storageConfig"]["secretKey"] == "***"
    assert start_entry["params"]["cname"] == CHANNEL
    assert control(app, "POST", "/reset").json() == {"ok": True}
    state = control(app, "GET", "/state").json()["anyrtc"]
    assert state["apps"] == {} and state["sessions"] == {} and state["files"] == [] and state["config"]["rate_limit"] == 10
    assert call(app, "POST", "/acquire", {"cname": CHANNEL, "uid": "1", "clientRequest": {}}).status_code == 401


def test_control_api_validation(emulator):
    """Malformed control bodies -> 400."""
    assert control(emulator, "POST", "/anyrtc/apps", {"app_id": APP}).status_code == 400
    assert control(emulator, "POST", "/anyrtc/apps", dict(APP_BODY, channels={"c": [1]})).status_code == 400
    assert control(emulator, "POST", "/anyrtc/config", {"bogus": 1}).status_code == 400
    assert control(emulator, "POST", "/anyrtc/config", {"rate_limit": 0}).status_code == 400
    assert control(emulator, "POST", "/anyrtc/config", {"uploading_status": "x"}).status_code == 400
    assert control(emulator, "POST", f"/anyrtc/apps/{APP}/channels/c", {"uids": ["1"]}).status_code == 404
    control(emulator, "POST", "/anyrtc/apps", APP_BODY)
    response = control(emulator, "POST", f"/anyrtc/apps/{APP}/channels/c", {"uids": ["1"]})
    assert response.status_code == 200 and response.json()["channels"]["c"] == ["1"]
