# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible_collections.rtcops.conference.plugins.module_utils._secrets import redact


def test_query_string_credentials_are_masked():
    text = ("HTTPSConnectionPool(host='avd', port=9610): Max retries exceeded with url: "
            "/sdkapi/v2/sip/account/create?name=a&password=p4ss&token=YWJj%2Bd%3D%3D&number=1")
    out = redact(text)
    assert 'p4ss' not in out and 'YWJj' not in out
    assert 'name=a' in out and 'number=1' in out


def test_get_token_url_is_masked():
    out = redact('/sdkapi/v2/app/get_token?access_key=demo&secret_key=s3cr3t')
    assert 's3cr3t' not in out and 'access_key=demo' in out


def test_known_values_are_masked_in_every_encoding():
    secret = 'ab+c/d=='
    text = 'raw ab+c/d== plus ab%2Bc%2Fd%3D%3D form ab%2Bc%2Fd%3D%3D'
    assert secret not in redact(text, [secret]) and '%2B' not in redact(text, [secret])


def test_none_stays_none():
    assert redact(None) is None
