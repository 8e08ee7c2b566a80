# -*- coding: utf-8 -*-
# Copyright (c) 2026 rtcops.conference contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""SIP accounts: how a run finds them on a server that cannot list them. Private to this collection.

The API reads an account only by its id and never says which id a number has (Q-AVD-48). Ids are integers
handed out in ascending order. A run therefore finds accounts, in this order:

1. by an ``account_id`` the user pinned;
2. by this machine's cache of number -> id (``Ledger``), always read back and dropped when it is wrong;
3. by **discovery**, once per run and only when 1 and 2 leave a wanted number unresolved (or when every
   account must be known, for a purge or an export): ids are read from 1 upwards, ``workers`` at a time, until
   ``gap`` ids in a row past the highest id seen (read, cached or pinned) are absent, or ``limit`` is reached.
   Everything found replaces the cache, so the next run reads each managed account once and nothing more.

The server stays the source of truth: the cache only saves reads, and an empty cache gives the same result.
"""

from __future__ import annotations

import threading

from ansible.module_utils.basic import env_fallback

from ansible_collections.rtcops.conference.plugins.module_utils._avd_client import AvdApiError, AvdError
from ansible_collections.rtcops.conference.plugins.module_utils._ensure import AlreadyExists, Field, Resource
from ansible_collections.rtcops.conference.plugins.module_utils._ledger import Ledger
from ansible_collections.rtcops.conference.plugins.module_utils._parallel import run_each

ACCOUNT_ABSENT_CODE = 40022
NUMBER_TAKEN_CODE = 40021
LEDGER_KIND = 'sip_accounts'

DEFAULT_GAP = 100
DEFAULT_LIMIT = 100000
DEFAULT_WORKERS = 8
MAX_WORKERS = 64

# The options of an account, shared by avd_sip_account and avd_environment.
ACCOUNT_OPTIONS = dict(
    number=dict(type='str', required=True),
    name=dict(type='str'),
    password=dict(type='str', no_log=True),
    sip_gate=dict(type='str'),
    sip_gate_id=dict(type='int'),
    account_id=dict(type='int'),
    update_password=dict(type='str', default='always', choices=['always', 'on_create'], no_log=False),
    recreate=dict(type='bool', default=False),
    state=dict(type='str', default='present', choices=['present', 'absent']),
)

# Keep in sync with plugins/doc_fragments/avd_discovery.py.
DISCOVERY_SPEC = dict(
    discovery_gap=dict(type='int', default=DEFAULT_GAP, fallback=(env_fallback, ['AVD_DISCOVERY_GAP'])),
    discovery_limit=dict(type='int', default=DEFAULT_LIMIT, fallback=(env_fallback, ['AVD_DISCOVERY_LIMIT'])),
    concurrency=dict(type='int', default=DEFAULT_WORKERS, fallback=(env_fallback, ['AVD_CONCURRENCY'])),
)


def discovery_problem(params):
    """The message for a discovery option out of range, or None."""
    if params['discovery_gap'] < 0:
        return 'discovery_gap must be 0 (off) or a positive number of ids, got %s' % params['discovery_gap']
    if params['discovery_limit'] < 1:
        return 'discovery_limit must be a positive account id, got %s' % params['discovery_limit']
    if not 1 <= params['concurrency'] <= MAX_WORKERS:
        return 'concurrency must be between 1 and %d, got %s' % (MAX_WORKERS, params['concurrency'])
    return None


def directory_for(module, gate_hint=0):
    """The AccountDirectory of a module run, from its connection and discovery options."""
    params = module.params
    return AccountDirectory(module.client, Ledger(params['server_url'], params['cache_dir']), gap=params['discovery_gap'],
                            limit=params['discovery_limit'], workers=params['concurrency'], gate_hint=gate_hint)


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


class NumberTaken(AvdError):
    """The server refused to create an account because its number exists (40021), and discovery did not find it."""

    def __init__(self, message, call, vendor_msg=None):
        super().__init__(message, call)
        self.code = NUMBER_TAKEN_CODE
        self.vendor_msg = vendor_msg


class AccountDirectory:
    """Every account a run has read, found by id or number; the cache of this machine kept in step."""

    def __init__(self, client, ledger, gap=DEFAULT_GAP, limit=DEFAULT_LIMIT, workers=DEFAULT_WORKERS, gate_hint=0):
        self.client = client
        self.ledger = ledger
        self.gap = gap
        self.limit = limit
        self.workers = workers
        # Q-AVD-50: a read needs some gateway id, but the documented example reads an account with another
        # gateway's id and gets it; any id the server knows will do.
        self.gate_hint = gate_hint
        self._load_cache(ledger.entries(LEDGER_KIND))
        self.read_ids = {}  # account_id -> account, or None when the server has no such id
        self.discovery = None  # what the discovery did, once it ran: see discover()
        self._discover_lock = threading.Lock()
        self._lock = threading.Lock()  # read_ids is filled by several threads while others look accounts up

    # -- reading -----------------------------------------------------------------------------------

    def read(self, account_id, fresh=False):
        """The account with this id, or None; read once per run unless ``fresh``."""
        if not fresh and account_id in self.read_ids:
            return self.read_ids[account_id]
        gate_id = self._cached_by_id.get(account_id, {}).get('sip_gate_id') or self.gate_hint
        try:
            body = self.client.call('/sip/account/read', {'account_id': account_id, 'sip_gate_id': gate_id})
        except AvdApiError as exc:
            if exc.code != ACCOUNT_ABSENT_CODE:
                raise
            account = None
        else:
            account = normalize_account(body)
        with self._lock:
            self.read_ids[account_id] = account
        return account

    def _known(self):
        with self._lock:
            return dict(self.read_ids)

    def _load_cache(self, entries):
        """Keep the cache of number -> record, and its records by id: a run reads every cached id once."""
        self.cached = entries
        self._cached_by_id = dict((record['account_id'], record) for record in entries.values()
                                  if isinstance(record, dict) and isinstance(record.get('account_id'), int))

    def read_many(self, account_ids):
        """Read every id not read yet in this run, concurrently; the first failure is raised."""
        pending = sorted(set(i for i in account_ids if i not in self.read_ids))
        for outcome in run_each(self.read, pending, self.workers):
            if outcome.error is not None:
                raise outcome.error

    def cached_id(self, number):
        record = self.cached.get(number)
        if isinstance(record, dict) and isinstance(record.get('account_id'), int):
            return record['account_id']
        return None

    # -- finding -----------------------------------------------------------------------------------

    def prefetch(self, wanted):
        """Read, in one concurrent batch, the pinned or cached id of every ``(number, account_id)`` wanted."""
        ids = [pinned if pinned is not None else self.cached_id(number) for number, pinned in wanted]
        self.read_many(i for i in ids if i is not None)

    def resolved(self, number, account_id=None):
        """The account without discovery: ``(account, True)`` when found or proven absent, else ``(None, False)``."""
        if account_id is not None:
            return self.read(account_id), True
        cached = self.cached_id(number)
        if cached is not None:
            account = self.read(cached)
            if account is not None and account['number'] == number:
                return account, True
        if self.discovery is not None:
            return self.by_number().get(number), True
        return None, False

    def lookup(self, number, account_id=None):
        """The account with ``number`` (or exactly the pinned ``account_id``), or None when the server has none.

        Discovers only when the pinned id and the cache cannot answer and discovery is enabled (``gap`` > 0).
        """
        account, known = self.resolved(number, account_id)
        if known or not self.gap:
            return account
        return self.discover().get(number)

    def by_number(self):
        return dict((account['number'], account) for account in self._known().values() if account is not None)

    def known_highest(self):
        ids = [i for i, account in self._known().items() if account is not None]
        return max(ids + list(self._cached_by_id) or [0])

    def discover(self):
        """Read ids from 1 up until ``gap`` ids in a row past the highest known id are absent; ``{number: account}``."""
        with self._discover_lock:
            if self.discovery is None:
                self.discovery = self._scan(1, self.known_highest(), fresh=False)
                self.save(replace=True)
        return self.by_number()

    def _scan(self, start, highest, fresh):
        """Read from ``start`` by windows of ``gap`` ids; stop ``gap`` absent ids past max(``highest``, last found)."""
        reads = 0
        last_present = 0
        next_id = start
        stopped = 'gap'
        gap = max(self.gap, 1)
        while True:
            bound = max(last_present, highest) + gap
            end = min(bound, self.limit)
            if next_id > end:
                stopped = 'limit' if bound > self.limit else 'gap'
                break
            window = list(range(next_id, min(end, next_id + gap - 1) + 1))
            todo = window if fresh else [i for i in window if i not in self.read_ids]
            for outcome in run_each(lambda i: self.read(i, fresh=fresh), todo, self.workers):
                if outcome.error is not None:
                    raise outcome.error
            reads += len(todo)
            present = [i for i in window if self.read_ids.get(i) is not None]
            if present:
                last_present = max(last_present, *present)
            next_id = window[-1] + 1
        return {'reads': reads, 'scanned_through': next_id - 1, 'highest_found': last_present, 'stopped': stopped,
                'gap': gap, 'limit': self.limit}

    def find_created(self, number, floor=None):
        """After a create whose answer was lost: the account with ``number`` among the ids above ``floor``.

        A new account gets an id above every account that existed when its create was sent, so ``floor`` is the highest
        id known before the create (by default, now); the ids past it are read again. With creates running in other
        threads of this run, a later "highest" may already be past the id this create got: pass the floor taken before.
        """
        highest = self.known_highest() if floor is None else floor
        self._scan(highest + 1, highest, fresh=True)
        for account_id, account in self._known().items():
            if account_id > highest and account is not None and account['number'] == number:
                return account
        return None

    # -- the cache ---------------------------------------------------------------------------------

    def remember(self, account):
        with self._lock:
            self.read_ids[account['account_id']] = account

    def forget(self, account_id):
        with self._lock:
            self.read_ids[account_id] = None

    def save(self, replace=False):
        """Write what this run knows into the cache; ``replace`` after a discovery, which saw every account."""
        known = self._known()
        puts = dict((account['number'], {'account_id': account['account_id'], 'sip_gate_id': account['sip_gate_id']})
                    for account in known.values() if account is not None)
        forgets = []
        for number, record in self.cached.items():
            account_id = record.get('account_id') if isinstance(record, dict) else None
            if not isinstance(account_id, int):
                forgets.append(number)
            elif account_id in known:
                account = known[account_id]
                if account is None or account['number'] != number:  # deleted, or renumbered since
                    forgets.append(number)
        written = self.ledger.change(LEDGER_KIND, puts=puts, forgets=forgets, replace=replace)
        if written:
            self._load_cache(self.ledger.entries(LEDGER_KIND))
        return written

    def taken_message(self, number):
        scan = self.discovery
        if scan is None:
            return ('number %s already exists on the server, but its account_id is not known on this machine and '
                    'discovery is off (discovery_gap=0). Set account_id to manage it.' % number)
        return ('number %s already exists on the server, but discovery did not find it (ids 1 to %d read, stopping '
                'after %d absent ids in a row%s). Set account_id to manage it, or raise discovery_gap.'
                % (number, scan['scanned_through'], scan['gap'],
                   '; discovery_limit reached' if scan['stopped'] == 'limit' else ''))


class SipAccount(Resource):
    """An account, identified by its number (or by a pinned ``account_id``, which lets it be renumbered).

    ``read_back``: read the account again after a write (the single-object module), or trust the server's success
    answer (avd_environment, where it would double the calls).
    """

    read_back = True

    def __init__(self, client, directory, number, account_id=None, update_password='always', gate_pending=False):
        self.client = client
        self.directory = directory
        self.number = number
        self.account_id = account_id
        self.label = 'SIP account %s' % number
        self.verified = False
        self.fields = {
            'number': Field(),
            'name': Field(),
            # With update_password=on_create the password of an existing account is neither compared nor changed.
            'password': Field(secret=True, readable=update_password == 'always'),
            'sip_gate_id': Field(updatable=False),
        }
        self.create_requires = ('name', 'password', 'sip_gate_id')
        if gate_pending:
            # Check mode, gateway not created yet: the account cannot exist on it; compare nothing about the gateway.
            self.fields['sip_gate_id'] = Field(readable=False, updatable=False)
            self.create_requires = ('name', 'password')

    def find(self):
        account = self.directory.lookup(self.number, self.account_id)
        self.verified = account is not None
        return account

    def create(self, want):
        floor = self.directory.known_highest()  # this account's id will be above it

        def verify():
            # A lost answer: the account exists if a new id holds its number; otherwise nothing was created.
            found = self.directory.find_created(want['number'], floor)
            return None if found is None else {'account_id': found['account_id']}

        try:
            body = self.client.call('/sip/account/create', {
                'name': want['name'], 'password': want['password'], 'number': want['number'], 'sip_gate_id': want['sip_gate_id'],
            }, write=True, verify=verify)
        except AvdApiError as exc:
            if exc.code != NUMBER_TAKEN_CODE:
                raise
            # Another run may have just created it: that one has an id above every id known here.
            found = self.directory.find_created(want['number'], floor) if self.directory.gap else None
            if found is None:
                raise NumberTaken(self.directory.taken_message(want['number']), exc.call, exc.vendor_msg)
            self.verified = True
            raise AlreadyExists(found)
        account = self.directory.read(int(body['account_id']), fresh=True) if self.read_back else None
        self.verified = account is not None
        if account is None:
            account = dict(want, account_id=int(body['account_id']))
            self.directory.remember(account)
        return account

    def update(self, have, want, changed):
        # Q-AVD-52: the update call replaces name, password and number together.
        state = dict(have, **want)
        self.client.call('/sip/account/update', {
            'account_id': have['account_id'], 'name': state['name'], 'password': state['password'], 'number': state['number'],
        }, write=True, idempotent=True)
        account = self.directory.read(have['account_id'], fresh=True) if self.read_back else None
        self.verified = account is not None
        if account is None:
            account = state
            self.directory.remember(account)
        return account

    def delete(self, have):
        try:
            self.client.call('/sip/account/del', {'account_id': have['account_id']}, write=True, idempotent=True)
        except AvdApiError as exc:
            if exc.code != ACCOUNT_ABSENT_CODE:
                raise
        self.directory.forget(have['account_id'])
        self.verified = False

    def predict(self, have, want):
        self.verified = False
        state = super().predict(have, want)
        state.setdefault('account_id', None)
        return state
