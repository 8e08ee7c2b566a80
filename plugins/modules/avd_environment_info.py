#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: avd_environment_info
short_description: Export an AVD server's environment in the shape of M(rtcops.conference.avd_environment)'s options
version_added: 0.1.0
description:
  - Reads the SIP gateways, SIP accounts and rooms of an AVD server and returns them as RV(environment), in the shape
    the module M(rtcops.conference.avd_environment) and the role P(rtcops.conference.avd_environment#role) take, so
    that a running server can be adopted into git. Applied back unchanged (with the passwords filled in), it changes
    nothing.
  - B(Gateways) are listed by the server. B(SIP accounts) are found by a discovery of account ids (see
    O(discovery_gap)), and exported with their C(account_id), which pins them.
  - B(Passwords are not exported.) The server returns them in clear, but writing them into a variables file would put
    them in git. Each account's C(password) is a placeholder instead, a Jinja expression that reads it from a
    dictionary variable (O(password_variable), by account number) that you keep in an Ansible Vault file. RV(passwords)
    lists the numbers that need one.
  - B(Rooms cannot be listed) by the API. The rooms exported are the ones this machine's cache knows (it records the
    rooms the collection creates or sees, under O(cache_dir)), those with a meeting in progress, and those named in
    O(room_ids). A room nobody told this machine about is missed; name it in O(room_ids).
  - B(File permits and uploaded files cannot be listed or read back) by the API and are not exported.
author:
  - rtcops developers (@rtcops)
options:
  password_variable:
    description:
      - Name of the dictionary variable, number to password, that the placeholders read the passwords from.
    type: str
    default: vault_sip_passwords
  room_ids:
    description:
      - Rooms to export besides those the cache knows and those in session, by id. A room that does not exist is
        skipped (and listed in RV(missing_rooms)).
    type: list
    elements: str
    default: []
extends_documentation_fragment:
  - rtcops.conference.avd
  - rtcops.conference.avd_discovery
  - ansible.builtin.action_common_attributes
  - rtcops.conference.attributes.info_module
notes:
  - The discovery this module runs is cached like any other, so the next M(rtcops.conference.avd_environment) run on
    this machine reads each account once.
seealso:
  - module: rtcops.conference.avd_environment
'''

EXAMPLES = r'''
- name: Export the server's environment
  rtcops.conference.avd_environment_info:
    server_url: https://avd.example.com:9610
    room_ids: ["20250000001", "20250000002"]
  register: exported

- name: Write it as the role's variables (the passwords go into a vault file by hand)
  ansible.builtin.copy:
    content: "{{ {'avd_environment': exported.environment} | to_nice_yaml(indent=2) }}"
    dest: inventories/prod/group_vars/avd/environment.yml
    mode: "0644"
  delegate_to: localhost
