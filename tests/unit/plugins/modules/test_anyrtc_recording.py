# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import copy

import pytest

from ansible_collections.rtcops.conference.plugins.modules import anyrtc_recording

BASE = dict(cname='standup', uid='527841', mode='mix', state='started', resource_id=None, sid=None, recording_config={},
            recording_file_config=None, snapshot_config=None, storage_config=None, extension_service_config=None,
            layout=None, stream_subscribe=None, resource_expired_hour=None, token=None, wait_for_status=True,
            wait_timeout=10, poll_interval=1, timeout=30, dest=None, download_url=None)
STORAGE = dict(vendor=2, region=1, bucket='b', accessKey='AK-secret', secretKey='SK-secret', fileNamePrefix=['a', 'b'])


def params(**overrides):
    p = copy.deepcopy(BASE)
    p.update(overrides)
    return p


@pytest.mark.parametrize('overrides, words', [
    (dict(cname='stand/up'), 'cname'),
    (dict(cname='x' * 65), 'cname'),
    (dict(cname='\u9891\u9053'), 'cname'),
    (dict(uid=''), 'uid'),
    (dict(uid='1' * 49), 'uid'),
    (dict(mode='individual', layout={'mixedVideoLayout': 1}, recording_config={'subscribeUidGroup': 0}), 'layout'),
    (dict(mode='individual'), 'subscribeUidGroup'),
    (dict(mode='individual', recording_config={'subscribeUidGroup': 0, 'audioProfile': 1}), 'audioProfile'),
    (dict(recording_config={'transcodingConfig': {'width': 1921}}), 'transcodingConfig'),
    (dict(recording_config={'transcodingConfig': {'width': 1600, 'height': 1600}}), '1920 x 1080'),
    (dict(recording_config={'subscribeAudioUids': []}), 'subscribeAudioUids'),
    (dict(storage_config=dict(STORAGE, fileNamePrefix=['a-b'])), 'fileNamePrefix'),
    (dict(storage_config=dict(STORAGE, fileNamePrefix=['a' * 64, 'b' * 64])), 'fileNamePrefix'),
    (dict(storage_config=dict(STORAGE, vendor=1, region=16)), 'region'),
    (dict(storage_config=dict(STORAGE, vendor=5)), 'vendor'),
    (dict(snapshot_config={'fileType': ['jpg']}), 'snapshot_config'),
    (dict(extension_service_config={'extensionServices': []}, storage_config=STORAGE), 'extension_service_config'),
    (dict(layout={'mixedVideoLayout': 3}), 'layoutConfig'),
    (dict(layout={'layoutConfig': [{'x_axis': 2, 'y_axis': 0, 'width': 1, 'height': 1}]}), 'x_axis'),
    (dict(state='stopped'), 'sid'),
    (dict(resource_id='r'), 'resource_id'),
    (dict(state='stopped', resource_id='r', sid='s', dest='/tmp/x'), 'download_url'),
])
def test_rules_name_the_option(overrides, words):
    with pytest.raises(anyrtc_recording.Invalid) as info:
        anyrtc_recording.validate(params(**overrides))
    assert words in str(info.value)
    assert 'SK-secret' not in str(info.value) and 'AK-secret' not in str(info.value)


def test_transcoding_defaults_are_filled():
    p = params(recording_config={'transcodingConfig': {'width': 1280, 'height': 720}})
    anyrtc_recording.validate(p)
    assert p['recording_config']['transcodingConfig'] == {'width': 1280, 'height': 720, 'fps': 15, 'bitrate': 500}


def test_valid_individual_and_storage():
    anyrtc_recording.validate(params(mode='individual', recording_config={'subscribeUidGroup': 0}, storage_config=STORAGE))


def test_stream_subscribe_lists_are_normalised_to_strings():
    p = params(stream_subscribe={'videoUidList': {'subscribeVideoUids': [101, '#allstream#']}})
    anyrtc_recording.validate(p)
    assert p['stream_subscribe'] == {'videoUidList': {'subscribeVideoUids': ['101', '#allstream#']}}


