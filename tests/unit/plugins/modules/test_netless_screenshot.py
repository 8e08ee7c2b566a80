# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible_collections.rtcops.conference.plugins.modules.netless_screenshot import file_names


def shot(key):
    return {'url': 'https://bucket.example/' + key, 'key': key}


def test_files_are_named_after_the_last_part_of_their_key():
    assert file_names([shot('room_cover/2811/u/test/cover.png'), shot('room_cover/2811/u/test/page1.png')]) == ['cover.png', 'page1.png']


def test_clashing_names_fall_back_to_the_whole_key():
    names = file_names([shot('room_cover/2811/u/a/cover.png'), shot('room_cover/2811/u/b/cover.png')])
    assert names == ['room_cover_2811_u_a_cover.png', 'room_cover_2811_u_b_cover.png']


def test_a_missing_key_uses_the_url_path():
    assert file_names([{'url': 'https://bucket.example/x/y/shot.png?sig=1'}]) == ['shot.png']


def test_the_default_scene_is_not_named_undefined():
    # The documented example answer of POST /v5/rooms/{uuid}/screenshots without a path (Q-NL-08).
    example = {'url': 'https://white-cover.oss-cn-hangzhou.aliyuncs.com/room_cover/2811/a7e04c1d2b3a4f5e6d7c8b9a0f1e2d3cundefined.png',
               'key': 'room_cover/2811/a7e04c1d2b3a4f5e6d7c8b9a0f1e2d3cundefined.png'}
    assert file_names([example]) == ['a7e04c1d2b3a4f5e6d7c8b9a0f1e2d3c.png']


def test_a_scene_named_undefined_keeps_its_name():
    assert file_names([shot('room_cover/2811/u/lesson/undefined.png')]) == ['undefined.png']
    assert file_names([shot('room_cover/2811/u/lesson/notundefined.png')]) == ['notundefined.png']