'''

RETURN = r'''
environment:
  description:
    - The environment, as M(rtcops.conference.avd_environment) takes it. Sorted by key, so exports diff cleanly.
  returned: always
  type: dict
  contains:
    sip_gates:
      description: Every gateway, with O(rtcops.conference.avd_environment#module:sip_gates[].name) and C(url).
      type: list
      elements: dict
    sip_accounts:
      description:
        - Every account discovery found, with C(number), C(name), C(sip_gate) (its gateway's name, or C(sip_gate_id)
          when the gateway is gone or its name is shared), C(account_id) and a C(password) placeholder.
      type: list
      elements: dict
    rooms:
      description: The rooms known (see the description), with every setting the API reads back.
      type: list
      elements: dict
  sample:
    sip_gates: [{name: hq-pbx, url: "10.20.0.5:5060"}]
    sip_accounts:
      - {number: "8001", name: reception, sip_gate: hq-pbx, account_id: 1, password: "{{ vault_sip_passwords['8001'] }}"}
    rooms:
      - {room_id: "20250000001", topic: Weekly all-hands, user_id: "16", enable_auto_cloud_recording: true,
         enable_voice_activated: false, enable_auto_avc: false}
passwords:
  description: The account numbers whose password the placeholders expect in O(password_variable).
  returned: always
  type: list
  elements: str
  sample: ["8001", "8002"]
missing_rooms:
  description: Ids of O(room_ids) and of rooms in this machine's cache that the server does not have.
  returned: always
  type: list
  elements: str
  sample: []
discovery:
  description: What the discovery of SIP accounts did.
  returned: always
  type: dict
  sample: {reads: 103, scanned_through: 103, highest_found: 3, stopped: gap, gap: 100, limit: 100000}
'''

import re

from ansible_collections.rtcops.conference.plugins.module_utils._avd_accounts import (
    DISCOVERY_SPEC, AccountDirectory, discovery_problem,
)
from ansible_collections.rtcops.conference.plugins.module_utils._avd_module import AvdModule
from ansible_collections.rtcops.conference.plugins.module_utils._avd_room import (
    LEDGER_KIND as ROOMS_KIND, READABLE_SETTINGS, meetings_in_progress, read_room,
)
from ansible_collections.rtcops.conference.plugins.module_utils._avd_sip import list_gates
from ansible_collections.rtcops.conference.plugins.module_utils._ledger import Ledger
from ansible_collections.rtcops.conference.plugins.module_utils._parallel import run_each

VARIABLE_NAME = re.compile(r'^[A-Za-z_][A-Za-z0-9_]*$')


def export_accounts(directory, gates, password_variable):
    names = {}
    for gate in gates:
        names.setdefault(gate['name'], []).append(gate['gate_id'])
    by_id = dict((gate['gate_id'], gate['name']) for gate in gates)
    accounts = []
    for number, account in sorted(directory.discover().items()):
        entry = {'number': number, 'name': account['name'], 'account_id': account['account_id'],
                 'password': "{{ %s['%s'] }}" % (password_variable, number.replace("'", "\\'"))}
        gate_name = by_id.get(account['sip_gate_id'])
        if gate_name is not None and len(names[gate_name]) == 1:
            entry['sip_gate'] = gate_name
        else:
            entry['sip_gate_id'] = account['sip_gate_id']
        accounts.append(entry)
    return accounts


def export_rooms(module, ledger):
    known = set(ledger.entries(ROOMS_KIND))
    known.update(str(meeting.get('room_id')) for meeting in meetings_in_progress(module.client))
    known.update(module.params['room_ids'])
    rooms, missing = [], []
    for outcome in run_each(lambda room_id: read_room(module.client, room_id), sorted(known), module.params['concurrency']):
        if outcome.error is not None:
            raise outcome.error
        if outcome.value is None:
            missing.append(outcome.item)
        else:
            rooms.append(dict((key, outcome.value[key]) for key in ('room_id',) + READABLE_SETTINGS if key in outcome.value))
    return rooms, missing


def run(module):
    params = module.params
    problem = discovery_problem(params)
    if problem:
        module.fail_json(msg=problem)
    if not VARIABLE_NAME.match(params['password_variable']):
        module.fail_json(msg='password_variable must be a variable name, got %s' % params['password_variable'])
    ledger = Ledger(params['server_url'], params['cache_dir'])
    gates = list_gates(module.client)
    directory = AccountDirectory(module.client, ledger, gap=params['discovery_gap'] or 1, limit=params['discovery_limit'],
                                 workers=params['concurrency'], gate_hint=gates[0]['gate_id'] if gates else 0)
    accounts = export_accounts(directory, gates, params['password_variable'])
    directory.save(replace=True)
    rooms, missing = export_rooms(module, ledger)
    environment = {
        'sip_gates': [{'name': gate['name'], 'url': gate['url']} for gate in sorted(gates, key=lambda g: (g['name'], g['gate_id']))],
        'sip_accounts': accounts,
        'rooms': rooms,
    }
    module.exit_json(changed=False, environment=environment, passwords=[a['number'] for a in accounts],
                     missing_rooms=missing, discovery=directory.discovery)


def main():
    argument_spec = dict(
        password_variable=dict(type='str', default='vault_sip_passwords', no_log=False),
        room_ids=dict(type='list', elements='str', default=[]),
    )
    argument_spec.update(DISCOVERY_SPEC)
    module = AvdModule(argument_spec=argument_spec, supports_check_mode=True)
    module.run(lambda: run(module))


if __name__ == '__main__':
    main()
