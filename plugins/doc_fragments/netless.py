# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """Connection options of the Netless (Agora interactive whiteboard) RESTful API."""

    # Environment fallbacks are implemented in module_utils/_netless_client.py (CONNECTION_SPEC).
    DOCUMENTATION = r'''
options:
  token:
    description:
      - An SDK token or a room token with the C(write) or C(admin) permission, sent in the C(token) header.
      - If not set, the value of the E(NETLESS_TOKEN) environment variable is used.
    type: str
    required: true
  region:
    description:
      - Data centre that handles the request (the C(region) header) - V(cn-hz) (Hangzhou; East and South-East
        Asia and everything not served elsewhere) or V(us-sv) (Silicon Valley; the Americas).
      - Not the storage region of the screenshots, which the results give as C(storage_region).
      - If not set, the value of the E(NETLESS_REGION) environment variable is used.
    type: str
    choices: [cn-hz, us-sv]
    default: cn-hz
  api_url:
    description:
      - Base URL of the API.
      - If not set, the value of the E(NETLESS_API_URL) environment variable is used.
    type: str
    default: https://api.netless.link
  validate_certs:
    description:
      - Whether to verify TLS certificates, of the API and of the storage the screenshots are downloaded from.
      - If not set, the value of the E(NETLESS_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file of a certificate authority to trust instead of the system's.
      - If not set, the value of the E(NETLESS_CA_PATH) environment variable is used.
    type: path
  timeout:
    description:
      - Seconds to wait for each HTTP answer.
      - A request the server answers with HTTP 429 is sent again after the pause its C(Retry-After) header asks for,
        within 30 seconds in all.
    type: int
    default: 30
notes:
  - The connection options can be set once for a play through the C(group/rtcops.conference.netless) group of
    C(module_defaults).
'''
