# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """Connection options of the Topvdn (Lingyang cloud) device API."""

    # Environment fallbacks are implemented in module_utils/_topvdn_module.py (CONNECTION_SPEC).
    DOCUMENTATION = r'''
options:
  client_id:
    description:
      - Id of the device (client) whose snapshot is read or written.
    type: int
    required: true
  client_token:
    description:
      - The device's own token; the API authorises each call with the token of the device it is about.
      - If not set, the value of the E(TOPVDN_CLIENT_TOKEN) environment variable is used.
    type: str
    required: true
  api_url:
    description:
      - Base URL of the Topvdn API. The documents use V(http://api.topvdn.com), in plain HTTP.
      - If not set, the value of the E(TOPVDN_API_URL) environment variable is used.
    type: str
    default: http://api.topvdn.com
  validate_certs:
    description:
      - Whether to verify the server's TLS certificate when O(api_url) is an https URL.
      - If not set, the value of the E(TOPVDN_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file of the certificate authority that signed the server's certificate.
      - If not set, the value of the E(TOPVDN_CA_PATH) environment variable is used.
    type: path
  timeout:
    description:
      - Seconds to wait for each HTTP answer.
      - A request the server answers with HTTP 429 is sent again after the pause its C(Retry-After) header asks for,
        within 30 seconds in all.
    type: int
    default: 30
notes:
  - The connection options can be set once for a play through the C(group/rtcops.conference.topvdn) group of
    C(module_defaults).
'''
