# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """Connection options of the AVD conference server API (``<server>/sdkapi/v2``)."""

    # Modules: environment fallbacks are implemented in module_utils/_avd_module.py (CONNECTION_SPEC).
    DOCUMENTATION = r'''
options:
  server_url:
    description:
      - Base URL of the AVD server, the part before C(/sdkapi/v2), for example V(https://avd.example.com:9610).
      - If not set, the value of the E(AVD_SERVER_URL) environment variable is used.
    type: str
    required: true
  access_key:
    description:
      - Access key used with O(secret_key) to obtain a token from C(/app/get_token).
      - Not needed when O(token) is set.
      - If not set, the value of the E(AVD_ACCESS_KEY) environment variable is used.
    type: str
  secret_key:
    description:
      - Secret key that goes with O(access_key).
      - If not set, the value of the E(AVD_SECRET_KEY) environment variable is used.
    type: str
  token:
    description:
      - A token obtained beforehand, for example with the P(rtcops.conference.avd_token#lookup) lookup.
      - Takes precedence over O(access_key) and O(secret_key). A fixed token cannot be renewed when it expires.
      - If not set, the value of the E(AVD_TOKEN) environment variable is used.
    type: str
  validate_certs:
    description:
      - Whether to verify the server's TLS certificate.
      - Set to V(false) only for a server with a self-signed certificate on a trusted network; prefer O(ca_path).
      - If not set, the value of the E(AVD_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file of the certificate authority that signed the server's certificate.
      - If not set, the value of the E(AVD_CA_PATH) environment variable is used.
    type: path
  client_cert:
    description:
      - PEM file of a TLS client certificate, for a server behind mutual TLS that asks the client to prove who it is.
      - It may hold the private key too; otherwise set O(client_key). An encrypted private key is not supported.
      - Both files are checked before any request; a file that is missing, unreadable, or not a certificate with its
        key fails the task naming the option. A server that refuses the connection for want of a client certificate
        fails the task naming O(client_cert).
      - If not set, the value of the E(AVD_CLIENT_CERT) environment variable is used.
    type: path
  client_key:
    description:
      - PEM file of the private key of O(client_cert), when that file does not hold it.
      - If not set, the value of the E(AVD_CLIENT_KEY) environment variable is used.
    type: path
  timeout:
    description:
      - Seconds one HTTP call may take, from connecting to the last byte of the answer. An answer still incomplete
        then (a server sending a few bytes at a time) fails the call, naming it, and is not asked for again.
      - A file being downloaded or uploaded may take longer, but fails when no byte moves for O(timeout) seconds.
      - Calls that did not get through (connection refused or reset, an answer lost, HTTP 408 or 5xx, the server's
        transient error codes) are retried with jittered backoff for at most 60 seconds in all. An HTTP 429 (a rate
        limiter in front of the server) is retried too, after the pause its C(Retry-After) header asks for; a pause
        that would end after those 60 seconds fails the task at once, saying so. A write whose answer is lost is
        never repeated blindly; the module reads back first, so a retry cannot create a duplicate.
      - What cannot heal fails at once, without another attempt, a host name that does not exist, a certificate that
        cannot be verified, a URL that cannot be sent, an API call redirected elsewhere, an answer over O(timeout),
        an answer larger than 16 MiB, and HTTP 4xx other than 408 and 429 (413 among them, an upload too large for
        the server).
      - If not set, the value of the E(AVD_TIMEOUT) environment variable is used.
    type: int
    default: 30
  task_timeout:
    description:
      - Seconds the whole task may take in HTTP calls, their retries and the module's waits together. When they are
        spent, the task fails naming the call in progress and O(task_timeout); no retry starts that would end later.
      - Not set, the task has no bound of its own. Each call is then bounded by O(timeout), its retries by 60 seconds,
        and a module's waiting by its own C(wait_timeout) where it has one.
      - With a module's C(wait_timeout), whichever ends first ends the task. A wait reaching O(task_timeout) ends at
        its next request, at most one poll interval later.
      - If not set, the value of the E(AVD_TASK_TIMEOUT) environment variable is used.
    type: int
  token_cache:
    description:
      - Keep the token obtained with O(access_key) and O(secret_key) in a file readable only by its owner, so
        that the tasks of a play share one token instead of each asking for its own.
      - The file name is a hash of the server URL and the credentials; the file holds the token in clear text
        until the server rejects it (error 40003), when it is replaced. Set to V(false) where the token must
        not be written to disk.
      - If not set, the value of the E(AVD_TOKEN_CACHE) environment variable is used.
    type: bool
    default: true
  cache_dir:
    description:
      - Directory of the token cache and of the records kept for objects the API cannot list.
      - Defaults to C(rtcops.conference) under E(XDG_CACHE_HOME), or C(~/.cache/rtcops.conference).
      - If not set, the value of the E(AVD_CACHE_DIR) environment variable is used.
    type: path
notes:
  - The connection options can be set once for a play through the C(group/rtcops.conference.avd) group of
    C(module_defaults).
'''

    # Lookup and action plugins read the same settings through Ansible's configuration system.
    PLUGINS = r'''
options:
  server_url:
    description: Base URL of the AVD server, the part before C(/sdkapi/v2).
    type: str
    required: true
    env:
      - name: AVD_SERVER_URL
  access_key:
    description: Access key used with O(secret_key) to obtain a token.
    type: str
    env:
      - name: AVD_ACCESS_KEY
  secret_key:
    description: Secret key that goes with O(access_key).
    type: str
    env:
      - name: AVD_SECRET_KEY
  token:
    description: A token obtained beforehand; takes precedence over O(access_key) and O(secret_key).
    type: str
    env:
      - name: AVD_TOKEN
  validate_certs:
    description: Whether to verify the server's TLS certificate.
    type: bool
    default: true
    env:
      - name: AVD_VALIDATE_CERTS
  ca_path:
    description: PEM file of the certificate authority that signed the server's certificate.
    type: path
    env:
      - name: AVD_CA_PATH
  client_cert:
    description: PEM file of a TLS client certificate (and its key, unless O(client_key) is set) for a server behind mutual TLS.
    type: path
    env:
      - name: AVD_CLIENT_CERT
  client_key:
    description: PEM file of the private key of O(client_cert), when that file does not hold it.
    type: path
    env:
      - name: AVD_CLIENT_KEY
  timeout:
    description: Seconds one HTTP call may take, from connecting to the last byte of the answer.
    type: int
    default: 30
    env:
      - name: AVD_TIMEOUT
  task_timeout:
    description: Seconds all the calls of the plugin and their retries may take together; not set, no bound of its own.
    type: int
    env:
      - name: AVD_TASK_TIMEOUT
  token_cache:
    description: Keep the token in a cache file readable only by its owner (see the modules' documentation).
    type: bool
    default: true
    env:
      - name: AVD_TOKEN_CACHE
  cache_dir:
    description: Directory of the token cache.
    type: path
    env:
      - name: AVD_CACHE_DIR
'''
