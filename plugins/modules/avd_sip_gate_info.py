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
  - Returns every SIP gateway of the server, or those with a given name.
author:
  - rtcops developers (@rtcops)
options:
  name:
    description:
      - Return only the gateways with this name. The server allows several gateways to share a name, so the
        result is still a list.
    type: str
extends_documentation_fragment:
  - rtcops.conference.avd
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

- name: Show its id
  ansible.builtin.debug:
    msg: "{{ hq.sip_gates[0].gate_id }}"
  when: hq.sip_gates | length == 1
'''

RETURN = r'''
sip_gates:
  description: The gateways, in the order the server lists them.
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
from ansible_collections.rtcops.conference.plugins.module_utils._avd_sip import list_gates


def run(module):
    gates = list_gates(module.client)
    name = module.params['name']
    if name is not None:
        gates = [gate for gate in gates if gate['name'] == name]
    module.exit_json(changed=False, sip_gates=gates)


def main():
    module = AvdModule(argument_spec=dict(name=dict(type='str')), supports_check_mode=True)
    module.run(lambda: run(module))


if __name__ == '__main__':
    main()
