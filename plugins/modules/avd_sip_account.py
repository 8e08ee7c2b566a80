#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: avd_sip_account
short_description: Manage SIP accounts of an AVD conference server
version_added: 0.1.0
description:
  - Create, update and delete SIP accounts on the gateways of an AVD server.
  - An account is identified by its O(number), which the server keeps unique.
  - B(How accounts are found.) The API has no call that lists or searches accounts; it reads one only by its
    id, and answers error 40021 without the id when a number is taken. This module finds an account by, in order,
    O(account_id) when given; the cache of number and id this machine keeps under O(cache_dir); and otherwise by
    discovering the server's accounts (see O(discovery_gap)), once, caching every account found. Whatever it finds
    it reads back from the server before it trusts it (RV(verified)).
  - So a machine with an empty cache (a fresh CI runner, an AWX job, another operator's laptop) plans and applies
    the same result as the machine that created the account; the cache only saves reads.
  - A create whose answer is lost is settled by reading the ids above every known one, never by sending it again
    blindly, so it cannot create a duplicate.
  - To manage many accounts, use M(rtcops.conference.avd_environment), which discovers once for all of them and
    works on them concurrently.
  - The server returns the account password in clear text when it reads an account. The module compares it
    with O(password) and never returns it.
author:
  - rtcops developers (@rtcops)
options:
  number:
    description:
      - Number of the account (the SIP user name / extension); unique on the server.
    type: str
    required: true
  name:
    description:
      - Display name of the account. Required to create an account.
    type: str
  password:
    description:
      - Password of the account. Required to create an account.
      - See O(update_password) for when it is changed on an existing account.
    type: str
  sip_gate:
    description:
      - Name of the gateway the account belongs to. Required to create an account unless O(sip_gate_id) is given.
      - The gateway of an existing account cannot be changed by the API; a different gateway fails unless
        O(recreate=true).
    type: str
  sip_gate_id:
    description:
      - Id of the gateway the account belongs to, instead of O(sip_gate).
    type: int
  account_id:
    description:
      - Server id of the account, as returned by this module in RV(sip_account.account_id).
      - Pins the account, which is then read by this id, without the cache or a discovery.
      - When it is given, the account with this id is managed even if its number differs from O(number), so
        that an account can be renumbered.
    type: int
  update_password:
    description:
      - V(always) updates the password when it differs from O(password).
      - V(on_create) sets O(password) only when the account is created.
    type: str
    choices: [always, on_create]
    default: always
  recreate:
    description:
      - Delete and recreate the account when its gateway must change, which the API cannot update.
      - The recreated account gets a new RV(sip_account.account_id).
    type: bool
    default: false
  state:
    description:
      - V(present) creates or updates the account; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - rtcops.conference.avd
  - rtcops.conference.avd_discovery
  - ansible.builtin.action_common_attributes
  - rtcops.conference.attributes
attributes:
  check_mode:
    support: full
    details:
      - An account on a gateway that does not exist yet (because the same check run would only create it) is
        reported as an account that would be created.
  diff_mode:
    support: full
    details:
      - The password never appears in the diff; when it would change, the header of the after side says so.
seealso:
  - module: rtcops.conference.avd_sip_gate
'''

EXAMPLES = r'''
- name: Reception phone on the head-office gateway
  rtcops.conference.avd_sip_account:
    number: "8001"
    name: reception
    password: "{{ vault_reception_pw }}"
    sip_gate: hq-pbx
  register: reception

- name: The id the server gave it
  ansible.builtin.debug:
    msg: "account_id of 8001 is {{ reception.sip_account.account_id }}"

- name: Pin the id (no discovery needed), and change the name but not a password that may have been changed since
  rtcops.conference.avd_sip_account:
    number: "8001"
    account_id: 7
    name: reception desk
    password: "{{ vault_reception_pw }}"
    sip_gate: hq-pbx
    update_password: on_create

- name: Delete it
  rtcops.conference.avd_sip_account:
    number: "8001"
    account_id: 7
    sip_gate: hq-pbx
    state: absent
'''

RETURN = r'''
sip_account:
  description:
    - The account after the task, without its password; empty when it is absent.
    - In check mode, the predicted account.
  returned: always
  type: dict
  contains:
    account_id:
      description: Server id of the account; null for an account that would be created in check mode.
      type: int
      sample: 7
    number:
      description: Number of the account.
      type: str
      sample: "8001"
    name:
      description: Display name of the account.
      type: str
      sample: reception
    sip_gate_id:
      description: Id of the account's gateway; null in check mode when the gateway does not exist yet.
      type: int
      sample: 3
    phone_name:
      description: Name used for PSTN calls, as the server reports it (read-only).
      type: str
      returned: when read back from the server
      sample: reception
    codecs:
      description: Audio and video codecs the server reports for the account (read-only).
      type: dict
      returned: when read back from the server
      sample: {recv_audio: PCMU, send_audio: PCMU, recv_video: H264, send_video: H264}
verified:
  description:
    - Whether the account in RV(sip_account) was read back from the server in this run.
    - V(false) in check mode for an account that would be created, and after a deletion.
  returned: always
  type: bool
  sample: true
found_by:
  description:
    - How the account was found before the task; null when it did not exist.
    - V(account_id) (pinned), V(cache) (this machine's cache, read back) or V(discovery).
  returned: always
  type: str
  sample: cache
discovery:
  description:
    - What the discovery did, when this run needed one.
  returned: when a discovery ran
  type: dict
  contains:
    reads:
      description: Account reads the discovery made.
      type: int
    scanned_through:
      description: The highest id read.
      type: int
    highest_found:
      description: The highest id that holds an account; 0 when none was found.
      type: int
    stopped:
      description: V(gap) (O(discovery_gap) absent ids in a row) or V(limit) (O(discovery_limit) reached).
      type: str
  sample: {reads: 103, scanned_through: 103, highest_found: 3, stopped: gap, gap: 100, limit: 100000}
'''

from ansible_collections.rtcops.conference.plugins.module_utils._avd_accounts import (
    ACCOUNT_OPTIONS, DISCOVERY_SPEC, SipAccount, directory_for, discovery_problem,
)
from ansible_collections.rtcops.conference.plugins.module_utils._avd_module import AvdModule
from ansible_collections.rtcops.conference.plugins.module_utils._avd_sip import find_gate_by_name, list_gates
from ansible_collections.rtcops.conference.plugins.module_utils._ensure import ensure


def resolve_gate(module):
    """The gateway id the user asked for; None in check mode when the gateway does not exist yet."""
    params = module.params
    if params['sip_gate_id'] is not None or params['sip_gate'] is None:
        return params['sip_gate_id']
    gate = find_gate_by_name(list_gates(module.client), params['sip_gate'])
    if gate is not None:
        return gate['gate_id']
    if params['state'] == 'absent' or module.check_mode:
        return None
    module.fail_json(msg='no SIP gateway is named %s (sip_gate)' % params['sip_gate'])


def run(module):
    params = dict(module.params)
    problem = discovery_problem(params)
    if problem:
        module.fail_json(msg=problem)
    module.client.add_secret(params['password'])
    gate_id = resolve_gate(module)
    directory = directory_for(module, gate_hint=gate_id or 0)
    resource = SipAccount(module.client, directory, params['number'], account_id=params['account_id'],
                          update_password=params['update_password'],
                          gate_pending=gate_id is None and params['sip_gate'] is not None)
    params['sip_gate_id'] = gate_id
    try:
        changed, before, after, diff = ensure(resource, params, params['state'], module.check_mode, recreate=params['recreate'])
    finally:
        # Also in check mode: the cache holds only what was read from the server, never a prediction.
        directory.save(replace=directory.discovery is not None)
    if after is not None:
        after.setdefault('sip_gate_id', gate_id)
    result = dict(changed=changed, sip_account=after or {}, verified=resource.verified and after is not None, diff=diff,
                  found_by=None)
    if before is not None:
        result['found_by'] = 'account_id' if params['account_id'] is not None else (
            'discovery' if directory.discovery is not None else 'cache')
    if directory.discovery is not None:
        result['discovery'] = directory.discovery
    if not params['discovery_gap'] and before is None and params['account_id'] is None:
        module.warn('SIP account %s: discovery is off (discovery_gap=0) and this machine has no record of the number, '
                    'so whether it exists on the server was not checked.' % params['number'])
    module.exit_json(**result)


def main():
    argument_spec = dict(ACCOUNT_OPTIONS)
    argument_spec.update(DISCOVERY_SPEC)
    module = AvdModule(
        argument_spec=argument_spec,
        mutually_exclusive=[('sip_gate', 'sip_gate_id')],
        supports_check_mode=True,
        not_blank=('number', 'name', 'password', 'sip_gate'),
    )
    module.run(lambda: run(module))


if __name__ == '__main__':
    main()
