#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: avd_file_permit
short_description: Apply or delete a file licence permit on an AVD conference server
version_added: 0.1.0
description:
  - Applies a file licence certificate to the server with C(/app/apply_file_permit), or deletes it with
    C(/app/delete_file_permit).
  - B(The server cannot be asked which permits it holds.) The API has no call that reads or lists permits, so
    this module never knows the server's real state. What it knows is its own record. After applying a
    certificate it writes the certificate's SHA-256 fingerprint into a file under O(cache_dir) (one file per
    O(server_url), readable only by its owner), and removes it after deleting the certificate.
  - With O(state=present), a certificate that is recorded is not sent again (RV(status=in_sync)). With
    O(state=absent), a recorded certificate is deleted and its record removed (RV(status=deleted), a change).
  - B(A certificate this machine has no record of is unknown) (RV(status=unknown)). A fresh CI runner, an AWX job or
    a colleague's laptop cannot tell whether the server holds it, and neither can any call. Unknown is never
    reported as a change, so that re-applying an unchanged environment from a fresh runner changes nothing.
    With O(state=present) the certificate is applied anyway in a real run (RV(sent=true)) and recorded, so every
    runner converges; this assumes that applying a certificate the server already holds is harmless (the vendor's
    documents are silent on it). With O(state=absent) nothing is sent, because the answer to deleting a
    certificate the server does not hold is not documented; the task warns and O(force=true) sends it.
  - So C(changed) means a change this machine's record proves, or one O(force) asked for; RV(status) says which
    case applied, and RV(verified) is always V(false).
author:
  - rtcops developers (@rtcops)
