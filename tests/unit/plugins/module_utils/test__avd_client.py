# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest

from ansible_collections.rtcops.conference.plugins.module_utils import _avd_client as avd
from ansible_collections.rtcops.conference.plugins.module_utils import _http


class TestClassify:

    def test_ret_zero_is_success(self):
        avd.classify('/room/read', {'ret': 0, 'msg': 'success', 'data': {}})

    def test_ret_error_carries_call_code_and_vendor_message(self):
        with pytest.raises(avd.AvdApiError) as info:
            avd.classify('/room/update', {'ret': 40004, 'msg': 'no such room_id'})
        assert info.value.code == 40004
        assert info.value.call == '/room/update'
        assert '/room/update' in str(info.value) and '40004' in str(info.value) and 'no such room_id' in str(info.value)

    def test_code_200_envelope_is_success(self):
        # Q-AVD-01: /room/close answers {"code": 200, "msg": "success"}
        avd.classify('/room/close', {'code': 200, 'msg': 'success'})

    def test_code_envelope_error(self):
        with pytest.raises(avd.AvdApiError) as info:
            avd.classify('/room/close', {'code': 41005, 'msg': 'Internal server error:room not found or opened'})
        assert info.value.code == 41005

    def test_string_ret_is_read_as_number(self):
        with pytest.raises(avd.AvdApiError) as info:
            avd.classify('/sip/gate/read', {'ret': '40020', 'msg': 'no such sip_gate_id'})
        assert info.value.code == 40020

    def test_statistics_have_no_envelope(self):
        avd.classify('/room/get_statistic', {'meeting_total': 0, 'web_cnt': 0})

    def test_missing_envelope_elsewhere_is_an_error(self):
        with pytest.raises(avd.AvdTransportError):
            avd.classify('/room/read', {'data': {}})

    def test_token_failure_401_is_explained(self):
        # Q-AVD-43: the get_token example fails with 401 although the table says 40001
        with pytest.raises(avd.AvdApiError) as info:
            avd.classify('/app/get_token', {'ret': 401, 'msg': '授权错误!'})
        assert 'authentication failed' in str(info.value)


class TestPayload:

    def test_data_object(self):
        assert avd.api_payload({'ret': 0, 'msg': 'success', 'data': {'topic': 't'}}) == {'topic': 't'}

    def test_top_level_fields(self):
        assert avd.api_payload({'ret': 0, 'msg': 'success', 'id': 3, 'name': 'coco'}) == {'id': 3, 'name': 'coco'}


class TestEncoding:

    def test_booleans_are_lower_case_words(self):
        assert avd.encode_value(True) == 'true'
        assert avd.encode_value(False) == 'false'

    def test_json_documents_are_compact(self):
        assert avd.encode_value([{'user_id': '16', 'x': 0.5}]) == '[{"user_id":"16","x":0.5}]'

    def test_base64_token_survives_the_query_string(self):
        token = 'ab+c/d=='
        query = avd.encode_query({'token': token, 'room_id': '1'})
        assert '+' not in query.split('&', maxsplit=1)[0].split('=', 1)[1]
        assert dict(parse_qsl(query)) == {'token': token, 'room_id': '1'}

    def test_dollar_separated_licence_is_encoded(self):
        assert dict(parse_qsl(avd.encode_query({'licence_cert': 'aa$bb$cc'}))) == {'licence_cert': 'aa$bb$cc'}

    def test_none_values_are_left_out(self):
        assert avd.encode_query({'a': None, 'b': 1}) == 'b=1'


def test_transport_helpers_are_still_reachable_through_the_avd_client():
    assert avd.RetryPolicy is _http.RetryPolicy
    assert avd.MultipartFile is _http.MultipartFile
