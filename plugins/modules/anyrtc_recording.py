#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: anyrtc_recording
short_description: Start, re-lay out and stop anyRTC cloud recordings and download their files to the controller
version_added: 0.1.0
description:
  - Starts an anyRTC cloud recording of a channel (C(acquire) then C(start) in the same run, since a resource ID is
    valid for five minutes and for one recording only), applies new subscription lists (C(update)) and a mixed
    layout (C(updateLayout)) to a running recording and stops it (C(stop)), optionally downloading the recorded files
    into O(dest) on the controller.
  - B(Rate limit and retries.) The task sends at most 10 requests in any second, the API's limit per App ID, and
    sends a request again after HTTP 429. A connection that could not be opened is retried; a lost answer and
    HTTP 500, 502, 503 or 504 are retried for C(acquire), C(query), C(update), C(updateLayout) and downloads, not
    for C(start) and C(stop), whose repetition would fail and hide what the first one did. Retries end 30 seconds
    after the request began.
  - B(Validation.) The rules the API document states plainly are checked before anything is sent, with a message
    naming the option; see the notes for the rules that are not checked.
  - B(Idempotence.) A recording is addressed by O(resource_id) and O(sid) as a start returned them. Starting a
    recording that still runs, or stopping one that is already stopped, is no change.
  - This is an action plugin with a module of the same name. On the controller the module writes into O(dest)
    itself; on another host it downloads into a temporary directory there and the action fetches the files.
author:
  - rtcops developers (@rtcops)