@pytest.mark.parametrize('overrides, words', [
    (dict(stream_subscribe={}), 'audioUidList'),
    (dict(stream_subscribe={'audioUidList': {}}), 'subscribeAudioUids'),
    (dict(stream_subscribe={'audioUidList': {'subscribeVideoUids': ['1']}}), 'subscribeAudioUids'),
    (dict(stream_subscribe={'videoUidList': {'subscribeVideoUids': [str(n) for n in range(33)]}}), 'at most 32'),
    (dict(stream_subscribe={'audioUidList': {'subscribeAudioUids': ['1']}}, state='stopped', resource_id='r', sid='s'), 'state=started'),
    (dict(resource_expired_hour=0), 'resource_expired_hour'),
])
def test_update_and_acquire_rules(overrides, words):
    with pytest.raises(anyrtc_recording.Invalid) as caught:
        anyrtc_recording.validate(params(**overrides))
    assert words in str(caught.value)


@pytest.mark.parametrize('overrides, warned', [
    (dict(recording_config={'subscribeAudioUids': ['1']}), ['no video stream']),
    (dict(recording_config={'subscribeAudioUids': ['1'], 'unSubscribeVideoUids': ['2']}), []),
    (dict(recording_config={'streamTypes': 0, 'subscribeAudioUids': ['1']}), []),
    (dict(stream_subscribe={'videoUidList': {'subscribeVideoUids': ['1']}}), ['no audio stream']),
    (dict(stream_subscribe={'videoUidList': {'subscribeVideoUids': ['1']}, 'audioUidList': {'subscribeAudioUids': ['1']}}), []),
])
def test_one_sided_subscriptions_are_warned_about(overrides, warned):
    warnings = anyrtc_recording.one_sided_subscription(params(**overrides))
    assert len(warnings) == len(warned)
    assert all(words in warning for words, warning in zip(warned, warnings))


def test_file_list_normalised():
    assert anyrtc_recording.file_list({'fileList': 'a.m3u8'}) == [{'filename': 'a.m3u8'}]
    assert anyrtc_recording.file_list({'fileList': ''}) == []
    assert anyrtc_recording.file_list({}) == []
    assert anyrtc_recording.server_status({'serverResponse': {'status': '5'}}) == 5


VOD = {'extensionServices': [{'serviceName': 'aliyun_vod_service', 'serviceParam': {
    'accessKey': 'AK-secret', 'secretKey': 'SK-secret', 'regionId': 'cn-shanghai',
    'apiData': {'videoData': {'title': 'My Video'}}}}]}


def vod(**service):
    config = copy.deepcopy(VOD)
    config['extensionServices'][0].update(service)
    return config


