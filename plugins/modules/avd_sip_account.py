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
  - B(How accounts are found again.) The API has no call that lists or searches accounts; it reads one only by
    its id, and answers error 40021 without the id when a number is taken. This module therefore finds an
    account by, in order, O(account_id) when given, then the record it kept on this machine when it created
    or last saw the account (under O(cache_dir)). Whatever it finds it reads back from the server before it
    trusts it.
  - On a machine without that record (a fresh CI runner, another operator's laptop) and without O(account_id),
    the module cannot know whether the number exists. It then tries to create the account; if the server
    answers that the number is taken, the task fails and asks for O(account_id). Keep the RV(sip_account.account_id)
    that the module returns with your variables to make every machine able to manage the account.
  - In check mode such an unverifiable account is reported as one that would be created, and RV(verified) is
    V(false).
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
      - Lets any machine find the account; without it only the machine that created the account can find it.
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

- name: Keep the id so that any machine (a CI runner) can manage the account later
  ansible.builtin.debug:
    msg: "account_id of 8001 is {{ reception.sip_account.account_id }}"

- name: Manage an account from a machine that did not create it
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
'''

from ansible_collections.rtcops.conference.plugins.module_utils._avd_client import AvdApiError
from ansible_collections.rtcops.conference.plugins.module_utils._avd_module import AvdModule
from ansible_collections.rtcops.conference.plugins.module_utils._avd_sip import find_gate_by_name, list_gates
from ansible_collections.rtcops.conference.plugins.module_utils._ensure import Field, Resource, ensure
from ansible_collections.rtcops.conference.plugins.module_utils._ledger import Ledger

ACCOUNT_ABSENT_CODE = 40022
NUMBER_TAKEN_CODE = 40021
LEDGER_KIND = 'sip_accounts'


class NumberTaken(Exception):
    pass


def normalize_account(raw):
    # Q-AVD-49: number is read back as phone_number and the gateway id as gate_id.
    gate_id = raw.get('gate_id', raw.get('sip_gate_id'))
    return {
        'account_id': int(raw['account_id']),
        'number': str(raw.get('phone_number', raw.get('number'))),
        'name': raw.get('name'),
        'password': raw.get('password'),
        'sip_gate_id': int(gate_id) if gate_id is not None else None,
        'phone_name': raw.get('phone_name'),
        'codecs': dict((key, raw.get(key + '_codec')) for key in ('recv_audio', 'send_audio', 'recv_video', 'send_video')),
    }


class SipAccount(Resource):

    create_requires = ('name', 'password', 'sip_gate_id')

    def __init__(self, module):
        self.module = module
        self.client = module.client
        params = module.params
        self.number = params['number']
        self.label = 'SIP account %s' % self.number
        self.ledger = Ledger(params['server_url'], params['cache_dir'])
        self.verified = False
        self.wanted_gate_id = None
        self.fields = {
            'number': Field(),
            'name': Field(),
            # With update_password=on_create the password of an existing account is neither compared nor changed.
            'password': Field(secret=True, readable=params['update_password'] == 'always'),
            'sip_gate_id': Field(updatable=False),
        }
        self.client.add_secret(params['password'])

    # -- finding -----------------------------------------------------------------------------------

    def _read(self, account_id, gate_id):
        try:
            body = self.client.call('/sip/account/read', {'account_id': account_id, 'sip_gate_id': gate_id})
        except AvdApiError as exc:
            if exc.code == ACCOUNT_ABSENT_CODE:
                return None
            raise
        return normalize_account(body)

    def find(self):
        given = self.module.params['account_id']
        record = self.ledger.get(LEDGER_KIND, self.number)
        account_id = given if given is not None else (record or {}).get('account_id')
        if account_id is None:
            return None
        # Q-AVD-50: reading needs a gateway id although the account id alone identifies the account.
        gate_id = (record or {}).get('sip_gate_id') or self.wanted_gate_id or 0
        account = self._read(account_id, gate_id)
        if account is None or (given is None and account['number'] != self.number):
            if record is not None:
                self.ledger.forget(LEDGER_KIND, self.number)
            return None
        self.verified = True
        self._remember(account)
        return account

    def _remember(self, account):
        self.ledger.put(LEDGER_KIND, account['number'], {'account_id': account['account_id'], 'sip_gate_id': account['sip_gate_id']})

    # -- writing -----------------------------------------------------------------------------------

    def create(self, want):
        try:
            body = self.client.call('/sip/account/create', {
                'name': want['name'], 'password': want['password'], 'number': want['number'], 'sip_gate_id': want['sip_gate_id'],
            }, write=True)
        except AvdApiError as exc:
            if exc.code == NUMBER_TAKEN_CODE:
                raise NumberTaken()
            raise
        account = self._read(int(body['account_id']), want['sip_gate_id'])
        if account is None:
            account = dict(want, account_id=int(body['account_id']))
        else:
            self.verified = True
        self._remember(account)
        return account

    def update(self, have, want, changed):
        # Q-AVD-52: the update call replaces name, password and number together.
        state = dict(have, **want)
        self.client.call('/sip/account/update', {
            'account_id': have['account_id'], 'name': state['name'], 'password': state['password'], 'number': state['number'],
        }, write=True, idempotent=True)
        account = self._read(have['account_id'], have['sip_gate_id'])
        self.verified = account is not None
        account = account or state
        self._remember(account)
        return account

    def delete(self, have):
        try:
            self.client.call('/sip/account/del', {'account_id': have['account_id']}, write=True, idempotent=True)
        except AvdApiError as exc:
            if exc.code != ACCOUNT_ABSENT_CODE:
                raise
        self.ledger.forget(LEDGER_KIND, self.number)
        self.verified = False

    def predict(self, have, want):
        self.verified = False
        state = super().predict(have, want)
        state.setdefault('account_id', None)
        return state


def resolve_gate(module):
    """The gateway id the user asked for; None in check mode when the gateway does not exist yet."""
    params = module.params
    if params['sip_gate_id'] is not None or params['sip_gate'] is None:
        return params['sip_gate_id']
    gate = find_gate_by_name(list_gates(module.client), params['sip_gate'])
    if gate is not None:
        return gate['gate_id']
    if module.check_mode and params['state'] == 'present':
        return None
    if params['state'] == 'absent':
        return None
    module.fail_json(msg='no SIP gateway is named %s (sip_gate)' % params['sip_gate'])


def run(module):
    params = dict(module.params)
    resource = SipAccount(module)
    gate_id = resolve_gate(module)
    resource.wanted_gate_id = gate_id
    gate_pending = gate_id is None and params['sip_gate'] is not None
    if gate_pending:
        # Check mode, gateway not created yet: the account cannot exist on it; compare nothing about the gateway.
        resource.fields['sip_gate_id'] = Field(readable=False, updatable=False)
        resource.create_requires = ('name', 'password')
    params['sip_gate_id'] = gate_id
    # Without an id or a record of this machine the account cannot be looked up at all.
    unknown = params['account_id'] is None and resource.ledger.get(LEDGER_KIND, params['number']) is None
    try:
        changed, dummy, after, diff = ensure(resource, params, params['state'], module.check_mode, recreate=params['recreate'])
    except NumberTaken:
        module.fail_json(msg='number %s already exists on the server, but its account_id is not known on this machine '
                             '(the API cannot search accounts by number). Set account_id to manage it.' % params['number'])
    if after is not None:
        after.setdefault('sip_gate_id', gate_id)
    if unknown and module.check_mode and changed:
        module.warn('SIP account %s: no account_id and no record on this machine, so whether the number already exists '
                    'on the server cannot be checked; it is reported as an account to create.' % params['number'])
    if unknown and params['state'] == 'absent':
        module.warn('SIP account %s: no account_id and no record on this machine, so the account cannot be found; '
                    'nothing was deleted. Set account_id to delete it.' % params['number'])
    module.exit_json(changed=changed, sip_account=after or {}, verified=resource.verified and after is not None, diff=diff)


def main():
    module = AvdModule(
        argument_spec=dict(
            number=dict(type='str', required=True),
            name=dict(type='str'),
            password=dict(type='str', no_log=True),
            sip_gate=dict(type='str'),
            sip_gate_id=dict(type='int'),
            account_id=dict(type='int'),
            update_password=dict(type='str', default='always', choices=['always', 'on_create'], no_log=False),
            recreate=dict(type='bool', default=False),
            state=dict(type='str', default='present', choices=['present', 'absent']),
        ),
        mutually_exclusive=[('sip_gate', 'sip_gate_id')],
        supports_check_mode=True,
        not_blank=('number', 'name', 'password', 'sip_gate'),
    )
    module.run(lambda: run(module))


if __name__ == '__main__':
    main()
