#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: avd_sip_gate
short_description: Manage SIP gateways of an AVD conference server
version_added: 0.1.0
description:
  - Create, update and delete SIP gateways through the AVD C(sdkapi/v2) API.
  - A gateway is identified by its O(name). The server itself allows two gateways with the same name; this
    module then fails rather than guess which one is meant.
  - The server requires gateway addresses (O(url)) to be unique.
author:
  - rtcops developers (@rtcops)
options:
  name:
    description:
      - Name of the gateway; identifies it.
    type: str
    required: true
  url:
    description:
      - Address of the gateway, usually C(host:port), for example V(10.20.0.5:5060).
      - Required to create a gateway. When omitted for an existing gateway, its address is left as it is.
    type: str
  state:
    description:
      - V(present) creates the gateway or updates its address; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - rtcops.conference.avd
  - ansible.builtin.action_common_attributes
  - rtcops.conference.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
notes:
  - Deleting a gateway does not delete the SIP accounts created on it; the API documents nothing about them.
seealso:
  - module: rtcops.conference.avd_sip_gate_info
  - module: rtcops.conference.avd_sip_account
'''

EXAMPLES = r'''
- name: Make sure the head-office PBX gateway exists
  rtcops.conference.avd_sip_gate:
    server_url: https://avd.example.com:9610
    access_key: "{{ vault_avd_access_key }}"
    secret_key: "{{ vault_avd_secret_key }}"
    name: hq-pbx
    url: 10.20.0.5:5060

# With the connection set once for the play:
#   module_defaults:
#     group/rtcops.conference.avd:
#       server_url: https://avd.example.com:9610
#       access_key: "{{ vault_avd_access_key }}"
#       secret_key: "{{ vault_avd_secret_key }}"
- name: Gateways from variables
  rtcops.conference.avd_sip_gate:
    name: "{{ item.name }}"
    url: "{{ item.url }}"
  loop: "{{ sip_gates }}"

- name: Remove an old gateway
  rtcops.conference.avd_sip_gate:
    name: legacy-pbx
    state: absent
'''

RETURN = r'''
sip_gate:
  description: The gateway after the task; empty when it is absent. In check mode, the predicted gateway.
  returned: always
  type: dict
  contains:
    gate_id:
      description: Server id of the gateway; null in check mode for a gateway that would be created.
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
from ansible_collections.rtcops.conference.plugins.module_utils._avd_sip import SipGate
from ansible_collections.rtcops.conference.plugins.module_utils._ensure import ensure


def run(module):
    params = module.params
    changed, dummy, after, diff = ensure(SipGate(module.client, params['name']), params, params['state'], module.check_mode)
    if after is not None and 'gate_id' not in after:
        after['gate_id'] = None
    module.exit_json(changed=changed, sip_gate=after or {}, diff=diff)


def main():
    module = AvdModule(
        argument_spec=dict(
            name=dict(type='str', required=True),
            url=dict(type='str'),
            state=dict(type='str', default='present', choices=['present', 'absent']),
        ),
        supports_check_mode=True,
        not_blank=('name', 'url'),
    )
    module.run(lambda: run(module))


if __name__ == '__main__':
    main()