# Ranges and enumerations as anyrtc-recording.md states them (sections 3.1 to 3.5), each just outside.
@pytest.mark.parametrize('overrides, path', [
    (dict(recording_config={'channelType': 2}), 'recording_config.channelType must be one of 0, 1, got 2'),
    (dict(recording_config={'streamTypes': 3}), 'recording_config.streamTypes must be one of 0, 1, 2, got 3'),
    (dict(recording_config={'decryptionMode': 4}), 'recording_config.decryptionMode must be one of 0, 1, 2, 3, got 4'),
    (dict(recording_config={'audioProfile': 3}), 'recording_config.audioProfile must be one of 0, 1, 2, got 3'),
    (dict(recording_config={'videoStreamType': 2}), 'recording_config.videoStreamType must be one of 0, 1, got 2'),
    (dict(recording_config={'maxIdleTime': 4}), 'recording_config.maxIdleTime must be an integer from 5 to 4294967295, got 4'),
    (dict(recording_config={'maxIdleTime': 2 ** 32}), 'recording_config.maxIdleTime must be an integer from 5'),
    (dict(recording_config={'maxIdleTime': '30'}), 'recording_config.maxIdleTime'),
    (dict(mode='individual', recording_config={'subscribeUidGroup': 4}), 'recording_config.subscribeUidGroup must be one of 0, 1, 2, 3, got 4'),
    (dict(recording_config={'transcodingConfig': {'mixedVideoLayout': 5}}),
     'recording_config.transcodingConfig.mixedVideoLayout must be one of 0, 1, 2, 3, got 5'),
    (dict(recording_config={'mixedVideoLayout': 4}), 'recording_config.mixedVideoLayout must be one of 0, 1, 2, 3, got 4'),
    (dict(recording_config={'transcodingConfig': {'backgroundColor': 'red'}}), 'recording_config.transcodingConfig.backgroundColor'),
    (dict(recording_config={'transcodingConfig': {'backgroundColor': '#FF00000'}}), 'backgroundColor must be # and six'),
    (dict(recording_config={'transcodingConfig': {'fps': 0}}), 'recording_config.transcodingConfig.fps must be a positive integer'),
    (dict(recording_config={'transcodingConfig': {'bitrate': 'high'}}), 'recording_config.transcodingConfig.bitrate'),
    (dict(layout={'mixedVideoLayout': 3, 'layoutConfig': []}), 'layout.layoutConfig must be a list of 1 to 17'),
    (dict(layout={'layoutConfig': [{'x_axis': 0, 'y_axis': 0, 'width': 1, 'height': 1}] * 18}), '1 to 17'),
    (dict(layout={'layoutConfig': [{'x_axis': 0, 'y_axis': 0, 'width': 1, 'height': 1, 'alpha': 1.5}]}),
     'layout.layoutConfig[0].alpha must be a number from 0.0 to 1.0, got 1.5'),
    (dict(layout={'layoutConfig': [{'x_axis': 0, 'y_axis': -0.1, 'width': 1, 'height': 1}]}), 'layout.layoutConfig[0].y_axis'),
    (dict(layout={'layoutConfig': [{'x_axis': 0, 'y_axis': 0, 'width': 1, 'height': 1, 'render_mode': 2}]}),
     'layout.layoutConfig[0].render_mode must be one of 0, 1, got 2'),
    (dict(layout={'backgroundColor': '#GG0000'}), 'layout.backgroundColor'),
    (dict(mode='individual', recording_config={'subscribeUidGroup': 0}, snapshot_config={'captureInterval': 4, 'fileType': ['jpg']}),
     'snapshot_config.captureInterval must be an integer from 5 to 3600, got 4'),
    (dict(mode='individual', recording_config={'subscribeUidGroup': 0}, snapshot_config={'captureInterval': 3601, 'fileType': ['jpg']}),
     'snapshot_config.captureInterval'),
    (dict(mode='individual', recording_config={'subscribeUidGroup': 0}, snapshot_config={'fileType': ['png']}), 'snapshot_config.fileType'),
    (dict(mode='individual', recording_config={'subscribeUidGroup': 0}, snapshot_config={}), 'snapshot_config.fileType is required'),
    (dict(mode='individual', recording_config={'subscribeUidGroup': 0, 'streamTypes': 0}, snapshot_config={'fileType': ['jpg']}),
     'streamTypes 1 or 2'),
    (dict(mode='individual', recording_config={'subscribeUidGroup': 0, 'subscribeAudioUids': ['1']}, snapshot_config={'fileType': ['jpg']}),
     'subscribeVideoUids'),
    (dict(recording_file_config={'avFileType': ['mp4']}), 'avFileType'),
    (dict(extension_service_config=vod(serviceName='tencent_vod')), 'extension_service_config.extensionServices[0].serviceName'),
    (dict(extension_service_config=vod(errorHandlePolicy='ignore')), 'extensionServices[0].errorHandlePolicy supports only'),
    (dict(extension_service_config=dict(VOD, errorHandlePolicy='ignore')), 'extension_service_config.errorHandlePolicy'),
    (dict(extension_service_config={'extensionServices': []}), 'extension_service_config.extensionServices is required'),
    (dict(extension_service_config=vod(serviceParam={'accessKey': 'AK-secret', 'secretKey': 'SK-secret'})), 'serviceParam.regionId'),
    (dict(extension_service_config=vod(serviceParam={'accessKey': 'AK-secret', 'secretKey': 'SK-secret', 'regionId': 'cn-shanghai',
                                                     'apiData': {'videoData': {}}})), 'videoData.title is required'),
    (dict(storage_config=dict(STORAGE, vendor=0, region=5)), 'storage_config.region 5 is not a region of vendor 0'),
    (dict(storage_config=dict(STORAGE, vendor=4, region=10)), 'storage_config.region 10'),
    (dict(storage_config=dict(STORAGE, bucket='')), 'storage_config.bucket is required'),
    (dict(resource_expired_hour=721), 'resource_expired_hour must be from 1 to 720, got 721'),
])
def test_documented_ranges_are_checked_naming_the_option_path(overrides, path):
    with pytest.raises(anyrtc_recording.Invalid) as info:
        anyrtc_recording.validate(params(**overrides))
    assert path in str(info.value)
    assert 'SK-secret' not in str(info.value) and 'AK-secret' not in str(info.value)