options:
  licence_cert:
    description:
      - The file licence certificate issued by the licence server for this server's system information (see
        RV(rtcops.conference.avd_licence_info#module:system_info)), usually hexadecimal strings joined by C($).
      - Whitespace around it (such as the final newline of a file) is removed before it is sent or fingerprinted.
      - It is not a credential, but it is a paid entitlement that a clone of the server could reuse, and Ansible
        would otherwise echo it in the task's C(invocation) and the managed host's log. So it is handled like a
        secret (C(no_log)); results contain only its SHA-256 fingerprint.
    type: str
    required: true
  state:
    description:
      - V(present) applies the certificate, V(absent) deletes it from the server.
    type: str
    choices: [present, absent]
    default: present
  force:
    description:
      - Send the call even when the local record says it is not needed, and report a change (RV(status=applied) or
        RV(status=deleted)).
      - Use it when the server's permits were changed behind this controller's back, for example after the
        server was reinstalled or by another controller.
      - With O(state=absent), the server's answer to deleting a certificate it does not hold is not documented
        and may be an error.
    type: bool
    default: false
extends_documentation_fragment:
  - rtcops.conference.avd
  - ansible.builtin.action_common_attributes
  - rtcops.conference.attributes
attributes:
  check_mode:
    support: full
    details: The prediction is made from the local record, like a normal run; nothing is sent or recorded.
  diff_mode:
    support: full
    details:
      - Shows whether the local record holds the certificate before and after (V(unknown) when it has no record);
        not the server's state.
notes:
  - The record is a JSON file under C(<cache_dir>/records/). Deleting it makes every certificate unknown to this
    machine (see above); it never removes anything from the server. Keep O(cache_dir) where the pipeline keeps its
    cache to keep RV(status=in_sync) from run to run.
  - If the record cannot be written, the call still succeeds and the task warns; the next run sends it again.
  - If the answer to a delete call is lost, the module fails, saying the outcome is unknown, and keeps the record,
    so the next run sends the delete again.
seealso:
  - module: rtcops.conference.avd_licence_info
    description: Read the system information a licence server needs to issue a certificate.
'''

EXAMPLES = r'''
- name: Apply the file licence issued for this server
  rtcops.conference.avd_file_permit:
    server_url: https://avd.example.com:9610
    access_key: "{{ vault_avd_access_key }}"
    secret_key: "{{ vault_avd_secret_key }}"
    licence_cert: "{{ lookup('ansible.builtin.file', 'licences/avd-prod.cert') }}"
  register: permit

- name: Show the fingerprint the controller recorded
  ansible.builtin.debug:
    msg: "{{ permit.record.fingerprint }}"

# With the connection set once for the play:
#   module_defaults:
#     group/rtcops.conference.avd:
#       server_url: https://avd.example.com:9610
#       access_key: "{{ vault_avd_access_key }}"
#       secret_key: "{{ vault_avd_secret_key }}"
- name: The server was reinstalled, apply the licence again whatever the record says
  rtcops.conference.avd_file_permit:
    licence_cert: "{{ lookup('ansible.builtin.file', 'licences/avd-prod.cert') }}"
    force: true

- name: Withdraw an expired licence
  rtcops.conference.avd_file_permit:
    licence_cert: "{{ lookup('ansible.builtin.file', 'licences/avd-prod-2025.cert') }}"
    state: absent
'''

RETURN = r'''
verified:
  description:
    - Always V(false). The API cannot read permits back, so the result reflects the local record and the
      calls sent, never the server's state.
  returned: always
  type: bool
  sample: false
status:
  description:
    - V(in_sync) the record holds the certificate as wanted, nothing was sent; V(unknown) this machine has no record
      and the API cannot tell (with O(state=present) a real run applies it anyway, see RV(sent)); V(applied) applied
      because of O(force); V(deleted) deleted.
    - C(changed) is V(true) only for V(applied) and V(deleted).
  returned: always
  type: str
  sample: in_sync
sent:
  description:
    - Whether a call was sent to the server. Always V(false) in check mode.
  returned: always
  type: bool
  sample: true
record:
  description: The local record of the certificate after the task (in check mode, as it would be).
  returned: always
  type: dict
  contains:
    fingerprint:
      description: SHA-256 of the certificate (without surrounding whitespace), in hexadecimal. Identifies it.
      type: str
      sample: 2f1b8c7d6e5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c
    recorded:
      description: Whether this controller's record holds the certificate as applied.
      type: bool
      sample: true
'''

from ansible_collections.rtcops.conference.plugins.module_utils._avd_client import AvdError
from ansible_collections.rtcops.conference.plugins.module_utils._avd_module import AvdModule
from ansible_collections.rtcops.conference.plugins.module_utils._avd_permits import (
    LEDGER_KIND, UNKNOWN, fingerprint, normalize_cert, plan, record_value, send,
)
from ansible_collections.rtcops.conference.plugins.module_utils._ledger import Ledger


def run(module):
    params = module.params
    cert = normalize_cert(params['licence_cert'])
    if not cert:
        module.fail_json(msg='licence_cert must not be empty')
    digest = fingerprint(cert)
    ledger = Ledger(params['server_url'], params['cache_dir'])
    recorded = ledger.get(LEDGER_KIND, digest) is not None
    sending, changed, status, recorded_after = plan(params['state'], recorded, params['force'])

    before_applied = recorded if recorded or status != UNKNOWN else 'unknown'
    result = dict(changed=changed, verified=False, sent=False, status=status,
                  record={'fingerprint': digest, 'recorded': recorded},
                  diff={'before': {'fingerprint': digest, 'applied': before_applied},
                        'after': {'fingerprint': digest, 'applied': recorded_after if sending or status != UNKNOWN else 'unknown'}})
    if module.check_mode:
        result['record']['recorded'] = recorded_after if sending else recorded
        module.exit_json(**result)

    if sending:
        try:
            send(module.client, cert, params['state'])
        except AvdError as exc:
            module.fail_avd(exc, verified=False, status=status, record=result['record'])
        result['sent'] = True

    written = True
    if sending and recorded_after:
        written = ledger.put(LEDGER_KIND, digest, record_value())
    elif sending and recorded:
        written = ledger.forget(LEDGER_KIND, digest)
    if written:
        result['record']['recorded'] = recorded_after if sending else recorded
    else:
        result['diff']['after']['applied'] = before_applied
        module.warn('The %s call succeeded but the local record in %s could not be updated; the next run will send it '
                    'again.' % ('apply' if params['state'] == 'present' else 'delete', ledger.directory))
    if status == UNKNOWN and params['state'] == 'absent':
        module.warn('No record on this machine says licence %s... was applied, and the API cannot tell, so nothing was '
                    'sent. Set force=true to send the delete anyway.' % digest[:12])
    module.exit_json(**result)


def main():
    module = AvdModule(
        argument_spec=dict(
            # Not a credential, but never echoed whole: a no_log=False option would be returned in full in the
            # result's invocation and written to the managed host's log.
            licence_cert=dict(type='str', required=True, no_log=True),
            state=dict(type='str', default='present', choices=['present', 'absent']),
            force=dict(type='bool', default=False),
        ),
        supports_check_mode=True,
    )
    module.run(lambda: run(module))


if __name__ == '__main__':
    main()
