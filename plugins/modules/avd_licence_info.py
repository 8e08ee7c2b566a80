#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: avd_licence_info
short_description: Read the licence, system information and online users of an AVD conference server
version_added: 0.1.0
description:
  - Returns the server's current licence (online users and the licensed maximum) from C(/app/get_licence_info).
  - Returns the server's encrypted system information from C(/app/get_system_info), the value a licence server
    asks for when it issues a file licence certificate (see M(rtcops.conference.avd_file_permit)).
  - Returns the online users of one or more access keys, by terminal type, from C(/app/get_key_licence).
  - Each of these is one API call; O(gather) chooses which are made.
author:
  - rtcops developers (@rtcops)
options:
  gather:
    description:
      - What to read. Keys of the result that are not gathered are left out.
    type: list
    elements: str
    choices: [licence, system_info, key_licences]
    default: [licence, system_info, key_licences]
  access_keys:
    description:
      - Access keys whose online users to count, for RV(key_licences).
      - Defaults to the access key of the connection (O(access_key)) when it is set, else to none.
      - Access keys are identifiers, not secrets; they appear in the result.
    type: list
    elements: str
extends_documentation_fragment:
  - rtcops.conference.avd
  - ansible.builtin.action_common_attributes
  - rtcops.conference.attributes.info_module
notes:
  - The API offers no way to read back the file permits applied with M(rtcops.conference.avd_file_permit).
seealso:
  - module: rtcops.conference.avd_file_permit
'''

EXAMPLES = r'''
- name: Read the licence of the server
  rtcops.conference.avd_licence_info:
    server_url: https://avd.example.com:9610
    access_key: "{{ vault_avd_access_key }}"
    secret_key: "{{ vault_avd_secret_key }}"
    gather: [licence]
  register: avd

- name: Warn when the licence is nearly used up
  ansible.builtin.debug:
    msg: "{{ avd.licence.active_usernum }} of {{ avd.licence.max_users }} licensed users are online"
  when: avd.licence.active_usernum >= avd.licence.max_users * 0.9

# With the connection set once for the play:
#   module_defaults:
#     group/rtcops.conference.avd:
#       server_url: https://avd.example.com:9610
#       access_key: "{{ vault_avd_access_key }}"
#       secret_key: "{{ vault_avd_secret_key }}"
- name: System information to send to the licence server
  rtcops.conference.avd_licence_info:
    gather: [system_info]
  register: avd_system

- name: Save it for the licence request
  ansible.builtin.copy:
    content: "{{ avd_system.system_info.sys_info }}"
    dest: "{{ playbook_dir }}/sys_info.txt"
    mode: "0600"
  delegate_to: localhost

- name: Online users of the tenants' access keys
  rtcops.conference.avd_licence_info:
    gather: [key_licences]
    access_keys:
      - tenant_a_access
      - tenant_b_access
  register: tenants

- name: Web users of tenant A
  ansible.builtin.debug:
    msg: "{{ tenants.key_licences.tenant_a_access.detail.web.count | default(0) }}"
'''

RETURN = r'''
licence:
  description:
    - The server's current licence, as C(/app/get_licence_info) answers it (without its status keys).
  returned: when V(licence) is in O(gather)
  type: dict
  contains:
    active_usernum:
      description: Number of users online now.
      type: int
      sample: 3
    max_users:
      description: Maximum number of users the licence allows.
      type: int
      sample: 500
  sample: {"active_usernum": 3, "max_users": 500}
system_info:
  description:
    - The server's system information, as C(/app/get_system_info) answers it (without its status keys).
  returned: when V(system_info) is in O(gather)
  type: dict
  contains:
    sys_info:
      description: Encrypted system information of the server, a long hexadecimal string.
      type: str
      sample: 462ce9ef42ab3d1ea6a73542247d6504f54f8276e2574c3c6f00f3584b13328c
key_licences:
  description:
    - Online users of each access key of O(access_keys), keyed by access key, as C(/app/get_key_licence)
      answers them (without their status keys).
    - Empty when no access key was given and the connection has none.
  returned: when V(key_licences) is in O(gather)
  type: dict
  contains:
    usernum:
      description: Number of users of the access key online now.
      type: int
      sample: 4
    detail:
      description:
        - Online users by terminal type; each value is a dictionary whose C(count) is the number of users of
          that type. The set of terminal types is not documented; C(web), C(android) and C(avd_record) have been seen.
        - Always a dictionary; the documents type it as a string, so a JSON string is decoded.
      type: dict
      sample: {"web": {"count": 2}, "android": {"count": 1}, "avd_record": {"count": 1}}
  sample:
    demo_access:
      usernum: 4
      detail: {"web": {"count": 2}, "android": {"count": 1}, "avd_record": {"count": 1}}
      info: {}
'''

import json

from ansible_collections.rtcops.conference.plugins.module_utils._avd_client import api_payload
from ansible_collections.rtcops.conference.plugins.module_utils._avd_module import AvdModule

GATHER_CHOICES = ['licence', 'system_info', 'key_licences']


def normalize_key_licence(payload):
    """Q-AVD-65: ``detail`` is typed string but is an object; make it a dict whatever arrives."""
    result = dict(payload)
    detail = result.get('detail')
    if isinstance(detail, str):
        try:
            detail = json.loads(detail) if detail.strip() else {}
        except ValueError:
            pass
    if detail is None:
        detail = {}
    result['detail'] = detail
    return result


def access_keys_to_query(params):
    keys = params['access_keys']
    if keys is None:
        keys = [params['access_key']] if params['access_key'] else []
    unique = []
    for key in keys:
        if key not in unique:
            unique.append(key)
    return unique


def run(module):
    params = module.params
    client = module.client
    gather = params['gather']
    result = {}
    if 'licence' in gather:
        result['licence'] = api_payload(client.call('/app/get_licence_info'))
    if 'system_info' in gather:
        result['system_info'] = api_payload(client.call('/app/get_system_info'))
    if 'key_licences' in gather:
        result['key_licences'] = dict(
            (key, normalize_key_licence(api_payload(client.call('/app/get_key_licence', {'access_key': key}))))
            for key in access_keys_to_query(params))
    module.exit_json(changed=False, **result)


def main():
    module = AvdModule(
        argument_spec=dict(
            gather=dict(type='list', elements='str', choices=GATHER_CHOICES, default=list(GATHER_CHOICES)),
            access_keys=dict(type='list', elements='str', no_log=False),
        ),
        supports_check_mode=True,
    )
    module.run(lambda: run(module))


if __name__ == '__main__':
    main()
