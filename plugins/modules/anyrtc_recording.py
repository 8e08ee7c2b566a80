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
  - B(Rate limit and retries.) The tasks of this machine together send at most 10 requests in any second for an App
    ID, the API's limit (counted in a file under O(cache_dir), so forks and parallel runs share it), and a request is
    sent again after HTTP 429. A connection that could not be opened is retried; a lost answer and
    HTTP 500, 502, 503 or 504 are retried for C(acquire), C(query), C(update), C(updateLayout) and downloads, not
    for C(start) and C(stop), whose repetition would fail and hide what the first one did. Retries end 30 seconds
    after the request began.
  - B(Validation.) The rules the API document states plainly are checked before anything is sent, with a message
    naming the option; see the notes for the rules that are not checked.
  - B(Idempotence.) A recording is addressed by O(resource_id) and O(sid) as a start returned them, or else by the
    record this machine keeps of the last recording of O(cname) and O(uid). Starting a recording that still runs
    (as the query shows), or stopping one that is already stopped, is no change; a start task run again returns the
    running recording's RV(sid).
  - B(Recovery.) Before each step that can fail, the task writes what a re-run needs under O(cache_dir) - the resource
    ID before the start is sent, the sid once started, the file list before the files are downloaded - and a re-run
    asks the server before it acts. A start whose answer was lost is settled by sending it again with the same
    resource ID, which can start one recording at most. A stop whose answer was lost is settled by a query. A stop
    run again (after a lost answer, a failed download or a full disk) downloads the remembered file list into
    O(dest), taking only what is missing or different.
  - B(What the API cannot tell.) The sid comes only in the answer of the start. When that answer is lost and the start
    did take effect (code 7), or another recording of the channel and uid runs whose sid this machine does not know
    (code 53), the task succeeds with a warning and RV(sid) null; such a recording stops by itself once the channel
    has been empty for C(maxIdleTime) seconds. The files are listed only while recording and by the stop, so a
    recording stopped elsewhere, or before this machine kept its file list, has no files to download, which the task
    says in a warning.
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
  file_mode:
    description:
      - The permissions every file of the recording gets in O(dest), like the O(ansible.builtin.get_url#module:mode)
        option of M(ansible.builtin.get_url) (O(mode) is the recording's mode here), an octal number in quotes
        (V('0640')) or a symbolic mode (V(u=rw,g=r,o=)).
      - A new file gets them before it appears in O(dest). A file already there with the same checksum that only
        needs another mode, owner or group is a change; a re-run is not.
      - Not set, a new file gets the mode the umask gives it and a present one is left as it is.
    type: raw
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
      - The task shows nothing while it waits, so a wait longer than 30 seconds is summed up in a warning afterwards,
        and a wait that runs out says what did not happen within O(wait_timeout). For longer waits raise it, or run the
        task with C(async) and C(poll).
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
  - ansible.builtin.action_common_attributes
  - rtcops.conference.attributes
  - ansible.builtin.action_common_attributes.flow
  - rtcops.conference.attributes.DOWNLOAD
attributes:
  check_mode:
    support: partial
    details:
      - Only C(query) is sent, for a recording addressed by O(resource_id) and O(sid) (or O(recording), or the
        record under O(cache_dir)) - a start is predicted as no change while it runs, a stop as no change once it is
        over and every file of its remembered list is in O(dest). A new start, subscription lists and a layout are
        reported as changes; nothing is acquired, started, updated, stopped, downloaded or recorded.
      - A stop addressed by O(recording), the registered result of a start that check mode only predicted (it has no
        sid), is predicted as a change, so that a play which starts and then stops a recording runs in check mode.
  diff_mode:
    support: full
    details: Shows the recording status before and after, and the SHA-256 of each downloaded file.
notes:
  - "Rules checked before sending: O(cname) characters and length; O(uid) length; O(layout) and C(transcodingConfig),
    C(audioProfile) and O(extension_service_config) only in mix mode; O(snapshot_config) and a required
    C(subscribeUidGroup) only in individual mode; O(recording_file_config) not with O(snapshot_config), C(avFileType)
    only V(hls); O(extension_service_config) not with O(snapshot_config) or O(storage_config); C(channelType) 0 or 1,
    C(streamTypes) 0 to 2, C(decryptionMode) 0 to 3, C(audioProfile) 0 to 2, C(videoStreamType) 0 or 1,
    C(subscribeUidGroup) 0 to 3, C(maxIdleTime) from 5 to 4294967295; transcoding C(width), C(height), C(fps) and
    C(bitrate) positive integers, width and height at most 1920 and their product at most 1920 x 1080; subscription
    lists at most 32 UIDs and not empty; C(mixedVideoLayout) 0 to 3 (3 needs C(layoutConfig)), C(backgroundColor) a
    # and six hexadecimal digits, C(layoutConfig) 1 to 17 regions with C(x_axis), C(y_axis), C(width), C(height) and
    C(alpha) from 0 to 1 and C(render_mode) 0 or 1, wherever they stand (recording_config, transcodingConfig,
    layout); snapshots with C(captureInterval) from 5 to 3600, C(fileType) V([jpg]), C(streamTypes) 1 or 2, and
    C(subscribeVideoUids) when C(subscribeAudioUids) is set; storage C(vendor) and C(region) per vendor (no region 16
    for Amazon S3), C(bucket) and keys; C(fileNamePrefix) elements of C(A-Za-z0-9) and at most 128 characters with
    slashes; Alibaba VOD C(serviceName) V(aliyun_vod_service), C(errorHandlePolicy) V(error_abort), C(accessKey),
    C(secretKey), C(regionId) and C(videoData.title); O(stream_subscribe) lists and their kinds against
    C(streamTypes); O(resource_expired_hour) from 1 to 720."
  - "Keys the document does not name (keys are case-sensitive) are sent as given, with a warning. Left to the server:
    the format of UIDs inside lists and layouts, C(secret) against C(decryptionMode), and the Alibaba VOD
    parameters the document leaves to Alibaba Cloud."
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
  description:
    - Recording ID of the recording; null in check mode for a new recording, and when a recording of the channel and
      uid runs whose sid the API cannot tell (see the warnings).
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

import json
import os
import re
import time
from urllib.parse import quote, unquote


from ansible_collections.rtcops.conference.plugins.module_utils._anyrtc_client import (
    CONNECTION_SPEC, AnyRTCClient, AnyRTCError, secrets_of,
)
from ansible_collections.rtcops.conference.plugins.module_utils._download import (
    DOWNLOAD_SPEC, Checksums, DownloadError, DownloadModule, Downloads, FileAttributes,
)
from ansible_collections.rtcops.conference.plugins.module_utils._http import check_connection, shown_url
from ansible_collections.rtcops.conference.plugins.module_utils._ledger import Ledger
from ansible_collections.rtcops.conference.plugins.module_utils._waiting import Waiting

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
OVER = (6, 7, 8, 20)  # stopped, fully stopped, exiting, exited abnormally
USED_RESOURCE = 7  # a start with this resource ID took effect already
RUNNING_ELSEWHERE = 53  # a recording of the channel and uid runs (another resource ID)
EXPIRED_RESOURCE = 433
UNREADABLE_RESOURCE = 1001
RECORDS = 'anyrtc_recordings'
PHASES = ('starting', 'started', 'orphaned', 'stopping', 'stopped')
LAYOUTS = (0, 1, 2, 3)  # floating, adaptive, vertical, custom (layoutConfig)
BACKGROUND_COLOR = re.compile(r'^#[0-9A-Fa-f]{6}$')
REGION_FRACTIONS = ('x_axis', 'y_axis', 'width', 'height', 'alpha')
REGION_KEYS = frozenset(REGION_FRACTIONS + ('uid', 'render_mode'))
LAYOUT_KEYS = frozenset(('mixedVideoLayout', 'backgroundColor', 'layoutConfig', 'maxResolutionUid'))
# Q-ARTC-05: the layout keys (and render_mode) are documented beside transcodingConfig and shown inside it.
TRANSCODING_KEYS = LAYOUT_KEYS | frozenset(('width', 'height', 'fps', 'bitrate', 'render_mode'))
RECORDING_CONFIG_KEYS = LAYOUT_KEYS | frozenset(SUBSCRIPTION_LISTS) | frozenset((
    'channelType', 'streamTypes', 'decryptionMode', 'secret', 'audioProfile', 'videoStreamType', 'maxIdleTime',
    'transcodingConfig', 'subscribeUidGroup', 'render_mode'))


class Invalid(Exception):
    pass


def _int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def check_choice(config, name, choices, where):
    if name in config and (not _int(config[name]) or config[name] not in choices):
        raise Invalid('%s.%s must be one of %s, got %r' % (where, name, ', '.join(str(c) for c in choices), config[name]))


def check_integer_range(config, name, low, high, where):
    if name in config and (not _int(config[name]) or not low <= config[name] <= high):
        raise Invalid('%s.%s must be an integer from %s to %s, got %r' % (where, name, low, high, config[name]))


def check_dict(value, where):
    if not isinstance(value, dict):
        raise Invalid('%s must be a dict, got %s' % (where, type(value).__name__))
    return value


def unknown_keys(config, known, where):
    """A warning for keys the document does not name (keys are case-sensitive, Q-ARTC-30), or None."""
    unknown = sorted(name for name in config if name not in known)
    if not unknown:
        return None
    return ('%s sets %s, which the API document does not name (keys are case-sensitive: %s); %s sent as given'
            % (where, ', '.join(unknown), ', '.join(sorted(known)), 'it is' if len(unknown) == 1 else 'they are'))


def check_layout(layout, where, warnings):
    """mixedVideoLayout, backgroundColor, layoutConfig and maxResolutionUid, wherever they stand (Q-ARTC-05)."""
    check_choice(layout, 'mixedVideoLayout', LAYOUTS, where)
    color = layout.get('backgroundColor')
    if color is not None and (not isinstance(color, str) or not BACKGROUND_COLOR.match(color)):
        raise Invalid('%s.backgroundColor must be # and six hexadecimal digits (RGB, such as #FF0000), got %r' % (where, color))
    if 'maxResolutionUid' in layout:
        layout['maxResolutionUid'] = str(layout['maxResolutionUid'])  # Q-ARTC-08: always a JSON string
    regions = layout.get('layoutConfig')
    if layout.get('mixedVideoLayout') == 3 and regions is None:
        raise Invalid('%s: mixedVideoLayout 3 (custom) needs layoutConfig' % where)
    if regions is None:
        return
    if not isinstance(regions, list) or not 1 <= len(regions) <= 17 or not all(isinstance(r, dict) for r in regions):
        raise Invalid('%s.layoutConfig must be a list of 1 to 17 regions (dicts)' % where)
    for index, region in enumerate(regions):
        here = '%s.layoutConfig[%d]' % (where, index)
        for name in REGION_FRACTIONS:
            if name not in region:
                if name != 'alpha':
                    raise Invalid('%s.layoutConfig: every region needs %s; %s has none' % (where, name, here))
                continue
            value = region[name]
            if not _number(value) or not 0 <= value <= 1:
                raise Invalid('%s.%s must be a number from 0.0 to 1.0, got %r (layoutConfig %s)' % (here, name, value, name))
        if 'uid' in region:
            region['uid'] = str(region['uid'])  # Q-ARTC-08: always a JSON string
        check_choice(region, 'render_mode', (0, 1), here)
        warning = unknown_keys(region, REGION_KEYS, here)
        if warning:
            warnings.append(warning)


def check_uid_lists(config, where):
    for name in SUBSCRIPTION_LISTS:
        if name in config:
            value = config[name]
            if not isinstance(value, list) or not value or len(value) > 32:
                raise Invalid('%s.%s must be a non-empty list of at most 32 UIDs' % (where, name))
            config[name] = [str(item) for item in value]


def check_recording_config(config, mode, warnings):
    where = 'recording_config'
    check_uid_lists(config, where)
    check_choice(config, 'channelType', (0, 1), where)
    check_choice(config, 'streamTypes', (0, 1, 2), where)
    check_choice(config, 'decryptionMode', (0, 1, 2, 3), where)
    check_choice(config, 'audioProfile', (0, 1, 2), where)
    check_choice(config, 'videoStreamType', (0, 1), where)
    check_choice(config, 'subscribeUidGroup', (0, 1, 2, 3), where)
    check_integer_range(config, 'maxIdleTime', 5, 2 ** 32 - 1, where)
    check_choice(config, 'render_mode', (0, 1), where)
    if 'secret' in config and not isinstance(config['secret'], str):
        raise Invalid('recording_config.secret must be a string')
    if mode == 'individual':
        if 'audioProfile' in config:
            raise Invalid('recording_config.audioProfile cannot be set with mode=individual')
        if 'transcodingConfig' in config:
            raise Invalid('recording_config.transcodingConfig can only be set with mode=mix')
        if 'subscribeUidGroup' not in config:
            raise Invalid('recording_config.subscribeUidGroup is required with mode=individual')
    check_layout(config, where, warnings)
    transcoding = config.get('transcodingConfig')
    if transcoding is not None:
        check_dict(transcoding, 'recording_config.transcodingConfig')
        for name, default in TRANSCODING_DEFAULTS:  # Q-ARTC-23: all four are required by the server
            transcoding.setdefault(name, default)
            if not _int(transcoding[name]) or transcoding[name] <= 0:
                raise Invalid('recording_config.transcodingConfig.%s must be a positive integer, got %r' % (name, transcoding[name]))
        width, height = transcoding['width'], transcoding['height']
        if width > 1920 or height > 1920:
            raise Invalid('recording_config.transcodingConfig width and height must not exceed 1920, got %sx%s' % (width, height))
        if width * height > 1920 * 1080:
            raise Invalid('recording_config.transcodingConfig width x height must not exceed 1920 x 1080, got %sx%s' % (width, height))
        check_layout(transcoding, 'recording_config.transcodingConfig', warnings)
        check_choice(transcoding, 'render_mode', (0, 1), 'recording_config.transcodingConfig')
        warnings.append(unknown_keys(transcoding, TRANSCODING_KEYS, 'recording_config.transcodingConfig'))
    warnings.append(unknown_keys(config, RECORDING_CONFIG_KEYS, where))


def check_snapshot(snapshot, recording_config):
    """snapshotConfig and what it asks of the subscription (Q-ARTC-07)."""
    check_integer_range(snapshot, 'captureInterval', 5, 3600, 'snapshot_config')
    if snapshot.get('fileType') != ['jpg']:
        raise Invalid('snapshot_config.fileType is required and supports only ["jpg"], got %r' % (snapshot.get('fileType'),))
    if recording_config.get('streamTypes', 2) not in (1, 2):
        raise Invalid('snapshot_config needs recording_config.streamTypes 1 or 2 (video), got %r' % recording_config['streamTypes'])
    if 'subscribeAudioUids' in recording_config and 'subscribeVideoUids' not in recording_config:
        raise Invalid('snapshot_config: recording_config.subscribeAudioUids needs recording_config.subscribeVideoUids too')


def check_extension_services(config):
    """extensionServiceConfig: Alibaba Cloud VOD, the only service the document knows."""
    where = 'extension_service_config'
    if config.get('errorHandlePolicy', 'error_abort') != 'error_abort':
        raise Invalid('%s.errorHandlePolicy supports only "error_abort"' % where)
    services = config.get('extensionServices')
    if not isinstance(services, list) or not services or not all(isinstance(s, dict) for s in services):
        raise Invalid('%s.extensionServices is required: a non-empty list of services (dicts)' % where)
    for index, service in enumerate(services):
        here = '%s.extensionServices[%d]' % (where, index)
        if service.get('serviceName') != 'aliyun_vod_service':
            raise Invalid('%s.serviceName must be aliyun_vod_service (Alibaba Cloud VOD, the only service), got %r'
                          % (here, service.get('serviceName')))
        if service.get('errorHandlePolicy', 'error_abort') != 'error_abort':
            raise Invalid('%s.errorHandlePolicy supports only "error_abort"' % here)
        param = check_dict(service.get('serviceParam'), here + '.serviceParam')
        for name in ('accessKey', 'secretKey', 'regionId'):
            if not isinstance(param.get(name), str) or not param[name]:
                raise Invalid('%s.serviceParam.%s is required' % (here, name))
        video = check_dict(check_dict(param.get('apiData'), here + '.serviceParam.apiData').get('videoData'),
                           here + '.serviceParam.apiData.videoData')
        if not isinstance(video.get('title'), str) or not video['title']:
            raise Invalid('%s.serviceParam.apiData.videoData.title is required' % here)


def check_storage(storage):
    vendor, region = storage.get('vendor'), storage.get('region')
    if not _int(vendor) or vendor not in REGIONS:
        raise Invalid('storage_config.vendor must be 0 (Qiniu), 1 (Amazon S3), 2 (Alibaba), 3 (Tencent) or 4 (Kingsoft), got %r' % (vendor,))
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
    """The documented rules, checked before anything is sent; raises Invalid naming the option.

    Returns warnings about keys the document does not name.
    """
    warnings = []
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
        check_layout(p['layout'], 'layout', warnings)
        warnings.append(unknown_keys(p['layout'], LAYOUT_KEYS, 'layout'))
    if p['snapshot_config'] is not None:
        if mode != 'individual':
            raise Invalid('snapshot_config needs mode=individual')
        if p['recording_file_config'] is not None:
            raise Invalid('recording_file_config and snapshot_config are mutually exclusive')
        check_snapshot(p['snapshot_config'], p['recording_config'])
    if p['extension_service_config'] is not None:
        if mode != 'mix':
            raise Invalid('extension_service_config needs mode=mix')
        if p['snapshot_config'] is not None or p['storage_config'] is not None:
            raise Invalid('extension_service_config cannot be set with snapshot_config or storage_config')
        check_extension_services(p['extension_service_config'])
    if p['recording_file_config'] is not None and p['recording_file_config'].get('avFileType', ['hls']) != ['hls']:
        raise Invalid('recording_file_config.avFileType supports only ["hls"]')
    check_recording_config(p['recording_config'], mode, warnings)
    if p['storage_config'] is not None:
        check_storage(p['storage_config'])
    if p['stream_subscribe'] is not None:
        if p['state'] != 'started':
            raise Invalid('stream_subscribe (update) is only used with state=started')
        check_stream_subscribe(p['stream_subscribe'], p['recording_config'].get('streamTypes'))
    if p['resource_expired_hour'] is not None and not 1 <= p['resource_expired_hour'] <= 720:
        raise Invalid('resource_expired_hour must be from 1 to 720, got %s' % p['resource_expired_hour'])
    return [warning for warning in warnings if warning]


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


class Recovery:
    """What this machine keeps to resume a recording after any failure; the server stays the source of truth.

    One entry per channel and uid, as the API runs one recording of them at a time (error 53): the resource ID before
    a start is sent (its answer alone carries the sid), the sid once known, and the file list before any file is
    downloaded (the API lists the files only while recording and in the stop's answer). Check mode writes nothing.
    """

    def __init__(self, module, ledger):
        self.module = module
        self.ledger = ledger
        self.key = json.dumps([module.params['cname'], module.params['uid']])
        self._warned = False

    def get(self):
        """The entry, or None when there is none of a usable shape."""
        entry = self.ledger.get(RECORDS, self.key)
        if (not isinstance(entry, dict) or entry.get('phase') not in PHASES or not isinstance(entry.get('resource_id'), str)
                or entry.get('mode') not in ('mix', 'individual') or not isinstance(entry.get('sid') or '', str)
                or not isinstance(entry.get('file_list') or [], list)):
            return None
        return entry

    def of(self, sid):
        """The entry of the recording ``sid``, or None."""
        entry = self.get()
        return entry if entry is not None and entry.get('sid') == sid else None

    def keep(self, phase, resource_id, sid=None, file_list=None, mode=None):
        if self.module.check_mode:
            return
        entry = dict(phase=phase, resource_id=resource_id, sid=sid, mode=mode or self.module.params['mode'],
                     file_list=file_list, at=iso_utc(time.time()))
        if not self.ledger.put(RECORDS, self.key, entry) and not self._warned:
            self._warned = True
            self.module.warn('the state of the recording could not be written under cache_dir (%s): should this run fail '
                             'from here on, a re-run cannot resume it' % self.ledger.path)


def query(client, mode, resource_id, sid):
    """The query answer, or None when the recording is not in session any more (HTTP 404, or 501, Q-ARTC-11)."""
    answer = client.query(resource_id, sid, mode, accept=GONE, accept_status=(404,))
    if '_code' in answer:
        return None
    return answer


def running(answer):
    return answer is not None and server_status(answer) not in OVER


def wait_running(module, client, resource_id, sid):
    p = module.params
    waiting = Waiting(module)
    while True:
        answer = query(client, p['mode'], resource_id, sid)
        status = server_status(answer) if answer else None
        if not running(answer):
            raise AnyRTCError('recording %s is not running (status %s)' % (sid, status))
        if status in RUNNING:
            waiting.done('the start of recording %s' % sid)
            return status, answer.get('serverResponse') or {}
        if not waiting.allows(p['poll_interval']):
            raise AnyRTCError(waiting.timed_out('recording %s did not start' % sid, 'status %s' % status))
        time.sleep(p['poll_interval'])


def send_start(client, p, resource_id, accept=()):
    """The start answer; code 65 (network jitter) is sent again with the same resource ID, as the API asks."""
    for attempt in range(JITTER_RETRIES + 1):
        started = client.start(resource_id, p['mode'], p['cname'], p['uid'], client_request(p),
                               accept=accept + ((NETWORK_JITTER,) if attempt < JITTER_RETRIES else ()))
        if started.get('_code') != NETWORK_JITTER:
            return started
        time.sleep(attempt + 1)
    return started


def settle_start(client, p, resource_id):
    """Send the start whose answer was lost again with the same resource ID, which can start one recording at most.

    The answer holds the sid when the first start did not take effect; code 7 says it did (and the API then has no
    way to tell its sid); 433, 1001 and 53 say nothing about it.
    """
    try:
        return send_start(client, p, resource_id, accept=(USED_RESOURCE, EXPIRED_RESOURCE, UNREADABLE_RESOURCE, RUNNING_ELSEWHERE))
    except AnyRTCError as exc:
        if exc.verdict:
            raise
        raise AnyRTCError('the answer of a start was lost, and so was the answer of the same start sent again with its '
                          'resource ID to settle it (%s); run the task again to settle it' % exc, exc.code, exc.status, 'start')


def start_recording(module, client, recovery, pending=None):
    """Start a recording of the channel and uid, or find that one runs; -> (resource_id, sid or None, created).

    ``pending``: the resource ID of an earlier start whose answer was lost, settled first. A sid of None means that a
    recording of the channel and uid runs whose sid the API cannot tell.
    """
    p = module.params
    if pending is not None:
        answer = settle_start(client, p, pending)
        if answer.get('sid'):
            return pending, answer['sid'], True
    acquire_request = {}
    if p['resource_expired_hour'] is not None:
        acquire_request['resourceExpiredHour'] = p['resource_expired_hour']
    acquired = client.acquire(p['cname'], p['uid'], acquire_request)
    resource_id = acquired.get('resourceId')
    if not resource_id:
        raise AnyRTCError('anyRTC acquire answered without a resourceId', call='acquire')
    recovery.keep('starting', resource_id)
    try:
        answer = send_start(client, p, resource_id, accept=(RUNNING_ELSEWHERE,))
    except AnyRTCError as exc:
        if exc.verdict:
            recovery.keep('stopped', resource_id)  # refused: nothing runs that a re-run would need to find
            raise
        module.warn('the answer of the start was lost (%s); the start was sent again with the same resource ID to '
                    'settle what the first one did' % exc)
        answer = settle_start(client, p, resource_id)
        if answer.get('sid'):
            return resource_id, answer['sid'], True
        if answer.get('_code') == USED_RESOURCE:
            return resource_id, None, True
        raise AnyRTCError('the answer of the start was lost, and the same start sent again was answered with code %s, '
                          'which does not tell whether the recording started; run the task again'
                          % answer.get('_code'), answer.get('_code'), answer.get('_http_status'), 'start')
    if answer.get('sid'):
        return resource_id, answer['sid'], True
    return pending or resource_id, None, False  # 53: the recording of an earlier start runs


def start(module, client, result, recovery):
    p = module.params
    record = recovery.get()
    known = None
    if p['sid']:
        known = (p['resource_id'], p['sid'], p['mode'])
    elif record is not None and record.get('sid') and record['phase'] in ('started', 'stopping'):
        known = (record['resource_id'], record['sid'], record['mode'])
    if known is not None:
        answer = query(client, known[2], known[0], known[1])  # a read, also in check mode
        if running(answer):
            if known[2] != p['mode']:
                raise AnyRTCError('a recording of channel %s with uid %s runs in mode %s (sid %s), not %s; stop it first, '
                                  'or use another uid' % (p['cname'], p['uid'], known[2], known[1], p['mode']))
            status = server_status(answer)
            server_response = answer.get('serverResponse') or {}
            result.update(resource_id=known[0], sid=known[1], status=status, server_response=server_response,
                          file_list=file_list(server_response))
            result['diff']['before']['status'] = result['diff']['after']['status'] = status
            recovery.keep('started', known[0], known[1], result['file_list'] or (record or {}).get('file_list'), known[2])
            return
        if not module.check_mode:
            module.warn('recording %s is over; a new recording is started' % known[1])
    pending = record['resource_id'] if record is not None and record['phase'] == 'starting' else None
    if module.check_mode:
        result.update(changed=True, resource_id=None, sid=None)
        result['diff']['after']['status'] = 'started'
        if pending:
            module.warn('the answer of an earlier start of this recording was lost; a run settles it first by sending '
                        'that start again with its resource ID, and starts a recording only if none runs')
        elif record is not None and record['phase'] == 'orphaned':
            module.warn('a recording of this channel and uid whose sid is unknown ran at the last run; whether it still '
                        'runs cannot be read without its sid: a run starts a recording only if it has ended')
        return
    resource_id, sid, created = start_recording(module, client, recovery, pending)
    result.update(changed=created, resource_id=resource_id)
    if sid is None:
        recovery.keep('orphaned', resource_id)
        module.warn('a recording of channel %s with uid %s runs (the server refuses another with code 53, or confirms '
                    'with code 7 that the lost start took effect), but its sid is unknown: the API gives it only in the '
                    'answer of the start, which was lost. It cannot be queried, updated or stopped; it stops by itself '
                    'once the channel has been empty for maxIdleTime seconds (30 by default). Use another uid for a '
                    'recording that tasks can address.' % (p['cname'], p['uid']))
        result['diff']['after']['status'] = 'unknown'
        return
    recovery.keep('started', resource_id, sid)
    now = time.time()
    hours = p['resource_expired_hour'] or DEFAULT_EXPIRED_HOURS
    result.update(sid=sid, started_at=iso_utc(now), api_expires_at=iso_utc(now + hours * 3600))
    if p['wait_for_status']:
        result['status'], result['server_response'] = wait_running(module, client, resource_id, sid)
        result['file_list'] = file_list(result['server_response'])
    result['diff']['after']['status'] = result['status']


def iso_utc(moment):
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(moment))


def apply_to_running(module, client, result, send, value, what):
    """Send an update or updateLayout to the running recording; always a change (Q-ARTC-14: neither can be read back)."""
    p = module.params
    if module.check_mode:
        result['changed'] = True
        return
    if not result['sid']:
        raise AnyRTCError('%s cannot be applied: the sid of the recording is unknown' % what)
    result['changed'] = True
    send(result['resource_id'], result['sid'], p['mode'], p['cname'], p['uid'], value)


def missing_in_dest(dest, listed):
    """Whether a file of ``listed``, or a segment its playlist in ``dest`` names, is missing from ``dest``."""
    for item in listed:
        name = str(item.get('filename') or '').rsplit('/', 1)[-1]
        if not name:
            continue
        path = os.path.join(dest, name)
        if not os.path.isfile(path):
            return True
        if name.endswith('.m3u8'):
            try:
                with open(path, 'rb') as stream:
                    lines = stream.read().decode('utf-8', 'replace').splitlines()
            except OSError:
                return True
            for line in lines:
                line = line.strip()
                if line and not line.startswith('#') and '://' not in line and not line.startswith('/'):
                    if not os.path.isfile(os.path.join(dest, unquote(line).rsplit('/', 1)[-1])):
                        return True
    return False


def settle_stop(module, client, resource_id, sid, exc):
    """After a stop whose answer was lost: the stop answer when it had not taken effect and is sent again, or None."""
    p = module.params
    module.warn('the answer of the stop was lost (%s); the recording is queried to settle what it did' % exc)
    if running(query(client, p['mode'], resource_id, sid)):
        try:
            return client.stop(resource_id, sid, p['mode'], p['cname'], p['uid'], accept=ALREADY_STOPPED)
        except AnyRTCError as again:
            if again.verdict:
                raise
            raise AnyRTCError('the answer of the stop was lost twice (%s); run the task again to settle it' % again,
                              again.code, again.status, 'stop')
    return None


def stop(module, client, result, recovery):
    """Stop the recording unless it is over; returns the files to download (from the stop, or as remembered)."""
    p = module.params
    resource_id, sid = p['resource_id'], p['sid']
    result.update(resource_id=resource_id, sid=sid)
    record = recovery.of(sid)
    remembered = record.get('file_list') if record is not None else None  # None: never seen on this machine
    before = query(client, p['mode'], resource_id, sid)
    is_running = running(before)
    listed_now = file_list(before.get('serverResponse') or {}) if before else []
    result['diff']['before']['status'] = server_status(before) if before else STOPPED
    result['diff']['after']['status'] = STOPPED
    result['status'] = STOPPED
    if module.check_mode:
        listed = listed_now or remembered or []
        result['file_list'] = listed
        result['changed'] = is_running or (not is_running and p['dest'] is not None and missing_in_dest(p['dest'], listed))
        if not is_running:
            result['status'] = server_status(before) if before else STOPPED
        return []
    answer = None
    if before is not None:  # in session, even if it stopped by itself: its stop holds the file list
        recovery.keep('stopping', resource_id, sid, listed_now or remembered)
        try:
            answer = client.stop(resource_id, sid, p['mode'], p['cname'], p['uid'], accept=ALREADY_STOPPED)
        except AnyRTCError as exc:
            if exc.verdict:
                raise
            answer = settle_stop(module, client, resource_id, sid, exc)
            if answer is None:
                answer = {'_lost': True}
    if answer is not None and '_code' not in answer and not answer.get('_lost'):
        result['changed'] = True
        server_response = result['server_response'] = answer.get('serverResponse') or {}
        listed = file_list(server_response)
        result['uploading_status'] = server_response.get('uploadingStatus')
        if answer.get('_http_status') == 206 or result['uploading_status'] in ('backuped', 'unknown'):
            module.warn('stop answered HTTP %s with uploadingStatus %s: nobody sent a stream, or some files went to the '
                        'anyRTC cloud backup (Q-ARTC-25, Q-ARTC-32)' % (answer.get('_http_status'), result['uploading_status']))
    elif answer is not None and answer.get('_code') == 435:
        module.warn('the recording produced no file: nobody in the channel sent a stream (435)')
        listed = []
    else:
        # Stopped before (49, or out of session), or by this run's stop whose answer was lost: the file list is the
        # one this machine kept, from the stop's answer or from the last query while recording.
        result['changed'] = bool(answer and answer.get('_lost'))
        listed = listed_now or remembered or []
        if answer and answer.get('_lost'):
            module.warn('the stop took effect; its file list is the one the query before the stop gave (files of streams '
                        'that began after that query are missing from it)')
        elif remembered is None and not listed and p['dest'] is not None:
            module.warn('recording %s was stopped before, and this machine keeps no file list of it (under cache_dir): the '
                        'API lists the files only while recording and in the answer of the stop' % sid)
    recovery.keep('stopped', resource_id, sid, listed)  # before any download: a failed one is resumed by a re-run
    result['file_list'] = listed
    return listed


def fetch(module, client, downloads, url, name, waiting):
    p = module.params
    while True:
        # The storage is the user's own (download_url), so an http URL there is their choice; 403 and 404 mean the
        # upload has not reached it yet.
        entry = client.download_file('download', url, downloads, name, absent=(403, 404),
                                     allow_http=p['allow_http_download'], listed_by_api=False)
        if entry is not None:
            return entry
        if not p['wait_for_status']:
            raise AnyRTCError('the storage does not have %s' % shown_url(url), call='download')
        if not waiting.allows(p['poll_interval']):
            raise AnyRTCError(waiting.timed_out('the storage did not receive %s' % shown_url(url)), call='download')
        time.sleep(p['poll_interval'])


def download(module, client, listed):
    """Every playlist of the file list and the segments it names, into dest."""
    p = module.params
    base = p['download_url'].rstrip('/')
    waiting = Waiting(module)
    downloads = Downloads(p['dest'], checksums=Checksums(p['checksum']), attributes=FileAttributes(module, 'file_mode'))
    for item in listed:
        key = str(item.get('filename') or '')
        if not key:
            continue
        url = '%s/%s' % (base, quote(key, safe='/'))
        playlist = fetch(module, client, downloads, url, key.rsplit('/', 1)[-1], waiting)
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
            fetch(module, client, downloads, '%s/%s' % (base, quote(segment, safe='/')), segment.rsplit('/', 1)[-1], waiting)
    downloads.finish()
    waiting.done('the download of the files of the recording')
    return downloads


def run(module, client, result, recovery):
    p = module.params
    for warning in one_sided_subscription(p):
        module.warn(warning)
    if p['state'] == 'started':
        start(module, client, result, recovery)
        if p['stream_subscribe'] is not None:
            apply_to_running(module, client, result, client.update, p['stream_subscribe'], 'stream_subscribe')
        if p['layout'] is not None:
            apply_to_running(module, client, result, client.update_layout, p['layout'], 'layout')
    else:
        listed = stop(module, client, result, recovery)
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
    spec.update(file_mode=dict(type='raw'))
    module = DownloadModule(argument_spec=spec, supports_check_mode=True,
                            mutually_exclusive=[('recording', 'resource_id'), ('recording', 'sid')])
    p = module.params
    # A dict option cannot be no_log per key: register the storage and service keys so that Ansible masks them
    # wherever they would appear (invocation, results, messages), before the first check that may fail the task.
    secrets = secrets_of(p['storage_config'], p['extension_service_config'], p['recording_config'])
    module.no_log_values.update(secrets)
    check_connection(module, 'api_url', [AnyRTCClient.api_prefix])
    if p['recording'] is not None:
        if module.check_mode and p['state'] == 'stopped' and not p['recording'].get('sid'):
            # A start this check run only predicted has no sid to stop; what its stop would do is predicted in turn.
            module.exit_json(changed=True, resource_id=None, sid=None, status=STOPPED, file_list=[], files=[],
                             uploading_status=None, server_response=None, started_at=None, api_expires_at=None,
                             diff={'before': {'status': None}, 'after': {'status': STOPPED}},
                             msg='the recording of this start is not known (a start that check mode only predicted): '
                                 'its stop is predicted as a change')
        p['resource_id'], p['sid'] = addressed_by(module, p['recording'])
    if p['recording_config'] is None:
        p['recording_config'] = {}
    try:
        for warning in validate(p):
            module.warn(warning)
        Checksums(p['checksum'])
    except (Invalid, ValueError) as exc:
        module.fail_json(msg=str(exc))
    client = AnyRTCClient(p['app_id'], p['customer_id'], p['customer_secret'], p['api_url'], p['validate_certs'],
                          p['ca_path'], p['timeout'], secrets=secrets + [p['token']], cache_dir=p['cache_dir'],
                          warn=module.warn, client_cert=p['client_cert'], client_key=p['client_key'])
    client.limit_task(p['task_timeout'])
    # The record file is named by a hash of the API URL and the App ID, neither of which it holds.
    recovery = Recovery(module, Ledger('%s/%s' % (client.api_url, p['app_id']), p['cache_dir'], vendor='anyrtc'))
    # Filled as the run goes, so that a failure after a start or a stop still reports the recording and the change.
    result = dict(changed=False, resource_id=None, sid=None, status=None, file_list=[], uploading_status=None, files=[],
                  server_response=None, started_at=None, api_expires_at=None,
                  diff={'before': {'status': None}, 'after': {'status': None}})
    try:
        run(module, client, result, recovery)
    except (AnyRTCError, DownloadError) as exc:
        partial = dict((key, value) for key, value in result.items() if key != 'diff')
        module.fail_json(msg=client.redact(str(exc)), code=getattr(exc, 'code', None), http_status=exc.status, **partial)


if __name__ == '__main__':
    main()
