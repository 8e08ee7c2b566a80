# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import hashlib

import pytest

from ansible_collections.rtcops.conference.plugins.module_utils._avd_live import differences, validate, wanted

PUSH = 'rtmp://cdn.example.test/app/secret-key'


def params(**given):
    p = dict(room_id='1', state='started', mixed=False, user_id=None, push_url=None, rtmp_url=None, hls_url=None,
             videos=None, force=False)
    p.update(given)
    return p


@pytest.mark.parametrize('given, expected', [
    (dict(user_id='16', push_url=PUSH), None),
    (dict(mixed=True, push_url=PUSH, videos=[{'video_name': 'a', 'zorder': 0, 'x': 0, 'y': 0.5, 'w': 1, 'h': 0.5}]), None),
    (dict(state='stopped'), None),
    (dict(state='stopped', mixed=True), None),
    (dict(room_id=' ', state='stopped'), 'room_id must not be empty'),
    (dict(user_id='16'), 'push_url is required'),
    (dict(user_id='16', push_url='  '), 'push_url is required'),
    (dict(push_url=PUSH), 'user_id is required'),
    (dict(user_id=' ', push_url=PUSH), 'user_id is required'),
    (dict(user_id='16', push_url='cdn.example.test/app'), 'push_url must be an absolute URL'),
    (dict(user_id='16', push_url='rtmp://'), 'push_url must be an absolute URL'),
    (dict(user_id='16', push_url=PUSH + ' x'), 'push_url must be an absolute URL'),
    (dict(user_id='16', push_url=PUSH, rtmp_url='play'), "rtmp_url must be an absolute URL"),
    (dict(user_id='16', push_url=PUSH, hls_url='x y'), "hls_url must be an absolute URL"),
    (dict(mixed=True, user_id='16', push_url=PUSH), 'user_id applies only to mixed=false'),
    (dict(mixed=True, hls_url='http://h/x', push_url=PUSH), 'hls_url applies only to mixed=false'),
    (dict(user_id='16', push_url=PUSH, videos=[{'video_name': 'a'}]), 'videos applies only to mixed=true'),
    (dict(state='stopped', user_id='16', push_url=PUSH), 'user_id, push_url apply only to state=started'),
    (dict(mixed=True, push_url=PUSH, videos=[]), 'videos must hold at least one entry'),
    (dict(mixed=True, push_url=PUSH, videos=[{'video_name': ''}]), 'videos[0] needs video_name'),
    (dict(mixed=True, push_url=PUSH, videos=[{'video_name': 'a'}, {'video_name': 'b', 'zorder': -1}]),
     'videos[1].zorder must be an integer of 0 or more'),
    (dict(mixed=True, push_url=PUSH, videos=[{'video_name': 'a', 'zorder': True}]), 'videos[0].zorder must be an integer'),
    (dict(mixed=True, push_url=PUSH, videos=[{'video_name': 'a', 'x': '0.5'}]), 'videos[0].x must be a number from 0 to 1'),
    (dict(mixed=True, push_url=PUSH, videos=[{'video_name': 'a', 'h': 1.01}]), 'videos[0].h must be a number from 0 to 1'),
    (dict(mixed=True, push_url=PUSH, videos=[{'video_name': 'a', 'left': 0}]), 'videos[0] has unknown keys left'),
])
def test_validate(given, expected):
    problem = validate(params(**given))
    if expected is None:
        assert problem is None
    else:
        assert problem is not None and problem.startswith(expected), problem


def test_a_bad_push_url_is_not_quoted():
    problem = validate(params(user_id='16', push_url='secret-key-without-scheme'))
    assert problem and 'secret-key' not in problem


def test_wanted_keeps_only_the_push_url_fingerprint_and_what_was_set():
    settings = wanted(params(user_id='16', push_url=PUSH, hls_url='http://h/x.m3u8'))
    assert settings == {'user_id': '16', 'push_url_sha256': hashlib.sha256(PUSH.encode()).hexdigest(),
                        'hls_url': 'http://h/x.m3u8'}


def test_differences_compare_only_what_the_task_sets():
    recorded = {'user_id': '16', 'push_url_sha256': 'a', 'rtmp_url': 'rtmp://p/x', 'videos': [{'video_name': 'v'}]}
    assert differences(recorded, {'user_id': '16', 'push_url_sha256': 'a'}) == []
    assert differences(recorded, {'user_id': '17', 'push_url_sha256': 'b', 'hls_url': 'http://h'}) == [
        'user_id', 'push_url_sha256', 'hls_url']
    assert differences(recorded, {'push_url_sha256': 'a', 'videos': [{'video_name': 'w'}]}) == ['videos']
