# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.rtcops.conference.plugins.module_utils._avd_media import current_file, server_path

SERVER = 'https://avd.example.test:9610'


@pytest.mark.parametrize('url, expected', [
    ('/opt/3tee/resources/intro.mp4', '/opt/3tee/resources/intro.mp4'),
    (' /root/456.mp4\n', '/root/456.mp4'),
    # avd_upload's download link of this server: the file it serves.
    (SERVER + '/attachment?file=/opt/3tee/resources/a%20b.mp4', '/opt/3tee/resources/a b.mp4'),
    # Another server's link, or a link without a file, is a stream URL like any other.
    ('https://cdn.example.test/attachment?file=/opt/x.mp4', 'https://cdn.example.test/attachment?file=/opt/x.mp4'),
    (SERVER + '/attachment', SERVER + '/attachment'),
    ('rtmp://live.example.test/app/stream', 'rtmp://live.example.test/app/stream'),
    ('media/intro.mp4', None),
    ('intro.mp4', None),
    ('rtmp:/no-host', None),
])
def test_server_path(url, expected):
    assert server_path(url, SERVER) == expected


def test_current_file_is_the_one_started_last():
    files = [{'url': '/a.mp4', 'updated': 1583803754}, {'url': '/b.mp4', 'updated': '1583803700'}]
    assert current_file(files) == '/a.mp4'


def test_current_file_on_a_tie_is_the_later_in_the_list():
    assert current_file([{'url': '/a.mp4', 'updated': 5}, {'url': '/b.mp4', 'updated': 5}]) == '/b.mp4'


def test_current_file_of_a_player_that_played_nothing():
    assert current_file([]) is None
    assert current_file([{'play_count': 1}, 'junk']) is None
