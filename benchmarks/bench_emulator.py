#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Measures the emulator's speed over keep-alive: 200 API calls on one connection, and the connections they opened.

The tests assert only the count (one connection for all the calls, emulator/tests/test_emulator_core.py); how long
the calls take depends on the machine and its load, so it is printed here. A reply stalled by Nagle's algorithm
(about 40 ms) would show as some 8 s instead of well under one.

Run it with ``python3 tools/dev.py bench``. It prints numbers; it is not a test.
"""

from __future__ import annotations

import http.client
import json
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / 'emulator'))

from rtcops_emulator import Emulator  # noqa: E402  pylint: disable=wrong-import-position

CALLS = 200


def main() -> int:
    with Emulator() as emulator:
        address = urlsplit(emulator.url)
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
        connection.request('GET', '/sdkapi/v2/app/get_token?access_key=demo_access&secret_key=demo_secret')
        token = json.loads(connection.getresponse().read())['token']
        before = emulator.connections_accepted()
        started = time.perf_counter()
        for dummy in range(CALLS):
            connection.request('GET', '/sdkapi/v2/app/get_licence_info?token=%s' % quote(token, safe=''))
            connection.getresponse().read()
        seconds = time.perf_counter() - started
        connection.close()
        print('emulator keep-alive: %d calls in %.3f s (%.2f ms per call), %d new connection(s)'
              % (CALLS, seconds, seconds * 1000 / CALLS, emulator.connections_accepted() - before))
    return 0


if __name__ == '__main__':
    sys.exit(main())