# The document's own examples and the edges of its ranges pass.
@pytest.mark.parametrize('overrides', [
    dict(recording_config={'maxIdleTime': 30, 'streamTypes': 2, 'channelType': 0, 'subscribeVideoUids': ['123', '456'],
                           'subscribeAudioUids': ['123', '456'], 'subscribeUidGroup': 0,
                           'transcodingConfig': {'height': 640, 'width': 360, 'bitrate': 500, 'fps': 15,
                                                 'mixedVideoLayout': 1, 'backgroundColor': '#FF0000'}},
         recording_file_config={'avFileType': ['hls']}, storage_config=dict(STORAGE, region=3, vendor=2)),
    dict(mode='individual', recording_config={'maxIdleTime': 30, 'streamTypes': 2, 'channelType': 0, 'subscribeUidGroup': 0},
         snapshot_config={'captureInterval': 5, 'fileType': ['jpg']}),
    dict(recording_config={'maxIdleTime': 30, 'streamTypes': 2, 'channelType': 0, 'subscribeUidGroup': 0}, extension_service_config=VOD),
    dict(recording_config={'maxIdleTime': 5, 'decryptionMode': 3, 'secret': 's', 'audioProfile': 2, 'videoStreamType': 1}),
    dict(recording_config={'maxIdleTime': 2 ** 32 - 1}),
    dict(layout={'mixedVideoLayout': 3, 'backgroundColor': '#ff0000', 'layoutConfig': [
        {'uid': '1', 'x_axis': 0.1, 'y_axis': 0.1, 'width': 0.1, 'height': 0.1, 'alpha': 1.0, 'render_mode': 1},
        {'uid': 2, 'x_axis': 1, 'y_axis': 0, 'width': 0, 'height': 1}]}),
    dict(mode='individual', recording_config={'subscribeUidGroup': 3},
         snapshot_config={'captureInterval': 3600, 'fileType': ['jpg']}),
    dict(storage_config=dict(STORAGE, vendor=1, region=17)),
    dict(resource_expired_hour=720),
])
def test_documented_examples_and_edges_pass(overrides):
    assert anyrtc_recording.validate(params(**overrides)) == []


def test_keys_the_document_does_not_name_are_warned_about_and_sent():
    p = params(recording_config={'maxIdletime': 60, 'transcodingConfig': {'Width': 640}}, layout={'mixedVideolayout': 1})
    warnings = anyrtc_recording.validate(p)
    assert len(warnings) == 3
    assert [w for w in warnings if w.startswith('recording_config sets maxIdletime')]
    assert [w for w in warnings if w.startswith('recording_config.transcodingConfig sets Width')]
    assert [w for w in warnings if w.startswith('layout sets mixedVideolayout')]
    assert p['recording_config']['maxIdletime'] == 60
