# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """Connection options of the anyRTC cloud-recording RESTful API."""

    # Environment fallbacks are implemented in module_utils/_anyrtc_client.py (CONNECTION_SPEC).
    DOCUMENTATION = r'''
options:
  app_id:
    description:
      - The App ID of the project; it must be the App ID of the channel to record.
      - If not set, the value of the E(ANYRTC_APP_ID) environment variable is used.
    type: str
    required: true
  customer_id:
    description:
      - The Customer ID, the user name of the HTTP Basic authentication.
      - If not set, the value of the E(ANYRTC_CUSTOMER_ID) environment variable is used.
    type: str
    required: true
  customer_secret:
    description:
      - The Customer Certificate, the password of the HTTP Basic authentication.
      - The exact scheme is described by the vendor outside the API document; this collection sends a standard
        C(Authorization) header, V(Basic) and the Base64 of O(customer_id), a colon and O(customer_secret).
      - If not set, the value of the E(ANYRTC_CUSTOMER_SECRET) environment variable is used.
    type: str
    required: true
  api_url:
    description:
      - Base URL of the API, scheme and host.
      - The document's text names C(www.api.agrtc.cn) while all its examples call C(https://www.anyrtc.io); set the one
        your account uses.
      - If not set, the value of the E(ANYRTC_API_URL) environment variable is used.
    type: str
    default: https://www.api.agrtc.cn
  validate_certs:
    description:
      - Whether to verify TLS certificates, of the API and of the storage the files are downloaded from.
      - If not set, the value of the E(ANYRTC_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file of a certificate authority to trust instead of the system's.
      - If not set, the value of the E(ANYRTC_CA_PATH) environment variable is used.
    type: path
  client_cert:
    description:
      - PEM file of a TLS client certificate, for a server behind mutual TLS that asks the client to prove who it is.
      - It may hold the private key too; otherwise set O(client_key). An encrypted private key is not supported.
      - Both files are checked before any request; a file that is missing, unreadable, or not a certificate with its
        key fails the task naming the option. A server that refuses the connection for want of a client certificate
        fails the task naming O(client_cert).
      - If not set, the value of the E(ANYRTC_CLIENT_CERT) environment variable is used.
    type: path
  client_key:
    description:
      - PEM file of the private key of O(client_cert), when that file does not hold it.
      - If not set, the value of the E(ANYRTC_CLIENT_KEY) environment variable is used.
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
      - If not set, the value of the E(ANYRTC_TASK_TIMEOUT) environment variable is used.
    type: int
  cache_dir:
    description:
      - Directory where this machine keeps what it needs to resume a recording after a failure (C(records/)) and the
        moments of the App ID's last requests, which every task of the machine counts together to stay under the
        API's 10 requests per second (C(budgets/)). File names are hashes of the API URL and the App ID; no file
        holds a credential or the App ID.
      - Defaults to C(rtcops.conference) under E(XDG_CACHE_HOME), or C(~/.cache/rtcops.conference).
      - If not set, the value of the E(ANYRTC_CACHE_DIR) environment variable is used.
    type: path
notes:
  - The connection options can be set once for a play through the C(group/rtcops.conference.anyrtc) group of
    C(module_defaults).
  - The API allows 10 requests per second per App ID; the tasks of one machine never send more together (forks and
    parallel runs included, through O(cache_dir)), and a request is sent again, after a pause, when the server
    answers HTTP 429 or 5xx. Other machines using the same App ID are not counted.
'''
