# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A whole AVD environment reconciled in one run: the engine of avd_environment. Private to this collection.

1. **Read** in bulk: one gateway list, the declared rooms and accounts read concurrently, one account discovery when
   the cache and pinned ids leave an account unresolved (or a purge needs every account), the server's copies of the
   uploads hashed concurrently. Permits come from this machine's record (the API cannot read them).
2. **Plan** every object with the ensure engine of the single-object modules (``_ensure.plan``), add the purge, and
   check the guards (``protect``, ``max_deletions``) before anything is written.
3. **Write** concurrently in dependency order: gateways, rooms, permits and uploads; then accounts, which need the
   gateways' ids; then the deletions of gateways, whose accounts went first. Each object's failure is kept with it
   and does not stop the others. In check mode the same steps predict instead of writing.
"""

from __future__ import annotations

import fnmatch
import os

from ansible_collections.rtcops.conference.plugins.module_utils._avd_accounts import AccountDirectory, SipAccount
from ansible_collections.rtcops.conference.plugins.module_utils._avd_client import AvdError
from ansible_collections.rtcops.conference.plugins.module_utils._avd_permits import (
    APPLIED, DELETED, UNKNOWN, fingerprint, normalize_cert, plan as permit_plan, record_value, send as send_permit,
)
from ansible_collections.rtcops.conference.plugins.module_utils._avd_room import (
    LEDGER_KIND as ROOMS_KIND, Room, meetings_in_progress, read_room,
)
from ansible_collections.rtcops.conference.plugins.module_utils._avd_sip import SipGate, list_gates
from ansible_collections.rtcops.conference.plugins.module_utils._avd_upload import (
    server_checksum, server_path, server_size, sha256_file, upload_verifier,
)
from ansible_collections.rtcops.conference.plugins.module_utils._avd_permits import LEDGER_KIND as PERMITS_KIND
from ansible_collections.rtcops.conference.plugins.module_utils._ensure import (
    AlreadyExists, MissingForCreate, RecreateNeeded, ensure, plan, public, wanted,
)
from ansible_collections.rtcops.conference.plugins.module_utils._parallel import run_each

KINDS = ('sip_gates', 'sip_accounts', 'rooms', 'file_permits', 'uploads')
PURGEABLE = ('sip_gates', 'sip_accounts', 'rooms')
IDENTITY = {'sip_gates': 'name', 'sip_accounts': 'number', 'rooms': 'room_id', 'file_permits': 'licence_cert',
            'uploads': 'src'}
# Options that, when given, must hold more than spaces (the argument spec only checks their type).
NOT_BLANK = (('sip_gates', ('name', 'url')), ('sip_accounts', ('number', 'name', 'password', 'sip_gate')),
             ('rooms', ('room_id', 'user_id')))
# Plan groups; 'recreate' deletes and creates an object whose fixed setting (an account's gateway) differs.
GROUPS = ('create', 'update', 'recreate', 'delete', 'unknown', 'failed')
HIDDEN = '(secret)'


class GuardTripped(Exception):
    """The plan would delete more than max_deletions objects; nothing was written."""


class Item:
    """One object of the environment: what is wanted, what the server has, and what the run does about it."""

    def __init__(self, kind, key, params, index=None, purged=False):
        self.kind = kind
        self.key = key
        self.params = params
        self.index = index  # position in the module's list; None for an object found only on the server (purge)
        self.purged = purged
        self.state = 'absent' if purged else params.get('state', 'present')
        self.resource = None
        self.have = None
        self.action = None
        self.changed_names = []
        self.error = None
        self.before = None
        self.after = None
        self.extra = {}  # per kind: account_id, permit status and what to send, upload checksum, size and download_url

    @property
    def where(self):
        return '%s[%d]' % (self.kind, self.index) if self.index is not None else self.kind

    def fail(self, message):
        if self.error is None:
            self.error = message


class Environment:
    """Reads, plans and writes one AVD server's environment; see the module's docs for the options."""

    def __init__(self, client, ledger, params, check_mode):
        self.client = client
        self.ledger = ledger
        self.params = params
        self.check_mode = check_mode
        self.workers = params['concurrency']
        self.declared = dict((kind, params.get(kind)) for kind in KINDS)
        self.items = dict((kind, []) for kind in KINDS)
        self.gates = None
        self.directory = AccountDirectory(client, ledger, gap=params['discovery_gap'], limit=params['discovery_limit'],
                                          workers=self.workers)
        self.room_records = ledger.entries(ROOMS_KIND)
        self.permit_records = ledger.entries(PERMITS_KIND)
        self.protected_keys = {}  # undeclared objects a purge leaves alone because protect matches them
        self.warnings = []

    # -- validation (before any request) ------------------------------------------------------------------------

    def problems(self):
        """Messages naming the option at fault for input the module refuses before it sends anything."""
        found = []
        for kind in KINDS:
            seen = {}
            for index, obj in enumerate(self.declared[kind] or []):
                key = self.key_of(kind, obj)
                if key in seen:
                    found.append('%s[%d] declares %s %s again (first in %s[%d])'
                                 % (kind, index, IDENTITY[kind] if kind != 'file_permits' else 'the licence_cert',
                                    key if kind != 'file_permits' else key[:12] + '...', kind, seen[key]))
                seen.setdefault(key, index)
        for index, obj in enumerate(self.declared['file_permits'] or []):
            if not normalize_cert(obj['licence_cert']):
                found.append('file_permits[%d].licence_cert must not be empty' % index)
        for kind, names in NOT_BLANK:
            for index, obj in enumerate(self.declared[kind] or []):
                for name in names:
                    if obj.get(name) is not None and not str(obj[name]).strip():
                        found.append('%s[%d].%s must not be empty' % (kind, index, name))
        if self.params['max_deletions'] < 0:
            found.append('max_deletions must be 0 or more, got %s' % self.params['max_deletions'])
        return found

    @staticmethod
    def key_of(kind, obj):
        if kind == 'file_permits':
            return fingerprint(obj['licence_cert'])
        if kind == 'uploads':
            return server_path(obj)
        return str(obj[IDENTITY[kind]])

    def protected(self, kind, key):
        """The protect pattern that matches ``key``, or None."""
        for pattern in (self.params.get('protect') or {}).get(kind) or []:
            if fnmatch.fnmatchcase(key, str(pattern)):
                return pattern
        return None

    # -- reading and planning -------------------------------------------------------------------------------------

    def read_and_plan(self):
        purge = self.params['purge']
        accounts = self.declared['sip_accounts']
        if self.declared['sip_gates'] is not None or accounts is not None:
            self.gates = list_gates(self.client)
            self.directory.gate_hint = self.gates[0]['gate_id'] if self.gates else 0
        self._plan_gates(purge)
        self._plan_rooms(purge)
        self._plan_accounts(purge)
        self._plan_permits()
        self._plan_uploads()
        for kind in PURGEABLE:
            kept = []
            for item in self.items[kind]:
                pattern = self.protected(kind, item.key) if item.action in ('delete', 'recreate') else None
                if pattern is not None and item.purged:
                    self.protected_keys.setdefault(kind, []).append(item.key)  # left alone, and said so in the summary
                    continue
                if pattern is not None:
                    item.fail('%s %s matches protect.%s pattern %r, so it is never deleted (%s)'
                              % (kind, item.key, kind, pattern, 'state=absent' if item.action == 'delete' else 'recreate'))
                kept.append(item)
            self.items[kind] = kept
        deletions = [item for kind in KINDS for item in self.items[kind]
                     if item.error is None and item.action in ('delete', 'recreate')]
        if len(deletions) > self.params['max_deletions']:
            raise GuardTripped('the plan deletes %d objects (%s), more than max_deletions=%d; nothing was changed. Check '
                               'the plan, then raise max_deletions or protect what must stay.'
                               % (len(deletions), ', '.join('%s %s' % (i.kind, i.key) for i in deletions[:10])
                                  + (', ...' if len(deletions) > 10 else ''), self.params['max_deletions']))

    def _plan(self, item, recreate=False):
        """Plan ``item`` with the ensure engine; its resource and ``have`` are set."""
        if item.error is not None:
            return
        want = wanted(item.resource.fields, item.params)
        try:
            item.action, item.changed_names = plan(item.resource, want, item.have, item.state, recreate)
            if item.action in ('create', 'recreate'):
                missing = [name for name in item.resource.create_requires if name not in want]
                if missing:
                    raise MissingForCreate(item.resource.label, missing)
        except RecreateNeeded as exc:
            item.fail('%s cannot be changed on the existing %s: the API sets %s only when it creates it; set '
                      '%s.recreate=true to delete and recreate it'
                      % (', '.join(exc.fields), item.resource.label, 'them' if len(exc.fields) > 1 else 'it', item.where))
        except MissingForCreate as exc:
            item.fail('%s.%s' % (item.where, exc))

    def _plan_gates(self, purge):
        declared = self.declared['sip_gates']
        if declared is None:
            return
        names = set()
        for index, obj in enumerate(declared):
            item = Item('sip_gates', obj['name'], obj, index)
            names.add(obj['name'])
            item.resource = SipGate(self.client, obj['name'], gates=self.gates)
            try:
                item.have = item.resource.find()
            except AvdError as exc:  # several gateways share the name
                item.fail(str(exc))
            self._plan(item)
            self.items['sip_gates'].append(item)
        if purge:
            for gate in self.gates:
                if gate['name'] not in names:
                    item = Item('sip_gates', gate['name'], {'name': gate['name']}, purged=True)
                    item.resource = SipGate(self.client, gate['name'], gates=[gate])
                    item.have = gate
                    self._plan(item)
                    self.items['sip_gates'].append(item)

    def _plan_rooms(self, purge):
        declared = self.declared['rooms']
        if declared is None:
            return
        ids = [str(obj['room_id']) for obj in declared]
        extra = []
        if purge:
            known = set(self.room_records)
            known.update(str(meeting.get('room_id')) for meeting in meetings_in_progress(self.client))
            extra = sorted(known - set(ids))
        reads = dict((o.item, o) for o in run_each(lambda room_id: read_room(self.client, room_id), ids + extra, self.workers))
        for outcome in reads.values():
            if outcome.error is not None and not isinstance(outcome.error, AvdError):
                raise outcome.error
        for index, obj in enumerate(declared):
            item = Item('rooms', str(obj['room_id']), dict(obj, room_id=str(obj['room_id'])), index)
            self._room_item(item, reads[item.key])
        for room_id in extra:
            outcome = reads[room_id]
            if outcome.error is None and outcome.value is None:
                self.room_records.pop(room_id, None)  # gone meanwhile; the record goes too
                continue
            self._room_item(Item('rooms', room_id, {'room_id': room_id}, purged=True), outcome)

    def _room_item(self, item, outcome):
        if outcome.error is not None:
            item.fail(str(outcome.error))
        item.have = outcome.value
        item.resource = Room(self.client, item.key, current=item.have)
        item.resource.read_back = False
        self._plan(item, recreate=bool(item.params.get('recreate')))
        self.items['rooms'].append(item)

    def _plan_accounts(self, purge):
        declared = self.declared['sip_accounts']
        if declared is None:
            return
        directory = self.directory
        directory.prefetch([(obj['number'], obj.get('account_id')) for obj in declared])
        unresolved = [obj for obj in declared if not directory.resolved(obj['number'], obj.get('account_id'))[1]]
        if (unresolved or purge) and directory.gap:
            directory.discover()
        elif unresolved:
            self.warnings.append('discovery is off (discovery_gap=0): %d SIP account(s) without account_id or a record on '
                                 'this machine are taken to be absent: %s' % (len(unresolved), ', '.join(
                                     obj['number'] for obj in unresolved[:10])))
        numbers = set()
        pinned = set()
        for index, obj in enumerate(declared):
            numbers.add(obj['number'])
            if obj.get('account_id') is not None:
                pinned.add(obj['account_id'])
            item = Item('sip_accounts', obj['number'], dict(obj), index)
            self._account_item(item)
        if purge and directory.discovery is not None:
            for number, account in sorted(directory.by_number().items()):
                if number in numbers or account['account_id'] in pinned:
                    continue
                item = Item('sip_accounts', number, {'number': number}, purged=True)
                self._account_item(item)

    def _gate_id_for(self, item, after_gates=False):
        """The gateway id an account wants: ``(id, pending)``; pending when the gateway is still to be created."""
        params = item.params
        if params.get('sip_gate_id') is not None or not params.get('sip_gate'):
            return params.get('sip_gate_id'), False
        name = params['sip_gate']
        for gate_item in self.items['sip_gates']:
            if gate_item.key == name and gate_item.state == 'present':
                if after_gates and not self.check_mode:
                    if gate_item.error is not None:
                        item.fail('its gateway %s (%s.sip_gate) was not created or updated: %s'
                                  % (name, item.where, gate_item.error))
                        return None, False
                    return (gate_item.after or {}).get('gate_id'), False
                if gate_item.have is not None:
                    return gate_item.have['gate_id'], False
                return None, True
        matches = [gate for gate in (self.gates or []) if gate['name'] == name]
        if len(matches) == 1:
            return matches[0]['gate_id'], False
        if matches:
            item.fail('%d SIP gateways are named %s (%s.sip_gate); the name must identify one gateway'
                      % (len(matches), name, item.where))
        elif item.state == 'present':
            item.fail('no SIP gateway is named %s (%s.sip_gate), and sip_gates does not declare it' % (name, item.where))
        return None, False

    def _account_item(self, item, after_gates=False):
        params = item.params
        gate_id, pending = self._gate_id_for(item, after_gates) if item.state == 'present' else (None, False)
        params['sip_gate_id'] = gate_id
        recreate = bool(params.get('recreate'))
        item.resource = SipAccount(self.client, self.directory, params['number'], account_id=params.get('account_id'),
                                   update_password=params.get('update_password') or 'always', gate_pending=pending)
        item.resource.read_back = False
        if params.get('password'):
            self.client.add_secret(params['password'])
        item.have = self.directory.resolved(params['number'], params.get('account_id'))[0]
        if item.have is not None:
            item.extra['account_id'] = item.have['account_id']
        if pending and item.have is not None and item.error is None:
            # The account exists, so it is on another gateway than the one this run has yet to create.
            if recreate:
                item.action, item.changed_names = 'recreate', ['sip_gate_id']
            else:
                item.fail('sip_gate_id cannot be changed on the existing %s: the API sets it only when it creates it; set '
                          '%s.recreate=true to delete and recreate it' % (item.resource.label, item.where))
        else:
            self._plan(item, recreate=recreate)
        if not after_gates:
            self.items['sip_accounts'].append(item)

    def _plan_permits(self):
        for index, obj in enumerate(self.declared['file_permits'] or []):
            digest = fingerprint(obj['licence_cert'])
            item = Item('file_permits', digest, obj, index)
            recorded = digest in self.permit_records
            sending, changed, status, recorded_after = permit_plan(item.state, recorded, bool(obj.get('force')))
            item.extra.update(status=status, sending=sending, recorded=recorded, recorded_after=recorded_after)
            item.action = {APPLIED: 'create', DELETED: 'delete', UNKNOWN: 'unknown'}.get(status)
            item.have = {'fingerprint': digest, 'applied': recorded if recorded or status != UNKNOWN else 'unknown'}
            self.items['file_permits'].append(item)

    def _plan_uploads(self):
        declared = self.declared['uploads'] or []
        items = []
        for index, obj in enumerate(declared):
            item = Item('uploads', server_path(obj), obj, index)
            checksum, size = sha256_file(obj['src'])
            item.extra.update(checksum=checksum, size=size)
            items.append(item)
        todo = [item for item in items if not item.params.get('force')]
        for outcome in run_each(self._server_upload, todo, self.workers):
            if outcome.error is not None:
                outcome.item.fail(str(outcome.error))
            else:
                outcome.item.have = outcome.value
        for item in items:
            if item.error is None:
                if item.params.get('force'):
                    item.action = 'update'
                elif item.have is None:
                    item.action = 'create'
                elif item.have['checksum'] != item.extra['checksum']:
                    item.action = 'update'
            self.items['uploads'].append(item)

    def _server_upload(self, item):
        """What the server holds at the upload's path: None, or its path and checksum. A file of another size is
        another file, and is not downloaded to prove it (its checksum is then unknown, shown as None)."""
        size = server_size(self.client, item.key)
        if size is not None and size != item.extra['size']:
            return {'dest': item.key, 'checksum': None}
        checksum = server_checksum(self.client, item.key)
        return {'dest': item.key, 'checksum': checksum} if checksum else None

    # -- writing --------------------------------------------------------------------------------------------------

    def apply(self):
        """Write (or, in check mode, predict) every planned change, in dependency order."""
        first = [i for i in self.items['sip_gates'] if i.state == 'present']
        first += self.items['rooms'] + self.items['file_permits'] + self.items['uploads']
        self._run(first)
        accounts = self.items['sip_accounts']
        if not self.check_mode:
            for item in accounts:
                if item.error is None and item.state == 'present' and item.action is not None:
                    # Its gateway may have been created just now: the account is planned again with the gateway's id.
                    self._account_item(item, after_gates=True)
        self._run(accounts)
        self._run([i for i in self.items['sip_gates'] if i.state == 'absent'])
        self._save()

    def _run(self, items):
        def one(item):
            if item.error is not None:
                return
            if item.kind == 'file_permits':
                self._apply_permit(item)
            elif item.kind == 'uploads':
                self._apply_upload(item)
            elif item.action is None:
                item.before = item.after = public(item.resource.fields, item.have)
            elif self.check_mode:
                # The plan is the prediction; ensure() is not run again (its gateway may not exist yet).
                want = wanted(item.resource.fields, item.params)
                item.before = public(item.resource.fields, item.have)
                item.after = None if item.action == 'delete' else public(
                    item.resource.fields, item.resource.predict(None if item.action == 'recreate' else item.have, want))
            else:
                dummy, item.before, item.after, dummy = ensure(item.resource, item.params, item.state, False,
                                                               recreate=item.action == 'recreate')
                item.action = item.resource.action
            if item.kind == 'sip_accounts' and item.after:
                item.extra['account_id'] = item.after.get('account_id')

        for outcome in run_each(one, items, self.workers):
            if outcome.error is not None:
                error = outcome.error
                if isinstance(error, AlreadyExists):
                    text = 'another run created it twice while this one was recreating it; run again to converge'
                elif isinstance(error, (AvdError, MissingForCreate, RecreateNeeded)):
                    text = str(error)
                else:
                    text = 'unexpected error: %s: %s' % (type(error).__name__, error)
                outcome.item.fail(self.client.redact(text))

    def _apply_permit(self, item):
        extra = item.extra
        if extra['sending'] and not self.check_mode:
            send_permit(self.client, normalize_cert(item.params['licence_cert']), item.state)
            extra['sent'] = True
        item.before = item.have
        item.after = {'fingerprint': item.key,
                      'applied': extra['recorded_after'] if extra['sending'] or extra['status'] != UNKNOWN else 'unknown'}

    def _apply_upload(self, item):
        item.before = item.have
        item.after = {'dest': item.key, 'checksum': item.extra['checksum']}
        if item.action is None or self.check_mode:
            return
        params = item.params
        download_url = self.client.attachment_url(item.key)
        verify = upload_verifier(self.client, item.key, item.extra['checksum'], item.extra['size'], download_url)
        body = self.client.upload(params['src'], os.path.dirname(item.key), os.path.basename(params['src']),
                                  bool(params.get('storage_only_cluster')), verify=verify)
        item.extra['download_url'] = body.get('download_url') or download_url

    def _save(self):
        """Keep in this machine's cache what the run read and did; in check mode only what it read."""
        self.directory.save(replace=self.directory.discovery is not None)
        rooms = dict(self.room_records)
        for item in self.items['rooms']:
            exists = item.have if (self.check_mode or item.error is not None) else item.after
            if exists is not None:
                rooms[item.key] = {}
            elif item.error is None:
                rooms.pop(item.key, None)
        self.ledger.change(ROOMS_KIND, puts=rooms, replace=True)
        if self.check_mode:
            return
        permits_put, permits_forget = {}, []
        for item in self.items['file_permits']:
            if item.error is None and item.extra.get('sent'):
                if item.extra['recorded_after']:
                    permits_put[item.key] = record_value()
                elif item.extra['recorded']:
                    permits_forget.append(item.key)
        if (permits_put or permits_forget) and not self.ledger.change(PERMITS_KIND, puts=permits_put, forgets=permits_forget):
            self.warnings.append('file permits were sent but the record in %s could not be updated; the next run will '
                                 'send them again' % self.ledger.directory)

    # -- results --------------------------------------------------------------------------------------------------

    def results(self, with_diff=False):
        """``(changed, plan, summary, account_ids, diff)`` of the run; ``diff`` is None unless ``with_diff``.

        Ansible masks every password of the module's arguments in every string of its result, one by one: with a
        thousand accounts each string costs a thousand replacements. So object keys are dict keys (which are not
        masked), details stay small, and the before/after of every object is built only for ``--diff``.
        """
        plan_ = {}
        summary = {}
        account_ids = {}
        diff_before, diff_after = {}, {}
        changed = False
        for kind in KINDS:
            if self.declared[kind] is None and not self.items[kind]:
                continue
            groups = dict((group, {}) for group in GROUPS)
            unchanged = 0
            for item in self.items[kind]:
                if kind == 'sip_accounts' and item.extra.get('account_id') is not None and item.state == 'present':
                    account_ids[item.key] = item.extra['account_id']
                if item.error is not None:
                    groups['failed'][item.key] = {'error': item.error}
                    continue
                if item.action is None:
                    unchanged += 1
                    continue
                groups[item.action][item.key] = self._plan_entry(item)
                if item.action != 'unknown':
                    changed = True
                    if with_diff:
                        # A created object is only on the after side, a deleted one only on the before side.
                        diff_before.setdefault(kind, {})
                        diff_after.setdefault(kind, {})
                        if item.before:
                            diff_before[kind][item.key] = item.before
                        if item.after:
                            diff_after[kind][item.key] = item.after
            plan_[kind] = dict(groups, unchanged=unchanged)
            summary[kind] = dict((group, len(entries)) for group, entries in groups.items())
            summary[kind]['unchanged'] = unchanged
            if kind in PURGEABLE and self.params['purge']:
                plan_[kind]['protected'] = sorted(self.protected_keys.get(kind, []))
                summary[kind]['protected'] = len(plan_[kind]['protected'])
        diff = {'before': diff_before, 'after': diff_after, 'prepared': self.plan_text(plan_)} if with_diff else None
        return changed, plan_, summary, account_ids, diff

    def _plan_entry(self, item):
        entry = {}
        fields = item.resource.fields if item.resource is not None else {}
        if item.action in ('update', 'recreate') and item.resource is not None:
            before = item.have or {}
            want = wanted(fields, item.params)
            entry['changes'] = dict(
                (name, {'before': HIDDEN, 'after': HIDDEN} if fields[name].secret
                 else {'before': before.get(name), 'after': want.get(name)}) for name in item.changed_names)
        elif item.action == 'update' and item.kind == 'uploads':
            entry['changes'] = {'checksum': {'before': (item.have or {}).get('checksum'), 'after': item.extra['checksum']}}
        elif item.action == 'unknown':
            entry['reason'] = ('the API cannot read file permits back and this machine has no record of it'
                               + ('; it is applied again' if item.state == 'present' else ''))
        if item.purged:
            entry['purged'] = True
        for key in ('account_id', 'status', 'download_url'):
            if item.extra.get(key) is not None:
                entry[key] = item.extra[key]
        return entry

    def plan_text(self, plan_):
        lines = ['%s for %s:' % ('Plan' if self.check_mode else 'Changes', self.client.server_url)]
        marks = {'create': '+', 'update': '~', 'recreate': '!', 'delete': '-', 'unknown': '?', 'failed': 'x'}
        for kind, groups in plan_.items():
            counts = ', '.join('%d %s' % (len(groups[g]), g) for g in GROUPS if groups[g])
            lines.append('%s: %s%s%d unchanged' % (kind, counts, ', ' if counts else '', groups['unchanged']))
            for group in GROUPS:
                for key, entry in groups[group].items():
                    shown = key if kind != 'file_permits' else 'sha256:%s' % key[:16]
                    detail = ''
                    if entry.get('changes'):
                        detail = ' (%s)' % ', '.join(sorted(entry['changes']))
                    elif entry.get('error'):
                        detail = ': %s' % entry['error']
                    elif entry.get('reason'):
                        detail = ': %s' % entry['reason']
                    lines.append('  %s %s%s%s' % (marks[group], shown, ' [purge]' if entry.get('purged') else '', detail))
            for key in groups.get('protected') or []:
                lines.append('  = %s [not declared, kept by protect]' % key)
        return '\n'.join(lines) + '\n'
