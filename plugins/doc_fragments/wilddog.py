# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """Connection options of the Wilddog cloud snapshot API."""

    # Environment fallbacks are implemented in module_utils/_wilddog_client.py (CONNECTION_SPEC).
    DOCUMENTATION = r'''
options:
  app_id:
    description:
      - The VideoAppID of the audio/video application.
      - If not set, the value of the E(WILDDOG_APP_ID) environment variable is used.
    type: str
    required: true
  token:
    description:
      - The Wilddog C(adminToken); only administrators may take snapshots.
      - If not set, the value of the E(WILDDOG_TOKEN) environment variable is used.
    type: str
    required: true
  api_url:
    description:
      - Base URL of the API.
      - If not set, the value of the E(WILDDOG_API_URL) environment variable is used.
    type: str
    default: https://bt-sh-api.wilddog.com
  validate_certs:
    description:
      - Whether to verify TLS certificates, of the API and of the download server.
      - If not set, the value of the E(WILDDOG_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file of a certificate authority to trust instead of the system's.
      - If not set, the value of the E(WILDDOG_CA_PATH) environment variable is used.
    type: path
  timeout:
    description:
      - Seconds to wait for each HTTP answer.
      - A request the server answers with HTTP 429 is sent again after the pause its C(Retry-After) header asks for,
        within 30 seconds in all.
    type: int
    default: 30
notes:
  - The connection options can be set once for a play through the C(group/rtcops.conference.wilddog) group of
    C(module_defaults).
'''
