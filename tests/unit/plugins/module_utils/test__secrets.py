# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import base64
import http.client
import json
from urllib.parse import quote, quote_plus, urlencode

import pytest

from ansible_collections.rtcops.conference.plugins.module_utils._secrets import (
    MASK, credential_problem, redact, tidy_credentials,
)

# What a vault's block scalar gives, with the characters URLs and JSON encode.
VAULTED = 'NETLESSSDK_YWs9+a/b%c&d=e\n'
STRIPPED = VAULTED.strip()


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


@pytest.mark.parametrize('shown', [
    VAULTED, STRIPPED, quote(VAULTED, safe=''), quote(STRIPPED, safe=''), quote(STRIPPED), quote_plus(STRIPPED),
    quote(STRIPPED, safe='').lower(), json.dumps(VAULTED), repr(VAULTED), repr(VAULTED.encode('utf-8')),
    urlencode({'token': STRIPPED}).partition('=')[2],
], ids=['as-given', 'stripped', 'quoted', 'quoted-stripped', 'quoted-path', 'quote-plus', 'lower-case-hex', 'json',
        'repr', 'bytes-repr', 'urlencode'])
def test_a_vaulted_secret_is_masked_in_every_shape_a_message_gives_it(shown):
    out = redact('call failed: <%s> end' % shown, [VAULTED])
    assert 'YWs9' not in out and MASK in out
    assert out.startswith('call failed: <') and out.endswith('> end')


def test_http_client_header_error_is_masked():
    # The exception that leaked the Netless token: a header value with a line break.
    connection = http.client.HTTPConnection('127.0.0.1', 9)
    connection.putrequest('POST', '/v5/rooms/x/screenshots')
    with pytest.raises(ValueError) as caught:
        connection.putheader('token', VAULTED + 'x')
    out = redact(str(caught.value), [VAULTED + 'x'])
    assert 'YWs9' not in out and MASK in out


def test_each_long_line_of_a_multi_line_secret_is_masked_on_its_own():
    key = '-----BEGIN KEY-----\nMIIBOgIBAAJBAKj34GkxFhD9\n-----END KEY-----\n'
    out = redact('line MIIBOgIBAAJBAKj34GkxFhD9 seen; short -- kept', [key])
    assert 'MIIBOgIBAAJBAKj34GkxFhD9' not in out and 'short -- kept' in out


def test_basic_authorization_is_masked_when_passed_as_a_secret():
    header = base64.b64encode(b'customer:' + STRIPPED.encode()).decode()
    assert header not in redact('Authorization: Basic %s' % header, [STRIPPED, header])


def test_short_secrets_are_masked_too():
    assert redact('pin 42 used', ['42']) == 'pin %s used' % MASK


def test_none_stays_none():
    assert redact(None) is None


@pytest.mark.parametrize('value, problem', [
    ('abc def', 'spaces or line breaks'),
    ('abc\ndef', 'spaces or line breaks'),
    ('abc\x00def', 'printable ASCII'),
    ('abcdéf', 'printable ASCII'),
])
def test_a_credential_that_cannot_be_sent_is_refused_naming_the_option_not_the_value(value, problem):
    message = credential_problem('client_token', value)
    assert message.startswith('client_token ') and problem in message
    assert 'abc' not in message


def test_an_ordinary_credential_passes():
    assert credential_problem('token', 'NETLESSSDK_YWs9+a/b%c&d=e') is None


class FakeModule:

    def __init__(self, **params):
        self.params = params
        self.no_log_values = set(value for value in params.values() if isinstance(value, str))
        self.failed = None

    def fail_json(self, msg):
        self.failed = msg
        raise SystemExit(1)


def test_credentials_are_stripped_and_their_stripped_forms_masked_by_ansible():
    module = FakeModule(token=VAULTED, secret_key=None, room='r1')
    tidy_credentials(module)
    assert module.params['token'] == STRIPPED
    assert set([STRIPPED, quote(STRIPPED, safe='')]) <= module.no_log_values
    assert module.params['room'] == 'r1' and module.params['secret_key'] is None


def test_a_credential_with_a_line_break_inside_fails_the_module():
    module = FakeModule(client_token='abcdef\nghijkl')
    with pytest.raises(SystemExit):
        tidy_credentials(module)
    assert 'client_token' in module.failed and 'abcdef' not in module.failed


def test_a_blank_credential_is_left_to_the_module():
    module = FakeModule(token=' \n')
    tidy_credentials(module)
    assert module.params['token'] == '' and module.failed is None
