# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Normalising the answers of /room/get_statistic and /room/get_chat_message_log (avd.md 3.6, 3.8)."""

from __future__ import annotations

from ansible_collections.rtcops.conference.plugins.module_utils._avd_meeting import (
    find_participant, normalize_chat, normalize_statistics,
)


def test_statistics_read_the_table_spelling_of_android():
    # Q-AVD-08: the table spells it andronid_cnt, the example android_cnt.
    assert normalize_statistics({'andronid_cnt': 4, 'web_cnt': 1}) == {'android_cnt': 4, 'web_cnt': 1}
    assert normalize_statistics({'android_cnt': 2, 'andronid_cnt': 9}) == {'android_cnt': 2}


def test_statistics_counters_given_as_strings_become_integers():
    assert normalize_statistics({'meeting_total': '3', 'time_total': '5400', 'user_cnt': 'n/a'}) == {
        'meeting_total': 3, 'time_total': 5400, 'user_cnt': 'n/a'}


def test_statistics_of_the_documented_example():
    example = {'meeting_total': 0, 'ios_cnt': 0, 'pc_cnt': 0, 'user_cnt': 0, 'other_cnt': 0, 'android_cnt': 0,
               'time_total': 0, 'box_cnt': 0, 'web_cnt': 0}
    assert normalize_statistics(example) == example


def test_chat_of_the_documented_example():
    sessions = [{'session_id': '1600391149', 'messages': [{
        'fromId': '9', 'id': 126, 'status': 0, 'message': '123456', 'timestamp': 1600391155, 'room_id': '70000000000',
        'session_type': 0, 'message_type': 0, 'fromName': 'Chengdu', 'dst_name': '', 'dst': '70000000000'}]}]
    assert normalize_chat(sessions) == [{
        'session_id': 1600391149, 'id': 126, 'from_id': '9', 'from_name': 'Chengdu', 'message': '123456',
        'timestamp': 1600391155, 'room_id': '70000000000', 'session_type': 0, 'message_type': 0, 'dst': '70000000000',
        'dst_name': '', 'status': 0, 'private': False}]


def test_chat_is_flat_and_in_time_order_across_sessions():
    sessions = [
        {'session_id': '20', 'messages': [{'fromId': 'a', 'message': 'late', 'timestamp': '300'}]},
        {'session_id': '10', 'messages': [{'fromId': 'b', 'message': 'early', 'timestamp': 100, 'session_type': 1},
                                          {'fromId': 'c', 'message': 'untimed'}]},
    ]
    found = normalize_chat(sessions)
    assert [message['message'] for message in found] == ['early', 'late', 'untimed']
    assert [message['session_id'] for message in found] == [10, 20, 10]
    assert [message['private'] for message in found] == [True, False, False]


def test_chat_accepts_a_single_session_object_and_nothing():
    # Q-AVD-06: an object where a list is expected.
    assert [m['message'] for m in normalize_chat({'session_id': '1', 'messages': {'fromId': 'a', 'message': 'x'}})] == ['x']
    assert normalize_chat(None) == []
    assert normalize_chat([{'session_id': '1'}]) == []


def test_participants_are_found_by_user_id_as_text():
    people = [{'user_id': '16', 'user_name': 'Alice'}, {'user_id': 17, 'user_name': 'Bob'}]
    assert find_participant(people, '17')['user_name'] == 'Bob'
    assert find_participant(people, '18') is None