options:
  cname:
    description:
      - 'Name of the channel to record, at most 64 bytes of C(a-z), C(A-Z), C(0-9), space and
        C(! # $ % & \( \) + - : ; < = . > ? @ [ ] ^ _ { } | ~ ,).'
    type: str
    required: true
  uid:
    description:
      - The UID the recording service uses inside the channel, 1 to 48 characters, unique in the channel.
      - It must be the same for every call on one recording; parallel recordings of a channel need distinct UIDs.
    type: str
    required: true
  mode:
    description:
      - V(mix) records all UIDs into one file; V(individual) records each UID separately.
    type: str
    choices: [individual, mix]
    default: mix
  state:
    description:
      - V(started) starts a recording unless the one named by O(resource_id) and O(sid) (or O(recording)) still runs.
      - V(stopped) stops the recording named by O(resource_id) and O(sid) (or O(recording)).
    type: str
    choices: [started, stopped]
    default: started
  resource_id:
    description:
      - Resource ID of an existing recording, as a start returned it in RV(resource_id). Needs O(sid).
    type: str
  sid:
    description:
      - Recording ID of an existing recording, as a start returned it in RV(sid). Needs O(resource_id).
    type: str
  recording:
    description:
      - The registered result of an earlier task of this module that started the recording; its RV(resource_id) and
        RV(sid) address the recording, in place of O(resource_id) and O(sid).
    type: dict
  recording_config:
    description:
      - The C(recordingConfig) of the start request (stream subscription), passed as it is, keys as the API spells them
        (C(channelType), C(streamTypes), C(maxIdleTime), C(transcodingConfig), C(subscribeAudioUids), ...).
      - When C(transcodingConfig) sets only some of C(width), C(height), C(fps) and C(bitrate), the others get the
        documented defaults 360, 640, 15 and 500.
      - Defaults to an empty subscription setting (every stream of the channel).
    type: dict
  recording_file_config:
    description:
      - The C(recordingFileConfig) of the start request; the API supports only C(avFileType) V(hls).
    type: dict
  snapshot_config:
    description:
      - The C(snapshotConfig) of the start request (snapshots instead of recorded files); needs O(mode=individual).
    type: dict
  storage_config:
    description:
      - The C(storageConfig) of the start request (third-party cloud storage) with C(vendor), C(region), C(bucket),
        C(accessKey), C(secretKey) and C(fileNamePrefix).
      - C(accessKey) and C(secretKey) are kept out of the task's results and messages.
    type: dict
  extension_service_config:
    description:
      - The C(extensionServiceConfig) of the start request (Alibaba Cloud VOD); needs O(mode=mix).
      - C(accessKey) and C(secretKey) of its services are kept out of the task's results and messages.
    type: dict
  layout:
    description:
      - Mixed layout applied with C(updateLayout) to the running recording, keys as the API spells them
        (C(mixedVideoLayout), C(backgroundColor), C(layoutConfig), C(maxResolutionUid)). Only with O(mode=mix).
      - Every call replaces the whole layout, and the API cannot read it back, so applying a layout is always a change.
    type: dict
  stream_subscribe:
    description:
      - New subscription lists applied with C(update) to the running recording (also right after a start made by the
        same task), as the C(streamSubscribe) of the API - C(audioUidList) with C(subscribeAudioUids) or
        C(unSubscribeAudioUids), C(videoUidList) with C(subscribeVideoUids) or C(unSubscribeVideoUids); each list
        1 to 32 UIDs; V(#allstream#) stands for every stream.
      - No audio list when C(recordingConfig.streamTypes) is 1 (video only), no video list when it is 0 (audio only).
      - Every call replaces the whole subscription and the API cannot read it back, so applying it is always a change.
      - Giving only an audio or only a video list makes the service subscribe to no stream of the other kind; the
        task warns.
    type: dict
  resource_expired_hour:
    description:
      - How many hours, counted from the start, C(query), C(updateLayout) and C(stop) may be called for the new
        recording (C(resourceExpiredHour) of the C(acquire)), 1 to 720. The API's default is 72.
      - Used only when a recording is started.
    type: int
  token:
    description:
      - Dynamic key of the channel (C(clientRequest.token) of the start); required by the API when the project has
        an App Certificate enabled.
      - Used only when a recording is started; never shown in results or messages.
    type: str
  wait_for_status:
    description:
      - With O(state=started), wait until the query shows the recorder running (status 4 or 5).
      - With O(state=stopped), wait until every file of the final file list can be downloaded (only with O(dest)).
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds the task may spend waiting.
    type: int
    default: 120
  poll_interval:
    description:
      - Seconds between two queries while waiting.
    type: int
    default: 1
  dest:
    description:
      - Directory on the controller that receives the files of the stopped recording (the C(.m3u8) playlists and
        their C(.ts) segments). Created if missing. Only with O(state=stopped); needs O(download_url).
    type: path
  download_url:
    description:
      - URL under which the storage serves the bucket of the recording; the file names of the file list (which
        include the C(fileNamePrefix) directories) are appended to it.
    type: str
extends_documentation_fragment:
  - rtcops.conference.anyrtc
  - rtcops.conference.download
  - rtcops.conference.attributes
  - rtcops.conference.attributes.DOWNLOAD
attributes:
  check_mode:
    support: partial
    details:
      - Only C(query) is sent, for a recording addressed by O(resource_id) and O(sid) (or O(recording)) - a start
        is predicted as no change while it runs, a stop as no change once it is over. A new start, subscription
        lists and a layout are reported as changes; nothing is acquired, started, updated or stopped.
  diff_mode:
    support: full
    details: Shows the recording status before and after, and the SHA-256 of each downloaded file.
notes:
  - "Rules checked before sending: O(cname) characters and length; O(uid) length; O(layout) and C(transcodingConfig),
    C(audioProfile) and O(extension_service_config) only in mix mode; O(snapshot_config) and a required
    C(subscribeUidGroup) only in individual mode; O(recording_file_config) not with O(snapshot_config);
    O(extension_service_config) not with O(snapshot_config) or O(storage_config); transcoding width and height at most
    1920 and their product at most 1920 x 1080; subscription lists at most 32 UIDs and not empty; storage C(vendor)
    and C(region) per vendor (no region 16 for Amazon S3); C(fileNamePrefix) elements of C(A-Za-z0-9) and at most
    128 characters with slashes; layouts with at most 17 regions and coordinates from 0 to 1; O(stream_subscribe)
    lists and their kinds against C(streamTypes); O(resource_expired_hour) from 1 to 720."
  - "Rules left to the server: the snapshot settings (C(captureInterval), C(fileType), C(streamTypes)), the value
    ranges of C(channelType), C(streamTypes), C(decryptionMode), C(maxIdleTime) and C(audioProfile), C(backgroundColor)
    syntax, the Alibaba VOD service parameters, and the format of UIDs inside lists and layouts."
  - A start answered with code 65 (network jitter) is sent again with the same resource ID, as the API asks, up to
    three times within the resource ID's five minutes.
'''

EXAMPLES = r'''
- name: Record the stand-up
  rtcops.conference.anyrtc_recording:
    app_id: "{{ anyrtc_app_id }}"
    customer_id: "{{ anyrtc_customer_id }}"
    customer_secret: "{{ vault_anyrtc_customer_secret }}"
    cname: standup
    uid: "527841"
    recording_config:
      maxIdleTime: 30
      transcodingConfig: {width: 1280, height: 720}
    storage_config:
      vendor: 2
      region: 1
      bucket: recordings
      accessKey: "{{ vault_oss_access_key }}"
      secretKey: "{{ vault_oss_secret_key }}"
      fileNamePrefix: [standup]
  register: rec

- name: Stop it and archive its files
  rtcops.conference.anyrtc_recording:
    app_id: "{{ anyrtc_app_id }}"
    customer_id: "{{ anyrtc_customer_id }}"
    customer_secret: "{{ vault_anyrtc_customer_secret }}"
    cname: standup
    uid: "527841"
    recording: "{{ rec }}"  # or resource_id and sid
    state: stopped
    dest: archive/standup/
    download_url: https://recordings.oss-cn-shanghai.aliyuncs.com
'''

RETURN = r'''
resource_id:
  description: Resource ID of the recording; null in check mode for a new recording.
  returned: always
  type: str
  sample: JyvK8nXHuV1BE64GDkAaBGEscvtHW7v8BrQoRPCHxmeVxwY22
sid:
  description: Recording ID of the recording; null in check mode for a new recording.
  returned: always
  type: str
  sample: 38f8e3cfdc474cd56fc1ceba380d7e1a
status:
  description:
    - Recording status as the last query read it (1 to 5 while starting and recording, 20 failed); 7 once
      stopped; null when it was not read.
  returned: always
  type: int
  sample: 5
file_list:
  description: The recorded files the server listed, as objects (a mix recording's single file name becomes one object).
  returned: always
  type: list
  elements: dict
  sample: [{filename: 38f8e3cfdc474cd56fc1ceba380d7e1a_standup.m3u8}]
started_at:
  description: When this task started the recording (ISO 8601, UTC); null when it did not start one.
  returned: always
  type: str
  sample: '2026-11-22T09:30:00Z'
api_expires_at:
  description:
    - When C(query), C(updateLayout) and C(stop) stop being accepted for the recording this task started
      (RV(started_at) plus O(resource_expired_hour), by default 72 hours); null when it did not start one.
  returned: always
  type: str
  sample: '2026-11-25T09:30:00Z'
server_response:
  description:
    - The C(serverResponse) of the last query or stop, as the API gave it (C(sliceStartTime), C(fileListMode),
      C(extensionServiceState), C(subServiceStatus), ...); null when none was read.
  returned: always
  type: dict
  sample: {status: 5, fileListMode: string, fileList: '', sliceStartTime: 1638325011000}
uploading_status:
  description: C(uploadingStatus) of the stop, V(uploaded), V(backuped) or V(unknown); null without a stop.
  returned: always
  type: str
  sample: uploaded
files:
  description: The files downloaded into O(dest); empty without O(dest).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: File name.
      type: str
      sample: 38f8e3cfdc474cd56fc1ceba380d7e1a_standup.m3u8
    path:
      description: Path of the file on the controller.
      type: str
      sample: /srv/archive/standup/38f8e3cfdc474cd56fc1ceba380d7e1a_standup.m3u8
    sha256:
      description: SHA-256 of the file.
      type: str
      sample: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
    size:
      description: Size in bytes.
      type: int
      sample: 752
    url:
      description: Where the file was downloaded from.
      type: str
      sample: https://recordings.oss-cn-shanghai.aliyuncs.com/standup/38f8e3cfdc474cd56fc1ceba380d7e1a_standup.m3u8
    changed:
      description: Whether this file in O(dest) was written.
      type: bool
      sample: true
dest:
  description: The directory on the controller, as an absolute path.
  returned: when O(dest) is set
  type: str
  sample: /srv/archive/standup
'''

import re
import time
from urllib.parse import quote, unquote

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.rtcops.conference.plugins.module_utils._anyrtc_client import (
    CONNECTION_SPEC, AnyRTCClient, AnyRTCError, secrets_of,
)
from ansible_collections.rtcops.conference.plugins.module_utils._download import DOWNLOAD_SPEC, Checksums, DownloadError, Downloads
from ansible_collections.rtcops.conference.plugins.module_utils._http import check_connection, shown_url

CNAME = re.compile(r'^[A-Za-z0-9 !#$%&()+\-:;<=.>?@\[\]^_{}|~,]+$')
PREFIX_PART = re.compile(r'^[A-Za-z0-9]+$')
# storageConfig regions per vendor: 0 Qiniu, 1 Amazon S3 (no 16, Q-ARTC-18), 2 Alibaba, 3 Tencent, 4 Kingsoft.
REGIONS = {0: set(range(5)), 1: set(range(16)) | {17}, 2: set(range(19)), 3: set(range(20)), 4: set(range(10))}
TRANSCODING_DEFAULTS = (('width', 360), ('height', 640), ('fps', 15), ('bitrate', 500))
SUBSCRIPTION_LISTS = ('subscribeAudioUids', 'unSubscribeAudioUids', 'subscribeVideoUids', 'unSubscribeVideoUids')
RUNNING = (4, 5)
STOPPED = 7
ALREADY_STOPPED = (49, 435)  # Q-ARTC-11
NETWORK_JITTER = 65  # "retry with the same resource ID"
JITTER_RETRIES = 3
DEFAULT_EXPIRED_HOURS = 72
STREAM_LISTS = {'audioUidList': ('subscribeAudioUids', 'unSubscribeAudioUids'),
                'videoUidList': ('subscribeVideoUids', 'unSubscribeVideoUids')}
GONE = (501,)  # query after stop (HTTP 404)


class Invalid(Exception):
    pass


def _int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def check_layout(layout, where):
    regions = layout.get('layoutConfig')
    if layout.get('mixedVideoLayout') == 3 and regions is None:
        raise Invalid('%s: mixedVideoLayout 3 (custom) needs layoutConfig' % where)
    if regions is None:
        return
    if not isinstance(regions, list) or len(regions) > 17 or not all(isinstance(r, dict) for r in regions):
        raise Invalid('%s.layoutConfig must be a list of at most 17 regions' % where)
    for region in regions:
        for name in ('x_axis', 'y_axis', 'width', 'height', 'alpha'):
            if name not in region:
                if name != 'alpha':
                    raise Invalid('%s.layoutConfig: every region needs %s' % (where, name))
                continue
            value = region[name]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
                raise Invalid('%s.layoutConfig %s must be a number from 0.0 to 1.0, got %r' % (where, name, value))
        if 'uid' in region:
            region['uid'] = str(region['uid'])  # Q-ARTC-08: always a JSON string
        if 'render_mode' in region and region['render_mode'] not in (0, 1):
            raise Invalid('%s.layoutConfig render_mode must be 0 or 1' % where)


def check_recording_config(config, mode):
    for name in SUBSCRIPTION_LISTS:
        if name in config:
            value = config[name]
            if not isinstance(value, list) or not value or len(value) > 32:
                raise Invalid('recording_config.%s must be a non-empty list of at most 32 UIDs' % name)
            config[name] = [str(item) for item in value]
    if mode == 'individual':
        if 'audioProfile' in config:
            raise Invalid('recording_config.audioProfile cannot be set with mode=individual')
        if 'transcodingConfig' in config:
            raise Invalid('recording_config.transcodingConfig can only be set with mode=mix')
        if 'subscribeUidGroup' not in config:
            raise Invalid('recording_config.subscribeUidGroup is required with mode=individual')
    transcoding = config.get('transcodingConfig')
    if transcoding is not None:
        if not isinstance(transcoding, dict):
            raise Invalid('recording_config.transcodingConfig must be a dict')
        for name, default in TRANSCODING_DEFAULTS:  # Q-ARTC-23: all four are required by the server
            transcoding.setdefault(name, default)
            if not _int(transcoding[name]) or transcoding[name] <= 0:
                raise Invalid('recording_config.transcodingConfig.%s must be a positive integer' % name)
        width, height = transcoding['width'], transcoding['height']
        if width > 1920 or height > 1920:
            raise Invalid('recording_config.transcodingConfig width and height must not exceed 1920, got %sx%s' % (width, height))
        if width * height > 1920 * 1080:
            raise Invalid('recording_config.transcodingConfig width x height must not exceed 1920 x 1080, got %sx%s' % (width, height))
        check_layout(transcoding, 'recording_config.transcodingConfig')


def check_storage(storage):
    vendor, region = storage.get('vendor'), storage.get('region')
    if not _int(vendor) or vendor not in REGIONS:
        raise Invalid('storage_config.vendor must be 0 (Qiniu), 1 (Amazon S3), 2 (Alibaba), 3 (Tencent) or 4 (Kingsoft)')
    if not _int(region) or region not in REGIONS[vendor]:
        raise Invalid('storage_config.region %r is not a region of vendor %s%s' % (region, vendor, ' (Amazon S3 has no region 16)' if vendor == 1 else ''))
    for name in ('bucket', 'accessKey', 'secretKey'):
        if not isinstance(storage.get(name), str) or not storage[name]:
            raise Invalid('storage_config.%s is required' % name)
    prefix = storage.get('fileNamePrefix', [])
    if not isinstance(prefix, list) or not all(isinstance(part, str) and PREFIX_PART.match(part) for part in prefix):
        raise Invalid('storage_config.fileNamePrefix elements must match ^[A-Za-z0-9]+$')
    if prefix and len('/'.join(prefix)) + 1 > 128:
        raise Invalid('storage_config.fileNamePrefix must not exceed 128 characters including slashes')


def check_stream_subscribe(subscribe, stream_types):
    unknown = sorted(set(subscribe) - set(STREAM_LISTS))
    if unknown or not subscribe:
        raise Invalid('stream_subscribe takes audioUidList and/or videoUidList%s' % (', not %s' % ', '.join(unknown) if unknown else ''))
    for kind, names in STREAM_LISTS.items():
        if kind not in subscribe:
            continue
        lists = subscribe[kind]
        if not isinstance(lists, dict) or not lists or set(lists) - set(names):
            raise Invalid('stream_subscribe.%s takes %s or %s' % ((kind,) + names))
        for name, value in lists.items():
            if not isinstance(value, list) or not value or len(value) > 32:
                raise Invalid('stream_subscribe.%s.%s must be a non-empty list of at most 32 UIDs' % (kind, name))
            lists[name] = [str(item) for item in value]
    if 'audioUidList' in subscribe and stream_types == 1:
        raise Invalid('stream_subscribe.audioUidList cannot be set when recording_config.streamTypes is 1 (video only)')
    if 'videoUidList' in subscribe and stream_types == 0:
        raise Invalid('stream_subscribe.videoUidList cannot be set when recording_config.streamTypes is 0 (audio only)')


def one_sided_subscription(p):
    """Warnings for a subscription that names only audio or only video UIDs (Q-ARTC-13: the other kind is dropped)."""
    warnings = []
    stream_types = p['recording_config'].get('streamTypes', 2)
    config_kinds = set(kind for kind, names in STREAM_LISTS.items() if any(name in p['recording_config'] for name in names))
    if stream_types == 2 and len(config_kinds) == 1:
        warnings.append('recording_config sets only %s subscription lists: the service then subscribes to no %s stream'
                        % (('audio', 'video') if 'audioUidList' in config_kinds else ('video', 'audio')))
    if p['stream_subscribe'] is not None and stream_types == 2 and len(p['stream_subscribe']) == 1:
        only = 'audio' if 'audioUidList' in p['stream_subscribe'] else 'video'
        warnings.append('stream_subscribe sets only the %s list: the service then subscribes to no %s stream'
                        % (only, 'video' if only == 'audio' else 'audio'))
    return warnings


def addressed_by(module, registered):
    """The resource ID and sid of a registered start result."""
    resource_id, sid = registered.get('resource_id'), registered.get('sid')
    if not (isinstance(resource_id, str) and resource_id and isinstance(sid, str) and sid):
        module.fail_json(msg='recording must be the registered result of a task that started a recording (with its '
                             'resource_id and sid); this one has %s' % ('none' if not registered.get('sid') else 'no resource_id'))
    return resource_id, sid


def validate(p):
    """The documented rules, checked before anything is sent; raises Invalid naming the option."""
    cname, uid, mode = p['cname'], p['uid'], p['mode']
    if not cname or not CNAME.match(cname) or len(cname.encode('utf-8')) > 64:
        raise Invalid('cname must be 1 to 64 bytes of a-z, A-Z, 0-9, space and ! # $ % & ( ) + - : ; < = . > ? @ [ ] ^ _ { } | ~ , (error 1013)')
    if not 1 <= len(uid) <= 48:
        raise Invalid('uid must be 1 to 48 characters, got %s' % len(uid))
    for name in ('wait_timeout', 'poll_interval', 'timeout'):
        if p[name] <= 0:
            raise Invalid('%s must be a positive number of seconds, got %s' % (name, p[name]))
    if bool(p['resource_id']) != bool(p['sid']):
        raise Invalid('resource_id and sid address a recording together; set both or neither')
    if p['state'] == 'stopped' and not p['sid']:
        raise Invalid('state=stopped needs resource_id and sid of the recording, or recording (a registered start)')
    if p['dest'] is not None and p['state'] != 'stopped':
        raise Invalid('dest is only used with state=stopped')
    if p['dest'] is not None and not p['download_url']:
        raise Invalid('dest needs download_url, the URL of the storage bucket the files are downloaded from')
    if p['layout'] is not None:
        if mode != 'mix':
            raise Invalid('layout (updateLayout) is only supported with mode=mix')
        check_layout(p['layout'], 'layout')
    if p['snapshot_config'] is not None:
        if mode != 'individual':
            raise Invalid('snapshot_config needs mode=individual')
        if p['recording_file_config'] is not None:
            raise Invalid('recording_file_config and snapshot_config are mutually exclusive')
    if p['extension_service_config'] is not None:
        if mode != 'mix':
            raise Invalid('extension_service_config needs mode=mix')
        if p['snapshot_config'] is not None or p['storage_config'] is not None:
            raise Invalid('extension_service_config cannot be set with snapshot_config or storage_config')
    if p['recording_file_config'] is not None and p['recording_file_config'].get('avFileType', ['hls']) != ['hls']:
        raise Invalid('recording_file_config.avFileType supports only ["hls"]')
    check_recording_config(p['recording_config'], mode)
    if p['storage_config'] is not None:
        check_storage(p['storage_config'])
    if p['stream_subscribe'] is not None:
        if p['state'] != 'started':
            raise Invalid('stream_subscribe (update) is only used with state=started')
        check_stream_subscribe(p['stream_subscribe'], p['recording_config'].get('streamTypes'))
    if p['resource_expired_hour'] is not None and not 1 <= p['resource_expired_hour'] <= 720:
        raise Invalid('resource_expired_hour must be from 1 to 720, got %s' % p['resource_expired_hour'])


def client_request(p):
    request = {'recordingConfig': p['recording_config']}
    if p['token']:
        request['token'] = p['token']
    for option, key in (('recording_file_config', 'recordingFileConfig'), ('snapshot_config', 'snapshotConfig'),
                        ('storage_config', 'storageConfig'), ('extension_service_config', 'extensionServiceConfig')):
        if p[option] is not None:
            request[key] = p[option]
    return request


def server_status(answer):
    try:
        return int((answer.get('serverResponse') or {}).get('status'))  # Q-ARTC-09: may be a string
    except (TypeError, ValueError):
        return None


def file_list(server_response):
    """fileList as a list of objects (Q-ARTC-10: a string in mix mode, absent with snapshots)."""
    files = server_response.get('fileList')
    if isinstance(files, str):
        return [{'filename': files}] if files else []
    return [item for item in files or [] if isinstance(item, dict)]


def query(client, p, resource_id, sid):
    """The query answer, or None when the recording is over (404 / 501, Q-ARTC-11)."""
    answer = client.query(resource_id, sid, p['mode'], accept=GONE)
    if '_code' in answer:
        return None
    return answer


def wait_running(module, client, resource_id, sid):
    p = module.params
    deadline = time.monotonic() + p['wait_timeout']
    while True:
        answer = query(client, p, resource_id, sid)
        status = server_status(answer) if answer else None
        if answer is None or status == 20 or status in (6, 7, 8):
            raise AnyRTCError('recording %s is not running (status %s)' % (sid, status))
        if status in RUNNING:
            return status, answer.get('serverResponse') or {}
        if time.monotonic() + p['poll_interval'] > deadline:
            raise AnyRTCError('recording %s did not start within wait_timeout (status %s)' % (sid, status))
        time.sleep(p['poll_interval'])


def start(module, client, result):
    p = module.params
    if p['sid']:
        answer = query(client, p, p['resource_id'], p['sid'])  # a read, also in check mode
        status = server_status(answer) if answer else None
        if answer is not None and status not in (6, 7, 8, 20):
            server_response = answer.get('serverResponse') or {}
            result.update(resource_id=p['resource_id'], sid=p['sid'], status=status, server_response=server_response,
                          file_list=file_list(server_response))
            result['diff']['before']['status'] = result['diff']['after']['status'] = status
            return
        if answer is None and not module.check_mode:
            module.warn('recording %s is over; a new recording is started' % p['sid'])
    if module.check_mode:
        result.update(changed=True, resource_id=p['resource_id'], sid=p['sid'])
        result['diff']['after']['status'] = 'started'
        return
    acquire_request = {}
    if p['resource_expired_hour'] is not None:
        acquire_request['resourceExpiredHour'] = p['resource_expired_hour']
    acquired = client.acquire(p['cname'], p['uid'], acquire_request)
    resource_id = acquired.get('resourceId')
    if not resource_id:
        raise AnyRTCError('anyRTC acquire answered without a resourceId')
    for attempt in range(JITTER_RETRIES + 1):
        started = client.start(resource_id, p['mode'], p['cname'], p['uid'], client_request(p),
                               accept=(NETWORK_JITTER,) if attempt < JITTER_RETRIES else ())
        if started.get('_code') != NETWORK_JITTER:
            break
        time.sleep(attempt + 1)
    sid = started.get('sid')
    if not sid:
        raise AnyRTCError('anyRTC start answered without a sid')
    now = time.time()
    hours = p['resource_expired_hour'] or DEFAULT_EXPIRED_HOURS
    result.update(changed=True, resource_id=resource_id, sid=sid, started_at=iso_utc(now),
                  api_expires_at=iso_utc(now + hours * 3600))
    if p['wait_for_status']:
        result['status'], result['server_response'] = wait_running(module, client, resource_id, sid)
        result['file_list'] = file_list(result['server_response'])
    result['diff']['after']['status'] = result['status']


def iso_utc(moment):
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(moment))


def apply_to_running(module, client, result, send, value):
    """Send an update or updateLayout to the running recording; always a change (Q-ARTC-14: neither can be read back)."""
    p = module.params
    result['changed'] = True
    if module.check_mode or not result['sid']:
        return
    send(result['resource_id'], result['sid'], p['mode'], p['cname'], p['uid'], value)


def stop(module, client, result):
    p = module.params
    result.update(resource_id=p['resource_id'], sid=p['sid'])
    if module.check_mode:
        running = query(client, p, p['resource_id'], p['sid']) is not None
        result.update(changed=running, status=STOPPED if not running else None)
        result['diff']['before']['status'] = None if running else STOPPED
        result['diff']['after']['status'] = STOPPED
        return []
    answer = client.stop(p['resource_id'], p['sid'], p['mode'], p['cname'], p['uid'], accept=ALREADY_STOPPED)
    result['status'] = STOPPED
    result['diff']['after']['status'] = STOPPED
    if '_code' in answer:
        result['diff']['before']['status'] = STOPPED
        if answer['_code'] == 435:
            module.warn('the recording produced no file: nobody in the channel sent a stream (435)')
        return []
    result['changed'] = True
    server_response = result['server_response'] = answer.get('serverResponse') or {}
    result['file_list'] = file_list(server_response)
    result['uploading_status'] = server_response.get('uploadingStatus')
    if answer.get('_http_status') == 206 or result['uploading_status'] in ('backuped', 'unknown'):
        module.warn('stop answered HTTP %s with uploadingStatus %s: nobody sent a stream, or some files went to the '
                    'anyRTC cloud backup (Q-ARTC-25, Q-ARTC-32)' % (answer.get('_http_status'), result['uploading_status']))
    return result['file_list']


def fetch(module, client, downloads, url, name, deadline):
    p = module.params
    while True:
        # The storage is the user's own (download_url), so an http URL there is their choice; 403 and 404 mean the
        # upload has not reached it yet.
        entry = client.download_file('download', url, downloads, name, absent=(403, 404),
                                     allow_http=p['allow_http_download'], listed_by_api=False)
        if entry is not None:
            return entry
        if not p['wait_for_status'] or time.monotonic() + p['poll_interval'] > deadline:
            raise AnyRTCError('the storage does not have %s' % shown_url(url), call='download')
        time.sleep(p['poll_interval'])


def download(module, client, listed):
    """Every playlist of the file list and the segments it names, into dest."""
    p = module.params
    base = p['download_url'].rstrip('/')
    deadline = time.monotonic() + p['wait_timeout']
    downloads = Downloads(p['dest'], checksums=Checksums(p['checksum']))
    for item in listed:
        key = str(item.get('filename') or '')
        if not key:
            continue
        url = '%s/%s' % (base, quote(key, safe='/'))
        playlist = fetch(module, client, downloads, url, key.rsplit('/', 1)[-1], deadline)
        if not key.endswith('.m3u8'):
            continue
        folder = key.rsplit('/', 1)[0] + '/' if '/' in key else ''
        try:
            with open(playlist['path'], 'rb') as stream:
                lines = stream.read().decode('utf-8', 'replace').splitlines()
        except OSError as exc:
            raise AnyRTCError('cannot read the playlist %s in %s: %s' % (playlist['name'], p['dest'], exc.strerror or exc),
                              call='download')
        for line in lines:
            line = line.strip()
            if not line or line.startswith('#') or '://' in line or line.startswith('/'):
                continue
            segment = folder + unquote(line)
            fetch(module, client, downloads, '%s/%s' % (base, quote(segment, safe='/')), segment.rsplit('/', 1)[-1], deadline)
    downloads.finish()
    return downloads


def run(module, client, result):
    p = module.params
    for warning in one_sided_subscription(p):
        module.warn(warning)
    if p['state'] == 'started':
        start(module, client, result)
        if p['stream_subscribe'] is not None:
            apply_to_running(module, client, result, client.update, p['stream_subscribe'])
        if p['layout'] is not None:
            apply_to_running(module, client, result, client.update_layout, p['layout'])
    else:
        listed = stop(module, client, result)
        if p['dest'] is not None:
            result['dest'] = p['dest']
        if p['dest'] is not None and listed:
            downloads = download(module, client, listed)
            result['files'] = downloads.files
            result['diff']['before']['files'], result['diff']['after']['files'] = downloads.diff()
            result['changed'] = result['changed'] or downloads.changed
    module.exit_json(**result)


def main():
    spec = dict(CONNECTION_SPEC)
    spec.update(
        cname=dict(type='str', required=True),
        uid=dict(type='str', required=True),
        mode=dict(type='str', default='mix', choices=['individual', 'mix']),
        state=dict(type='str', default='started', choices=['started', 'stopped']),
        resource_id=dict(type='str'),
        sid=dict(type='str'),
        recording=dict(type='dict'),
        recording_config=dict(type='dict'),
        recording_file_config=dict(type='dict'),
        snapshot_config=dict(type='dict'),
        storage_config=dict(type='dict'),
        extension_service_config=dict(type='dict'),
        layout=dict(type='dict'),
        stream_subscribe=dict(type='dict'),
        resource_expired_hour=dict(type='int'),
        token=dict(type='str', no_log=True),
        wait_for_status=dict(type='bool', default=True),
        wait_timeout=dict(type='int', default=120),
        poll_interval=dict(type='int', default=1),
        dest=dict(type='path'),
        download_url=dict(type='str'),
    )
    spec.update(DOWNLOAD_SPEC)
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True,
                           mutually_exclusive=[('recording', 'resource_id'), ('recording', 'sid')])
    p = module.params
    check_connection(module, 'api_url')
    if p['recording'] is not None:
        p['resource_id'], p['sid'] = addressed_by(module, p['recording'])
    # A dict option cannot be no_log per key: register the storage and service keys so that Ansible masks them
    # wherever they would appear (invocation, results, messages).
    secrets = secrets_of(p['storage_config'], p['extension_service_config'], p['recording_config'])
    module.no_log_values.update(secrets)
    if p['recording_config'] is None:
        p['recording_config'] = {}
    try:
        validate(p)
        Checksums(p['checksum'])
    except (Invalid, ValueError) as exc:
        module.fail_json(msg=str(exc))
    client = AnyRTCClient(p['app_id'], p['customer_id'], p['customer_secret'], p['api_url'], p['validate_certs'],
                          p['ca_path'], p['timeout'], secrets=secrets + [p['token']])
    client.limit_task(p['task_timeout'])
    # Filled as the run goes, so that a failure after a start or a stop still reports the recording and the change.
    result = dict(changed=False, resource_id=None, sid=None, status=None, file_list=[], uploading_status=None, files=[],
                  server_response=None, started_at=None, api_expires_at=None,
                  diff={'before': {'status': None}, 'after': {'status': None}})
    try:
        run(module, client, result)
    except (AnyRTCError, DownloadError) as exc:
        partial = dict((key, value) for key, value in result.items() if key != 'diff')
        module.fail_json(msg=client.redact(str(exc)), code=getattr(exc, 'code', None), http_status=exc.status, **partial)


if __name__ == '__main__':
    main()
