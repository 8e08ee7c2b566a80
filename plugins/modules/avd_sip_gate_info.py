#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: avd_sip_gate_info
short_description: List the SIP gateways of an AVD conference server
version_added: 0.1.0
description:
  - Returns every SIP gateway of the server, those with a given name, or the one with a given id.
  - With O(gate_id) the gateway is read alone with C(/sip/gate/read); otherwise the server's list
    (C(/sip/gate/list)) is read and filtered here.
author:
  - rtcops developers (@rtcops)
options:
  name:
    description:
      - Return only the gateways with this name. The server allows several gateways to share a name, so the
        result is still a list.
      - Mutually exclusive with O(gate_id).
    type: str
  gate_id:
    description:
      - Return only the gateway with this server id, read with C(/sip/gate/read).
      - An id the server does not know (vendor code 40020) gives an empty list, not a failure.
      - Must be a positive integer. Mutually exclusive with O(name).
    type: int
extends_documentation_fragment:
  - rtcops.conference.avd
  - ansible.builtin.action_common_attributes
  - rtcops.conference.attributes.info_module
seealso:
  - module: rtcops.conference.avd_sip_gate
'''

EXAMPLES = r'''
- name: All gateways
  rtcops.conference.avd_sip_gate_info:
  register: gates

- name: The head-office gateway
  rtcops.conference.avd_sip_gate_info:
    name: hq-pbx
  register: hq

- name: The gateway with id 3, read alone
  rtcops.conference.avd_sip_gate_info:
    gate_id: 3
  register: gate3

- name: Show its id
  ansible.builtin.debug:
    msg: "{{ hq.sip_gates[0].gate_id }}"
  when: hq.sip_gates | length == 1
'''

RETURN = r'''
sip_gates:
  description:
    - The gateways, in the order the server lists them.
    - With O(gate_id), a list of one gateway, or an empty list when the server has no gateway with that id.
  returned: always
  type: list
  elements: dict
  contains:
    gate_id:
      description: Server id of the gateway.
      type: int
      sample: 3
    name:
      description: Name of the gateway.
      type: str
      sample: hq-pbx
    url:
      description: Address of the gateway.
      type: str
      sample: 10.20.0.5:5060
'''

from ansible_collections.rtcops.conference.plugins.module_utils._avd_module import AvdModule
from ansible_collections.rtcops.conference.plugins.module_utils._avd_client import AvdApiError
from ansible_collections.rtcops.conference.plugins.module_utils._avd_sip import GATE_ABSENT_CODE, list_gates, normalize_gate


def read_gate(client, gate_id):
    try:
        body = client.call('/sip/gate/read', {'sip_gate_id': gate_id})
    except AvdApiError as exc:
        if exc.code != GATE_ABSENT_CODE:
            raise
        return []
    return [normalize_gate(body)]


def run(module):
    gate_id = module.params['gate_id']
    if gate_id is not None:
        module.exit_json(changed=False, sip_gates=read_gate(module.client, gate_id))
    gates = list_gates(module.client)
    name = module.params['name']
    if name is not None:
        gates = [gate for gate in gates if gate['name'] == name]
    module.exit_json(changed=False, sip_gates=gates)


def main():
    module = AvdModule(argument_spec=dict(name=dict(type='str'), gate_id=dict(type='int')),
                       mutually_exclusive=[('name', 'gate_id')], supports_check_mode=True)
    if module.params['gate_id'] is not None and module.params['gate_id'] <= 0:
        module.fail_json(msg='gate_id must be a positive integer, got %d' % module.params['gate_id'])
    module.run(lambda: run(module))


if __name__ == '__main__':
    main()
