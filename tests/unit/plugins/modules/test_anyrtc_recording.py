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
