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
  client_cert:
    description:
      - PEM file of a TLS client certificate, for a server behind mutual TLS that asks the client to prove who it is.
      - It may hold the private key too; otherwise set O(client_key). An encrypted private key is not supported.
      - Both files are checked before any request; a file that is missing, unreadable, or not a certificate with its
        key fails the task naming the option. A server that refuses the connection for want of a client certificate
        fails the task naming O(client_cert).
      - If not set, the value of the E(TOPVDN_CLIENT_CERT) environment variable is used.
    type: path
  client_key:
    description:
      - PEM file of the private key of O(client_cert), when that file does not hold it.
      - If not set, the value of the E(TOPVDN_CLIENT_KEY) environment variable is used.
    type: path
  timeout:
    description:
      - Seconds one HTTP call may take, from connecting to the last byte of the answer. An answer still incomplete
        then (a server sending a few bytes at a time) fails the call, naming it, and is not asked for again.
      - A file being downloaded or uploaded may take longer, but fails when no byte moves for O(timeout) seconds.
      - A call that did not get through (connection refused or reset, an answer lost, HTTP 408, 429, or 5xx where a
        repeat is harmless) is sent again after jittered pauses, and after the pause a C(Retry-After) header asks for,
        within 30 seconds in all.
      - What cannot heal fails at once, without another attempt, a host name that does not exist, a certificate that
        cannot be verified, a URL that cannot be sent, an answer over O(timeout), an answer read in memory larger than
        16 MiB, and HTTP 4xx other than 408 and 429 (413 among them, a request too large for the server).
    type: int
    default: 30
  task_timeout:
    description:
      - Seconds the whole task may take in HTTP calls, their retries and the module's waits together. When they are
        spent, the task fails naming the call in progress and O(task_timeout); no retry starts that would end later.
      - Not set, the task has no bound of its own. Each call is then bounded by O(timeout), its retries by 30 seconds,
        and a module's waiting by its own C(wait_timeout) where it has one.
      - With a module's C(wait_timeout), whichever ends first ends the task. A wait reaching O(task_timeout) ends at
        its next request, at most one poll interval later.
      - If not set, the value of the E(TOPVDN_TASK_TIMEOUT) environment variable is used.
    type: int
notes:
  - The connection options can be set once for a play through the C(group/rtcops.conference.topvdn) group of
    C(module_defaults).
'''
