#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: avd_environment
short_description: Reconcile a whole AVD environment (gateways, SIP accounts, rooms, permits, uploads) in one task
version_added: 0.1.0
description:
  - Brings the SIP gateways, SIP accounts, rooms, file permits and uploaded media of an AVD server to the state the
    lists describe, in one task and one process, with many API calls in flight at once (O(concurrency)). Thousands of
    objects take seconds, where a C(loop) of the single-object modules takes minutes.
  - Each object is compared, created, updated or deleted exactly as the single-object modules do it
    (M(rtcops.conference.avd_sip_gate), M(rtcops.conference.avd_sip_account), M(rtcops.conference.avd_room),
    M(rtcops.conference.avd_file_permit), M(rtcops.conference.avd_upload)), with the same engine; their documentation
    says what each option means and what C(changed) means for each kind.
  - A kind that is not given (left out, or V(null)) is not touched. A kind given as an empty list declares that there
    is none of it, which matters only with O(purge=true).
  - B(Reading.) One call lists the gateways; the declared rooms and accounts are read concurrently; SIP accounts that
    are neither pinned (C(account_id)) nor in the cache of this machine are found by one discovery of the server's
    account ids (see O(discovery_gap)); the server's copy of each upload is hashed. File permits cannot be read; see
    RV(plan) C(unknown).
  - B(Order of writes.) Gateways, rooms, permits and uploads first; then accounts, which need their gateway's id; then
    gateways to delete, after the accounts on them. A failure of one object is reported with it and does not stop the
    others; the task fails at the end, naming every object that failed, with the results of all of them.
  - B(Deletions are guarded.) Before anything is written, the run fails if it would delete more than O(max_deletions)
    objects, or delete one that matches O(protect).
  - The plan (what is created, updated, deleted, unknown) is returned in RV(plan) and RV(summary), and shown by
    C(--diff). The role P(rtcops.conference.avd_environment#role) writes it as JSON and Markdown for a pull request.
author:
  - rtcops developers (@rtcops)
options:
  sip_gates:
    description:
      - SIP gateways, identified by their O(sip_gates[].name). See M(rtcops.conference.avd_sip_gate).
    type: list
    elements: dict
    suboptions:
      name:
        description: Name of the gateway.
        type: str
        required: true
      url:
        description: Address of the gateway, unique on the server. Required to create it.
        type: str
      state:
        description: V(present) or V(absent).
        type: str
        choices: [present, absent]
        default: present
  sip_accounts:
    description:
      - SIP accounts, identified by their O(sip_accounts[].number). See M(rtcops.conference.avd_sip_account).
    type: list
    elements: dict
    suboptions:
      number:
        description: Number of the account, unique on the server.
        type: str
        required: true
      name:
        description: Display name. Required to create the account.
        type: str
      password:
        description: Password. Required to create the account. Never returned nor shown in a diff or plan.
        type: str
      sip_gate:
        description:
          - Name of the account's gateway, declared in O(sip_gates) or existing on the server.
          - Required to create the account, unless O(sip_accounts[].sip_gate_id) is given.
        type: str
      sip_gate_id:
        description: Id of the account's gateway, instead of O(sip_accounts[].sip_gate).
        type: int
      account_id:
        description:
          - Server id of the account (RV(account_ids) returns it). Pins the account, which is then read by this id without
            the cache or a discovery, and may be renumbered.
        type: int
      update_password:
        description: V(always) updates a password that differs; V(on_create) sets it only when the account is created.
        type: str
        choices: [always, on_create]
        default: always
      recreate:
        description: Delete and recreate the account when its gateway must change (the API cannot move it).
        type: bool
        default: false
      state:
        description: V(present) or V(absent).
        type: str
        choices: [present, absent]
        default: present
  rooms:
    description:
      - Meeting rooms, identified by their O(rooms[].room_id). See M(rtcops.conference.avd_room).
    type: list
    elements: dict
    suboptions:
      room_id:
        description: Number of the room.
        type: str
        required: true
      topic:
        description: Topic of the room.
        type: str
      user_id:
        description: Owner of the room. Required to create it.
        type: str
      enable_auto_cloud_recording:
        description: Record every meeting in the room automatically.
        type: bool
      enable_voice_activated:
        description: Voice-activated switching; the API sets it only when it creates the room.
        type: bool
      enable_auto_avc:
        description: Video composition mode.
        type: bool
      resolution:
        description: Resolution, sent when the room is created; the API never returns it, so it is never compared.
        type: str
      enable_transcode_video:
        description: Transcoding, sent when the room is created; never returned, never compared.
        type: bool
      recreate:
        description: Delete and recreate the room when O(rooms[].enable_voice_activated) differs.
        type: bool
        default: false
      state:
        description: V(present) or V(absent).
        type: str
        choices: [present, absent]
        default: present
  file_permits:
    description:
      - File licence permits, identified by their certificate. See M(rtcops.conference.avd_file_permit) for why a
        permit this machine has no record of is RV(plan) C(unknown) and never a change.
    type: list
    elements: dict
    suboptions:
      licence_cert:
        description: The certificate. Handled as a secret; results hold only its SHA-256.
        type: str
        required: true
      state:
        description: V(present) or V(absent).
        type: str
        choices: [present, absent]
        default: present
      force:
        description: Send the call whatever the record says, and report a change.
        type: bool
        default: false
  uploads:
    description:
      - Media files to keep on the server, identified by where they are stored. See M(rtcops.conference.avd_upload).
    type: list
    elements: dict
    suboptions:
      src:
        description: Local file (png, jpg, mp3, mp4 or avi) on the host that runs the module.
        type: path
        required: true
      path:
        description: Absolute directory on the server.
        type: str
        default: /opt/3tee/resources
      storage_only_cluster:
        description: Store the file only in the cluster; required for files larger than 50 MiB.
        type: bool
        default: false
      force:
        description: Upload even when the server holds the same file.
        type: bool
        default: false
  purge:
    description:
      - Delete the objects of the given kinds that the lists do not declare.
      - B(Gateways) are all listed by the server, so every undeclared gateway is deleted (after the accounts).
      - B(SIP accounts) are found by a discovery (see O(discovery_gap)), so a purge discovers on every run; an account
        beyond a run of deleted ids longer than O(discovery_gap) is not seen and not deleted.
      - B(Rooms cannot be listed) by the API. A purge covers only the rooms this machine has created or seen (its cache
        under O(cache_dir)) and the rooms with a meeting in progress (C(/room/list)); a room created elsewhere and idle
        is not deleted. Keep O(cache_dir) from run to run where purging rooms matters.
      - File permits and uploads are never purged.
    type: bool
    default: false
  protect:
    description:
      - Objects that are never deleted, as shell-style patterns (C(*), C(?), C([...])) matched against a gateway's name,
        an account's number or a room's id, per kind.
      - A purge leaves the undeclared objects they match alone (RV(plan) lists them under C(protected)). A declared
        object they match with C(state=absent), or that would have to be recreated, fails; the others go on.
    type: dict
    suboptions:
      sip_gates:
        description: Patterns of gateway names.
        type: list
        elements: str
      sip_accounts:
        description: Patterns of account numbers.
        type: list
        elements: str
      rooms:
        description: Patterns of room ids.
        type: list
        elements: str
  max_deletions:
    description:
      - The most objects one run may delete (purges, C(state=absent) and recreations together). A plan with more fails
        before anything is written, in check mode too, and still returns RV(plan), so the deletions can be reviewed.
    type: int
    default: 10
extends_documentation_fragment:
  - rtcops.conference.avd
  - rtcops.conference.avd_discovery
  - ansible.builtin.action_common_attributes
  - rtcops.conference.attributes
attributes:
  check_mode:
    support: full
    details:
      - Reads only, and predicts every object as a real run would; accounts on gateways the run would create are
        predicted as created.
      - What the run read is kept in the cache (discovered accounts, rooms seen), never what it predicted.
  diff_mode:
    support: full
    details:
      - Before and after of every object that changes (secrets left out), and the plan as text, grouped by kind.
notes:
  - B(Calls.) A run that changes nothing makes one gateway list, one read per declared room, one read per declared
    account found in the cache or pinned, one download per upload, and nothing for permits. A discovery adds about the
    highest account id plus O(discovery_gap) reads; a purge of rooms adds one C(/room/list).
  - B(The cache.) O(cache_dir) holds the token, the account ids found, the rooms seen and the permits applied, one file
    per server. It is only a cache. A runner with an empty one plans and applies the same result, at the cost of a
    discovery of accounts, and with file permits C(unknown) instead of in sync.
seealso:
  - module: rtcops.conference.avd_environment_info
    description: Export a server's environment in the shape of this module's options.
'''

EXAMPLES = r'''
- name: The whole environment, in one task
  rtcops.conference.avd_environment:
    server_url: https://avd.example.com:9610
    access_key: "{{ vault_avd_access_key }}"
    secret_key: "{{ vault_avd_secret_key }}"
    sip_gates:
      - {name: hq-pbx, url: "10.20.0.5:5060"}
    sip_accounts:
      - {number: "8001", name: reception, sip_gate: hq-pbx, password: "{{ vault_sip_passwords['8001'] }}"}
      - {number: "8002", name: boardroom, sip_gate: hq-pbx, password: "{{ vault_sip_passwords['8002'] }}"}
    rooms:
      - {room_id: "20250000001", topic: Weekly all-hands, user_id: "16", enable_auto_cloud_recording: true}
    file_permits:
      - licence_cert: "{{ lookup('ansible.builtin.file', 'licences/avd-prod.cert') }}"
    uploads:
      - src: files/welcome.png
  register: environment

- name: What it did
  ansible.builtin.debug:
    var: environment.summary

# With the connection set once for the play:
#   module_defaults:
#     group/rtcops.conference.avd:
#       server_url: https://avd.example.com:9610
#       access_key: "{{ vault_avd_access_key }}"
#       secret_key: "{{ vault_avd_secret_key }}"
- name: Only the gateways; delete every gateway not listed, but never the legacy ones
  rtcops.conference.avd_environment:
    sip_gates:
      - {name: hq-pbx, url: "10.20.0.5:5060"}
      - {name: branch-pbx, url: "10.30.0.5:5060"}
    purge: true
    protect:
      sip_gates: ["legacy-*"]
    max_deletions: 3
'''

RETURN = r'''
summary:
  description: Per kind given, how many objects are in each group of RV(plan).
  returned: always
  type: dict
  sample:
    sip_gates: {create: 1, update: 0, recreate: 0, delete: 0, unknown: 0, failed: 0, unchanged: 1}
    file_permits: {create: 0, update: 0, recreate: 0, delete: 0, unknown: 1, failed: 0, unchanged: 0}
plan:
  description:
    - Per kind given, the objects that are not unchanged, grouped by what the run does (in check mode, would do) to
      them, each under its key (gateway name, account number, room id, permit SHA-256, upload server path).
    - C(create), C(update) and C(recreate) (delete and create again, for a setting the API cannot update) with
      C(changes) (C(before) and C(after) of each option that differs; secrets as C((secret))); C(delete), with
      C(purged=true) for an object deleted because it is not declared; C(unknown) with the C(reason) (file permits
      this machine has no record of, which the API cannot read; not a change); C(failed) with the C(error);
      C(unchanged) is a count; with O(purge=true), C(protected) lists the undeclared objects O(protect) kept. Where they
      apply an entry also has C(account_id), C(status) (file permits, as
      M(rtcops.conference.avd_file_permit) returns it) and C(download_url) (uploads sent).
    - The objects' whole before and after states are in the task's diff, with C(--diff).
  returned: always
  type: dict
  sample:
    sip_accounts:
      create: {"8003": {account_id: 3}}
      update: {"8001": {account_id: 1, changes: {name: {before: reception, after: reception desk}}}}
      recreate: {}
      delete: {"8099": {account_id: 9, purged: true}}
      unknown: {}
      failed: {}
      unchanged: 997
account_ids:
  description:
    - The server id of every declared SIP account that exists after the run (in check mode, before it), by number;
      what O(sip_accounts[].account_id) can pin.
  returned: always
  type: dict
  sample: {"8001": 1, "8002": 2}
discovery:
  description: What the discovery of SIP accounts did, when the run needed one.
  returned: when a discovery ran
  type: dict
  sample: {reads: 1100, scanned_through: 1100, highest_found: 1000, stopped: gap, gap: 100, limit: 100000}
api_calls:
  description: HTTP requests this run sent to the server, retries included.
  returned: always
  type: int
  sample: 1122
'''

from ansible_collections.rtcops.conference.plugins.module_utils._avd_accounts import (
    ACCOUNT_OPTIONS, DISCOVERY_SPEC, discovery_problem,
)
from ansible_collections.rtcops.conference.plugins.module_utils._avd_environment import KINDS, Environment, GuardTripped
from ansible_collections.rtcops.conference.plugins.module_utils._avd_module import CONNECTION_SPEC, AvdModule
from ansible_collections.rtcops.conference.plugins.module_utils._avd_room import ROOM_OPTIONS
from ansible_collections.rtcops.conference.plugins.module_utils._avd_upload import upload_problem
from ansible_collections.rtcops.conference.plugins.module_utils._ledger import Ledger

STATE = dict(type='str', default='present', choices=['present', 'absent'])

ARGUMENT_SPEC = dict(
    sip_gates=dict(type='list', elements='dict', options=dict(
        name=dict(type='str', required=True),
        url=dict(type='str'),
        state=STATE,
    )),
    sip_accounts=dict(type='list', elements='dict', options=ACCOUNT_OPTIONS, mutually_exclusive=[('sip_gate', 'sip_gate_id')]),
    rooms=dict(type='list', elements='dict', options=dict(ROOM_OPTIONS, state=STATE)),
    file_permits=dict(type='list', elements='dict', options=dict(
        licence_cert=dict(type='str', required=True, no_log=True),
        state=STATE,
        force=dict(type='bool', default=False),
    )),
    uploads=dict(type='list', elements='dict', options=dict(
        src=dict(type='path', required=True),
        path=dict(type='str', default='/opt/3tee/resources'),
        storage_only_cluster=dict(type='bool', default=False),
        force=dict(type='bool', default=False),
    )),
    purge=dict(type='bool', default=False),
    protect=dict(type='dict', options=dict(
        sip_gates=dict(type='list', elements='str'),
        sip_accounts=dict(type='list', elements='str'),
        rooms=dict(type='list', elements='str'),
    )),
    max_deletions=dict(type='int', default=10),
)


class EnvironmentModule(AvdModule):
    """An AVD module whose arguments may be a whole environment: thousands of objects, as many passwords.

    Ansible echoes a module's arguments in its result (``invocation``) and logs them to the host's journal, and masks
    every password in every string of both: with a thousand accounts that costs seconds and fills the journal. This
    module echoes and logs its connection options and the number of objects of each kind instead.
    """

    def compact_arguments(self):
        args = dict((name, self.params.get(name)) for name in CONNECTION_SPEC if name not in ('secret_key', 'token'))
        for name in ARGUMENT_SPEC:
            value = self.params.get(name)
            args[name] = '%d objects (not echoed)' % len(value) if name in KINDS and value is not None else value
        return args

    def _log_invocation(self):
        self.log('Invoked with %s' % ', '.join('%s=%s' % item for item in sorted(self.compact_arguments().items())))

    def exit_json(self, **kwargs):
        kwargs.setdefault('invocation', {'module_args': self.compact_arguments()})
        super().exit_json(**kwargs)

    def fail_json(self, msg, **kwargs):
        kwargs.setdefault('invocation', {'module_args': self.compact_arguments()})
        super().fail_json(msg, **kwargs)


def run(module):
    params = module.params
    environment = Environment(module.client, Ledger(params['server_url'], params['cache_dir']), params, module.check_mode)
    problems = [discovery_problem(params)] + environment.problems()
    problems += [upload_problem(obj, 'uploads[%d].' % index) for index, obj in enumerate(params['uploads'] or [])]
    problems = [problem for problem in problems if problem]
    if problems:
        module.fail_json(msg='; '.join(problems))

    try:
        environment.read_and_plan()
    except GuardTripped as exc:
        environment.check_mode = True  # the plan is shown as a prediction; nothing was or will be written
        environment.apply()
        dummy, plan, summary, account_ids, diff = environment.results()
        module.fail_json(msg=str(exc), plan=plan, summary=summary, account_ids=account_ids, api_calls=module.client.requests)
    environment.apply()
    changed, plan, summary, account_ids, diff = environment.results(with_diff=module._diff)
    for warning in environment.warnings:
        module.warn(warning)
    result = dict(changed=changed, plan=plan, summary=summary, account_ids=account_ids, api_calls=module.client.requests)
    if diff is not None:
        result['diff'] = diff
    if environment.directory.discovery is not None:
        result['discovery'] = environment.directory.discovery
    failed = [(kind, key, entry['error']) for kind, groups in plan.items() for key, entry in groups['failed'].items()]
    if failed:
        shown = '; '.join('%s %s: %s' % (kind, key if kind != 'file_permits' else key[:12] + '...', error)
                          for kind, key, error in failed[:10])
        module.fail_json(msg='%d object(s) failed%s: %s' % (len(failed), ' (first 10)' if len(failed) > 10 else '', shown),
                         **result)
    module.exit_json(**result)


def main():
    argument_spec = dict(ARGUMENT_SPEC)
    argument_spec.update(DISCOVERY_SPEC)
    module = EnvironmentModule(argument_spec=argument_spec, supports_check_mode=True)
    module.run(lambda: run(module))


if __name__ == '__main__':
    main()
